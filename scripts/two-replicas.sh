#!/usr/bin/env bash
# The two-replica test: the built backend (scripts/build-backend.sh) twice, on :7101 and :7102,
# on one fresh PostgreSQL database and this machine's Redis, behind Debian's Nginx on :7100.
# Checks and what they prove: scripts/two-replicas/driver.mjs and docs/production.md.
#   bash scripts/two-replicas.sh [BUILT_DIR]   (builds into dist-backend/ when BUILT_DIR lacks a build)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_node
command -v nginx >/dev/null || ensure_os_packages "two-replica test" nginx-light
BUILT=${1:-"$ROOT/dist-backend"}
[ -f "$BUILT/packages/backend/dist/index.js" ] || bash scripts/build-backend.sh "$BUILT"
DB=stacktalk_replicas_$$
WORK=$(mktemp -d)
psql -h 127.0.0.1 -U postgres -qc "create database $DB"
# TWO_REPLICAS_KEEP_LOGS=1 keeps the work folder (the replicas' logs) and says where.
trap 'psql -h 127.0.0.1 -U postgres -qc "drop database if exists $DB with (force)"; if [ -n "${TWO_REPLICAS_KEEP_LOGS:-}" ]; then echo "logs kept in $WORK"; else rm -rf "$WORK"; fi' EXIT
# Each plugin in its own schema of the one fresh database (production: a database per plugin).
cat > "$WORK/database.yaml" <<YAML
backend:
  database:
    pluginDivisionMode: schema
    connection: { database: $DB }
YAML
source scripts/two-replicas/env.sh
# The replicas' shared dynamic plugins folder, inside the built tree (its bundles resolve the
# Backstage packages from there).
export STACKTALK_DYNAMIC_PLUGINS_DIR="$BUILT/dynamic-plugins-$$"
trap 'rm -rf "$STACKTALK_DYNAMIC_PLUGINS_DIR" "$STACKTALK_DYNAMIC_PLUGINS_DIR".*; psql -h 127.0.0.1 -U postgres -qc "drop database if exists $DB with (force)"; if [ -n "${TWO_REPLICAS_KEEP_LOGS:-}" ]; then echo "logs kept in $WORK"; else rm -rf "$WORK"; fi' EXIT
export CATALOG_ORG_LOCATION="$ROOT/examples/org/org.yaml" TECHDOCS_DIR="$WORK/techdocs"
node scripts/two-replicas/driver.mjs "$BUILT" "$DB" "$WORK"

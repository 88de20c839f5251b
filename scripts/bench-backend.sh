#!/usr/bin/env bash
# Built backend (scripts/build-backend.sh) against today's start from TypeScript sources (node
# transform): time from `node` to a 200 on /.backstage/health/v1/readiness, and RSS 10 s later;
# also the time to the first HTTP answer (/.backstage/health/v1/liveness), which shows how much
# of the start is loading and compiling code and how much is the plugins' own start-up.
# Same machine, same run, same config (production + the test overlay), one fresh PostgreSQL
# database (schemas per plugin), migrations done by a first warm-up start so both measure a
# restart. Port 7101. Usage: bash scripts/bench-backend.sh [BUILT_DIR]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_node
BUILT=${1:-"$ROOT/dist-backend"}
[ -f "$BUILT/packages/backend/dist/index.js" ] || bash scripts/build-backend.sh "$BUILT"
DB=stacktalk_bench_$$
PORT=7101
WORK=$(mktemp -d)
psql -h 127.0.0.1 -U postgres -qc "create database $DB"
trap 'psql -h 127.0.0.1 -U postgres -qc "drop database if exists $DB with (force)"; rm -rf "$WORK"' EXIT
cat > "$WORK/bench.yaml" <<YAML
backend:
  listen: ':$PORT'
  database:
    pluginDivisionMode: schema
    connection: { database: $DB }
YAML
source scripts/two-replicas/env.sh
export CATALOG_ORG_LOCATION="$ROOT/examples/org/org.yaml" TECHDOCS_DIR="$WORK/techdocs"
CONFIGS=(--config app-config.yaml --config app-config.production.yaml
  --config "$ROOT/scripts/two-replicas/app-config.two-replicas.yaml" --config "$WORK/bench.yaml")

measure() { # measure LABEL DIR CMD...: prints "LABEL ready_ms rss_mb live_ms"
  local label=$1 dir=$2; shift 2
  local start; start=$(date +%s%N)
  (cd "$dir" && exec "$@" "${CONFIGS[@]}") > "$WORK/$label.log" 2>&1 &
  local pid=$! ready="" live=""
  for _ in $(seq 1 600); do
    if [ -z "$live" ] && curl -fsS -o /dev/null "http://127.0.0.1:$PORT/.backstage/health/v1/liveness" 2>/dev/null; then
      live=$(( ($(date +%s%N) - start) / 1000000 ))
    fi
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/.backstage/health/v1/readiness" 2>/dev/null; then
      ready=$(( ($(date +%s%N) - start) / 1000000 )); break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  sleep 10
  local rss; rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status" 2>/dev/null)
  kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  [ -n "$ready" ] || { warn "$label never became ready; see $WORK/$label.log"; tail -5 "$WORK/$label.log"; return 1; }
  echo "$label $ready $rss ${live:-$ready}"
}
log "warm-up start (migrations)"
measure warmup "$BUILT" node packages/backend > /dev/null
read -r _ src_ms src_rss src_live < <(measure sources "$ROOT" node --require @backstage/cli/config/nodeTransform.cjs packages/backend)
read -r _ built_ms built_rss built_live < <(measure built "$BUILT" node packages/backend)
printf '%-22s %16s %10s %10s\n' '' 'first answer (s)' 'ready (s)' 'RSS (MB)'
printf '%-22s %16.1f %10.1f %10s\n' 'from sources' "$(bc <<< "scale=1; $src_live/1000")" "$(bc <<< "scale=1; $src_ms/1000")" "$src_rss"
printf '%-22s %16.1f %10.1f %10s\n' 'built (dist-backend)' "$(bc <<< "scale=1; $built_live/1000")" "$(bc <<< "scale=1; $built_ms/1000")" "$built_rss"
printf '%-22s %16.2f %10.2f %10.2f\n' 'built / sources' "$(bc <<< "scale=2; $built_live/$src_live")" "$(bc <<< "scale=2; $built_ms/$src_ms")" "$(bc <<< "scale=2; $built_rss/$src_rss")"
# Which plugins the start waited for longest (Backstage logs the ones still starting).
grep -ho 'Plugin initialization in progress[^"]*' "$WORK/built.log" | tail -n 3 || true

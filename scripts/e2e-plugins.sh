#!/usr/bin/env bash
# The Plugins page's installs end to end (issue 26): the built portal on :7037 under
# scripts/supervise.mjs with its own dynamic plugins folder (data-e2e-plugins/), the example
# plugins of examples/dynamic-plugins bundled into test-results/plugin-bundles/*.tgz, and
# packages/app/e2e-plugins in Chromium: an admin installs, sees the progress through the restart,
# uses the new tab, disables it, a broken bundle is rolled back, a bundle missing config is
# refused, a non-admin gets no controls and 403.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
e2e_setup data-e2e-plugins 7037 || exit 1

# The bundles an admin uploads: the runbook frontend remote (built), the runbook backend and the
# two fixtures (plain CommonJS folders), each packed as <folder>.tgz.
BUNDLES="$ROOT/test-results/plugin-bundles"
rm -rf "$BUNDLES"; mkdir -p "$BUNDLES/folders"
bash scripts/bundle-plugin.sh examples/dynamic-plugins/runbook "$BUNDLES/folders" > test-results/e2e-plugins-bundle.log 2>&1 ||
  { warn "bundling the runbook frontend failed"; tail -20 test-results/e2e-plugins-bundle.log; exit 1; }
cp -r examples/dynamic-plugins/runbook-backend "$BUNDLES/folders/stacktalk-examples-plugin-runbook-backend"
cp -r examples/dynamic-plugins/fixtures/broken-backend "$BUNDLES/folders/stacktalk-examples-plugin-broken-backend"
cp -r examples/dynamic-plugins/fixtures/pager-backend "$BUNDLES/folders/stacktalk-examples-plugin-pager-backend"
for dir in "$BUNDLES"/folders/*; do
  tar -czf "$BUNDLES/$(basename "$dir").tgz" -C "$BUNDLES/folders" "$(basename "$dir")"
done

node scripts/supervise.mjs -- "${BACKEND_CMD[@]}" --config app-config.yaml --config app-config.e2e.yaml \
  --config app-config.e2e-plugins.yaml > test-results/e2e-plugins-backend.log 2>&1 &
supervisor_pid=$!
trap 'kill $supervisor_pid 2>/dev/null; wait $supervisor_pid 2>/dev/null' EXIT
wait_portal_ready 7037 $supervisor_pid test-results/e2e-plugins-backend.log 300 || exit 1
PORTAL_URL=http://localhost:7037 E2E_PLUGIN_BUNDLES="$BUNDLES" npx playwright test --config playwright.plugins.config.ts "$@"

#!/usr/bin/env bash
# Starts the built portal on a throw-away data folder with the fixture Kubernetes API, runs the
# Playwright suite against it in Debian's Chromium, and stops what it started.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_node
export E2E_DATA="$ROOT/data-e2e"
rm -rf "$E2E_DATA"; mkdir -p "$E2E_DATA/sqlite" "$E2E_DATA/techdocs" test-results
start_kubernetes_fixture
start_github_fixture

if curl -fsS -o /dev/null http://127.0.0.1:7007/.backstage/health/v1/liveness 2>/dev/null; then
  warn "something already listens on :7007; stop it (make start?) before running the end-to-end tests"
  exit 1
fi
# Demo traffic for the Streams tab: the mock Kafka broker on 127.0.0.1:19092 (app-config.yaml)
# and the catalog's Redis streams, at a light rate. Without it the stream tests fail, the rest run.
node --require @backstage/cli/config/nodeTransform.cjs examples/streams-demo/producer.ts --rate 10 > test-results/streams-demo.log 2>&1 &
demo_pid=$!
trap 'kill $demo_pid ${KUBERNETES_FIXTURE_PID:-} ${GITHUB_FIXTURE_PID:-} 2>/dev/null; wait $demo_pid 2>/dev/null' EXIT
for _ in $(seq 1 60); do
  grep -q 'streams demo ready' test-results/streams-demo.log 2>/dev/null && break
  kill -0 $demo_pid 2>/dev/null || { warn "the streams demo exited; see test-results/streams-demo.log"; tail -5 test-results/streams-demo.log; break; }
  sleep 1
done

"${BACKEND_CMD[@]}" --config app-config.yaml --config app-config.e2e.yaml > test-results/e2e-backend.log 2>&1 &
backend_pid=$!
# Stop what this run started (a fixture that was already running is left alone).
trap 'kill $backend_pid $demo_pid ${KUBERNETES_FIXTURE_PID:-} ${GITHUB_FIXTURE_PID:-} 2>/dev/null; wait $backend_pid $demo_pid 2>/dev/null' EXIT
wait_portal_ready 7007 $backend_pid test-results/e2e-backend.log 300 || exit 1
npx playwright test "$@"

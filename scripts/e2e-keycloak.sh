#!/usr/bin/env bash
# Keycloak sign-in end to end: the FIXTURE Keycloak (oidc-provider at Keycloak's paths) on :7090,
# the built portal on :7027 with app-config.e2e-keycloak.yaml (app config is injected by the
# backend at runtime, so the normal build serves), and packages/app/e2e-keycloak in Chromium.
# Separate from scripts/e2e.sh, which runs the embedded default's sign-in on :7007.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
e2e_setup data-e2e-keycloak 7027 7090 || exit 1
# Access tokens live 70 s so that the test sees keycloak-js refresh one (at 60 s left).
node examples/fixtures/keycloak-oidc/server.mjs --port 7090 --app-url http://localhost:7027 --access-token-ttl 70 \
  > test-results/e2e-keycloak-fixture.log 2>&1 &
keycloak_pid=$!
"${BACKEND_CMD[@]}" --config app-config.yaml --config app-config.e2e.yaml --config app-config.e2e-keycloak.yaml \
  > test-results/e2e-keycloak-backend.log 2>&1 &
backend_pid=$!
trap 'kill $backend_pid $keycloak_pid 2>/dev/null; wait $backend_pid $keycloak_pid 2>/dev/null' EXIT
wait_portal_ready 7027 $backend_pid test-results/e2e-keycloak-backend.log 300 || exit 1
kill -0 $keycloak_pid 2>/dev/null || { warn "fixture Keycloak exited"; cat test-results/e2e-keycloak-fixture.log; exit 1; }
PORTAL_URL=http://localhost:7027 npx playwright test --config playwright.keycloak.config.ts "$@"

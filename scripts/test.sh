#!/usr/bin/env bash
# `make test`: typecheck, lint, unit + integration tests (real PostgreSQL and Redis), the fixture
# server's tests, a production build, and Playwright end-to-end tests in Debian's Chromium against
# the built portal. Ends with one line `N passed, N failed`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_node
ensure_os_deps
ensure_npm_deps
set +e

RESULTS="$ROOT/test-results"
rm -rf "$RESULTS"; mkdir -p "$RESULTS"
PASSED=0; FAILED=0
record() { # record NAME PASSED FAILED
  PASSED=$((PASSED + $2)); FAILED=$((FAILED + $3))
  printf '%-28s %4s passed %4s failed\n' "$1" "$2" "$3" >> "$RESULTS/summary.txt"
}
step() { # step NAME CMD...: a step that counts as one check
  local name=$1; shift
  log "── $name"
  if "$@"; then record "$name" 1 0; else record "$name" 0 1; warn "$name failed"; fi
}

export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432}
export STACKTALK_TEST_REDIS_URL=${STACKTALK_TEST_REDIS_URL:-redis://127.0.0.1:6379}

step typecheck npx tsc --noEmit
step lint npx backstage-cli repo lint

log "── unit and integration tests (jest)"
CI=true npx backstage-cli repo test --ci --json --outputFile="$RESULTS/jest.json" > "$RESULTS/jest.log" 2>&1
jest_rc=$?
tail -n 40 "$RESULTS/jest.log"
if [ -f "$RESULTS/jest.json" ]; then
  read -r jp jf < <(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites)' "$RESULTS/jest.json")
  [ "$jest_rc" != 0 ] && [ "$jf" = 0 ] && jf=1
  record jest "$jp" "$jf"
else
  record jest 0 1
fi

log "── fixture Kubernetes API server tests (node:test)"
node --test 'examples/fixtures/kubernetes-api/*.test.mjs' > "$RESULTS/fixture.log" 2>&1
fixture_rc=$?
tail -n 12 "$RESULTS/fixture.log"
np=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$RESULTS/fixture.log"); nf=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$RESULTS/fixture.log")
[ "$fixture_rc" != 0 ] && [ "${nf:-0}" = 0 ] && nf=1
record fixture-tests "${np:-0}" "${nf:-1}"

step build ensure_built

log "── end-to-end tests (Playwright, Chromium)"
bash scripts/e2e.sh
e2e_rc=$?
if [ -f "$RESULTS/e2e.json" ]; then
  read -r ep ef < <(node -e 'const s=require(process.argv[1]).stats;console.log(s.expected + s.flaky, s.unexpected)' "$RESULTS/e2e.json")
  [ "$e2e_rc" != 0 ] && [ "$ef" = 0 ] && ef=1
  record e2e "$ep" "$ef"
else
  record e2e 0 1
fi

echo
cat "$RESULTS/summary.txt"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]

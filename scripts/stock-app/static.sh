#!/usr/bin/env bash
# Static install test (issue 25): packs every StackTalk plugin, creates a stock Backstage app
# with @backstage/create-app in a temporary folder, installs the tarballs into it, builds it,
# starts its backend (port $STOCK_APP_PORT, default 7300; fixture GitHub API on
# $STOCK_GITHUB_PORT, default 7301; Redis at $STOCK_REDIS_URL) and checks in Chromium that every
# plugin's routes answer and every entity tab renders (check-static.mjs).
# Ends with `N passed, N failed`; screenshots and logs in test-results/stock-app/.
# `static.sh --prepare-only` packs, copies, installs and builds, and stops before the checks (a
# later run with the same STOCK_APP_RUN only checks; scripts/test.sh prepares in the background).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
set +e

cleanup() { stock_app_stop_backend; stock_stop_github_fixture; }
trap cleanup EXIT

if ! stock_app_prepare; then
  echo "0 passed, 1 failed"; exit 1
fi
[ "${1:-}" = --prepare-only ] && exit 0
cat "$STOCK_RESULTS/timings.txt" 2>/dev/null

# A few entries in the example Redis stream, so the Streams tab has data to show.
for i in 1 2 3 4 5; do
  redis-cli -u "$STOCK_REDIS_URL" XADD 'stacktalk:stock-app:demo' MAXLEN '~' 1000 '*' \
    json "{\"ts\":\"$(date -u +%FT%TZ)\",\"latency_ms\":$((RANDOM % 100))}" > /dev/null
done

stock_start_github_fixture || { echo "0 passed, 1 failed"; exit 1; }
if ! stock_app_start_backend; then echo "0 passed, 1 failed"; exit 1; fi
started=$SECONDS
stock_app_chromium check-static
rc=$?
echo "chromium-checks $(( SECONDS - started ))s" >> "$STOCK_RESULTS/timings.txt"
exit $rc

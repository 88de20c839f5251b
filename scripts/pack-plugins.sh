#!/usr/bin/env bash
# Packs every publishable StackTalk plugin package (plugins/*/package.json without "private": true)
# into npm tarballs, the way they would be published:
#   bash scripts/pack-plugins.sh [OUTDIR]      # OUTDIR defaults to dist-plugins/ (git-ignored)
# Per package: `backstage-cli package build` (dist/: CommonJS for backend and node packages, ESM for
# frontend and common ones, bundled .d.ts), then what `backstage-cli package prepack` does
# (main/types/module and exports → dist, config.d.ts → config.schema.json, publishConfig applied),
# written to a staging folder rather than over package.json, and `npm pack` of that folder.
# Incremental: a package whose dist/ is newer than its src/, package.json and config.d.ts is not
# rebuilt (PACK_PLUGINS_REBUILD=1 forces a rebuild). The .d.ts inputs come from one whole-repo
# `tsc` (declarations into dist-types/), run only when some package needs a build.
# Prints one line per tarball (package, file, size, file count) and fails when a tarball holds
# test files, test utilities or sources.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -x "$ROOT/.tools/node/bin/node" ]; then export PATH="$ROOT/.tools/node/bin:$PATH"; fi
OUT="$(mkdir -p "${1:-$ROOT/dist-plugins}" && cd "${1:-$ROOT/dist-plugins}" && pwd)"
CLI="$ROOT/node_modules/.bin/backstage-cli"
LOG="$OUT/.logs"
mkdir -p "$LOG"
STAMPS="$ROOT/node_modules/.cache/pack-plugins" # when each dist/ was built (not in the tarball)
mkdir -p "$STAMPS"
started=$SECONDS

# The publishable packages, dependencies (-common, -node) first.
mapfile -t DIRS < <(cd "$ROOT" && node -e '
  const fs = require("fs");
  const dirs = fs.readdirSync("plugins").filter(d => fs.existsSync(`plugins/${d}/package.json`));
  const pkgs = dirs.map(d => ({ d, p: JSON.parse(fs.readFileSync(`plugins/${d}/package.json`, "utf8")) }))
    .filter(x => !x.p.private);
  const rank = r => ({ "common-library": 0, "node-library": 1, "web-library": 1 })[r] ?? 2;
  pkgs.sort((a, b) => rank(a.p.backstage?.role) - rank(b.p.backstage?.role) || a.d.localeCompare(b.d));
  for (const x of pkgs) console.log(x.d);
')
if [ ${#DIRS[@]} -eq 0 ]; then echo "no publishable package in plugins/" >&2; exit 1; fi

# needs_build DIR: true when dist/ is missing or older than any input.
needs_build() {
  local dir="$ROOT/plugins/$1" stamp="$STAMPS/$1"
  [ "${PACK_PLUGINS_REBUILD:-0}" = 1 ] && return 0
  [ -f "$stamp" ] && [ -f "$dir/dist/index.d.ts" ] || return 0
  local inputs=("$dir/src" "$dir/package.json")
  [ -f "$dir/config.d.ts" ] && inputs+=("$dir/config.d.ts")
  [ -n "$(find "${inputs[@]}" -newer "$stamp" -print -quit)" ]
}

TO_BUILD=()
for d in "${DIRS[@]}"; do needs_build "$d" && TO_BUILD+=("$d"); done

if [ ${#TO_BUILD[@]} -gt 0 ]; then
  echo "building ${#TO_BUILD[@]} of ${#DIRS[@]} packages: ${TO_BUILD[*]}"
  t=$SECONDS
  # Declarations for the whole repo into dist-types/ (incremental through its tsbuildinfo). Type
  # errors elsewhere in the tree do not stop the emit; the package build fails if its .d.ts is missing.
  (cd "$ROOT" && node_modules/.bin/tsc > "$LOG/tsc.log" 2>&1) ||
    echo "  (tsc reported errors, see ${LOG#"$ROOT/"}/tsc.log; declarations were emitted anyway)"
  echo "  tsc (declarations): $((SECONDS - t)) s"
  for d in "${TO_BUILD[@]}"; do
    t=$SECONDS
    touch "$STAMPS/$d.new" # taken before the build: a source saved during it triggers the next
    rm -rf "$ROOT/plugins/$d/dist"
    if ! (cd "$ROOT/plugins/$d" && "$CLI" package build > "$LOG/build-$d.log" 2>&1); then
      echo "build of plugins/$d failed; the end of ${LOG#"$ROOT/"}/build-$d.log:" >&2
      tail -n 30 "$LOG/build-$d.log" >&2
      exit 1
    fi
    mv "$STAMPS/$d.new" "$STAMPS/$d"
    echo "  built plugins/$d in $((SECONDS - t)) s"
  done
else
  echo "all ${#DIRS[@]} packages are built (dist newer than sources)"
fi

# Pack (scripts/pack-plugins.mjs): prepack's rewrite into a staging folder, npm pack from there;
# the packages' own package.json files are never rewritten.
FAILED=0
t=$SECONDS
node "$ROOT/scripts/pack-plugins.mjs" "$OUT" "${DIRS[@]/#/plugins/}" || FAILED=1
echo "  packed in $((SECONDS - t)) s"
echo "${#DIRS[@]} tarballs in $OUT ($((SECONDS - started)) s)"
exit $FAILED

#!/usr/bin/env bash
# The dynamic-plugin bundle of one workspace plugin: bash scripts/bundle-plugin.sh <package-dir> <out-dir>
# writes <out-dir>/<scope-name>/ (e.g. stacktalk-plugin-ci-status-backend), ready to be copied into
# a backend's dynamicPlugins.rootDirectory. Backend plugins: built, workspace libraries embedded,
# private dependencies installed from the registry. Frontend plugins: a module federation remote.
# See scripts/bundle-plugin.mjs and docs/dynamic-plugins.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -x "$ROOT/.tools/node/bin/node" ]; then export PATH="$ROOT/.tools/node/bin:$PATH"; fi
exec node "$ROOT/scripts/bundle-plugin.mjs" "$@"

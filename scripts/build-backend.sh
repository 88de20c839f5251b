#!/usr/bin/env bash
# The backend's production build: compiled JavaScript and production dependencies only, in one
# folder that runs with plain `node` (no TypeScript, no @backstage/cli at run time):
#   bash scripts/build-backend.sh [OUT]        # OUT defaults to dist-backend/
#   cd OUT && NODE_ENV=production node packages/backend --config app-config.yaml --config app-config.production.yaml
# The image (deploy/Dockerfile) runs exactly this, and so does CI (scripts/test.sh), so the
# image's recipe is tested here although no image can be built. How: scripts/build-backend.mjs.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
OUT=${1:-"$ROOT/dist-backend"}
ensure_node
ensure_npm_deps
ensure_built # the app bundle, which the backend serves
node scripts/build-backend.mjs "$OUT"

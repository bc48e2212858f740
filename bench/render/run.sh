#!/usr/bin/env bash
# Render benchmark (issue 6). Needs the local infra up and its env exported
# (deploy/local/infra.sh up; eval "$(deploy/local/infra.sh env)") and a built dist/
# (npm run build) for the render service. The last line printed is one JSON object.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${POSTLINE_RUN_DIR:-$root/.run}/bench-render"
cd "$root"
[ -f dist/services/render/src/main.js ] || npm run build >&2
npx tsc -p bench/render/tsconfig.json --outDir "$out" >&2
# Aliases resolve to the built dist/, as for the e2e tests, so the bench and the
# render service it starts run the same code.
TS_NODE_BASEURL="$root/dist" TS_NODE_PROJECT="$root/tsconfig.base.json" \
  exec node -r tsconfig-paths/register "$out/bench/render/main.js"

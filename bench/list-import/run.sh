#!/usr/bin/env bash
# CSV import benchmark (issue 5). Needs the local infra up and its env exported
# (deploy/local/infra.sh up; eval "$(deploy/local/infra.sh env)") and a built dist/
# (npm run build) for the list service. The last line printed is one JSON object.
# BENCH_ROWS sets the number of CSV rows (default 1,000,000).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${POSTLINE_RUN_DIR:-$root/.run}/bench-list-import"
cd "$root"
[ -f dist/services/list/src/main.js ] || npm run build >&2
npx tsc -p bench/list-import/tsconfig.json --outDir "$out" >&2
# Aliases resolve to the built dist/, as for the e2e tests, so the bench and the
# list service it starts run the same code.
TS_NODE_BASEURL="$root/dist" TS_NODE_PROJECT="$root/tsconfig.base.json" \
  exec node -r tsconfig-paths/register "$out/bench/list-import/main.js"

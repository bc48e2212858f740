#!/usr/bin/env bash
# Submission benchmark. Needs the local infra up and its env exported
# (deploy/local/infra.sh up; eval "$(deploy/local/infra.sh env)") and a built dist/
# (npm run build) for the submission service. The last line printed is one JSON object.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${POSTLINE_RUN_DIR:-$root/.run}/bench-submission"
cd "$root"
[ -f dist/services/submission/src/main.js ] || npm run build >&2
npx tsc -p bench/submission/tsconfig.json --outDir "$out" >&2
# Aliases resolve to the built dist/, as for the e2e tests, so the bench and the
# service it starts run the same code.
TS_NODE_BASEURL="$root/dist" TS_NODE_PROJECT="$root/tsconfig.base.json" \
  exec node -r tsconfig-paths/register "$out/bench/submission/main.js"

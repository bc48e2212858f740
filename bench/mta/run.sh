#!/usr/bin/env bash
# MTA benchmark (issue 3): `npm run bench -- mta`. Needs the local infra up with its
# env exported and a built dist/ (scripts/bench.sh does both), and Postfix's
# smtp-sink/smtp-source (Debian package postfix; installed here when missing,
# without leaving a Postfix daemon running). The last line printed is one JSON object.
# Knobs: BENCH_MTA_MESSAGES (100000), BENCH_MTA_DOMAINS (1000), BENCH_MTA_SIZE (10240),
# BENCH_MTA_THROTTLE_MINUTES (5; 0 skips the throttle phase), BENCH_MTA_DKIM (rsa|ed25519|dual|off; rsa).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${POSTLINE_RUN_DIR:-$root/.run}/bench-mta"
cd "$root"
bash bench/shared/ensure-postfix.sh
[ -f dist/services/mta/src/main.js ] || npm run build >&2
npx tsc -p bench/mta/tsconfig.json --outDir "$out" >&2
TS_NODE_BASEURL="$root/dist" TS_NODE_PROJECT="$root/tsconfig.base.json" \
  exec node -r tsconfig-paths/register "$out/bench/mta/main.js"

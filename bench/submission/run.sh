#!/usr/bin/env bash
# Submission benchmark (issue 4): `npm run bench -- submission`. Needs the local infra up
# with its env exported and a built dist/ (scripts/bench.sh does both), and Postfix's
# smtp-source, smtp-sink and master/smtpd (Debian package postfix; installed here when
# missing, without leaving a Postfix daemon running). Runs as root (a private Postfix
# instance is started and stopped by the benchmark). The last line printed is one JSON object.
# Knobs: BENCH_SUBMISSION_MESSAGES (10000, per load over reused connections),
# BENCH_SUBMISSION_CONNECTION_MESSAGES (4000, per load with one message per connection),
# BENCH_SUBMISSION_SESSIONS (20,50), BENCH_SUBMISSION_SIZE (10240),
# BENCH_SUBMISSION_PROFILE (1: node --cpu-prof on the service, top costs in the output),
# BENCH_SUBMISSION_LOG_LEVEL (warn).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${POSTLINE_RUN_DIR:-$root/.run}/bench-submission"
cd "$root"
bash bench/shared/ensure-postfix.sh
[ -f dist/services/submission/src/main.js ] || npm run build >&2
npx tsc -p bench/submission/tsconfig.json --outDir "$out" >&2
# Aliases resolve to the built dist/, as for the e2e tests, so the bench and the
# service it starts run the same code.
TS_NODE_BASEURL="$root/dist" TS_NODE_PROJECT="$root/tsconfig.base.json" \
  exec node -r tsconfig-paths/register "$out/bench/submission/main.js"

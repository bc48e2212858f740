#!/usr/bin/env bash
# `npm test`: everything a fresh clone needs to prove itself, in order of cost —
# install, proto lint and codegen, lint, format, typecheck, unit tests, build,
# the Helm chart's checks (lint, templates, unit tests, schemas, alert rules),
# then the end-to-end scenarios against real Kafka, FerretDB and Mailpit (started
# here if they are not running, and stopped again at the end if we started them).
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE="${CI:-}" FORCE_COLOR=0
started_infra=0
step() { printf '\n=== %s (%ss)\n' "$1" "$SECONDS"; }

cleanup() {
  if [[ $started_infra == 1 ]]; then
    step "stopping the local infrastructure this run started"
    bash deploy/local/infra.sh down || true
  fi
}
trap cleanup EXIT

step "dependencies"
bash scripts/ensure-deps.sh
# Tests run on an infrastructure of their own (.run/test, ports 300 above the defaults).
# shellcheck source=scripts/isolated-infra.sh
source scripts/isolated-infra.sh
use_isolated_infra test 300

# Provisioning (Kafka jars, FerretDB and Mailpit builds) runs in the background
# while the static checks use the CPU; its output goes to a log.
mkdir -p .run
if ! bash deploy/local/infra.sh status >/dev/null 2>&1; then
  started_infra=1
fi
# Also the SMTP test clients (swaks, smtp-source) the submission scenarios run, from apt when missing.
{ bash deploy/local/test-tools.sh && bash deploy/local/infra.sh up; } > .run/infra-up.log 2>&1 &
infra_pid=$!
# The Helm chart checks build their tools (helm, promtool) on a new machine; also in the background.
bash deploy/helm/test.sh > .run/helm-test.log 2>&1 &
helm_pid=$!

step "proto lint"
npx --no-install buf lint
step "proto codegen"
bash scripts/proto-gen.sh
step "lint and unit tests (nx)"
npx --no-install nx run-many -t lint test --parallel=2 --outputStyle=static
step "format"
npx --no-install prettier --check . --log-level=warn
step "typecheck and build"
npx --no-install tsc -p tsconfig.json --noEmit
npx --no-install tsc -p tsconfig.build.json

step "helm chart, alerts and dashboards"
if ! wait "$helm_pid"; then
  cat .run/helm-test.log >&2
  echo "helm chart checks failed (log above)" >&2
  exit 1
fi
tail -n 3 .run/helm-test.log

step "local infrastructure"
if ! wait "$infra_pid"; then
  cat .run/infra-up.log >&2
  echo "test tools or local infrastructure failed to start (log above)" >&2
  exit 1
fi
cat .run/infra-up.log
eval "$(bash deploy/local/infra.sh env)"

step "end-to-end scenarios"
# --forceExit: a scenario that fails mid-start must not hang CI; the harness kills its children on exit.
npx --no-install jest --selectProjects e2e --runInBand --forceExit

step "metrics used by alerts and dashboards are exported by the running services"
bash deploy/local/services.sh start
trap 'bash deploy/local/services.sh stop >/dev/null 2>&1 || true; cleanup' EXIT
urls=()
for spec in list:38101 campaign:38102 render:38103 submission:38104 mta:38105; do
  urls+=("${spec%%:*}=http://127.0.0.1:${spec##*:}/metrics")
done
POSTLINE_METRICS_EXPORTED_ONLY=1 bash deploy/helm/test.sh --live-metrics "${urls[@]}"
bash deploy/local/services.sh stop

step "all green in ${SECONDS}s"

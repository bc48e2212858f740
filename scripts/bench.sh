#!/usr/bin/env bash
# `npm run bench -- <name>`: runs bench/<name>/run.sh with what it needs — deps,
# a fresh build, the local infrastructure (started here if it was not running,
# and stopped again afterwards). The benchmark's last line is one JSON object.
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:-}"
if [[ -z "$name" || ! -f "bench/$name/run.sh" ]]; then
  echo "usage: npm run bench -- <name>   (one of: $(ls bench | tr '\n' ' '))" >&2
  exit 2
fi
bash scripts/ensure-deps.sh >&2
npm run --silent build >&2
# Benchmarks run on an infrastructure of their own, emptied before each run so that
# no benchmark measures (or leaves behind) another's topics and collections.
# shellcheck source=scripts/isolated-infra.sh
source scripts/isolated-infra.sh
use_isolated_infra bench 400
started=0
if ! bash deploy/local/infra.sh status >/dev/null 2>&1; then
  started=1
  bash deploy/local/infra.sh reset >&2
fi
trap '[[ $started == 1 ]] && bash deploy/local/infra.sh down >&2' EXIT
bash deploy/local/infra.sh up >&2
eval "$(bash deploy/local/infra.sh env)"
bash "bench/$name/run.sh"

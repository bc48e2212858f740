#!/usr/bin/env bash
# Sourced by `npm test` and `npm run bench`: points deploy/local/infra.sh at an
# infrastructure of their own (run directory and ports), so the topics and
# databases that tests and benchmarks fill never reach the local installation
# that `npm run demo` and the services use, where production consumer groups
# start from the beginning of each topic. Settings already exported win.
#
#   use_isolated_infra <name> <port offset>   e.g. use_isolated_infra test 300
use_isolated_infra() {
  local name=$1 offset=$2 repo
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  export POSTLINE_RUN_DIR="${POSTLINE_RUN_DIR:-$repo/.run/$name}"
  export POSTLINE_KAFKA_PORT="${POSTLINE_KAFKA_PORT:-$((39092 + offset))}"
  export POSTLINE_KAFKA_CONTROLLER_PORT="${POSTLINE_KAFKA_CONTROLLER_PORT:-$((39093 + offset))}"
  export POSTLINE_MONGO_PORT="${POSTLINE_MONGO_PORT:-$((37017 + offset))}"
  export POSTLINE_SMTP_SINK_PORT="${POSTLINE_SMTP_SINK_PORT:-$((31025 + offset))}"
  export POSTLINE_MAILPIT_HTTP_PORT="${POSTLINE_MAILPIT_HTTP_PORT:-$((38025 + offset))}"
}

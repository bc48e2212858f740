#!/usr/bin/env bash
# deploy/local/infra.sh — one entry point for Postline's local infrastructure
# (Kafka, FerretDB, Mailpit) on 127.0.0.1, for dev and for the test suite.
#
#   infra.sh up       install (if needed) and start all three in parallel; returns once all are ready
#   infra.sh down     stop all three (by pid file only)
#   infra.sh status   one line per service; exit 0 only if all are running
#   infra.sh env      print `export` lines for the app/tests:  eval "$(deploy/local/infra.sh env)"
#   infra.sh reset    down, then delete RUN_DIR (data, logs, pids); the download/build cache is kept
#
# A second `up` while everything runs is a quick no-op. Overrides:
# POSTLINE_CACHE_DIR, POSTLINE_RUN_DIR, POSTLINE_KAFKA_PORT, POSTLINE_KAFKA_CONTROLLER_PORT,
# POSTLINE_MONGO_PORT, POSTLINE_SMTP_SINK_PORT, POSTLINE_MAILPIT_HTTP_PORT.
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

SERVICE=infra
SERVICES=(kafka ferretdb mailpit)

# run_all ACTION — run "<svc>.sh ACTION" for every service in parallel,
# print each one's output in a stable order, fail if any failed.
run_all() {
  local action="$1" svc rc=0 out
  out="$(mktemp -d "${TMPDIR:-/tmp}/postline-infra.XXXXXX")"
  declare -A pids=()
  for svc in "${SERVICES[@]}"; do
    "$LIB_DIR/$svc.sh" "$action" >"$out/$svc.out" 2>"$out/$svc.err" &
    pids[$svc]=$!
  done
  declare -A rcs=()
  for svc in "${SERVICES[@]}"; do
    if wait "${pids[$svc]}"; then rcs[$svc]=0; else rcs[$svc]=$?; fi
  done
  for svc in "${SERVICES[@]}"; do
    cat "$out/$svc.err" >&2
    cat "$out/$svc.out"
    if [[ "${rcs[$svc]}" != 0 ]]; then
      rc=1
      [[ "$action" == status ]] || warn "$svc $action FAILED (exit ${rcs[$svc]})"
    fi
  done
  rm -rf "$out"
  return "$rc"
}

cmd_up() {
  local t0; t0=$(now_ms)
  require_cmd java "JDK 17+ is needed for Kafka"
  require_cmd mvn "Maven is needed to fetch Kafka from Maven Central"
  require_cmd go "Go is needed to build FerretDB and Mailpit"
  require_cmd curl
  if ! run_all start; then
    die "infrastructure did not come up (see messages above); services that did start are left running — 'deploy/local/infra.sh down' stops them"
  fi
  local ms=$(( $(now_ms) - t0 ))
  info "all services ready in $((ms / 1000)).$((ms % 1000 / 100))s — run: eval \"\$($0 env)\""
}

cmd_down() { run_all stop; }

cmd_env() {
  cat <<EOF
export POSTLINE_KAFKA_BROKERS=$LOOPBACK:${POSTLINE_KAFKA_PORT:-39092}
export POSTLINE_MONGO_URI=mongodb://$LOOPBACK:${POSTLINE_MONGO_PORT:-37017}
export POSTLINE_SMTP_SINK=$LOOPBACK:${POSTLINE_SMTP_SINK_PORT:-31025}
export POSTLINE_MAILPIT_URL=http://$LOOPBACK:${POSTLINE_MAILPIT_HTTP_PORT:-38025}
EOF
}

cmd_reset() {
  cmd_down || die "could not stop every service; RUN_DIR $RUN_DIR left in place"
  # Guard against a misconfigured POSTLINE_RUN_DIR before rm -rf.
  case "$RUN_DIR" in
    / | "$REPO" | "$HOME" | "$CACHE_DIR" | "") die "refusing to delete RUN_DIR=$RUN_DIR" ;;
  esac
  [[ "$CACHE_DIR" == "$RUN_DIR"/* ]] && die "refusing to delete RUN_DIR=$RUN_DIR: it contains CACHE_DIR"
  rm -rf "$RUN_DIR"
  info "deleted $RUN_DIR (cache $CACHE_DIR kept)"
}

case "${1:-}" in
  up)     cmd_up ;;
  down)   cmd_down ;;
  status) run_all status ;;
  env)    cmd_env ;;
  reset)  cmd_reset ;;
  *) echo "usage: $0 {up|down|status|env|reset}" >&2; exit 2 ;;
esac

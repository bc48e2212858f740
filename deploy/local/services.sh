#!/usr/bin/env bash
# deploy/local/services.sh — runs Postline's five services from the build in
# dist/ as background processes on 127.0.0.1, wired to the local infrastructure
# (infra.sh), with all mail routed to the Mailpit sink. For the demo and for
# trying the APIs by hand; the tests start their own instances on free ports.
#
#   services.sh start    start every service that is not running; wait for /readyz
#   services.sh stop     stop them (SIGTERM by pid file, then SIGKILL after 30 s)
#   services.sh status   one line per service
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
SERVICE=services

# name:http_port:grpc_port — the defaults in docs/pipeline-contract.md.
SPECS=(list:38101:38111 render:38103:38113 mta:38105:38115 submission:38104:38114 campaign:38102:38112)

entry() { printf '%s/dist/services/%s/src/main.js' "$REPO" "$1"; }

# The pid of our instance of a service, from its pid file only: test suites run
# processes with the same command line, and those are never ours to adopt or stop.
service_pid() {
  local pf pid
  pf="$(pid_file "svc-$1")"
  [[ -f "$pf" ]] || return 1
  pid="$(tr -dc '0-9' <"$pf")"
  [[ -n "$pid" ]] && pid_is_ours "$pid" "$(entry "$1")" && printf '%s\n' "$pid"
}

service_env() {
  eval "$("$LIB_DIR/infra.sh" env)"
  export POSTLINE_MTA_ROUTES="${POSTLINE_MTA_ROUTES:-*=${POSTLINE_SMTP_SINK}}"
  export TS_NODE_BASEURL="$REPO/dist" TS_NODE_PROJECT="$REPO/tsconfig.base.json"
}

wait_ready() {
  local name="$1" port="$2" deadline=$((SECONDS + ${POSTLINE_SERVICE_READY_TIMEOUT_S:-90}))
  while ((SECONDS < deadline)); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; then return 0; fi
    service_pid "$name" >/dev/null || die "$name exited during start — see $RUN_DIR/services/$name.log"
    sleep 0.25
  done
  die "$name not ready on :$port after ${POSTLINE_SERVICE_READY_TIMEOUT_S:-90}s — see $RUN_DIR/services/$name.log"
}

start() {
  service_env
  local spec name http grpc
  for spec in "${SPECS[@]}"; do
    IFS=: read -r name http grpc <<<"$spec"
    [[ -f "$(entry "$name")" ]] || die "$(entry "$name") missing: run 'npm run build' first"
    if service_pid "$name" >/dev/null; then
      info "$name already running"
      continue
    fi
    POSTLINE_HTTP_PORT="$http" POSTLINE_GRPC_PORT="$grpc" \
      start_daemon "svc-$name" "$RUN_DIR/services/$name.log" node -r tsconfig-paths/register "$(entry "$name")" >/dev/null
  done
  for spec in "${SPECS[@]}"; do
    IFS=: read -r name http grpc <<<"$spec"
    wait_ready "$name" "$http"
    printf '%-11s ready  http://127.0.0.1:%s  grpc 127.0.0.1:%s  log %s\n' "$name" "$http" "$grpc" "$RUN_DIR/services/$name.log"
  done
}

stop() {
  local spec name pid
  for spec in "${SPECS[@]}"; do
    IFS=: read -r name _ _ <<<"$spec"
    if ! pid="$(service_pid "$name")"; then
      SERVICE="$name" info "not running"
      continue
    fi
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
    pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null
    rm -f "$(pid_file "svc-$name")"
    SERVICE="$name" info "stopped (pid $pid)"
  done
}

status() {
  local spec name http rc=0
  for spec in "${SPECS[@]}"; do
    IFS=: read -r name http _ <<<"$spec"
    if pid="$(service_pid "$name")"; then
      printf '%-11s running  pid %s  http://127.0.0.1:%s\n' "$name" "$pid" "$http"
    else
      printf '%-11s stopped\n' "$name"
      rc=1
    fi
  done
  return $rc
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: $0 {start|stop|status}" ;;
esac

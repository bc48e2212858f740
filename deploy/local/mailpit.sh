#!/usr/bin/env bash
# deploy/local/mailpit.sh — provision and run Mailpit v1.33.1, the SMTP sink
# (plus HTTP UI/API) that local Postline delivers mail into, on 127.0.0.1.
#
#   mailpit.sh install   go install github.com/axllent/mailpit@v1.33.1 into $CACHE_DIR/bin
#   mailpit.sh start     install if needed, start, wait until GET /api/v1/info succeeds
#   mailpit.sh stop      stop our server (by pid file only)
#   mailpit.sh status    exit 0 if running, 3 if not
#
# Ports: POSTLINE_SMTP_SINK_PORT (default 31025, SMTP, any/no auth, no TLS)
#        POSTLINE_MAILPIT_HTTP_PORT (default 38025, UI + REST API).
# Keeps up to POSTLINE_MAILPIT_MAX_MESSAGES (default 100000) messages so tests
# that count deliveries are not truncated (Mailpit's own default is 500).
# Files: $RUN_DIR/mailpit.log, $RUN_DIR/mailpit.pid, $RUN_DIR/mailpit/mailpit.db
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

SERVICE=mailpit
MAILPIT_SPEC=github.com/axllent/mailpit@v1.33.1
SMTP_PORT="${POSTLINE_SMTP_SINK_PORT:-31025}"
HTTP_PORT="${POSTLINE_MAILPIT_HTTP_PORT:-38025}"
MAX_MESSAGES="${POSTLINE_MAILPIT_MAX_MESSAGES:-100000}"
READY_TIMEOUT_S="${POSTLINE_MAILPIT_READY_TIMEOUT:-30}"

BIN="$CACHE_DIR/bin/mailpit"
STATE="$RUN_DIR/mailpit"
DB="$STATE/mailpit.db"
LOG="$RUN_DIR/mailpit.log"
URL="http://$LOOPBACK:$HTTP_PORT"
NEEDLES=("$BIN" "--database=$DB")

# Stamp the version (a plain `go install` reports "dev" in /api/v1/info).
cmd_install() {
  go_install_pinned mailpit "$MAILPIT_SPEC" "-X github.com/axllent/mailpit/config.Version=${MAILPIT_SPEC##*@}"
}

api_ok() { curl -fsS --max-time 3 -o "$STATE/info.json" "$URL/api/v1/info" 2>"$STATE/readiness.log"; }

wait_until_ready() {
  local pid="$1" deadline=$((SECONDS + READY_TIMEOUT_S))
  wait_for_port "$LOOPBACK" "$HTTP_PORT" "$READY_TIMEOUT_S" "$pid" || {
    tail_log "$LOG"; die "mailpit (pid $pid) did not open $URL — see $LOG"; }
  wait_for_port "$LOOPBACK" "$SMTP_PORT" "$READY_TIMEOUT_S" "$pid" || {
    tail_log "$LOG"; die "mailpit (pid $pid) did not open SMTP $LOOPBACK:$SMTP_PORT — see $LOG"; }
  until api_ok; do
    pid_alive "$pid" || { tail_log "$LOG"; die "mailpit (pid $pid) exited during startup — see $LOG"; }
    if ((SECONDS >= deadline)); then
      tail_log "$STATE/readiness.log" 5
      die "mailpit GET $URL/api/v1/info keeps failing — see $LOG"
    fi
    sleep 0.2
  done
}

summary() {
  printf 'mailpit   %s ready  pid %-7s SMTP %s:%s  HTTP %s  (%s)  log %s\n' \
    "${MAILPIT_SPEC##*@}" "$1" "$LOOPBACK" "$SMTP_PORT" "$URL" "$2" "$LOG"
}

cmd_start() {
  local t0 pid; t0=$(now_ms)
  with_lock mailpit
  if pid="$(running_pid mailpit "${NEEDLES[@]}")"; then
    if ! is_ready mailpit "$pid"; then
      wait_until_ready "$pid"; mark_ready mailpit "$pid"
    fi
    summary "$pid" "already running"
    return 0
  fi
  [[ "$SMTP_PORT" != "$HTTP_PORT" ]] || die "POSTLINE_SMTP_SINK_PORT and POSTLINE_MAILPIT_HTTP_PORT must differ"
  require_cmd curl "needed for the readiness check"
  cmd_install
  assert_port_free "$LOOPBACK" "$SMTP_PORT" "mailpit SMTP"
  assert_port_free "$LOOPBACK" "$HTTP_PORT" "mailpit HTTP"
  mkdir -p "$STATE"
  pid="$(start_daemon mailpit "$LOG" \
    "$BIN" \
      --database="$DB" \
      --smtp="$LOOPBACK:$SMTP_PORT" \
      --listen="$LOOPBACK:$HTTP_PORT" \
      --smtp-auth-accept-any \
      --smtp-auth-allow-insecure \
      --smtp-disable-rdns \
      --max="$MAX_MESSAGES" \
      --disable-version-check \
      --label=postline-local)"
  wait_until_ready "$pid"
  mark_ready mailpit "$pid"
  summary "$pid" "started in $(( ($(now_ms) - t0) / 1000 )).$(( ($(now_ms) - t0) % 1000 / 100 ))s"
}

cmd_stop() {
  with_lock mailpit
  stop_service mailpit "${NEEDLES[@]}"
}

cmd_status() {
  local pid
  if pid="$(running_pid mailpit "${NEEDLES[@]}")"; then
    local h="down"; api_ok && h="api ok"
    printf 'mailpit   running  pid %-7s SMTP %s:%s  HTTP %s (%s)  log %s\n' \
      "$pid" "$LOOPBACK" "$SMTP_PORT" "$URL" "$h" "$LOG"
    [[ "$h" == "api ok" ]]
  else
    printf 'mailpit   stopped\n'
    return 3
  fi
}

case "${1:-}" in
  install) cmd_install ;;
  start)   cmd_start ;;
  stop)    cmd_stop ;;
  status)  cmd_status ;;
  *) echo "usage: $0 {install|start|stop|status}" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# deploy/local/ferretdb.sh — provision and run FerretDB v1.24.2 (MongoDB wire
# protocol) with the embedded SQLite backend on 127.0.0.1 for dev and tests.
#
#   ferretdb.sh install   build the ferretdb binary from the Go module proxy into $CACHE_DIR/bin
#   ferretdb.sh start     install if needed, start, wait for a real wire-protocol ping (OP_MSG)
#   ferretdb.sh stop      stop our server (by pid file only)
#   ferretdb.sh status    exit 0 if running, 3 if not
#
# Port: POSTLINE_MONGO_PORT (default 37017). No auth. The debug/metrics HTTP
# listener is disabled (its default 127.0.0.1:8088 collides too easily) and
# telemetry is off.
# Files: $RUN_DIR/ferretdb.log, $RUN_DIR/ferretdb.pid, $RUN_DIR/ferretdb/{data/,state.json}
#
# Why not a plain `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2`:
# that binary panics at startup ("Invalid build/version/version.txt file
# content") because build/version/version.txt is generated from git and is not
# part of the module zip. So we copy the module source the Go proxy gives us,
# write version.txt = v1.24.2, and `go install ./cmd/ferretdb` from that copy.
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

SERVICE=ferretdb
FERRET_MODULE=github.com/FerretDB/FerretDB
FERRET_VERSION=v1.24.2
# Bump the suffix when the build recipe changes, to force a rebuild.
FERRET_SPEC="$FERRET_MODULE/cmd/ferretdb@$FERRET_VERSION+postline-src-build-1"
MONGO_PORT="${POSTLINE_MONGO_PORT:-37017}"
READY_TIMEOUT_S="${POSTLINE_FERRETDB_READY_TIMEOUT:-60}"

BIN="$CACHE_DIR/bin/ferretdb"
MARKER="$CACHE_DIR/bin/.ferretdb.version"
SRC="$CACHE_DIR/src/FerretDB@$FERRET_VERSION"
BUILD_LOG="$CACHE_DIR/logs/go-install-ferretdb.log"

STATE="$RUN_DIR/ferretdb"
DATA_DIR="$STATE/data"
LOG="$RUN_DIR/ferretdb.log"
ADDR="$LOOPBACK:$MONGO_PORT"
NEEDLES=("$BIN" "--state-dir=$STATE")

installed() { [[ -x "$BIN" && -f "$MARKER" && "$(cat "$MARKER")" == "$FERRET_SPEC" ]]; }

cmd_install() {
  installed && return 0
  require_cmd go "install Go >= 1.24 to build ferretdb"
  with_cache_lock ferretdb
  if installed; then release_cache_lock; return 0; fi
  mkdir -p "$CACHE_DIR/bin" "$CACHE_DIR/logs" "$CACHE_DIR/src"
  local t0 dir
  t0=$(now_ms)
  info "building $FERRET_MODULE/cmd/ferretdb@$FERRET_VERSION (first build takes a few minutes) — log: $BUILD_LOG"
  : >"$BUILD_LOG"
  # 1. fetch the module source through the Go module proxy (module cache).
  if ! dir="$(cd / && go mod download -json "$FERRET_MODULE@$FERRET_VERSION" 2>>"$BUILD_LOG" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')" || [[ -z "$dir" || ! -d "$dir" ]]; then
    release_cache_lock
    die "go mod download $FERRET_MODULE@$FERRET_VERSION failed — see $BUILD_LOG"
  fi
  # 2. writable copy + the version file the upstream build normally generates.
  rm -rf "$SRC.tmp"
  cp -R "$dir" "$SRC.tmp"
  chmod -R u+w "$SRC.tmp"
  printf '%s\n' "$FERRET_VERSION" >"$SRC.tmp/build/version/version.txt"
  printf 'postline-local\n' >"$SRC.tmp/build/version/package.txt"
  rm -rf "$SRC"
  mv "$SRC.tmp" "$SRC"
  # 3. build with the module's own go.mod/go.sum (dependencies via the proxy).
  if ! (cd "$SRC" && GOBIN="$CACHE_DIR/bin" GOFLAGS=-buildvcs=false CGO_ENABLED=0 \
        go install ./cmd/ferretdb) >>"$BUILD_LOG" 2>&1; then
    tail_log "$BUILD_LOG"
    release_cache_lock
    die "go install of $FERRET_MODULE/cmd/ferretdb@$FERRET_VERSION failed — see $BUILD_LOG"
  fi
  if ! "$BIN" --version >>"$BUILD_LOG" 2>&1; then
    tail_log "$BUILD_LOG"
    release_cache_lock
    die "built $BIN but '$BIN --version' fails — see $BUILD_LOG"
  fi
  printf '%s\n' "$FERRET_SPEC" >"$MARKER"
  release_cache_lock
  info "built ferretdb $FERRET_VERSION in $(( ($(now_ms) - t0) / 1000 ))s"
}

# Real readiness: a MongoDB wire-protocol round trip in pure bash — send an
# OP_MSG {ping: 1, $db: "admin"} over /dev/tcp and require an OP_MSG reply
# containing ok: 1. (FerretDB's own `ferretdb ping` sub-command is unusable
# here: it insists on --setup-username and then fails SCRAM against a
# no-auth server.)
mongo_ping() { # host port [timeout_s]
  timeout "${3:-3}" bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "\x33\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\xdd\x07\x00\x00\x00\x00\x00\x00\x00\x1e\x00\x00\x00\x10ping\x00\x01\x00\x00\x00\x02\$db\x00\x06\x00\x00\x00admin\x00\x00" >&3
    len=$(dd bs=1 count=4 <&3 2>/dev/null | od -An -tu4 --endian=little | tr -d " \n")
    [[ "$len" =~ ^[0-9]+$ ]] && ((len > 16 && len < 65536)) || { echo "bad reply length: ${len:-none}"; exit 1; }
    body=$(dd bs=1 count=$((len - 4)) <&3 2>/dev/null | od -An -tx1 -v | tr -d " \n")
    exec 3>&-
    # header: requestID, responseTo=1 (our id), opCode 2013; then ok: 1.0 (double) or 1 (int32)
    if [[ "$body" == ????????01000000dd070000* ]] &&
       [[ "$body" == *016f6b00000000000000f03f* || "$body" == *106f6b0001000000* ]]; then
      exit 0
    fi
    echo "unexpected reply: $body"; exit 1
  ' "$1" "$2" 2>&1
}

ping_ok() { mongo_ping "$LOOPBACK" "$MONGO_PORT" 3 >"$STATE/readiness.log"; }

wait_until_ready() {
  local pid="$1" deadline=$((SECONDS + READY_TIMEOUT_S))
  wait_for_port "$LOOPBACK" "$MONGO_PORT" "$READY_TIMEOUT_S" "$pid" || {
    tail_log "$LOG"; die "ferretdb (pid $pid) did not open $ADDR — see $LOG"; }
  until ping_ok; do
    pid_alive "$pid" || { tail_log "$LOG"; die "ferretdb (pid $pid) exited during startup — see $LOG"; }
    if ((SECONDS >= deadline)); then
      tail_log "$STATE/readiness.log" 10
      die "ferretdb port $ADDR is open but a wire-protocol ping keeps failing — see $LOG"
    fi
    sleep 0.3
  done
}

summary() {
  printf 'ferretdb  %s ready  pid %-7s mongodb://%s (sqlite %s)  (%s)  log %s\n' \
    "$FERRET_VERSION" "$1" "$ADDR" "$DATA_DIR" "$2" "$LOG"
}

cmd_start() {
  local t0 pid; t0=$(now_ms)
  with_lock ferretdb
  if pid="$(running_pid ferretdb "${NEEDLES[@]}")"; then
    if ! is_ready ferretdb "$pid"; then
      wait_until_ready "$pid"; mark_ready ferretdb "$pid"
    fi
    summary "$pid" "already running"
    return 0
  fi
  cmd_install
  assert_port_free "$LOOPBACK" "$MONGO_PORT" "ferretdb"
  mkdir -p "$DATA_DIR"
  pid="$(start_daemon ferretdb "$LOG" \
    "$BIN" \
      --handler=sqlite \
      --sqlite-url="file:$DATA_DIR/" \
      --listen-addr="$ADDR" \
      --state-dir="$STATE" \
      --debug-addr=- \
      --telemetry=disable \
      --log-level="${POSTLINE_FERRETDB_LOG_LEVEL:-info}" \
      --log-format=console)"
  wait_until_ready "$pid"
  mark_ready ferretdb "$pid"
  summary "$pid" "started in $(( ($(now_ms) - t0) / 1000 )).$(( ($(now_ms) - t0) % 1000 / 100 ))s"
}

cmd_stop() {
  with_lock ferretdb
  stop_service ferretdb "${NEEDLES[@]}"
}

cmd_status() {
  local pid
  if pid="$(running_pid ferretdb "${NEEDLES[@]}")"; then
    local p="no answer"; mongo_ping "$LOOPBACK" "$MONGO_PORT" 3 >/dev/null && p="ping ok"
    printf 'ferretdb  running  pid %-7s mongodb://%s (%s)  log %s\n' "$pid" "$ADDR" "$p" "$LOG"
    [[ "$p" == "ping ok" ]]
  else
    printf 'ferretdb  stopped\n'
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

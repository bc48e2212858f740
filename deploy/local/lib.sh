# shellcheck shell=bash
# deploy/local/lib.sh — shared helpers for the Postline local-infrastructure scripts.
#
# Sourced (never executed) by kafka.sh, ferretdb.sh, mailpit.sh and infra.sh.
# Provides: repo/cache/run directory layout, logging, port polling via bash
# /dev/tcp, per-service locks, and pid-file management that only ever signals
# a process we started ourselves (pid alive AND /proc/PID/cmdline matches).
#
#   REPO       repository root (detected from this file's location)
#   CACHE_DIR  downloaded/built binaries   (POSTLINE_CACHE_DIR, default $REPO/.cache)
#   RUN_DIR    pid files, logs, data       (POSTLINE_RUN_DIR,   default $REPO/.run)

set -euo pipefail

LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$LIB_DIR/../.." && pwd)"
CACHE_DIR="${POSTLINE_CACHE_DIR:-$REPO/.cache}"
RUN_DIR="${POSTLINE_RUN_DIR:-$REPO/.run}"
mkdir -p "$CACHE_DIR" "$RUN_DIR"
CACHE_DIR="$(cd "$CACHE_DIR" && pwd)"
RUN_DIR="$(cd "$RUN_DIR" && pwd)"
export CACHE_DIR RUN_DIR

# The only address anything binds to.
LOOPBACK=127.0.0.1

# ---------------------------------------------------------------- logging
_svc_tag() { printf '%s' "${SERVICE:-infra}"; }
info() { printf '[%s] %s\n' "$(_svc_tag)" "$*" >&2; }
warn() { printf '[%s] WARNING: %s\n' "$(_svc_tag)" "$*" >&2; }
die()  { printf '[%s] ERROR: %s\n' "$(_svc_tag)" "$*" >&2; exit 1; }

# require_cmd CMD [hint] — fail clearly if a tool is missing from PATH.
require_cmd() {
  command -v "$1" >/dev/null 2>&1 || die "required command '$1' not found on PATH${2:+ — $2}"
}

# now_ms — wall clock in milliseconds (for timing summaries).
now_ms() { date +%s%3N; }

# tail_log FILE [N] — print the last N lines of a log to stderr, indented.
tail_log() {
  local f="$1" n="${2:-25}"
  [[ -f "$f" ]] || return 0
  printf '  --- last %s lines of %s ---\n' "$n" "$f" >&2
  tail -n "$n" "$f" | sed 's/^/  | /' >&2
}

# ------------------------------------------------------------------ ports
# port_open HOST PORT — true if something accepts TCP connections there.
port_open() {
  local host="$1" port="$2"
  timeout 1 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null
}

# wait_for_port HOST PORT TIMEOUT_S [PID] — poll until the port accepts
# connections. If PID is given, fail fast as soon as that process dies.
wait_for_port() {
  local host="$1" port="$2" timeout_s="$3" pid="${4:-}"
  local deadline=$((SECONDS + timeout_s))
  while ((SECONDS < deadline)); do
    if port_open "$host" "$port"; then return 0; fi
    if [[ -n "$pid" ]] && ! pid_alive "$pid"; then
      warn "process $pid exited while waiting for $host:$port"
      return 1
    fi
    sleep 0.2
  done
  warn "timed out after ${timeout_s}s waiting for $host:$port"
  return 1
}

# assert_port_free HOST PORT WHAT — refuse to start over a foreign listener.
assert_port_free() {
  if port_open "$1" "$2"; then
    die "$3 port $1:$2 is already in use by a process we did not start (check with: ss -ltnp 'sport = :$2'); free it or override the port env var"
  fi
}

# --------------------------------------------------------------- pid files
pid_file()   { printf '%s/%s.pid' "$RUN_DIR" "$1"; }
ready_file() { printf '%s/%s.ready' "$RUN_DIR" "$1"; }

pid_alive() {
  local pid="$1"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # An unreaped zombie is not "alive". Careful: a multi-threaded process (the
  # JVM) whose main thread has exited also shows State Z while its other
  # threads are still shutting down — that one IS alive.
  local state
  state="$(awk '/^State:/{print $2}' "/proc/$pid/status" 2>/dev/null || true)"
  [[ "$state" != "Z" ]] && return 0
  local tasks=("/proc/$pid/task/"*)
  ((${#tasks[@]} > 1))
}

# pid_is_ours PID NEEDLE... — pid alive and its command line contains every
# NEEDLE (we pass absolute paths unique to this checkout: the binary and a
# data/config path under RUN_DIR), so a recycled pid is never mistaken for ours.
pid_is_ours() {
  local pid="$1" cmdline needle; shift
  pid_alive "$pid" || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  [[ -n "$cmdline" ]] || return 1
  for needle in "$@"; do
    [[ "$cmdline" == *"$needle"* ]] || return 1
  done
}

# find_orphan NEEDLE... — print the pid of a live process whose command line
# contains every NEEDLE (absolute paths unique to this checkout). Used only
# when the pid file is missing/stale, e.g. after someone deleted it by hand.
find_orphan() {
  local d pid
  for d in /proc/[0-9]*; do
    pid="${d#/proc/}"
    [[ "$pid" == "$$" || "$pid" == "$BASHPID" ]] && continue
    if pid_is_ours "$pid" "$@"; then printf '%s\n' "$pid"; return 0; fi
  done
  return 1
}

# running_pid NAME NEEDLE... — print the pid of our live process for NAME and
# return 0; otherwise clean up stale pid/ready files and return 1. A server of
# ours that lost its pid file is re-adopted (found via its unique cmdline).
running_pid() {
  local name="$1" pf pid=""; shift
  pf="$(pid_file "$name")"
  if [[ -f "$pf" ]]; then
    pid="$(tr -dc '0-9' <"$pf" || true)"
    if [[ -n "$pid" ]] && pid_is_ours "$pid" "$@"; then
      printf '%s\n' "$pid"
      return 0
    fi
    if [[ -n "$pid" ]] && pid_alive "$pid"; then
      warn "pid file $pf points at pid $pid which is not our $name (cmdline does not match); ignoring it"
    fi
    rm -f "$pf" "$(ready_file "$name")"
  fi
  if pid="$(find_orphan "$@")"; then
    warn "adopting running $name pid $pid (its pid file was missing or stale)"
    printf '%s\n' "$pid" >"$pf"
    printf '%s\n' "$pid"
    return 0
  fi
  return 1
}

# is_ready NAME PID — readiness was confirmed for exactly this pid.
is_ready() {
  local rf
  rf="$(ready_file "$1")"
  [[ -f "$rf" && "$(cat "$rf" 2>/dev/null)" == "$2" ]]
}
mark_ready() { printf '%s\n' "$2" >"$(ready_file "$1")"; }

# start_daemon NAME LOGFILE CMD... — launch CMD detached (own session, stdin
# from /dev/null, output appended to LOGFILE), write its pid to the pid file,
# and print the pid. The pid is written by the child itself right before
# exec, so it is exact even if setsid has to fork. Lock fds 8/9 are closed so
# a long-lived server never inherits (and holds forever) our locks.
start_daemon() {
  local name="$1" logfile="$2"; shift 2
  local pf; pf="$(pid_file "$name")"
  rm -f "$pf" "$(ready_file "$name")"
  mkdir -p "$(dirname "$logfile")"
  printf '\n===== %s starting %s at %s =====\n' "$name" "$*" "$(date -Is)" >>"$logfile"
  setsid nohup bash -c 'echo $$ >"$0.tmp" && mv -f "$0.tmp" "$0" && exec "$@"' "$pf" "$@" \
    </dev/null >>"$logfile" 2>&1 8>&- 9>&- &
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -s "$pf" ]] && { tr -dc '0-9' <"$pf"; echo; return 0; }
    sleep 0.05
  done
  die "could not start $name: no pid file after 5s — see $logfile"
}

# stop_service NAME NEEDLE... — TERM our process, wait up to STOP_TIMEOUT_S
# (default 20), then KILL. Only ever signals the pid from the pid file, and
# only if it is ours.
stop_service() {
  local name="$1" timeout_s="${STOP_TIMEOUT_S:-20}" pid; shift
  if ! pid="$(running_pid "$name" "$@")"; then
    info "not running"
    rm -f "$(pid_file "$name")" "$(ready_file "$name")"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + timeout_s))
  while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
  if pid_alive "$pid"; then
    warn "pid $pid did not exit within ${timeout_s}s of SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 50; i++)); do pid_alive "$pid" || break; sleep 0.1; done
    pid_alive "$pid" && die "pid $pid survived SIGKILL"
  fi
  rm -f "$(pid_file "$name")" "$(ready_file "$name")"
  info "stopped (pid $pid)"
}

# ------------------------------------------------------------------- locks
# with_lock NAME — take an exclusive lock (fd 9) for the rest of the script,
# so concurrent invocations (parallel test runners, two terminals) serialise
# instead of racing on install/start. Released automatically on exit.
with_lock() {
  local lf="$RUN_DIR/.$1.lock"
  exec 9>"$lf"
  if ! flock -w "${POSTLINE_LOCK_TIMEOUT:-900}" 9; then
    die "timed out waiting for lock $lf (another ${1} install/start still running?)"
  fi
}

# with_cache_lock NAME — same, but in CACHE_DIR (shared between checkouts).
# Uses fd 8 and is meant to wrap install steps only.
with_cache_lock() {
  local lf="$CACHE_DIR/.$1.lock"
  exec 8>"$lf"
  flock -w "${POSTLINE_LOCK_TIMEOUT:-900}" 8 || die "timed out waiting for lock $lf"
}
release_cache_lock() { exec 8>&-; }

# ---------------------------------------------------------------- go tools
# go_install_pinned NAME MODULE@VERSION [LDFLAGS] — build a Go binary into
# $CACHE_DIR/bin with `go install` (module fetched through the Go module
# proxy), skipped when $CACHE_DIR/bin/.NAME.version already matches.
go_install_pinned() {
  local name="$1" spec="$2" ldflags="${3:-}"
  local bin="$CACHE_DIR/bin/$name" marker="$CACHE_DIR/bin/.$name.version"
  local want="$spec${ldflags:+ ldflags=$ldflags}"
  if [[ -x "$bin" && -f "$marker" && "$(cat "$marker")" == "$want" ]]; then
    return 0
  fi
  require_cmd go "install Go (>= 1.22) to build $name"
  with_cache_lock "go-$name"
  # Re-check after acquiring the lock: someone else may have just built it.
  if [[ -x "$bin" && -f "$marker" && "$(cat "$marker")" == "$want" ]]; then
    release_cache_lock; return 0
  fi
  mkdir -p "$CACHE_DIR/bin" "$CACHE_DIR/logs"
  local log="$CACHE_DIR/logs/go-install-$name.log" t0
  t0=$(now_ms)
  info "building $spec with 'go install' (first time can take a few minutes) — log: $log"
  if ! GOBIN="$CACHE_DIR/bin" GOFLAGS="${GOFLAGS:--buildvcs=false}" CGO_ENABLED=0 \
      go install ${ldflags:+-ldflags="$ldflags"} "$spec" >"$log" 2>&1; then
    tail_log "$log"
    release_cache_lock
    die "go install $spec failed — see $log"
  fi
  [[ -x "$bin" ]] || { release_cache_lock; die "go install $spec succeeded but $bin is missing — see $log"; }
  printf '%s\n' "$want" >"$marker"
  release_cache_lock
  info "built $name in $(( ($(now_ms) - t0) / 1000 ))s"
}

# Shared settings and helpers for the project's scripts. Sourced, not run.
# Everything can be overridden from the environment.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
STACK_DIR="${STACK_DIR:-$ROOT/.run}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
MONGO_PORT="${MONGO_PORT:-27017}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}"
export MONGO_URI="${MONGO_URI:-mongodb://127.0.0.1:$MONGO_PORT/?replicaSet=secantus}"
# The Python tools are one package, scripts/pytools, run as `"$VENV/bin/python" -m pytools.<group>.<module>`.
export PYTHONPATH="$ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# Wait until a TCP port answers on 127.0.0.1, or fail after $2 seconds.
wait_port() {
  local port=$1 timeout=${2:-30} name=${3:-port $1} start=$SECONDS
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    (( SECONDS - start >= timeout )) && die "$name did not open 127.0.0.1:$port within ${timeout}s"
    sleep 0.1
  done
}

# Is the process whose PID is in file $1 alive?
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Stop the process whose PID is in file $1: SIGTERM, then SIGKILL after $2 seconds.
stop_pidfile() {
  local file=$1 grace=${2:-10} name=${3:-process}
  if pid_alive "$file"; then
    local pid; pid=$(cat "$file")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq $((grace * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) ignored SIGTERM for ${grace}s; killing"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$file"
}

# Start a long-running command in the background with its PID in $STACK_DIR/NAME.pid and output in
# $STACK_DIR/logs/NAME.log; does nothing if it already runs.
start_service() {
  local name=$1; shift
  local pidfile="$STACK_DIR/$name.pid"
  mkdir -p "$STACK_DIR/logs"
  if pid_alive "$pidfile"; then
    log "$name already running (pid $(cat "$pidfile"))"
    return
  fi
  # Services run a little below normal priority (SERVICE_NICE, default 5) so that on a small machine the local
  # database, single-threaded and the system's bottleneck, gets the CPU when both want it (BENCHMARKS.md).
  # The Swift services open LOG_FILE themselves and rotate it by size (LOG_MAX_MB, LOG_KEEP); the redirection keeps
  # what is printed before they do (a bad flag) and the output of the other programs.
  local log_file="$STACK_DIR/logs/$name.log"
  # shellcheck disable=SC2094  # LOG_FILE only names the file to the service; nothing here reads it
  LOG_FILE="$log_file" nohup nice -n "${SERVICE_NICE:-5}" "$@" >>"$log_file" 2>&1 &
  echo $! >"$pidfile"
}

# Succeed once URL answers 2xx; fail (without exiting) after $2 seconds.
http_ready() {
  local url=$1 timeout=${2:-60} start=$SECONDS
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    (( SECONDS - start >= timeout )) && return 1
    sleep 0.3
  done
}

# Wait until service NAME (started by `start_service NAME`, with the shell function $4 that starts it) answers 2xx
# at URL. A service that is alive but not ready after $3 seconds is stopped and started again once (a process that
# runs without doing its work is worse than one that exits); if it is still not ready, fail naming its log.
ensure_ready() {
  local name=$1 url=$2 timeout=$3 starter=$4
  http_ready "$url" "$timeout" && return 0
  if pid_alive "$STACK_DIR/$name.pid"; then
    log "$name is running but not ready after ${timeout}s ($(curl -sS --max-time 2 "$url" 2>&1 | head -c 300)); restarting it"
  else
    log "$name exited; starting it again (log: $STACK_DIR/logs/$name.log)"
  fi
  stop_pidfile "$STACK_DIR/$name.pid" 25 "$name"
  "$starter"
  http_ready "$url" "$timeout" || die "$name did not answer $url within ${timeout}s after a restart; see $STACK_DIR/logs/$name.log"
}

# Wait until URL answers 2xx, or fail after $2 seconds naming the log to read.
wait_http() {
  local url=$1 timeout=${2:-60} name=${3:-$1} start=$SECONDS
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if (( SECONDS - start >= timeout )); then die "$name did not answer $url within ${timeout}s; see $STACK_DIR/logs/"; fi
    sleep 0.3
  done
}

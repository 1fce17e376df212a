#!/usr/bin/env bash
# Redis >= 7 (sharded pub/sub: SPUBLISH/SSUBSCRIBE) for tests: our own instance, not the system
# service. Usage: bash test/infra/redis.sh up|down|status|env   (normally via infra.sh)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REDIS_MIN_MAJOR=7
REDIS_DIR="$IM_INFRA_DIR/redis"
REDIS_PIDFILE="$REDIS_DIR/redis.pid"
REDIS_LOG="$REDIS_DIR/redis.log"
REDIS_MARKER="redis-server"
REDIS_FIX="bash test/infra/infra.sh up redis"

redis_url() { printf 'redis://%s:%s' "$INFRA_HOST" "$REDIS_PORT"; }

redis_bin() { printf '%s' "${IM_INFRA_REDIS_SERVER:-$(command -v redis-server || true)}"; }

redis_install() {
  local bin
  bin="$(redis_bin)"
  if [[ -z "$bin" ]]; then
    apt_install redis "redis-server" redis-server
    bin="$(redis_bin)"
    [[ -n "$bin" ]] || fail redis "redis-server is still not on PATH after apt-get install" - \
      "apt-get install -y redis-server, or set IM_INFRA_REDIS_SERVER=/path/to/redis-server"
  fi
  local version
  version="$("$bin" --version | sed -n 's/.* v=\([0-9][0-9.]*\).*/\1/p')"
  if [[ -z "$version" || "${version%%.*}" -lt $REDIS_MIN_MAJOR ]]; then
    fail redis "$bin is Redis ${version:-of unknown version}; sharded pub/sub (SPUBLISH) needs Redis >= $REDIS_MIN_MAJOR" - \
      "install Redis >= 7 (Debian 12+/Ubuntu 24.04+: apt-get install -y redis-server; older distros: https://packages.redis.io) and/or set IM_INFRA_REDIS_SERVER=/path/to/redis-server"
  fi
  REDIS_SERVER_BIN="$bin"
  REDIS_SERVER_VERSION="$version"
}

redis_healthy() { probe_quiet redis "$INFRA_HOST:$REDIS_PORT"; }

redis_up() {
  check_ports
  mkdir -p "$REDIS_DIR"
  local pid
  pid="$(read_pid "$REDIS_PIDFILE")"
  if pid_alive "$pid" "$REDIS_MARKER"; then
    if redis_healthy; then
      info "redis: already up (pid $pid) at $(redis_url)"
      return 0
    fi
    wait_healthy redis "$REDIS_PIDFILE" "$REDIS_MARKER" "$REDIS_START_TIMEOUT" "$REDIS_LOG" "$REDIS_FIX" \
      redis "$INFRA_HOST:$REDIS_PORT"
    return 0
  fi
  rm -f "$REDIS_PIDFILE"
  require_node redis
  redis_install
  ensure_port_free redis "$REDIS_PORT" IM_INFRA_REDIS_PORT
  info "redis: starting $REDIS_SERVER_BIN ($REDIS_SERVER_VERSION) on $INFRA_HOST:$REDIS_PORT"
  start_daemon "$REDIS_PIDFILE" "$REDIS_LOG" \
    "$REDIS_SERVER_BIN" --port "$REDIS_PORT" --bind "$INFRA_HOST" --protected-mode yes \
    --dir "$REDIS_DIR" --save '' --appendonly no --daemonize no \
    --logfile "$REDIS_LOG" ||
    fail redis "the server process did not start" "$REDIS_LOG" "$REDIS_FIX"
  wait_healthy redis "$REDIS_PIDFILE" "$REDIS_MARKER" "$REDIS_START_TIMEOUT" "$REDIS_LOG" "$REDIS_FIX" \
    redis "$INFRA_HOST:$REDIS_PORT"
}

redis_down() { stop_pid redis "$REDIS_PIDFILE" "$REDIS_MARKER" 10; }

redis_status() {
  local pid out
  pid="$(read_pid "$REDIS_PIDFILE")"
  if pid_alive "$pid" "$REDIS_MARKER" && out="$(node "$PROBE" redis "$INFRA_HOST:$REDIS_PORT" 2>&1)"; then
    echo "redis:    up   pid $pid  $(redis_url)  $out"
  elif pid_alive "$pid" "$REDIS_MARKER"; then
    echo "redis:    UNHEALTHY  pid $pid  $(redis_url)  ${out:-}  (log: $REDIS_LOG)"
    return 1
  else
    echo "redis:    down  $(redis_url)"
    return 1
  fi
}

redis_env() { echo "export IM_TEST_REDIS_URL=$(redis_url)"; }

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  cmd="${1:-}"
  case "$cmd" in
    up | down | status | env) "redis_$cmd" ;;
    *) echo "usage: $0 up|down|status|env" >&2; exit 64 ;;
  esac
fi

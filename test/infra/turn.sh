#!/usr/bin/env bash
# coturn (Debian's `coturn`) as the TURN/STUN server for tests: our own instance, not the system
# service, with TURN REST credentials (`use-auth-secret`): a username `<expiry>:<userId>` and
# the password base64(HMAC-SHA1(secret, username)), which the gateway hands out at
# GET /v1/calls/ice-servers. Usage: bash test/infra/turn.sh up|down|status|env (normally via infra.sh)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TURN_DIR="$IM_INFRA_DIR/turn"
TURN_PIDFILE="$TURN_DIR/turnserver.pid"
TURN_LOG="$TURN_DIR/turnserver.log"
TURN_MARKER="turnserver"
TURN_FIX="bash test/infra/infra.sh up turn"
# The shared secret of the test server only (a real deployment's comes from a Secret: deploy/helm).
TURN_SECRET="${IM_INFRA_TURN_SECRET:-im-test-turn-secret}"
TURN_REALM="im.test"

turn_url() { printf 'turn:%s:%s' "$INFRA_HOST" "$TURN_PORT"; }

turn_bin() { printf '%s' "${IM_INFRA_TURNSERVER:-$(command -v turnserver || true)}"; }

turn_install() {
  if [[ -z "$(turn_bin)" ]]; then
    apt_install turn "coturn (turnserver)" coturn
    [[ -n "$(turn_bin)" ]] || fail turn "turnserver is still not on PATH after apt-get install coturn" - \
      "apt-get install -y coturn, or set IM_INFRA_TURNSERVER=/path/to/turnserver"
  fi
}

turn_healthy() { probe_quiet stun "$INFRA_HOST:$TURN_PORT"; }

turn_up() {
  check_ports
  mkdir -p "$TURN_DIR"
  local pid
  pid="$(read_pid "$TURN_PIDFILE")"
  if pid_alive "$pid" "$TURN_MARKER"; then
    if turn_healthy; then
      info "turn: already up (pid $pid) at $(turn_url)"
      return 0
    fi
    wait_healthy turn "$TURN_PIDFILE" "$TURN_MARKER" 20 "$TURN_LOG" "$TURN_FIX" stun "$INFRA_HOST:$TURN_PORT"
    return 0
  fi
  rm -f "$TURN_PIDFILE"
  require_node turn
  turn_install
  ensure_port_free turn "$TURN_PORT" IM_INFRA_TURN_PORT
  info "turn: starting $(turn_bin) on $INFRA_HOST:$TURN_PORT (relay ports $TURN_RELAY_MIN-$TURN_RELAY_MAX)"
  # -n: no config file. Loopback peers are allowed because every test peer is on 127.0.0.1; a
  # production coturn refuses them (its default).
  start_daemon "$TURN_PIDFILE" "$TURN_LOG" \
    "$(turn_bin)" -n --listening-ip="$INFRA_HOST" --listening-port="$TURN_PORT" --relay-ip="$INFRA_HOST" \
    --min-port="$TURN_RELAY_MIN" --max-port="$TURN_RELAY_MAX" --use-auth-secret \
    --static-auth-secret="$TURN_SECRET" --realm="$TURN_REALM" --no-tls --no-dtls --no-cli \
    --allow-loopback-peers --userdb="$TURN_DIR/turndb" --log-file=stdout --simple-log ||
    fail turn "the server process did not start" "$TURN_LOG" "$TURN_FIX"
  wait_healthy turn "$TURN_PIDFILE" "$TURN_MARKER" 20 "$TURN_LOG" "$TURN_FIX" stun "$INFRA_HOST:$TURN_PORT"
}

turn_down() { stop_pid turn "$TURN_PIDFILE" "$TURN_MARKER" 10; }

turn_status() {
  local pid out
  pid="$(read_pid "$TURN_PIDFILE")"
  if pid_alive "$pid" "$TURN_MARKER" && out="$(node "$PROBE" stun "$INFRA_HOST:$TURN_PORT" 2>&1)"; then
    echo "turn:     up   pid $pid  $(turn_url)  $out"
  elif pid_alive "$pid" "$TURN_MARKER"; then
    echo "turn:     UNHEALTHY  pid $pid  $(turn_url)  ${out:-}  (log: $TURN_LOG)"
    return 1
  else
    echo "turn:     down  $(turn_url)"
    return 1
  fi
}

turn_env() {
  echo "export IM_TEST_TURN_URL=$(turn_url)"
  echo "export IM_TEST_TURN_SECRET=$TURN_SECRET"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  cmd="${1:-}"
  case "$cmd" in
    up | down | status | env) "turn_$cmd" ;;
    *) echo "usage: $0 up|down|status|env" >&2; exit 64 ;;
  esac
fi

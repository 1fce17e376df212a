# shellcheck shell=bash
# Shared settings and helpers for test/infra/*.sh. Sourced, never run directly.
# All servers listen on 127.0.0.1 only and keep their state under $IM_INFRA_DIR.

INFRA_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$INFRA_SCRIPTS/../.." && pwd)"

IM_INFRA_DIR="${IM_INFRA_DIR:-$REPO_ROOT/.infra}"
# Machine-wide cache of installed server binaries/jars (survives `rm -rf .infra` and new clones).
IM_INFRA_CACHE="${IM_INFRA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/im-infra}"

INFRA_HOST=127.0.0.1
REDIS_PORT="${IM_INFRA_REDIS_PORT:-6390}"
KAFKA_PORT="${IM_INFRA_KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${IM_INFRA_KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
MONGO_PORT="${IM_INFRA_MONGO_PORT:-27027}"
MONGO_DB="${IM_INFRA_MONGO_DB:-im_test}"
POSTGRES_PORT="${IM_INFRA_POSTGRES_PORT:-54329}"
# coturn: STUN/TURN on TCP and UDP, and the UDP ports it relays from.
TURN_PORT="${IM_INFRA_TURN_PORT:-13478}"
TURN_RELAY_MIN="${IM_INFRA_TURN_RELAY_MIN:-31000}"
TURN_RELAY_MAX="${IM_INFRA_TURN_RELAY_MAX:-31099}"
# SeaweedFS's S3 port; its master, volume and filer take the next three, each with a gRPC port +10000.
S3_PORT="${IM_INFRA_S3_PORT:-18333}"
# FerretDB's storage: postgresql (default; PostgreSQL from Debian, see postgres.sh) or sqlite.
FERRETDB_BACKEND="${IM_INFRA_FERRETDB_BACKEND:-postgresql}"

# Seconds to wait for a freshly started server to become healthy.
REDIS_START_TIMEOUT="${IM_INFRA_REDIS_TIMEOUT:-20}"
KAFKA_START_TIMEOUT="${IM_INFRA_KAFKA_TIMEOUT:-120}"
MONGO_START_TIMEOUT="${IM_INFRA_MONGO_TIMEOUT:-60}"
POSTGRES_START_TIMEOUT="${IM_INFRA_POSTGRES_TIMEOUT:-60}"
S3_START_TIMEOUT="${IM_INFRA_S3_TIMEOUT:-60}"

PROBE="$INFRA_SCRIPTS/probe.js"

# Refuses port settings that cannot work, before anything is started.
check_ports() {
  if [[ "$KAFKA_PORT" == 9092 || "$KAFKA_CONTROLLER_PORT" == 9092 ]]; then
    fail kafka "port 9092 is the gateway's port; the test broker must not use it" - \
      "unset IM_INFRA_KAFKA_PORT IM_INFRA_KAFKA_CONTROLLER_PORT (defaults 19092/19093)"
  fi
  local p seen=" "
  for p in "$REDIS_PORT" "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$MONGO_PORT" "$POSTGRES_PORT" "$TURN_PORT" "$S3_PORT"; do
    [[ "$p" =~ ^[0-9]+$ && "$p" -gt 0 && "$p" -lt 65536 ]] ||
      fail infra "invalid port '$p' in IM_INFRA_*_PORT" - "unset the IM_INFRA_*_PORT variables or give numbers"
    [[ "$seen" != *" $p "* ]] ||
      fail infra "port $p is used twice (redis=$REDIS_PORT kafka=$KAFKA_PORT controller=$KAFKA_CONTROLLER_PORT mongo=$MONGO_PORT postgres=$POSTGRES_PORT turn=$TURN_PORT s3=$S3_PORT)" - \
        "give each IM_INFRA_*_PORT a different value"
    seen+="$p "
  done
}

# Refuses an unknown IM_INFRA_FERRETDB_BACKEND.
check_ferretdb_backend() {
  case "$FERRETDB_BACKEND" in
    postgresql | sqlite) ;;
    *) fail ferretdb "IM_INFRA_FERRETDB_BACKEND='$FERRETDB_BACKEND' is not a backend we run" - \
      "unset IM_INFRA_FERRETDB_BACKEND (default postgresql), or set it to postgresql or sqlite" ;;
  esac
}

info() { printf '[infra] %s\n' "$*" >&2; }

# fail <piece> <reason> <log file(s), '|'-separated, or -> <fix command...>
# Prints the reason, the tail of the piece's log and the command that fixes it, then exits 1.
fail() {
  local piece="$1" reason="$2" log="$3"
  shift 3
  {
    printf '\n[infra] ERROR: %s: %s\n' "$piece" "$reason"
    local f files=()
    [[ "$log" == "-" ]] || IFS='|' read -ra files <<<"$log"
    for f in "${files[@]}"; do
      if [[ -s "$f" ]]; then
        printf '[infra] ---- last 40 lines of %s ----\n' "$f"
        tail -n 40 "$f" | sed 's/^/    /'
        printf '[infra] ---- end of %s ----\n' "$f"
      else
        printf '[infra] (log %s is empty or missing)\n' "$f"
      fi
    done
    printf '[infra] FIX: %s\n\n' "$*"
  } >&2
  exit 1
}

have() { command -v "$1" >/dev/null 2>&1; }

# Node runs the dependency-free probes; it is required for the whole repo anyway.
require_node() {
  have node || fail "$1" "node (>= 20) is not on PATH; the health checks are Node scripts" - \
    "install Node.js 20 (https://nodejs.org or: apt-get install -y nodejs) and re-run"
}

# apt_install <piece> <what it is for> <packages...>: installs Debian packages when allowed.
apt_install() {
  local piece="$1" why="$2"
  shift 2
  local cmd="apt-get update && apt-get install -y --no-install-recommends $*"
  if [[ "${IM_INFRA_NO_INSTALL:-0}" == 1 ]]; then
    fail "$piece" "$why is missing and IM_INFRA_NO_INSTALL=1" - "$cmd"
  fi
  if ! have apt-get; then
    fail "$piece" "$why is missing and this is not a Debian/Ubuntu machine (no apt-get)" - \
      "install $* with your package manager and re-run"
  fi
  local sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    if have sudo && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      fail "$piece" "$why is missing and installing it needs root" - "sudo sh -c '$cmd'"
    fi
  fi
  local log="$IM_INFRA_DIR/apt-install.log"
  info "$piece: installing $* with apt-get (log: $log)"
  if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"; } >"$log" 2>&1; then
    fail "$piece" "apt-get install $* failed" "$log" "$cmd"
  fi
}

# pid_alive <pid> <cmdline substring>: the process exists and is the one we started
# (guards against a recycled pid after a reboot or a stale pid file).
pid_alive() {
  local pid="$1" marker="$2"
  [[ -n "$pid" && "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker"
}

read_pid() { [[ -s "$1" ]] && tr -dc '0-9' <"$1" || true; }

# stop_pid <piece> <pidfile> <cmdline marker> <seconds before SIGKILL>
stop_pid() {
  local piece="$1" pidfile="$2" marker="$3" grace="$4" pid
  pid="$(read_pid "$pidfile")"
  if pid_alive "$pid" "$marker"; then
    info "$piece: stopping pid $pid"
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < grace * 10; i++)); do
      pid_alive "$pid" "$marker" || break
      sleep 0.1
    done
    if pid_alive "$pid" "$marker"; then
      info "$piece: pid $pid ignored SIGTERM for ${grace}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do
        pid_alive "$pid" "$marker" || break
        sleep 0.1
      done
    fi
    info "$piece: stopped"
  else
    info "$piece: not running"
  fi
  rm -f "$pidfile"
}

# port_owner <port>: "pid/name" of whoever listens on 127.0.0.1:<port> (or *:<port>), or "".
port_owner() {
  local port="$1"
  if have ss; then
    ss -Hltnp "sport = :$port" 2>/dev/null | sed -n 's/.*users:((\("[^"]*"\),pid=\([0-9]*\).*/\2 \1/p' | head -n1
  fi
}

port_in_use() {
  local port="$1"
  if have ss; then
    [[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]]
  else
    (exec 3<>"/dev/tcp/$INFRA_HOST/$port") 2>/dev/null
  fi
}

# ensure_port_free <piece> <port> <env var that overrides it>
ensure_port_free() {
  local piece="$1" port="$2" var="$3"
  if port_in_use "$port"; then
    local owner
    owner="$(port_owner "$port")"
    fail "$piece" "port $port is already in use by another process (${owner:-unknown owner}) that this script did not start" - \
      "stop that process (${owner:+kill ${owner%% *}}), or pick another port: $var=<free port> bash test/infra/infra.sh up"
  fi
}

# start_daemon <pidfile> <stdout/stderr log> <command...>: runs the command in its own session,
# detached from our stdio (so a Node parent waiting on our pipes is not kept waiting), and
# records its pid.
start_daemon() {
  local pidfile="$1" log="$2"
  shift 2
  rm -f "$pidfile"
  # The inner bash writes its own pid and then execs the server, so the pid is the server's.
  # fd 9 is infra.sh's lock: the server must not inherit it, or it would hold the lock forever.
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" </dev/null >>"$log" 2>&1 9>&- &
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s "$pidfile" ]] && return 0
    sleep 0.1
  done
  return 1
}

# wait_healthy <piece> <pidfile> <marker> <timeout s> <log> <fix> <probe args...>
wait_healthy() {
  local piece="$1" pidfile="$2" marker="$3" timeout="$4" log="$5" fix="$6"
  shift 6
  local start=$SECONDS out rc pid
  while :; do
    rc=0
    out="$(node "$PROBE" "$@" --timeout 2000 2>&1)" || rc=$?
    if [[ $rc == 0 ]]; then
      info "$piece: healthy after $((SECONDS - start))s: $out"
      return 0
    fi
    if [[ $rc == 2 ]]; then
      fail "$piece" "$out" "$log" "$fix"
    fi
    pid="$(read_pid "$pidfile")"
    if ! pid_alive "$pid" "$marker"; then
      fail "$piece" "the server process exited during startup (last probe: $out)" "$log" "$fix"
    fi
    if ((SECONDS - start >= timeout)); then
      fail "$piece" "not healthy after ${timeout}s (pid $pid still running; last probe: $out)" "$log" \
        "bash test/infra/infra.sh down $piece && $fix"
    fi
    sleep 0.5
  done
}

probe_quiet() { node "$PROBE" "$@" --timeout 2000 >/dev/null 2>&1; }

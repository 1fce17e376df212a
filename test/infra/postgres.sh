#!/usr/bin/env bash
# PostgreSQL (Debian's `postgresql` package) as FerretDB's storage backend for tests. Our own
# cluster (initdb) in $IM_INFRA_DIR/postgres/data, not the system cluster: 127.0.0.1 only, trust
# auth on loopback and our own unix socket, fsync on. When run as root, initdb and the server run
# as the `postgres` system user (the Debian package creates it; initdb refuses root).
# Usage: bash test/infra/postgres.sh up|down|status|env   (normally via infra.sh)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_DIR="$(realpath -m "$IM_INFRA_DIR/postgres")"  # absolute: pg_ctl runs from /
PG_DATA="$PG_DIR/data"
PG_RUN="$PG_DIR/run"                 # unix socket directory
PG_LOG="$PG_DIR/postgres.log"        # server log (pg_ctl -l); the previous run's is postgres.log.prev
PG_CTL_LOG="$PG_DIR/pg_ctl.log"      # output of the last pg_ctl start/stop
PG_INITDB_LOG="$PG_DIR/initdb.log"
PG_INIT_DONE="$PG_DIR/initdb.done"   # written after a complete initdb + config
PG_PIDFILE="$PG_DATA/postmaster.pid" # PostgreSQL's own; its first line is the postmaster pid
PG_MARKER="-D $PG_DATA"              # pg_ctl starts `postgres -D <data dir>`
PG_SUPERUSER=postgres
PG_DATABASE=ferretdb
PG_SHARED_BUFFERS="${IM_INFRA_POSTGRES_SHARED_BUFFERS:-128MB}"
PG_FIX="bash test/infra/infra.sh up postgres"
if [[ "$(id -u)" == 0 ]]; then
  PG_OS_USER="${IM_INFRA_POSTGRES_OS_USER:-postgres}"
else
  PG_OS_USER="$(id -un)"
fi

postgres_url() { printf 'postgres://%s@%s:%s/%s' "$PG_SUPERUSER" "$INFRA_HOST" "$POSTGRES_PORT" "$PG_DATABASE"; }

# pg_as <command...>: runs the command as $PG_OS_USER (from /, so no cwd permission warnings).
pg_as() {
  if [[ "$(id -u)" != 0 ]]; then
    (cd / && "$@")
  elif have runuser; then
    (cd / && runuser -u "$PG_OS_USER" -- "$@")
  else
    (cd / && su "$PG_OS_USER" -s /bin/bash -c "$(printf '%q ' "$@")")
  fi
}

# Files the server (running as $PG_OS_USER) must own.
pg_chown() { [[ "$(id -u)" != 0 ]] || chown "$PG_OS_USER:" "$@"; }

pg_pid() { [[ -s "$PG_PIDFILE" ]] && head -n1 "$PG_PIDFILE" 2>/dev/null | tr -dc '0-9' || true; }

# postgres_find_bindir: sets PG_BIN/PG_MAJOR to the binaries for our data dir (its PG_VERSION),
# else the highest /usr/lib/postgresql/<major>/bin. Returns 1 when none is installed.
postgres_find_bindir() {
  local d v majors=() want=""
  if [[ -n "${IM_INFRA_POSTGRES_BINDIR:-}" ]]; then
    [[ -x "$IM_INFRA_POSTGRES_BINDIR/pg_ctl" ]] || fail postgres "IM_INFRA_POSTGRES_BINDIR=$IM_INFRA_POSTGRES_BINDIR has no pg_ctl" - \
      "unset IM_INFRA_POSTGRES_BINDIR (default: highest /usr/lib/postgresql/<major>/bin)"
    PG_BIN="$IM_INFRA_POSTGRES_BINDIR"
    PG_MAJOR="$("$PG_BIN/pg_ctl" --version | sed -n 's/.* \([0-9][0-9]*\)\.[0-9].*/\1/p')"
    return 0
  fi
  for d in /usr/lib/postgresql/*/bin; do
    v="$(basename "$(dirname "$d")")"
    [[ "$v" =~ ^[0-9]+(\.[0-9]+)?$ && -x "$d/pg_ctl" && -x "$d/initdb" && -x "$d/postgres" && -x "$d/psql" ]] && majors+=("$v")
  done
  ((${#majors[@]})) || return 1
  [[ -s "$PG_DATA/PG_VERSION" ]] && want="$(tr -dc '0-9.' <"$PG_DATA/PG_VERSION")"
  if [[ -n "$want" ]]; then
    if [[ ! -x "/usr/lib/postgresql/$want/bin/pg_ctl" ]]; then
      fail postgres "$PG_DATA was created by PostgreSQL $want, whose server binaries are not installed (found: ${majors[*]})" - \
        "bash test/infra/infra.sh down ferretdb && rm -rf $PG_DIR && bash test/infra/infra.sh up   # test data only; or: apt-get install -y postgresql-$want"
    fi
    PG_MAJOR="$want"
  else
    PG_MAJOR="$(printf '%s\n' "${majors[@]}" | sort -V | tail -n1)"
  fi
  PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"
}

postgres_install() {
  postgres_find_bindir && return 0
  apt_install postgres "the PostgreSQL server (/usr/lib/postgresql/<major>/bin/pg_ctl)" postgresql
  postgres_find_bindir || fail postgres "no /usr/lib/postgresql/<major>/bin/{pg_ctl,initdb,postgres,psql} after apt-get install postgresql" - \
    "apt-get install -y postgresql && ls /usr/lib/postgresql/*/bin"
}

# The server user must exist and reach $PG_DIR; the unix socket path must fit sun_path.
postgres_check_user() {
  if [[ "$(id -u)" == 0 ]] && ! id "$PG_OS_USER" >/dev/null 2>&1; then
    fail postgres "the system user '$PG_OS_USER' does not exist (initdb and the server must not run as root)" - \
      "apt-get install -y postgresql  # creates the postgres user; or: useradd --system --home-dir /var/lib/postgresql postgres"
  fi
  if ! pg_as test -x "$PG_DIR"; then
    fail postgres "user $PG_OS_USER cannot reach $PG_DIR (a parent directory lacks o+x)" - \
      "chmod o+x on the parent directories of $PG_DIR, or use another state dir: IM_INFRA_DIR=/var/tmp/im-infra bash test/infra/infra.sh up"
  fi
  local sock="$PG_RUN/.s.PGSQL.$POSTGRES_PORT"
  if ((${#sock} > 107)); then
    fail postgres "the unix socket path $sock is longer than 107 bytes" - \
      "use a shorter state dir: IM_INFRA_DIR=/var/tmp/im-infra bash test/infra/infra.sh up"
  fi
}

postgres_init() {
  if [[ -f "$PG_INIT_DONE" && -s "$PG_DATA/PG_VERSION" ]]; then return 0; fi
  if [[ -e "$PG_DATA" ]]; then
    info "postgres: removing the incomplete data dir $PG_DATA (an earlier initdb did not finish)"
    rm -rf "$PG_DATA"
  fi
  mkdir -p "$PG_DATA"
  chmod 700 "$PG_DATA"
  pg_chown "$PG_DATA"
  info "postgres: initdb $PG_DATA (PostgreSQL $PG_MAJOR, superuser $PG_SUPERUSER, as OS user $PG_OS_USER)"
  if ! pg_as "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_SUPERUSER" -A trust --encoding=UTF8 --locale=C \
    >"$PG_INITDB_LOG" 2>&1 </dev/null 9>&-; then
    fail postgres "initdb failed" "$PG_INITDB_LOG" "rm -rf $PG_DATA && $PG_FIX"
  fi
  echo "include = 'im-infra.conf'   # test/infra/postgres.sh (rewritten on every start)" >>"$PG_DATA/postgresql.conf"
  echo "$PG_MAJOR" >"$PG_INIT_DONE"
}

# Rewritten before every start, so port/dir overrides take effect.
postgres_write_config() {
  cat >"$PG_DATA/im-infra.conf" <<EOF
# Written by test/infra/postgres.sh before each start; edits are lost.
listen_addresses = '$INFRA_HOST'
port = $POSTGRES_PORT
unix_socket_directories = '$PG_RUN'
unix_socket_permissions = 0700
max_connections = 400           # FerretDB's pool uses up to 300 (ferretdb.sh)
shared_buffers = $PG_SHARED_BUFFERS
fsync = on                      # durable, like production
synchronous_commit = on
full_page_writes = on
logging_collector = off         # stderr -> pg_ctl -l $PG_LOG
log_line_prefix = '%m [%p] %q%u@%d '
log_min_messages = warning
log_timezone = 'UTC'
timezone = 'UTC'
EOF
  cat >"$PG_DATA/pg_hba.conf" <<EOF
# Written by test/infra/postgres.sh: trust, but only our unix socket and 127.0.0.1.
local all all trust
host  all all 127.0.0.1/32 trust
EOF
  pg_chown "$PG_DATA/im-infra.conf" "$PG_DATA/pg_hba.conf"
  chmod 600 "$PG_DATA/im-infra.conf" "$PG_DATA/pg_hba.conf"
}

# postgres_query <sql>: one query over TCP (what FerretDB uses), tuples only.
postgres_query() {
  PGCONNECT_TIMEOUT=2 "$PG_BIN/psql" -X -w -h "$INFRA_HOST" -p "$POSTGRES_PORT" -U "$PG_SUPERUSER" -d postgres \
    -v ON_ERROR_STOP=1 -Atq -c "$1" </dev/null
}

postgres_summary() {
  postgres_query "select 'PostgreSQL ' || current_setting('server_version') || ', fsync=' || current_setting('fsync')
    || ', shared_buffers=' || current_setting('shared_buffers') || ', db $PG_DATABASE: '
    || (case when exists (select 1 from pg_database where datname = '$PG_DATABASE') then 'present' else 'missing' end)
    || ', ' || (select count(*) from pg_stat_activity where datname = '$PG_DATABASE') || ' connections'" 2>&1
}

postgres_wait_healthy() {
  local start=$SECONDS out pid
  while :; do
    if out="$(postgres_query 'select 1' 2>&1)" && [[ "$out" == 1 ]]; then
      info "postgres: healthy after $((SECONDS - start))s: $(postgres_summary)"
      return 0
    fi
    pid="$(pg_pid)"
    if ! pid_alive "$pid" "$PG_MARKER"; then
      fail postgres "the server process exited during startup (last query: $out)" "$PG_LOG|$PG_CTL_LOG" "$PG_FIX"
    fi
    if ((SECONDS - start >= POSTGRES_START_TIMEOUT)); then
      fail postgres "not healthy after ${POSTGRES_START_TIMEOUT}s (pid $pid still running; last query: $out)" "$PG_LOG" \
        "bash test/infra/infra.sh down postgres && $PG_FIX"
    fi
    sleep 0.5
  done
}

postgres_ensure_db() {
  local out
  out="$(postgres_query "select count(*) from pg_database where datname = '$PG_DATABASE'" 2>&1)" ||
    fail postgres "cannot list databases: $out" "$PG_LOG" "$PG_FIX"
  [[ "$out" == 0 ]] || return 0
  info "postgres: creating database $PG_DATABASE"
  if ! out="$(postgres_query "create database $PG_DATABASE" 2>&1)"; then
    # a concurrent `up` may have created it meanwhile
    [[ "$(postgres_query "select count(*) from pg_database where datname = '$PG_DATABASE'" 2>/dev/null)" == 1 ]] ||
      fail postgres "create database $PG_DATABASE failed: $out" "$PG_LOG" "$PG_FIX"
  fi
}

# postgres_stale_pidfile <pid from postmaster.pid>, known not to be our running postmaster.
# PostgreSQL refuses to start while the pid in its lock file exists at all. After a crash
# (kill -9) the old postmaster stays a zombie until pid 1 reaps it, which can take seconds in
# containers: wait for that. A pid recycled by an unrelated process makes the file stale.
postgres_stale_pidfile() {
  local pid="$1" i state
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  state="$(sed -n 's/^[0-9]* (.*) \([A-Z]\).*/\1/p' "/proc/$pid/stat" 2>/dev/null || true)"
  if [[ "$state" != Z && -s "/proc/$pid/cmdline" ]] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q postgres; then
    info "postgres: removing stale $PG_PIDFILE (pid $pid is now an unrelated process: $(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -c1-80))"
    rm -f "$PG_PIDFILE"
    return 0
  fi
  info "postgres: the previous server (pid $pid, state ${state:-?}) has not exited/been reaped yet; waiting up to 30s"
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  fail postgres "pid $pid from $PG_PIDFILE still exists after 30s (state ${state:-?}); PostgreSQL will not start while it does" "$PG_LOG" \
    "ps -o pid,ppid,stat,args -p $pid  # wait for it to go away (or kill it), then: $PG_FIX"
}

postgres_up() {
  check_ports
  mkdir -p "$PG_DIR"
  local pid
  pid="$(pg_pid)"
  if pid_alive "$pid" "$PG_MARKER"; then
    postgres_find_bindir || fail postgres "a server (pid $pid) runs but no PostgreSQL binaries are found" "$PG_LOG" \
      "apt-get install -y postgresql"
    if [[ "$(postgres_query 'select 1' 2>/dev/null)" == 1 ]]; then
      info "postgres: already up (pid $pid) at $(postgres_url)"
    else
      postgres_wait_healthy
    fi
    postgres_ensure_db
    POSTGRES_IS_UP=1
    return 0
  fi
  postgres_stale_pidfile "$pid"
  postgres_install
  postgres_check_user
  ensure_port_free postgres "$POSTGRES_PORT" IM_INFRA_POSTGRES_PORT
  postgres_init
  mkdir -p "$PG_RUN"
  chmod 700 "$PG_RUN"
  pg_chown "$PG_RUN"
  postgres_write_config
  [[ ! -s "$PG_LOG" ]] || mv -f "$PG_LOG" "$PG_LOG.prev"
  : >"$PG_LOG"
  pg_chown "$PG_LOG"
  info "postgres: starting PostgreSQL $PG_MAJOR ($PG_BIN/pg_ctl, as $PG_OS_USER) on $INFRA_HOST:$POSTGRES_PORT, data $PG_DATA"
  # fd 9 is infra.sh's lock: the server must not inherit it. pg_ctl detaches the server (setsid)
  # and points its stdio at /dev/null and the log, so it never holds our caller's pipes.
  if ! pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$POSTGRES_START_TIMEOUT" start \
    </dev/null >"$PG_CTL_LOG" 2>&1 9>&-; then
    fail postgres "pg_ctl start failed" "$PG_LOG|$PG_CTL_LOG" \
      "bash test/infra/infra.sh down postgres && $PG_FIX"
  fi
  postgres_wait_healthy
  postgres_ensure_db
  POSTGRES_IS_UP=1
}

postgres_down() {
  local pid i
  pid="$(pg_pid)"
  if ! pid_alive "$pid" "$PG_MARKER"; then
    info "postgres: not running"
    return 0
  fi
  info "postgres: stopping pid $pid (pg_ctl stop -m fast)"
  if ! postgres_find_bindir || ! pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" stop -m fast -w -t 30 \
    </dev/null >"$PG_CTL_LOG" 2>&1 9>&-; then
    info "postgres: pg_ctl stop -m fast did not stop pid $pid within 30s; sending SIGQUIT (immediate shutdown)"
    kill -QUIT "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      pid_alive "$pid" "$PG_MARKER" || break
      sleep 0.1
    done
  fi
  if pid_alive "$pid" "$PG_MARKER"; then
    fail postgres "pid $pid is still running after pg_ctl stop and SIGQUIT" "$PG_LOG|$PG_CTL_LOG" "kill -KILL $pid"
  fi
  POSTGRES_IS_UP=
  info "postgres: stopped"
}

postgres_status() {
  local pid out
  pid="$(pg_pid)"
  if pid_alive "$pid" "$PG_MARKER" && postgres_find_bindir && out="$(postgres_summary)"; then
    echo "postgres: up   pid $pid  $(postgres_url)  $out"
  elif pid_alive "$pid" "$PG_MARKER"; then
    echo "postgres: UNHEALTHY  pid $pid  $(postgres_url)  ${out:-}  (log: $PG_LOG)"
    return 1
  else
    echo "postgres: down  $(postgres_url)"
    return 1
  fi
}

# Tests do not connect to PostgreSQL (only to FerretDB): a comment, no variable.
postgres_env() { echo "# postgres (FerretDB's backend; tests use IM_TEST_MONGO_URL): $(postgres_url)"; }

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  cmd="${1:-}"
  case "$cmd" in
    up | down | status | env) "postgres_$cmd" ;;
    *) echo "usage: $0 up|down|status|env" >&2; exit 64 ;;
  esac
fi

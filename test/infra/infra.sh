#!/usr/bin/env bash
# Real servers on loopback for tests and local runs (no Docker).
#
#   bash test/infra/infra.sh up     [redis|postgres|ferretdb|kafka|turn|s3|all]   install if missing, start, wait healthy
#   bash test/infra/infra.sh down   [redis|postgres|ferretdb|kafka|turn|s3|all]   stop what this script started (idempotent)
#   bash test/infra/infra.sh status [redis|postgres|ferretdb|kafka|turn|s3|all]   exit 0 only if all requested are healthy
#   bash test/infra/infra.sh env    [redis|postgres|ferretdb|kafka|turn|s3|all]   print `export IM_TEST_...=` lines
#
# Defaults: Redis 127.0.0.1:6390, PostgreSQL 127.0.0.1:54329 (FerretDB's backend), FerretDB
# 127.0.0.1:27027, Kafka 127.0.0.1:19092 (controller :19093), coturn 127.0.0.1:13478 (TURN/STUN,
# relays from UDP 31000-31099), S3 (SeaweedFS) 127.0.0.1:18333. `up ferretdb` also brings PostgreSQL
# up; `down postgres` also stops FerretDB (it depends on it); `down all` stops in reverse order.
# Env: IM_INFRA_REDIS_PORT, IM_INFRA_KAFKA_PORT, IM_INFRA_KAFKA_CONTROLLER_PORT, IM_INFRA_MONGO_PORT,
#      IM_INFRA_POSTGRES_PORT, IM_INFRA_TURN_PORT, IM_INFRA_S3_PORT, IM_INFRA_TURN_RELAY_MIN/MAX, IM_INFRA_FERRETDB_BACKEND (postgresql|sqlite; sqlite needs no PostgreSQL),
#      IM_INFRA_DIR (state, default <repo>/.infra), IM_INFRA_CACHE (installs, default ~/.cache/im-infra),
#      IM_INFRA_KAFKA_VERSION, IM_INFRA_NO_INSTALL=1 (never apt-get). See test/infra/README.md.
set -euo pipefail
INFRA_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=redis.sh
source "$INFRA_SCRIPTS/redis.sh"
# shellcheck source=kafka.sh
source "$INFRA_SCRIPTS/kafka.sh"
# shellcheck source=postgres.sh
source "$INFRA_SCRIPTS/postgres.sh"
# shellcheck source=ferretdb.sh
source "$INFRA_SCRIPTS/ferretdb.sh"
# shellcheck source=turn.sh
source "$INFRA_SCRIPTS/turn.sh"
# shellcheck source=s3.sh
source "$INFRA_SCRIPTS/s3.sh"

usage() {
  echo "usage: $0 up|down|status|env [redis|postgres|ferretdb|kafka|turn|s3|all]" >&2
  exit 64
}

cmd="${1:-}"
target="${2:-all}"
case "$cmd" in up | down | status | env) ;; *) usage ;; esac
check_ferretdb_backend
# Start order; `down` runs it backwards (FerretDB stops before its PostgreSQL).
case "$target" in
  all)
    # (`down all` stops a PostgreSQL left from an earlier postgresql-backend run, too)
    if [[ "$FERRETDB_BACKEND" == postgresql || "$cmd" == down ]]; then
      pieces=(redis postgres ferretdb kafka turn s3)
    else
      pieces=(redis ferretdb kafka turn s3)
    fi
    ;;
  redis | kafka | ferretdb | postgres | turn | s3) pieces=("$target") ;;
  mongo) pieces=(ferretdb) ;;
  postgresql | pg) pieces=(postgres) ;;
  *) usage ;;
esac
if [[ "$cmd" == down && "${pieces[*]}" == postgres && "$FERRETDB_BACKEND" == postgresql ]]; then
  pieces=(postgres ferretdb)   # FerretDB would be left without its storage
fi

# up/down mutate state: serialise concurrent callers (e.g. two jest runs) on the data dir.
lock() {
  mkdir -p "$IM_INFRA_DIR"
  exec 9>"$IM_INFRA_DIR/.lock"
  if ! flock -w 900 9; then
    fail infra "another infra.sh up/down holds $IM_INFRA_DIR/.lock for more than 15 min" - \
      "find it with: fuser -v $IM_INFRA_DIR/.lock"
  fi
}

case "$cmd" in
  up)
    require_node infra
    check_ports
    lock
    start=$SECONDS
    for p in "${pieces[@]}"; do
      t=$SECONDS
      "${p}_up"
      info "$p: ready (took $((SECONDS - t))s)"
    done
    info "up (${pieces[*]}) in $((SECONDS - start))s; endpoints:"
    for p in "${pieces[@]}"; do "${p}_env" >&2; done
    ;;
  down)
    lock
    rc=0
    for ((i = ${#pieces[@]} - 1; i >= 0; i--)); do "${pieces[i]}_down" || rc=1; done
    exit $rc
    ;;
  status)
    rc=0
    for p in "${pieces[@]}"; do "${p}_status" || rc=1; done
    exit $rc
    ;;
  env)
    for p in "${pieces[@]}"; do "${p}_env"; done
    ;;
esac

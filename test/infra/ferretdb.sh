#!/usr/bin/env bash
# FerretDB (MongoDB wire protocol) for tests, storing into PostgreSQL (postgres.sh; default) or,
# with IM_INFRA_FERRETDB_BACKEND=sqlite, into SQLite files (which FerretDB scans whole on every
# query, so it slows down as collections grow; see README.md).
# Built from the Go module github.com/FerretDB/FerretDB@$FERRETDB_VERSION into
# ~/.cache/im-infra/bin/ferretdb (Go's module and build caches are the download cache).
# Usage: bash test/infra/ferretdb.sh up|down|status|env   (normally via infra.sh)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=postgres.sh
source "$(dirname "${BASH_SOURCE[0]}")/postgres.sh"

FERRETDB_VERSION="${IM_INFRA_FERRETDB_VERSION:-v1.24.2}"
FERRETDB_MODULE="github.com/FerretDB/FerretDB"
FERRETDB_BIN="${IM_INFRA_FERRETDB_BIN:-$IM_INFRA_CACHE/bin/ferretdb}"
FERRETDB_DIR="$IM_INFRA_DIR/ferretdb"
FERRETDB_PIDFILE="$FERRETDB_DIR/ferretdb.pid"
FERRETDB_LOG="$FERRETDB_DIR/ferretdb.log"
FERRETDB_FIX="bash test/infra/infra.sh up ferretdb"
FERRETDB_PG_POOL="${IM_INFRA_FERRETDB_PG_POOL:-300}"

mongo_url() { printf 'mongodb://%s:%s/%s' "$INFRA_HOST" "$MONGO_PORT" "$MONGO_DB"; }
ferretdb_marker() { printf -- '--listen-addr=%s:%s' "$INFRA_HOST" "$MONGO_PORT"; }

# Sets FERRETDB_BACKEND_ARGS to the storage flags for $FERRETDB_BACKEND.
ferretdb_backend_args() {
  check_ferretdb_backend
  case "$FERRETDB_BACKEND" in
    # FerretDB's own default pool is 50 PostgreSQL connections, and at 50 concurrent requests it
    # can starve itself (all 50 idle, every request waiting: seen with several clusters under
    # test at once). A larger pool, with max_connections above it (postgres.sh), avoids that.
    postgresql) FERRETDB_BACKEND_ARGS=(--handler=postgresql --postgresql-url="$(postgres_url)?pool_max_conns=$FERRETDB_PG_POOL") ;;
    sqlite) FERRETDB_BACKEND_ARGS=(--handler=sqlite --sqlite-url="file:$FERRETDB_DIR/data/") ;;
  esac
}

ferretdb_backend_desc() {
  case "$FERRETDB_BACKEND" in
    postgresql) printf 'backend=postgresql (%s)' "$(postgres_url)" ;;
    *) printf 'backend=%s (%s)' "$FERRETDB_BACKEND" "file:$FERRETDB_DIR/data/" ;;
  esac
}

# The backend flags of the running FerretDB <pid>, for messages.
ferretdb_running_backend() {
  tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | grep -E '^--(handler|postgresql-url|sqlite-url)=' | tr '\n' ' ' || true
}

# The Go toolchain FerretDB v1.24.2's go.mod asks for; fetched from the Go module proxy (the
# toolchain is the module golang.org/toolchain) when no Go >= 1.21 is installed.
FERRETDB_GO_TOOLCHAIN="${IM_INFRA_GO_TOOLCHAIN:-go1.24.3}"

# go_version_ok <go>: Go >= 1.21, which can itself switch to the toolchain a module requires.
go_version_ok() {
  local v major rest minor
  v="$("$1" env GOVERSION 2>/dev/null)" || return 1
  v="${v#go}"
  major="${v%%.*}"
  rest="${v#*.}"
  minor="${rest%%[!0-9]*}"
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
  ((major > 1 || (major == 1 && minor >= 21)))
}

# Sets GO to a usable go binary, bootstrapping one into the cache if needed.
ferretdb_go() {
  if have go && go_version_ok go; then
    GO=go
    return 0
  fi
  local os arch dir log="$FERRETDB_DIR/go-toolchain.log"
  os="$(uname -s | tr '[:upper:]' '[:lower:]')"
  case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) fail ferretdb "no Go >= 1.21 and no prebuilt Go toolchain for $(uname -m)" - "install Go >= 1.21 from https://go.dev/dl/" ;;
  esac
  dir="$IM_INFRA_CACHE/go-$FERRETDB_GO_TOOLCHAIN.$os-$arch"
  if [[ ! -x "$dir/bin/go" ]]; then
    local proxy="${GOPROXY:-https://proxy.golang.org}"
    proxy="${proxy%%[,|]*}"
    [[ "$proxy" == http* ]] || proxy=https://proxy.golang.org
    local mod="golang.org/toolchain@v0.0.1-$FERRETDB_GO_TOOLCHAIN.$os-$arch"
    local url="$proxy/golang.org/toolchain/@v/v0.0.1-$FERRETDB_GO_TOOLCHAIN.$os-$arch.zip"
    have curl || apt_install ferretdb "curl (downloads the Go toolchain)" curl ca-certificates
    have unzip || apt_install ferretdb "unzip (unpacks the Go toolchain)" unzip
    info "ferretdb: no Go >= 1.21 on PATH; fetching $mod from the Go module proxy into $dir"
    local tmp="$dir.tmp.$$"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    if ! curl -fsSL --retry 3 -o "$tmp/go.zip" "$url" >>"$log" 2>&1 || ! unzip -q "$tmp/go.zip" -d "$tmp/x" >>"$log" 2>&1; then
      rm -rf "$tmp"
      fail ferretdb "could not download/unpack the Go toolchain $url" "$log" \
        "install Go >= 1.21 from https://go.dev/dl/ and put it on PATH, then: $FERRETDB_FIX"
    fi
    # module zips carry no file modes
    chmod +x "$tmp/x/$mod/bin/"*
    find "$tmp/x/$mod/pkg/tool" -type f -exec chmod +x {} +
    rm -rf "$dir"
    mv "$tmp/x/$mod" "$dir"
    rm -rf "$tmp"
  fi
  GO="$dir/bin/go"
  export GOTOOLCHAIN=local
}

ferretdb_bin_ok() {
  [[ -x "$FERRETDB_BIN" ]] && "$FERRETDB_BIN" --version 2>/dev/null | grep -qx "version: $FERRETDB_VERSION"
}

# Why not plain `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2`? The module zip
# lacks the generated build/version/version.txt, so that binary panics at startup ("Invalid
# build/version/version.txt file content"). We build the very same module source (from Go's
# module cache) with version.txt written, which is what FerretDB's own build does.
ferretdb_install() {
  ferretdb_bin_ok && return 0
  mkdir -p "$FERRETDB_DIR" "$(dirname "$FERRETDB_BIN")"
  local log="$FERRETDB_DIR/go-build.log"
  ferretdb_go
  info "ferretdb: building FerretDB $FERRETDB_VERSION into $FERRETDB_BIN (log: $log; takes ~1-3 min once)"
  local dir
  if ! dir="$("$GO" mod download -json "$FERRETDB_MODULE@$FERRETDB_VERSION" 2>>"$log" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')" || [[ -z "$dir" || ! -d "$dir" ]]; then
    fail ferretdb "go mod download $FERRETDB_MODULE@$FERRETDB_VERSION failed" "$log" \
      "go mod download -json $FERRETDB_MODULE@$FERRETDB_VERSION  # needs the Go module proxy (proxy.golang.org) or GOPROXY"
  fi
  local src="$IM_INFRA_CACHE/src/ferretdb-$FERRETDB_VERSION.$$"
  rm -rf "$src"
  mkdir -p "$(dirname "$src")"
  cp -R "$dir" "$src"
  chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  echo "im-infra" >"$src/build/version/package.txt"
  if ! (cd "$src" && GOFLAGS="${GOFLAGS:-} -buildvcs=false" "$GO" build -o "$FERRETDB_BIN.tmp" ./cmd/ferretdb) >>"$log" 2>&1; then
    rm -rf "$src" "$FERRETDB_BIN.tmp"
    fail ferretdb "go build of FerretDB $FERRETDB_VERSION failed" "$log" \
      "$GO version  # check the Go toolchain; then: $FERRETDB_FIX"
  fi
  rm -rf "$src"
  rmdir "$(dirname "$src")" 2>/dev/null || true
  mv -f "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"
  ferretdb_bin_ok || fail ferretdb "the built binary does not report version $FERRETDB_VERSION" "$log" \
    "rm -f $FERRETDB_BIN && $FERRETDB_FIX"
  info "ferretdb: built $FERRETDB_BIN"
}

ferretdb_healthy() { probe_quiet mongo "$INFRA_HOST:$MONGO_PORT"; }

ferretdb_up() {
  check_ports
  ferretdb_backend_args
  # FerretDB needs its backend first (`up ferretdb` alone brings PostgreSQL up too).
  if [[ "$FERRETDB_BACKEND" == postgresql && -z "${POSTGRES_IS_UP:-}" ]]; then
    postgres_up
  fi
  mkdir -p "$FERRETDB_DIR/state"
  [[ "$FERRETDB_BACKEND" != sqlite ]] || mkdir -p "$FERRETDB_DIR/data"
  local pid marker
  marker="$(ferretdb_marker)"
  pid="$(read_pid "$FERRETDB_PIDFILE")"
  # A FerretDB we started with another backend (or backend URL) is restarted, not reused.
  if pid_alive "$pid" "$marker" && ! pid_alive "$pid" "${FERRETDB_BACKEND_ARGS[*]}"; then
    info "ferretdb: pid $pid runs with $(ferretdb_running_backend "$pid")- restarting it with $(ferretdb_backend_desc)"
    ferretdb_down
    pid=
  fi
  if pid_alive "$pid" "$marker"; then
    if ferretdb_healthy; then
      info "ferretdb: already up (pid $pid) at $(mongo_url), $(ferretdb_backend_desc)"
      return 0
    fi
    wait_healthy ferretdb "$FERRETDB_PIDFILE" "$marker" "$MONGO_START_TIMEOUT" "$FERRETDB_LOG" "$FERRETDB_FIX" \
      mongo "$INFRA_HOST:$MONGO_PORT"
    return 0
  fi
  rm -f "$FERRETDB_PIDFILE"
  require_node ferretdb
  ferretdb_install
  ensure_port_free ferretdb "$MONGO_PORT" IM_INFRA_MONGO_PORT
  info "ferretdb: starting FerretDB $FERRETDB_VERSION on $INFRA_HOST:$MONGO_PORT, $(ferretdb_backend_desc)"
  start_daemon "$FERRETDB_PIDFILE" "$FERRETDB_LOG" \
    "$FERRETDB_BIN" "${FERRETDB_BACKEND_ARGS[@]}" \
    "$marker" --state-dir="$FERRETDB_DIR/state" --debug-addr=- \
    --telemetry=disable --log-level="${IM_INFRA_FERRETDB_LOG_LEVEL:-warn}" --log-format=text ||
    fail ferretdb "the server process did not start" "$FERRETDB_LOG" "$FERRETDB_FIX"
  wait_healthy ferretdb "$FERRETDB_PIDFILE" "$marker" "$MONGO_START_TIMEOUT" "$FERRETDB_LOG" "$FERRETDB_FIX" \
    mongo "$INFRA_HOST:$MONGO_PORT"
}

ferretdb_down() { stop_pid ferretdb "$FERRETDB_PIDFILE" "$(ferretdb_marker)" 10; }

ferretdb_status() {
  local pid out marker backend_ok=1
  marker="$(ferretdb_marker)"
  ferretdb_backend_args
  pid="$(read_pid "$FERRETDB_PIDFILE")"
  if pid_alive "$pid" "$marker" && ! pid_alive "$pid" "${FERRETDB_BACKEND_ARGS[*]}"; then
    echo "ferretdb: WRONG BACKEND  pid $pid  $(mongo_url)  runs with $(ferretdb_running_backend "$pid"), wanted $(ferretdb_backend_desc)  (fix: $FERRETDB_FIX)"
    return 1
  fi
  if [[ "$FERRETDB_BACKEND" == postgresql ]] && ! { postgres_find_bindir && [[ "$(postgres_query 'select 1' 2>/dev/null)" == 1 ]]; }; then
    backend_ok=
  fi
  if pid_alive "$pid" "$marker" && [[ -n "$backend_ok" ]] && out="$(node "$PROBE" mongo "$INFRA_HOST:$MONGO_PORT" 2>&1)"; then
    echo "ferretdb: up   pid $pid  $(mongo_url)  $out  $(ferretdb_backend_desc)"
  elif pid_alive "$pid" "$marker"; then
    [[ -n "$backend_ok" ]] || out="its backend PostgreSQL at $(postgres_url) does not answer"
    echo "ferretdb: UNHEALTHY  pid $pid  $(mongo_url)  ${out:-}  $(ferretdb_backend_desc)  (log: $FERRETDB_LOG; fix: $FERRETDB_FIX)"
    return 1
  else
    echo "ferretdb: down  $(mongo_url)  $(ferretdb_backend_desc)"
    return 1
  fi
}

ferretdb_env() {
  ferretdb_backend_args
  echo "# ferretdb: FerretDB $FERRETDB_VERSION, $(ferretdb_backend_desc)"
  echo "export IM_TEST_MONGO_URL=$(mongo_url)"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  cmd="${1:-}"
  case "$cmd" in
    up | down | status | env) "ferretdb_$cmd" ;;
    *) echo "usage: $0 up|down|status|env" >&2; exit 64 ;;
  esac
fi

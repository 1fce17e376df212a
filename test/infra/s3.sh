#!/usr/bin/env bash
# An S3-compatible object store for the media tests: SeaweedFS (`weed server -s3`), built from the
# Go module github.com/seaweedfs/seaweedfs@$S3_WEED_VERSION into ~/.cache/im-infra/bin/weed (Go's
# module and build caches are the download cache). Why SeaweedFS and not MinIO: MinIO's server is
# AGPL and its module is not served here as a buildable version; SeaweedFS (Apache-2.0) is, and
# builds with any Go >= 1.21 (about 10 min on 2 busy cores, once).
# Usage: bash test/infra/s3.sh up|down|status|env   (normally via infra.sh)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

S3_WEED_VERSION="${IM_INFRA_WEED_VERSION:-v0.0.0-20261109003541-7506e5f91cd6}"
# The version `weed version` reports for that module version (checked on every up).
S3_WEED_REPORTS="${IM_INFRA_WEED_REPORTS:-4.53}"
S3_WEED_MODULE="github.com/seaweedfs/seaweedfs"
S3_BIN="${IM_INFRA_WEED_BIN:-$IM_INFRA_CACHE/bin/weed}"
S3_DIR="$IM_INFRA_DIR/s3"
S3_PIDFILE="$S3_DIR/weed.pid"
S3_LOG="$S3_DIR/weed.log"
S3_FIX="bash test/infra/infra.sh up s3"
# Test-only credentials of the one identity (the server listens on 127.0.0.1 only).
S3_ACCESS_KEY="${IM_INFRA_S3_ACCESS_KEY:-imtest}"
S3_SECRET_KEY="${IM_INFRA_S3_SECRET_KEY:-imtest-secret-0123456789}"
# SeaweedFS's inner servers: master, volume and filer next to the S3 port, each with its gRPC port +10000.
S3_MASTER_PORT=$((S3_PORT + 1))
S3_VOLUME_PORT=$((S3_PORT + 2))
S3_FILER_PORT=$((S3_PORT + 3))

s3_url() { printf 'http://%s:%s' "$INFRA_HOST" "$S3_PORT"; }
s3_marker() { printf -- '-s3.port=%s' "$S3_PORT"; }

s3_bin_ok() { [[ -x "$S3_BIN" ]] && "$S3_BIN" version 2>/dev/null | grep -q "version 30GB $S3_WEED_REPORTS "; }

# `go install github.com/seaweedfs/seaweedfs/weed@<v>` is refused: the module's go.mod has a
# replace directive. So, as for FerretDB: download the exact module source and `go build ./weed`
# inside it (a replace is honoured there).
s3_install() {
  s3_bin_ok && return 0
  mkdir -p "$S3_DIR" "$(dirname "$S3_BIN")"
  local log="$S3_DIR/go-build.log" go=go dir
  # go_version_ok and ferretdb_go (a Go toolchain from the module proxy when none is installed) are ferretdb.sh's.
  # shellcheck source=ferretdb.sh
  [[ "$(type -t ferretdb_go)" == function ]] || source "$INFRA_SCRIPTS/ferretdb.sh"
  if ! have go || ! go_version_ok go; then
    # The module asks for go 1.26: bootstrap that toolchain (the Go module proxy serves it).
    FERRETDB_GO_TOOLCHAIN="${IM_INFRA_S3_GO_TOOLCHAIN:-go1.26.8}" ferretdb_go
    go="$GO"
  fi
  info "s3: building SeaweedFS $S3_WEED_VERSION into $S3_BIN (log: $log; takes ~10 min once on 2 cores)"
  if ! dir="$("$go" mod download -json "$S3_WEED_MODULE@$S3_WEED_VERSION" 2>>"$log" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')" || [[ -z "$dir" || ! -d "$dir" ]]; then
    fail s3 "go mod download $S3_WEED_MODULE@$S3_WEED_VERSION failed" "$log" \
      "go mod download -json $S3_WEED_MODULE@$S3_WEED_VERSION  # needs the Go module proxy (proxy.golang.org) or GOPROXY"
  fi
  if ! (cd "$dir" && GOFLAGS="${GOFLAGS:-} -buildvcs=false" "$go" build -o "$S3_BIN.tmp" ./weed) >>"$log" 2>&1; then
    rm -f "$S3_BIN.tmp"
    fail s3 "go build of SeaweedFS $S3_WEED_VERSION failed" "$log" "$go version  # check the Go toolchain; then: $S3_FIX"
  fi
  mv -f "$S3_BIN.tmp" "$S3_BIN"
  s3_bin_ok || fail s3 "the built weed does not report version $S3_WEED_REPORTS" "$log" "rm -f $S3_BIN && $S3_FIX"
  info "s3: built $S3_BIN"
}

s3_healthy() { probe_quiet s3 "$INFRA_HOST:$S3_PORT"; }

s3_config() {
  cat >"$S3_DIR/s3.json" <<JSON
{"identities":[{"name":"im-test","credentials":[{"accessKey":"$S3_ACCESS_KEY","secretKey":"$S3_SECRET_KEY"}],"actions":["Admin","Read","List","Tagging","Write"]}]}
JSON
}

s3_up() {
  check_ports
  mkdir -p "$S3_DIR/data"
  local pid marker
  marker="$(s3_marker)"
  pid="$(read_pid "$S3_PIDFILE")"
  if pid_alive "$pid" "$marker"; then
    if s3_healthy; then
      info "s3: already up (pid $pid) at $(s3_url)"
      return 0
    fi
    wait_healthy s3 "$S3_PIDFILE" "$marker" "$S3_START_TIMEOUT" "$S3_LOG" "$S3_FIX" s3 "$INFRA_HOST:$S3_PORT"
    return 0
  fi
  rm -f "$S3_PIDFILE"
  require_node s3
  s3_install
  local p
  for p in "$S3_PORT" "$S3_MASTER_PORT" "$S3_VOLUME_PORT" "$S3_FILER_PORT" \
    $((S3_PORT + 10000)) $((S3_MASTER_PORT + 10000)) $((S3_VOLUME_PORT + 10000)) $((S3_FILER_PORT + 10000)); do
    ensure_port_free s3 "$p" IM_INFRA_S3_PORT
  done
  s3_config
  info "s3: starting SeaweedFS ($S3_WEED_REPORTS) S3 on $INFRA_HOST:$S3_PORT"
  start_daemon "$S3_PIDFILE" "$S3_LOG" \
    "$S3_BIN" server -dir="$S3_DIR/data" -ip="$INFRA_HOST" -ip.bind="$INFRA_HOST" \
    -master.port="$S3_MASTER_PORT" -master.port.grpc=$((S3_MASTER_PORT + 10000)) \
    -volume.port="$S3_VOLUME_PORT" -volume.port.grpc=$((S3_VOLUME_PORT + 10000)) \
    -filer.port="$S3_FILER_PORT" -filer.port.grpc=$((S3_FILER_PORT + 10000)) \
    -s3 "$marker" -s3.port.grpc=$((S3_PORT + 10000)) -s3.port.iceberg=0 -s3.port.lance=0 \
    -s3.config="$S3_DIR/s3.json" -master.volumeSizeLimitMB=64 -volume.max=0 ||
    fail s3 "the server process did not start" "$S3_LOG" "$S3_FIX"
  wait_healthy s3 "$S3_PIDFILE" "$marker" "$S3_START_TIMEOUT" "$S3_LOG" "$S3_FIX" s3 "$INFRA_HOST:$S3_PORT"
}

s3_down() { stop_pid s3 "$S3_PIDFILE" "$(s3_marker)" 10; }

s3_status() {
  local pid out
  pid="$(read_pid "$S3_PIDFILE")"
  if pid_alive "$pid" "$(s3_marker)" && out="$(node "$PROBE" s3 "$INFRA_HOST:$S3_PORT" 2>&1)"; then
    echo "s3:       up   pid $pid  $(s3_url)  $out"
  elif pid_alive "$pid" "$(s3_marker)"; then
    echo "s3:       UNHEALTHY  pid $pid  $(s3_url)  ${out:-}  (log: $S3_LOG; fix: $S3_FIX)"
    return 1
  else
    echo "s3:       down  $(s3_url)"
    return 1
  fi
}

s3_env() {
  echo "# s3: SeaweedFS $S3_WEED_REPORTS ($S3_WEED_MODULE@$S3_WEED_VERSION)"
  echo "export IM_TEST_S3_ENDPOINT=$(s3_url)"
  echo "export IM_TEST_S3_ACCESS_KEY_ID=$S3_ACCESS_KEY"
  echo "export IM_TEST_S3_SECRET_ACCESS_KEY=$S3_SECRET_KEY"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  cmd="${1:-}"
  case "$cmd" in
    up | down | status | env) "s3_$cmd" ;;
    *) echo "usage: $0 up|down|status|env" >&2; exit 64 ;;
  esac
fi

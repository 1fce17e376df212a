#!/usr/bin/env bash
# Helm for the chart tests (test/deploy/chart.test.ts): `go install helm.sh/helm/v3/cmd/helm@$HELM_VERSION`
# into ~/.cache/im-infra/bin/helm (Go's module and build caches are the download cache; the first
# build takes a few minutes, later calls return at once).
# Usage: bash test/infra/helm.sh   -> installs helm when missing and prints its path on stdout.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HELM_VERSION="${IM_INFRA_HELM_VERSION:-v3.22.0}"
HELM_MODULE="helm.sh/helm/v3"
HELM_BIN_DIR="$IM_INFRA_CACHE/bin"
HELM_BIN="$HELM_BIN_DIR/helm"
HELM_FIX="GOBIN=$HELM_BIN_DIR go install $HELM_MODULE/cmd/helm@$HELM_VERSION"

# A `go install`ed helm reports only "v3.22" itself (no release ldflags); the exact module
# version is in the binary's build info, which `go version -m` reads.
helm_bin_ok() {
  [[ -x "$HELM_BIN" ]] || return 1
  if have go; then
    go version -m "$HELM_BIN" 2>/dev/null | grep -Eq "^[[:space:]]+mod[[:space:]]+$HELM_MODULE[[:space:]]+$HELM_VERSION([[:space:]]|$)"
  else
    "$HELM_BIN" version --short 2>/dev/null | grep -q "^${HELM_VERSION%.*}"
  fi
}

helm_install() {
  helm_bin_ok && return 0
  have go || fail helm "go is not on PATH; helm is built from the Go module $HELM_MODULE@$HELM_VERSION" - \
    "install Go >= 1.24 from https://go.dev/dl/, then: $HELM_FIX"
  mkdir -p "$IM_INFRA_DIR" "$HELM_BIN_DIR"
  local log="$IM_INFRA_DIR/helm-install.log"
  info "helm: go install $HELM_MODULE/cmd/helm@$HELM_VERSION into $HELM_BIN_DIR (log: $log; takes a few minutes once)"
  if ! GOBIN="$HELM_BIN_DIR" GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install "$HELM_MODULE/cmd/helm@$HELM_VERSION" >"$log" 2>&1; then
    fail helm "go install of helm $HELM_VERSION failed (needs the Go module proxy, proxy.golang.org or GOPROXY)" "$log" "$HELM_FIX"
  fi
  helm_bin_ok || fail helm "$HELM_BIN does not report version $HELM_VERSION" "$log" \
    "rm -f $HELM_BIN && $HELM_FIX"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  helm_install
  echo "$HELM_BIN"
fi

#!/usr/bin/env bash
# Builds kube-apiserver, kubectl, etcd and helm from the Go module proxy into a cache outside the repo.
# Prints the bin directory on the last line of stdout. Honours KUBEBUILDER_ASSETS (a directory that already
# holds kube-apiserver, etcd and kubectl) and skips the build when the cache is complete.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-v1.37.2}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
HELM_VERSION="${HELM_VERSION:-v3.22.0}"
CACHE="${ROLEGATE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rolegate}"
BIN="${ENVTEST_BIN:-$CACHE/envtest/k8s-${K8S_VERSION}-etcd-${ETCD_VERSION}-helm-${HELM_VERSION}}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

have_all() { [[ -x "$1/kube-apiserver" && -x "$1/etcd" && -x "$1/kubectl" ]]; }

if [[ -n "${KUBEBUILDER_ASSETS:-}" ]]; then
  have_all "$KUBEBUILDER_ASSETS" || { echo "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS lacks kube-apiserver, etcd or kubectl" >&2; exit 1; }
  echo "$KUBEBUILDER_ASSETS"; exit 0
fi
if have_all "$BIN" && [[ -x "$BIN/helm" ]]; then echo "$BIN"; exit 0; fi

command -v go >/dev/null || { echo "go is needed to build the envtest binaries" >&2; exit 1; }
mkdir -p "$BIN"
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN="${GOTOOLCHAIN_OVERRIDE:-auto}"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
log() { echo "[envtest] $*" >&2; }

if [[ ! -x "$BIN/kube-apiserver" || ! -x "$BIN/kubectl" ]]; then
  log "reading k8s.io/kubernetes@${K8S_VERSION} go.mod from the module proxy"
  go mod download -json "k8s.io/kubernetes@${K8S_VERSION}" > dl.json
  GOMOD="$(node -e 'const j=JSON.parse(require("fs").readFileSync(0,"utf8")); if (j.Error) throw new Error(j.Error); console.log(j.GoMod)' < dl.json)"
  go mod edit -json "$GOMOD" > upstream.json
  mkdir -p k8s
  node "$HERE/wrapper-gomod.mjs" upstream.json "$K8S_VERSION" > k8s/go.mod
  MINOR="${K8S_VERSION#v1.}"; MINOR="${MINOR%%.*}"
  LDFLAGS="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    LDFLAGS+=" -X ${pkg}.gitVersion=${K8S_VERSION} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${MINOR} -X ${pkg}.gitTreeState=clean"
  done
  log "building kube-apiserver and kubectl (a cold build takes 10-25 minutes on 2 cores)"
  ( cd k8s && go build -trimpath -ldflags "$LDFLAGS" -o "$BIN/" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl )
fi

if [[ ! -x "$BIN/etcd" ]]; then
  # etcd's own go.mod has local replaces, so `go install` refuses it; a wrapper that requires it needs none.
  mkdir -p etcd
  printf 'module rolegate.envtest/etcd\n\ngo 1.26.0\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" > etcd/go.mod
  log "building etcd ${ETCD_VERSION}"
  ( cd etcd && go build -trimpath -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3 )
fi

if [[ ! -x "$BIN/helm" ]]; then
  MINOR="${K8S_VERSION#v1.}"; MINOR="${MINOR%%.*}"
  log "building helm ${HELM_VERSION}"
  # helm 3 otherwise defaults its KubeVersion for template/lint to 1.20
  GOBIN="$BIN" go install -trimpath -ldflags "-s -w \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=${MINOR} \
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=${MINOR}" \
    "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}"
fi

"$BIN/kube-apiserver" --version >&2
"$BIN/etcd" --version | head -1 >&2
echo "$BIN"

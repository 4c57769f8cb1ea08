#!/usr/bin/env bash
# Installs kubeconform (the Kubernetes manifest validator the validate benchmark compares against) from the Go
# module proxy into a cache outside the repo. Prints the binary's path.
set -euo pipefail
VERSION="${KUBECONFORM_VERSION:-v0.8.0}"
CACHE="${ROLEGATE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rolegate}"
BIN="$CACHE/tools/kubeconform-$VERSION"
if [[ ! -x "$BIN/kubeconform" ]]; then
  mkdir -p "$BIN"
  GOBIN="$BIN" CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=auto go install "github.com/yannh/kubeconform/cmd/kubeconform@$VERSION" >&2
fi
echo "$BIN/kubeconform"

#!/usr/bin/env bash
# Installs kubeconform (the Kubernetes manifest validator the kubeconform benchmark compares against) from the Go
# module proxy into a cache outside the repo. Prints the binary's path.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/go-tool.sh" kubeconform github.com/yannh/kubeconform/cmd/kubeconform "${KUBECONFORM_VERSION:-v0.8.0}"

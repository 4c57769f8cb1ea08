#!/usr/bin/env bash
# Installs glua, the command-line interpreter of gopher-lua (the Lua VM Argo CD runs health checks in), from
# the Go module proxy into a cache outside the repo. Prints the binary's path.
set -euo pipefail
VERSION="${GLUA_VERSION:-v1.1.2}"
CACHE="${ROLEGATE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rolegate}"
BIN="$CACHE/tools/gopher-lua-$VERSION"
if [[ ! -x "$BIN/glua" ]]; then
  mkdir -p "$BIN"
  GOBIN="$BIN" CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=auto go install "github.com/yuin/gopher-lua/cmd/glua@$VERSION" >&2
fi
echo "$BIN/glua"

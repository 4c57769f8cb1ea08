#!/usr/bin/env bash
# Installs a Go command from the Go module proxy into the tool cache outside the repo, once per version, and prints
# the binary's path. Usage: go-tool.sh NAME PACKAGE VERSION (the binary is named after the package's last element).
# GO_TOOL_TAGS, when set, is passed to go install as -tags (name the cache entry after what the tags leave out).
set -euo pipefail
NAME="$1"
PACKAGE="$2"
VERSION="$3"
CACHE="${ROLEGATE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rolegate}"
BIN="$CACHE/tools/$NAME-$VERSION"
EXE="$BIN/${PACKAGE##*/}"
if [[ ! -x "$EXE" ]]; then
  mkdir -p "$BIN"
  GOBIN="$BIN" CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=auto go install ${GO_TOOL_TAGS:+-tags "$GO_TOOL_TAGS"} "$PACKAGE@$VERSION" >&2
fi
echo "$EXE"

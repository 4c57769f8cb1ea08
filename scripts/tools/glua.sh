#!/usr/bin/env bash
# Installs glua, the command-line interpreter of gopher-lua (the Lua VM Argo CD runs health checks in), from
# the Go module proxy into a cache outside the repo. Prints the binary's path.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/go-tool.sh" gopher-lua github.com/yuin/gopher-lua/cmd/glua "${GLUA_VERSION:-v1.1.2}"

#!/usr/bin/env bash
# Installs pre-commit (https://pre-commit.com) from PyPI into a virtual environment in a cache outside the repo,
# so that the suite can run rolegate's .pre-commit-hooks.yaml the way users do. Prints the binary's path.
set -euo pipefail
VERSION="${PRE_COMMIT_VERSION:-4.5.1}"
CACHE="${ROLEGATE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rolegate}"
VENV="$CACHE/tools/pre-commit-$VERSION"
if [[ ! -x "$VENV/bin/pre-commit" ]]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "pre-commit==$VERSION" >&2
fi
echo "$VENV/bin/pre-commit"

#!/usr/bin/env bash
# Installs promtool (Prometheus's rule checker and rule unit tester, which the chart's alerting-rule tests run) from
# the Go module proxy into a cache outside the repo. Prints the binary's path. Built without Prometheus's service
# discovery plugins (build tag remove_all_sd): rule tests use none, and their cloud SDKs are most of the build.
set -euo pipefail
GO_TOOL_TAGS=remove_all_sd exec bash "$(dirname "${BASH_SOURCE[0]}")/go-tool.sh" promtool-nosd github.com/prometheus/prometheus/cmd/promtool "${PROMTOOL_VERSION:-v0.316.0}"

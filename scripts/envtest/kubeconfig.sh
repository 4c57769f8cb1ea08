#!/usr/bin/env bash
# usage: kubeconfig.sh OUT SERVER_URL CA_FILE USER cert CLIENT_CRT CLIENT_KEY
#        kubeconfig.sh OUT SERVER_URL CA_FILE USER token TOKEN
# Writes a self-contained kubeconfig (all data inline) that kubectl, helm and @kubernetes/client-node accept.
set -euo pipefail
out="$1" server="$2" ca="$3" user="$4" mode="$5"
b64() { base64 -w0 < "$1"; }
umask 077
{
  echo "apiVersion: v1"
  echo "kind: Config"
  echo "clusters:"
  echo "- name: envtest"
  echo "  cluster:"
  echo "    server: ${server}"
  echo "    certificate-authority-data: $(b64 "$ca")"
  echo "users:"
  echo "- name: ${user}"
  echo "  user:"
  case "$mode" in
    cert)
      echo "    client-certificate-data: $(b64 "$6")"
      echo "    client-key-data: $(b64 "$7")"
      ;;
    token) echo "    token: $6" ;;
    *) echo "unknown mode $mode" >&2; exit 2 ;;
  esac
  echo "contexts:"
  echo "- name: envtest"
  echo "  context:"
  echo "    cluster: envtest"
  echo "    user: ${user}"
  echo "current-context: envtest"
} > "$out"

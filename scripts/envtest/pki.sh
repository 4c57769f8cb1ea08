#!/usr/bin/env bash
# usage: pki.sh DIR
# A throwaway PKI for one envtest control plane, shaped like controller-runtime envtest's TinyCA: one ECDSA P-256
# CA signs the serving cert and the client certs, and a separate key pair signs ServiceAccount tokens.
set -euo pipefail
PKI="${1:?usage: pki.sh DIR}"
mkdir -p "$PKI"
cd "$PKI"
umask 077

# The CA serves twice: it signs the serving cert (clients trust it) and it is --client-ca-file (the server trusts
# client certs it signed), so one file is all a kubeconfig needs.
openssl ecparam -name prime256v1 -genkey -noout -out ca.key
openssl req -x509 -new -key ca.key -sha256 -days 7 -subj "/O=envtest/CN=envtest-ca" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
  -out ca.crt 2>/dev/null

sign() { # prefix subject ext-lines...
  local prefix="$1" subject="$2"
  shift 2
  openssl ecparam -name prime256v1 -genkey -noout -out "$prefix.key"
  openssl req -new -key "$prefix.key" -subj "$subject" -out "$prefix.csr" 2>/dev/null
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" "$@" > "$prefix.ext"
  # -set_serial with random bytes: Go rejects negative serials and a CA serial file is one more thing to clean up.
  openssl x509 -req -in "$prefix.csr" -CA ca.crt -CAkey ca.key -set_serial "0x$(openssl rand -hex 16)" \
    -sha256 -days 7 -extfile "$prefix.ext" -out "$prefix.crt" 2>/dev/null
  rm -f "$prefix.csr" "$prefix.ext"
}

# Clients must use 127.0.0.1: the apiserver binds loopback IPv4 only and Node >= 17 may resolve localhost to ::1.
sign serving "/O=envtest/CN=kube-apiserver" "extendedKeyUsage=serverAuth" \
  "subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
# system:masters bypasses RBAC entirely (and may impersonate), like envtest's admin user.
sign admin "/O=system:masters/CN=envtest-admin" "extendedKeyUsage=clientAuth"

openssl ecparam -name prime256v1 -genkey -noout -out sa.key
openssl ec -in sa.key -pubout -out sa.pub 2>/dev/null

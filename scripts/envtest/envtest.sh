#!/usr/bin/env bash
# A real etcd + kube-apiserver on loopback for tests and for humans, envtest-style (no containers, no controllers).
#
#   envtest.sh up [RUN]             build or reuse the binaries, start etcd and kube-apiserver, install crds/
#   envtest.sh down [RUN]           stop both by pid and remove RUN
#   envtest.sh stop-apiserver [RUN] stop kube-apiserver only (etcd keeps the data)
#   envtest.sh start-apiserver [RUN] start it again on the same port with the same etcd, wait for /readyz
#
# RUN defaults to $ENVTEST_RUN or .envtest/run. `up` writes RUN/env (sourceable: KUBECONFIG, KUBECTL, HELM,
# ENVTEST_SERVER, ENVTEST_CA_FILE, ENVTEST_RUN, ENVTEST_BIN, pids) and RUN/admin.kubeconfig.
# Env: ENVTEST_START_TIMEOUT (s, default 90), ENVTEST_ADVERTISE=auto|loopback, ENVTEST_CRDS (dir, default crds/),
# ENVTEST_APISERVER_EXTRA_ARGS, plus everything build.sh honours (KUBEBUILDER_ASSETS, K8S_VERSION...).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CMD="${1:?usage: envtest.sh up|down|stop-apiserver|start-apiserver [RUN]}"
RUN="${2:-${ENVTEST_RUN:-$REPO/.envtest/run}}"
TIMEOUT="${ENVTEST_START_TIMEOUT:-90}"

log() { echo "[envtest] $*" >&2; }
now_ms() { date +%s%3N; }

# A free loopback port: bind port 0 and read what the kernel chose. Racy in theory; etcd/apiserver bind it
# within a second and fail loudly if somebody else got there first.
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

tail_logs() { for f in "$RUN"/logs/*.log; do echo "---- $f (last 40 lines)" >&2; tail -n 40 "$f" >&2; done; }

wait_for() { # what pid command...
  local what="$1" pid="$2"
  shift 2
  local deadline=$((SECONDS + TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then log "$what exited early"; tail_logs; return 1; fi
    if ((SECONDS >= deadline)); then log "timeout after ${TIMEOUT}s waiting for $what"; tail_logs; return 1; fi
    sleep 0.25
  done
}

stop_pidfile() { # file: TERM, up to 20 s, then KILL; by pid only
  local f="$1" pid
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then log "pid $pid ignored TERM, killing"; kill -KILL "$pid" 2>/dev/null || true; fi
    # wait for the kernel to reap it so the port is free for a restart
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  fi
  rm -f "$f"
}

start_apiserver() {
  # shellcheck source=/dev/null
  source "$RUN/config"
  local advertise=()
  # With no default route the apiserver cannot pick an advertise address; 127.0.0.1 is then only accepted with
  # the endpoint reconciler off (1.37 validates it at startup). With a route, do as envtest does: omit it.
  if [[ "${ENVTEST_ADVERTISE:-auto}" == loopback ]] || ! awk 'NR>1 && $2=="00000000"{f=1} END{exit !f}' /proc/net/route 2>/dev/null; then
    advertise=(--advertise-address=127.0.0.1 --endpoint-reconciler-type=none)
  fi
  local t0
  t0="$(now_ms)"
  # --shutdown-watch-termination-grace-period: by default an apiserver with open watches ignores TERM until the
  # 60 s HTTP shutdown timeout (we KILL after 20 s); with it, watches are closed and it exits in ~3 s.
  # shellcheck disable=SC2086
  "$BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:${ETCD_PORT}" \
    --bind-address=127.0.0.1 --secure-port="${PORT}" "${advertise[@]}" \
    --cert-dir="$RUN/pki" \
    --tls-cert-file="$RUN/pki/serving.crt" --tls-private-key-file="$RUN/pki/serving.key" \
    --client-ca-file="$RUN/pki/ca.crt" \
    --service-account-issuer="${SERVER}/" \
    --service-account-key-file="$RUN/pki/sa.pub" \
    --service-account-signing-key-file="$RUN/pki/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 \
    --authorization-mode=RBAC \
    --allow-privileged=true \
    --disable-admission-plugins=ServiceAccount \
    --shutdown-watch-termination-grace-period=2s \
    ${ENVTEST_APISERVER_EXTRA_ARGS:-} >>"$RUN/logs/kube-apiserver.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$RUN/kube-apiserver.pid"
  # With credentials: anonymous /readyz is 403 until the RBAC bootstrap policy exists.
  wait_for kube-apiserver "$pid" curl -fsS --cacert "$RUN/pki/ca.crt" --cert "$RUN/pki/admin.crt" \
    --key "$RUN/pki/admin.key" "${SERVER}/readyz"
  echo "$(($(now_ms) - t0))" >"$RUN/apiserver-start-ms"
  log "kube-apiserver ready at $SERVER (pid $pid) in $(cat "$RUN/apiserver-start-ms") ms"
}

up() {
  local bin
  bin="$("$HERE/build.sh" | tail -n 1)"
  [[ -e "$RUN/kube-apiserver.pid" || -e "$RUN/etcd.pid" ]] && down
  rm -rf "$RUN"
  mkdir -p "$RUN/logs"
  "$HERE/pki.sh" "$RUN/pki"
  local port etcd_port
  port="$(free_port)"
  etcd_port="$(free_port)"
  cat >"$RUN/config" <<CFG
BIN="$bin"
PORT="$port"
ETCD_PORT="$etcd_port"
SERVER="https://127.0.0.1:$port"
CFG
  # shellcheck source=/dev/null
  source "$RUN/config"

  local etcd_extra=()
  # etcd >= 3.5 has --unsafe-no-fsync; probe like envtest does so an older etcd (KUBEBUILDER_ASSETS) still works
  [[ "$("$BIN/etcd" --help 2>&1 || true)" == *--unsafe-no-fsync* ]] && etcd_extra+=(--unsafe-no-fsync)
  # The peer listener on localhost:0 keeps the default 2380 free (several runs side by side); the advertised
  # peer URL is only a name for the one-member cluster and is never dialled.
  "$BIN/etcd" --name envtest --data-dir "$RUN/etcd" \
    --listen-client-urls "http://127.0.0.1:${ETCD_PORT}" --advertise-client-urls "http://127.0.0.1:${ETCD_PORT}" \
    --listen-peer-urls "http://localhost:0" --initial-advertise-peer-urls "http://localhost:2380" \
    --initial-cluster "envtest=http://localhost:2380" \
    --log-level warn "${etcd_extra[@]}" >"$RUN/logs/etcd.log" 2>&1 </dev/null &
  local etcd_pid=$!
  echo "$etcd_pid" >"$RUN/etcd.pid"
  wait_for etcd "$etcd_pid" curl -fsS "http://127.0.0.1:${ETCD_PORT}/health"

  start_apiserver
  "$HERE/kubeconfig.sh" "$RUN/admin.kubeconfig" "$SERVER" "$RUN/pki/ca.crt" envtest-admin cert \
    "$RUN/pki/admin.crt" "$RUN/pki/admin.key"

  local crds="${ENVTEST_CRDS:-$REPO/crds}"
  if [[ -d "$crds" ]]; then
    local t0
    t0="$(now_ms)"
    "$BIN/kubectl" --kubeconfig "$RUN/admin.kubeconfig" apply -f "$crds" >&2
    # Creating a custom object before Established gives 404s: wait like envtest's InstallCRDs does.
    "$BIN/kubectl" --kubeconfig "$RUN/admin.kubeconfig" wait --for=condition=Established crd --all --timeout=60s >&2
    log "CRDs from $crds established in $(($(now_ms) - t0)) ms"
  fi

  cat >"$RUN/env" <<ENV
export ENVTEST_RUN="$RUN"
export ENVTEST_BIN="$BIN"
export ENVTEST_SERVER="$SERVER"
export ENVTEST_CA_FILE="$RUN/pki/ca.crt"
export KUBECONFIG="$RUN/admin.kubeconfig"
export KUBECTL="$BIN/kubectl"
export HELM="$BIN/helm"
export ENVTEST_CONTROL="$HERE/envtest.sh"
ENV
  log "ready: source $RUN/env"
}

down() {
  stop_pidfile "$RUN/kube-apiserver.pid"
  stop_pidfile "$RUN/etcd.pid"
  # only the directory this script made: it holds the config file it wrote
  [[ -f "$RUN/config" ]] && rm -rf "$RUN"
  return 0
}

case "$CMD" in
  up)
    # a failed start must not leave etcd or kube-apiserver behind
    trap 'log "up failed; stopping what it started"; down' EXIT
    up
    trap - EXIT
    ;;
  down) down ;;
  stop-apiserver) stop_pidfile "$RUN/kube-apiserver.pid" ;;
  start-apiserver)
    [[ -e "$RUN/kube-apiserver.pid" ]] && kill -0 "$(cat "$RUN/kube-apiserver.pid")" 2>/dev/null && {
      log "kube-apiserver is already running"
      exit 0
    }
    start_apiserver
    ;;
  *) echo "unknown command $CMD" >&2; exit 2 ;;
esac

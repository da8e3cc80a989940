#!/usr/bin/env bash
# make demo: a local control plane, the Artifactory emulator, the manager and
# the sample token; shows the resulting Secret with its token redacted, then
# stops everything it started.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export GOTOOLCHAIN=local

port=${DEMO_ARTIFACTORY_PORT:-18081}
work=$(mktemp -d "${TMPDIR:-/tmp}/artifactory-token-demo.XXXXXX")
pids=()

step() { printf '\n==> %s\n' "$*"; }

cleanup() {
  local code=$?
  if [ $code -ne 0 ]; then
    for log in "$work"/*.log; do
      [ -s "$log" ] || continue
      printf '\n--- last lines of %s\n' "$(basename "$log")"
      tail -n 25 "$log"
    done
  fi
  step "Stopping what the demo started"
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  rm -rf "$work"
  exit $code
}
trap cleanup EXIT

# wait_for polls a command until it succeeds, or gives up after $1 seconds.
wait_for() {
  local seconds=$1 what=$2
  shift 2
  for ((i = 0; i < seconds * 5; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "gave up waiting for $what after ${seconds}s" >&2
  return 1
}

step "Getting kube-apiserver, etcd and kubectl (cached after the first run)"
assets=$(hack/envtest-assets.sh)
kubectl="$assets/kubectl"
export KUBEBUILDER_ASSETS=$assets
go build -o bin/controlplane ./hack/controlplane

step "Starting a local control plane (kube-apiserver and etcd)"
export KUBECONFIG=$work/kubeconfig
bin/controlplane --write-kubeconfig "$KUBECONFIG" >"$work/controlplane.log" 2>&1 &
pids+=($!)
wait_for 60 "the control plane" test -s "$KUBECONFIG"
wait_for 30 "the apiserver" "$kubectl" get --raw /readyz

step "Starting the Artifactory emulator on 127.0.0.1:$port"
bin/artifactory-emulator --listen "127.0.0.1:$port" --admin admin:password \
  >"$work/emulator.log" 2>&1 &
pids+=($!)
wait_for 15 "the emulator" curl -fsS "http://127.0.0.1:$port/artifactory/api/system/version"

step "Installing the CRDs (kubectl apply -k config/crd)"
"$kubectl" apply -k config/crd
"$kubectl" wait --for=condition=Established --timeout=30s \
  crd/artifactorytokens.artifactory.token-operator.dev crd/artifactories.artifactory.token-operator.dev \
  crd/clusterartifactories.artifactory.token-operator.dev

step "Starting the manager (bin/manager)"
bin/manager --metrics-bind-address=0 --health-probe-bind-address=0 >"$work/manager.log" 2>&1 &
pids+=($!)

step "Applying config/samples"
for f in config/samples/*.yaml; do cat "$f"; echo "---"; done |
  sed "s|http://127.0.0.1:18081|http://127.0.0.1:$port|" | "$kubectl" apply -n default -f -

step "Waiting for the token to be Ready"
"$kubectl" wait -n default --for=condition=Ready --timeout=60s artifactorytoken/ci-reader

step "kubectl get artifactories, then kubectl get artifactorytokens -o wide"
"$kubectl" get -n default artifactories
echo
"$kubectl" get -n default artifactorytokens -o wide

step "The Secret ci-reader-token (token values redacted)"
"$kubectl" get secret -n default ci-reader-token -o go-template='{{range $k, $v := .data}}
{{- $k}}: {{if or (eq $k "access_token") (eq $k "refresh_token")}}<redacted: {{len ($v | base64decode)}} characters>
{{- else}}{{$v | base64decode}}{{end}}
{{end}}'

step "Using the token against Artifactory"
token=$("$kubectl" get secret -n default ci-reader-token -o go-template='{{.data.access_token | base64decode}}')
answer=$(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/artifactory/api/system/ping")
unset token
echo "GET /artifactory/api/system/ping with the Secret's token: $answer"

step "Demo complete"

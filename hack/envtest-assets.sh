#!/usr/bin/env bash
# Prints the directory that holds kube-apiserver, etcd and kubectl for envtest,
# after making sure they are there.
#
# The fast path asks setup-envtest for the released binaries. Where its download
# host cannot be reached, the binaries are built from the Go module proxy and
# cached by version outside the clone, so a second run costs nothing.
#
# Progress goes to stderr; the directory alone goes to stdout.
set -euo pipefail

K8S_VERSION=${ENVTEST_K8S_VERSION:-1.37.2}
ETCD_VERSION=${ENVTEST_ETCD_VERSION:-3.7.3}
SETUP_ENVTEST_VERSION=${SETUP_ENVTEST_VERSION:-v0.25.1}
SETUP_ENVTEST_TIMEOUT=${SETUP_ENVTEST_TIMEOUT:-45}

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/artifactory-token-operator/envtest
assets=$cache/k8s/$K8S_VERSION-$(go env GOOS)-$(go env GOARCH)
export GOTOOLCHAIN=local

say() { printf 'envtest: %s\n' "$*" >&2; }

# new_scratch makes a throwaway module directory in $scratch, removed when
# the script exits.
scratch_dirs=()
cleanup() { [ ${#scratch_dirs[@]} -eq 0 ] || rm -rf "${scratch_dirs[@]}"; }
trap cleanup EXIT
new_scratch() {
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/envtest-build.XXXXXX")
  scratch_dirs+=("$scratch")
}

have_assets() {
  [ -x "$assets/kube-apiserver" ] && [ -x "$assets/etcd" ] && [ -x "$assets/kubectl" ]
}

# try_setup_envtest downloads released binaries, if their host answers in time.
try_setup_envtest() {
  local tool=$root/bin/setup-envtest dir
  if [ ! -x "$tool" ]; then
    say "installing setup-envtest $SETUP_ENVTEST_VERSION"
    GOBIN=$root/bin go install \
      "sigs.k8s.io/controller-runtime/tools/setup-envtest@$SETUP_ENVTEST_VERSION" \
      >"$cache/setup-envtest-install.log" 2>&1 || return 1
  fi
  say "asking setup-envtest for $K8S_VERSION (at most ${SETUP_ENVTEST_TIMEOUT}s)"
  dir=$(timeout "$SETUP_ENVTEST_TIMEOUT" "$tool" use "$K8S_VERSION" \
    --bin-dir "$cache/setup-envtest" -p path 2>/dev/null) || return 1
  [ -n "$dir" ] && [ -x "$dir/kube-apiserver" ] || return 1
  mkdir -p "$assets"
  cp "$dir/kube-apiserver" "$dir/etcd" "$dir/kubectl" "$assets/"
}

# show_progress turns `go build -v` package lines into a line every 100 packages.
show_progress() {
  local what=$1
  awk -v what="$what" '
    /^#/ || /: / { print > "/dev/stderr"; next }
    { n++; if (n % 100 == 0) printf "envtest: %s: %d packages compiled\n", what, n > "/dev/stderr" }
    END { printf "envtest: %s: %d packages compiled, linking done\n", what, n > "/dev/stderr" }'
}

# staging_replaces lists one `replace` line per k8s.io staging module that
# k8s.io/kubernetes replaces with a local path, pinned to the matching v0.x.
staging_replaces() {
  local gomod minor
  gomod=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" |
    sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  minor=${K8S_VERSION#*.}
  awk -v v="v0.$minor" '$2 == "=>" && $3 ~ /^\.\/staging\// { printf "replace %s => %s %s\n", $1, $1, v }' "$gomod"
}

build_kubernetes_binaries() {
  local work major minor ldflags
  new_scratch
  work=$scratch
  major=${K8S_VERSION%%.*}
  minor=${K8S_VERSION#*.}
  minor=${minor%%.*}
  {
    echo "module envtest-kubernetes-build"
    echo
    echo "go 1.26"
    echo
    staging_replaces
  } >"$work/go.mod"
  say "resolving k8s.io/kubernetes v$K8S_VERSION and $(grep -c '^replace' "$work/go.mod") staging modules"
  (cd "$work" && go get "k8s.io/kubernetes/cmd/kube-apiserver@v$K8S_VERSION" \
    "k8s.io/kubernetes/cmd/kubectl@v$K8S_VERSION" >"$work/get.log" 2>&1) ||
    { cat "$work/get.log" >&2; return 1; }
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=v$K8S_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  done
  for cmd in kube-apiserver kubectl; do
    say "building $cmd v$K8S_VERSION (kube-apiserver takes about 8 minutes on 2 cores)"
    (cd "$work" && go build -v -trimpath -ldflags "$ldflags" -o "$assets/$cmd.tmp" \
      "k8s.io/kubernetes/cmd/$cmd" 2>&1 | show_progress "$cmd")
    [ -x "$assets/$cmd.tmp" ] || { say "building $cmd failed"; return 1; }
    mv "$assets/$cmd.tmp" "$assets/$cmd"
  done
}

build_etcd() {
  local work
  new_scratch
  work=$scratch
  printf 'module envtest-etcd-build\n\ngo 1.26\n' >"$work/go.mod"
  say "resolving go.etcd.io/etcd/server/v3 v$ETCD_VERSION"
  (cd "$work" && go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" >"$work/get.log" 2>&1) ||
    { cat "$work/get.log" >&2; return 1; }
  say "building etcd v$ETCD_VERSION"
  (cd "$work" && go build -v -trimpath -ldflags "-s -w" -o "$assets/etcd.tmp" \
    go.etcd.io/etcd/server/v3 2>&1 | show_progress etcd)
  [ -x "$assets/etcd.tmp" ] || { say "building etcd failed"; return 1; }
  mv "$assets/etcd.tmp" "$assets/etcd"
}

main() {
  if have_assets; then
    echo "$assets"
    return
  fi
  mkdir -p "$assets"
  if [ "${ENVTEST_BUILD_FROM_SOURCE:-}" != 1 ] && try_setup_envtest && have_assets; then
    say "using released binaries in $assets"
    echo "$assets"
    return
  fi
  say "setup-envtest could not download; building from the Go module proxy into $assets"
  [ -x "$assets/etcd" ] || build_etcd
  [ -x "$assets/kube-apiserver" ] && [ -x "$assets/kubectl" ] || build_kubernetes_binaries
  have_assets || { say "assets are incomplete in $assets"; exit 1; }
  say "envtest binaries ready in $assets"
  echo "$assets"
}

main "$@"

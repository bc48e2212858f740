#!/usr/bin/env bash
# deploy/helm/tools.sh — provisions the offline toolchain that validates the Helm
# chart, the alert rules and the dashboards, from package registries only:
#
#   helm + helm-unittest  one `go build` of the helm-unittest module (Go module proxy),
#                          which also builds helm's own CLI at the version helm-unittest
#                          links, so both render charts with the same engine
#   promtool               `go install` of the Prometheus module, without service discovery
#   kubernetes-validate    PyPI package carrying the Kubernetes JSON schemas 1.25..1.37,
#                          in a virtualenv
#   @kubernetes-models/*   npm packages validating the Prometheus Operator and KEDA
#                          custom resources
#
# Everything lands in $POSTLINE_CACHE_DIR (default <repo>/.cache) with a version
# marker per tool, so a second run only checks markers. Sourced by test.sh;
# `bash deploy/helm/tools.sh` provisions without testing. Concurrent runs
# serialise on a lock per tool.
set -euo pipefail

HELM_TOOLS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HELM_TOOLS_DIR/../.." && pwd)"
CACHE_DIR="${POSTLINE_CACHE_DIR:-$REPO/.cache}"
mkdir -p "$CACHE_DIR/bin" "$CACHE_DIR/logs"
CACHE_DIR="$(cd "$CACHE_DIR" && pwd)"
BIN="$CACHE_DIR/bin"

HELM_UNITTEST_MODULE=github.com/helm-unittest/helm-unittest
HELM_UNITTEST_VERSION=v1.1.2
# The helm version helm-unittest v1.1.2 requires in its go.mod; see tool_helm.
HELM_VERSION=v3.21.3
PROMETHEUS_MODULE=github.com/prometheus/prometheus
PROMETHEUS_VERSION=v0.316.0
KUBERNETES_VALIDATE_VERSION=1.37.0
NPM_MODELS="@kubernetes-models/prometheus-operator@6.0.0 @kubernetes-models/keda@2.0.0"

PYENV_DIR="$CACHE_DIR/helm-validate-venv"
NODE_MODELS_DIR="$CACHE_DIR/helm-validate-node"

log() { printf '[helm-tools] %s\n' "$*" >&2; }
die() { printf '[helm-tools] ERROR: %s\n' "$*" >&2; exit 1; }

# fresh MARKER WANT — the tool behind MARKER was built as WANT.
fresh() { [[ -f "$1" && "$(cat "$1")" == "$2" ]]; }

# locked NAME CMD... — run CMD holding an exclusive lock on NAME in the cache.
locked() {
  local name="$1"; shift
  (
    exec 7>"$CACHE_DIR/.helm-tools-$name.lock"
    flock -w "${POSTLINE_LOCK_TIMEOUT:-1200}" 7 || die "timed out waiting for lock $name"
    "$@"
  )
}

# helm and helm-unittest, built together inside a copy of the helm-unittest module so
# its replace directive applies (go install refuses modules with replace directives)
# and helm's packages compile once for both binaries.
build_helm() {
  local want="$HELM_UNITTEST_MODULE@$HELM_UNITTEST_VERSION helm@$HELM_VERSION k8s-default-from-client-go"
  fresh "$BIN/.helm.version" "$want" && [[ -x "$BIN/helm" && -x "$BIN/helm-unittest" ]] && return 0
  command -v go >/dev/null || die "Go is needed to build helm (go install from the Go module proxy)"
  local log="$CACHE_DIR/logs/helm-tools-helm.log" t0=$SECONDS src work
  log "building helm $HELM_VERSION and helm-unittest $HELM_UNITTEST_VERSION (first run only, a few minutes) — log: $log"
  src="$(go mod download -json "$HELM_UNITTEST_MODULE@$HELM_UNITTEST_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$src" ]] || die "could not download $HELM_UNITTEST_MODULE@$HELM_UNITTEST_VERSION"
  work="$(mktemp -d "$CACHE_DIR/helm-unittest-src.XXXXXX")"
  cp -r "$src/." "$work/" && chmod -R u+w "$work"
  # Like helm's Makefile: the default Kubernetes version (without --kube-version) is the
  # one of the client-go helm links, not the 1.20 compiled into the source.
  local k8s minor
  k8s="$(cd "$work" && GOFLAGS=-mod=mod go list -f '{{.Version}}' -m k8s.io/client-go)"
  minor="$(cut -d. -f2 <<<"$k8s")"
  local ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  ldflags+=" -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$minor"
  ldflags+=" -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$minor"
  if ! (cd "$work" && CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" go build -trimpath -ldflags "$ldflags" \
      -o "$BIN/" helm.sh/helm/v3/cmd/helm ./cmd/helm-unittest) >"$log" 2>&1; then
    tail -n 20 "$log" >&2; rm -rf "$work"; die "building helm/helm-unittest failed — see $log"
  fi
  rm -rf "$work"
  printf '%s\n' "$want" >"$BIN/.helm.version"
  log "built helm and helm-unittest in $((SECONDS - t0))s"
}

# promtool without the service-discovery plugins (build tag remove_all_sd): the
# rule checks need none of them, and leaving out the cloud SDKs halves the build.
build_promtool() {
  local want="$PROMETHEUS_MODULE/cmd/promtool@$PROMETHEUS_VERSION tags=remove_all_sd"
  fresh "$BIN/.promtool.version" "$want" && [[ -x "$BIN/promtool" ]] && return 0
  command -v go >/dev/null || die "Go is needed to build promtool (go install from the Go module proxy)"
  local log="$CACHE_DIR/logs/helm-tools-promtool.log" t0=$SECONDS
  log "building promtool $PROMETHEUS_VERSION (first run only, a few minutes) — log: $log"
  if ! GOBIN="$BIN" CGO_ENABLED=0 GOFLAGS=-buildvcs=false go install -trimpath -tags remove_all_sd -ldflags "-s -w" \
      "$PROMETHEUS_MODULE/cmd/promtool@$PROMETHEUS_VERSION" >"$log" 2>&1; then
    tail -n 20 "$log" >&2; die "go install promtool failed — see $log"
  fi
  printf '%s\n' "$want" >"$BIN/.promtool.version"
  log "built promtool in $((SECONDS - t0))s"
}

# A virtualenv with kubernetes-validate (Kubernetes JSON schemas per version) and PyYAML.
install_python() {
  local req="$HELM_TOOLS_DIR/tests/requirements.txt" want
  want="$(sha256sum "$req" | cut -d' ' -f1)"
  fresh "$PYENV_DIR/.version" "$want" && [[ -x "$PYENV_DIR/bin/python" ]] && return 0
  command -v python3 >/dev/null || die "python3 is needed for schema validation"
  local log="$CACHE_DIR/logs/helm-tools-python.log"
  log "installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION into $PYENV_DIR — log: $log"
  rm -rf "$PYENV_DIR"
  if ! { python3 -m venv "$PYENV_DIR" && "$PYENV_DIR/bin/pip" install --disable-pip-version-check -q -r "$req"; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2; die "pip install failed — see $log"
  fi
  printf '%s\n' "$want" >"$PYENV_DIR/.version"
}

# Validators for the custom resources (ServiceMonitor, PrometheusRule, ScaledObject, TriggerAuthentication).
install_node_models() {
  local want="$NPM_MODELS"
  fresh "$NODE_MODELS_DIR/.version" "$want" && [[ -d "$NODE_MODELS_DIR/node_modules/@kubernetes-models" ]] && return 0
  command -v npm >/dev/null || die "npm is needed for the custom-resource validators"
  local log="$CACHE_DIR/logs/helm-tools-npm.log"
  log "installing $NPM_MODELS into $NODE_MODELS_DIR — log: $log"
  rm -rf "$NODE_MODELS_DIR" && mkdir -p "$NODE_MODELS_DIR"
  printf '{"name":"postline-helm-validate","private":true}\n' >"$NODE_MODELS_DIR/package.json"
  # shellcheck disable=SC2086
  if ! (cd "$NODE_MODELS_DIR" && npm install --no-audit --no-fund --save-exact $NPM_MODELS) >"$log" 2>&1; then
    tail -n 20 "$log" >&2; die "npm install failed — see $log"
  fi
  printf '%s\n' "$want" >"$NODE_MODELS_DIR/.version"
}

# All four at once: the Go builds spend much of their time fetching modules and
# linking, so running them side by side beats running them in turn even on two cores.
provision_tools() {
  local t0=$SECONDS pids=() rc=0 p
  locked python install_python & pids+=($!)
  locked node install_node_models & pids+=($!)
  locked helm build_helm & pids+=($!)
  locked promtool build_promtool & pids+=($!)
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  ((rc == 0)) || die "provisioning failed"
  ((SECONDS - t0 < 2)) || log "tools ready in $((SECONDS - t0))s"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  provision_tools
  "$BIN/helm" version --short
  "$BIN/promtool" --version 2>&1 | head -n 1
  "$PYENV_DIR/bin/pip" show kubernetes-validate 2>/dev/null | sed -n 's/^Version: /kubernetes-validate /p'
fi

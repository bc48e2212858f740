#!/usr/bin/env bash
# deploy/helm/test.sh — validates the Helm chart, its alerts and the Grafana
# dashboards offline, with tools from the package registries (deploy/helm/tools.sh):
#
#   1. dashboards     deploy/grafana/*.json and the chart's copies match build-dashboards.py
#   2. lint           helm lint --strict, with the defaults and every ci/*-values.yaml
#   3. template       helm template of every ci/*-values.yaml scenario
#   4. package        helm package: the chart packs with its dashboards and test hook, without its test suites
#   5. unit           helm-unittest suites in deploy/helm/postline/tests/
#   6. schemas        every rendered object against the Kubernetes JSON schemas of each
#                     supported version (1.30..1.37, strict), custom resources against the
#                     Prometheus Operator and KEDA models, plus cross-object invariants
#                     (mounted paths, documented variables, grace periods)
#   7. policies       every mta policy file the scenarios render, and every example in the ci
#                     values and docs/operations, parses with the mta's own policy parser
#                     (jest, deploy/helm/tests/mta-policies.spec.ts; needs the repo's node_modules)
#   8. rules          promtool check rules on the rendered PrometheusRule
#   9. rule tests     promtool test rules: every alert fires in a unit test
#  10. runbooks       every alert has a firing test and a runbook section
#  11. metrics        every metric named by a rule or panel is in metrics-catalogue.yaml, with the
#                     labels it has, and every dashboard query parses (promtool)
#
# Usage: bash deploy/helm/test.sh            (POSTLINE_CACHE_DIR overrides <repo>/.cache;
#                                              POSTLINE_HELM_TEST_KEEP=1 keeps the rendered files)
#        bash deploy/helm/test.sh --live-metrics list=http://127.0.0.1:38101/metrics mta=...
#            only checks that running services export every metric the rules and
#            dashboards use (for an end-to-end suite with all five services up)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=deploy/helm/tools.sh
source "$HERE/tools.sh"

CHART="$HERE/postline"
TESTS="$HERE/tests"
GRAFANA="$REPO/deploy/grafana"
RUNBOOKS="$REPO/docs/operations/runbooks.md"
# Supported Kubernetes versions: the chart's kubeVersion floor to the newest schemas shipped.
KUBE_VERSIONS="1.30,1.31,1.32,1.33,1.34,1.35,1.36,1.37"
KUBE_RENDER_VERSION=1.30.0

WORK="$(mktemp -d "${TMPDIR:-/tmp}/postline-helm-test.XXXXXX")"
if [[ "${POSTLINE_HELM_TEST_KEEP:-}" == 1 ]]; then
  trap 'echo "rendered files kept in $WORK" >&2' EXIT
else
  trap 'rm -rf "$WORK"' EXIT
fi

passed=0
step() { printf '\n--- helm %s (%ss)\n' "$1" "$SECONDS"; }
ok() { passed=$((passed + 1)); }

provision_tools
HELM="$BIN/helm"
PROMTOOL="$BIN/promtool"
PY="$PYENV_DIR/bin/python"
export HELM_CACHE_HOME="$WORK/helm-cache" HELM_CONFIG_HOME="$WORK/helm-config" HELM_DATA_HOME="$WORK/helm-data"

render_rules() {
  mkdir -p "$WORK/rules"
  # The alerts as deployed by default (namespace "postline"), in plain Prometheus rule-file form.
  "$HELM" template postline "$CHART" --namespace postline --kube-version "$KUBE_RENDER_VERSION" \
    --set prometheusRule.enabled=true --show-only templates/monitoring/prometheusrule.yaml >"$WORK/rules/prometheusrule.yaml"
  "$PY" -c 'import sys, yaml; yaml.safe_dump(yaml.safe_load(open(sys.argv[1]))["spec"], open(sys.argv[2], "w"), sort_keys=False)' \
    "$WORK/rules/prometheusrule.yaml" "$WORK/rules/postline-rules.yaml"
}

if [[ "${1:-}" == --live-metrics ]]; then
  shift
  render_rules
  # POSTLINE_METRICS_EXPORTED_ONLY=1 skips metrics the catalogue marks planned (npm test uses it).
  only=()
  [[ "${POSTLINE_METRICS_EXPORTED_ONLY:-}" == 1 ]] && only=(--exported-only)
  "$PY" "$TESTS/check-metrics.py" --rules "$WORK/rules/postline-rules.yaml" --dashboards "$GRAFANA" "${only[@]}" --live "$@"
  exit
fi

step "dashboards are built from deploy/grafana/build-dashboards.py"
"$PY" "$GRAFANA/build-dashboards.py" --check
ok

step "lint --strict"
"$HELM" lint --strict --kube-version "$KUBE_RENDER_VERSION" "$CHART" >"$WORK/lint.log" || { cat "$WORK/lint.log"; exit 1; }
for values in "$CHART"/ci/*-values.yaml; do
  "$HELM" lint --strict --kube-version "$KUBE_RENDER_VERSION" -f "$values" "$CHART" >"$WORK/lint.log" ||
    { cat "$WORK/lint.log"; echo "helm lint failed with $values" >&2; exit 1; }
done
echo "chart lints clean with the defaults and $(ls "$CHART"/ci/*-values.yaml | wc -l) ci scenarios"
ok

step "template every ci scenario"
mkdir -p "$WORK/rendered"
for values in "$CHART"/ci/*-values.yaml; do
  scenario="$(basename "$values" -values.yaml)"
  "$HELM" template postline "$CHART" --namespace postline --kube-version "$KUBE_RENDER_VERSION" \
    -f "$values" >"$WORK/rendered/$scenario.yaml"
  printf '%-10s %3d objects\n' "$scenario" "$(grep -c '^kind: ' "$WORK/rendered/$scenario.yaml")"
done
# The mta's policy file as each scenario renders it, for the policies step.
mkdir -p "$WORK/policies"
"$PY" - "$WORK/rendered" "$WORK/policies" <<'PY'
import sys, pathlib, yaml
for f in sorted(pathlib.Path(sys.argv[1]).glob("*.yaml")):
    for o in yaml.safe_load_all(f.read_text()):
        if o and o["kind"] == "ConfigMap" and o["metadata"]["name"].endswith("-mta-policies"):
            (pathlib.Path(sys.argv[2]) / f.name).write_text(o["data"]["policies.yaml"])
PY
ok

step "package"
"$HELM" package "$CHART" --destination "$WORK/package" >/dev/null
tar -tzf "$WORK/package"/postline-*.tgz >"$WORK/package.list"
grep -q '^postline/templates/tests/test-readyz.yaml$' "$WORK/package.list" || { echo "package lacks the helm test pod" >&2; exit 1; }
[[ "$(grep -c '^postline/dashboards/.*\.json$' "$WORK/package.list")" -eq "$(ls "$GRAFANA"/*.json | wc -l)" ]] ||
  { echo "package lacks dashboards" >&2; exit 1; }
if grep -q '^postline/tests/' "$WORK/package.list"; then echo "package carries the unit test suites" >&2; exit 1; fi
echo "$(basename "$WORK/package"/postline-*.tgz): $(wc -l <"$WORK/package.list") files"
ok

step "unit tests (helm-unittest)"
"$BIN/helm-unittest" --strict --color=false "$CHART"
ok

step "schema validation (Kubernetes $KUBE_VERSIONS) and invariants"
"$PY" "$TESTS/validate-manifests.py" --kube-versions "$KUBE_VERSIONS" \
  --node-modules "$NODE_MODELS_DIR/node_modules" --config-doc "$REPO/docs/configuration.md" "$WORK"/rendered/*.yaml
ok

step "mta policy files parse with the mta's parser"
[[ -x "$REPO/node_modules/.bin/jest" ]] || { echo "needs the repository's node_modules (npm ci)" >&2; exit 1; }
(cd "$REPO" && POSTLINE_RENDERED_POLICIES_DIR="$WORK/policies" FORCE_COLOR=0 \
  node_modules/.bin/jest deploy/helm/tests/mta-policies.spec.ts --selectProjects unit --verbose) >"$WORK/policies.log" 2>&1 ||
  { cat "$WORK/policies.log"; exit 1; }
grep -E '(✓|is accepted)' "$WORK/policies.log" | sed 's/^ *//'
ok

step "promtool check rules"
render_rules
"$PROMTOOL" check rules "$WORK/rules/postline-rules.yaml"
ok

step "promtool test rules"
cp "$TESTS"/rules/*.test.yaml "$WORK/rules/"
(cd "$WORK/rules" && "$PROMTOOL" test rules ./*.test.yaml)
ok

step "every alert has a firing test and a runbook"
"$PY" "$TESTS/check-alerts.py" "$WORK/rules/postline-rules.yaml" "$RUNBOOKS" "$TESTS"/rules/*.test.yaml
ok

step "metrics used by rules and dashboards"
"$PY" "$TESTS/check-metrics.py" --rules "$WORK/rules/postline-rules.yaml" --dashboards "$GRAFANA" \
  --promql-out "$WORK/rules/dashboard-queries.yaml"
"$PROMTOOL" check rules "$WORK/rules/dashboard-queries.yaml" >/dev/null
echo "every dashboard query parses"
ok

printf '\nhelm chart: all %d checks passed in %ss\n' "$passed" "$SECONDS"

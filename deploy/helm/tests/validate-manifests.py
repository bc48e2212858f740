#!/usr/bin/env python3
"""Validates rendered Postline manifests offline.

Usage: validate-manifests.py --kube-versions 1.30,1.33,1.37 --node-modules DIR
                             [--config-doc docs/configuration.md] RENDERED.yaml...

1. Schema: every built-in object against the Kubernetes JSON schemas shipped by the
   kubernetes-validate package (strict: unknown fields are errors), for each listed
   Kubernetes version; custom resources (monitoring.coreos.com, keda.sh) through
   validate-crds.mjs, which uses the @kubernetes-models validators.
2. Invariants that must hold in every scenario, whatever the values: the restricted
   Pod Security Standard, probes, grace periods longer than the services' drain (and
   the mta's delivery drain inside its shutdown deadline), no version or chart labels
   in selectors, every reference (ConfigMap, Service port, scale target, Ingress
   backend, NetworkPolicy named port) resolving to an object of the same render, every
   file or directory a service is told about (POSTLINE_*_FILE, POSTLINE_*_DIR) mounted
   into its container (a ConfigMap's file among its keys), every POSTLINE_* variable a
   documented setting (with --config-doc), and no credentials in ConfigMaps or
   environment variables.

Prints one line per problem and exits 1 if there was any.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import kubernetes_validate
import yaml
from referencing import Registry, Resource

HERE = Path(__file__).resolve().parent
SCHEMAS = Path(kubernetes_validate.__file__).resolve().parent / "kubernetes-json-schema"
CRD_GROUPS = ("monitoring.coreos.com/", "keda.sh/")
UNSTABLE_LABELS = ("helm.sh/chart", "app.kubernetes.io/version", "app.kubernetes.io/managed-by")
CREDENTIAL_URI = re.compile(r"://[^/@\s:]+:[^/@\s]+@")
SECRET_NAME = re.compile(r"(PASSWORD|SECRET|TOKEN|PRIVATE_KEY|API_KEY)$")
PATH_SETTING = re.compile(r"^POSTLINE_[A-Z0-9_]+_(FILE|DIR)$")
DOCUMENTED = re.compile(r"^\| `(POSTLINE_[A-Z0-9_]+)` \|", re.M)
# Set by the chart for Kafka SASL/TLS although no service's config schema reads them yet
# (libs/platform/config); reported as a note, not a failure, until the platform does.
NOT_YET_READ = {
    "POSTLINE_KAFKA_SASL_MECHANISM", "POSTLINE_KAFKA_SASL_USERNAME_FILE", "POSTLINE_KAFKA_SASL_PASSWORD_FILE",
    "POSTLINE_KAFKA_TLS", "POSTLINE_KAFKA_TLS_CA_FILE", "POSTLINE_KAFKA_TLS_CERT_FILE", "POSTLINE_KAFKA_TLS_KEY_FILE",
}
not_yet_read_seen: set[str] = set()
# The mta still commits offsets and leaves its consumer groups after the delivery drain.
MTA_AFTER_DRAIN_MS = 5000

problems: list[str] = []


def problem(where: str, msg: str) -> None:
    problems.append(f"{where}: {msg}")


# ---------------------------------------------------------------- schemas
def schema_dir(version: str) -> Path:
    """The newest shipped schema set not newer than version (as kubernetes-validate picks)."""
    want = tuple(int(x) for x in version.split(".")[:2])
    sets = sorted(
        (tuple(int(x) for x in d.name[1:].split("-")[0].split(".")[:2]), d)
        for d in SCHEMAS.iterdir()
        if d.name.endswith("-local-strict")
    )
    usable = [d for v, d in sets if v <= want]
    if not usable:
        sys.exit(f"kubernetes-validate has no schemas for Kubernetes {version}")
    return usable[-1]


@functools.lru_cache(maxsize=None)
def registry_for(version: str) -> Registry:
    defs = json.loads((schema_dir(version) / "_definitions.json").read_text())
    return Resource.from_contents(defs) @ Registry()


@functools.lru_cache(maxsize=None)
def validator_for(version: str, kind: str, api_version: str):
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    path = schema_dir(version) / f"{kind.lower()}-{group_version}.json"
    if not path.exists():
        return None
    schema = json.loads(path.read_text())
    return jsonschema.Draft202012Validator(schema, registry=Resource.from_contents(schema) @ registry_for(version))


def validate_builtin(where: str, obj: dict, versions: list[str]) -> None:
    for version in versions:
        v = validator_for(version, obj["kind"], obj["apiVersion"])
        if v is None:
            problem(where, f"no schema for {obj['apiVersion']} {obj['kind']} in Kubernetes {version} (removed or never served)")
            continue
        for err in sorted(v.iter_errors(obj), key=lambda e: list(e.path)):
            path = ".".join(str(p) for p in err.path)
            problem(where, f"Kubernetes {version} schema: {path}: {err.message}")


def validate_crds(objs: list[tuple[str, dict]], node_modules: str) -> None:
    if not objs:
        return
    payload = json.dumps([{"where": w, "object": o} for w, o in objs])
    env = dict(os.environ, NODE_PATH=node_modules)
    res = subprocess.run(
        ["node", str(HERE / "validate-crds.mjs"), node_modules],
        input=payload, capture_output=True, text=True, env=env,
    )
    if res.returncode not in (0, 1):
        sys.exit(f"validate-crds.mjs failed:\n{res.stderr}")
    for line in res.stdout.splitlines():
        if line.strip():
            problems.append(line.removeprefix("FAIL "))


# ------------------------------------------------------------- invariants
def pod_specs(obj: dict):
    if obj["kind"] == "Deployment":
        return obj["spec"]["template"]["spec"], obj["spec"]["template"]["metadata"].get("labels", {})
    if obj["kind"] == "Pod":
        return obj["spec"], obj["metadata"].get("labels", {})
    return None, None


def check_selector(where: str, labels: dict | None) -> None:
    for key in labels or {}:
        if key in UNSTABLE_LABELS:
            problem(where, f"selector uses {key}, which changes between releases")


def matches(selector: dict, labels: dict) -> bool:
    return all(labels.get(k) == v for k, v in (selector or {}).items())


def check_pod(where: str, obj: dict, spec: dict, configmaps: dict) -> None:
    psc = spec.get("securityContext", {})
    if psc.get("runAsNonRoot") is not True:
        problem(where, "pod securityContext.runAsNonRoot must be true")
    if (psc.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
        problem(where, "pod seccompProfile must be RuntimeDefault")
    for flag in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(flag):
            problem(where, f"{flag} is not allowed")
    if spec.get("automountServiceAccountToken") is not False:
        problem(where, "automountServiceAccountToken must be false (Postline never calls the API)")
    if spec.get("enableServiceLinks") is not False:
        problem(where, "enableServiceLinks must be false (service links collide with POSTLINE_* variables)")
    for vol in spec.get("volumes", []):
        if "hostPath" in vol:
            problem(where, f"hostPath volume {vol['name']} is not allowed")
        if "configMap" in vol and vol["configMap"]["name"] not in configmaps:
            problem(where, f"volume {vol['name']} mounts ConfigMap {vol['configMap']['name']}, which this render does not create")
    for c in spec.get("containers", []) + spec.get("initContainers", []):
        cw = f"{where} container {c['name']}"
        sc = c.get("securityContext", {})
        if sc.get("allowPrivilegeEscalation") is not False:
            problem(cw, "allowPrivilegeEscalation must be false")
        if sc.get("readOnlyRootFilesystem") is not True:
            problem(cw, "readOnlyRootFilesystem must be true")
        if "ALL" not in (sc.get("capabilities") or {}).get("drop", []):
            problem(cw, "capabilities.drop must contain ALL")
        if (sc.get("capabilities") or {}).get("add"):
            problem(cw, "no capabilities may be added")
        if sc.get("privileged"):
            problem(cw, "privileged is not allowed")
        if not ((c.get("resources") or {}).get("requests") or {}).get("cpu"):
            problem(cw, "resources.requests.cpu must be set (HPA and KEDA scale on it)")
        if not ((c.get("resources") or {}).get("limits") or {}).get("memory"):
            problem(cw, "resources.limits.memory must be set")
        for env in c.get("env", []):
            if "valueFrom" in env and "secretKeyRef" in env["valueFrom"]:
                problem(cw, f"env {env['name']} reads a Secret; secrets must be mounted as files")
            if CREDENTIAL_URI.search(str(env.get("value", ""))):
                problem(cw, f"env {env['name']} holds a URI with credentials")
        for ref in c.get("envFrom", []):
            if "secretRef" in ref:
                problem(cw, "envFrom secretRef puts secrets into the environment; mount them as files")
            if "configMapRef" in ref and ref["configMapRef"]["name"] not in configmaps:
                problem(cw, f"envFrom ConfigMap {ref['configMapRef']['name']} is not created by this render")
        if obj["kind"] == "Deployment":
            check_service_container(cw, spec, c, configmaps)


def check_service_container(cw: str, spec: dict, c: dict, configmaps: dict) -> None:
    probes = {k: (c.get(k) or {}).get("httpGet", {}).get("path") for k in ("startupProbe", "livenessProbe", "readinessProbe")}
    expected = {"startupProbe": "/healthz", "livenessProbe": "/healthz", "readinessProbe": "/readyz"}
    for k, want in expected.items():
        if probes[k] != want:
            problem(cw, f"{k} must GET {want}, got {probes[k]}")
    env = {}
    for ref in c.get("envFrom", []):
        env.update(configmaps.get((ref.get("configMapRef") or {}).get("name"), {}))
    grace_ms = int(env.get("POSTLINE_SHUTDOWN_GRACE_MS", "20000"))
    pre_stop = int((((c.get("lifecycle") or {}).get("preStop") or {}).get("sleep") or {}).get("seconds", 0))
    tgps = spec.get("terminationGracePeriodSeconds", 30)
    # The service force-exits 5 s after its grace period; SIGTERM comes after preStop.
    if tgps <= pre_stop + grace_ms / 1000 + 5:
        problem(cw, f"terminationGracePeriodSeconds {tgps} does not cover preStop {pre_stop}s + drain {grace_ms} ms + 5 s")
    if "POSTLINE_MTA_DRAIN_TIMEOUT_MS" in env:
        drain_ms = int(env["POSTLINE_MTA_DRAIN_TIMEOUT_MS"])
        if grace_ms < drain_ms + MTA_AFTER_DRAIN_MS:
            problem(cw, f"POSTLINE_SHUTDOWN_GRACE_MS {grace_ms} leaves under {MTA_AFTER_DRAIN_MS} ms after the delivery drain ({drain_ms} ms)")
    check_paths(cw, spec, c, env, configmaps)
    if env.get("POSTLINE_BIND_HOST") in (None, "127.0.0.1", "localhost"):
        problem(cw, "POSTLINE_BIND_HOST must let the kubelet and Services reach the pod")
    ports = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
    if str(ports.get("http")) != env.get("POSTLINE_HTTP_PORT") or str(ports.get("grpc")) != env.get("POSTLINE_GRPC_PORT"):
        problem(cw, "containerPorts http/grpc must equal POSTLINE_HTTP_PORT/POSTLINE_GRPC_PORT")


def check_paths(cw: str, spec: dict, c: dict, env: dict, configmaps: dict) -> None:
    """Every file or directory handed to the service by path is inside one of its mounts."""
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    mounts = [(m["mountPath"].rstrip("/"), volumes.get(m["name"], {})) for m in c.get("volumeMounts", [])]
    for name, path in sorted(env.items()):
        if not PATH_SETTING.match(name) or not path:
            continue
        inside = [(mp, vol) for mp, vol in mounts if path == mp or path.startswith(mp + "/")]
        if not inside:
            problem(cw, f"{name}={path} is not inside any volumeMount of the container")
            continue
        mount_path, vol = max(inside, key=lambda x: len(x[0]))
        rel = path[len(mount_path) + 1:]
        if name.endswith("_DIR"):
            if rel:
                problem(cw, f"{name}={path} should be the mount point {mount_path} itself")
            continue
        source = vol.get("configMap") or vol.get("secret") or {}
        items = source.get("items")
        if items is not None and rel not in {i["path"] for i in items}:
            problem(cw, f"{name}={path}: volume {vol.get('name')} projects no file {rel}")
        elif "configMap" in vol and items is None and rel not in configmaps.get(vol["configMap"]["name"], {}):
            problem(cw, f"{name}={path}: ConfigMap {vol['configMap']['name']} has no key {rel}")


def check_documented(where: str, obj: dict, documented: set[str]) -> None:
    """A variable the services do not know would be ignored silently; NAME_FILE is NAME read from a file."""
    for key in (obj.get("data") or {}):
        if not key.startswith("POSTLINE_"):
            continue
        base = key[: -len("_FILE")] if key.endswith("_FILE") and key not in documented else key
        if key in NOT_YET_READ:
            not_yet_read_seen.add(key)
        elif base not in documented:
            problem(where, f"{key} is not a setting listed in docs/configuration.md")


def check_configmap(where: str, obj: dict) -> None:
    for key, value in (obj.get("data") or {}).items():
        if CREDENTIAL_URI.search(value):
            problem(where, f"{key} holds a URI with credentials; use the existingSecret setting")
        if SECRET_NAME.search(key) and not key.endswith("_FILE"):
            problem(where, f"{key} looks like a secret; secrets must be mounted as files")


def check_references(where_of, objs: list[dict]) -> None:
    by_kind: dict[str, dict[str, dict]] = {}
    for o in objs:
        by_kind.setdefault(o["kind"], {})[o["metadata"]["name"]] = o
    pods = []  # (labels, containers)
    for o in objs:
        spec, labels = pod_specs(o)
        if spec is not None:
            pods.append((labels, spec.get("containers", [])))
    for o in objs:
        w = where_of(o)
        kind = o["kind"]
        if kind == "Service":
            sel = o["spec"].get("selector")
            check_selector(w, sel)
            targets = [cs for labels, cs in pods if matches(sel, labels)]
            if not targets:
                problem(w, "selects no pod of this render")
            for port in o["spec"]["ports"]:
                tp = port.get("targetPort")
                if isinstance(tp, str) and not all(any(p.get("name") == tp for c in cs for p in c.get("ports", [])) for cs in targets):
                    problem(w, f"targetPort {tp} is not a named port of the selected pods")
        elif kind == "Deployment":
            check_selector(w, o["spec"]["selector"].get("matchLabels"))
            if not matches(o["spec"]["selector"]["matchLabels"], o["spec"]["template"]["metadata"]["labels"]):
                problem(w, "selector does not match its own pod template")
        elif kind == "PodDisruptionBudget":
            check_selector(w, o["spec"]["selector"].get("matchLabels"))
            if not any(matches(o["spec"]["selector"]["matchLabels"], labels) for labels, _ in pods):
                problem(w, "selects no pod of this render")
        elif kind == "NetworkPolicy":
            sel = o["spec"]["podSelector"].get("matchLabels")
            check_selector(w, sel)
            for rule in o["spec"].get("ingress", []):
                for peer in rule.get("from", []):
                    check_selector(w, (peer.get("podSelector") or {}).get("matchLabels"))
                for port in rule.get("ports", []):
                    p = port.get("port")
                    selected = [cs for labels, cs in pods if matches(sel, labels)]
                    if isinstance(p, str) and not any(pp.get("name") == p for cs in selected for c in cs for pp in c.get("ports", [])):
                        problem(w, f"ingress port {p} is not a named port of the selected pods")
        elif kind in ("HorizontalPodAutoscaler", "ScaledObject"):
            target = o["spec"]["scaleTargetRef"]["name"]
            if target not in by_kind.get("Deployment", {}):
                problem(w, f"scales Deployment {target}, which this render does not create")
            elif "replicas" in by_kind["Deployment"][target]["spec"]:
                problem(w, f"Deployment {target} sets replicas while autoscaled (upgrades would fight the autoscaler)")
        elif kind == "Ingress":
            for rule in o["spec"]["rules"]:
                for path in rule["http"]["paths"]:
                    svc = path["backend"]["service"]
                    s = by_kind.get("Service", {}).get(svc["name"])
                    if s is None:
                        problem(w, f"backend Service {svc['name']} is not created by this render")
                    elif not any(p["name"] == svc["port"].get("name") for p in s["spec"]["ports"]):
                        problem(w, f"backend port {svc['port']} is not a port of {svc['name']}")
        elif kind == "ServiceMonitor":
            check_selector(w, o["spec"]["selector"].get("matchLabels"))
            if not any(matches(o["spec"]["selector"]["matchLabels"], s["metadata"].get("labels", {})) for s in by_kind.get("Service", {}).values()):
                problem(w, "selects no Service of this render")
    # Two scale owners for one Deployment would fight.
    owners: dict[str, int] = {}
    for k in ("HorizontalPodAutoscaler", "ScaledObject"):
        for o in by_kind.get(k, {}).values():
            t = o["spec"]["scaleTargetRef"]["name"]
            owners[t] = owners.get(t, 0) + 1
    for t, n in owners.items():
        if n > 1:
            problem(t, "has both an HPA and a KEDA ScaledObject")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kube-versions", required=True)
    ap.add_argument("--node-modules", required=True)
    ap.add_argument("--config-doc", type=Path, help="docs/configuration.md: every POSTLINE_* variable must be listed")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    versions = args.kube_versions.split(",")
    documented = set(DOCUMENTED.findall(args.config_doc.read_text())) if args.config_doc else None
    crds: list[tuple[str, dict]] = []
    total = 0
    for f in args.files:
        scenario = Path(f).stem
        objs = [o for o in yaml.safe_load_all(Path(f).read_text()) if o]
        total += len(objs)

        def where_of(o, scenario=scenario):
            return f"{scenario}: {o['kind']}/{o['metadata']['name']}"

        configmaps = {
            o["metadata"]["name"]: (o.get("data") or {}) for o in objs if o["kind"] == "ConfigMap"
        }
        for o in objs:
            w = where_of(o)
            if o["apiVersion"].startswith(CRD_GROUPS):
                crds.append((w, o))
            else:
                validate_builtin(w, o, versions)
            if o["kind"] == "ConfigMap":
                check_configmap(w, o)
                if documented is not None:
                    check_documented(w, o, documented)
            spec, _ = pod_specs(o)
            if spec is not None:
                check_pod(w, o, spec, configmaps)
        check_references(where_of, objs)
    validate_crds(crds, args.node_modules)
    for p in problems:
        print(f"FAIL {p}")
    if not_yet_read_seen:
        print("note: set by the chart, read by no service yet: " + ", ".join(sorted(not_yet_read_seen)))
    print(f"validated {total} objects from {len(args.files)} renders against Kubernetes {', '.join(versions)}"
          f" ({len(crds)} custom resources); {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Checks the metric names used by the alert rules and the Grafana dashboards.

    check-metrics.py --rules RULES.yaml --dashboards DIR [--promql-out FILE]
        Every metric a rule or panel uses must be in metrics-catalogue.yaml, and every
        catalogue entry must be used; a selector on a Postline metric may name only the
        labels the catalogue lists for it (plus the scrape's target labels). With
        --promql-out, also writes every dashboard query as a recording rule, so that
        `promtool check rules FILE` parses them all.

    check-metrics.py --rules RULES.yaml --dashboards DIR --live SERVICE=URL [SERVICE=URL...]
        Additionally fetches each running service's /metrics (e.g. mta=http://127.0.0.1:38105/metrics)
        and fails for every used metric of that service that it does not export. This is the
        test for a running system (end-to-end suite): `--live` with all five services.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.request
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
NAME_REGEX = re.compile(r'__name__=~"postline_\(([a-z|]+)\)_([a-z0-9_]+)"')
QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
METRIC = re.compile(r"(?<![A-Za-z0-9_:])(postline_[a-z0-9_]+|kube_[a-z0-9_]+|up)(?![A-Za-z0-9_:(])")
HISTOGRAM_SUFFIX = re.compile(r"_(bucket|sum|count)$")
SELECTOR = re.compile(r"(?<![A-Za-z0-9_:])(postline_[a-z0-9_]+)\{([^}]*)\}")
MATCHER = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)")
# Labels Prometheus adds to every scraped series (ServiceMonitor target labels).
TARGET_LABELS = {"namespace", "pod", "job", "instance", "service", "container", "endpoint"}


def load_catalogue() -> dict[str, dict]:
    raw = yaml.safe_load((HERE / "metrics-catalogue.yaml").read_text())["metrics"]
    out: dict[str, dict] = {}
    for name, entry in raw.items():
        if "<service>" in name:
            for svc in entry["services"]:
                out[name.replace("<service>", svc)] = dict(entry, service=svc, pattern=name)
        else:
            svc = name.split("_")[1] if name.startswith("postline_") else None
            out[name] = dict(entry, service=svc, pattern=name)
    return out


def metrics_in(expr: str, catalogue: dict[str, dict]) -> set[str]:
    names = set()
    for alternatives, suffix in NAME_REGEX.findall(expr):
        names.update(f"postline_{a}_{suffix}" for a in alternatives.split("|"))
    # Label values and legends are quoted; metric names never are.
    for name in METRIC.findall(QUOTED.sub('""', expr)):
        base = HISTOGRAM_SUFFIX.sub("", name)
        if base != name and catalogue.get(base, {}).get("type") == "histogram":
            name = base
        names.add(name)
    return names


def unknown_labels(expr: str, catalogue: dict[str, dict]) -> list[str]:
    """Labels a selector matches on that its metric does not carry (the series would never match)."""
    out = []
    for name, matchers in SELECTOR.findall(QUOTED.sub('""', expr)):
        base = HISTOGRAM_SUFFIX.sub("", name)
        entry = catalogue.get(name) or catalogue.get(base)
        if entry is None:
            continue
        allowed = TARGET_LABELS | set(entry.get("labels", [])) | ({"le"} if name.endswith("_bucket") else set())
        out += [f"{name} has no label {label}" for label in MATCHER.findall(matchers) if label not in allowed]
    return out


def rule_exprs(path: Path) -> list[tuple[str, str]]:
    doc = yaml.safe_load(path.read_text())
    groups = doc["spec"]["groups"] if "spec" in doc else doc["groups"]
    return [(f"rule {r.get('alert') or r.get('record')}", r["expr"]) for g in groups for r in g["rules"]]


def dashboard_exprs(directory: Path) -> list[tuple[str, str]]:
    out = []
    for f in sorted(directory.glob("*.json")):
        board = json.loads(f.read_text())
        for panel in board["panels"]:
            for t in panel.get("targets", []):
                out.append((f"{f.stem} / {panel['title']} / {t['refId']}", t["expr"]))
    return out


def grafana_to_promql(expr: str) -> str:
    """Replaces Grafana's variables with values promtool can parse."""
    return (expr.replace("$__rate_interval", "5m").replace("$__range", "1h")
            .replace("$__interval", "1m").replace("$namespace", "postline"))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rules", required=True, type=Path)
    ap.add_argument("--dashboards", required=True, type=Path)
    ap.add_argument("--promql-out", type=Path)
    ap.add_argument("--live", nargs="*", default=[])
    ap.add_argument("--exported-only", action="store_true",
                    help="with --live, check only metrics whose catalogue status is exported")
    args = ap.parse_args()

    catalogue = load_catalogue()
    uses: dict[str, list[str]] = {}
    exprs = rule_exprs(args.rules) + dashboard_exprs(args.dashboards)
    failures = []
    for where, expr in exprs:
        for name in metrics_in(expr, catalogue):
            uses.setdefault(name, []).append(where)
        failures += [f"{where}: {msg}" for msg in unknown_labels(expr, catalogue)]

    for name, wheres in sorted(uses.items()):
        if name not in catalogue:
            failures.append(f"{name} (used by {wheres[0]}) is not in metrics-catalogue.yaml")
    patterns_used = {catalogue[n]["pattern"] for n in uses if n in catalogue}
    for pattern in sorted({e["pattern"] for e in catalogue.values()} - patterns_used):
        failures.append(f"catalogue entry {pattern} is used by no rule or dashboard; remove it")

    if args.promql_out:
        rules = [{"record": f"dashboard:check:{i}", "expr": grafana_to_promql(e)}
                 for i, (_, e) in enumerate(dashboard_exprs(args.dashboards))]
        args.promql_out.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}, sort_keys=False))

    for spec in args.live:
        service, url = spec.split("=", 1)
        text = urllib.request.urlopen(url, timeout=10).read().decode()
        exported = set(re.findall(r"^# TYPE (\S+) ", text, re.M))
        for name in sorted(uses):
            entry = catalogue.get(name, {})
            if args.exported_only and entry.get("status") != "exported":
                continue
            if entry.get("service") == service and name not in exported:
                failures.append(f"{service} does not export {name} ({catalogue[name]['status']}; used by {uses[name][0]})")

    by_status: dict[str, int] = {}
    for name in uses:
        s = catalogue.get(name, {}).get("status", "unknown")
        by_status[s] = by_status.get(s, 0) + 1
    for f in failures:
        print(f"FAIL {f}")
    summary = ", ".join(f"{n} {s}" for s, n in sorted(by_status.items()))
    print(f"{len(exprs)} queries use {len(uses)} metrics ({summary}); {len(failures)} problems")
    planned = sorted(n for n in uses if catalogue.get(n, {}).get("status") == "planned")
    if planned:
        print("planned, not yet exported: " + ", ".join(planned))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

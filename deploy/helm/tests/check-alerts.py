#!/usr/bin/env python3
"""Every alert of the PrometheusRule has a promtool test in which it fires and a
runbook section (a heading named after the alert) in docs/operations/runbooks.md.

Usage: check-alerts.py RULES.yaml RUNBOOKS.md TESTS.yaml...
"""
import re
import sys
from pathlib import Path

import yaml


def main() -> int:
    rules_file, runbooks_file, *test_files = sys.argv[1:]
    rules = yaml.safe_load(Path(rules_file).read_text())
    alerts = [r["alert"] for g in rules["groups"] for r in g["rules"] if "alert" in r]
    headings = set(re.findall(r"^#+\s+(Postline[A-Za-z]+)\s*$", Path(runbooks_file).read_text(), re.M))
    firing = set()
    for f in test_files:
        for test in yaml.safe_load(Path(f).read_text())["tests"]:
            for case in test.get("alert_rule_test", []):
                if case.get("exp_alerts"):
                    firing.add(case["alertname"])
    problems = []
    for a in alerts:
        if a not in firing:
            problems.append(f"{a} has no promtool test case in which it fires")
        anchor = a.lower()
        urls = [r["annotations"].get("runbook_url", "") for g in rules["groups"] for r in g["rules"] if r.get("alert") == a]
        target = urls[0].rsplit("#", 1)[-1] if urls and "#" in urls[0] else anchor
        if target not in {h.lower() for h in headings}:
            problems.append(f"{a}: runbook anchor #{target} has no heading in {runbooks_file}")
    for p in problems:
        print(f"FAIL {p}")
    print(f"{len(alerts)} alerts, {len(firing & set(alerts))} with a firing test, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Builds Postline's Grafana dashboards from the panel lists below.

    python3 deploy/grafana/build-dashboards.py          write deploy/grafana/*.json and the chart's copies
    python3 deploy/grafana/build-dashboards.py --check  exit 1 if either copy differs from what this builds

The JSON files are what Grafana imports (Dashboards > Import, or the chart's
sidecar ConfigMaps when grafana.dashboards.enabled). Edit this file, not the
JSON, then run it (and `npx prettier --ignore-path '' --write deploy/grafana/*.json`). Every metric used
here must be listed in deploy/helm/tests/metrics-catalogue.yaml; the chart's
test.sh checks that, and checks every query's PromQL with promtool.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHART_COPY = HERE.parent / "helm" / "postline" / "dashboards"
SERVICES = ["list", "campaign", "render", "submission", "mta"]
CONSUMERS = ["list", "campaign", "render", "mta"]
NS = 'namespace="$namespace"'
DS = {"type": "prometheus", "uid": "${datasource}"}


class Board:
    """Lays panels out left to right on Grafana's 24-column grid."""

    def __init__(self, uid: str, title: str, description: str):
        self.uid, self.title, self.description = uid, title, description
        self.panels: list[dict] = []
        self.x = self.y = self.row_h = 0

    def _place(self, w: int, h: int) -> dict:
        if self.x + w > 24:
            self.x, self.y, self.row_h = 0, self.y + self.row_h, 0
        pos = {"x": self.x, "y": self.y, "w": w, "h": h}
        self.x += w
        self.row_h = max(self.row_h, h)
        return pos

    def row(self, title: str) -> None:
        if self.x:
            self.x, self.y, self.row_h = 0, self.y + self.row_h, 0
        self.panels.append({"type": "row", "title": title, "collapsed": False, "panels": [],
                            "gridPos": {"x": 0, "y": self.y, "w": 24, "h": 1}})
        self.y += 1

    def add(self, kind: str, title: str, targets: list[tuple[str, str]], unit: str = "short",
            w: int = 12, h: int = 8, description: str = "", **extra) -> None:
        panel = {
            "type": kind,
            "title": title,
            "description": description,
            "datasource": DS,
            "gridPos": self._place(w, h),
            "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
            "options": {},
            "targets": [
                {"datasource": DS, "refId": chr(ord("A") + i), "expr": expr, "legendFormat": legend,
                 **({"instant": True, "range": False} if kind in ("stat", "bargauge") else {"range": True})}
                for i, (expr, legend) in enumerate(targets)
            ],
        }
        if kind == "timeseries":
            panel["fieldConfig"]["defaults"]["custom"] = {"lineWidth": 1, "fillOpacity": 10, "showPoints": "never"}
            panel["options"] = {"legend": {"displayMode": "table", "placement": "bottom", "calcs": ["lastNotNull", "max"]},
                                "tooltip": {"mode": "multi", "sort": "desc"}}
        elif kind == "stat":
            panel["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                                "colorMode": "value", "graphMode": "area", "textMode": "auto"}
        elif kind == "bargauge":
            panel["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                                "orientation": "horizontal", "displayMode": "gradient", "showUnfilled": True}
        thresholds = extra.pop("thresholds", None)
        if thresholds:
            panel["fieldConfig"]["defaults"]["thresholds"] = {"mode": "absolute", "steps": [
                {"color": c, "value": v} for v, c in thresholds]}
            if kind == "timeseries":
                panel["fieldConfig"]["defaults"]["custom"]["thresholdsStyle"] = {"mode": "line"}
        panel.update(extra)
        self.panels.append(panel)

    def json(self) -> dict:
        for i, p in enumerate(self.panels, start=1):
            p["id"] = i
        return {
            "uid": self.uid,
            "title": self.title,
            "description": self.description,
            "tags": ["postline"],
            "editable": True,
            "graphTooltip": 1,
            "schemaVersion": 39,
            "version": 1,
            "refresh": "30s",
            "time": {"from": "now-6h", "to": "now"},
            "timezone": "browser",
            "links": [{"type": "dashboards", "tags": ["postline"], "asDropdown": True, "title": "Postline",
                       "includeVars": True, "keepTime": True}],
            "annotations": {"list": []},
            "templating": {"list": [
                {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
                 "current": {}, "hide": 0},
                {"name": "namespace", "label": "Namespace", "type": "query", "datasource": DS,
                 "query": {"query": 'label_values(up{job=~"list|campaign|render|submission|mta"}, namespace)',
                           "refId": "namespace"},
                 "definition": 'label_values(up{job=~"list|campaign|render|submission|mta"}, namespace)',
                 "refresh": 2, "current": {}, "hide": 0, "includeAll": False, "multi": False, "sort": 1},
            ]},
            "panels": self.panels,
        }


def rate(metric: str, sel: str = "", by: str = "") -> str:
    labels = ", ".join(x for x in (NS, sel) if x)
    grouping = f" by ({by})" if by else ""
    return f"sum{grouping} (rate({metric}{{{labels}}}[$__rate_interval]))"


def quantiles(metric: str, by: str = "") -> list[tuple[str, str]]:
    extra = f", {by}" if by else ""
    legend = f" {{{{{by}}}}}" if by else ""
    return [(f"histogram_quantile({q}, sum by (le{extra}) (rate({metric}_bucket{{{NS}}}[$__rate_interval])))",
             f"p{int(q * 100)}{legend}") for q in (0.5, 0.95, 0.99)]


def overview() -> Board:
    b = Board("postline-overview", "Postline / Overview",
              "Health and throughput of the five Postline services: is mail flowing, and is every service up?")
    b.row("Throughput")
    for title, expr, unit in [
        ("Delivered", rate("postline_mta_messages_total", 'result="delivered"'), "ops"),
        ("Deferred", rate("postline_mta_messages_total", 'result="deferred"'), "ops"),
        ("Bounced", rate("postline_mta_messages_total", 'result="bounced"'), "ops"),
        ("Rendered", rate("postline_render_messages_total", 'result="rendered"'), "ops"),
        ("Submitted (SMTP)", rate("postline_submission_messages_total", 'result="accepted"'), "ops"),
        ("Targets up", f'sum(up{{{NS}, job=~"list|campaign|render|submission|mta"}}) / count(up{{{NS}, job=~"list|campaign|render|submission|mta"}})', "percentunit"),
    ]:
        b.add("stat", title, [(expr, title)], unit, w=4, h=4)
    b.add("timeseries", "Pipeline throughput", [
        (rate("postline_campaign_render_requests_produced_total"), "campaign → mail.render"),
        (rate("postline_render_messages_total", 'result="rendered"'), "render → mail.outbound"),
        (rate("postline_submission_messages_total", 'result="accepted"'), "submission → mail.outbound"),
        (rate("postline_mta_messages_total", 'result="delivered"'), "mta delivered"),
    ], "ops", w=24, description="Messages per second at each hand-off of the pipeline.")
    b.row("Services")
    b.add("timeseries", "Scrape targets up", [
        (f'sum by (job) (up{{{NS}, job=~"list|campaign|render|submission|mta"}})', "{{job}}")], "short", w=8)
    b.add("timeseries", "Pods not ready", [
        (f'sum by (pod) (kube_pod_status_ready{{{NS}, condition=~"false|unknown", pod=~".*-(list|campaign|render|submission|mta)-.*"}}) > 0', "{{pod}}")],
        "short", w=8, description="From kube-state-metrics: pods whose /readyz fails.")
    b.add("timeseries", "Event loop lag p99", [
        (f"max(postline_{s}_nodejs_eventloop_lag_p99_seconds{{{NS}}})", s) for s in SERVICES], "s", w=8)
    b.add("timeseries", "CPU", [
        (f"sum(rate(postline_{s}_process_cpu_seconds_total{{{NS}}}[$__rate_interval]))", s) for s in SERVICES],
        "percentunit", w=8, description="CPU cores used, summed over each service's pods.")
    b.add("timeseries", "Resident memory", [
        (f"sum(postline_{s}_process_resident_memory_bytes{{{NS}}})", s) for s in SERVICES], "bytes", w=8)
    b.add("timeseries", "Kafka consumer lag", [
        (f"sum(postline_{s}_kafka_consumer_lag_messages{{{NS}}})", s) for s in CONSUMERS], "short", w=8)
    return b


def delivery() -> Board:
    b = Board("postline-delivery", "Postline / Delivery",
              "The mta: recipient results by domain class and category, latency, ready queues and throttles,"
              " retry tiers and DKIM signing. domain_class is the name of the domain policy (mta.policies)"
              " governing a destination, or \"other\".")
    b.row("Outcomes")
    b.add("timeseries", "Recipient results", [
        (rate("postline_mta_messages_total", by="result"), "{{result}}")], "ops",
        description="One count per recipient per delivery attempt.")
    b.add("timeseries", "Recipient results by domain class", [
        (rate("postline_mta_messages_total", by="domain_class, result"), "{{domain_class}} {{result}}")], "ops")
    b.add("timeseries", "Delivered share by domain class", [
        (rate("postline_mta_messages_total", 'result="delivered"', by="domain_class")
         + " / " + rate("postline_mta_messages_total", by="domain_class"), "{{domain_class}}")],
        "percentunit", thresholds=[(None, "red"), (0.75, "orange"), (0.9, "green")])
    b.add("timeseries", "Attempts by domain class", [
        (rate("postline_mta_attempts_total", by="domain_class"), "{{domain_class}}")], "ops",
        description="SMTP transactions (and routing verdicts such as a null MX), one per message whatever its recipients.")
    b.add("timeseries", "Bounces by category", [
        (rate("postline_mta_messages_total", 'result="bounced"', by="category"), "{{category}}")], "ops",
        description="Bounce categories from the classifier: bad_mailbox, bad_domain and inactive_mailbox suppress"
                    " the address; policy and spam_block point at reputation; expired is bounce-after reached.")
    b.add("timeseries", "Deferrals by category and domain class", [
        (rate("postline_mta_messages_total", 'result="deferred"', by="domain_class, category"),
         "{{domain_class}} {{category}}")], "ops",
        description="Temporary failures, each retried from a retry topic: policy and spam_block deferrals"
                    " usually mean the receiver is throttling us.")
    b.row("Latency and load")
    b.add("timeseries", "Delivery attempt duration", quantiles("postline_mta_delivery_seconds"), "s", w=8)
    b.add("timeseries", "First attempt to final outcome", quantiles("postline_mta_final_outcome_seconds", by="result"),
          "s", w=8, description="Delivered or bounced, counting the time spent in retry topics.")
    b.add("timeseries", "In-flight deliveries", [
        (f"sum by (pod) (postline_mta_inflight_deliveries{{{NS}}})", "{{pod}}")], "short", w=8,
        description="Bounded per pod by mta.config.maxInflight (POSTLINE_MTA_MAX_INFLIGHT).")
    b.row("Ready queues and throttles")
    b.add("timeseries", "Ready queue depth", [
        (f"sum by (domain_class) (postline_mta_queue_ready_messages{{{NS}}})", "{{domain_class}}")], "short", w=8,
        description="Messages fetched from mail.outbound.v1 and waiting for their destination's gate (connections,"
                    " rate, backoff) or an in-flight slot.")
    b.add("timeseries", "Oldest message age", [
        (f"max by (domain_class) (postline_mta_queue_oldest_age_seconds{{{NS}}})", "{{domain_class}}")], "s", w=8,
        thresholds=[(None, "green"), (1800, "orange"), (7200, "red")],
        description="See the PostlineOldestMessageAgeHigh runbook.")
    b.add("timeseries", "Throttle waits", [
        (rate("postline_mta_throttle_waits_total", by="domain_class"), "{{domain_class}}")], "ops", w=8,
        description="Times a destination had mail ready but its policy's rate budget (or backoff) said wait.")
    b.add("timeseries", "Parked overflow of slow destinations", [
        (rate("postline_mta_spilled_total", by="domain_class"), "{{domain_class}}")], "ops", w=8,
        description="Messages of rate-limited, backed-off or suspended destinations whose ready queue was full,"
                    " parked in a retry tier until their budget can take them (mta.config.maxQueuedPerSlowDestination).")
    b.add("timeseries", "SMTP sessions carrying a message", [
        (f"sum by (domain_class) (postline_mta_smtp_connections{{{NS}}})", "{{domain_class}}")], "short", w=8,
        description="Compare with the policy's maxConnections (split over its shards and the pods holding them).")
    b.add("timeseries", "Paused mail.outbound.v1 partitions", [
        (f"sum by (pod) (postline_mta_paused_partitions{{{NS}}})", "{{pod}}")], "short", w=8,
        description="Partitions a pod stopped fetching because their queued mail passed"
                    " mta.config.maxBufferedMbPerPartition; resumed at half. Sustained pauses show as consumer lag.")
    b.row("Retry tiers")
    b.add("timeseries", "Retries scheduled by tier", [
        (rate("postline_mta_retries_scheduled_total", by="tier"), "{{tier}}")], "ops",
        description="Deferred messages written to mail.retry.v1.<tier>: the longest tier not longer than the"
                    " delay the domain policy's retrySchedule asks for.")
    b.add("timeseries", "Retries forwarded by tier", [
        (rate("postline_mta_retries_forwarded_total", by="tier"), "{{tier}}")], "ops",
        description="Messages moved back to mail.outbound.v1 when due. Scheduled without forwarded for longer"
                    " than the tier means the forwarder (consumer group postline-mta-retry) is not running.")
    b.row("DKIM")
    b.add("timeseries", "DKIM signing outcomes", [
        (rate("postline_mta_dkim_signatures_total", by="outcome"), "{{outcome}}")], "ops", w=16,
        description="signed; no_key: no key for the From domain or its parents (the message leaves unsigned);"
                    " no_from / multiple_from: no usable single From address. Empty while no keys are mounted.")
    b.add("stat", "Unsigned share", [
        (f'sum(rate(postline_mta_dkim_signatures_total{{{NS}, outcome!="signed"}}[$__rate_interval]))'
         f" / sum(rate(postline_mta_dkim_signatures_total{{{NS}}}[$__rate_interval]))", "unsigned")],
        "percentunit", w=8, thresholds=[(None, "green"), (0.001, "orange"), (0.01, "red")],
        description="See the PostlineDkimUnsignedMail runbook.")
    return b


def submission() -> Board:
    b = Board("postline-submission", "Postline / Submission",
              "SMTP submission on 587/465: sessions, authentication, accepted and refused mail, accept latency.")
    b.row("Sessions and authentication")
    b.add("timeseries", "New sessions by listener", [
        (rate("postline_submission_sessions_total", by="listener"), "{{listener}}")], "ops", w=8)
    b.add("timeseries", "Open sessions", [
        (f"sum by (pod) (postline_submission_sessions_active{{{NS}}})", "{{pod}}")], "short", w=8)
    b.add("timeseries", "AUTH attempts by result", [
        (rate("postline_submission_auth_attempts_total", by="result"), "{{result}}")], "ops", w=8,
        description="A surge of failures is a password-guessing attack; see the PostlineSubmissionAuthFailureSpike runbook.")
    b.add("timeseries", "Sessions refused at the greeting", [
        (rate("postline_submission_sessions_refused_total", by="reason"), "{{reason}}")], "ops", w=8,
        description="421 instead of a greeting: connection bounds, a locked-out address, shutdown.")
    b.add("timeseries", "Sessions ended by the server", [
        (rate("postline_submission_sessions_terminated_total", by="reason"), "{{reason}}")], "ops", w=8,
        description="421 mid-session: idle or total time, slow DATA, AUTH lockout, shutdown.")
    b.add("timeseries", "AUTH lockouts", [
        (rate("postline_submission_auth_lockouts_total", by="scope"), "started {{scope}}"),
        (f"sum by (scope) (postline_submission_auth_lockouts_active{{{NS}}})", "in force {{scope}}")], "short", w=8,
        description="Addresses and usernames locked out after repeated AUTH failures.")
    b.row("Messages")
    b.add("timeseries", "Messages by result", [
        (rate("postline_submission_messages_total", by="result"), "{{result}}")], "ops", w=8)
    b.add("timeseries", "Refusals by reason", [
        (rate("postline_submission_messages_total", 'result!="accepted"', by="reason"), "{{reason}}")], "ops", w=8)
    b.add("timeseries", "Accepted bytes", [
        (rate("postline_submission_message_bytes_total"), "bytes/s")], "Bps", w=8)
    b.add("timeseries", "Final dot to 250 (durable acceptance)", quantiles("postline_submission_accept_seconds"), "s", w=12)
    b.add("timeseries", "Produces that outlived a 451", [
        (rate("postline_submission_late_produce_total", by="outcome"), "{{outcome}}")], "ops", w=12,
        description="produced: on the queue although the client was told 451, so its retry duplicates it.")
    b.add("timeseries", "Certificate reloads by result", [
        (f"sum by (result) (increase(postline_submission_tls_reloads_total{{{NS}}}[$__rate_interval]))", "{{result}}")], "short", w=12,
        description="rejected: the renewed certificate or key could not be read or did not match; the old certificate is still served.")
    b.add("timeseries", "CPU and memory", [
        ("sum(rate(postline_submission_process_cpu_seconds_total{%s}[$__rate_interval]))" % NS, "CPU cores"),
        ("sum(postline_submission_process_resident_memory_bytes{%s}) / 1e9" % NS, "RSS (GB)"),
    ], "short", w=12)
    return b


def funnel() -> Board:
    b = Board("postline-campaign-funnel", "Postline / Campaign funnel",
              "From launch to engagement: how many recipients were produced, rendered, delivered, opened and clicked,"
              " and the bounce and complaint rates the campaign guard watches.")

    def events(t: str) -> str:
        return f'sum(increase(postline_campaign_delivery_events_applied_total{{{NS}, type="{t}"}}[$__range]))'

    b.row("Funnel over the selected time range")
    steps = [
        (f"sum(increase(postline_campaign_render_requests_produced_total{{{NS}}}[$__range]))", "1 produced"),
        (f'sum(increase(postline_render_messages_total{{{NS}, result="rendered"}}[$__range]))', "2 rendered"),
        (events("delivered"), "3 delivered"),
        (events("opened"), "4 opened"),
        (events("clicked"), "5 clicked"),
    ]
    b.add("bargauge", "Funnel", steps, "short", w=12, h=9)
    b.add("bargauge", "Losses", [
        (f'sum(increase(postline_render_messages_total{{{NS}, result="failed"}}[$__range]))', "render failed"),
        (events("bounced"), "bounced"),
        (events("complained"), "complained"),
        (events("unsubscribed"), "unsubscribed"),
    ], "short", w=12, h=9)
    b.row("Rates")
    b.add("timeseries", "Pipeline", [
        (rate("postline_campaign_render_requests_produced_total"), "produced"),
        (rate("postline_render_messages_total", 'result="rendered"'), "rendered"),
        (rate("postline_campaign_delivery_events_applied_total", 'type="delivered"'), "delivered"),
    ], "ops", w=12)
    b.add("timeseries", "Engagement", [
        (rate("postline_campaign_delivery_events_applied_total", 'type=~"opened|clicked|unsubscribed"', by="type"), "{{type}}")],
        "ops", w=12)
    b.add("timeseries", "Bounce rate (1h)", [
        (f'sum(rate(postline_campaign_delivery_events_applied_total{{{NS}, type="bounced"}}[1h]))'
         f' / sum(rate(postline_campaign_delivery_events_applied_total{{{NS}, type=~"delivered|bounced"}}[1h]))', "bounced / final")],
        "percentunit", w=8, thresholds=[(None, "green"), (0.02, "orange"), (0.05, "red")])
    b.add("timeseries", "Complaint rate (6h)", [
        (f'sum(rate(postline_campaign_delivery_events_applied_total{{{NS}, type="complained"}}[6h]))'
         f' / sum(rate(postline_campaign_delivery_events_applied_total{{{NS}, type="delivered"}}[6h]))', "complaints / delivered")],
        "percentunit", w=8, thresholds=[(None, "green"), (0.001, "orange"), (0.003, "red")])
    b.add("timeseries", "Campaign guard pauses", [
        (f"sum by (reason) (increase(postline_campaign_guard_pauses_total{{{NS}}}[$__rate_interval]))", "{{reason}}")],
        "short", w=8)
    b.row("Lists: suppression and feedback")
    b.add("timeseries", "Suppressions added by reason", [
        (rate("postline_list_suppressions_added_total", by="reason"), "{{reason}}")], "ops", w=8)
    b.add("timeseries", "Delivery events handled by the list service", [
        (rate("postline_list_delivery_events_processed_total", by="type, result"), "{{type}} {{result}}")],
        "ops", w=8)
    b.add("timeseries", "Unsubscribes by source", [
        (rate("postline_list_unsubscribes_total", by="source"), "{{source}}")], "ops", w=8)
    b.row("Lists: subscribers, imports and opt-in")
    b.add("timeseries", "Subscriber rows written (single and bulk API)", [
        (rate("postline_list_subscribers_written_total", by="result"), "{{result}}")], "ops", w=8)
    b.add("timeseries", "Import rows (CSV and UpsertSubscribers)", [
        (rate("postline_list_import_rows_total", by="result"), "{{result}}")], "ops", w=8)
    b.add("timeseries", "CSV imports ended", [
        (f"sum by (outcome) (increase(postline_list_imports_total{{{NS}}}[$__rate_interval]))", "{{outcome}}")],
        "short", w=8, description="A failed or interrupted import keeps the rows written before; uploading the file again finishes it.")
    b.add("timeseries", "Double opt-in", [
        (rate("postline_list_double_optin_total", by="step"), "{{step}}")], "ops", w=8,
        description="requested: confirmation links issued; confirmed: links followed.")
    b.add("timeseries", "SubscriberEvents to list.events", [
        (rate("postline_list_subscriber_events_total", by="result"), "{{result}}")], "ops", w=8,
        description="failed: Kafka refused; the change was undone and the caller told to retry.")
    b.add("timeseries", "Bulk subscribe duration", quantiles("postline_list_bulk_subscribe_seconds"), "s", w=8)
    b.row("Lists: recipient streams")
    b.add("timeseries", "Recipients streamed to campaigns", [
        (rate("postline_list_recipients_streamed_total"), "recipients")], "ops", w=8)
    b.add("timeseries", "Recipient streams ended", [
        (f"sum by (outcome) (increase(postline_list_recipient_streams_total{{{NS}}}[$__rate_interval]))", "{{outcome}}")],
        "short", w=8)
    b.add("timeseries", "Streams waiting for their reader", [
        (f"sum(postline_list_recipient_streams_waiting{{{NS}}})", "waiting")], "short", w=8,
        description="Calls paused by HTTP/2 flow control: the campaign reads slower than the list sends.")
    b.row("Render")
    b.add("timeseries", "Render failures by reason", [
        (rate("postline_render_failures_total", by="reason"), "{{reason}}")], "ops", w=12)
    b.add("timeseries", "Render duration", quantiles("postline_render_duration_seconds"), "s", w=12)
    return b


def kafka_lag() -> Board:
    b = Board("postline-kafka-lag", "Postline / Kafka lag",
              "How far each consumer group is behind its topics, and whether the autoscalers keep up.")
    b.row("Lag")
    b.add("timeseries", "Consumer lag by service and topic", [
        (f"sum by (topic) (postline_{s}_kafka_consumer_lag_messages{{{NS}}})", f"{s} {{{{topic}}}}") for s in CONSUMERS],
        "short", w=24)
    for s in ("render", "mta"):
        b.add("timeseries", f"{s}: lag by partition", [
            (f"sum by (topic, partition) (postline_{s}_kafka_consumer_lag_messages{{{NS}}})", "{{topic}}/{{partition}}")],
            "short", w=12)
    b.row("Flow and scaling")
    b.add("timeseries", "mail.render.v1 in / out", [
        (rate("postline_campaign_render_requests_produced_total"), "in (campaign)"),
        (rate("postline_render_messages_total"), "out (render)"),
    ], "ops", w=8)
    b.add("timeseries", "mail.outbound.v1 in / out", [
        (rate("postline_render_messages_total", 'result="rendered"') + " + "
         + rate("postline_submission_messages_total", 'result="accepted"'), "in (render + submission)"),
        (rate("postline_mta_messages_total", 'result=~"delivered|bounced"'), "final (mta)"),
    ], "ops", w=8)
    b.add("timeseries", "Available replicas", [
        (f'sum by (deployment) (kube_deployment_status_replicas_available{{{NS}, deployment=~".*-(render|mta)"}})', "{{deployment}}")],
        "short", w=8, description="From kube-state-metrics: the HPA or KEDA reacting to lag and CPU.")
    b.add("timeseries", "Oldest message waiting in the mta", [
        (f"max(postline_mta_queue_oldest_age_seconds{{{NS}}})", "oldest")], "s", w=24)
    return b


BOARDS = [overview, delivery, submission, funnel, kafka_lag]


def main() -> int:
    check = "--check" in sys.argv[1:]
    stale = []
    for make in BOARDS:
        board = make().json()
        name = f"{board['uid']}.json"
        text = json.dumps(board, indent=2, ensure_ascii=False) + "\n"
        for target in (HERE / name, CHART_COPY / name):
            if check:
                if not target.exists() or json.loads(target.read_text()) != board:
                    stale.append(str(target))
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text)
    if check and stale:
        print("dashboards out of date (run python3 deploy/grafana/build-dashboards.py):\n  " + "\n  ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

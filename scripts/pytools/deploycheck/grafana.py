"""The provisioned Grafana dashboard: it loads, it shows what the issue asks for, and every metric it
queries is one the services export (from a live /metrics scrape when URLs are given)."""
import json
import urllib.request
from pathlib import Path

import yaml

from .context import Context, Outcome
from .promql import exposition_names, metric_names

DASHBOARD = Path("k8s/base/monitoring/dashboards/review-stream.json")
DATASOURCES = Path("k8s/base/monitoring/grafana-datasources.yaml")
EXPORTED = Path(__file__).parent / "exported-metrics.txt"
# What the issue asks the dashboard to show, by the metric that carries it.
REQUIRED = {
    "requests/s per route": "hb_requests",
    "latency per route": "http_server_request_duration_bucket",
    "consumer lag per partition": "stream_consumer_lag",
    "reviews/s processed": "stream_reviews_processed_total",
    "DLQ rate": "stream_reviews_dlq_total",
    "accuracy over time": "stream_accuracy_ratio",
    "model version": "stream_model_info",
}


def panels(dashboard):
    for panel in dashboard.get("panels") or []:
        yield panel
        yield from panel.get("panels") or []


def queries(dashboard):
    """(panel title, expression) for every Prometheus query of the dashboard."""
    for panel in panels(dashboard):
        for target in panel.get("targets") or []:
            if target.get("expr"):
                yield panel.get("title", "?"), target["expr"]


def load(ctx: Context) -> Outcome:
    try:
        dashboard = json.loads((ctx.root / DASHBOARD).read_text())
    except (OSError, json.JSONDecodeError) as error:
        return Outcome([f"{DASHBOARD}: {error}"])
    problems = []
    for key in ("uid", "title", "panels", "schemaVersion"):
        if key not in dashboard:
            problems.append(f"the dashboard has no {key}")
    datasource_uids = {d.get("uid") for d in yaml.safe_load((ctx.root / DATASOURCES).read_text())["datasources"]}
    ids = [p.get("id") for p in panels(dashboard)]
    if len(ids) != len(set(ids)) or None in ids:
        problems.append("panel ids are missing or repeated")
    for panel in panels(dashboard):
        if panel.get("type") == "row":
            continue
        title = panel.get("title") or f"panel {panel.get('id')}"
        grid = panel.get("gridPos") or {}
        if not all(k in grid for k in ("x", "y", "w", "h")) or grid.get("x", 0) + grid.get("w", 0) > 24:
            problems.append(f"panel {title!r} has no valid gridPos")
        targets = panel.get("targets") or []
        if not targets:
            problems.append(f"panel {title!r} has no queries")
        for target in targets:
            uid = (target.get("datasource") or panel.get("datasource") or {}).get("uid")
            if uid not in datasource_uids:
                problems.append(f"panel {title!r} uses datasource {uid!r}, not a provisioned one")
            if not target.get("expr"):
                problems.append(f"panel {title!r} has a query without expr")
    queried = set()
    for _, expr in queries(dashboard):
        queried |= metric_names(expr)
    for what, metric in REQUIRED.items():
        if metric not in queried:
            problems.append(f"no panel shows {what} ({metric})")
    count = sum(1 for p in panels(dashboard) if p.get("type") != "row")
    return Outcome(problems, note=f"{count} panels, {sum(1 for _ in queries(dashboard))} queries")


def exported_from_list() -> set[str]:
    names = set()
    for line in EXPORTED.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(line)
    return names


def scrape(url: str) -> set[str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return exposition_names(response.read().decode("utf-8", "replace"))


def metrics(ctx: Context) -> Outcome:
    try:
        dashboard = json.loads((ctx.root / DASHBOARD).read_text())
    except (OSError, json.JSONDecodeError) as error:
        return Outcome([f"{DASHBOARD}: {error}"])
    problems = []
    if ctx.metrics_urls:
        exported = set()
        for url in ctx.metrics_urls:
            try:
                names = scrape(url)
            except OSError as error:
                problems.append(f"could not scrape {url}: {error}")
                continue
            if not names:
                problems.append(f"{url} returned no metrics")
            exported |= names
        source = f"live scrape of {len(ctx.metrics_urls)} URL(s)"
    else:
        exported = exported_from_list()
        source = f"{EXPORTED.name} (no --metrics-url given, not a live scrape)"
    if problems:
        return Outcome(problems, note=source)
    listed = exported_from_list()
    for title, expr in queries(dashboard):
        for name in sorted(metric_names(expr) - exported):
            if ctx.metrics_urls and name in listed:
                # swift-metrics registers a series on first use, so a live scrape lacks what never happened yet.
                reason = "absent from the live scrape (listed in exported-metrics.txt: not recorded yet?)"
            else:
                reason = "which the services do not export"
            problems.append(f"panel {title!r} queries {name}, {reason} ({expr})")
    queried = set().union(*(metric_names(e) for _, e in queries(dashboard)))
    return Outcome(problems, note=f"{len(queried)} metrics against {source}")

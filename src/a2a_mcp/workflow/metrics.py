"""Prometheus metrics of workflow runs (per run and per failure, never per successful node)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from a2a_mcp.observability import REGISTRY

RUNS = Counter(
    "workflow_runs_total",
    "Workflow runs by final status.",
    ["workflow", "status"],
    registry=REGISTRY,
)
RUN_SECONDS = Histogram(
    "workflow_run_seconds",
    "Wall time of workflow runs.",
    ["workflow"],
    registry=REGISTRY,
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
NODE_FAILURES = Counter(
    "workflow_node_failures_total",
    "Node attempts that ended in an error (after retries).",
    ["workflow", "node"],
    registry=REGISTRY,
)
NODE_RETRIES = Counter(
    "workflow_node_retries_total", "Node retries.", ["workflow", "node"], registry=REGISTRY
)

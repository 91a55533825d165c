"""Prometheus metrics of fal.ai clip generation: clips by outcome, retries, money spent."""

from __future__ import annotations

from prometheus_client import Counter

from a2a_mcp.observability import REGISTRY

CLIPS = Counter(
    "fal_clips",
    "Clips asked of fal.ai, by model and outcome (completed, reused, failed, cancelled).",
    ["model", "outcome"],
    registry=REGISTRY,
)
RETRIES = Counter(
    "fal_retries",
    "fal.ai calls made again after a 429, a 502/503/504 or a lost connection.",
    registry=REGISTRY,
)
COST = Counter(
    "fal_cost_usd",
    "US dollars billed by fal.ai for completed clips (estimated from the price table).",
    ["model"],
    registry=REGISTRY,
)

"""Prometheus metrics of the cache layer, labelled by agent and kind, on the process registry."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from prometheus_client import Counter, Histogram

from a2a_mcp.observability import REGISTRY

_LABELS = ("agent", "kind")

HITS = Counter(
    "vg_cache_hits", "Requests answered from a stored entry.", _LABELS, registry=REGISTRY
)
SHARED = Counter(
    "vg_cache_shared",
    "Requests answered by waiting on an identical request's computation (single flight).",
    _LABELS,
    registry=REGISTRY,
)
MISSES = Counter(
    "vg_cache_misses", "Requests that computed their result.", _LABELS, registry=REGISTRY
)
BYPASSED = Counter(
    "vg_cache_bypassed", "Requests that asked to skip the cache.", _LABELS, registry=REGISTRY
)
ERRORS = Counter(
    "vg_cache_errors",
    "Cache operations that failed or timed out and were skipped (op: get, set, lock, decode...).",
    (*_LABELS, "op"),
    registry=REGISTRY,
)
LATENCY = Histogram(
    "vg_cache_latency_seconds",
    "Time spent in a cache backend operation.",
    (*_LABELS, "op"),
    buckets=(0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5),
    registry=REGISTRY,
)
BYTES = Counter(
    "vg_cache_bytes",
    "Encoded bytes moved (direction: read on hits, write on stores).",
    (*_LABELS, "direction"),
    registry=REGISTRY,
)
SECONDS_SAVED = Counter(
    "vg_cache_seconds_saved",
    "Compute time avoided by hits and shared results.",
    _LABELS,
    registry=REGISTRY,
)


@dataclass(frozen=True, slots=True)
class Meters:
    """The labelled children for one (agent, kind), looked up once: labels() costs on a hot path."""

    hits: Any
    shared: Any
    misses: Any
    bypassed: Any
    seconds_saved: Any
    bytes_read: Any
    bytes_written: Any
    agent: str
    kind: str

    def latency(self, op: str) -> Any:
        return _latency(self.agent, self.kind, op)

    def error(self, op: str) -> Any:
        return ERRORS.labels(self.agent, self.kind, op)


@cache
def meters(agent: str, kind: str) -> Meters:
    return Meters(
        hits=HITS.labels(agent, kind),
        shared=SHARED.labels(agent, kind),
        misses=MISSES.labels(agent, kind),
        bypassed=BYPASSED.labels(agent, kind),
        seconds_saved=SECONDS_SAVED.labels(agent, kind),
        bytes_read=BYTES.labels(agent, kind, "read"),
        bytes_written=BYTES.labels(agent, kind, "write"),
        agent=agent,
        kind=kind,
    )


@cache
def _latency(agent: str, kind: str, op: str) -> Any:
    return LATENCY.labels(agent, kind, op)

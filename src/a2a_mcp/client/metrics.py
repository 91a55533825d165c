"""Prometheus metrics of the client side: connections, calls, errors, latency, breakers."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from a2a_mcp.observability import REGISTRY

CONNECTIONS = Counter(
    "http_pool_connections",
    "Pooled HTTP connections by event: created, reused (a request found one open), closed.",
    ["pool", "event"],
    registry=REGISTRY,
)
REQUESTS = Counter(
    "a2a_client_requests",
    "Skill calls sent to agents (each attempt counts).",
    ["agent"],
    registry=REGISTRY,
)
ERRORS = Counter(
    "a2a_client_errors",
    "Failed attempts and calls, by kind (connect, status, disconnect, timeout, remote, ...).",
    ["agent", "kind"],
    registry=REGISTRY,
)
RETRIES = Counter(
    "a2a_client_retries",
    "Attempts made again after a failure that was safe to retry.",
    ["agent"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "a2a_client_call_seconds",
    "Time of a whole skill call, retries included, by agent.",
    ["agent"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
    registry=REGISTRY,
)
IN_FLIGHT = Gauge(
    "a2a_client_in_flight",
    "Calls waiting on a replica now.",
    ["agent", "replica"],
    registry=REGISTRY,
)
BREAKER_STATE = Gauge(
    "a2a_client_breaker_state",
    "Circuit breaker state per replica: 0 closed, 1 half-open, 2 open.",
    ["agent", "replica"],
    registry=REGISTRY,
)
BREAKER_TRANSITIONS = Counter(
    "a2a_client_breaker_transitions",
    "Circuit breaker state changes per replica, by the state entered.",
    ["agent", "replica", "state"],
    registry=REGISTRY,
)
HEALTHY = Gauge(
    "a2a_client_replica_healthy",
    "Last background health check of a replica: 1 ready, 0 not.",
    ["agent", "replica"],
    registry=REGISTRY,
)

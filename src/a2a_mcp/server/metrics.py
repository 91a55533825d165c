"""Prometheus metrics of a served agent: tasks by outcome, task time, tasks running."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from a2a_mcp.observability import REGISTRY

TASKS = Counter(
    "a2a_server_tasks",
    "Skill calls finished by this process, by outcome.",
    ["agent", "skill", "outcome"],
    registry=REGISTRY,
)
TASK_SECONDS = Histogram(
    "a2a_server_task_seconds",
    "Time from accepting a skill call to its final state.",
    ["agent", "skill"],
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
    registry=REGISTRY,
)
RUNNING = Gauge(
    "a2a_server_tasks_running",
    "Skill calls running now.",
    ["agent"],
    registry=REGISTRY,
)
CACHED_ANSWERS = Counter(
    "a2a_server_cached_answers",
    "Skill calls answered from the cache by the fast path, without a2a-sdk's task machinery.",
    ["agent", "skill"],
    registry=REGISTRY,
)
REJECTED = Counter(
    "a2a_server_requests_rejected",
    "Requests refused before they reached the agent: unauthorized, rate_limited, too_large.",
    ["agent", "reason"],
    registry=REGISTRY,
)

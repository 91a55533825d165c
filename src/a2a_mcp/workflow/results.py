"""What a workflow run produces: node and run results, statuses, signals a runner returns."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from a2a_mcp.errors import AgentError


class NodeStatus(StrEnum):
    PENDING = "pending"  # never started (the run stopped first)
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    SKIPPED = "skipped"  # a dependency was missing and the node did not accept that
    CANCELLED = "cancelled"  # was running when the run was cancelled or failed


class RunStatus(StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(slots=True)
class NodeResult:
    """How one node ended; times are Unix seconds, duration covers every attempt.

    A plain dataclass because a run makes thousands; pydantic validates and serialises it
    as part of RunResult all the same."""

    status: NodeStatus
    output: Any = None
    attempts: int = 0
    level: int = 0
    started_at: float | None = None
    ended_at: float | None = None
    duration_ms: float | None = None
    cached: bool = False
    error: str | None = None
    error_code: str | None = None


class RunResult(BaseModel):
    """How a run ended. `error` names the node and the cause when status is failed."""

    task_id: str
    workflow: str
    mode: str
    status: RunStatus
    nodes: dict[str, NodeResult] = Field(default_factory=dict)
    error: str | None = None
    failed_node: str | None = None
    started_at: float
    ended_at: float
    makespan_ms: float

    def output(self, node_id: str) -> Any:
        """The output of a completed node (KeyError names the node if it has none)."""
        result = self.nodes.get(node_id)
        if result is None or result.status is not NodeStatus.COMPLETED:
            state = "unknown" if result is None else result.status.value
            raise KeyError(f"node '{node_id}' has no output (status: {state})")
        return result.output

    @property
    def outputs(self) -> dict[str, Any]:
        """Outputs of every completed node, in plan order."""
        return {nid: r.output for nid, r in self.nodes.items() if r.status is NodeStatus.COMPLETED}


@dataclass(frozen=True, slots=True)
class CachedOutput:
    """Return this from a runner to say the output came from a cache (a node_cached event)."""

    value: Any


class NodeTimeoutError(AgentError, TimeoutError):
    """A node did not finish within its own timeout_s; retried while retries remain."""

    code = "timeout"
    retryable = True

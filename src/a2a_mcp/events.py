"""The one progress event type of the whole system, and a monotonic sequence for it."""

from __future__ import annotations

import itertools
import time
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class EventKind(StrEnum):
    """What happened; run_* events have node=None."""

    RUN_STARTED = "run_started"
    NODE_STARTED = "node_started"
    NODE_PROGRESS = "node_progress"
    NODE_CACHED = "node_cached"
    NODE_RETRIED = "node_retried"
    NODE_COMPLETED = "node_completed"
    NODE_FAILED = "node_failed"
    NODE_SKIPPED = "node_skipped"
    RUN_COMPLETED = "run_completed"
    RUN_FAILED = "run_failed"
    RUN_CANCELLED = "run_cancelled"


class ProgressEvent(BaseModel):
    """One step of progress; carried in-process, as A2A status updates, and shown by the CLI."""

    seq: int = Field(ge=0, description="Grows by one per event within a run.")
    task_id: str = Field(description="The run (A2A task) this event belongs to.")
    node: str | None = Field(default=None, description="Workflow node id; None for run events.")
    kind: EventKind
    progress: float = Field(default=0.0, ge=0.0, le=1.0)
    message: str = ""
    data: dict[str, Any] = Field(default_factory=dict)
    at: float = Field(default_factory=time.time, description="Unix time the event was made.")


class EventSequence:
    """Hands out the growing sequence numbers of one run's events."""

    def __init__(self, task_id: str) -> None:
        self.task_id = task_id
        self._counter = itertools.count()

    def make(
        self,
        kind: EventKind,
        node: str | None = None,
        progress: float = 0.0,
        message: str = "",
        data: dict[str, Any] | None = None,
    ) -> ProgressEvent:
        return ProgressEvent(
            seq=next(self._counter),
            task_id=self.task_id,
            node=node,
            kind=kind,
            progress=min(1.0, max(0.0, progress)),
            message=message,
            data=data or {},
        )

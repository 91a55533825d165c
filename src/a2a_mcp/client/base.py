"""The one interface the orchestrator uses to call any agent, wherever it runs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from pydantic import BaseModel

from a2a_mcp.agent import Progress


class CallOptions(BaseModel):
    """Per-call switches carried to the agent."""

    no_cache: bool = False
    timeout_s: float | None = None
    context_id: str | None = None


class AgentClient(Protocol):
    """call(agent, skill, input, on_progress) -> the skill's output.

    In process the output is the skill's own pydantic model, validated once when it was made;
    over A2A it is the JSON-ready data the wire carried. A skill's input takes either (a model
    inside a request is kept as it is, not validated again), so a workflow passes outputs on
    to the next node untouched in both transports."""

    async def call(
        self,
        agent: str,
        skill: str,
        input: BaseModel | Mapping[str, Any],
        on_progress: Progress | None = None,
        options: CallOptions | None = None,
    ) -> BaseModel | dict[str, Any]: ...

    async def aclose(self) -> None: ...

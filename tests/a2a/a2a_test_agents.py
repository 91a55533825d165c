"""Small test agents: echo (JSON and text input), sleep (cancellable), fail (every error path)."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel, Field

from a2a_mcp.agent import Agent, Progress, skill
from a2a_mcp.errors import AgentError, InvalidInputError
from a2a_mcp.events import EventKind, EventSequence


class EchoIn(BaseModel):
    text: str = Field(min_length=1)
    times: int = Field(default=1, ge=1, le=10)


class EchoOut(BaseModel):
    text: str
    count: int
    ratio: float = 0.5

    def a2a_text_artifacts(self) -> dict[str, str]:
        return {"echo.txt": self.text}


class NumbersIn(BaseModel):
    values: list[int]
    extra: dict[str, Any] = Field(default_factory=dict)


class NumbersOut(BaseModel):
    total: int
    values: list[int]
    extra: dict[str, Any]


class EchoAgent(Agent):
    name = "echo"
    description = "Repeats what it is given."
    version = "1.2.3"

    def __init__(self) -> None:
        self.calls = 0
        self.seen_meta: list[dict[str, Any]] = []

    @skill(description="Repeat a text.", tags=("text",), examples=('{"text": "hi", "times": 2}',))
    async def echo(self, input: EchoIn, progress: Progress) -> EchoOut:
        self.calls += 1
        await progress(0.5, "half way", {"step": 1})
        events = EventSequence("t-echo")
        await progress(
            0.9,
            "event",
            {
                "event": events.make(EventKind.NODE_PROGRESS, node="n1", progress=0.9).model_dump(
                    mode="json"
                )
            },
        )
        return EchoOut(text=" ".join([input.text] * input.times), count=input.times)

    @skill(description="Sum numbers.", cache_kind="numbers")
    async def add(self, input: NumbersIn, progress: Progress) -> NumbersOut:
        self.calls += 1
        return NumbersOut(total=sum(input.values), values=input.values, extra=input.extra)


class SleepIn(BaseModel):
    seconds: float = Field(ge=0, le=60)


class SleepOut(BaseModel):
    slept: float


class SleepAgent(Agent):
    name = "sleeper"
    description = "Sleeps, reporting progress; for cancel and drain tests."

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.cancelled = asyncio.Event()
        self.finished = 0

    @skill(description="Sleep for a while.")
    async def sleep(self, input: SleepIn, progress: Progress) -> SleepOut:
        self.started.set()
        try:
            steps = 20
            for i in range(steps):
                await asyncio.sleep(input.seconds / steps)
                await progress((i + 1) / steps, f"step {i + 1}")
        except asyncio.CancelledError:
            self.cancelled.set()
            raise
        self.finished += 1
        return SleepOut(slept=input.seconds)


class BriefIn(BaseModel):
    brief: str


class FailIn(BaseModel):
    mode: str = "agent_error"


class FailOut(BaseModel):
    ok: bool


class QuotaError(AgentError):
    code = "quota_exceeded"


class FailAgent(Agent):
    name = "failer"
    description = "Fails in every way an agent can."

    @skill(description="Fail as asked.")
    async def fail(self, input: FailIn, progress: Progress) -> FailOut:
        if input.mode == "agent_error":
            raise QuotaError("the quota is used up; try tomorrow", details={"limit": 3})
        if input.mode == "invalid":
            raise InvalidInputError("brief is too short", details={"errors": [{"field": "brief"}]})
        if input.mode == "crash":
            raise RuntimeError("boom")
        return FailOut(ok=True)

    @skill(description="Take a text brief.")
    async def brief(self, input: BriefIn, progress: Progress) -> FailOut:
        return FailOut(ok=bool(input.brief))

"""a2a_mcp.mcp: any Agent's skills as MCP tools, through the SDK's own in-memory client."""

from __future__ import annotations

import asyncio

import anyio
import pytest
from mcp import Client
from pydantic import BaseModel, Field

from a2a_mcp.agent import Agent, Progress, skill
from a2a_mcp.errors import InvalidInputError
from a2a_mcp.mcp import ToolSet, build_server


class CountIn(BaseModel):
    n: int = Field(ge=0, description="How far to count.")


class CountOut(BaseModel):
    total: int


class Counter(Agent):
    name = "counter"
    description = "Counts."

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.cancelled = asyncio.Event()

    @skill(examples=("count to 3",))
    async def count(self, request: CountIn, progress: Progress) -> CountOut:
        """Count to n, reporting each step."""
        for step in range(request.n):
            await progress((step + 1) / request.n, f"step {step + 1}")
        if request.n == 13:
            raise InvalidInputError("13 is unlucky: choose another number")
        if request.n == 7:
            raise RuntimeError("a bug")
        return CountOut(total=request.n)

    @skill()
    async def wait(self, request: CountIn, progress: Progress) -> CountOut:
        """Wait until cancelled."""
        self.started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            self.cancelled.set()
            raise
        return CountOut(total=0)


@pytest.fixture(params=["auto", "legacy"])
def mode(request: pytest.FixtureRequest) -> str:
    """Both protocol eras: 2026 per-request (direct) and the 2025 initialize handshake."""
    return request.param


async def test_skills_are_tools_with_the_models_as_schemas(mode: str) -> None:
    server = build_server("counter", ToolSet.of(Counter()))
    async with Client(server, mode=mode) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert sorted(tools) == ["count", "wait"]
    count = tools["count"]
    assert count.input_schema == CountIn.model_json_schema()
    assert count.output_schema == CountOut.model_json_schema(mode="serialization")
    assert "Count to n" in (count.description or "")
    assert "count to 3" in (count.description or "")


async def test_output_is_structured_and_progress_is_forwarded(mode: str) -> None:
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        seen.append((value, total, message))

    server = build_server("counter", ToolSet.of(Counter()))
    async with Client(server, mode=mode) as client:
        result = await client.call_tool("count", {"n": 4}, progress_callback=on_progress)
    assert not result.is_error
    assert result.structured_content == {"total": 4}
    assert [message for _, _, message in seen] == ["step 1", "step 2", "step 3", "step 4"]
    values = [value for value, _, _ in seen]
    assert values == sorted(values) and len(set(values)) == len(values)
    assert values[-1] == 100.0 and {total for _, total, _ in seen} == {100.0}


async def test_agent_errors_and_bad_input_are_tool_errors_without_tracebacks(mode: str) -> None:
    server = build_server("counter", ToolSet.of(Counter()))
    async with Client(server, mode=mode) as client:
        unlucky = await client.call_tool("count", {"n": 13})
        negative = await client.call_tool("count", {"n": -1})
        bug = await client.call_tool("count", {"n": 7})
        unknown = await client.call_tool("nope", {})
    texts = {}
    for name, result in [
        ("unlucky", unlucky),
        ("negative", negative),
        ("bug", bug),
        ("unknown", unknown),
    ]:
        assert result.is_error, name
        texts[name] = result.content[0].text
        assert "Traceback" not in texts[name]
    assert texts["unlucky"] == "error (invalid_input): 13 is unlucky: choose another number"
    assert "n: Input should be greater than or equal to 0" in texts["negative"]
    assert texts["bug"] == "error (skill_failed): count failed: RuntimeError: a bug"
    assert "there is no tool 'nope' (tools: count, wait)" in texts["unknown"]


async def test_cancelling_the_call_cancels_the_skill(mode: str) -> None:
    agent = Counter()
    server = build_server("counter", ToolSet.of(agent))
    async with Client(server, mode=mode) as client:
        async with anyio.create_task_group() as group:
            group.start_soon(client.call_tool, "wait", {"n": 1})
            with anyio.fail_after(10):
                await agent.started.wait()
            group.cancel_scope.cancel()
        with anyio.fail_after(10):
            await agent.cancelled.wait()
        # The connection is still good for the next call.
        assert (await client.call_tool("count", {"n": 1})).structured_content == {"total": 1}


def test_two_agents_with_one_skill_id_get_prefixed_names() -> None:
    class Other(Counter):
        name = "other"

    names = sorted(ToolSet.of(Counter(), Other()).tools)
    assert names == ["counter.count", "counter.wait", "other.count", "other.wait"]

"""The executor: scheduling modes, limits, timeouts, retries, cancellation, fail fast, events."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from a2a_mcp.errors import AgentUnavailableError
from a2a_mcp.events import EventKind, ProgressEvent
from a2a_mcp.observability import REGISTRY
from a2a_mcp.workflow import (
    CachedOutput,
    NodeStatus,
    PlannedNode,
    RunResult,
    RunStatus,
    WorkflowExecutor,
    load_workflow,
    parse_workflow,
    plan_workflow,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "workflows"
VIDEO_INPUT = {"brief": "cold brew", "tone": "upbeat", "platforms": ["tiktok", "youtube"]}
GUARD_S = 10.0  # only a hang guard; no test depends on how fast anything is

Runner = Callable[[PlannedNode, dict[str, Any], Any], Awaitable[Any]]


def plan_of(*nodes: dict[str, Any], run_input: dict[str, Any] | None = None):
    spec = parse_workflow({"name": "t", "nodes": list(nodes)}, "t.yaml")
    return plan_workflow(spec, run_input or {})


def step(node_id: str, **fields: Any) -> dict[str, Any]:
    return {"id": node_id, "step": fields.pop("step", "s"), **fields}


async def collect(run) -> list[ProgressEvent]:
    return [event async for event in run.events()]


async def run_all(executor: WorkflowExecutor, plan, **kw: Any):
    run = executor.start(plan, **kw)
    events, result = await asyncio.wait_for(asyncio.gather(collect(run), run.result()), GUARD_S)
    return events, result


def kinds(events: list[ProgressEvent], node: str) -> list[str]:
    return [e.kind.value for e in events if e.node == node]


# ---- basic runs, inputs, fan-out, events ---------------------------------------------


async def echo(node: PlannedNode, inputs: dict[str, Any], progress: Any) -> Any:
    await progress(0.5, f"half of {node.id}", {"n": 1})
    if node.base_id == "brief":
        return {"title": inputs["text"].title()}
    return {"id": node.id, **inputs}


async def test_runs_the_video_dag_with_resolved_inputs() -> None:
    plan = plan_workflow(load_workflow(FIXTURES / "good.yaml"), VIDEO_INPUT)
    events, result = await run_all(WorkflowExecutor(echo), plan, task_id="task-1")
    assert result.status is RunStatus.COMPLETED
    assert result.error is None
    assert all(r.status is NodeStatus.COMPLETED for r in result.nodes.values())
    assert result.output("timing")["title"] == "Timing for Cold Brew"
    assert result.output("adapt[youtube]")["platform"] == "youtube"
    cuts = result.output("package")["cuts"]
    assert list(cuts) == ["tiktok", "youtube"]  # fan-out order
    assert cuts["tiktok"]["id"] == "adapt[tiktok]"
    assert result.output("package")["preview"]["id"] == "render"
    # events: one stream, growing seq, run_started first and run_completed last
    assert [e.seq for e in events] == list(range(len(events)))
    assert {e.task_id for e in events} == {"task-1"}
    assert events[0].kind is EventKind.RUN_STARTED
    assert events[-1].kind is EventKind.RUN_COMPLETED
    assert events[-1].data["counts"] == {"completed": 8}
    for nid in plan.nodes:
        assert kinds(events, nid) == ["node_started", "node_progress", "node_completed"]
    progress = next(e for e in events if e.kind is EventKind.NODE_PROGRESS and e.node == "script")
    assert (progress.progress, progress.message, progress.data) == (
        0.5,
        "half of script",
        {"n": 1, "level": 1},
    )
    done = next(e for e in events if e.kind is EventKind.NODE_COMPLETED and e.node == "script")
    assert done.data["level"] == 1 and done.data["attempt"] == 1 and done.data["duration_ms"] >= 0
    # each node ran only after its dependencies completed
    position = {(e.node, e.kind): e.seq for e in events}
    for nid, node in plan.nodes.items():
        for dep in node.needs:
            done_at = position[(dep, EventKind.NODE_COMPLETED)]
            assert done_at < position[(nid, EventKind.NODE_STARTED)]


async def test_result_records_times_attempts_and_serialises() -> None:
    plan = plan_of(step("a"), step("b", needs=["a"]))
    result = await WorkflowExecutor(echo).execute(plan)
    a, b = result.nodes["a"], result.nodes["b"]
    assert a.attempts == 1 and a.level == 0 and b.level == 1
    assert a.started_at <= a.ended_at <= b.started_at <= b.ended_at
    assert result.started_at <= a.started_at and b.ended_at <= result.ended_at
    assert a.duration_ms == pytest.approx((a.ended_at - a.started_at) * 1000, abs=1e-3)
    assert result.makespan_ms >= 0
    again = RunResult.model_validate_json(result.model_dump_json())
    assert again.nodes["b"].output == {"id": "b"}
    assert json.loads(result.model_dump_json())["nodes"]["a"]["status"] == "completed"


async def test_late_and_multiple_event_readers_see_every_event() -> None:
    plan = plan_of(step("a"), step("b", needs=["a"]))
    run = WorkflowExecutor(echo).start(plan)
    early = asyncio.ensure_future(collect(run))
    await run.result()
    late = await collect(run)
    assert [e.seq for e in await early] == [e.seq for e in late]
    assert late[-1].kind is EventKind.RUN_COMPLETED


async def test_cached_output_is_unwrapped_and_reported() -> None:
    async def runner(node: PlannedNode, inputs: dict[str, Any], progress: Any) -> Any:
        return CachedOutput({"from": "cache"}) if node.id == "a" else inputs

    plan = plan_of(step("a", cache={"ttl": "script"}), step("b", inputs={"x": "${nodes.a.output}"}))
    events, result = await run_all(WorkflowExecutor(runner), plan)
    assert kinds(events, "a") == ["node_started", "node_cached", "node_completed"]
    assert result.nodes["a"].cached and not result.nodes["b"].cached
    assert result.output("b") == {"x": {"from": "cache"}}


async def test_bad_reference_at_run_time_fails_the_node_without_retry() -> None:
    async def runner(node: PlannedNode, inputs: dict[str, Any], progress: Any) -> Any:
        return {"title": "t"}

    plan = plan_of(step("a"), step("b", retries=3, inputs={"x": "${nodes.a.output.subtitle}"}))
    result = await WorkflowExecutor(runner, retry_base_s=0).execute(plan)
    assert result.status is RunStatus.FAILED
    assert result.nodes["b"].error_code == "bad_reference"
    assert result.nodes["b"].attempts == 1
    assert "no field 'subtitle'" in result.error


def test_bad_executor_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="mode"):
        WorkflowExecutor(echo, mode="fast")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least 1"):
        WorkflowExecutor(echo, max_concurrency=0)
    with pytest.raises(ValueError, match="agent 'x'"):
        WorkflowExecutor(echo, agent_limits={"x": 0})


# ---- scheduling modes ------------------------------------------------------------------


async def test_eager_starts_a_node_as_soon_as_its_own_dependencies_finish() -> None:
    # a (level 0) only finishes once c (level 1, after b) has started: possible only if c
    # does not wait for the whole of level 0.
    gate = asyncio.Event()

    async def runner(node: PlannedNode, inputs: dict[str, Any], progress: Any) -> Any:
        if node.id == "a":
            await gate.wait()
        if node.id == "c":
            gate.set()
        return node.id

    plan = plan_of(step("a"), step("b"), step("c", needs=["b"]))
    assert plan.levels == [["a", "b"], ["c"]]
    events, result = await run_all(WorkflowExecutor(runner), plan)
    assert result.status is RunStatus.COMPLETED
    seq = {(e.node, e.kind): e.seq for e in events}
    assert seq[("c", EventKind.NODE_STARTED)] < seq[("a", EventKind.NODE_COMPLETED)]


async def test_levels_mode_waits_for_the_whole_level() -> None:
    gate = asyncio.Event()

    async def runner(node: PlannedNode, inputs: dict[str, Any], progress: Any) -> Any:
        if node.id == "a":
            await gate.wait()
        if node.id == "b":
            gate.set()
        return node.id

    plan = plan_of(step("a"), step("b"), step("c", needs=["b"]))
    executor = WorkflowExecutor(runner)  # eager by default; the mode is chosen per run
    events, result = await run_all(executor, plan, mode="levels")
    assert result.status is RunStatus.COMPLETED and result.mode == "levels"
    seq = {(e.node, e.kind): e.seq for e in events}
    assert seq[("a", EventKind.NODE_COMPLETED)] < seq[("c", EventKind.NODE_STARTED)]


class Gauge:
    """Counts nodes running at once, overall and per agent."""

    def __init__(self) -> None:
        self.now: dict[str | None, int] = {}
        self.peak: dict[str | None, int] = {}
        self.total = 0
        self.peak_total = 0
        self.order: list[str] = []

    async def runner(self, node: PlannedNode, inputs: dict[str, Any], progress: Any) -> Any:
        self.order.append(node.id)
        self.now[node.agent] = self.now.get(node.agent, 0) + 1
        self.total += 1
        self.peak[node.agent] = max(self.peak.get(node.agent, 0), self.now[node.agent])
        self.peak_total = max(self.peak_total, self.total)
        for _ in range(5):
            await asyncio.sleep(0)
        self.now[node.agent] -= 1
        self.total -= 1
        return node.id


@pytest.mark.parametrize("mode", ["eager", "levels"])
async def test_global_concurrency_limit(mode: str) -> None:
    gauge = Gauge()
    plan = plan_of(*(step(f"n{i}") for i in range(12)))
    result = await WorkflowExecutor(gauge.runner, max_concurrency=3, mode=mode).execute(plan)
    assert result.status is RunStatus.COMPLETED
    assert gauge.peak_total == 3


async def test_per_agent_limits() -> None:
    gauge = Gauge()
    nodes = [{"id": f"w{i}", "agent": "writer", "skill": "w"} for i in range(6)]
    nodes += [{"id": f"d{i}", "agent": "designer", "skill": "d"} for i in range(6)]
    plan = plan_of(*nodes)
    executor = WorkflowExecutor(gauge.runner, agent_limits={"writer": 2})
    result = await executor.execute(plan)
    assert result.status is RunStatus.COMPLETED
    assert gauge.peak["writer"] == 2
    assert gauge.peak["designer"] == 6  # not limited


async def test_limited_slots_go_to_the_longest_chain_first() -> None:
    gauge = Gauge()
    plan = plan_of(
        step("leaf", estimate_s=1),
        step("head", estimate_s=1),
        step("mid", needs=["head"], estimate_s=3),
        step("tail", needs=["mid"], estimate_s=3),
    )
    await WorkflowExecutor(gauge.runner, max_concurrency=1).execute(plan)
    assert gauge.order == ["head", "mid", "tail", "leaf"]


# ---- timeouts and retries ---------------------------------------------------------------


def sleeper(seconds: float, fail_ids: tuple[str, ...] = ()) -> Runner:
    async def runner(node: PlannedNode, inputs: dict[str, Any], progress: Any) -> Any:
        if node.base_id in fail_ids:
            raise ValueError(f"{node.id} cannot go on")
        await asyncio.sleep(seconds if node.base_id.startswith("slow") else 0)
        return node.id

    return runner


async def test_node_timeout_fails_the_run_naming_the_node() -> None:
    plan = plan_of(step("slow", timeout_s=0.01), step("after", needs=["slow"]))
    events, result = await run_all(WorkflowExecutor(sleeper(60)), plan)
    assert result.status is RunStatus.FAILED
    slow = result.nodes["slow"]
    assert (slow.status, slow.error_code, slow.attempts) == (NodeStatus.FAILED, "timeout", 1)
    assert result.error.startswith("node 'slow' failed: NodeTimeoutError: no result within 0.01 s")
    assert result.failed_node == "slow"
    assert result.nodes["after"].status is NodeStatus.PENDING
    failed = next(e for e in events if e.kind is EventKind.NODE_FAILED)
    assert failed.data["error_code"] == "timeout"
    assert events[-1].kind is EventKind.RUN_FAILED


async def test_timeouts_are_retried_while_retries_remain() -> None:
    plan = plan_of(step("slow", timeout_s=0.01, retries=2))
    executor = WorkflowExecutor(sleeper(60), retry_base_s=0.001, retry_max_s=0.002)
    events, result = await run_all(executor, plan)
    assert result.nodes["slow"].attempts == 3
    retried = [e for e in events if e.kind is EventKind.NODE_RETRIED]
    assert [e.data["attempt"] for e in retried] == [1, 2]
    assert all(e.data["error_code"] == "timeout" for e in retried)


async def test_retryable_errors_are_retried_with_full_jitter_backoff() -> None:
    calls: list[int] = []

    async def flaky(node: PlannedNode, inputs: dict[str, Any], progress: Any) -> Any:
        calls.append(1)
        if len(calls) < 4:
            raise AgentUnavailableError("no replica answered")
        return "ok"

    executor = WorkflowExecutor(flaky, retry_base_s=0.004, retry_max_s=0.01)
    events, result = await run_all(executor, plan_of(step("call", retries=5)))
    assert result.status is RunStatus.COMPLETED
    assert result.nodes["call"].attempts == 4
    assert result.output("call") == "ok"
    retried = [e for e in events if e.kind is EventKind.NODE_RETRIED]
    assert len(retried) == 3
    for event, cap in zip(retried, (0.004, 0.008, 0.01), strict=True):
        assert 0 <= event.data["delay_s"] <= cap  # min(max, base * 2**(attempt-1))
        assert event.data["error_code"] == "agent_unavailable"
    assert kinds(events, "call").count("node_started") == 1


async def test_full_jitter_spreads_delays() -> None:
    executor = WorkflowExecutor(echo, retry_base_s=1.0, retry_max_s=8.0)
    delays = [executor.backoff(3) for _ in range(200)]
    assert all(0 <= d <= 4.0 for d in delays)
    assert max(delays) - min(delays) > 1.0  # jittered, not a fixed step
    assert all(0 <= executor.backoff(10) <= 8.0 for _ in range(50))


async def test_retries_run_out_and_plain_errors_are_not_retried() -> None:
    calls: dict[str, int] = {}

    async def runner(node: PlannedNode, inputs: dict[str, Any], progress: Any) -> Any:
        calls[node.id] = calls.get(node.id, 0) + 1
        if node.id == "plain":
            raise ValueError("a bug, not a blip")
        raise AgentUnavailableError("down")

    executor = WorkflowExecutor(runner, retry_base_s=0.001)
    result = await executor.execute(plan_of(step("plain", retries=3)))
    assert calls["plain"] == 1 and result.nodes["plain"].attempts == 1
    result = await executor.execute(plan_of(step("blip", retries=2)))
    assert calls["blip"] == 3
    assert result.error == "node 'blip' failed: AgentUnavailableError: down"


async def test_a_timeout_raised_by_the_runner_itself_is_not_retried() -> None:
    calls: list[int] = []

    async def runner(node: PlannedNode, inputs: dict[str, Any], progress: Any) -> Any:
        calls.append(1)
        raise TimeoutError("upstream said so")

    result = await WorkflowExecutor(runner).execute(plan_of(step("a", retries=2, timeout_s=5)))
    assert len(calls) == 1
    assert result.nodes["a"].error == "TimeoutError: upstream said so"


# ---- cancellation and fail fast ---------------------------------------------------------


class Sleepers:
    """Nodes whose id starts with 'slow' sleep for a minute and note their cancellation."""

    def __init__(self) -> None:
        self.started: set[str] = set()
        self.cancelled: set[str] = set()
        self.all_started = asyncio.Event()
        self.expect = 0

    async def runner(self, node: PlannedNode, inputs: dict[str, Any], progress: Any) -> Any:
        self.started.add(node.id)
        if node.id == "boom":
            for _ in range(3):
                await asyncio.sleep(0)
            raise ValueError("bad beat")
        if node.id.startswith("slow"):
            if len(self.started & {f"slow{i}" for i in range(self.expect)}) == self.expect:
                self.all_started.set()
            try:
                await asyncio.sleep(60)
            except asyncio.CancelledError:
                self.cancelled.add(node.id)
                raise
        return node.id


async def test_cancel_stops_running_nodes_and_starts_no_more() -> None:
    sleepers = Sleepers()
    sleepers.expect = 3
    plan = plan_of(
        step("slow0"), step("slow1"), step("slow2"), step("next", needs=["slow0", "slow1"])
    )
    run = WorkflowExecutor(sleepers.runner).start(plan)
    reader = asyncio.ensure_future(collect(run))
    await asyncio.wait_for(sleepers.all_started.wait(), GUARD_S)
    run.cancel()
    # the sleeps have 60 s to go: the result can only come back if they were cancelled
    result = await asyncio.wait_for(run.result(), GUARD_S)
    events = await asyncio.wait_for(reader, GUARD_S)
    assert result.status is RunStatus.CANCELLED
    assert sleepers.cancelled == {"slow0", "slow1", "slow2"}
    assert "next" not in sleepers.started
    assert result.nodes["next"].status is NodeStatus.PENDING
    assert all(result.nodes[f"slow{i}"].status is NodeStatus.CANCELLED for i in range(3))
    assert events[-1].kind is EventKind.RUN_CANCELLED
    assert kinds(events, "slow1") == ["node_started", "node_failed"]
    cancelled = [e for e in events if e.data.get("error_code") == "cancelled"]
    assert len(cancelled) == 3
    run.cancel()  # cancelling again is harmless
    assert (await run.result()).status is RunStatus.CANCELLED


async def test_cancel_before_any_node_ran() -> None:
    sleepers = Sleepers()
    run = WorkflowExecutor(sleepers.runner).start(plan_of(step("slow0"), step("slow1")))
    run.cancel()
    result = await asyncio.wait_for(run.result(), GUARD_S)
    assert result.status is RunStatus.CANCELLED
    assert sleepers.started == set()
    assert {r.status for r in result.nodes.values()} == {NodeStatus.PENDING}


async def test_cancelling_the_caller_of_execute_cancels_the_run() -> None:
    sleepers = Sleepers()
    sleepers.expect = 1
    executor = WorkflowExecutor(sleepers.runner)
    caller = asyncio.ensure_future(executor.execute(plan_of(step("slow0"))))
    await asyncio.wait_for(sleepers.all_started.wait(), GUARD_S)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    for _ in range(5):
        await asyncio.sleep(0)
    assert sleepers.cancelled == {"slow0"}


async def test_a_node_that_ignores_cancellation_is_given_up_after_the_grace() -> None:
    started = asyncio.Event()

    async def stubborn(node: PlannedNode, inputs: dict[str, Any], progress: Any) -> Any:
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            await asyncio.sleep(60)  # swallows the cancellation and keeps going

    run = WorkflowExecutor(stubborn, cancel_grace_s=0.01).start(plan_of(step("a")))
    await asyncio.wait_for(started.wait(), GUARD_S)
    run.cancel()
    result = await asyncio.wait_for(run.result(), GUARD_S)
    assert result.status is RunStatus.CANCELLED
    assert result.nodes["a"].status is NodeStatus.CANCELLED
    for task in asyncio.all_tasks():
        if task is not asyncio.current_task():
            task.cancel()


@pytest.mark.parametrize("mode", ["eager", "levels"])
async def test_fail_fast_names_node_and_cause_and_cancels_the_rest(mode: str) -> None:
    sleepers = Sleepers()
    plan = plan_of(
        step("slow0"),
        step("boom"),
        step("after_boom", needs=["boom"]),
        step("after_slow", needs=["slow0"]),
    )
    events, result = await run_all(WorkflowExecutor(sleepers.runner), plan, mode=mode)
    assert result.status is RunStatus.FAILED
    assert result.error == "node 'boom' failed: ValueError: bad beat"
    assert result.failed_node == "boom"
    assert sleepers.cancelled == {"slow0"}
    assert result.nodes["slow0"].status is NodeStatus.CANCELLED
    assert result.nodes["boom"].error_code == "ValueError"
    assert sleepers.started.isdisjoint({"after_boom", "after_slow"})
    failed = next(e for e in events if e.node == "boom" and e.kind is EventKind.NODE_FAILED)
    assert failed.data["error"] == "ValueError: bad beat"
    assert events[-1].kind is EventKind.RUN_FAILED
    assert events[-1].data["failed_node"] == "boom"


# ---- optional nodes ---------------------------------------------------------------------


async def test_failed_optional_node_skips_dependents_unless_they_accept_it() -> None:
    seen: dict[str, dict[str, Any]] = {}

    async def runner(node: PlannedNode, inputs: dict[str, Any], progress: Any) -> Any:
        seen[node.id] = inputs
        if node.id == "render":
            raise ValueError("no GPU today")
        return node.id

    plan = plan_of(
        step("script"),
        step("render", optional=True, needs=["script"]),
        step("upload", inputs={"video": "${nodes.render.output}"}),
        step("notify", needs=["upload"]),
        step("thumb", needs=["render"]),
        step(
            "package",
            inputs={"preview": "${nodes.render.output}", "script": "${nodes.script.output}"},
            accepts_missing=["preview"],
        ),
    )
    events, result = await run_all(WorkflowExecutor(runner), plan)
    assert result.status is RunStatus.COMPLETED
    assert result.error is None
    assert result.nodes["render"].status is NodeStatus.FAILED
    for nid in ("upload", "notify", "thumb"):
        assert result.nodes[nid].status is NodeStatus.SKIPPED
        assert nid not in seen
    assert seen["package"] == {"preview": None, "script": "script"}
    skipped = next(e for e in events if e.node == "upload")
    assert skipped.kind is EventKind.NODE_SKIPPED
    assert "dependency 'render' failed" in skipped.data["reason"]
    assert "does not accept" in skipped.data["reason"]
    notify = next(e for e in events if e.node == "notify")
    assert notify.data["reason"] == "dependency 'upload' skipped"
    assert events[-1].data["counts"] == {"completed": 2, "failed": 1, "skipped": 3}


async def test_a_skipped_node_counts_as_missing_for_accepting_dependents() -> None:
    async def runner(node: PlannedNode, inputs: dict[str, Any], progress: Any) -> Any:
        if node.id == "a":
            raise ValueError("nope")
        return inputs

    plan = plan_of(
        step("a", optional=True),
        step("b", inputs={"x": "${nodes.a.output}"}),
        step("c", inputs={"y": "${nodes.b.output}", "k": 1}, accepts_missing=["y"]),
    )
    result = await WorkflowExecutor(runner).execute(plan, mode="levels")
    assert result.nodes["b"].status is NodeStatus.SKIPPED
    assert result.output("c") == {"y": None, "k": 1}


async def test_fan_out_instances_and_aggregate_missing_instance() -> None:
    async def runner(node: PlannedNode, inputs: dict[str, Any], progress: Any) -> Any:
        if node.item_key == "reels":
            raise ValueError("reels is down")
        return inputs

    plan = plan_of(
        step("adapt", for_each="${input.platforms}", optional=True, inputs={"p": "${item.id}"}),
        step("collect", inputs={"cuts": "${nodes.adapt.output}"}, accepts_missing=["cuts"]),
        step("strict", inputs={"cuts": "${nodes.adapt.output}"}),
        run_input={"platforms": [{"id": "tiktok"}, {"id": "reels"}]},
    )
    result = await WorkflowExecutor(runner).execute(plan)
    assert result.output("adapt[tiktok]") == {"p": "tiktok"}
    assert result.nodes["adapt[reels]"].status is NodeStatus.FAILED
    assert result.output("collect") == {"cuts": None}
    assert result.nodes["strict"].status is NodeStatus.SKIPPED


async def test_metrics_count_runs() -> None:
    def count() -> float:
        value = REGISTRY.get_sample_value(
            "workflow_runs_total", {"workflow": "t", "status": "completed"}
        )
        return value or 0.0

    before = count()
    await WorkflowExecutor(echo).execute(plan_of(step("a")))
    assert count() == before + 1


async def test_a_plan_with_no_nodes_completes_at_once() -> None:
    plan = plan_of(step("a", for_each="${input.xs}"), run_input={"xs": []})
    events, result = await run_all(WorkflowExecutor(echo), plan)
    assert result.status is RunStatus.COMPLETED and result.nodes == {}
    assert [e.kind for e in events] == [EventKind.RUN_STARTED, EventKind.RUN_COMPLETED]


async def test_each_retry_gets_fresh_inputs() -> None:
    seen: list[dict[str, Any]] = []

    async def messy(node: PlannedNode, inputs: dict[str, Any], progress: Any) -> Any:
        seen.append(dict(inputs))
        inputs["x"] = "changed"
        if len(seen) < 2:
            raise AgentUnavailableError("blip")
        return "ok"

    plan = plan_of(step("a", retries=1, inputs={"x": "${input.x}"}), run_input={"x": "orig"})
    result = await WorkflowExecutor(messy, retry_base_s=0).execute(plan)
    assert result.status is RunStatus.COMPLETED
    assert seen == [{"x": "orig"}, {"x": "orig"}]


async def test_cancel_reaches_a_node_run_in_its_predecessors_task() -> None:
    # b runs in a's task once a finishes; cancelling must still reach it, and c never starts
    sleepers = Sleepers()
    sleepers.expect = 1
    plan = plan_of(step("a"), step("slow0", needs=["a"]), step("c", needs=["slow0"]))
    run = WorkflowExecutor(sleepers.runner).start(plan)
    await asyncio.wait_for(sleepers.all_started.wait(), GUARD_S)
    run.cancel()
    result = await asyncio.wait_for(run.result(), GUARD_S)
    assert sleepers.cancelled == {"slow0"}
    assert result.nodes["a"].status is NodeStatus.COMPLETED
    assert result.nodes["slow0"].status is NodeStatus.CANCELLED
    assert result.nodes["c"].status is NodeStatus.PENDING


async def test_a_long_chain_of_instant_nodes_lets_other_tasks_run() -> None:
    other_ran = asyncio.Event()
    seen: dict[str, bool] = {}

    async def instant(node: PlannedNode, inputs: dict[str, Any], progress: Any) -> Any:
        if node.id == "n0":
            asyncio.get_running_loop().call_soon(other_ran.set)
        seen[node.id] = other_ran.is_set()
        return None

    plan = plan_of(step("n0"), *(step(f"n{i}", needs=[f"n{i - 1}"]) for i in range(1, 100)))
    result = await WorkflowExecutor(instant).execute(plan)
    assert result.status is RunStatus.COMPLETED
    assert seen["n99"] is True  # the loop got a turn while the chain was running

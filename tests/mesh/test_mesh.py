"""The whole mesh on loopback: briefs over A2A, stock clients, cancel, replicas, bad requests."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from a2a.helpers import get_data_parts, get_text_parts
from a2a.types import (
    CancelTaskRequest,
    GetTaskRequest,
    Message,
    Part,
    Role,
    SendMessageRequest,
    TaskState,
)
from mesh_helpers import EXAMPLE, Recorder

from a2a_helpers import artifacts_of, last_status, stock_client
from a2a_mcp.errors import AgentError
from a2a_mcp.events import EventKind, ProgressEvent
from a2a_mcp.protocol import read_error, skill_request
from a2a_mcp.resilience import BreakerState
from video_generator.app.remote import make_remote
from video_generator.app.runtime import build_orchestrator
from video_generator.cli import main
from video_generator.core.models import (
    CutRequest,
    PlatformCut,
    Script,
    ScriptRequest,
    Storyboard,
    StoryboardRequest,
    TimingPlan,
    TimingRequest,
    VideoPackage,
)
from video_generator.output.package import to_srt
from video_generator.request import VideoRequest

BINDINGS = ["JSONRPC", "HTTP+JSON"]
V1 = {"A2A-Version": "1.0"}


def without_plan(package: VideoPackage) -> dict[str, Any]:
    return package.model_dump(mode="json", exclude={"plan"})


async def in_process(brief: str = EXAMPLE) -> VideoPackage:
    """The embedded run, computed afresh (not answered from the process's cache)."""
    orchestrator = build_orchestrator()
    return await orchestrator.run("make_video", VideoRequest(brief=brief, no_cache=True))


async def test_a_brief_end_to_end_over_a2a_matches_the_in_process_run(start_mesh) -> None:
    mesh = await start_mesh()
    events: list[ProgressEvent] = []

    async def on_progress(fraction: float, message: str = "", data: dict | None = None) -> None:
        if data and "event" in data:
            events.append(ProgressEvent.model_validate(data["event"]))

    remote = await make_remote(
        VideoRequest(brief=EXAMPLE), on_progress, url=mesh.url("orchestrator"), pool=mesh.pool
    )
    local = await in_process()
    assert without_plan(remote) == without_plan(local)
    assert remote.quality.passed

    # Every event of the run arrives, in order, numbered 0, 1, 2, ... within one task.
    assert [e.seq for e in events] == list(range(len(events)))
    assert len({e.task_id for e in events}) == 1
    assert events[0].kind is EventKind.RUN_STARTED
    assert events[-1].kind is EventKind.RUN_COMPLETED
    plan = remote.plan
    assert plan is not None
    level_of = {node.id: node.level for node in plan.nodes}
    assert set(level_of) == {"script", "scenes", "timing", "adapt[tiktok]",
                             "adapt[instagram_reels]", "package"}  # fmt: skip
    for node, level in level_of.items():
        kinds = [e.kind for e in events if e.node == node]
        assert kinds[0] is EventKind.NODE_STARTED and kinds[-1] is EventKind.NODE_COMPLETED
        for event in events:
            if event.node == node and event.kind in (EventKind.NODE_STARTED,
                                                     EventKind.NODE_COMPLETED):  # fmt: skip
                assert event.data["level"] == level
    # Specialists' own progress reports come through as node progress of their node.
    assert any(e.kind is EventKind.NODE_PROGRESS for e in events)


async def test_remote_errors_keep_their_code_and_message(start_mesh) -> None:
    mesh = await start_mesh()
    bad = "a 10 minute Instagram Reel about tea"
    with pytest.raises(AgentError) as remote:
        await make_remote(VideoRequest(brief=bad), url=mesh.url("orchestrator"), pool=mesh.pool)
    with pytest.raises(AgentError) as local:
        await in_process(bad)
    assert remote.value.code == local.value.code == "invalid_brief"
    assert remote.value.message == local.value.message


async def test_nobody_listening_is_a_clear_error(pool) -> None:
    with pytest.raises(AgentError) as caught:
        await make_remote(VideoRequest(brief=EXAMPLE), url="http://127.0.0.1:9", pool=pool)
    assert caught.value.code == "agent_unavailable"
    assert "vidgen up" in caught.value.message and "127.0.0.1:9" in caught.value.message


async def test_remote_make_writes_the_same_folder_as_in_process(start_mesh, tmp_path) -> None:
    mesh = await start_mesh()
    remote, local = tmp_path / "remote", tmp_path / "local"
    # main() runs its own event loop: in a thread, while this loop keeps serving the mesh.
    url = mesh.url("orchestrator")
    assert await asyncio.to_thread(main, ["make", EXAMPLE, "-o", str(remote), "--quiet",
                                          "--remote", url]) == 0  # fmt: skip
    assert await asyncio.to_thread(main, ["make", EXAMPLE, "-o", str(local), "--quiet"]) == 0
    assert_same_folders(remote, local)
    bad = await asyncio.to_thread(
        main, ["make", "a 10 minute Instagram Reel about tea", "--quiet", "--remote", url]
    )
    assert bad == 2


def assert_same_folders(remote: Path, local: Path) -> None:
    files = sorted(p.relative_to(remote) for p in remote.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(local) for p in local.rglob("*") if p.is_file())
    for name in files:
        if name.name in ("plan.txt", "package.json", "checksums.sha256"):
            continue  # the run plan's wall-clock timings differ (and so their checksums)
        assert (remote / name).read_bytes() == (local / name).read_bytes(), name
    packages = [VideoPackage.model_validate_json((d / "package.json").read_bytes())
                for d in (remote, local)]  # fmt: skip
    assert without_plan(packages[0]) == without_plan(packages[1])


@pytest.mark.parametrize("binding", BINDINGS)
async def test_the_stock_client_calls_every_agent(start_mesh, binding: str) -> None:
    mesh = await start_mesh()
    package = await in_process()
    brief, script, storyboard, timing = (
        package.brief, package.script, package.storyboard, package.timing
    )  # fmt: skip
    cut = package.cuts[0]
    calls = [
        ("script_writer", "write_script", ScriptRequest(brief=brief), Script, script),
        ("scene_designer", "design_storyboard", StoryboardRequest(brief=brief, script=script),
         Storyboard, storyboard),
        ("timing_coordinator", "plan_timing", TimingRequest(brief=brief, script=script),
         TimingPlan, timing),
        ("platform_adapter", "adapt_cut", CutRequest(platform=cut.platform, brief=brief,
         script=script, storyboard=storyboard, timing=timing), PlatformCut, cut),
    ]  # fmt: skip
    for agent, skill, request, model, expected in calls:
        client = await stock_client(mesh.url(agent), binding)
        try:
            message = skill_request(skill, request.model_dump(mode="json"))
            events = [e async for e in client.send_message(SendMessageRequest(message=message))]
        finally:
            await client.close()
        assert last_status(events).state == TaskState.TASK_STATE_COMPLETED, agent
        (data,) = get_data_parts(artifacts_of(events)[skill].parts)
        assert model.model_validate(data) == expected, agent

    # The orchestrator takes the brief as plain text and streams the run as status updates.
    for streaming in (True, False):
        client = await stock_client(mesh.url("orchestrator"), binding, streaming)
        try:
            text = Message(role=Role.ROLE_USER, message_id=f"m-{streaming}",
                           parts=[Part(text=EXAMPLE)])  # fmt: skip
            events = [e async for e in client.send_message(SendMessageRequest(message=text))]
        finally:
            await client.close()
        assert last_status(events).state == TaskState.TASK_STATE_COMPLETED
        artifacts = artifacts_of(events)
        (data,) = get_data_parts(artifacts["make_video"].parts)
        assert without_plan(VideoPackage.model_validate(data)) == without_plan(package)
        for one in package.cuts:
            srt = get_text_parts(artifacts[f"captions-{one.platform}.srt"].parts)
            assert srt == [to_srt(one.captions)]
        if streaming:
            updates = [e for e in events if e.HasField("status_update")]
            working = [u for u in updates
                       if u.status_update.status.state == TaskState.TASK_STATE_WORKING]  # fmt: skip
            assert len(working) >= 2 * len(package.plan.nodes)  # started + completed per node


async def test_cancel_mid_run_stops_the_specialists_work(start_mesh) -> None:
    held = Recorder(hold=True)
    mesh = await start_mesh(wrap=lambda name, _: held if name == "scene_designer" else None)
    watcher = await stock_client(mesh.url("orchestrator"))
    canceller = await stock_client(mesh.url("orchestrator"), streaming=False)
    events = watcher.send_message(
        SendMessageRequest(message=skill_request("make_video", {"brief": EXAMPLE}))
    )
    try:
        task_id = ""
        # Read the run until the scene designer's own progress comes through the orchestrator:
        # its call is then under way, and the orchestrator knows the scene designer's task.
        async with asyncio.timeout(20):
            async for event in events:
                if event.HasField("task"):
                    task_id = event.task.id
                if event.HasField("status_update"):
                    status = event.status_update.status
                    if "held by the test" in get_text_parts(status.message.parts):
                        break
        assert task_id and held.started.is_set()
        cancelled = await canceller.cancel_task(CancelTaskRequest(id=task_id))
        assert cancelled.status.state == TaskState.TASK_STATE_CANCELED
        # The scene designer's call was cancelled too, not left to run to its end.
        await asyncio.wait_for(held.cancelled.wait(), 5)
        assert held.finished == 0
        again = await canceller.get_task(GetTaskRequest(id=task_id))
        assert again.status.state == TaskState.TASK_STATE_CANCELED
    finally:
        await events.aclose()
        await watcher.close()
        await canceller.close()
    for name in ("orchestrator", "scene_designer"):
        state = mesh.servers[name][0].state
        for _ in range(100):
            if state.executor.running == 0:
                break
            await asyncio.sleep(0.05)
        assert state.executor.running == 0, name


class HoldFirst:
    """Wrappers for every replica of an agent: the first call anywhere is held (until cancelled),
    the others run; records which replica served what."""

    def __init__(self) -> None:
        self.held_on: int | None = None
        self.held = asyncio.Event()
        self.served: list[int] = []

    def wrapper(self, replica: int) -> Any:
        async def wrap(agent, skill, input, progress, call_meta) -> Any:
            if self.held_on is None:
                self.held_on = replica
                self.held.set()
                await asyncio.sleep(60)
            output = await agent.run(skill.id, input, progress)
            self.served.append(replica)
            return output

        return wrap


async def test_a_killed_replica_moves_calls_to_another(start_mesh) -> None:
    hold = HoldFirst()
    mesh = await start_mesh(
        replicas={"script_writer": 2},
        wrap=lambda name, replica: hold.wrapper(replica) if name == "script_writer" else None,
    )
    run = asyncio.create_task(
        make_remote(VideoRequest(brief=EXAMPLE), url=mesh.url("orchestrator"), pool=mesh.pool)
    )
    await asyncio.wait_for(hold.held.wait(), 20)
    assert hold.held_on is not None
    await mesh.servers["script_writer"][hold.held_on].kill()  # dies mid-call
    package = await asyncio.wait_for(run, 30)
    survivor = 1 - hold.held_on
    assert hold.served == [survivor]
    assert without_plan(package) == without_plan(await in_process())
    # Later calls go to the live replica only.
    await make_remote(VideoRequest(brief=EXAMPLE), url=mesh.url("orchestrator"), pool=mesh.pool)
    assert hold.served == [survivor, survivor]


async def test_all_replicas_down_opens_the_breaker_and_fails_fast(start_mesh) -> None:
    mesh = await start_mesh(replicas={"timing_coordinator": 2})
    for server in mesh.servers["timing_coordinator"]:
        await server.kill()
    url = mesh.url("orchestrator")
    with pytest.raises(AgentError) as first:
        await make_remote(VideoRequest(brief=EXAMPLE), url=url, pool=mesh.pool)
    assert "timing_coordinator" in first.value.message
    assert first.value.code == "workflow_failed"
    replicas = mesh.inner.replicas("timing_coordinator").replicas
    assert [r.breaker.state for r in replicas] == [BreakerState.OPEN] * 2
    # Breakers open: the next run fails without trying to connect at all.
    sent_before = _requests_to("timing_coordinator")
    with pytest.raises(AgentError) as second:
        await make_remote(VideoRequest(brief=EXAMPLE), url=url, pool=mesh.pool)
    assert "timing_coordinator" in second.value.message
    assert "breaker open" in second.value.message
    assert _requests_to("timing_coordinator") == sent_before


def _requests_to(agent: str) -> float:
    from a2a_mcp.observability import REGISTRY

    return REGISTRY.get_sample_value("a2a_client_requests_total", {"agent": agent}) or 0.0


async def test_bad_requests_get_protocol_errors_and_the_mesh_keeps_serving(start_mesh) -> None:
    mesh = await start_mesh()
    rpc = {"jsonrpc": "2.0", "id": 1, "method": "SendMessage"}

    def send(data: dict[str, Any], skill: str) -> dict[str, Any]:
        message = {"messageId": "m", "role": "ROLE_USER", "parts": [{"data": data}],
                   "metadata": {"skill": skill}}  # fmt: skip
        return {**rpc, "params": {"message": message}}

    for name, skill, bad_input in [
        ("orchestrator", "make_video", {"brief": 5}),
        ("script_writer", "write_script", {"brief": {"topic": 3}}),
    ]:
        async with httpx.AsyncClient(base_url=mesh.url(name), headers=V1, timeout=30) as http:
            bad_json = await http.post("/", content=b'{"jsonrpc": "2.0", "id": 1, "meth')
            unknown = await http.post("/", json={**rpc, "method": "MakeCoffee"})
            assert [r.json()["error"]["code"] for r in (bad_json, unknown)] == [-32700, -32601]
            rest_bad = await http.post("/message:send", content=b"[[[")
            assert 400 <= rest_bad.status_code < 500
            invalid = (await http.post("/", json=send(bad_input, skill))).json()
            status = invalid["result"]["task"]["status"]
            assert status["state"] == "TASK_STATE_FAILED"
            error = read_error(_message(status["message"]))
            assert error["code"] == "invalid_input" and error["details"]["errors"]
            wrong_skill = (await http.post("/", json=send({}, "nope"))).json()
            assert _error_code(wrong_skill) == "unknown_skill"
            assert (await http.get("/health")).status_code == 200
    # Still serving: a whole brief goes through.
    package = await make_remote(
        VideoRequest(brief=EXAMPLE), url=mesh.url("orchestrator"), pool=mesh.pool
    )
    assert package.quality.passed


def _message(raw: dict[str, Any]) -> Message:
    from google.protobuf.json_format import ParseDict

    return ParseDict(raw, Message(), ignore_unknown_fields=True)


def _error_code(response: dict[str, Any]) -> str:
    return read_error(_message(response["result"]["task"]["status"]["message"]))["code"]

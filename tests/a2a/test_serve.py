"""Serving an Agent over A2A, checked with the stock a2a-sdk client (its own httpx transport)."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import signal
import socket
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from a2a.client.card_resolver import parse_agent_card
from a2a.helpers import get_data_parts, get_text_parts
from a2a.types import (
    CancelTaskRequest,
    GetTaskRequest,
    Message,
    Part,
    Role,
    SendMessageConfiguration,
    SendMessageRequest,
    StreamResponse,
    SubscribeToTaskRequest,
    TaskState,
)
from a2a_test_agents import EchoAgent, FailAgent, SleepAgent

from a2a_helpers import artifacts_of, last_status, stock_client
from a2a_mcp.cards import card_json
from a2a_mcp.events import ProgressEvent
from a2a_mcp.protocol import read_error, skill_request
from a2a_mcp.serve import AgentServer, PortInUseError

BINDINGS = ["JSONRPC", "HTTP+JSON"]
V1 = {"A2A-Version": "1.0"}


async def collect(client: Any, request: SendMessageRequest) -> list[StreamResponse]:
    return [event async for event in client.send_message(request)]


def final_task(events: list[StreamResponse]) -> Any:
    """The task as the last event left it: a Task, or the last status update's status."""
    for event in reversed(events):
        if event.HasField("task"):
            return event.task
    raise AssertionError("no task in the stream")


@pytest.mark.parametrize("binding", BINDINGS)
@pytest.mark.parametrize("streaming", [True, False])
async def test_stock_client_calls_every_agent(start, binding: str, streaming: bool) -> None:
    echo, sleeper, failer = EchoAgent(), SleepAgent(), FailAgent()
    calls = [
        (echo, "echo", {"text": "hi", "times": 2}, {"text": "hi hi", "count": 2, "ratio": 0.5}),
        (echo, "add", {"values": [1, 2]}, {"total": 3, "values": [1, 2], "extra": {}}),
        (sleeper, "sleep", {"seconds": 0.01}, {"slept": 0.01}),
        (failer, "fail", {"mode": "ok"}, {"ok": True}),
    ]
    servers = {agent.name: await start(agent) for agent in (echo, sleeper, failer)}
    for agent, skill, payload, expected in calls:
        client = await stock_client(servers[agent.name].url, binding, streaming)
        try:
            request = SendMessageRequest(message=skill_request(skill, payload))
            events = await collect(client, request)
        finally:
            await client.close()
        assert last_status(events).state == TaskState.TASK_STATE_COMPLETED
        (data,) = get_data_parts(artifacts_of(events)[skill].parts)
        # google.protobuf.Value carries numbers as doubles: 2 comes back as 2.0, still equal.
        assert data == expected


async def test_card_is_served_from_the_agent(start) -> None:
    server = await start(EchoAgent())
    async with httpx.AsyncClient() as http:
        body = (await http.get(f"{server.url}/.well-known/agent-card.json")).json()
    assert body == card_json(EchoAgent(), server.url)
    card = parse_agent_card(copy.deepcopy(body))  # it pops the 0.3 fields
    assert card.name == "echo" and card.version == "1.2.3" and card.capabilities.streaming
    skills = {s.id: s for s in card.skills}
    assert skills["echo"].examples == ['{"text": "hi", "times": 2}']
    assert list(skills["echo"].input_modes) == ["application/json", "text/plain"]
    assert list(skills["add"].input_modes) == ["application/json"]
    bindings = {(i.protocol_binding, i.protocol_version) for i in card.supported_interfaces}
    assert bindings == {("JSONRPC", "1.0"), ("HTTP+JSON", "1.0"), ("JSONRPC", "0.3"),
                        ("HTTP+JSON", "0.3")}  # fmt: skip
    assert body["protocolVersion"] == "0.3" and body["url"] == server.url  # 0.3 clients


async def test_protocol_0_3_client_is_served(start) -> None:
    server = await start(EchoAgent())
    request = {
        "jsonrpc": "2.0",
        "id": "1",
        "method": "message/send",
        "params": {
            "message": {
                "kind": "message",
                "role": "user",
                "messageId": "m-1",
                "parts": [{"kind": "data", "data": {"text": "old", "times": 1}}],
                "metadata": {"skill": "echo"},
            }
        },
    }
    async with httpx.AsyncClient() as http:
        reply = (await http.post(server.url, json=request)).json()
    task = reply["result"]
    assert task["kind"] == "task" and task["status"]["state"] == "completed"
    assert task["artifacts"][0]["parts"][0]["data"]["text"] == "old"


async def test_progress_becomes_working_status_updates(start) -> None:
    server = await start(EchoAgent())
    client = await stock_client(server.url)
    try:
        events = await collect(
            client, SendMessageRequest(message=skill_request("echo", {"text": "a"}))
        )
    finally:
        await client.close()
    working = [
        e.status_update.status.message
        for e in events
        if e.HasField("status_update")
        and e.status_update.status.state == TaskState.TASK_STATE_WORKING
    ]
    assert len(working) == 2
    (first,) = get_data_parts(working[0].parts)  # the skill's own report, as a ProgressEvent
    report = ProgressEvent.model_validate(first)
    assert report.task_id == events[0].task.id and report.seq == 0
    assert (report.node, report.kind, report.progress) == ("echo", "node_progress", 0.5)
    assert (report.message, report.data) == ("half way", {"step": 1.0})
    assert get_text_parts(working[0].parts) == ["half way"]
    (event,) = get_data_parts(working[1].parts)  # a full ProgressEvent passes through
    assert ProgressEvent.model_validate(event).node == "n1"
    texts = artifacts_of(events)["echo.txt"]
    assert get_text_parts(texts.parts) == ["a"]


async def test_text_part_fills_the_one_required_string_field(start) -> None:
    server = await start(FailAgent())
    message = Message(
        role=Role.ROLE_USER,
        message_id="m-text",
        parts=[Part(text="a 30 second reel about tea")],
        metadata={"skill": "brief"},
    )
    client = await stock_client(server.url)
    try:
        events = await collect(client, SendMessageRequest(message=message))
    finally:
        await client.close()
    assert last_status(events).state == TaskState.TASK_STATE_COMPLETED
    assert get_data_parts(artifacts_of(events)["brief"].parts) == [{"ok": True}]


@pytest.mark.parametrize(
    ("agent", "skill", "payload", "code", "fields"),
    [
        (EchoAgent(), "echo", {"text": "", "times": 99}, "invalid_input", {"text", "times"}),
        (EchoAgent(), "echo", {"times": 2}, "invalid_input", {"text"}),
        (EchoAgent(), "nope", {}, "unknown_skill", None),
        (EchoAgent(), None, {"text": "x"}, "invalid_input", {"metadata.skill"}),
        (FailAgent(), "fail", {"mode": "agent_error"}, "quota_exceeded", None),
        (FailAgent(), "fail", {"mode": "crash"}, "skill_failed", None),
    ],
)
async def test_failures_become_failed_tasks_with_a_code(
    start, agent: Any, skill: str | None, payload: dict[str, Any], code: str, fields: Any
) -> None:
    server = await start(agent)
    message = skill_request(skill or "", payload)
    if skill is None:
        message.ClearField("metadata")
    client = await stock_client(server.url, streaming=False)
    try:
        events = await collect(client, SendMessageRequest(message=message))
    finally:
        await client.close()
    status = final_task(events).status
    assert status.state == TaskState.TASK_STATE_FAILED
    error = read_error(status.message)
    assert error["code"] == code
    assert get_text_parts(status.message.parts) == [error["message"]]  # readable by people
    if fields is not None:
        assert {e["field"] for e in error["details"]["errors"]} == fields
    if code == "skill_failed":
        assert "RuntimeError: boom" in error["message"]


async def test_bad_requests_get_protocol_errors_and_service_goes_on(start) -> None:
    server = await start(EchoAgent())
    good = {
        "jsonrpc": "2.0",
        "id": 9,
        "method": "SendMessage",
        "params": {"message": {"messageId": "m", "role": "ROLE_USER", "parts": [
            {"data": {"text": "still here"}}], "metadata": {"skill": "echo"}}},
    }  # fmt: skip
    async with httpx.AsyncClient(base_url=server.url, headers=V1) as http:
        bad_json = await http.post("/", content=b"{not json", headers=V1)
        unknown = await http.post("/", json={"jsonrpc": "2.0", "id": 1, "method": "Nope"})
        no_params = await http.post(
            "/", json={"jsonrpc": "2.0", "id": 2, "method": "SendMessage", "params": {"x": [1]}}
        )
        wrong_type = await http.post(
            "/", json={"jsonrpc": "2.0", "id": 3, "method": "GetTask", "params": {"id": 5}}
        )
        not_rpc = await http.post("/", json=[1, 2, 3])
        rest_bad = await http.post("/message:send", content=b"[[[")
        missing_task = await http.post(
            "/", json={"jsonrpc": "2.0", "id": 4, "method": "GetTask", "params": {"id": "nope"}}
        )
        codes = [r.json()["error"]["code"] for r in (bad_json, unknown, wrong_type, not_rpc)]
        assert codes == [-32700, -32601, -32602, -32600]
        assert missing_task.json()["error"]["code"] == -32001  # task not found
        assert no_params.status_code == 200 and "error" in no_params.json()
        assert 400 <= rest_bad.status_code < 500
        served = (await http.post("/", json=good)).json()
        assert served["result"]["task"]["status"]["state"] == "TASK_STATE_COMPLETED"
        assert (await http.get("/health")).status_code == 200


async def test_get_cancel_and_subscribe(start) -> None:
    sleeper = SleepAgent()
    server = await start(sleeper)
    sender = await stock_client(server.url, streaming=False)  # returns as soon as work starts
    watcher = await stock_client(server.url)

    async def send_in_background(seconds: float) -> str:
        request = SendMessageRequest(
            message=skill_request("sleep", {"seconds": seconds}),
            configuration=SendMessageConfiguration(return_immediately=True),
        )
        (first,) = await collect(sender, request)
        assert first.task.status.state == TaskState.TASK_STATE_WORKING
        return first.task.id

    try:
        task_id = await send_in_background(0.4)
        updates = [e async for e in watcher.subscribe(SubscribeToTaskRequest(id=task_id))]
        assert updates[0].task.id == task_id
        assert last_status(updates).state == TaskState.TASK_STATE_COMPLETED
        done = await sender.get_task(GetTaskRequest(id=task_id))
        assert done.status.state == TaskState.TASK_STATE_COMPLETED
        assert [a.name for a in done.artifacts] == ["sleep"]

        sleeper.started.clear()
        long_id = await send_in_background(30)
        await asyncio.wait_for(sleeper.started.wait(), 5)
        cancelled = await sender.cancel_task(CancelTaskRequest(id=long_id))
        assert cancelled.status.state == TaskState.TASK_STATE_CANCELED
        assert sleeper.cancelled.is_set()  # the skill's own work was stopped
        assert sleeper.finished == 1
        again = await sender.get_task(GetTaskRequest(id=long_id))
        assert again.status.state == TaskState.TASK_STATE_CANCELED
    finally:
        await sender.close()
        await watcher.close()


async def test_health_and_metrics(start) -> None:
    server = await start(EchoAgent())
    client = await stock_client(server.url, streaming=False)
    try:
        await collect(client, SendMessageRequest(message=skill_request("echo", {"text": "m"})))
    finally:
        await client.close()
    async with httpx.AsyncClient(base_url=server.url) as http:
        health = (await http.get("/health")).json()
        live = await http.get("/health/live")
        metrics = (await http.get("/metrics")).text
    assert health["agent"] == "echo" and health["ready"] and health["running_tasks"] == 0
    assert live.status_code == 200
    assert 'a2a_server_tasks_total{agent="echo",outcome="completed",skill="echo"}' in metrics


async def test_stop_drains_running_tasks(start, make_client) -> None:
    sleeper = SleepAgent()
    server = await start(sleeper, drain_timeout_s=10)
    client = make_client({"sleeper": [server.url]})
    call = asyncio.create_task(client.call("sleeper", "sleep", {"seconds": 0.5}))
    await asyncio.wait_for(sleeper.started.wait(), 5)
    await server.stop()
    assert await call == {"slept": 0.5}  # the running call finished during the drain
    assert sleeper.finished == 1


async def test_stop_cancels_what_outlives_the_drain(start) -> None:
    sleeper = SleepAgent()
    server = await start(sleeper, drain_timeout_s=0.2)
    client = await stock_client(server.url, streaming=False)
    try:
        request = SendMessageRequest(
            message=skill_request("sleep", {"seconds": 30}),
            configuration=SendMessageConfiguration(return_immediately=True),
        )
        [e async for e in client.send_message(request)]
        await asyncio.wait_for(sleeper.started.wait(), 5)
        assert server.state.health()["running_tasks"] == 1
        await server.stop()
    finally:
        await client.close()
    assert sleeper.cancelled.is_set() and sleeper.finished == 0
    assert server.state.draining


async def test_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUseError) as caught:
            await AgentServer(EchoAgent(), port=port).start()
    message = str(caught.value)
    assert "echo" in message and str(port) in message and "already in use" in message
    assert caught.value.code == "port_in_use"


@pytest.mark.parametrize(
    ("signum", "status"), [(signal.SIGTERM, -signal.SIGTERM), (signal.SIGINT, 0)]
)
async def test_serve_drains_on_signal(make_client, signum: int, status: int) -> None:
    """The real thing: `serve()` in its own process, a signal while a call runs."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    here = Path(__file__).parent
    code = (
        f"import sys; sys.path.insert(0, {str(here)!r})\n"
        "from a2a_test_agents import SleepAgent\n"
        "from a2a_mcp.serve import serve\n"
        f"serve(SleepAgent(), port={port}, drain_timeout_s=10, log_level='warning')\n"
    )
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        code,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(200):  # up to 10 s for the interpreter to start
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get(f"{url}/health")).status_code == 200:
                        break
                await asyncio.sleep(0.05)
        client = make_client({"sleeper": [url]})
        call = asyncio.create_task(client.call("sleeper", "sleep", {"seconds": 0.6}))
        await asyncio.sleep(0.3)
        child.send_signal(signum)
        assert await call == {"slept": 0.6}  # the running call finished during the drain
        assert await asyncio.wait_for(child.wait(), 15) == status
        assert child.stderr is not None
        assert b"Traceback" not in await child.stderr.read()
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()

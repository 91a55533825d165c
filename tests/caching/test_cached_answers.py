"""The A2A server's fast path: a cached output answered without a2a-sdk's task machinery, on the
same wire format, with the task kept for GetTask; everything else still goes through the SDK."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson
import pytest
from a2a.client import ClientConfig, ClientFactory
from a2a.types import GetTaskRequest, Message, Part, Role, SendMessageRequest, TaskState
from caching_helpers import EXAMPLE, fresh_cache
from google.protobuf.json_format import MessageToDict

from a2a_mcp.agent import Agent, Progress, Skill
from a2a_mcp.client import A2AClient, HttpPool, InProcessClient
from a2a_mcp.protocol import EXACT_JSON_KEY, from_value, restore_ints, skill_request
from a2a_mcp.registry import AgentRegistry
from a2a_mcp.serve import AgentServer
from a2a_mcp.server.metrics import CACHED_ANSWERS
from video_generator.app.agent_cache import VideoCache
from video_generator.app.runtime import build_orchestrator, build_specialists
from video_generator.core.models import VideoPackage
from video_generator.request import VideoRequest

V1 = {"A2A-Version": "1.0"}
# Differ between any two calls: ids, clocks, and the fast path's exact-numbers marker.
VOLATILE = {"id", "taskId", "contextId", "messageId", "artifactId", "timestamp", "at", "task_id"}


class SdkOnly:
    """The same cache as a plain skill wrapper: no answer_from_cache, so a2a-sdk answers."""

    def __init__(self, cache: VideoCache) -> None:
        self.cache = cache

    async def __call__(
        self, agent: Agent, skill: Skill, input: Any, progress: Progress, meta: dict[str, Any]
    ) -> Any:
        return await self.cache(agent, skill, input, progress, meta)


def answered_fast(agent: str = "orchestrator", skill: str = "make_video") -> float:
    return CACHED_ANSWERS.labels(agent, skill)._value.get()


@pytest.fixture
async def servers() -> AsyncIterator[dict[str, AgentServer]]:
    """The orchestrator twice over one cache: with the fast path and without it."""
    cache = fresh_cache()
    started: dict[str, AgentServer] = {}
    for name, wrapper in (("fast", cache), ("sdk", SdkOnly(cache))):
        inner = InProcessClient(build_specialists(), skill_wrapper=cache)
        orchestrator = build_orchestrator(client=inner)
        server = AgentServer(orchestrator, port=0, skill_wrapper=wrapper, drain_timeout_s=2)
        started[name] = await server.start()
    yield started
    for server in started.values():
        await server.stop()
    await cache.aclose()


def rpc(method: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": uuid.uuid4().hex, "method": method, "params": params}


def stream_params(brief: str = EXAMPLE, **metadata: Any) -> dict[str, Any]:
    return {
        "message": {
            "messageId": uuid.uuid4().hex,
            "role": "ROLE_USER",
            "parts": [{"data": {"brief": brief}}],
            "metadata": {"skill": "make_video", **metadata},
        },
        "configuration": {"historyLength": 0},
    }


async def post_stream(
    url: str, params: dict[str, Any], headers: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Every SSE data frame of one SendStreamingMessage, as JSON."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{url}/",
            data=orjson.dumps(rpc("SendStreamingMessage", params)),
            headers={"Content-Type": "application/json", **(V1 if headers is None else headers)},
            timeout=aiohttp.ClientTimeout(total=60),
        ) as response,
    ):
        text = await response.text()
    if not response.content_type.startswith("text/event-stream"):
        return [orjson.loads(text)]
    return [
        orjson.loads(line.removeprefix("data:"))
        for line in text.splitlines()
        if line.startswith("data:")
    ]


def normalised(value: Any) -> Any:
    """The frames with what differs between calls removed and Struct doubles back to ints."""
    if isinstance(value, dict):
        kept = {
            key: normalised(item)
            for key, item in value.items()
            if key not in VOLATILE and key != EXACT_JSON_KEY
        }
        return {key: item for key, item in kept.items() if item != {}}
    if isinstance(value, list):
        return [normalised(item) for item in value]
    return restore_ints(value)


async def test_a_cached_answer_has_the_sdks_wire_format(servers: dict[str, AgentServer]) -> None:
    await post_stream(servers["sdk"].url, stream_params())  # computes and stores the package
    before = answered_fast()
    fast = await post_stream(servers["fast"].url, stream_params())
    assert answered_fast() == before + 1
    sdk = await post_stream(servers["sdk"].url, stream_params())  # a hit, answered by a2a-sdk
    assert answered_fast() == before + 1
    kinds = [next(iter(frame["result"])) for frame in fast]
    assert kinds[0] == "task" and kinds[-1] == "statusUpdate"
    assert "artifactUpdate" in kinds
    assert fast[-1]["result"]["statusUpdate"]["status"]["state"] == "TASK_STATE_COMPLETED"
    assert normalised(fast) == normalised(sdk)
    # One task: every frame names the same task and context.
    task = fast[0]["result"]["task"]
    for frame in fast[1:]:
        update = next(iter(frame["result"].values()))
        assert (update["taskId"], update["contextId"]) == (task["id"], task["contextId"])


async def test_the_fast_path_keeps_ints_exact(servers: dict[str, AgentServer]) -> None:
    await post_stream(servers["fast"].url, stream_params())
    frames = await post_stream(servers["fast"].url, stream_params())
    output = next(
        frame["result"]["artifactUpdate"]["artifact"]
        for frame in frames
        if frame["result"].get("artifactUpdate", {}).get("artifact", {}).get("name") == "make_video"
    )
    part = output["parts"][0]
    assert part["metadata"][EXACT_JSON_KEY] is True
    assert isinstance(part["data"]["script"]["total_words"], int)
    VideoPackage.model_validate(part["data"])


async def test_get_task_finds_a_task_answered_from_the_cache(
    servers: dict[str, AgentServer],
) -> None:
    url = servers["fast"].url
    await post_stream(url, stream_params())
    frames = await post_stream(url, stream_params(), headers=V1)
    task_id = frames[0]["result"]["task"]["id"]
    client = await ClientFactory(ClientConfig(streaming=True)).create_from_url(url)
    try:
        task = await client.get_task(GetTaskRequest(id=task_id))
    finally:
        await client.close()
    assert task.status.state == TaskState.TASK_STATE_COMPLETED
    names = [artifact.name for artifact in task.artifacts]
    assert names[0] == "make_video" and any(name.startswith("captions-") for name in names)
    package = VideoPackage.model_validate(from_value(task.artifacts[0].parts[0].data))
    assert package.brief.platforms
    # The history holds the request and the `cached` progress, as the SDK keeps it.
    assert task.history[0].role == Role.ROLE_USER
    assert any("from cache" in part.text for msg in task.history for part in msg.parts)


async def test_the_stock_client_reads_a_cached_answer(servers: dict[str, AgentServer]) -> None:
    url = servers["fast"].url
    await post_stream(url, stream_params())
    before = answered_fast()
    client = await ClientFactory(ClientConfig(streaming=True)).create_from_url(url)
    message = skill_request("make_video", {"brief": EXAMPLE})
    try:
        events = [e async for e in client.send_message(SendMessageRequest(message=message))]
    finally:
        await client.close()
    assert answered_fast() == before + 1
    data = [
        from_value(event.artifact_update.artifact.parts[0].data)
        for event in events
        if event.HasField("artifact_update") and event.artifact_update.artifact.name == "make_video"
    ]
    assert len(data) == 1
    VideoPackage.model_validate(data[0])


async def test_our_client_gets_the_same_package_both_ways(servers: dict[str, AgentServer]) -> None:
    pool = HttpPool(name="cached-answers")
    clients = {
        name: A2AClient(AgentRegistry({"orchestrator": [server.url]}), session_pool=pool)
        for name, server in servers.items()
    }
    seen: list[dict[str, Any]] = []

    async def progress(fraction: float, message: str = "", data: Any = None) -> None:
        seen.append(data or {})

    async def make(via: str, on_progress: Progress | None = None) -> dict[str, Any]:
        request = VideoRequest(brief=EXAMPLE)
        return await clients[via].call("orchestrator", "make_video", request, on_progress)

    try:
        first = await make("sdk")
        before = answered_fast()
        fast = await make("fast", progress)
        assert answered_fast() == before + 1
        sdk = await make("sdk")
    finally:
        for client in clients.values():
            await client.aclose()
        await pool.aclose()
    assert fast == sdk == first
    assert any(data.get("cached") for data in seen)
    assert any(data.get("event", {}).get("kind") == "run_completed" for data in seen)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"metadata": {"no_cache": True}}, "the caller asked to bypass the cache"),
        ({"headers": {}}, "no A2A-Version header: the SDK reads 0.3 and refuses"),
        ({"task": True}, "a message continuing a task"),
        ({"brief": "   "}, "an invalid input is the SDK path's to reject"),
    ],
)
async def test_other_requests_go_to_the_sdk(
    servers: dict[str, AgentServer], change: dict[str, Any], why: str
) -> None:
    url = servers["fast"].url
    await post_stream(url, stream_params())
    params = stream_params(change.get("brief", EXAMPLE), **change.get("metadata", {}))
    if change.get("task"):
        params["message"]["taskId"] = uuid.uuid4().hex
    before = answered_fast()
    frames = await post_stream(url, params, headers=change.get("headers"))
    assert answered_fast() == before, why
    last = frames[-1]
    if "error" in last:
        assert last["error"]["message"]
    else:
        state = next(iter(last["result"].values()))["status"]["state"]
        assert state in {"TASK_STATE_COMPLETED", "TASK_STATE_FAILED"}
        if change.get("brief"):
            assert state == "TASK_STATE_FAILED"


async def test_a_miss_runs_the_skill_through_the_sdk(servers: dict[str, AgentServer]) -> None:
    before = answered_fast()
    frames = await post_stream(servers["fast"].url, stream_params("a 20 second TikTok about figs"))
    assert answered_fast() == before
    assert frames[-1]["result"]["statusUpdate"]["status"]["state"] == "TASK_STATE_COMPLETED"


def test_exact_marker_is_plain_json() -> None:
    # The marker travels in Part.metadata, a Struct: it must survive a protobuf round trip.
    part = Part(media_type="application/json")
    part.metadata.update({EXACT_JSON_KEY: True})
    message = Message(message_id="m", role=Role.ROLE_AGENT, parts=[part])
    assert MessageToDict(message)["parts"][0]["metadata"] == {EXACT_JSON_KEY: True}


async def test_a_cached_answer_is_kept_in_the_task_database(tmp_path: Any) -> None:
    """The fast path writes its task to the database in the background: GetTask finds it, with
    the package as its artifact, after the orchestrator restarted."""
    cache = fresh_cache()
    db = str(tmp_path / "tasks.sqlite")

    def serve() -> AgentServer:
        inner = InProcessClient(build_specialists(), skill_wrapper=cache)
        return AgentServer(
            build_orchestrator(client=inner), port=0, skill_wrapper=cache, task_db=db
        )

    try:
        server = await serve().start()
        await post_stream(server.url, stream_params())
        before = answered_fast()
        frames = await post_stream(server.url, stream_params())
        assert answered_fast() == before + 1
        task_id = frames[0]["result"]["task"]["id"]
        await server.stop()  # writes what is still pending
        server = await serve().start()
        async with aiohttp.ClientSession() as session:
            request = rpc("GetTask", {"id": task_id})
            async with session.post(f"{server.url}/", json=request, headers=V1) as response:
                task = (await response.json())["result"]
        await server.stop()
    finally:
        await cache.aclose()
    assert task["status"]["state"] == "TASK_STATE_COMPLETED"
    package = VideoPackage.model_validate(task["artifacts"][0]["parts"][0]["data"])
    assert package.brief.topic
    assert task["history"][0]["parts"][0]["data"] == {"brief": EXAMPLE}

"""Cached answers without the SDK's task machinery: a SendStreamingMessage whose output is in the
skill cache is answered straight from it, on the same wire format.

A warm (cached) call spends almost all its time in a2a-sdk, not in the cache: the request's
input parsed into protobuf, the task's event queue and store, and the output's Struct turned back
into JSON (MessageToDict walks every value in Python: ~3 ms for a 45 KB package). This route looks
first: when the call is a plain new-task SendStreamingMessage in protocol 1.0 and the skill
wrapper has the output stored, it writes the same events the executor would (task, the `cached`
progress, the artifacts, completed) with the stored JSON spliced in, and records the task so
GetTask finds it. Everything else, misses included, goes to a2a-sdk unchanged.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, runtime_checkable

import orjson
import structlog
from a2a.server.context import ServerCallContext
from a2a.server.routes.common import DefaultServerCallContextBuilder
from a2a.types import (
    Artifact,
    Message,
    Part,
    Role,
    StreamResponse,
    Task,
    TaskArtifactUpdateEvent,
    TaskState,
    TaskStatus,
    TaskStatusUpdateEvent,
)
from google.protobuf.json_format import MessageToDict, ParseDict
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from a2a_mcp.agent import Agent, Progress, Skill
from a2a_mcp.cache import CachedAnswer
from a2a_mcp.errors import AgentError
from a2a_mcp.events import EventSequence
from a2a_mcp.observability import get_logger
from a2a_mcp.protocol import (
    EXACT_JSON_KEY,
    JSON,
    NO_CACHE_KEY,
    data_part,
    progress_parts,
    text_part,
)
from a2a_mcp.server import metrics
from a2a_mcp.server.executor import now_timestamp
from a2a_mcp.server.request import read_call_json

log = get_logger("a2a_mcp.server")

Endpoint = Callable[[Request], Awaitable[Response]]
STREAM_METHOD = "SendStreamingMessage"
VERSION_HEADER = "A2A-Version"
# What a request may carry and still be answered here; anything else (a task to continue,
# push notifications, a tenant...) is a2a-sdk's to handle.
_PARAMS_KEYS = frozenset({"message", "configuration", "metadata"})
_CONFIGURATION_KEYS = frozenset({"historyLength", "acceptedOutputModes"})
_MESSAGE_KEYS = frozenset({"messageId", "role", "parts", "metadata", "contextId", "extensions"})
_SSE_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


class LaterTaskStore(Protocol):
    """A task store that can record a finished task without building it now."""

    async def save_later(
        self, task_id: str, context: ServerCallContext, later: _FinishedAnswer
    ) -> None: ...


@runtime_checkable
class CachedAnswers(Protocol):
    """A skill wrapper that can say, without running anything, whether it has the output."""

    async def answer_from_cache(
        self,
        agent: Agent,
        skill: Skill,
        input: BaseModel,
        progress: Progress,
        call_meta: dict[str, Any],
    ) -> CachedAnswer | None: ...


def _protocol_1_0(request: Request) -> bool:
    """The SDK reads a missing A2A-Version as 0.3, which its 1.0 methods refuse."""
    version = request.headers.get(VERSION_HEADER, "").strip()
    return version == "1.0" or version.startswith("1.0.")


def _new_task_request(body: Any) -> dict[str, Any] | None:
    """The message of a plain new-task SendStreamingMessage, else None."""
    if not isinstance(body, dict) or body.get("jsonrpc") != "2.0":
        return None
    if body.get("method") != STREAM_METHOD or not isinstance(body.get("id"), str | int):
        return None
    if isinstance(body["id"], bool):
        return None
    params = body.get("params")
    if not isinstance(params, dict) or not params.keys() <= _PARAMS_KEYS:
        return None
    configuration = params.get("configuration") or {}
    if not isinstance(configuration, dict) or not configuration.keys() <= _CONFIGURATION_KEYS:
        return None
    message = params.get("message")
    if not isinstance(message, dict) or not message.keys() <= _MESSAGE_KEYS:
        return None
    if message.get("role") != "ROLE_USER" or not message.get("messageId"):
        return None
    metadata = message.get("metadata")
    if isinstance(metadata, dict) and metadata.get(NO_CACHE_KEY):
        return None  # asked not to use the cache: no need to read the input here
    return message


class _Answer:
    """The events of one cached answer, as protobuf (small ones) and JSON (the output)."""

    def __init__(self, skill_id: str, context_id: Any) -> None:
        self.skill_id = skill_id
        self.task_id = str(uuid.uuid4())
        # The caller's context when it names one, else a new one (as the SDK does).
        given = isinstance(context_id, str) and context_id
        self.context_id = context_id if given else str(uuid.uuid4())
        self.updates: list[Message] = []
        self.events = EventSequence(self.task_id)

    async def progress(
        self, fraction: float, message: str = "", data: dict[str, Any] | None = None
    ) -> None:
        parts, meta = progress_parts(fraction, message, data, self.events, self.skill_id)
        update = Message(
            role=Role.ROLE_AGENT,
            task_id=self.task_id,
            context_id=self.context_id,
            message_id=str(uuid.uuid4()),
            parts=parts,
        )
        update.metadata.update(meta)
        self.updates.append(update)

    def _status(self, state: TaskState, message: Message | None = None) -> TaskStatus:
        status = TaskStatus(state=state, timestamp=now_timestamp())
        if message is not None:
            status.message.CopyFrom(message)
        return status

    def _artifacts(self, answer: CachedAnswer) -> list[tuple[Artifact, Any]]:
        """(artifact, the JSON of its data part or None) per artifact, as the executor sends."""
        shell = Artifact(artifact_id=str(uuid.uuid4()), name=self.skill_id)
        shell.parts.append(Part(media_type=JSON))
        # The stored JSON goes out as is: ints stay ints, so the receiver may skip restoring them.
        shell.parts[0].metadata.update({EXACT_JSON_KEY: True})
        found: list[tuple[Artifact, Any]] = [(shell, answer.data)]
        for name, text in answer.text_artifacts.items():
            artifact = Artifact(artifact_id=str(uuid.uuid4()), name=name)
            artifact.parts.append(text_part(text))
            found.append((artifact, None))
        return found

    def stream(self, request_id: str | int, answer: CachedAnswer) -> tuple[bytes, Task]:
        """The SSE body, and the finished task for the store (its output still JSON)."""
        frames: list[bytes] = []

        def send(event: StreamResponse, data: Any = None) -> None:
            result = MessageToDict(event, preserving_proto_field_name=False)
            if data is not None:
                result["artifactUpdate"]["artifact"]["parts"][0]["data"] = data
            body = {"id": request_id, "jsonrpc": "2.0", "result": result}
            frames.append(b"data: " + orjson.dumps(body) + b"\n\n")

        working = self._status(TaskState.TASK_STATE_WORKING)
        send(StreamResponse(task=Task(id=self.task_id, context_id=self.context_id, status=working)))
        for update in self.updates:
            status = self._status(TaskState.TASK_STATE_WORKING, update)
            send(StreamResponse(status_update=self._status_event(status)))
        artifacts = self._artifacts(answer)
        for artifact, data in artifacts:
            event = TaskArtifactUpdateEvent(
                task_id=self.task_id, context_id=self.context_id, artifact=artifact
            )
            send(StreamResponse(artifact_update=event), data)
        done = self._status(TaskState.TASK_STATE_COMPLETED)
        send(StreamResponse(status_update=self._status_event(done)))
        task = Task(id=self.task_id, context_id=self.context_id, status=done)
        for artifact, _ in artifacts:
            task.artifacts.append(artifact)
        return b"".join(frames), task

    def _status_event(self, status: TaskStatus) -> TaskStatusUpdateEvent:
        return TaskStatusUpdateEvent(
            task_id=self.task_id, context_id=self.context_id, status=status
        )


class _FinishedAnswer:
    """The stored task as the SDK keeps one (the request and the agent's messages in its
    history, the output as a DataPart), built only when asked for: as protobuf on first use
    (GetTask), or as the database's JSON columns (written in the background). It holds protobuf
    messages and bytes, which Python's garbage collector does not walk: the output's dicts kept
    for thousands of tasks made every collection, and so every call, slower."""

    def __init__(self, task: Task, updates: list[Message], body: bytes, data: bytes) -> None:
        self._task, self._updates, self._body, self._data = task, updates, body, data

    def _request(self) -> dict[str, Any]:
        message = orjson.loads(self._body)["params"]["message"]
        message["taskId"], message["contextId"] = self._task.id, self._task.context_id
        return message

    def task(self) -> Task:
        task = Task()
        task.CopyFrom(self._task)
        request = ParseDict(self._request(), Message(), ignore_unknown_fields=True)
        task.history.append(request)
        task.history.extend(self._updates)
        task.artifacts[0].parts[0].CopyFrom(data_part(orjson.loads(self._data)))
        return task

    def columns(self) -> dict[str, Any]:
        from a2a_mcp.server.task_db import task_columns

        artifacts = [MessageToDict(artifact) for artifact in self._task.artifacts]
        artifacts[0]["parts"][0]["data"] = orjson.loads(self._data)
        history = [self._request(), *(MessageToDict(update) for update in self._updates)]
        return task_columns(self._task, history=history, artifacts=artifacts)


class CachedAnswerRoute:
    """The JSON-RPC endpoint: cached answers here, everything else to a2a-sdk's dispatcher."""

    def __init__(
        self,
        agent: Agent,
        answers: CachedAnswers,
        store: LaterTaskStore,
        sdk_endpoint: Endpoint,
    ) -> None:
        self.agent = agent
        self.answers = answers
        self.store = store
        self.sdk_endpoint = sdk_endpoint
        self._contexts = DefaultServerCallContextBuilder()

    async def handle(self, request: Request) -> Response:
        started = time.perf_counter()
        answered = await self._try(request, started) if _protocol_1_0(request) else None
        # The SDK reads the body Starlette keeps, so nothing is lost by having looked.
        return answered if answered is not None else await self.sdk_endpoint(request)

    async def _try(self, request: Request, started: float) -> Response | None:
        raw = await request.body()
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return None
        message = _new_task_request(body)
        if message is None:
            return None
        try:
            call = read_call_json(self.agent, message)
        except AgentError:
            return None  # the SDK path rejects it with the usual failed task
        answer = _Answer(call.skill.id, message.get("contextId"))
        with structlog.contextvars.bound_contextvars(
            agent=self.agent.name, task_id=answer.task_id, context_id=answer.context_id
        ):
            cached = await self.answers.answer_from_cache(
                self.agent, call.skill, call.input, answer.progress, call.call_meta
            )
            if cached is None:
                return None
            payload, task = answer.stream(body["id"], cached)
            later = _FinishedAnswer(task, answer.updates, raw, orjson.dumps(cached.data))
            await self.store.save_later(task.id, self._contexts.build(request), later)
            metrics.CACHED_ANSWERS.labels(self.agent.name, call.skill.id).inc()
            metrics.TASKS.labels(self.agent.name, call.skill.id, "completed").inc()
            metrics.TASK_SECONDS.labels(self.agent.name, call.skill.id).observe(
                time.perf_counter() - started
            )
            log.debug("answered from cache", skill=call.skill.id)
        return Response(payload, media_type="text/event-stream", headers=_SSE_HEADERS)

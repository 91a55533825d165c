"""A2AClient: call a remote agent's skill over A2A, with replicas, breakers, retries, timeouts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
import structlog
from a2a.client import A2AClientError, BaseClient, ClientCallContext, ClientConfig
from a2a.client.card_resolver import parse_agent_card
from a2a.types import (
    AgentCard,
    Artifact,
    CancelTaskRequest,
    SendMessageConfiguration,
    SendMessageRequest,
    StreamResponse,
    TaskState,
    TaskStatus,
)
from a2a.utils.constants import AGENT_CARD_WELL_KNOWN_PATH
from a2a.utils.errors import A2AError, InvalidParamsError
from google.protobuf.json_format import ParseError
from pydantic import BaseModel
from pydantic_core import to_jsonable_python
from tenacity import RetryCallState

from a2a_mcp.agent import Progress
from a2a_mcp.cards import skill_meta
from a2a_mcp.client import metrics
from a2a_mcp.client.base import CallOptions
from a2a_mcp.client.errors import error_from_payload
from a2a_mcp.client.health import HealthChecker
from a2a_mcp.client.pool import HttpPool, get_pool
from a2a_mcp.client.replicas import Replica, ReplicaSet
from a2a_mcp.client.transport import (
    PLAIN_DATA_KEY,
    PLAIN_REQUEST_KEY,
    AiohttpJsonRpcTransport,
    TransportStatusError,
    http_errors,
    plain_data,
)
from a2a_mcp.errors import (
    AgentError,
    AgentUnavailableError,
    CallTimeoutError,
    InvalidInputError,
    RateLimitedError,
    SkillFailedError,
    UnauthorizedError,
)
from a2a_mcp.observability import get_logger
from a2a_mcp.protocol import read_error, read_progress, skill_request, texts
from a2a_mcp.registry import AgentRegistry
from a2a_mcp.resilience import (
    ConnectFailed,
    ConnectionLost,
    RequestTimedOut,
    TransportFailure,
    UpstreamStatusError,
    counts_against_replica,
    retrying,
    safe_to_retry,
)
from a2a_mcp.settings import A2AClientSettings

log = get_logger("a2a_mcp.client")

_DRAIN_S = 1.0  # how long to wait for a stream to close after its final event
_FAILED = {TaskState.TASK_STATE_FAILED, TaskState.TASK_STATE_REJECTED}
_STOPPED = {
    TaskState.TASK_STATE_CANCELED,
    TaskState.TASK_STATE_INPUT_REQUIRED,
    TaskState.TASK_STATE_AUTH_REQUIRED,
}


@dataclass
class _Call:
    """What one call knows as it goes: whether a retry is harmless, where it went."""

    agent: str
    skill: str
    payload: dict[str, Any]
    options: CallOptions
    on_progress: Progress | None
    idempotent: bool = False
    replica: Replica | None = None


@dataclass
class _Seen:
    """What a call's event stream has shown so far."""

    task_id: str = ""
    artifacts: dict[str, Artifact] = field(default_factory=dict)
    # Artifact DataParts as plain JSON, left here by our transport (see PLAIN_DATA_KEY).
    plain: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FileArtifact:
    """A file an agent published as an A2A artifact: its name, where to GET it, its type."""

    name: str
    url: str
    media_type: str = ""


@dataclass
class _Outcome:
    output: dict[str, Any] | None = None
    error: AgentError | None = None
    files: list[FileArtifact] = field(default_factory=list)


def _error_kind(error: BaseException) -> str:
    if isinstance(error, ConnectFailed):
        return "connect"
    if isinstance(error, UpstreamStatusError):
        return "status"
    if isinstance(error, ConnectionLost):
        return "disconnect"
    if isinstance(error, RequestTimedOut):
        return "timeout"
    return "protocol"


def _holds_model(value: Any) -> bool:
    if isinstance(value, BaseModel):
        return True
    if isinstance(value, dict):
        return any(isinstance(item, BaseModel) for item in value.values())
    if isinstance(value, list | tuple):
        return any(isinstance(item, BaseModel) for item in value)
    return False


def _json_ready(input: BaseModel | Mapping[str, Any]) -> dict[str, Any]:
    """The call's input as JSON data for the wire. An input built in process may hold models
    (in-process nodes' outputs, or a mapping of them); plain data is passed as it is, without
    a walk over it (about 0.1 ms for a package-sized input)."""
    if isinstance(input, BaseModel):
        return input.model_dump(mode="json")
    payload = dict(input)
    if any(_holds_model(value) for value in payload.values()):
        return dict(to_jsonable_python(payload))
    return payload


class A2AClient:
    """Implements AgentClient over A2A: streaming calls, replicas, breakers, safe retries."""

    def __init__(
        self,
        registry: AgentRegistry,
        *,
        session_pool: HttpPool | None = None,
        settings: A2AClientSettings | None = None,
        cards: Mapping[str, AgentCard] | None = None,
    ) -> None:
        self.registry = registry
        self.pool = session_pool or get_pool()
        self.settings = settings or A2AClientSettings()
        self._sets: dict[str, ReplicaSet] = {}
        # Cards already known (a short-lived client reusing what an earlier one fetched).
        self._cards: dict[str, AgentCard] = dict(cards or {})
        self._cache_kinds: dict[str, tuple[AgentCard, frozenset[str]]] = {}
        self._card_locks: dict[str, asyncio.Lock] = {}
        self.health = HealthChecker(
            self.pool,
            interval_s=self.settings.health_interval_s,
            timeout_s=self.settings.health_timeout_s,
        )

    def replicas(self, agent: str) -> ReplicaSet:
        """The agent's replicas (UnknownAgentError if the registry has no address for it)."""
        found = self._sets.get(agent)
        if found is None:
            found = ReplicaSet(
                agent,
                self.registry.urls(agent),
                failure_threshold=self.settings.breaker_failures,
                cooldown_s=self.settings.breaker_cooldown_s,
            )
            self._sets[agent] = found
            self.health.watch(found)
        return found

    async def call(
        self,
        agent: str,
        skill: str,
        input: BaseModel | Mapping[str, Any],
        on_progress: Progress | None = None,
        options: CallOptions | None = None,
    ) -> dict[str, Any]:
        """Run `skill` on `agent` and return its output JSON; progress goes to on_progress."""
        outcome = await self._call(agent, skill, input, on_progress, options)
        assert outcome.output is not None
        return outcome.output

    async def call_with_files(
        self,
        agent: str,
        skill: str,
        input: BaseModel | Mapping[str, Any],
        on_progress: Progress | None = None,
        options: CallOptions | None = None,
    ) -> tuple[dict[str, Any], list[FileArtifact]]:
        """Like call(), and also the file artifacts the agent published (name, url, type)."""
        outcome = await self._call(agent, skill, input, on_progress, options)
        assert outcome.output is not None
        return outcome.output, outcome.files

    async def _call(
        self,
        agent: str,
        skill: str,
        input: BaseModel | Mapping[str, Any],
        on_progress: Progress | None,
        options: CallOptions | None,
    ) -> _Outcome:
        options = options or CallOptions()
        payload = _json_ready(input)
        call = _Call(agent, skill, payload, options, on_progress)
        replicas = self.replicas(agent)
        self.health.start()
        timeout_s = options.timeout_s or self.settings.call_timeout_s
        started = time.perf_counter()
        with structlog.contextvars.bound_contextvars(agent=agent, skill=skill):
            try:
                async with asyncio.timeout(timeout_s) as deadline:
                    return await self._call_with_retries(call, replicas)
            except TimeoutError:
                if not deadline.expired():
                    raise
                metrics.ERRORS.labels(agent, "deadline").inc()
                where = f" at {call.replica.url}" if call.replica else ""
                raise CallTimeoutError(
                    f"{agent}.{skill}{where} did not finish within {timeout_s} s",
                    details={"agent": agent, "skill": skill, "timeout_s": timeout_s},
                ) from None
            finally:
                metrics.LATENCY.labels(agent).observe(time.perf_counter() - started)

    async def _call_with_retries(self, call: _Call, replicas: ReplicaSet) -> _Outcome:
        tried: set[str] = set()

        def should_retry(error: BaseException) -> bool:
            return safe_to_retry(error, idempotent=call.idempotent)

        def on_retry(state: RetryCallState) -> None:
            metrics.RETRIES.labels(call.agent).inc()
            error = state.outcome.exception() if state.outcome else None
            log.info("retrying", attempt=state.attempt_number, error=str(error))

        try:
            loop = retrying(self.settings.retry, should_retry, on_retry, honour_retry_after=True)
            async for attempt in loop:
                with attempt:
                    replica = replicas.choose(frozenset(tried))
                    tried.add(replica.url)
                    call.replica = replica
                    return await self._attempt(call, replica)
        except TransportFailure as error:
            raise self._as_agent_error(call, replicas, error) from None
        except A2AError as error:
            raise self._protocol_error(call, error) from None
        raise AssertionError("unreachable: the retry loop returns or raises")

    async def _attempt(self, call: _Call, replica: Replica) -> _Outcome:
        """One try on one replica; feeds its breaker with what the exchange showed."""
        replica.begin()
        metrics.REQUESTS.labels(call.agent).inc()
        verdict = False
        try:
            client = await self._client(call, replica)
            outcome = await self._stream(call, client, replica)
            replica.breaker.record_success()
            replica.last_error = ""
            verdict = True
        except TransportFailure as error:
            metrics.ERRORS.labels(call.agent, _error_kind(error)).inc()
            replica.last_error = str(error)
            if counts_against_replica(error):
                replica.breaker.record_failure()
                verdict = True
            raise
        except A2AError:
            # A protocol error (bad params, unknown task...) still shows a working replica.
            metrics.ERRORS.labels(call.agent, "protocol").inc()
            replica.breaker.record_success()
            verdict = True
            raise
        finally:
            if not verdict:
                replica.breaker.release()
            replica.end()
        if outcome.error is not None:
            metrics.ERRORS.labels(call.agent, "remote").inc()
            raise outcome.error
        assert outcome.output is not None
        return outcome

    async def _client(self, call: _Call, replica: Replica) -> BaseClient:
        card = await self.card(call.agent, replica)
        call.idempotent = not call.options.no_cache and call.skill in self._cached_skills(
            call.agent, card
        )
        if replica.client is None:
            transport = AiohttpJsonRpcTransport(
                self.pool,
                card,
                replica.url,
                request_timeout_s=self.settings.request_timeout_s,
                stream_read_timeout_s=self.settings.stream_read_timeout_s,
                auth_token=self.settings.api_key.get_secret_value()
                if self.settings.api_key is not None
                else None,
            )
            replica.client = BaseClient(card, ClientConfig(streaming=True), transport, [])
        return replica.client

    def _cached_skills(self, agent: str, card: AgentCard) -> frozenset[str]:
        """The agent's skills behind a cache (safe to retry), read from its card once: the
        card's skill extension holds every schema, too slow to convert on every call."""
        known = self._cache_kinds.get(agent)
        if known is None or known[0] is not card:
            meta = skill_meta(card)
            skills = frozenset(name for name in meta if meta[name].get("cache_kind"))
            known = self._cache_kinds[agent] = (card, skills)
        return known[1]

    async def card(self, agent: str, replica: Replica | None = None) -> AgentCard:
        """The agent's card, fetched once from a replica and kept."""
        if agent in self._cards:
            return self._cards[agent]
        lock = self._card_locks.setdefault(agent, asyncio.Lock())
        async with lock:
            if agent not in self._cards:
                url = replica.url if replica else self.replicas(agent).replicas[0].url
                self._cards[agent] = await self._fetch_card(agent, url)
        return self._cards[agent]

    async def _fetch_card(self, agent: str, url: str) -> AgentCard:
        timeout_s = self.settings.request_timeout_s
        with http_errors(url):
            async with self.pool.session.get(
                f"{url}{AGENT_CARD_WELL_KNOWN_PATH}",
                timeout=self.pool.timeout(timeout_s, read_s=timeout_s),
            ) as response:
                if response.status != 200:
                    raise TransportStatusError(
                        f"{url} has no agent card (HTTP {response.status} for "
                        f"{AGENT_CARD_WELL_KNOWN_PATH})",
                        response.status,
                    )
                raw = await response.read()
        try:
            card = parse_agent_card(orjson.loads(raw))
        except (orjson.JSONDecodeError, ParseError) as exc:
            raise AgentUnavailableError(f"the agent card at {url} is not valid: {exc}") from None
        if card.name != agent:
            raise AgentUnavailableError(
                f"the service at {url} is agent '{card.name}', not '{agent}'; check its address "
                f"in {self.registry.where_set(agent)}",
                details={"agent": agent, "url": url, "found": card.name},
            )
        return card

    async def _stream(self, call: _Call, client: BaseClient, replica: Replica) -> _Outcome:
        message = skill_request(
            call.skill,
            call.payload,
            no_cache=call.options.no_cache,
            context_id=call.options.context_id,
        )
        seen = _Seen()
        # history_length 0: the agent need not echo the (possibly large) input back.
        request = SendMessageRequest(
            message=message, configuration=SendMessageConfiguration(history_length=0)
        )
        # Our transport sends the input from call.payload and hands artifact JSON over as is,
        # instead of converting both through protobuf Struct once more.
        context = ClientCallContext(
            state={PLAIN_DATA_KEY: seen.plain, PLAIN_REQUEST_KEY: {0: call.payload}}
        )
        events = client.send_message(request, context=context)
        outcome: _Outcome | None = None
        try:
            async for event in events:
                outcome = await self._on_event(call, client, event, seen)
                if outcome is not None:
                    break
            if outcome is not None:
                await self._drain(events)
        except asyncio.CancelledError:
            if seen.task_id and outcome is None:
                await self._cancel_remote(client, seen.task_id)
            raise
        finally:
            # a2a-sdk declares an AsyncIterator; it is an async generator, closed here at once.
            if isinstance(events, AsyncGenerator):
                await events.aclose()
        if outcome is None:
            raise _StreamEnded(
                f"the stream from {replica.url} ended before {call.agent}.{call.skill} finished "
                f"(task {seen.task_id or 'not yet created'}); the work may have started"
            )
        return outcome

    @staticmethod
    async def _drain(events: AsyncIterator[StreamResponse]) -> None:
        """Read the stream to its end (the server closes it right after the final state), so
        the connection goes back to the pool instead of being closed half-read."""
        try:
            async with asyncio.timeout(_DRAIN_S):
                async for _ in events:
                    pass
        except (TimeoutError, A2AError, TransportFailure):
            pass

    async def _on_event(
        self, call: _Call, client: BaseClient, event: StreamResponse, seen: _Seen
    ) -> _Outcome | None:
        """Track one streamed event; returns the outcome once the task reaches a final state."""
        status: TaskStatus | None = None
        if event.HasField("status_update"):
            seen.task_id = event.status_update.task_id
            status = event.status_update.status
        elif event.HasField("artifact_update"):
            update = event.artifact_update
            self._merge(seen.artifacts, update.artifact, update.append)
        elif event.HasField("task"):
            seen.task_id = event.task.id
            status = event.task.status
            for artifact in event.task.artifacts:
                seen.artifacts[artifact.name] = artifact
        elif event.HasField("message"):
            text = " ".join(texts(event.message.parts))[:200]
            return _Outcome(
                error=SkillFailedError(
                    f"{call.agent}.{call.skill} answered with a message, not a task: {text}"
                )
            )
        if status is None:
            return None
        if status.state == TaskState.TASK_STATE_WORKING:
            await self._progress(call, status)
            return None
        if status.state == TaskState.TASK_STATE_COMPLETED:
            return self._output(call, seen)
        if status.state in _FAILED:
            return _Outcome(error=error_from_payload(read_error(status.message)))
        if status.state in _STOPPED:
            if status.state != TaskState.TASK_STATE_CANCELED:
                await self._cancel_remote(client, seen.task_id)
            return _Outcome(error=self._stopped(call, status, seen.task_id))
        return None

    @staticmethod
    def _merge(artifacts: dict[str, Artifact], artifact: Artifact, append: bool) -> None:
        known = artifacts.get(artifact.name)
        if append and known is not None:
            known.parts.extend(artifact.parts)
        else:
            artifacts[artifact.name] = artifact

    async def _progress(self, call: _Call, status: TaskStatus) -> None:
        if call.on_progress is None or not status.HasField("message"):
            return
        report = read_progress(status.message)
        if report is None:
            return
        try:
            await call.on_progress(*report)
        except Exception:
            # A failing progress display must not fail the call it is showing.
            log.warning("on_progress raised", exc_info=True)

    def _output(self, call: _Call, seen: _Seen) -> _Outcome:
        artifacts, task_id = seen.artifacts, seen.task_id
        artifact = artifacts.get(call.skill)
        data = plain_data(artifact.parts, seen.plain) if artifact is not None else None
        if not isinstance(data, dict):
            return _Outcome(
                error=SkillFailedError(
                    f"{call.agent}.{call.skill} finished (task {task_id}) without an artifact "
                    f"named '{call.skill}' holding JSON",
                    details={"task_id": task_id, "artifacts": sorted(artifacts)},
                )
            )
        files = [
            FileArtifact(name, part.url, part.media_type)
            for name, found in artifacts.items()
            for part in found.parts
            if part.WhichOneof("content") == "url"
        ]
        return _Outcome(output=data, files=files)

    def _stopped(self, call: _Call, status: TaskStatus, task_id: str) -> AgentError:
        reason = " ".join(texts(status.message.parts)) if status.HasField("message") else ""
        state = TaskState.Name(status.state).removeprefix("TASK_STATE_").lower()
        error = SkillFailedError(
            f"{call.agent}.{call.skill} stopped in state {state}"
            + (f": {reason}" if reason else ""),
            details={"task_id": task_id, "state": state},
        )
        if status.state == TaskState.TASK_STATE_CANCELED:
            error.code = "cancelled"
        return error

    async def _cancel_remote(self, client: BaseClient, task_id: str) -> None:
        """Ask the agent to stop the task; best effort, bounded in time."""
        try:
            async with asyncio.timeout(self.settings.request_timeout_s):
                await client.cancel_task(CancelTaskRequest(id=task_id))
            log.info("cancel sent", task_id=task_id)
        except (TimeoutError, A2AError, TransportFailure) as exc:
            log.warning("cancel not delivered", task_id=task_id, error=str(exc))

    def _as_agent_error(
        self, call: _Call, replicas: ReplicaSet, error: TransportFailure
    ) -> AgentError:
        details = {"agent": call.agent, "skill": call.skill}
        if isinstance(error, RequestTimedOut):
            return CallTimeoutError(
                f"{call.agent}.{call.skill}: {error} (no event for "
                f"{self.settings.stream_read_timeout_s} s)",
                details=details,
            )
        if isinstance(error, UpstreamStatusError) and error.status in (401, 403):
            return UnauthorizedError(
                f"agent '{call.agent}' refused {call.skill}: {error}; {self.settings.api_key_hint}",
                details=details,
            )
        if isinstance(error, UpstreamStatusError) and error.status == 429:
            return RateLimitedError(
                f"agent '{call.agent}' refused {call.skill}: {error}", details=details
            )
        tried = "; ".join(r.describe() for r in replicas.replicas)
        return AgentUnavailableError(
            f"agent '{call.agent}' is unavailable for {call.skill}: {error}. Replicas: {tried}",
            details={**details, "replicas": [r.url for r in replicas.replicas]},
        )

    def _protocol_error(self, call: _Call, error: A2AError) -> AgentError:
        message = f"agent '{call.agent}' refused {call.skill}: {error.message}"
        if isinstance(error, InvalidParamsError):
            return InvalidInputError(message, details={"agent": call.agent, "skill": call.skill})
        if isinstance(error, A2AClientError):
            return AgentUnavailableError(message, details={"agent": call.agent})
        return SkillFailedError(message, details={"agent": call.agent, "skill": call.skill})

    async def aclose(self) -> None:
        """Stop health checks; the pooled session stays for others (close_pool() at exit)."""
        await self.health.aclose()


class _StreamEnded(A2AClientError, ConnectionLost):
    """The event stream closed before the task reached a final state."""

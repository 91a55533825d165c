"""A2A push notifications: each task event POSTed to the client's webhook, in order, with retries.

a2a-sdk awaits the sender inline while it processes a task's events, so delivery here is queued:
one worker per task sends that task's events in order, each with a timeout and retries
(a2a_mcp.resilience's tenacity loop: exponential backoff with jitter) on connection errors,
timeouts, 429 and 5xx; any other answer is final. A webhook that stays down costs the task nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson
from a2a.server.tasks import PushNotificationConfigStore, PushNotificationSender
from a2a.server.tasks.push_notification_sender import PushNotificationEvent
from a2a.types import Task, TaskPushNotificationConfig, TaskStatusUpdateEvent
from a2a.utils.errors import InvalidParamsError
from a2a.utils.proto_utils import to_stream_response
from google.protobuf.json_format import MessageToDict
from prometheus_client import Counter
from yarl import URL

from a2a_mcp.observability import REGISTRY, get_logger
from a2a_mcp.resilience import RetryPolicy, retrying
from a2a_mcp.server.push_urls import push_url_problem
from a2a_mcp.server.store import FINISHED_STATES

log = get_logger("a2a_mcp.server.push")

PUSHES = Counter(
    "a2a_server_push_notifications",
    "Push notifications by outcome (sent; failed: given up after retries or refused by the "
    "webhook; refused: a URL the server does not call, push_urls).",
    ["agent", "outcome"],
    registry=REGISTRY,
)
TOKEN_HEADER = "X-A2A-Notification-Token"


class _Retryable(Exception):
    """The webhook answered with a status worth trying again (429, 5xx)."""


class LocalPushConfigs(PushNotificationConfigStore):
    """A config store (memory or database) that remembers which tasks got a config through
    this process, so sending asks the store only about those: a database query for each event
    of every task cost the orchestrator more than its own work per brief.

    A config created through another replica for a task running here is not seen. A URL that
    `screen` finds a problem with is refused with that problem (invalid params)."""

    def __init__(self, inner: PushNotificationConfigStore) -> None:
        self.inner = inner
        self.tasks: set[str] = set()
        self.screen: Callable[[str], Awaitable[str | None]] | None = None

    async def set_info(
        self, task_id: str, notification_config: TaskPushNotificationConfig, context: Any
    ) -> TaskPushNotificationConfig | None:
        if self.screen is not None:
            problem = await self.screen(notification_config.url)
            if problem is not None:
                raise InvalidParamsError(message=problem)
        self.tasks.add(task_id)
        return await self.inner.set_info(task_id, notification_config, context)

    async def get_info(self, task_id: str, context: Any) -> list[TaskPushNotificationConfig]:
        return await self.inner.get_info(task_id, context)

    async def get_info_for_dispatch(self, task_id: str) -> list[TaskPushNotificationConfig]:
        if task_id not in self.tasks:
            return []
        return await self.inner.get_info_for_dispatch(task_id)

    async def delete_info(self, task_id: str, context: Any, config_id: str | None = None) -> None:
        await self.inner.delete_info(task_id, context, config_id)


def _worth_retrying(error: BaseException) -> bool:
    return isinstance(error, _Retryable | aiohttp.ClientConnectionError | TimeoutError)


@dataclass
class PushSettings:
    """Delivery limits of one webhook call."""

    attempts: int = 5
    timeout_s: float = 10.0
    initial_wait_s: float = 0.5
    max_wait_s: float = 30.0
    # Loopback and private webhook addresses (push_urls): off for a server others can reach.
    allow_private_urls: bool = False


def _final(event: PushNotificationEvent) -> bool:
    if isinstance(event, Task):
        return event.status.state in FINISHED_STATES
    if isinstance(event, TaskStatusUpdateEvent):
        return event.status.state in FINISHED_STATES
    return False


class WebhookSender(PushNotificationSender):
    """Sends each task event to every webhook configured for the task (A2A push config)."""

    def __init__(
        self,
        config_store: PushNotificationConfigStore,
        *,
        agent: str,
        settings: PushSettings | None = None,
    ) -> None:
        self.config_store = config_store
        self.agent = agent
        self.settings = settings or PushSettings()
        self._queues: dict[str, asyncio.Queue[tuple[bytes, bool]]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}

    async def send_notification(self, task_id: str, event: PushNotificationEvent) -> None:
        queue = self._queues.get(task_id)
        if queue is None:
            # Most tasks have no webhook: look before starting a worker for this one.
            try:
                if not await self.config_store.get_info_for_dispatch(task_id):
                    return
            except Exception as exc:
                log.warning("push configs unreadable", task_id=task_id, error=str(exc))
                return
            queue = self._queues[task_id] = asyncio.Queue()
            self._workers[task_id] = asyncio.create_task(
                self._deliver_all(task_id, queue), name=f"push-{task_id}"
            )
        body = orjson.dumps(MessageToDict(to_stream_response(event)))
        queue.put_nowait((body, _final(event)))

    async def _deliver_all(self, task_id: str, queue: asyncio.Queue[tuple[bytes, bool]]) -> None:
        try:
            while True:
                body, final = await queue.get()
                # Read per event: a config may be added or removed while the task runs.
                try:
                    configs = await self.config_store.get_info_for_dispatch(task_id)
                except Exception as exc:
                    log.warning("push configs unreadable", task_id=task_id, error=str(exc))
                    configs = []
                await asyncio.gather(*(self._deliver(task_id, c, body) for c in configs))
                if final and queue.empty():
                    return
        finally:
            self._queues.pop(task_id, None)
            self._workers.pop(task_id, None)
            if isinstance(self.config_store, LocalPushConfigs):
                self.config_store.tasks.discard(task_id)

    async def screen(self, url: str) -> str | None:
        """Why this server will not call `url` (a2a_mcp.server.push_urls), or None."""
        return await push_url_problem(url, allow_private=self.settings.allow_private_urls)

    async def _deliver(self, task_id: str, config: TaskPushNotificationConfig, body: bytes) -> None:
        from a2a_mcp.client import get_pool

        # Again at delivery: the host's DNS may point elsewhere since the config was set.
        problem = await self.screen(config.url)
        if problem is not None:
            PUSHES.labels(self.agent, "refused").inc()
            log.warning("push notification refused", task_id=task_id, problem=problem)
            return

        headers = {"Content-Type": "application/json"}
        if config.token:
            headers[TOKEN_HEADER] = config.token
        if config.HasField("authentication") and config.authentication.scheme:
            auth = config.authentication
            if auth.credentials:
                headers["Authorization"] = f"{auth.scheme} {auth.credentials}"
        pool = get_pool()
        settings = self.settings

        async def post() -> None:
            timeout = pool.timeout(settings.timeout_s)
            async with pool.session.post(
                config.url, data=body, headers=headers, timeout=timeout
            ) as response:
                if response.status == 429 or response.status >= 500:
                    raise _Retryable(f"HTTP {response.status}")
                response.raise_for_status()

        try:
            policy = RetryPolicy(
                attempts=settings.attempts,
                initial_delay_s=settings.initial_wait_s,
                max_delay_s=settings.max_wait_s,
                jitter_s=settings.initial_wait_s,
            )
            async for attempt in retrying(policy, _worth_retrying):
                with attempt:
                    await post()
        except Exception as exc:
            PUSHES.labels(self.agent, "failed").inc()
            # The URL may carry a token in its query: log the host only.
            log.warning(
                "push notification not delivered",
                task_id=task_id,
                host=URL(config.url).host,
                error=str(exc) or type(exc).__name__,
            )
            return
        PUSHES.labels(self.agent, "sent").inc()

    async def aclose(self, timeout_s: float = 10.0) -> None:
        """Let queued deliveries finish for up to timeout_s, then stop them."""
        workers = list(self._workers.values())
        if not workers:
            return
        _, pending = await asyncio.wait(workers, timeout=timeout_s)
        for worker in pending:
            worker.cancel()
        for worker in pending:
            with contextlib.suppress(asyncio.CancelledError):
                await worker

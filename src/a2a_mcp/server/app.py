"""build_app: one Agent as an ASGI app with the card, JSON-RPC, HTTP+JSON, /health and /metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from a2a.server.routes import (
    create_agent_card_routes,
    create_jsonrpc_routes,
    create_rest_routes,
)
from a2a.server.tasks import (
    InMemoryPushNotificationConfigStore,
    TaskStore,
)
from a2a.types import AgentCard, Task
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from a2a_mcp.agent import Agent
from a2a_mcp.auth import ApiKeys
from a2a_mcp.cards import agent_card
from a2a_mcp.observability import REGISTRY, get_logger
from a2a_mcp.offers import ServesFiles, Startable
from a2a_mcp.server.executor import SkillExecutor, SkillWrapper
from a2a_mcp.server.fast_path import CachedAnswerRoute, CachedAnswers
from a2a_mcp.server.files import ServedFiles
from a2a_mcp.server.guard import DEFAULT_MAX_BODY_BYTES, Guard, RateLimit
from a2a_mcp.server.handler import RequestHandler
from a2a_mcp.server.push import LocalPushConfigs, PushSettings, WebhookSender
from a2a_mcp.server.sdk_logs import quiet_client_mistakes
from a2a_mcp.server.store import BoundedTaskStore
from a2a_mcp.server.task_db import DurableTaskStore

log = get_logger("a2a_mcp.server")


@dataclass
class ServerState:
    """What the routes and the shutdown hook share about one served agent."""

    agent: Agent
    card: AgentCard
    executor: SkillExecutor
    handler: RequestHandler
    drain_timeout_s: float
    store: Any = None  # BoundedTaskStore | DurableTaskStore: start()/aclose()
    push: WebhookSender | None = None
    draining: bool = False

    def health(self) -> dict[str, object]:
        return {
            "agent": self.agent.name,
            "version": self.agent.version,
            "live": True,
            "ready": not self.draining,
            "running_tasks": self.executor.running,
        }

    async def shutdown(self) -> None:
        """Stop taking work, let running tasks finish (bounded), then release the handler."""
        self.draining = True
        cancelled = await self.executor.drain(self.drain_timeout_s)
        if cancelled:
            log.warning("cancelled tasks still running at shutdown", count=cancelled)
        await self.handler.aclose()
        if self.push is not None:
            await self.push.aclose()
        if self.store is not None:
            await self.store.aclose()


def _health_routes(state: ServerState) -> list[BaseRoute]:
    async def health(_: Request) -> Response:
        body = state.health()
        return JSONResponse(body, status_code=200 if body["ready"] else 503)

    async def live(_: Request) -> Response:
        return JSONResponse({"live": True})

    async def metrics(_: Request) -> Response:
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return [
        Route("/health", health, methods=["GET"]),
        Route("/health/ready", health, methods=["GET"]),
        Route("/health/live", live, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]


def _jsonrpc_routes(
    agent: Agent,
    handler: RequestHandler,
    store: Any,
    skill_wrapper: SkillWrapper | None,
    grace: float,
) -> list[BaseRoute]:
    """a2a-sdk's JSON-RPC route at "/", behind the cached-answer fast path when the skill
    wrapper can answer from a cache."""
    routes = create_jsonrpc_routes(
        handler, "/", enable_v0_3_compat=True, shutdown_grace_period=grace
    )
    # Seen as `object` first: mypy takes a callback Protocol and CachedAnswers as disjoint.
    wrapper: object = skill_wrapper
    wrapped: list[BaseRoute] = []
    for route in routes:
        if isinstance(route, Route) and route.path == "/":
            endpoint = route.endpoint
            if isinstance(wrapper, CachedAnswers):
                endpoint = CachedAnswerRoute(agent, wrapper, store, endpoint).handle
            route = Route("/", _json_only(endpoint), methods=sorted(route.methods or {"POST"}))
        wrapped.append(route)
    return wrapped


_CONTENT_TYPE_NOT_SUPPORTED = -32005  # A2A's ContentTypeNotSupportedError on JSON-RPC


def _json_only(endpoint: Any) -> Any:
    """A JSON-RPC request sent as something other than JSON gets A2A's
    ContentTypeNotSupportedError naming what was sent, not a parse error."""

    async def guarded(request: Request) -> Response:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind and kind != "application/json" and not kind.endswith("+json"):
            message = (
                f"Content-Type '{kind}' is not supported: send the JSON-RPC request as "
                "application/json"
            )
            error = {"code": _CONTENT_TYPE_NOT_SUPPORTED, "message": message}
            return JSONResponse({"jsonrpc": "2.0", "id": None, "error": error})
        return await endpoint(request)

    return guarded


def _push_configs(store: Any) -> LocalPushConfigs:
    """Push configs beside the tasks: in the task database when there is one, else in memory."""
    if isinstance(store, DurableTaskStore):
        return LocalPushConfigs(store.push_configs)
    return LocalPushConfigs(InMemoryPushNotificationConfigStore())


def _notify_recovered(sender: WebhookSender, configs: LocalPushConfigs) -> Any:
    async def notify(task: Task) -> None:
        configs.tasks.add(task.id)  # its configs were set in a previous life: look them up
        await sender.send_notification(task.id, task)

    return notify


def build_app(
    agent: Agent,
    *,
    public_url: str,
    skill_wrapper: SkillWrapper | None = None,
    drain_timeout_s: float = 30.0,
    max_finished_tasks: int = 10_000,
    files_dir: Path | None = None,
    task_store: TaskStore | None = None,
    push: PushSettings | None = None,
    api_keys: Iterable[str] = (),
    rate_limit: RateLimit | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> Starlette:
    """Serve `agent` at `public_url`: JSON-RPC at "/", HTTP+JSON routes, 0.3 compatibility on.

    Tasks are kept in `task_store` (default: the last `max_finished_tasks` in memory; a
    `DurableTaskStore` keeps them in a database), push notifications delivered with `push`'s
    limits. Files its outputs publish (`offers.FileArtifacts`) are served from `files_dir`
    (default: the agent's own `files_dir`, when it is `offers.ServesFiles`) at GET
    /files/<path>. With `api_keys`, every route but the health probes, /metrics and the card
    needs one of them (the card declares it); `rate_limit` bounds each client's requests;
    bodies over `max_body_bytes` get 413."""
    keys = ApiKeys(api_keys)
    quiet_client_mistakes()
    card = agent_card(agent, public_url, secured=bool(keys))
    if files_dir is None and isinstance(agent, ServesFiles):
        files_dir = agent.files_dir
    files = ServedFiles(files_dir, public_url) if files_dir is not None else None
    executor = SkillExecutor(agent, skill_wrapper, files=files)
    store = task_store if task_store is not None else BoundedTaskStore(max_finished_tasks)
    configs = _push_configs(store)
    sender = WebhookSender(configs, agent=agent.name, settings=push)
    configs.screen = sender.screen  # read at each call: settings may be swapped while serving
    if isinstance(store, DurableTaskStore):
        # A task a restart failed is news for its webhook too.
        store.on_recovered = _notify_recovered(sender, configs)
    handler = RequestHandler(
        agent_executor=executor,
        task_store=store,
        agent_card=card,
        push_config_store=configs,
        push_sender=sender,
    )
    state = ServerState(agent, card, executor, handler, drain_timeout_s, store, sender)
    # Streams may finish during the drain instead of being cut when shutdown starts.
    grace = drain_timeout_s
    routes: list[BaseRoute] = [
        # Fixed paths first: the REST routes mount "/{tenant}", which would shadow them.
        # A card changes with a deploy, not per request: clients may keep it five minutes.
        *create_agent_card_routes(card, cache_control="public, max-age=300"),
        *_health_routes(state),
        *(files.routes() if files is not None else []),
        *_jsonrpc_routes(agent, handler, store, skill_wrapper, grace),
        *create_rest_routes(handler, enable_v0_3_compat=True, shutdown_grace_period=grace),
    ]

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if isinstance(store, Startable):
            await store.start()
        log.info("agent serving", agent=agent.name, url=public_url, skills=sorted(agent.skills))
        yield
        await state.shutdown()
        log.info("agent stopped", agent=agent.name)

    guard = Middleware(
        Guard,
        agent=agent.name,
        keys=keys,
        rate_limit=rate_limit,
        max_body_bytes=max_body_bytes,
    )
    app = Starlette(routes=routes, lifespan=lifespan, middleware=[guard])
    app.state.a2a = state
    return app

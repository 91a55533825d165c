"""Run a served agent with uvicorn: bind (clear error if the port is taken), serve, drain, stop."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
from collections.abc import Sequence
from types import TracebackType
from typing import Self

import uvicorn

from a2a_mcp.agent import Agent
from a2a_mcp.errors import AgentError
from a2a_mcp.observability import get_logger
from a2a_mcp.server.app import ServerState, build_app
from a2a_mcp.server.executor import SkillWrapper
from a2a_mcp.server.guard import DEFAULT_MAX_BODY_BYTES, RateLimit
from a2a_mcp.server.push import PushSettings
from a2a_mcp.server.task_db import TaskRetention, open_task_store

log = get_logger("a2a_mcp.server")


class ServeError(AgentError):
    """The agent could not be served (address unusable, server failed to start)."""

    code = "serve_failed"


class PortInUseError(ServeError):
    """The port is taken by another process."""

    code = "port_in_use"


def _bind(agent: Agent, host: str, port: int, backlog: int = 2048) -> socket.socket:
    """Bind the listening socket ourselves, so a taken port is a clear error, not a uvicorn exit."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise ServeError(
            f"cannot serve agent '{agent.name}': host '{host}' does not resolve ({exc.strerror})"
        ) from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(backlog)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUseError(
                f"cannot serve agent '{agent.name}': port {port} on {host} is already in use; "
                "stop the process using it or choose another port",
                details={"agent": agent.name, "host": host, "port": port},
            ) from None
        raise ServeError(
            f"cannot serve agent '{agent.name}' on {host}:{port}: {exc.strerror}",
            details={"agent": agent.name, "host": host, "port": port},
        ) from None
    sock.setblocking(False)
    return sock


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "", "::"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


class _Uvicorn(uvicorn.Server):
    """uvicorn's server, reporting not-ready as soon as shutdown begins."""

    def __init__(self, config: uvicorn.Config, state: ServerState) -> None:
        super().__init__(config)
        self.a2a_state = state

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.a2a_state.draining = True
        await super().shutdown(sockets)


class AgentServer:
    """One agent served over A2A in this event loop; `async with AgentServer(agent) as s: s.url`."""

    def __init__(
        self,
        agent: Agent,
        *,
        host: str = "127.0.0.1",
        port: int | None = 0,
        public_url: str | None = None,
        skill_wrapper: SkillWrapper | None = None,
        drain_timeout_s: float = 30.0,
        log_level: str = "warning",
        task_db: str | None = None,
        task_retention: TaskRetention | None = None,
        api_keys: Sequence[str] = (),
        rate_limit: RateLimit | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        push: PushSettings | None = None,
    ) -> None:
        """`task_db`: a database URL (or SQLite file path) for the tasks, None keeps them in
        memory; this process's instance id there is its host name and public URL. `push`:
        webhook delivery limits and which URLs may be called (push_urls)."""
        self.agent = agent
        self.task_db = task_db
        self.task_retention = task_retention
        self.api_keys = tuple(api_keys)
        self.rate_limit = rate_limit
        self.max_body_bytes = max_body_bytes
        self.push = push
        self.host = host
        self.port = agent.default_port if port is None else port
        self.public_url = public_url
        self.skill_wrapper = skill_wrapper
        self.drain_timeout_s = drain_timeout_s
        self.log_level = log_level
        self._server: _Uvicorn | None = None
        self._serving: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        if self.public_url is None:
            raise RuntimeError("the server has not started")
        return self.public_url

    @property
    def state(self) -> ServerState:
        if self._server is None:
            raise RuntimeError("the server has not started")
        return self._server.a2a_state

    async def start(self) -> Self:
        """Bind, build the app and serve; returns once the server accepts connections."""
        if self.port is None:
            raise ServeError(f"agent '{self.agent.name}' has no default port; pass a port")
        sock = _bind(self.agent, self.host, self.port)
        self.port = sock.getsockname()[1]
        if self.public_url is None:
            self.public_url = f"http://{_url_host(self.host)}:{self.port}"
        store = None
        if self.task_db is not None:
            store = open_task_store(
                self.task_db,
                agent=self.agent.name,
                # Unique per process even when replicas share one public URL (a Service):
                # the same pod or host restarted on the same URL is the same instance.
                instance=f"{socket.gethostname()} {self.public_url}",
                retention=self.task_retention,
            )
            try:
                # Here, not in the app's start-up: an unreachable database is one clear error.
                await store.start()
            except BaseException:
                sock.close()
                await store.engine.dispose()
                raise
        app = build_app(
            self.agent,
            public_url=self.public_url,
            skill_wrapper=self.skill_wrapper,
            drain_timeout_s=self.drain_timeout_s,
            task_store=store,
            api_keys=self.api_keys,
            rate_limit=self.rate_limit,
            max_body_bytes=self.max_body_bytes,
            push=self.push,
        )
        config = uvicorn.Config(
            app,
            log_config=None,
            log_level=self.log_level,
            access_log=False,
            lifespan="on",
            # Longer than clients' keep-alive, so a pooled connection is never closed under them.
            timeout_keep_alive=75,
            timeout_graceful_shutdown=int(self.drain_timeout_s) + 1,
        )
        self._server = _Uvicorn(config, app.state.a2a)
        self._serving = asyncio.create_task(self._server.serve(sockets=[sock]))
        while not self._server.started:
            if self._serving.done():
                sock.close()
                error = self._serving.exception()
                raise ServeError(
                    f"agent '{self.agent.name}' failed to start on {self.host}:{self.port}: {error}"
                )
            await asyncio.sleep(0.01)
        return self

    async def wait_closed(self) -> None:
        """Wait until the server stops (a signal, or stop() from elsewhere)."""
        if self._serving is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._serving

    async def stop(self) -> None:
        """Graceful stop: refuse new connections, drain running tasks, then exit."""
        if self._server is None:
            return
        self._server.should_exit = True
        await self.wait_closed()

    async def kill(self) -> None:
        """Abrupt stop, as if the process died: connections reset, running work abandoned."""
        if self._server is None:
            return
        server = self._server
        server.force_exit = True
        server.should_exit = True
        for listener in server.servers:
            listener.close()
        for connection in list(server.server_state.connections):
            transport = getattr(connection, "transport", None)
            if transport is not None:
                transport.abort()
        await self.wait_closed()
        # Nothing outlives a dead process: cancel running work at once and end the lifespan
        # (uvicorn skips it on a forced exit, which would leave its task pending).
        server.a2a_state.drain_timeout_s = 0
        await server.lifespan.shutdown()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


async def serve_async(
    agent: Agent,
    host: str = "127.0.0.1",
    port: int | None = None,
    *,
    public_url: str | None = None,
    skill_wrapper: SkillWrapper | None = None,
    drain_timeout_s: float = 30.0,
    log_level: str = "info",
    api_keys: Sequence[str] = (),
    rate_limit: RateLimit | None = None,
) -> None:
    """Serve until SIGINT/SIGTERM, then drain running tasks and return."""
    server = AgentServer(
        agent,
        host=host,
        port=port,
        public_url=public_url,
        skill_wrapper=skill_wrapper,
        drain_timeout_s=drain_timeout_s,
        log_level=log_level,
        api_keys=api_keys,
        rate_limit=rate_limit,
    )
    await server.start()
    log.info("listening", agent=agent.name, url=server.url)
    await server.wait_closed()


def serve(
    agent: Agent,
    host: str = "127.0.0.1",
    port: int | None = None,
    *,
    public_url: str | None = None,
    skill_wrapper: SkillWrapper | None = None,
    drain_timeout_s: float = 30.0,
    log_level: str = "info",
    api_keys: Sequence[str] = (),
    rate_limit: RateLimit | None = None,
) -> None:
    """Blocking: serve `agent` on host:port (default: agent.default_port) until SIGINT/SIGTERM.

    Running tasks drain first; then, as uvicorn does, the signal is raised again, so SIGTERM
    ends the process with its usual status and Ctrl-C returns here quietly."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            serve_async(
                agent,
                host,
                port,
                public_url=public_url,
                skill_wrapper=skill_wrapper,
                drain_timeout_s=drain_timeout_s,
                log_level=log_level,
                api_keys=api_keys,
                rate_limit=rate_limit,
            )
        )

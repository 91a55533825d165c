"""An MCP server over streamable HTTP (path /mcp): optional bearer keys, /health, /metrics."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Collection
from typing import Any, Self

import uvicorn
from mcp.server.lowlevel import Server
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from a2a_mcp.auth import ApiKeys, presented_token
from a2a_mcp.observability import REGISTRY, get_logger
from a2a_mcp.server.run import PortInUseError, ServeError

log = get_logger("a2a_mcp.mcp")
OPEN_PATHS = ("/health", "/health/live", "/health/ready")  # probes need no key
GRACE_S = 5  # seconds running calls get to finish once the server is asked to stop


class BearerKeys:
    """ASGI middleware: every HTTP request but the health probes carries one of the keys, as
    the A2A services take them (`Authorization: Bearer <key>` or `X-API-Key`); else 401 with a
    WWW-Authenticate challenge (RFC 6750)."""

    def __init__(self, app: ASGIApp, keys: Collection[str]) -> None:
        self.app = app
        self.keys = ApiKeys(keys)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        if self.keys.check(presented_token(Request(scope).headers)) is not None:
            await self.app(scope, receive, send)
            return
        log.info("mcp request refused", path=scope["path"], reason="missing or unknown key")
        response = JSONResponse(
            {
                "error": "unauthorized",
                "message": "send one of the server's API keys as `Authorization: Bearer <key>`",
            },
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="mcp"'},
        )
        await response(scope, receive, send)


def _probe_routes(name: str) -> list[Route]:
    async def health(_: Request) -> Response:
        return JSONResponse({"server": name, "live": True, "ready": True, "transport": "mcp"})

    async def metrics(_: Request) -> Response:
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return [Route(path, health, methods=["GET"]) for path in OPEN_PATHS] + [
        Route("/metrics", metrics, methods=["GET"])
    ]


def build_http_app(
    server: Server[Any],
    *,
    host: str = "127.0.0.1",
    path: str = "/mcp",
    api_keys: Collection[str] = (),
) -> ASGIApp:
    """The server's streamable HTTP app at `path`, behind bearer keys when any are given.

    Bound to loopback, the SDK checks Host and Origin headers (DNS rebinding protection)."""
    app = server.streamable_http_app(
        streamable_http_path=path, host=host, custom_starlette_routes=_probe_routes(server.name)
    )
    return BearerKeys(app, api_keys) if api_keys else app


class McpHttpServer:
    """An MCP server on host:port in this event loop: `async with McpHttpServer(s) as http`."""

    def __init__(
        self,
        server: Server[Any],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_keys: Collection[str] = (),
        log_level: str = "warning",
    ) -> None:
        self.server = server
        self.host = host
        self.port = port
        self.api_keys = list(api_keys)
        self.log_level = log_level
        self._uvicorn: uvicorn.Server | None = None
        self._serving: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "", "::") else self.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}/mcp"

    async def start(self) -> Self:
        sock = _bind(self.host, self.port)
        self.port = sock.getsockname()[1]
        app = build_http_app(self.server, host=self.host, api_keys=self.api_keys)
        config = uvicorn.Config(
            app,
            log_config=None,
            log_level=self.log_level,
            access_log=False,
            lifespan="on",
            # A client's open SSE stream must not hold Ctrl-C up for ever.
            timeout_graceful_shutdown=GRACE_S,
        )
        self._uvicorn = uvicorn.Server(config)
        self._serving = asyncio.create_task(self._uvicorn.serve(sockets=[sock]))
        while not self._uvicorn.started:
            if self._serving.done():
                sock.close()
                raise ServeError(f"the MCP server failed to start: {self._serving.exception()}")
            await asyncio.sleep(0.01)
        return self

    async def wait_closed(self) -> None:
        if self._serving is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._serving

    async def stop(self) -> None:
        if self._uvicorn is not None:
            self._uvicorn.should_exit = True
            await self.wait_closed()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


def _bind(host: str, port: int) -> Any:
    """Bind the listening socket here, so a taken port is a clear error, not a uvicorn exit."""
    import errno
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise ServeError(
            f"cannot serve MCP: host '{host}' does not resolve ({exc.strerror})"
        ) from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUseError(
                f"cannot serve MCP: port {port} on {host} is already in use; stop the process "
                "using it or choose another port with --port",
                details={"host": host, "port": port},
            ) from None
        raise ServeError(f"cannot serve MCP on {host}:{port}: {exc.strerror}") from None
    sock.setblocking(False)
    return sock

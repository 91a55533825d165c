"""The guard in front of a served agent: request body size, API keys, per-client rate limits.

One ASGI middleware, so every route (JSON-RPC, HTTP+JSON, /files) is covered the same way;
the health probes, /metrics and the agent card stay open (probes and scrapers carry no key,
and a client needs the card to learn that a key is needed).
"""

from __future__ import annotations

import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from a2a.utils.constants import AGENT_CARD_WELL_KNOWN_PATH

from a2a_mcp.auth import ApiKeys, presented_token
from a2a_mcp.observability import get_logger
from a2a_mcp.server import metrics

log = get_logger("a2a_mcp.server")

DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024  # a 60 min package's cut request is about 1-2 MiB
OPEN_PATHS = frozenset(
    {
        "/health",
        "/health/ready",
        "/health/live",
        "/metrics",
        AGENT_CARD_WELL_KNOWN_PATH,
        "/.well-known/agent.json",  # the A2A 0.3 card path
    }
)
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# Deeper than any real request (a cut request nests about 12 levels, envelope included) and
# below where a2a-sdk's protobuf conversion gives up on a DataPart (about 45 levels) or
# Python's JSON parser overflows its stack (about 1,000).
MAX_JSON_DEPTH = 32
_KEEP = bytes(range(256)).translate(None, b'"[]{}')  # every byte but these is deleted
_STRING = re.compile(rb'"[^"]*"')
_INNERMOST = re.compile(rb"\[\]|\{\}")

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[Message], Any]
ASGIApp = Callable[[Scope, Receive, Send], Any]


@dataclass(frozen=True)
class RateLimit:
    """A token bucket per client: `burst` requests at once, refilled at `per_second`."""

    per_second: float
    burst: int = 20

    def __post_init__(self) -> None:
        if not (self.per_second > 0 and math.isfinite(self.per_second)) or self.burst < 1:
            raise ValueError("a rate limit needs per_second > 0 and burst >= 1")


class TokenBuckets:
    """Buckets by client id (a key's fingerprint, else the peer address), least recently seen
    forgotten first so a flood of addresses cannot grow memory without bound."""

    def __init__(
        self,
        limit: RateLimit,
        *,
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, client: str) -> float:
        """Spend one token: 0.0 when allowed, else the seconds until a token is back."""
        now = self.clock()
        tokens, seen = self._buckets.pop(client, (float(self.limit.burst), now))
        tokens = min(float(self.limit.burst), tokens + (now - seen) * self.limit.per_second)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self.limit.per_second
        self._buckets[client] = (tokens, now)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return wait


def json_problem(body: bytes, max_depth: int = MAX_JSON_DEPTH) -> str | None:
    """Why a JSON body must not reach the parsers, or None: not JSON by the strict reading
    (NaN, Infinity, 1e400 and numbers past a double are not JSON, though Python's parser takes
    them and protobuf then fails on them), or nested deeper than `max_depth`."""
    try:
        orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        return f"the body is not valid JSON ({exc})"
    # Depth without a walk in Python: drop escaped backslashes and quotes, then every byte but
    # quotes and brackets, then the strings (now free of escapes), then peel the innermost
    # pairs one level a pass. All C-speed byte operations.
    residue = body.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _KEEP)
    brackets = _STRING.sub(b"", residue)
    for _ in range(max_depth):
        if not brackets:
            return None
        brackets = _INNERMOST.sub(b"", brackets)
    return None if not brackets else f"the JSON nests deeper than {max_depth} levels"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def _headers(scope: Scope) -> dict[str, str]:
    return {
        key.decode("latin-1").lower(): value.decode("latin-1")
        for key, value in scope.get("headers", ())
    }


async def _refuse(
    send: Send, status: int, code: str, message: str, headers: Iterable[tuple[str, str]] = ()
) -> None:
    body = orjson.dumps({"error": {"code": code, "message": message}})
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *((k.encode(), v.encode()) for k, v in headers),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """ASGI middleware: refuse oversized bodies (413), missing or wrong keys (401) and clients
    over their rate (429 with Retry-After) before the app sees the request."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        agent: str,
        keys: ApiKeys | None = None,
        rate_limit: RateLimit | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        open_paths: frozenset[str] = OPEN_PATHS,
    ) -> None:
        self.app = app
        self.agent = agent
        self.keys = keys if keys else None
        self.buckets = TokenBuckets(rate_limit) if rate_limit is not None else None
        self.max_body_bytes = max_body_bytes
        self.open_paths = open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in self.open_paths:
            await self.app(scope, receive, send)
            return
        client = None
        if self.keys is not None:
            client = self.keys.check(presented_token(_headers(scope)))
            if client is None:
                await self._unauthorized(scope, send)
                return
        if self.buckets is not None:
            peer = scope.get("client")
            who = client or (f"ip-{peer[0]}" if peer else "ip-unknown")
            wait = self.buckets.take(who)
            if wait > 0:
                await self._limited(scope, send, who, wait)
                return
        if scope.get("method") in _BODY_METHODS:
            bounded = await self._bounded_body(scope, receive, send)
            if bounded is None:
                return
            receive = bounded
        await self.app(scope, receive, send)

    async def _unauthorized(self, scope: Scope, send: Send) -> None:
        metrics.REJECTED.labels(self.agent, "unauthorized").inc()
        # Neither the presented token nor any key is logged, only that one was wrong.
        has_token = presented_token(_headers(scope)) is not None
        log.info("request unauthorized", path=scope.get("path"), token_given=has_token)
        await _refuse(
            send,
            401,
            "unauthorized",
            "this agent needs an API key: send `Authorization: Bearer <key>` (or an "
            "`X-API-Key: <key>` header) with one of the keys its server was given"
            if not has_token
            else "the API key sent is not one this agent accepts; check the client's key",
            [("www-authenticate", 'Bearer realm="a2a"')],
        )

    async def _limited(self, scope: Scope, send: Send, who: str, wait: float) -> None:
        metrics.REJECTED.labels(self.agent, "rate_limited").inc()
        retry_after = max(1, math.ceil(wait))
        log.info("request rate limited", path=scope.get("path"), client=who, retry_after_s=wait)
        await _refuse(
            send,
            429,
            "rate_limited",
            f"too many requests from this client; retry in {retry_after} s",
            [("retry-after", str(retry_after))],
        )

    async def _too_large(self, send: Send, size: str) -> None:
        metrics.REJECTED.labels(self.agent, "too_large").inc()
        await _refuse(
            send,
            413,
            "too_large",
            f"the request body is {size} bytes; this agent takes at most "
            f"{self.max_body_bytes:,} bytes (its server's body limit)",
        )

    @staticmethod
    def _is_json(scope: Scope) -> bool:
        kind = (_header(scope, b"content-type") or "application/json").lower()
        return "json" in kind

    async def _bad_json(self, scope: Scope, send: Send, problem: str) -> None:
        metrics.REJECTED.labels(self.agent, "bad_json").inc()
        log.info("request refused", path=scope.get("path"), reason=problem)
        if scope.get("path") == "/":  # the JSON-RPC binding: its parse error, as a2a-sdk answers
            code = -32600 if problem.startswith("a JSON-RPC") else -32700
            body = orjson.dumps(
                {"jsonrpc": "2.0", "id": None, "error": {"code": code, "message": problem}}
            )
            headers = [(b"content-type", b"application/json")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await _refuse(send, 400, "bad_json", problem)

    async def _bounded_body(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        """Read the body up to the limit (413 past it); the app then reads it from memory and
        later messages (a disconnect) from the connection."""
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._too_large(send, f"{int(declared):,}")
            return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away; the app will see it on its own receive
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await self._too_large(send, f"more than {self.max_body_bytes:,}")
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        problem = json_problem(body) if body and self._is_json(scope) else None
        if problem is None and body and scope.get("path") == "/" and body.lstrip()[:1] != b"{":
            # a2a-sdk takes one request object (no batches); it would log a stack trace.
            problem = "a JSON-RPC request is one JSON object"
        if problem is not None:
            await self._bad_json(scope, send, problem)
            return None
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay

"""An OpenAI-compatible chat-completions client: one deadline per request, clear errors.

Every request has one deadline (VG_LLM_TIMEOUT_S) that covers its attempts and the waits
between them; 429 and 5xx are retried with tenacity, a Retry-After is honoured as sent while it
fits the deadline. Connection refused, 401/403, 404 and a 200 that is not a completion are not
retried: each is one error that says what to fix. A successful reply is remembered for the run
(the context id), so a workflow node that is retried does not pay for it again.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import random
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
import orjson
import structlog
from pydantic import SecretStr
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type

from video_generator.engines.base import (
    EngineAuthError,
    EngineConfigError,
    EngineError,
    EngineReplyError,
    EngineUnavailableError,
    EngineUnreachableError,
)
from video_generator.engines.english import tidy
from video_generator.engines.llm.quirks import RequestShape, shape_for

log = structlog.get_logger(component="llm_client")

SessionFactory = Callable[[], aiohttp.ClientSession | Awaitable[aiohttp.ClientSession]]
KEY_VARIABLE = "VG_LLM_API_KEY (or OPENAI_API_KEY)"
CONNECT_TIMEOUT_S = 2.0  # a dead address fails inside the 2 s, whatever the deadline
_TRANSIENT = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
MEMO_SIZE = 256


@dataclass(frozen=True)
class Completion:
    """The assistant message of one reply and why it ended ("stop", "length", ...)."""

    content: str
    finish_reason: str | None


class _Transient(Exception):
    """An attempt that may succeed if tried again (429, 5xx, timeout, dropped connection)."""

    def __init__(self, problem: str, retry_after_s: float | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.retry_after_s = retry_after_s


class ChatClient:
    """POSTs {base_url}/chat/completions over a (shared) aiohttp session."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: SecretStr | str | None = None,
        session_factory: SessionFactory | None = None,
        timeout_s: float = 120.0,
        attempts: int = 3,
        backoff_s: float = 0.5,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self._api_key = SecretStr(api_key) if isinstance(api_key, str) else api_key
        self._factory = session_factory
        self._session: aiohttp.ClientSession | None = None
        self._owns_session = False
        self.timeout_s = timeout_s
        self.attempts = attempts
        self.backoff_s = backoff_s
        self.shape: RequestShape = shape_for(self.base_url, model)
        self.requests = 0  # HTTP requests sent (the benchmark and tests count them)
        self._memo: OrderedDict[bytes, Completion] = OrderedDict()

    @property
    def url(self) -> str:
        return f"{self.base_url}/chat/completions"

    # ------------------------------------------------------------ the request body

    def body(
        self,
        messages: list[dict[str, str]],
        *,
        schema: tuple[str, dict[str, Any]] | None,
        max_tokens: int,
        seed: int,
    ) -> dict[str, Any]:
        """The chat-completions body, shaped by the provider's quirks."""
        body: dict[str, Any] = {"model": self.model, "messages": messages, "n": 1}
        if self.shape.temperature:
            body["temperature"] = 0
        if self.shape.seed:
            body["seed"] = seed
        body[self.shape.tokens_field] = max_tokens
        if schema is not None:
            name, document = schema
            if self.shape.structured == "json_schema":
                body["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": name, "strict": True, "schema": document},
                }
            else:
                body["response_format"] = {"type": "json_object"}
        return body

    # ------------------------------------------------------------ sending

    async def complete(
        self,
        messages: list[dict[str, str]],
        *,
        schema: tuple[str, dict[str, Any]] | None = None,
        max_tokens: int = 4096,
        seed: int = 0,
    ) -> Completion:
        """One completion within the request's deadline; raises an EngineError subclass."""
        body = self.body(messages, schema=schema, max_tokens=max_tokens, seed=seed)
        key = self._memo_key(body)
        if key is not None and key in self._memo:
            self._memo.move_to_end(key)
            log.info("llm_reply_reused", url=self.url)
            return self._memo[key]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_s
        try:
            completion = await self._post_retrying(body, deadline)
        except EngineConfigError as exc:
            if schema is None or self.shape.structured != "json_schema" or not _about_format(exc):
                raise
            # A server without json_schema support says so with a 400: use json_object and
            # check the schema ourselves, for the rest of the process.
            log.warning("llm_json_schema_unsupported", url=self.url, detail=exc.message[:200])
            self.shape = replace(self.shape, structured="json_object")
            body = self.body(messages, schema=schema, max_tokens=max_tokens, seed=seed)
            completion = await self._post_retrying(body, deadline)
        if key is not None and completion.finish_reason != "length":
            self._memo[key] = completion
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return completion

    def _memo_key(self, body: dict[str, Any]) -> bytes | None:
        """Replies are reused within one run only (the context id the workflow binds)."""
        bound = structlog.contextvars.get_contextvars()
        scope = bound.get("context_id") or bound.get("task_id")
        if not scope:
            return None
        raw = orjson.dumps([str(scope), self.url, body], option=orjson.OPT_SORT_KEYS)
        return hashlib.sha256(raw).digest()

    async def _post_retrying(self, body: dict[str, Any], deadline: float) -> Completion:
        loop = asyncio.get_running_loop()

        def stop(state: RetryCallState) -> bool:
            return state.attempt_number >= self.attempts or loop.time() >= deadline

        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            left = max(0.0, deadline - loop.time())
            if isinstance(error, _Transient) and error.retry_after_s is not None:
                return min(error.retry_after_s, left)
            backoff = self.backoff_s * 2 ** (state.attempt_number - 1)
            return min(left, backoff * random.uniform(0.5, 1.0))

        try:
            async for attempt in AsyncRetrying(
                stop=stop, wait=wait, retry=retry_if_exception_type(_Transient), reraise=True
            ):
                with attempt:
                    return await self._post(body, deadline)
        except _Transient as exc:
            raise EngineUnavailableError(
                f"the LLM server at {self.base_url} did not answer ({exc.problem}) within "
                f"{self.timeout_s:g} s and {self.attempts} attempt(s); raise VG_LLM_TIMEOUT_S "
                "for a slow model, or try again later",
                details={"problem": exc.problem},
            ) from None
        raise AssertionError("unreachable: tenacity either returns or raises")

    async def _post(self, body: dict[str, Any], deadline: float) -> Completion:
        loop = asyncio.get_running_loop()
        left = deadline - loop.time()
        if left <= 0:
            raise _Transient(f"no time left of the {self.timeout_s:g} s deadline")
        headers = {"Content-Type": "application/json"}
        if self._api_key is not None:
            headers["Authorization"] = f"Bearer {self._api_key.get_secret_value()}"
        timeout = aiohttp.ClientTimeout(
            total=left, sock_connect=min(CONNECT_TIMEOUT_S, left), connect=None
        )
        session = await self._get_session()
        self.requests += 1
        try:
            async with session.post(
                self.url, data=orjson.dumps(body), headers=headers, timeout=timeout
            ) as response:
                raw = await response.read()
                if response.status == 200:
                    return self._completion(raw, response.content_type)
                self._refuse(response.status, raw, response.headers.get("Retry-After"), deadline)
        except aiohttp.ClientConnectorError as exc:
            reason = "connection refused" if _refused(exc) else type(exc.os_error).__name__
            raise EngineUnreachableError(
                f"cannot reach the LLM server at {self.base_url} ({reason}): is the server "
                "running? Check VG_LLM_BASE_URL, or set VG_ENGINE=offline for the offline draft",
                details={"url": self.base_url},
            ) from None
        except (TimeoutError, aiohttp.ServerTimeoutError):
            raise _Transient(f"no reply within {self.timeout_s:g} s") from None
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError) as exc:
            raise _Transient(f"connection dropped ({type(exc).__name__})") from None
        raise AssertionError("unreachable: _refuse always raises")

    def _refuse(self, status: int, raw: bytes, retry_after: str | None, deadline: float) -> None:
        """Raise the error for a non-200 answer."""
        detail = _error_detail(raw)
        if status in (401, 403):
            sent = "the key was refused" if self._api_key is not None else "no key was sent"
            raise EngineAuthError(
                f"the LLM server at {self.base_url} answered HTTP {status} ({sent}: {detail}): "
                f"set {KEY_VARIABLE} to a key this server accepts",
                details={"status": status},
            )
        if status in _TRANSIENT or status >= 500:
            wait_s = _retry_after_s(retry_after)
            left = deadline - asyncio.get_running_loop().time()
            if wait_s is not None and wait_s >= left:
                raise EngineUnavailableError(
                    f"the LLM server at {self.base_url} answered HTTP {status} and asked to wait "
                    f"{wait_s:g} s (Retry-After), beyond this request's deadline "
                    f"(VG_LLM_TIMEOUT_S={self.timeout_s:g}); try again later",
                    details={"status": status, "retry_after_s": wait_s},
                )
            raise _Transient(f"HTTP {status}: {detail}", wait_s)
        hint = (
            f"check that VG_LLM_BASE_URL ends in the API's /v1 and that the server has the "
            f"model VG_LLM_MODEL='{self.model}'"
            if status == 404
            else f"check VG_LLM_MODEL ('{self.model}') and VG_LLM_BASE_URL"
        )
        raise EngineConfigError(
            f"the LLM server at {self.base_url} rejected the request (HTTP {status}: {detail}); "
            f"{hint}",
            details={"status": status, "detail": detail},
        )

    def _completion(self, raw: bytes, content_type: str) -> Completion:
        try:
            payload = orjson.loads(raw)
            choice = payload["choices"][0]
            content = choice["message"].get("content") or ""
            finish = choice.get("finish_reason")
        except (orjson.JSONDecodeError, KeyError, IndexError, TypeError, AttributeError):
            start = tidy(raw[:120].decode("utf-8", "replace"))
            raise EngineReplyError(
                f"the LLM server at {self.base_url} answered HTTP 200 with something that is "
                f"not a chat completion ({content_type or 'no type'}: '{start}'); is "
                "VG_LLM_BASE_URL the API's base URL (ending in /v1)?",
                details={"content_type": content_type},
            ) from None
        if not isinstance(content, str):
            content = ""
        return Completion(content=content, finish_reason=finish)

    # ------------------------------------------------------------ the session

    async def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            if self._factory is None:
                self._session = aiohttp.ClientSession()
                self._owns_session = True
            else:
                made = self._factory()
                self._session = await made if inspect.isawaitable(made) else made
        return self._session

    async def aclose(self) -> None:
        """Close the session only if the client made it (a shared pool is not ours to close)."""
        if self._owns_session and self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None


def _refused(exc: aiohttp.ClientConnectorError) -> bool:
    return isinstance(exc.os_error, ConnectionRefusedError) or "refused" in str(exc).lower()


def _about_format(exc: EngineError) -> bool:
    detail = str(exc.details.get("detail", "")).lower()
    return exc.details.get("status") == 400 and (
        "response_format" in detail or "json_schema" in detail
    )


def _error_detail(raw: bytes) -> str:
    text = raw[:2000].decode("utf-8", "replace")
    try:
        parsed = orjson.loads(text)
        message = parsed.get("error", {}).get("message") if isinstance(parsed, dict) else None
        if isinstance(message, str):
            text = message
    except (orjson.JSONDecodeError, AttributeError):
        pass
    return tidy(text)[:200] or "no detail"


def _retry_after_s(header: str | None) -> float | None:
    """Retry-After in seconds (the delay form; an HTTP date is rare from these APIs)."""
    if header is None:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())

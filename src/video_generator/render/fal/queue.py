"""fal's queue protocol (submit, status with logs, result, cancel) over the pooled aiohttp session.

Every call has a timeout; 429 and 502/503/504 are retried with jittered backoff (honouring
Retry-After); a circuit breaker stops calls while fal keeps failing. A clip that is abandoned
(cancelled, timed out, failed while waiting) gets a PUT cancel so fal stops working on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import orjson
from pydantic import BaseModel, ConfigDict, Field, SecretStr
from tenacity import RetryCallState

from a2a_mcp.client.pool import HttpPool, get_pool
from a2a_mcp.observability import get_logger
from a2a_mcp.resilience import (
    RETRYABLE_STATUS,
    CircuitBreaker,
    ConnectFailed,
    ConnectionLost,
    RequestTimedOut,
    RetryPolicy,
    TransportFailure,
    retrying,
    safe_to_retry,
)
from video_generator.render.fal import metrics
from video_generator.render.fal.errors import (
    KEYS_URL,
    FalAuthError,
    FalError,
    FalRateLimitError,
    FalRequestError,
    FalTimeoutError,
    FalUnavailableError,
    error_from_response,
)

if TYPE_CHECKING:
    from video_generator.settings import Settings

log = get_logger("fal.queue")


class FalSettings(BaseModel):
    """Where fal lives and how patient to be with it (Settings fields fal_*, env VG_FAL_*)."""

    model_config = ConfigDict(extra="forbid")

    queue_url: str = "https://queue.fal.run"
    rest_url: str = "https://rest.alpha.fal.ai"
    cdn_url: str = "https://v3.fal.media"
    request_timeout_s: float = Field(default=30.0, gt=0, description="Each HTTP call to fal.")
    download_timeout_s: float = Field(default=300.0, gt=0, description="Each clip download.")
    clip_timeout_s: float = Field(default=1800.0, gt=0, description="Submit to result, per clip.")
    poll_interval_s: float = Field(default=2.0, gt=0, description="First wait between polls.")
    max_poll_interval_s: float = Field(default=10.0, gt=0)
    cancel_timeout_s: float = Field(default=10.0, gt=0, description="PUT cancel, when abandoning.")
    retry: RetryPolicy = Field(
        default_factory=lambda: RetryPolicy(
            attempts=5, initial_delay_s=0.5, max_delay_s=20.0, jitter_s=0.5
        )
    )
    max_retry_wait_s: float = Field(
        default=60.0, ge=0, description="A longer Retry-After is reported, not waited for."
    )
    breaker_failures: int = Field(default=5, ge=1)
    breaker_cooldown_s: float = Field(default=30.0, ge=0)

    @classmethod
    def from_settings(cls, settings: Settings) -> FalSettings:
        """From the one settings object (VG_FAL_* environment variables)."""
        return cls(
            queue_url=settings.fal_queue_url,
            rest_url=settings.fal_rest_url,
            cdn_url=settings.fal_cdn_url,
            request_timeout_s=settings.fal_request_timeout_s,
            download_timeout_s=settings.fal_download_timeout_s,
            clip_timeout_s=settings.fal_clip_timeout_s,
            poll_interval_s=settings.fal_poll_interval_s,
            retry=RetryPolicy(
                attempts=settings.fal_attempts, initial_delay_s=0.5, max_delay_s=20.0, jitter_s=0.5
            ),
            max_retry_wait_s=settings.fal_max_retry_wait_s,
            breaker_failures=settings.fal_breaker_failures,
            breaker_cooldown_s=settings.fal_breaker_cooldown_s,
        )


@dataclass(frozen=True)
class QueueHandle:
    """A submitted request: use the URLs fal returned (they drop the endpoint's subpath)."""

    request_id: str
    endpoint_id: str
    status_url: str
    response_url: str
    cancel_url: str


class QueueStatus(BaseModel):
    status: str = Field(description="IN_QUEUE, IN_PROGRESS or COMPLETED.")
    queue_position: int | None = None
    logs: list[dict[str, Any]] = Field(default_factory=list)
    error: str | None = None
    error_type: str | None = None


StatusHook = Callable[[QueueHandle, QueueStatus], Awaitable[None] | None]

# One breaker per fal address in the process: every run in a long-lived service shares it.
_BREAKERS: dict[str, CircuitBreaker] = {}


def shared_breaker(settings: FalSettings) -> CircuitBreaker:
    key = settings.queue_url
    if key not in _BREAKERS:
        _BREAKERS[key] = CircuitBreaker(settings.breaker_failures, settings.breaker_cooldown_s)
    return _BREAKERS[key]


def _required_key(key: SecretStr | str | None) -> str:
    if isinstance(key, SecretStr):
        key = key.get_secret_value()
    if not key:
        raise FalAuthError(
            f"FAL_KEY is not set: create a key at {KEYS_URL} and `export FAL_KEY=<key>`, "
            "or leave out --render/--model to make the package without AI clips."
        )
    return key


def _transport_failure(exc: BaseException, url: str) -> TransportFailure:
    """aiohttp's exceptions, classified by how far the request got (for safe retries)."""
    if isinstance(exc, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError):
        return ConnectFailed(f"cannot connect to {url}: {exc}")
    if isinstance(exc, TimeoutError):
        return RequestTimedOut(f"{url} did not answer in time")
    return ConnectionLost(f"connection to {url} broke: {exc}")


def _parse_body(raw: bytes) -> Any:
    try:
        return orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError:
        return raw.decode("utf-8", "replace")


class FalQueueClient:
    """fal's queue REST API and storage upload, on the process's pooled aiohttp session.

    The key (FAL_KEY, handed in: RenderServices.fal_client) is required; base URLs come from
    `settings` (VG_FAL_*) or the constructor arguments, so tests point them at a loopback
    stand-in.
    """

    def __init__(
        self,
        key: SecretStr | str | None = None,
        *,
        settings: FalSettings | None = None,
        pool: HttpPool | None = None,
        breaker: CircuitBreaker | None = None,
        queue_url: str | None = None,
        rest_url: str | None = None,
        cdn_url: str | None = None,
    ) -> None:
        settings = settings or FalSettings()
        overrides = {
            name: value.rstrip("/")
            for name, value in (
                ("queue_url", queue_url),
                ("rest_url", rest_url),
                ("cdn_url", cdn_url),
            )
            if value
        }
        self.settings = settings.model_copy(update=overrides) if overrides else settings
        self._key = _required_key(key)
        self.pool = pool or get_pool()
        self.breaker = breaker or shared_breaker(self.settings)
        self._last_failure = ""

    @property
    def auth_header(self) -> dict[str, str]:
        return {"Authorization": f"Key {self._key}"}

    def __repr__(self) -> str:  # never show the key
        return f"FalQueueClient(queue_url={self.settings.queue_url!r})"

    # -------------------------------------------------------------- the queue protocol

    async def submit(self, endpoint_id: str, payload: Mapping[str, Any]) -> QueueHandle:
        """POST the input to the endpoint's queue; fal answers with the request's URLs."""
        url = f"{self.settings.queue_url}/{endpoint_id}"
        body = await self.call(
            "POST",
            url,
            what=f"submit to {endpoint_id}",
            json_body=dict(payload),
            # A submit whose answer was lost may have queued (and will bill) a clip: no retry.
            idempotent=False,
        )
        if not isinstance(body, dict) or not body.get("request_id"):
            raise FalRequestError(
                f"fal.ai answered the submit to {endpoint_id} without a request id: {body!r:.200}"
            )
        request_id = str(body["request_id"])
        base = f"{self.settings.queue_url}/{endpoint_id}/requests/{request_id}"
        handle = QueueHandle(
            request_id=request_id,
            endpoint_id=endpoint_id,
            status_url=str(body.get("status_url") or f"{base}/status"),
            response_url=str(body.get("response_url") or base),
            cancel_url=str(body.get("cancel_url") or f"{base}/cancel"),
        )
        log.info("fal_submitted", endpoint=endpoint_id, request_id=request_id)
        return handle

    async def status(self, handle: QueueHandle, *, logs: bool = True) -> QueueStatus:
        body = await self.call(
            "GET",
            handle.status_url,
            params={"logs": "1" if logs else "0"},
            what=f"status of request {handle.request_id}",
            request_id=handle.request_id,
        )
        if not isinstance(body, dict) or "status" not in body:
            raise FalRequestError(
                f"fal.ai answered the status of request {handle.request_id} with {body!r:.200}",
                request_id=handle.request_id,
            )
        return QueueStatus(
            status=str(body["status"]),
            queue_position=body.get("queue_position"),
            logs=[entry for entry in body.get("logs") or [] if isinstance(entry, dict)],
            error=body.get("error") if isinstance(body.get("error"), str) else None,
            error_type=body.get("error_type") if isinstance(body.get("error_type"), str) else None,
        )

    async def result(self, handle: QueueHandle) -> dict[str, Any]:
        body = await self.call(
            "GET",
            handle.response_url,
            what=f"result of request {handle.request_id} ({handle.endpoint_id})",
            request_id=handle.request_id,
        )
        if not isinstance(body, dict):
            raise FalRequestError(
                f"fal.ai answered the result of request {handle.request_id} with {body!r:.200}",
                request_id=handle.request_id,
            )
        return body

    async def cancel(self, handle: QueueHandle) -> str:
        """PUT cancel; returns fal's answer (CANCELLATION_REQUESTED, ALREADY_COMPLETED, ...)."""
        try:
            body = await self.call(
                "PUT",
                handle.cancel_url,
                what=f"cancel of request {handle.request_id}",
                request_id=handle.request_id,
                timeout_s=self.settings.cancel_timeout_s,
            )
        except FalRequestError as exc:
            # 400 ALREADY_COMPLETED: nothing left to stop.
            body = {"status": exc.details.get("fal_detail") or f"HTTP {exc.status}"}
        status = str(body.get("status")) if isinstance(body, dict) else "cancelled"
        log.info("fal_cancelled", request_id=handle.request_id, answer=status)
        return status

    async def cancel_quietly(self, handle: QueueHandle) -> str | None:
        """Cancel, never raising: used while another error (or a cancellation) propagates."""
        try:
            return await asyncio.shield(self.cancel(handle))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the original failure matters more than this one
            log.warning("fal_cancel_failed", request_id=handle.request_id, error=str(exc))
            return None

    async def wait(
        self,
        handle: QueueHandle,
        *,
        timeout_s: float | None = None,
        on_status: StatusHook | None = None,
    ) -> dict[str, Any]:
        """Poll status (with logs) until COMPLETED, then GET the result.

        On timeout, failure or cancellation the request is cancelled at fal, then the error
        (FalTimeoutError for the timeout) or the cancellation propagates.
        """
        timeout_s = timeout_s or self.settings.clip_timeout_s
        interval = self.settings.poll_interval_s
        last = QueueStatus(status="SUBMITTED")
        try:
            try:
                async with asyncio.timeout(timeout_s):
                    while True:
                        last = await self.status(handle)
                        if on_status is not None:
                            outcome = on_status(handle, last)
                            if outcome is not None:
                                await outcome
                        if last.status == "COMPLETED":
                            break
                        await asyncio.sleep(interval)
                        interval = min(interval * 1.5, self.settings.max_poll_interval_s)
                    return await self.result(handle)
            except TimeoutError:
                where = (
                    f", position {last.queue_position} in the queue"
                    if last.queue_position is not None
                    else ""
                )
                raise FalTimeoutError(
                    f"request {handle.request_id} ({handle.endpoint_id}) did not finish within "
                    f"{timeout_s:g} s (last status {last.status}{where}); it was cancelled at "
                    "fal. Try again later, or allow longer with VG_FAL_CLIP_TIMEOUT_S.",
                    request_id=handle.request_id,
                    details={"timeout_s": timeout_s, "last_status": last.status},
                ) from None
        except BaseException:
            if last.status != "COMPLETED":
                await self.cancel_quietly(handle)
            raise

    # -------------------------------------------------------------- downloads

    async def download(self, url: str, path: Path) -> int:
        """GET a result file (no fal key sent: media hosts are public) to `path`, atomically."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.part")

        async def attempt() -> int:
            size = 0
            try:
                async with self.pool.session.get(
                    url,
                    timeout=self.pool.timeout(
                        self.settings.download_timeout_s, read_s=self.settings.request_timeout_s
                    ),
                ) as resp:
                    if resp.status >= 400:
                        raise error_from_response(
                            resp.status,
                            _parse_body(await resp.read()),
                            resp.headers,
                            what=f"download of {url}",
                        )
                    with partial.open("wb") as out:
                        async for chunk in resp.content.iter_chunked(1 << 16):
                            out.write(chunk)
                            size += len(chunk)
            except aiohttp.ClientError as exc:
                raise _transport_failure(exc, url) from exc
            except TimeoutError as exc:
                raise _transport_failure(exc, url) from exc
            return size

        try:
            size = await self._with_retries(attempt, what=f"download of {url}", idempotent=True)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(path)
        return size

    # -------------------------------------------------------------- one HTTP call

    async def call(
        self,
        method: str,
        url: str,
        *,
        what: str,
        json_body: Any = None,
        data: bytes | None = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: Mapping[str, str] | None = None,
        idempotent: bool = True,
        request_id: str | None = None,
        timeout_s: float | None = None,
    ) -> Any:
        """One fal API call with timeout, breaker and retries; returns the parsed JSON body."""
        timeout = self.pool.timeout(timeout_s or self.settings.request_timeout_s)
        send_headers = {**(auth if auth is not None else self.auth_header), **(headers or {})}
        body = orjson.dumps(json_body) if json_body is not None else data
        if json_body is not None:
            send_headers.setdefault("Content-Type", "application/json")

        async def attempt() -> Any:
            try:
                async with self.pool.session.request(
                    method, url, data=body, params=params, headers=send_headers, timeout=timeout
                ) as resp:
                    raw = await resp.read()
                    status, resp_headers = resp.status, resp.headers
            except aiohttp.ClientError as exc:
                raise _transport_failure(exc, url) from exc
            except TimeoutError as exc:
                raise _transport_failure(exc, url) from exc
            parsed = _parse_body(raw)
            if status >= 400:
                raise error_from_response(
                    status, parsed, resp_headers, what=what, request_id=request_id
                )
            return parsed

        return await self._with_retries(
            attempt, what=what, idempotent=idempotent, request_id=request_id
        )

    async def _with_retries(
        self,
        attempt: Callable[[], Awaitable[Any]],
        *,
        what: str,
        idempotent: bool,
        request_id: str | None = None,
    ) -> Any:
        settings = self.settings

        def should_retry(exc: BaseException) -> bool:
            if isinstance(exc, FalRateLimitError):
                return exc.retry_after is None or exc.retry_after <= settings.max_retry_wait_s
            if isinstance(exc, FalUnavailableError):
                return exc.status in RETRYABLE_STATUS and not exc.details.get("breaker_open")
            if isinstance(exc, TransportFailure):
                return safe_to_retry(exc, idempotent=idempotent)
            return False

        def on_retry(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            metrics.RETRIES.inc()
            log.info("fal_retry", what=what, attempt=state.attempt_number, error=str(exc)[:200])

        loop = retrying(settings.retry, should_retry, on_retry)
        backoff = loop.wait

        def wait(state: RetryCallState) -> float:
            # Backoff with jitter, but never shorter than the Retry-After fal asked for.
            exc = state.outcome.exception() if state.outcome else None
            hinted = getattr(exc, "retry_after", None) or 0.0
            return max(float(backoff(state)), float(hinted))

        try:
            async for trial in loop.copy(wait=wait):
                with trial:
                    return await self._through_breaker(attempt, what=what)
        except TransportFailure as exc:
            raise self._from_transport(exc, what=what, request_id=request_id) from None
        raise AssertionError("unreachable: tenacity re-raises the last error")

    async def _through_breaker(self, attempt: Callable[[], Awaitable[Any]], *, what: str) -> Any:
        breaker = self.breaker
        if not breaker.acquire():
            raise FalUnavailableError(
                f"not sending {what}: fal.ai failed {breaker.failure_threshold} times in a row "
                f"(last: {self._last_failure or 'unknown'}), so calls are paused for "
                f"{breaker.cooldown_s:g} s. Try again in a minute, or check "
                "https://status.fal.ai.",
                details={"breaker_open": True},
            )
        try:
            result = await attempt()
        except FalRateLimitError:
            breaker.release()  # fal is up, just busy with this key
            raise
        except FalError as exc:
            if exc.status is not None and exc.status >= 500:
                self._last_failure = f"HTTP {exc.status}"
                breaker.record_failure()
            else:
                breaker.record_success()  # fal answered sensibly; the request was at fault
            raise
        except TransportFailure as exc:
            self._last_failure = str(exc)
            breaker.record_failure()
            raise
        except BaseException:
            breaker.release()
            raise
        breaker.record_success()
        return result

    def _from_transport(
        self, exc: TransportFailure, *, what: str, request_id: str | None
    ) -> FalError:
        if isinstance(exc, RequestTimedOut):
            return FalTimeoutError(
                f"fal.ai did not answer {what} within {self.settings.request_timeout_s:g} s; "
                "try again later, or allow longer with VG_FAL_REQUEST_TIMEOUT_S.",
                request_id=request_id,
                details={"what": what},
            )
        return FalUnavailableError(
            f"could not reach fal.ai for {what}: {exc}. Check the network connection "
            "(and VG_FAL_QUEUE_URL if you set it), then try again.",
            request_id=request_id,
            details={"what": what},
        )

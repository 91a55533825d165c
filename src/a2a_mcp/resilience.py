"""Circuit breaker, which failures are safe to retry, and jittered retries (tenacity)."""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import IntEnum

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from a2a_mcp.settings import RetryPolicy as RetryPolicy  # re-exported: retrying takes one

# --- Failures of one HTTP exchange, classified by what they tell about the remote work. ---


class TransportFailure(Exception):
    """A request did not get a usable answer; subclasses say how far it got."""


class ConnectFailed(TransportFailure):
    """No connection (refused, unreachable, DNS): the request never reached the service."""


class UpstreamStatusError(TransportFailure):
    """The service (or a proxy) answered with an HTTP error status."""

    def __init__(self, message: str, status: int = 0, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after_s = retry_after_s  # the answer's Retry-After, when it had one


class ConnectionLost(TransportFailure):
    """The connection broke after the request was sent: the work may have started."""


class RequestTimedOut(TransportFailure):
    """No answer in time after the request was sent: the work may have started."""


# 502/503/504 come from proxies or from a service refusing work it did not start.
RETRYABLE_STATUS = frozenset({502, 503, 504})


def safe_to_retry(error: BaseException, *, idempotent: bool) -> bool:
    """Retry only when no work can have started, or when doing it twice is harmless."""
    if isinstance(error, ConnectFailed):
        return True
    if isinstance(error, UpstreamStatusError):
        # 429: a rate limit refused the request before any work, so trying later is harmless.
        return error.status in RETRYABLE_STATUS or error.status == 429
    if isinstance(error, ConnectionLost | RequestTimedOut):
        return idempotent
    return False


def counts_against_replica(error: BaseException) -> bool:
    """Whether a failure says the replica is unwell (and so feeds its circuit breaker)."""
    if isinstance(error, UpstreamStatusError):
        return error.status >= 500
    return isinstance(error, TransportFailure)


def retrying(
    policy: RetryPolicy,
    should_retry: Callable[[BaseException], bool],
    on_retry: Callable[[RetryCallState], None] | None = None,
    *,
    honour_retry_after: bool = False,
    max_retry_after_s: float = 10.0,
) -> AsyncRetrying:
    """A tenacity loop: exponential backoff with jitter, re-raising the last error. With
    `honour_retry_after`, a refusal that said when to come back (Retry-After, at most
    `max_retry_after_s`) waits that long instead, if longer."""
    backoff = wait_exponential_jitter(
        multiplier=policy.initial_delay_s, max=policy.max_delay_s, jitter=policy.jitter_s
    )

    def wait(state: RetryCallState) -> float:
        seconds = backoff(state)
        error = state.outcome.exception() if state.outcome else None
        after = getattr(error, "retry_after_s", None) if honour_retry_after else None
        return max(seconds, min(after, max_retry_after_s)) if after else seconds

    return AsyncRetrying(
        stop=stop_after_attempt(policy.attempts),
        wait=wait,
        retry=retry_if_exception(should_retry),
        before_sleep=on_retry,
        reraise=True,
    )


# --- Circuit breaker ---


class BreakerState(IntEnum):
    """Values double as the metric: 0 closed, 1 half-open, 2 open."""

    CLOSED = 0
    HALF_OPEN = 1
    OPEN = 2


class CircuitBreaker:
    """Opens after `failure_threshold` consecutive failures; after `cooldown_s` lets one probe
    through (half-open): its success closes the breaker, its failure opens it again."""

    def __init__(
        self,
        failure_threshold: int = 5,
        cooldown_s: float = 10.0,
        *,
        on_change: Callable[[BreakerState], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failure_threshold = failure_threshold
        self.cooldown_s = cooldown_s
        self._on_change = on_change
        self._clock = clock
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_out = False

    @property
    def state(self) -> BreakerState:
        if self._state is BreakerState.OPEN and self._clock() - self._opened_at >= self.cooldown_s:
            self._move(BreakerState.HALF_OPEN)
        return self._state

    def available(self) -> bool:
        """Whether a call could go through now (without claiming the half-open probe)."""
        state = self.state
        return state is BreakerState.CLOSED or (
            state is BreakerState.HALF_OPEN and not self._probe_out
        )

    def acquire(self) -> bool:
        """Claim passage for one call; in half-open only one probe at a time gets it."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self._probe_out:
            self._probe_out = True
            return True
        return False

    def record_success(self) -> None:
        self._failures = 0
        self._probe_out = False
        if self._state is not BreakerState.CLOSED:
            self._move(BreakerState.CLOSED)

    def record_failure(self) -> None:
        self._failures += 1
        self._probe_out = False
        if self._state is BreakerState.HALF_OPEN or self._failures >= self.failure_threshold:
            self._opened_at = self._clock()
            if self._state is not BreakerState.OPEN:
                self._move(BreakerState.OPEN)

    def release(self) -> None:
        """The call ended without a verdict (cancelled, remote rejected it): free the probe."""
        self._probe_out = False

    def _move(self, state: BreakerState) -> None:
        self._state = state
        if self._on_change is not None:
            self._on_change(state)

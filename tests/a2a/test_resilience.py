"""Circuit breaker states, which failures are safe to retry, and the jittered retry loop."""

from __future__ import annotations

import pytest

from a2a_mcp.resilience import (
    BreakerState,
    CircuitBreaker,
    ConnectFailed,
    ConnectionLost,
    RequestTimedOut,
    RetryPolicy,
    UpstreamStatusError,
    counts_against_replica,
    retrying,
    safe_to_retry,
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_probes_and_closes() -> None:
    clock, changes = Clock(), []
    breaker = CircuitBreaker(3, cooldown_s=10, on_change=changes.append, clock=clock)
    for _ in range(2):
        assert breaker.acquire()
        breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED
    breaker.record_success()  # a success resets the count: failures must be consecutive
    for _ in range(3):
        breaker.record_failure()
    assert breaker.state is BreakerState.OPEN and not breaker.acquire()
    clock.now = 9.9
    assert not breaker.available()
    clock.now = 10.0
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.acquire()  # one probe ...
    assert not breaker.acquire() and not breaker.available()  # ... and only one
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN  # a failed probe opens it again at once
    clock.now = 20.0
    assert breaker.acquire()
    breaker.release()  # a probe without a verdict frees the slot
    assert breaker.acquire()
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED
    assert changes == [
        BreakerState.OPEN,
        BreakerState.HALF_OPEN,
        BreakerState.OPEN,
        BreakerState.HALF_OPEN,
        BreakerState.CLOSED,
    ]


@pytest.mark.parametrize(
    ("error", "idempotent", "retry", "counts"),
    [
        (ConnectFailed("refused"), False, True, True),
        (UpstreamStatusError("bad gateway", 502), False, True, True),
        (UpstreamStatusError("unavailable", 503), False, True, True),
        (UpstreamStatusError("gateway timeout", 504), False, True, True),
        (UpstreamStatusError("server error", 500), True, False, True),
        (UpstreamStatusError("not found", 404), True, False, False),
        (ConnectionLost("reset"), False, False, True),
        (ConnectionLost("reset"), True, True, True),
        (RequestTimedOut("silent"), False, False, True),
        (RequestTimedOut("silent"), True, True, True),
        (ValueError("bug"), True, False, False),
    ],
)
def test_only_safe_failures_are_retried(
    error: Exception, idempotent: bool, retry: bool, counts: bool
) -> None:
    assert safe_to_retry(error, idempotent=idempotent) is retry
    assert counts_against_replica(error) is counts


async def test_retrying_stops_on_unsafe_errors_and_after_the_attempts() -> None:
    policy = RetryPolicy(attempts=3, initial_delay_s=0, max_delay_s=0, jitter_s=0)
    tries: list[int] = []

    async def flaky(error: Exception) -> None:
        async for attempt in retrying(policy, lambda e: isinstance(e, ConnectFailed)):
            with attempt:
                tries.append(1)
                raise error

    with pytest.raises(ConnectFailed):
        await flaky(ConnectFailed("refused"))
    assert len(tries) == 3
    tries.clear()
    with pytest.raises(ConnectionLost):
        await flaky(ConnectionLost("reset"))
    assert len(tries) == 1

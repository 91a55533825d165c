"""The replicas of one agent: least-in-flight choice that skips unhealthy or broken replicas."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from a2a_mcp.client import metrics
from a2a_mcp.errors import AgentUnavailableError
from a2a_mcp.resilience import BreakerState, CircuitBreaker


@dataclass(eq=False)
class Replica:
    """One address of an agent, with its breaker, load and last health."""

    agent: str
    url: str
    breaker: CircuitBreaker
    in_flight: int = 0
    healthy: bool = True  # unknown counts as healthy until a check says otherwise
    client: Any = None  # the a2a-sdk Client bound to this URL, made on first use
    last_error: str = ""
    _gauge: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._gauge = metrics.IN_FLIGHT.labels(self.agent, self.url)

    def begin(self) -> None:
        self.in_flight += 1
        self._gauge.inc()

    def end(self) -> None:
        self.in_flight -= 1
        self._gauge.dec()

    def describe(self) -> str:
        state = self.breaker.state.name.lower().replace("_", "-")
        health = "healthy" if self.healthy else "unhealthy"
        reason = f", last error: {self.last_error}" if self.last_error else ""
        return f"{self.url} (breaker {state}, {health}{reason})"


class ReplicaSet:
    """All replicas of one agent and the rule that picks one for the next call."""

    def __init__(
        self,
        agent: str,
        urls: Sequence[str],
        *,
        failure_threshold: int = 5,
        cooldown_s: float = 10.0,
    ) -> None:
        self.agent = agent
        self.replicas = [self._replica(url, failure_threshold, cooldown_s) for url in urls]
        self._turn = 0

    def _replica(self, url: str, failure_threshold: int, cooldown_s: float) -> Replica:
        gauge = metrics.BREAKER_STATE.labels(self.agent, url)
        gauge.set(BreakerState.CLOSED)

        def on_change(state: BreakerState) -> None:
            gauge.set(state)
            metrics.BREAKER_TRANSITIONS.labels(self.agent, url, state.name.lower()).inc()

        breaker = CircuitBreaker(failure_threshold, cooldown_s, on_change=on_change)
        return Replica(agent=self.agent, url=url, breaker=breaker)

    def choose(self, exclude: frozenset[str] = frozenset()) -> Replica:
        """The replica for the next attempt: one not tried yet in this call, healthy, least busy
        (ties taken in turn); a replica whose breaker refuses is never chosen."""
        count = len(self.replicas)
        self._turn = (self._turn + 1) % max(count, 1)
        ranked = sorted(
            (r for r in self.replicas if r.breaker.available()),
            key=lambda r: (
                r.url in exclude,
                not r.healthy,
                r.in_flight,
                (self.replicas.index(r) - self._turn) % count,
            ),
        )
        for replica in ranked:
            if replica.breaker.acquire():
                return replica
        raise AgentUnavailableError(
            f"agent '{self.agent}' is unavailable: none of its {count} replica(s) can take a call "
            f"now: {'; '.join(r.describe() for r in self.replicas)}",
            details={"agent": self.agent, "replicas": [r.url for r in self.replicas]},
        )

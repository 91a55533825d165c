"""SkillCache: key a skill call, answer it from the cache, or compute it once (single flight)."""

from __future__ import annotations

import asyncio
import enum
import hashlib
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

import orjson

from a2a_mcp.cache import metrics
from a2a_mcp.cache.base import (
    AgentStats,
    Cache,
    CacheStats,
    CacheUnavailableError,
    InProcessCache,
    LockingCache,
    SelfTimedCache,
)
from a2a_mcp.cache.codec import COMPRESS_ABOVE, DecodeError, decode, encode
from a2a_mcp.observability import get_logger

TtlFor = Callable[[str, Mapping[str, Any]], float | None]
Compute = Callable[[], Awaitable[dict[str, Any]]]

log = get_logger("cache")


class _Skipped(enum.Enum):
    """Marks a cache operation that failed or was not tried; the call goes on without the cache.
    A one-member enum so the type checker narrows `x is SKIPPED` (PEP 484's sentinel idiom)."""

    SKIPPED = "SKIPPED"

    def __repr__(self) -> str:
        return "SKIPPED"


SKIPPED: Final = _Skipped.SKIPPED


def one_hour(kind: str, meta: Mapping[str, Any]) -> float | None:
    """Default TTL policy: every kind lives one hour."""
    return 3600.0


@dataclass(frozen=True, slots=True)
class CacheOutcome:
    """What get_or_compute returns: the value and how it was obtained."""

    value: dict[str, Any]
    hit: bool  # the value came from a stored entry
    shared: bool  # this caller waited on an identical call instead of computing
    seconds_saved: float  # compute time this caller did not spend (0.0 when it computed)
    stored: bytes = b""  # the entry as read from the backend (empty when computed)


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    """A skill's output served from the cache, ready to send: its JSON as stored, and the text
    artifacts that go with it (name -> text; see the server's `a2a_text_artifacts` hook)."""

    data: dict[str, Any]
    text_artifacts: dict[str, str]


@dataclass(frozen=True, slots=True)
class _Job:
    """One get_or_compute that leads its flight: what to compute and how to store it."""

    key: str
    compute: Compute
    agent: str
    kind: str
    tags: tuple[str, ...]
    meta: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class _Result:
    outcome: CacheOutcome
    compute_s: float  # how long the value took to compute, wherever that happened


class SkillCache:
    """The cache in front of skills: keys, TTLs, single flight in and across processes, failures."""

    def __init__(
        self,
        cache: Cache,
        *,
        namespace: str = "vg",
        ttl_for: TtlFor = one_hour,
        lock_ttl_s: float = 5.0,
        op_timeout_s: float = 0.25,
        wait_timeout_s: float = 300.0,
        recover_after_s: float = 1.0,
        poll_s: tuple[float, float] = (0.005, 0.05),
        stats_flush_s: float = 1.0,
        compress_above: int = COMPRESS_ABOVE,
    ) -> None:
        self.cache = cache
        self.namespace = namespace
        self.ttl_for = ttl_for
        self.lock_ttl_s = lock_ttl_s
        self.op_timeout_s = op_timeout_s
        self.wait_timeout_s = wait_timeout_s
        self.recover_after_s = recover_after_s
        self.poll_s = poll_s
        self.stats_flush_s = stats_flush_s
        self.compress_above = compress_above
        # Only a backend shared between processes (Redis) needs, and has, cross-process locks.
        self._locks: LockingCache | None = cache if isinstance(cache, LockingCache) else None
        # Arm our own timer only where it adds something: not for in-process backends (nothing to
        # wait on), nor for one that already bounds each operation at least as tightly (Redis).
        self._untimed = (isinstance(cache, InProcessCache) and cache.in_process) or (
            isinstance(cache, SelfTimedCache) and cache.timeout_s <= op_timeout_s
        )
        self._flights: dict[str, asyncio.Future[_Result]] = {}
        self._down_until = 0.0  # monotonic time before which the backend is not tried again
        self._pending: dict[str, dict[str, float]] = {}
        self._flush_task: asyncio.Task[None] | None = None

    # -- keys ----------------------------------------------------------------------------------

    def make_key(
        self,
        agent: str,
        skill: str,
        engine_id: str,
        engine_version: str,
        templates_version: str,
        input_json: Mapping[str, Any],
    ) -> str:
        """`ns:agent:skill:engine:engine_version:templates:sha256(canonical input JSON)`."""
        for label, part in (("agent", agent), ("skill", skill)):
            if not part or ":" in part:
                raise ValueError(f"{label} name {part!r} must be non-empty and contain no ':'")
        digest = hashlib.sha256(orjson.dumps(input_json, option=orjson.OPT_SORT_KEYS)).hexdigest()
        return (
            f"{self.namespace}:{agent}:{skill}:{engine_id}:{engine_version}:"
            f"{templates_version}:{digest}"
        )

    def agent_prefix(self, agent: str | None = None) -> str:
        """The key prefix of one agent's entries, or of all entries when agent is None."""
        return f"{self.namespace}:{agent}:" if agent else f"{self.namespace}:"

    # -- the call ------------------------------------------------------------------------------

    async def get_or_compute(
        self,
        key: str,
        compute: Compute,
        *,
        agent: str,
        kind: str,
        tags: Sequence[str] = (),
        bypass: bool = False,
        meta: Mapping[str, Any] | None = None,
    ) -> CacheOutcome:
        """The stored value for key, or compute() run once for all concurrent identical callers.

        `meta` (with "agent" and the computed "value" added) is passed to ttl_for.
        bypass=True neither reads nor writes the cache.
        """
        if bypass:
            metrics.meters(agent, kind).bypassed.inc()
            return CacheOutcome(await compute(), hit=False, shared=False, seconds_saved=0.0)
        while (flight := self._flights.get(key)) is not None:
            try:
                result = await asyncio.shield(flight)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if flight.cancelled() and task is not None and not task.cancelling():
                    continue  # the leader was cancelled, not us: start or join a new flight
                raise
            self._count(agent, kind, "shared", seconds_saved=result.compute_s)
            return replace(result.outcome, shared=True, seconds_saved=result.compute_s)

        flight = asyncio.get_running_loop().create_future()
        self._flights[key] = flight
        try:
            result = await self._lead(_Job(key, compute, agent, kind, tuple(tags), meta or {}))
        except asyncio.CancelledError:
            flight.cancel()
            raise
        except BaseException as exc:
            flight.set_exception(exc)
            flight.exception()  # followers re-raise it; with none, asyncio must not warn
            raise
        else:
            flight.set_result(result)
        finally:
            if self._flights.get(key) is flight:
                del self._flights[key]
        return result.outcome

    async def lookup(self, key: str, *, agent: str, kind: str) -> CacheOutcome | None:
        """The stored value for key, counted as a hit; None otherwise, with nothing counted or
        computed (the caller then goes through get_or_compute). An identical call running in
        this process is a None too: get_or_compute joins it."""
        if key in self._flights:
            return None
        stored = await self._read(key, agent, kind)
        return stored.outcome if isinstance(stored, _Result) else None

    async def _lead(self, job: _Job) -> _Result:
        stored = await self._read(job.key, job.agent, job.kind)
        if isinstance(stored, _Result):
            return stored
        if stored is SKIPPED or self._locks is None:
            return await self._compute(job)
        token = await self._lock(job)
        if token is SKIPPED:
            return await self._compute(job)
        if token is None:
            return await self._wait(job)
        return await self._compute_locked(job, token)

    async def _lock(self, job: _Job) -> str | _Skipped | None:
        """SET NX the job's lock: its token, None when another holds it, or SKIPPED."""
        assert self._locks is not None
        lock = self._locks.try_lock
        return await self._op("lock", job.agent, job.kind, lock, job.key, self.lock_ttl_s)

    async def _compute_locked(self, job: _Job, token: str) -> _Result:
        # Look again now that we hold the lock: the last holder may have stored the value and let
        # go between our GET and our SET NX; without this check it would be computed twice.
        stored = await self._read(job.key, job.agent, job.kind)
        if isinstance(stored, _Result):
            await self._unlock(job.key, token, job.agent, job.kind)
            return stored
        return await self._compute(job, token=token)

    async def _wait(self, job: _Job) -> _Result:
        """Another process holds the lock: wait for its stored value, or take over if it dies."""
        deadline = time.monotonic() + self.wait_timeout_s
        delay, longest = self.poll_s
        while True:
            await asyncio.sleep(delay)
            delay = min(delay * 2, longest)
            stored = await self._read(job.key, job.agent, job.kind, as_shared=True)
            if isinstance(stored, _Result):
                return stored
            if stored is SKIPPED:
                return await self._compute(job)
            token = await self._lock(job)
            if token is SKIPPED:
                return await self._compute(job)
            if token is not None:
                log.info("cache_lock_taken_over", key=job.key, agent=job.agent, kind=job.kind)
                return await self._compute_locked(job, token)
            if time.monotonic() > deadline:
                log.warning(
                    "cache_wait_timed_out",
                    key=job.key,
                    agent=job.agent,
                    waited_s=self.wait_timeout_s,
                )
                return await self._compute(job)

    async def _read(
        self, key: str, agent: str, kind: str, *, as_shared: bool = False
    ) -> _Result | _Skipped | None:
        raw = await self._op("get", agent, kind, self.cache.get, key)
        if raw is None or raw is SKIPPED:
            return raw
        try:
            envelope = decode(raw)
            value, compute_s = envelope["v"], float(envelope["s"])
            if not isinstance(value, dict):
                raise DecodeError(f"stored value is a {type(value).__name__}, not an object")
        except (DecodeError, KeyError, TypeError, ValueError) as exc:
            # A corrupt or foreign entry is a miss, and is removed so the next store replaces it.
            log.warning("cache_entry_corrupt", key=key, agent=agent, kind=kind, error=str(exc))
            metrics.meters(agent, kind).error("decode").inc()
            self._count(agent, kind, "errors")
            await self._op("delete", agent, kind, self.cache.delete, key)
            return None
        metrics.meters(agent, kind).bytes_read.inc(len(raw))
        if as_shared:
            self._count(agent, kind, "shared", seconds_saved=compute_s)
        else:
            self._count(agent, kind, "hits", seconds_saved=compute_s, bytes_served=len(raw))
        outcome = CacheOutcome(
            value, hit=not as_shared, shared=as_shared, seconds_saved=compute_s, stored=raw
        )
        return _Result(outcome, compute_s)

    async def _compute(self, job: _Job, *, token: str | None = None) -> _Result:
        key, agent, kind = job.key, job.agent, job.kind
        renewer = (
            asyncio.create_task(self._renew(key, token, agent, kind)) if token is not None else None
        )
        self._count(agent, kind, "misses")
        try:
            started = time.perf_counter()
            value = await job.compute()
            compute_s = time.perf_counter() - started
            await self._store(job, value, compute_s)
        finally:
            if renewer is not None:
                renewer.cancel()
                await asyncio.gather(renewer, return_exceptions=True)
            if token is not None and self._locks is not None:
                # Stored, then released: a waiter that finds the lock gone finds the value.
                await self._unlock(key, token, agent, kind)
        return _Result(CacheOutcome(value, hit=False, shared=False, seconds_saved=0.0), compute_s)

    async def _store(self, job: _Job, value: dict[str, Any], compute_s: float) -> None:
        key, agent, kind, tags, meta = job.key, job.agent, job.kind, job.tags, job.meta
        try:
            ttl_s = self.ttl_for(kind, {**meta, "agent": agent, "value": value})
            if ttl_s is not None and ttl_s <= 0:
                return
            data = encode(
                {"v": value, "s": compute_s, "t": time.time()}, compress_above=self.compress_above
            )
        except Exception as exc:  # a value or TTL policy we cannot cache must not fail the call
            log.warning("cache_store_refused", key=key, agent=agent, kind=kind, error=repr(exc))
            metrics.meters(agent, kind).error("encode").inc()
            self._count(agent, kind, "errors")
            return
        if await self._op("set", agent, kind, self.cache.set, key, data, ttl_s, tags) is SKIPPED:
            return
        metrics.meters(agent, kind).bytes_written.inc(len(data))
        self._count(agent, kind, "bytes_stored", amount=len(data))

    async def _renew(self, key: str, token: str, agent: str, kind: str) -> None:
        """Keep the lock alive while the work runs; a dead process stops renewing and it expires."""
        assert self._locks is not None
        while True:
            await asyncio.sleep(self.lock_ttl_s / 3)
            renewed = await self._op(
                "renew",
                agent,
                kind,
                self._locks.renew_lock,
                key,
                token,
                self.lock_ttl_s,
            )
            if renewed is False:
                log.warning("cache_lock_lost", key=key, agent=agent, kind=kind)
                return

    async def _unlock(self, key: str, token: str, agent: str, kind: str) -> None:
        # Tried even while the backend is marked down (one failed op may have been a blip):
        # a lock left behind makes other processes wait for it to expire.
        assert self._locks is not None
        await self._op("unlock", agent, kind, self._locks.release_lock, key, token, force=True)

    # -- failure handling ----------------------------------------------------------------------

    async def _op(
        self,
        op: str,
        agent: str,
        kind: str,
        fn: Callable[..., Awaitable[Any]],
        *args: Any,
        force: bool = False,
    ) -> Any:
        """Run one backend call under the timeout; on failure log, count, and return SKIPPED."""
        if self._down_until and not force and time.monotonic() < self._down_until:
            return SKIPPED
        started = time.perf_counter()
        try:
            if self._untimed:
                result = await fn(*args)
            else:
                async with asyncio.timeout(self.op_timeout_s):
                    result = await fn(*args)
        except (CacheUnavailableError, TimeoutError) as exc:
            self._failed(op, agent, kind, exc)
            return SKIPPED
        metrics.meters(agent, kind).latency(op).observe(time.perf_counter() - started)
        if self._down_until:
            self._down_until = 0.0
            log.info("cache_recovered", backend=self.cache.backend, op=op, agent=agent)
        return result

    def _failed(self, op: str, agent: str, kind: str, exc: BaseException) -> None:
        metrics.meters(agent, kind).error(op).inc()
        self._count(agent, kind, "errors")
        error = "timed out" if isinstance(exc, TimeoutError) else str(exc)
        log.warning(
            "cache_unavailable_skipped",
            backend=self.cache.backend,
            op=op,
            agent=agent,
            kind=kind,
            error=error,
            retry_in_s=self.recover_after_s,
        )
        # Do not try again for a moment: a slow backend would otherwise add its timeout to every
        # call. After that the next call probes it, so caching resumes by itself.
        self._down_until = time.monotonic() + self.recover_after_s

    # -- stats ---------------------------------------------------------------------------------

    def _count(
        self,
        agent: str,
        kind: str,
        field: str,
        *,
        amount: float = 1,
        seconds_saved: float = 0.0,
        bytes_served: int = 0,
    ) -> None:
        counts = self._pending.setdefault(agent, {})
        counts[field] = counts.get(field, 0) + amount
        meters = metrics.meters(agent, kind)
        if field == "hits":
            meters.hits.inc()
        elif field == "shared":
            meters.shared.inc()
        elif field == "misses":
            meters.misses.inc()
        if seconds_saved:
            counts["seconds_saved"] = counts.get("seconds_saved", 0.0) + seconds_saved
            meters.seconds_saved.inc(seconds_saved)
        if bytes_served:
            counts["bytes_served"] = counts.get("bytes_served", 0) + bytes_served
        if self._flush_task is None:
            # Counters go to the backend in batches, not one round trip per call.
            self._flush_task = asyncio.get_running_loop().create_task(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(self.stats_flush_s)
        self._flush_task = None
        await self.flush_stats()

    async def flush_stats(self) -> None:
        """Send the counted deltas to the backend now (kept for later if it is unavailable)."""
        pending, self._pending = self._pending, {}
        if not pending:
            return
        deltas = {agent: AgentStats.model_validate(counts) for agent, counts in pending.items()}
        try:
            async with asyncio.timeout(self.op_timeout_s * 4):
                await self.cache.record(deltas)
        except (CacheUnavailableError, TimeoutError) as exc:
            log.warning("cache_stats_not_saved", error=str(exc) or "timed out")
            for agent, counts in pending.items():
                mine = self._pending.setdefault(agent, {})
                for name, amount in counts.items():
                    mine[name] = mine.get(name, 0) + amount

    async def stats(self) -> CacheStats:
        """Backend stats with this process's latest counts included (raises if unreachable)."""
        await self.flush_stats()
        return await self.cache.stats()

    async def clear(self, agent: str | None = None) -> int:
        """Delete every entry of one agent, or all of this namespace; returns how many."""
        return await self.cache.invalidate_prefix(self.agent_prefix(agent))

    async def aclose(self) -> None:
        """Flush counters. The Cache itself belongs to whoever opened it, who closes it."""
        if self._flush_task is not None:
            self._flush_task.cancel()
            await asyncio.gather(self._flush_task, return_exceptions=True)
            self._flush_task = None
        await self.flush_stats()

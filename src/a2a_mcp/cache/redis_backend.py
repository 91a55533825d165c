"""Redis cache backend (redis.asyncio, hiredis if installed): entries, tags, locks, shared stats."""

from __future__ import annotations

import asyncio
import os
import secrets
import weakref
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlsplit, urlunsplit

from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.connection import URL_QUERY_ARGUMENT_PARSERS, parse_url
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.utils import HIREDIS_AVAILABLE

from a2a_mcp.cache.base import AgentStats, CacheConfigError, CacheStats, CacheUnavailableError

P = ParamSpec("P")
T = TypeVar("T")

# Store value, then add the key to each tag set; a tag set lives as long as its longest entry.
_SET_TAGGED = """
local ttl = tonumber(ARGV[2])
if ttl > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
else
  redis.call('SET', KEYS[1], ARGV[1])
end
for i = 2, #KEYS do
  local existed = redis.call('EXISTS', KEYS[i])
  redis.call('SADD', KEYS[i], KEYS[1])
  local left = redis.call('PTTL', KEYS[i])
  if ttl == 0 then
    redis.call('PERSIST', KEYS[i])
  elseif existed == 0 or (left >= 0 and left < ttl) then
    redis.call('PEXPIRE', KEYS[i], ttl)
  end
end
return 1
"""

# Delete every entry named in a tag set and the set itself; UNLINK frees memory off-thread.
_INVALIDATE_TAG = """
local members = redis.call('SMEMBERS', KEYS[1])
local n = 0
for i = 1, #members, 500 do
  n = n + redis.call('UNLINK', unpack(members, i, math.min(i + 499, #members)))
end
redis.call('DEL', KEYS[1])
return n
"""

# Only the owner (the one holding the token) may extend or release a lock.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

_INT_FIELDS = ("hits", "shared", "misses", "errors", "bytes_stored", "bytes_served")
_URL_KEYS = {
    "host",
    "port",
    "db",
    "username",
    "password",
    "path",
    "connection_class",
    *URL_QUERY_ARGUMENT_PARSERS,
}


def redact_url(url: str) -> str:
    """The URL with any password replaced, fit for logs and error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + netloc))


def _check_url(url: str) -> None:
    def bad(problem: str) -> CacheConfigError:
        return CacheConfigError(
            f"cache URL {redact_url(url)!r} is not a valid Redis URL ({problem}); "
            "use redis://host:port/db, rediss://host:port/db or unix:///path/to/redis.sock"
        )

    try:
        kwargs = parse_url(url)
    except ValueError as exc:
        raise bad(str(exc)) from None
    parts = urlsplit(url)
    db = parts.path.strip("/")
    if parts.scheme != "unix" and db and not db.isdigit():
        # redis-py would silently use db 0 here; say so instead.
        raise bad(f"the database after the port must be a number, got {db!r}")
    unknown = sorted(set(kwargs) - _URL_KEYS)
    if unknown:
        raise CacheConfigError(
            f"cache URL {redact_url(url)!r} has unknown option(s) {', '.join(unknown)}; "
            f"known: namespace, {', '.join(sorted(URL_QUERY_ARGUMENT_PARSERS))}"
        )


@dataclass
class _SharedPool:
    pool: ConnectionPool
    loop: weakref.ref[asyncio.AbstractEventLoop] | None
    slots: asyncio.Semaphore
    users: int = 0


# One connection pool per process, URL and event loop, however many caches (agents) use it.
# The loop is part of the key because asyncio connections belong to the loop that opened them
# (tests run one loop each); a process serving agents has one loop, hence one pool.
_POOLS: dict[tuple[Any, ...], _SharedPool] = {}


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _acquire_pool(url: str, options: dict[str, Any]) -> tuple[tuple[Any, ...], _SharedPool]:
    loop = _running_loop()
    key = (os.getpid(), id(loop), url, tuple(sorted(options.items())))
    shared = _POOLS.get(key)
    # An id can be reused by a new loop once the old one is gone: check it is the same loop.
    if shared is None or (shared.loop() if shared.loop else None) is not loop:
        pool = ConnectionPool.from_url(url, retry=Retry(NoBackoff(), 1), **options)
        # A burst beyond max_connections must wait for a free connection (bounded by the
        # operation's timer), not fail, which would mark the cache down for everyone. A
        # semaphore does that for a fraction of what redis-py's BlockingConnectionPool costs.
        slots = asyncio.Semaphore(options["max_connections"])
        shared = _POOLS[key] = _SharedPool(pool, weakref.ref(loop) if loop else None, slots)
    shared.users += 1
    return key, shared


async def _release_pool(key: tuple[Any, ...], shared: _SharedPool) -> None:
    shared.users -= 1
    if shared.users <= 0:
        if _POOLS.get(key) is shared:
            del _POOLS[key]
        await shared.pool.aclose()


Method = Callable[P, Coroutine[Any, Any, T]]


def _timed(*, slow: bool = False) -> Callable[[Method[P, T]], Method[P, T]]:
    """Bound a method by the cache's timeout and turn redis, socket and timeout errors into
    CacheUnavailableError, the one error callers handle. `slow` ops (scans) get scan_timeout_s."""

    def decorate(method: Method[P, T]) -> Method[P, T]:
        @wraps(method)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            cache: RedisCache = args[0]  # type: ignore[assignment]
            try:
                async with asyncio.timeout(cache.scan_timeout_s if slow else cache.timeout_s):
                    async with cache.slots:
                        return await method(*args, **kwargs)
            except TimeoutError:
                raise CacheUnavailableError(f"redis {method.__name__} timed out") from None
            except (RedisError, OSError) as exc:
                raise CacheUnavailableError(f"redis {method.__name__} failed: {exc}") from exc

        return wrapper

    return decorate


def _glob_escape(text: str) -> str:
    for char in "\\*?[]":
        text = text.replace(char, "\\" + char)
    return text


class RedisCache:
    """Entries under `{ns}:d:`, tag sets `{ns}:t:`, locks `{ns}:l:`, stat hashes `{ns}:s:`."""

    backend = "redis"

    def __init__(
        self,
        url: str,
        *,
        namespace: str = "vgc",
        timeout_s: float = 0.25,
        scan_timeout_s: float = 30.0,
        connect_timeout_s: float = 0.5,
        max_connections: int = 64,
    ) -> None:
        _check_url(url)
        self.url = url
        # Each operation is bounded here with one asyncio timer, not by redis-py's socket_timeout:
        # that one wraps every send in asyncio.wait_for, a task per command (~20 us a GET).
        self.timeout_s = timeout_s
        self.scan_timeout_s = scan_timeout_s
        self.namespace = namespace
        self.parser = "hiredis" if HIREDIS_AVAILABLE else "python"
        self._pool_key, self._pool = _acquire_pool(
            url,
            {
                "socket_connect_timeout": connect_timeout_s,
                "max_connections": max_connections,
            },
        )
        self._client = Redis(connection_pool=self._pool.pool)
        self.slots = self._pool.slots  # one per pooled connection, shared with the pool
        self._data = f"{namespace}:d:"
        self._tag = f"{namespace}:t:"
        self._lock = f"{namespace}:l:"
        self._stat = f"{namespace}:s:"
        self._agents = f"{namespace}:agents"
        self._set_tagged = self._client.register_script(_SET_TAGGED)
        self._invalidate_tag = self._client.register_script(_INVALIDATE_TAG)
        self._renew = self._client.register_script(_RENEW)
        self._release = self._client.register_script(_RELEASE)
        self._closed = False

    @property
    def client(self) -> Redis:
        """The underlying redis.asyncio client (shared pool), for callers that need raw commands."""
        return self._client

    async def get(self, key: str) -> bytes | None:
        # Written out rather than decorated: this is the hot path measured against a raw GET.
        try:
            async with asyncio.timeout(self.timeout_s):
                async with self.slots:
                    return await self._client.get(self._data + key)
        except TimeoutError:
            raise CacheUnavailableError("redis get timed out") from None
        except (RedisError, OSError) as exc:
            raise CacheUnavailableError(f"redis get failed: {exc}") from exc

    @_timed()
    async def set(
        self, key: str, value: bytes, ttl_s: float | None, tags: Sequence[str] = ()
    ) -> None:
        data_key = self._data + key
        if ttl_s is not None and ttl_s <= 0:
            await self._client.delete(data_key)
            return
        ttl_ms = 0 if ttl_s is None else max(1, round(ttl_s * 1000))
        if not tags:
            await self._client.set(data_key, value, px=ttl_ms or None)
            return
        await self._set_tagged(
            keys=[data_key, *(self._tag + tag for tag in tags)], args=[value, ttl_ms]
        )

    @_timed()
    async def delete(self, key: str) -> bool:
        return bool(await self._client.delete(self._data + key))

    @_timed(slow=True)
    async def invalidate_prefix(self, prefix: str) -> int:
        removed = 0
        batch: list[bytes] = []
        async for key in self._client.scan_iter(
            match=self._data + _glob_escape(prefix) + "*", count=1000
        ):
            batch.append(key)
            if len(batch) >= 500:
                removed += await self._client.unlink(*batch)
                batch.clear()
        if batch:
            removed += await self._client.unlink(*batch)
        return removed

    @_timed(slow=True)
    async def invalidate_tag(self, tag: str) -> int:
        return int(await self._invalidate_tag(keys=[self._tag + tag]))

    @_timed()
    async def record(self, deltas: Mapping[str, AgentStats]) -> None:
        if not deltas:
            return
        pipe = self._client.pipeline(transaction=False)
        for agent, delta in deltas.items():
            hash_key = self._stat + agent
            for name in _INT_FIELDS:
                amount = getattr(delta, name)
                if amount:
                    pipe.hincrby(hash_key, name, amount)
            if delta.seconds_saved:
                pipe.hincrbyfloat(hash_key, "seconds_saved", delta.seconds_saved)
            pipe.sadd(self._agents, agent)
        await pipe.execute()

    @_timed()
    async def reset_stats(self, agent: str | None = None) -> None:
        if agent is not None:
            await self._client.delete(self._stat + agent)
            # redis-py types set commands as `Awaitable[T] | T` for its sync and async clients.
            await self._client.srem(self._agents, agent)  # type: ignore[misc]
            return
        agents = await self._client.smembers(self._agents)  # type: ignore[misc]  # as above
        await self._client.delete(self._agents, *(self._stat + a.decode() for a in agents))

    @_timed(slow=True)
    async def stats(self) -> CacheStats:
        members = await self._client.smembers(self._agents)  # type: ignore[misc]  # as in reset_stats
        agents = sorted(a.decode() for a in members)
        pipe = self._client.pipeline(transaction=False)
        for agent in agents:
            pipe.hgetall(self._stat + agent)
        rows = await pipe.execute() if agents else []
        entries = 0
        async for _ in self._client.scan_iter(match=self._data + "*", count=1000):
            entries += 1
        return CacheStats(
            backend=self.backend,
            entries=entries,
            # Redis cannot tell bytes per prefix without a costly MEMORY USAGE per key.
            stored_bytes=None,
            agents={
                agent: AgentStats.model_validate({k.decode(): v.decode() for k, v in row.items()})
                for agent, row in zip(agents, rows, strict=True)
            },
        )

    @_timed()
    async def try_lock(self, name: str, ttl_s: float) -> str | None:
        token = secrets.token_hex(16)
        taken = await self._client.set(
            self._lock + name, token, nx=True, px=max(1, round(ttl_s * 1000))
        )
        return token if taken else None

    @_timed()
    async def renew_lock(self, name: str, token: str, ttl_s: float) -> bool:
        return bool(
            await self._renew(keys=[self._lock + name], args=[token, max(1, round(ttl_s * 1000))])
        )

    @_timed()
    async def release_lock(self, name: str, token: str) -> bool:
        return bool(await self._release(keys=[self._lock + name], args=[token]))

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._client.aclose()
        await _release_pool(self._pool_key, self._pool)

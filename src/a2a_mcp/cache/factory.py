"""open_cache: pick and build a cache backend from a URL (memory://, redis://, none://)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from a2a_mcp.cache.base import Cache, CacheConfigError
from a2a_mcp.cache.memory import MemoryCache
from a2a_mcp.cache.null import NullCache
from a2a_mcp.cache.redis_backend import RedisCache, redact_url

_HELP = (
    "use memory:// (optionally memory://?max_entries=10000&max_bytes=268435456), "
    "redis://host:port/db (also rediss:// and unix://), or none:// to disable the cache"
)
_MEMORY_OPTIONS = {"max_entries": int, "max_bytes": int}


def open_cache(url: str, **opts: Any) -> Cache:
    """Build the backend a URL names; keyword options override the URL's query options."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "memory":
        return MemoryCache(**_memory_options(url, parts.query, opts))
    if scheme in ("redis", "rediss", "unix"):
        # `namespace` is ours; every other query option belongs to redis-py.
        query = parse_qsl(parts.query, keep_blank_values=True)
        namespace = next((value for name, value in query if name == "namespace"), None)
        rest = urlencode([(name, value) for name, value in query if name != "namespace"])
        if namespace is not None:
            opts.setdefault("namespace", namespace)
        try:
            return RedisCache(urlunsplit(parts._replace(query=rest)), **opts)
        except TypeError as exc:
            raise CacheConfigError(f"bad option for the Redis cache: {exc}") from None
    if scheme == "none":
        if opts:
            raise CacheConfigError(f"none:// takes no options, got {', '.join(sorted(opts))}")
        return NullCache()
    raise CacheConfigError(f"cache URL {redact_url(url)!r} is not supported; {_HELP}")


def _memory_options(url: str, query: str, opts: dict[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        parse = _MEMORY_OPTIONS.get(name)
        if parse is None:
            raise CacheConfigError(
                f"cache URL {url!r} has unknown option {name!r}; "
                f"memory:// knows {', '.join(_MEMORY_OPTIONS)}"
            )
        try:
            merged[name] = parse(value)
        except ValueError:
            raise CacheConfigError(
                f"cache URL {url!r}: {name} must be a whole number, got {value!r}"
            ) from None
    unknown = sorted(set(opts) - {*_MEMORY_OPTIONS, "clock"})
    if unknown:
        raise CacheConfigError(f"memory cache has no option(s) {', '.join(unknown)}")
    merged.update(opts)
    return merged

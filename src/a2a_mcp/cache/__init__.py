"""The cache layer: backends (memory, Redis, none) behind one protocol, a codec, and SkillCache."""

from a2a_mcp.cache.base import (
    AgentStats,
    Cache,
    CacheConfigError,
    CacheStats,
    CacheUnavailableError,
    LockingCache,
)
from a2a_mcp.cache.codec import DecodeError, decode, encode
from a2a_mcp.cache.factory import open_cache
from a2a_mcp.cache.memory import MemoryCache
from a2a_mcp.cache.null import NullCache
from a2a_mcp.cache.redis_backend import RedisCache, redact_url
from a2a_mcp.cache.skill_cache import CachedAnswer, CacheOutcome, SkillCache, TtlFor

__all__ = [
    "AgentStats",
    "Cache",
    "CacheConfigError",
    "CacheOutcome",
    "CacheStats",
    "CacheUnavailableError",
    "CachedAnswer",
    "DecodeError",
    "LockingCache",
    "MemoryCache",
    "NullCache",
    "RedisCache",
    "SkillCache",
    "TtlFor",
    "decode",
    "encode",
    "open_cache",
    "redact_url",
]

"""a2a_mcp's settings models, filled by the application: values, or variables under its prefix."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

M = TypeVar("M", bound=BaseModel)


class RetryPolicy(BaseModel):
    """How many attempts a call gets and how long to wait between them."""

    attempts: int = Field(default=3, ge=1)
    initial_delay_s: float = Field(default=0.05, ge=0)
    max_delay_s: float = Field(default=1.0, ge=0)
    jitter_s: float = Field(default=0.05, ge=0)


class HttpPoolSettings(BaseModel):
    """Connection pool knobs, given by the application (see from_env)."""

    limit: int = Field(default=200, ge=1, description="Open connections in total.")
    limit_per_host: int = Field(default=64, ge=1, description="Open connections per host:port.")
    keepalive_s: float = Field(
        default=30.0,
        gt=0,
        description="Idle time before a pooled "
        "connection is closed; below the servers' keep-alive (75 s ours).",
    )
    dns_ttl_s: int = Field(default=300, ge=0, description="How long a DNS answer is reused.")
    connect_timeout_s: float = Field(default=5.0, gt=0)
    read_timeout_s: float = Field(default=60.0, gt=0, description="Longest silence on a socket.")
    total_timeout_s: float = Field(default=120.0, gt=0, description="Whole request, by default.")


class A2AClientSettings(BaseModel):
    """Client knobs, given by the application (see from_env)."""

    call_timeout_s: float = Field(default=300.0, gt=0, description="Whole call, retries included.")
    request_timeout_s: float = Field(default=10.0, gt=0, description="Card fetch, CancelTask.")
    stream_read_timeout_s: float = Field(
        default=60.0, gt=0, description="Longest silence on a stream (servers ping every 15 s)."
    )
    retry: RetryPolicy = Field(default_factory=RetryPolicy)
    breaker_failures: int = Field(default=3, ge=1, description="Consecutive failures to open.")
    breaker_cooldown_s: float = Field(default=10.0, ge=0, description="Open time before a probe.")
    health_interval_s: float = Field(default=5.0, ge=0, description="0 turns checks off.")
    health_timeout_s: float = Field(default=2.0, gt=0)
    api_key: SecretStr | None = Field(
        default=None, description="Sent as a bearer token to every agent (cards stay open)."
    )
    # How the application's users set the key, for the error of a refused call.
    api_key_hint: str = Field(
        default="give the client (A2AClientSettings.api_key) a key the agent accepts",
        description="The fix named when an agent refuses the client's key (401/403).",
    )


_pool_settings = HttpPoolSettings()


def configure_pool(settings: HttpPoolSettings) -> None:
    """The settings of the process-wide connection pool (a2a_mcp.client.get_pool), given by the
    application at start-up; a pool already made keeps its own until close_pool."""
    global _pool_settings
    _pool_settings = settings


def pool_settings() -> HttpPoolSettings:
    """What configure_pool was given, else the defaults."""
    return _pool_settings


def from_env(model: type[M], prefix: str, **values: Any) -> M:
    """`model` (HttpPoolSettings, A2AClientSettings, ...) from <prefix><FIELD> variables
    (case-insensitive; a nested field as <prefix><FIELD>__<SUB>), `values` winning over them.
    a2a_mcp reads no variable by itself: an application calls this with its own prefix, or
    nests the models in its own settings, or passes the values."""
    config = SettingsConfigDict(env_prefix=prefix, env_nested_delimiter="__", extra="ignore")
    reader = type(f"{model.__name__}FromEnv", (BaseSettings, model), {"model_config": config})
    return model.model_validate(reader(**values).model_dump())

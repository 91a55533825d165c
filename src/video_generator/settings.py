"""The one settings object: environment variables (VG_*) with defaults, overridden by CLI flags."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from a2a_mcp.settings import A2AClientSettings, HttpPoolSettings
from video_generator.core.pacing import BASE_WPM

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _data_dir(name: str) -> Path:
    """workflows/ or agents/: the source tree's in a checkout, the copy bundled in a wheel."""
    source = PROJECT_ROOT / name
    return source if source.is_dir() else Path(__file__).resolve().parent / "_bundled" / name


class Settings(BaseSettings):
    """Every tunable of the system in one place; secrets are SecretStr and never logged."""

    # A nested model's fields are VG_<MODEL>_<FIELD>: VG_HTTP_LIMIT is http.limit (one split).
    model_config = SettingsConfigDict(
        env_prefix="VG_",
        extra="ignore",
        populate_by_name=True,
        env_nested_delimiter="_",
        env_nested_max_split=1,
    )

    cache_url: str = "memory://"
    # One Redis operation slower than this is skipped (the call computes); also covers the
    # event loop's own lag when the process is very busy.
    cache_timeout_s: float = Field(default=0.25, gt=0)
    log_level: str = "WARNING"
    log_json: bool = False
    out_dir: Path = Path("out")
    # The orchestrator's render work folder (one folder per task id): default out_dir/.renders,
    # beside the packages the CLI copies the files into (same disk, so a link, not a copy).
    render_dir: Path | None = None
    render_keep: int = Field(default=20, ge=1)  # most recent task folders kept; older pruned
    workflow: Path = _data_dir("workflows") / "video_generation.yaml"
    agents_dir: Path = _data_dir("agents")
    schedule_mode: Literal["eager", "levels"] = "eager"
    max_concurrency: int = 16
    words_per_minute: float = Field(default=BASE_WPM, gt=0, le=400)
    call_timeout_s: float = 60.0
    # TTL per cache kind, in seconds (issue: script 1 h, storyboard 1 h, timing 30 min, ...)
    ttl_script_s: float = 3600
    ttl_storyboard_s: float = 3600
    ttl_timing_s: float = 1800
    ttl_platform_cut_s: float = 3600
    ttl_package_s: float = 86400
    ttl_short_form_s: float = 1800  # TikTok and Reels trends move faster
    ttl_default_s: float = 3600  # a cached skill whose kind has no TTL of its own
    # Who writes the words (docs/engines.md). auto: an LLM when one is configured (a key or
    # VG_LLM_BASE_URL) or an Ollama answers at VG_OLLAMA_URL, else offline. llm: an LLM or a
    # clear error. offline (alias template): the template engine, no network.
    engine: str = Field(default="auto", pattern="^(auto|offline|template|llm)$")
    llm_base_url: str | None = None  # unset: OpenAI with a key, Ollama's /v1 when probed
    llm_model: str | None = None  # unset: gpt-4o-mini at OpenAI, Ollama's first model
    llm_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("VG_LLM_API_KEY", "OPENAI_API_KEY")
    )
    llm_timeout_s: float = Field(default=120.0, gt=0, le=3600)  # one request, 429 waits included
    llm_attempts: int = Field(default=3, ge=1, le=10)  # per request, on 429/5xx/timeouts
    ollama_url: str = "http://localhost:11434"  # where VG_ENGINE=auto looks for an Ollama
    llm_probe_timeout_s: float = Field(default=0.5, gt=0, le=10)
    fal_key: SecretStr | None = Field(default=None, alias="FAL_KEY")
    # fal.ai clips (render/fal): where fal lives (tests point these at a loopback stand-in),
    # how long each call and each clip may take, retries and the circuit breaker.
    fal_queue_url: str = "https://queue.fal.run"
    fal_rest_url: str = "https://rest.alpha.fal.ai"
    fal_cdn_url: str = "https://v3.fal.media"
    fal_request_timeout_s: float = Field(default=30.0, gt=0)
    fal_download_timeout_s: float = Field(default=300.0, gt=0)
    fal_clip_timeout_s: float = Field(default=1800.0, gt=0)
    fal_poll_interval_s: float = Field(default=2.0, gt=0)
    fal_attempts: int = Field(default=5, ge=1)
    fal_max_retry_wait_s: float = Field(default=60.0, ge=0)
    fal_breaker_failures: int = Field(default=5, ge=1)
    fal_breaker_cooldown_s: float = Field(default=30.0, ge=0)
    fal_max_concurrency: int = Field(default=4, ge=1)
    # Stock footage for shots (render/stock.py): keys, where the APIs live (tests point these
    # at loopback stand-ins), the timeout of each call, and the longest rate-limit wait.
    pexels_api_key: SecretStr | None = Field(default=None, alias="PEXELS_API_KEY")
    pixabay_api_key: SecretStr | None = Field(default=None, alias="PIXABAY_API_KEY")
    pexels_url: str = "https://api.pexels.com/v1/videos"
    pixabay_url: str = "https://pixabay.com/api/videos/"
    stock_timeout_s: float = Field(default=20.0, gt=0)
    stock_max_wait_s: float = Field(default=30.0, ge=0)
    # Folders a render request may read music and media from (render.music, render.media),
    # separated by ":". Empty: anywhere. Set it on a served orchestrator, or any A2A client
    # could have the server's files rendered into a video it gets back.
    render_media_roots: str = ""
    # Where served agents keep their A2A tasks (docs/deploy.md): a SQLite file path or a
    # database URL (postgresql://user:pw@host/db); unset, <out_dir>/.tasks/<agent>.sqlite;
    # "memory" keeps them in the process. Only the agents named in task_db_agents use it.
    task_db: str | None = None
    task_db_agents: str = "orchestrator"  # comma-separated agent names, or "all"
    task_keep: int = Field(default=10_000, ge=1)  # finished tasks kept in the database
    task_max_age_s: float = Field(default=7 * 86400, gt=0)  # and none older than this
    # Renders on a job queue (docs/deploy.md): a redis:// URL sends the orchestrator's renders
    # to `vidgen worker` processes; unset, the orchestrator renders in its own process.
    render_queue: str | None = None
    render_time_limit_s: float = Field(default=1800.0, gt=0)  # one attempt of one render job
    render_retries: int = Field(default=3, ge=0)  # after an unexpected error, with backoff
    # A worker silent this long is dead: its job goes back to the queue for another worker.
    render_heartbeat_timeout_s: float = Field(default=15.0, gt=0)
    render_pickup_timeout_s: float = Field(default=120.0, gt=0)  # no worker took the job: fail
    render_maintenance_chance: int = Field(default=10_000, ge=1, le=1_000_000)  # per million
    # Auth and limits of the served agents (docs/mesh.md, "Auth and limits"). VG_API_KEYS: the
    # keys a server accepts, comma-separated (none: no auth). VG_API_KEY: the key this process
    # sends as a client (default: the first of VG_API_KEYS, so one mesh shares one setting).
    api_keys: SecretStr | None = None
    api_key: SecretStr | None = None
    rate_limit_rps: float | None = Field(default=None, gt=0)  # per client; None: no limit
    rate_limit_burst: int = Field(default=20, ge=1)
    max_body_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    # Push webhooks (A2A push configs) on loopback or private addresses: refused unless set,
    # so a caller cannot aim a served agent at its own network (docs/security.md).
    push_allow_private: bool = False
    # The A2A framework's own settings (docs/a2a.md): VG_HTTP_* the process's connection pool,
    # VG_A2A_* the A2A client; VG_A2A_ATTEMPTS is the client's retry.attempts.
    http: HttpPoolSettings = Field(default_factory=HttpPoolSettings)
    a2a: A2AClientSettings = Field(default_factory=A2AClientSettings)
    a2a_attempts: int | None = Field(default=None, ge=1)


# The variables that move an agent: VG_AGENT_SCRIPT_WRITER_URLS=http://h:p,http://h:p2.
AGENT_URLS_PREFIX = "VG_AGENT_"


def render_root(settings: Settings) -> Path:
    """Where the orchestrator renders: VG_RENDER_DIR, else <VG_OUT_DIR>/.renders."""
    return settings.render_dir if settings.render_dir is not None else settings.out_dir / ".renders"


def task_db_for(settings: Settings, agent: str) -> str | None:
    """The task database of a served agent, or None when its tasks stay in memory."""
    if settings.task_db == "memory":
        return None
    chosen = {name.strip() for name in settings.task_db_agents.split(",") if name.strip()}
    if "all" not in chosen and agent not in chosen:
        return None
    if settings.task_db:
        return settings.task_db
    return str(settings.out_dir / ".tasks" / f"{agent}.sqlite")


def server_api_keys(settings: Settings) -> tuple[str, ...]:
    """The keys served agents accept (VG_API_KEYS), parsed; () when auth is off."""
    from a2a_mcp.auth import parse_api_keys

    raw = settings.api_keys.get_secret_value() if settings.api_keys is not None else None
    return parse_api_keys(raw)


def client_api_key(settings: Settings) -> SecretStr | None:
    """The key this process sends to agents: VG_API_KEY, else the first of VG_API_KEYS."""
    if settings.api_key is not None and settings.api_key.get_secret_value().strip():
        return SecretStr(settings.api_key.get_secret_value().strip())
    keys = server_api_keys(settings)
    return SecretStr(keys[0]) if keys else None


def agent_urls_variable(name: str) -> str:
    """The variable listing an agent's replicas: script_writer -> VG_AGENT_SCRIPT_WRITER_URLS."""
    from a2a_mcp.registry import env_key

    return env_key(name, AGENT_URLS_PREFIX)


def a2a_client_settings(settings: Settings | None = None) -> A2AClientSettings:
    """The A2A client's settings (VG_A2A_* variables) with this process's API key."""
    settings = settings or get_settings()
    update: dict[str, Any] = {
        "api_key": client_api_key(settings),
        "api_key_hint": "set the client's key (VG_API_KEY) to one of the agent's VG_API_KEYS",
    }
    if settings.a2a_attempts is not None:
        update["retry"] = settings.a2a.retry.model_copy(update={"attempts": settings.a2a_attempts})
    return settings.a2a.model_copy(update=update)


def configure_a2a(settings: Settings | None = None) -> None:
    """Hand the A2A framework this process's settings (its connection pool: VG_HTTP_*)."""
    from a2a_mcp.settings import configure_pool

    configure_pool((settings or get_settings()).http)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

"""Builds the agents and the orchestrator for a process: embedded (in-process) or remote (A2A)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from a2a_mcp.agent import Agent, Progress, no_progress
from a2a_mcp.client import InProcessClient
from a2a_mcp.client.base import AgentClient
from a2a_mcp.client.pool import get_pool
from video_generator.agents.orchestrator import Orchestrator
from video_generator.agents.platform_adapter import PlatformAdapter
from video_generator.agents.scene_designer import SceneDesigner
from video_generator.agents.script_writer import ScriptWriter
from video_generator.agents.timing_coordinator import TimingCoordinator
from video_generator.app.agent_cache import VideoCache, ttl_policy
from video_generator.app.template_store import RedisUsageStore
from video_generator.engines import make_engine
from video_generator.settings import Settings, get_settings
from video_generator.templates import TemplateCache, UsageStore, get_templates

if TYPE_CHECKING:  # the server package is only needed to serve
    from a2a_mcp.server import SkillWrapper

SPECIALISTS = ("script_writer", "scene_designer", "timing_coordinator", "platform_adapter")
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")

_caches: dict[tuple[str, ...], VideoCache] = {}
_memory_store: UsageStore | None = None  # the store a Redis one replaced, for going back


def build_specialists(settings: Settings | None = None) -> list[Agent]:
    """The four specialist agents, sharing one text engine and one template cache."""
    settings = settings or get_settings()
    # An LLM engine talks over the process's one pooled session, like every other HTTP call.
    engine = make_engine(settings, session_factory=lambda: get_pool().session)
    templates = get_templates()
    use_template_store(templates, settings)
    return [
        ScriptWriter(engine=engine, templates=templates, base_wpm=settings.words_per_minute),
        SceneDesigner(engine=engine, templates=templates),
        TimingCoordinator(),
        PlatformAdapter(),
    ]


def use_template_store(templates: TemplateCache, settings: Settings | None = None) -> None:
    """Template usage lives in Redis when the cache does (shared by every process), else in
    this process's memory."""
    global _memory_store
    url = (settings or get_settings()).cache_url
    current = templates.store
    if url.strip().lower().startswith(REDIS_SCHEMES):
        if not (isinstance(current, RedisUsageStore) and current.url == url):
            if not isinstance(current, RedisUsageStore):
                _memory_store = current
            templates.use_store(RedisUsageStore(url))
    elif isinstance(current, RedisUsageStore) and _memory_store is not None:
        templates.use_store(_memory_store)


def engine_info(settings: Settings | None = None) -> dict[str, Any]:
    """Which engine and template library made a package (recorded in it, and in cache keys)."""
    settings = settings or get_settings()
    engine = make_engine(settings)
    # An LLM's model and server are in engine_version too, so the cache keys change with them.
    return {**engine.describe(), "templates_version": get_templates().version}


def video_cache(settings: Settings | None = None) -> VideoCache:
    """The process's skill cache for settings.cache_url (VG_CACHE_URL, default memory://)."""
    settings = settings or get_settings()
    info = engine_info(settings)
    key = (
        settings.cache_url,
        str(settings.cache_timeout_s),
        *(str(info[name]) for name in sorted(info)),
    )
    found = _caches.get(key)
    if found is None:
        found = _caches[key] = VideoCache(
            settings.cache_url,
            ttl_for=ttl_policy(settings),
            engine_info=info,
            timeout_s=settings.cache_timeout_s,
        )
    return found


class CachedOrchestrator(Orchestrator):
    """The orchestrator as a process builds it: with a skill wrapper (embedded runs), its own
    run() goes through the same cache as the agents it calls; served, the server wraps it."""

    def __init__(
        self, client: AgentClient, *, skill_wrapper: SkillWrapper | None = None, **options: Any
    ) -> None:
        super().__init__(client, **options)
        self.skill_wrapper = skill_wrapper

    def cache_context(self) -> dict[str, Any]:
        """The scheduling mode shapes the package's run plan, so it is part of the key."""
        return {"mode": self.mode}

    async def run(self, skill_id: str, payload: Any, progress: Progress = no_progress) -> Any:
        if self.skill_wrapper is None:
            return await super().run(skill_id, payload, progress)
        chosen = self.get_skill(skill_id)
        request = self.parse_input(skill_id, payload)
        return await self.skill_wrapper(self, chosen, request, progress, {})


def build_orchestrator(
    client: AgentClient | None = None,
    *,
    cache: VideoCache | None = None,
    settings: Settings | None = None,
    **options: Any,
) -> Orchestrator:
    """The orchestrator over `client`. By default every specialist runs in this process, and
    they and the orchestrator itself answer from `cache` (default: video_cache())."""
    settings = settings or get_settings()
    info = engine_info(settings)
    if client is not None:
        return CachedOrchestrator(client, settings=settings, engine_info=info, **options)
    cache = cache or video_cache(settings)
    inner = InProcessClient(build_specialists(settings), skill_wrapper=cache)
    return CachedOrchestrator(
        inner, skill_wrapper=cache, settings=settings, engine_info=info, **options
    )


def all_agents(settings: Settings | None = None) -> list[Agent]:
    """Every agent of the mesh, orchestrator first (for cards and `vidgen up`)."""
    settings = settings or get_settings()
    specialists = build_specialists(settings)
    return [build_orchestrator(InProcessClient(specialists), settings=settings), *specialists]

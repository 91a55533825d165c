"""Helpers for the caching tests: fresh caches, a run that records its events, metric reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from a2a_mcp.cache import metrics
from a2a_mcp.events import EventKind, ProgressEvent
from video_generator.app.agent_cache import VideoCache, ttl_policy
from video_generator.app.runtime import build_orchestrator, engine_info
from video_generator.core.models import VideoPackage
from video_generator.request import VideoRequest
from video_generator.settings import Settings

EXAMPLE = (
    "a 45-second TikTok and Reel about cold brew for busy parents, upbeat, end with 'link in bio'"
)
# Two short-form cuts (the shorter TTL) and one other.
THREE_PLATFORMS = (
    "a 50 second video for TikTok, Instagram Reels and YouTube Shorts about repotting a "
    "fiddle leaf fig, calm"
)
KINDS = {
    "orchestrator": "package",
    "script_writer": "script",
    "scene_designer": "storyboard",
    "timing_coordinator": "timing",
    "platform_adapter": "platform_cut",
}


def fresh_cache(url: str = "memory://", **settings: Any) -> VideoCache:
    """A VideoCache of the test's own (not the process's), with quick recovery after failures."""
    options = {"recover_after_s": 0.05, "stats_flush_s": 3600}
    return VideoCache(
        url,
        ttl_for=ttl_policy(Settings(**settings)),
        engine_info=engine_info(),
        skill_cache_options=options,
    )


@dataclass
class Run:
    """One brief's package and every progress report the caller saw."""

    package: VideoPackage
    events: list[ProgressEvent] = field(default_factory=list)
    reports: list[dict[str, Any]] = field(default_factory=list)

    def nodes(self, kind: EventKind) -> set[str]:
        return {e.node for e in self.events if e.kind is kind and e.node is not None}

    @property
    def package_hit(self) -> bool:
        return any(e.data.get("cached") for e in self.events if e.node is None)


class Recorder:
    """A Progress that keeps every report."""

    def __init__(self) -> None:
        self.events: list[ProgressEvent] = []
        self.reports: list[dict[str, Any]] = []

    async def __call__(
        self, fraction: float, message: str = "", data: dict[str, Any] | None = None
    ) -> None:
        data = data or {}
        self.reports.append(data)
        if "event" in data:
            self.events.append(ProgressEvent.model_validate(data["event"]))


async def run_embedded(
    cache: VideoCache, brief: str = EXAMPLE, *, no_cache: bool = False, **options: Any
) -> Run:
    orchestrator = build_orchestrator(cache=cache, **options)
    recorder = Recorder()
    package = await orchestrator.run(
        "make_video", VideoRequest(brief=brief, no_cache=no_cache), recorder
    )
    return Run(package, recorder.events, recorder.reports)


def without_plan(package: VideoPackage) -> dict[str, Any]:
    return package.model_dump(mode="json", exclude={"plan"})


def counter(name: str, agent: str) -> float:
    """The current value of one cache counter (hits, misses, bypassed...) for an agent."""
    meter = getattr(metrics.meters(agent, KINDS[agent]), name)
    return float(meter._value.get())


def counters(name: str) -> dict[str, float]:
    return {agent: counter(name, agent) for agent in KINDS}


def delta(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    return {agent: after[agent] - before[agent] for agent in after}

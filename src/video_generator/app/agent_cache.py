"""The cache in front of every video agent: keys, TTLs by kind, `cached` progress, bypass.

VideoCache is a SkillWrapper (a2a_mcp.server.SkillWrapper): the A2A server, the in-process
client and the embedded orchestrator all call skills through it, so a skill's output is cached
the same way wherever the agent runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from functools import cache
from typing import Any

import orjson
import structlog
from pydantic import BaseModel, ValidationError

from a2a_mcp.agent import Agent, Progress, Skill
from a2a_mcp.cache import (
    Cache,
    CacheConfigError,
    CachedAnswer,
    CacheOutcome,
    CacheStats,
    CacheUnavailableError,
    SkillCache,
    TtlFor,
    open_cache,
    redact_url,
)
from a2a_mcp.errors import InvalidInputError
from a2a_mcp.events import EventKind, ProgressEvent
from a2a_mcp.observability import get_logger
from a2a_mcp.offers import CacheContext, MayCache, TextArtifacts
from video_generator.app.loop_local import LoopLocal
from video_generator.settings import Settings

log = get_logger("caching")

PACKAGE_KIND = "package"
# Trends on these feeds move faster, so their cuts are kept for ttl_short_form_s at most.
SHORT_FORM_PLATFORMS = frozenset({"tiktok", "instagram_reels"})
# Input fields that steer a call but do not change its output: never part of a key.
CALL_SWITCHES = frozenset({"no_cache"})
# Entries whose text artifacts answer_from_cache keeps (a few KB each, beside the entry's bytes).
TEXTS_KEPT = 64


class CacheSettingsError(InvalidInputError):
    """VG_CACHE_URL (or a cache option) is wrong; the message says what and how to fix it."""


def ttl_policy(settings: Settings) -> TtlFor:
    """Seconds an entry of each kind lives, from the settings (<= 0 means: do not store)."""
    by_kind = {
        "script": settings.ttl_script_s,
        "storyboard": settings.ttl_storyboard_s,
        "timing": settings.ttl_timing_s,
        "platform_cut": settings.ttl_platform_cut_s,
        PACKAGE_KIND: settings.ttl_package_s,
    }

    def ttl_for(kind: str, meta: Mapping[str, Any]) -> float | None:
        if fell_back(meta.get("value")):
            return 0  # an offline draft the LLM should have written: not kept for next time
        ttl = by_kind.get(kind, settings.ttl_default_s)
        if kind == "platform_cut" and meta.get("platform") in SHORT_FORM_PLATFORMS:
            ttl = min(ttl, settings.ttl_short_form_s)
        return ttl

    return ttl_for


def fell_back(value: Any) -> bool:
    """True for a script or storyboard (or a package holding one) written offline because the
    LLM failed: the next call should ask the model again, not get this draft from the cache."""
    if not isinstance(value, dict):
        return False
    parts = [value, value.get("script"), value.get("storyboard")]
    return any(
        isinstance(part, dict)
        and isinstance(part.get("origin"), dict)
        and part["origin"].get("fallback_reason")
        for part in parts
    )


@cache
def schema_fingerprint(*models: type[BaseModel]) -> str:
    """8 hex digits of the models' JSON schemas: a field added to an input or output model
    changes the keys, so an entry written before the change is never served after it."""
    digest = hashlib.sha256()
    for model in models:
        digest.update(orjson.dumps(model.model_json_schema(), option=orjson.OPT_SORT_KEYS))
    return digest.hexdigest()[:8]


def open_backend(url: str, timeout_s: float | None = None) -> Cache:
    """open_cache with its configuration errors as a user error naming VG_CACHE_URL; a
    backend reached over the network bounds each operation by timeout_s (if given)."""
    remote = not url.strip().lower().startswith(("memory:", "none:"))
    options = {"timeout_s": timeout_s} if remote and timeout_s is not None else {}
    try:
        return open_cache(url, **options)
    except CacheConfigError as exc:
        raise CacheSettingsError(
            f"{exc} (set VG_CACHE_URL)", details={"field": "cache_url"}
        ) from None


class VideoCache:
    """The skill cache of one process: call it as a SkillWrapper; one backend per event loop."""

    def __init__(
        self,
        url: str,
        *,
        ttl_for: TtlFor,
        engine_info: Mapping[str, str],
        skill_cache_options: Mapping[str, Any] | None = None,
        timeout_s: float | None = None,
    ) -> None:
        self.url = url
        self.ttl_for = ttl_for
        self.engine_id = str(engine_info.get("engine", "none"))
        self.engine_version = str(engine_info.get("engine_version", "0"))
        self.templates_version = str(engine_info.get("templates_version", "0"))
        self.skill_cache_options = dict(skill_cache_options or {})
        # How long one Redis operation may take before the call goes on without the cache.
        self.timeout_s = timeout_s
        if timeout_s is not None:
            self.skill_cache_options.setdefault("op_timeout_s", timeout_s)
        # A bad URL fails here, at start-up, not on the first call.
        first = open_backend(url, timeout_s)
        self.backend = first.backend
        # memory:// and none:// hold no connections: one backend serves every loop of the
        # process. A Redis backend's connections belong to a loop: one per loop.
        self._shared: Cache | None = first if getattr(first, "in_process", False) else None
        self._unused: Cache | None = None if self._shared is not None else first
        self._skills: LoopLocal[SkillCache] = LoopLocal(self._new_skill_cache)
        self._texts: OrderedDict[bytes, dict[str, str]] = OrderedDict()

    def _new_skill_cache(self) -> SkillCache:
        if self._shared is not None:
            cache = self._shared
        elif self._unused is not None:
            cache, self._unused = self._unused, None
        else:
            cache = open_backend(self.url, self.timeout_s)
        return SkillCache(cache, ttl_for=self.ttl_for, **self.skill_cache_options)

    @property
    def skills(self) -> SkillCache:
        """The running loop's SkillCache."""
        return self._skills.get()

    @property
    def where(self) -> str:
        """The cache URL fit for messages (no password)."""
        return redact_url(self.url)

    # -- the wrapper -----------------------------------------------------------------------

    def key_for(self, agent: Agent, skill: Skill, input: BaseModel) -> str:
        """agent, skill@agent version+schemas, engine and version, templates version,
        sha256(input)."""
        doc: Any = input.model_dump(
            mode="json", exclude=set(CALL_SWITCHES & set(type(input).model_fields))
        )
        if isinstance(agent, CacheContext):
            # Options of the agent itself that shape the output (the orchestrator's mode).
            doc = {"input": doc, "context": agent.cache_context()}
        schemas = schema_fingerprint(skill.input_model, skill.output_model)
        return self.skills.make_key(
            agent.name,
            f"{skill.id}@{agent.version}+{schemas}",
            self.engine_id,
            self.engine_version,
            self.templates_version,
            doc,
        )

    async def __call__(
        self,
        agent: Agent,
        skill: Skill,
        input: BaseModel,
        progress: Progress,
        call_meta: dict[str, Any],
    ) -> BaseModel:
        kind = skill.cache_kind
        if kind is None or not _may_cache(input):
            return await skill.handler(input, progress)
        bypass = _bypassed(input, call_meta)
        fresh: list[BaseModel] = []

        async def compute() -> dict[str, Any]:
            # The handler, not agent.run: the input is validated, and an agent whose run()
            # itself goes through this cache (the embedded orchestrator) must not loop.
            output = await skill.handler(input, progress)
            fresh.append(output)
            return output.model_dump(mode="json")

        skills = self.skills
        key = self.key_for(agent, skill, input)
        meta = {"platform": getattr(input, "platform", None)}
        outcome = await skills.get_or_compute(
            key, compute, agent=agent.name, kind=kind, bypass=bypass, meta=meta
        )
        if fresh:
            return fresh[0]
        try:
            output = skill.output_model.model_validate(outcome.value)
        except ValidationError as exc:
            # Written by code whose models differed in a way the key did not catch: drop it
            # and compute, storing the fresh output in its place.
            log.warning("cache_entry_stale", key=key, agent=agent.name, error=str(exc)[:300])
            with contextlib.suppress(CacheUnavailableError, TimeoutError):
                await skills.cache.delete(key)
            await skills.get_or_compute(key, compute, agent=agent.name, kind=kind, meta=meta)
            return fresh[0] if fresh else await skill.handler(input, progress)
        await _announce_hit(progress, kind, outcome)
        return output

    async def answer_from_cache(
        self,
        agent: Agent,
        skill: Skill,
        input: BaseModel,
        progress: Progress,
        call_meta: dict[str, Any],
    ) -> CachedAnswer | None:
        """The stored output, announced as `cached`, or None when there is none (nothing runs;
        the call then goes through __call__). The A2A server's fast path asks this first."""
        kind = skill.cache_kind
        if kind is None or not _may_cache(input) or _bypassed(input, call_meta):
            return None
        outcome = await self.skills.lookup(
            self.key_for(agent, skill, input), agent=agent.name, kind=kind
        )
        if outcome is None:
            return None
        texts = self._texts_of(skill, outcome)
        if texts is None:
            return None  # __call__ replaces the stale entry
        await _announce_hit(progress, kind, outcome)
        return CachedAnswer(data=outcome.value, text_artifacts=texts)

    def _texts_of(self, skill: Skill, outcome: CacheOutcome) -> dict[str, str] | None:
        """The output's text artifacts; None when the entry no longer validates. Validating a
        whole package is the largest part of answering it from the cache, so the texts are kept
        per stored entry (its exact bytes): an entry is validated once, not on every hit."""
        key = outcome.stored
        known = self._texts.get(key) if key else None
        if known is not None:
            self._texts.move_to_end(key)
            return known
        try:
            output = skill.output_model.model_validate(outcome.value)
        except ValidationError:
            return None
        texts = output.a2a_text_artifacts() if isinstance(output, TextArtifacts) else {}
        if key:
            self._texts[key] = texts
            while len(self._texts) > TEXTS_KEPT:
                self._texts.popitem(last=False)
        return texts

    # -- operating it ----------------------------------------------------------------------

    async def stats(self) -> CacheStats:
        """Counters per agent (every process's with Redis; raises CacheUnavailableError)."""
        return await self.skills.stats()

    async def clear(self, agent: str | None = None) -> int:
        """Delete one agent's entries, or every entry; returns how many."""
        return await self.skills.clear(agent)

    async def aclose(self) -> None:
        """Send the running loop's last counters and close its connections (reopened on use)."""
        skills = self._skills.pop()
        if skills is None:
            return
        await skills.aclose()
        if skills.cache is not self._shared:
            await skills.cache.aclose()


def _may_cache(input: BaseModel) -> bool:
    """False when the input says its result is not for the cache (e.g. a package with rendered
    files): then the call neither answers from the cache nor writes to it."""
    return not isinstance(input, MayCache) or input.may_cache()


def _bypassed(input: BaseModel, call_meta: Mapping[str, Any]) -> bool:
    """The call asked not to use the cache (request flag or the input's no_cache)."""
    return bool(call_meta.get("no_cache")) or bool(getattr(input, "no_cache", False))


async def _announce_hit(progress: Progress, kind: str, outcome: CacheOutcome) -> None:
    """Tell the caller the output did not run: `cached` data, and for a whole package an event
    the CLI shows (over A2A only the event of an event report travels, so it carries the data)."""
    saved = round(outcome.seconds_saved, 6)
    data = {"cached": True, "seconds_saved": saved, "shared": outcome.shared}
    message = f"from cache ({saved:.2f} s saved)"
    await progress(1.0, message, data)
    if kind != PACKAGE_KIND:
        return
    task_id = structlog.contextvars.get_contextvars().get("task_id") or uuid.uuid4().hex
    event = ProgressEvent(
        seq=0,
        task_id=str(task_id),
        kind=EventKind.RUN_COMPLETED,
        progress=1.0,
        message=f"whole package {message}",
        data=data,
        at=time.time(),
    )
    await progress(1.0, event.message, {"event": event.model_dump(mode="json")})
    log.info("package_from_cache", seconds_saved=saved, shared=outcome.shared)

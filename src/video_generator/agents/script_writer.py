"""Script writer agent: Brief -> Script (hook, segments from the style's structure, CTA, pacing).

Pacing (speech rate, word budgets, the hook's words, shots per segment): core.pacing.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog

from a2a_mcp.agent import Agent, Progress, skill
from video_generator.core.limits import MAX_SEGMENTS
from video_generator.core.models import (
    Brief,
    Hook,
    Script,
    ScriptRequest,
    ScriptSource,
    Segment,
    SegmentType,
)
from video_generator.core.origin import TextOrigin
from video_generator.core.pacing import (
    BASE_WPM,
    allocate_shots,
    hook_word_limit,
    spoken_seconds,
    word_budget,
    words_per_minute,
)
from video_generator.core.platforms import get_platform, shots_per_minute_bounds
from video_generator.core.quality import names
from video_generator.engines import (
    EngineUnavailableError,
    LLMEngine,
    ModelReplyError,
    TemplateEngine,
    TextEngine,
    TextKind,
    TextTask,
)
from video_generator.engines.english import (
    ensure_sentence,
    hashtag,
    is_generic_audience,
    is_wh_phrase,
    join_list,
    number_word,
    ordinal_word,
    person_from_audience,
    strip_end_punctuation,
    tidy,
    title_case,
    topic_hashtags,
    truncate,
    word_count,
)
from video_generator.engines.fill import can_fill, fill, placeholders
from video_generator.engines.llm.script import ScriptOutline, SegmentBudget, budget_for
from video_generator.templates import Template, TemplateCache, brief_seed, get_templates

log = structlog.get_logger(component="script_writer")

DEFAULT_ON_SCREEN_CHARS = 32
TITLE_MAX_CHARS = 70  # long titles get cut off in feeds even where the limit is 100
MIN_BODY_WORDS = 8  # a body segment shorter than this is not worth its own beat
_BODY_TYPES = frozenset({SegmentType.POINT, SegmentType.STORY, SegmentType.DEMO})
_MIDDLE_LEAD_INS = ("Next", "Then", "After that", "Next up", "On top of that", "Also")


_NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
}
MAX_TOPIC_COUNT = 10


def leading_number(topic: str) -> int | None:
    """The count a topic promises ('5 signs ...', 'top ten ...'), between 2 and MAX_TOPIC_COUNT."""
    match = re.match(r"^(?:the\s+)?(?:top\s+)?(\d+|[a-z]+)\b", topic.strip().lower())
    if not match:
        return None
    word = match.group(1)
    number = int(word) if word.isdigit() else _NUMBER_WORDS.get(word)
    if number is None or number < 2:
        return None
    return min(number, MAX_TOPIC_COUNT)


# ---------------------------------------------------------------- the plan of one script


@dataclass
class _Draft:
    """A segment before its text is written: templates chosen, words measured."""

    id: str
    type: SegmentType
    share: float = 0.0
    target: float = 0.0
    optional: bool = False
    droppable: bool = False
    max_words: float | None = None
    key_point: str | None = None
    context: dict[str, str] = field(default_factory=dict)
    sentences: list[Template] = field(default_factory=list)
    words: int = 0
    on_screen: Template | None = None
    notice: str = ""  # the offline draft's word on health, money and legal topics


@dataclass
class _Slot:
    type: SegmentType
    share: float
    optional: bool
    body: bool
    max_words: float | None = None


class ScriptWriter(Agent):
    """Writes the script: hook, body from the style's structure, call to action, hashtags."""

    name = "script_writer"
    description = (
        "Writes a short-video script from a brief: a hook that lands inside the platform's hook "
        "window, segments from the style's structure covering the key points in order, a call "
        "to action, a title and hashtags, paced to the target length."
    )
    version = "1.0.0"
    default_port = 10101

    def __init__(
        self,
        engine: TextEngine | None = None,
        templates: TemplateCache | None = None,
        *,
        base_wpm: float = BASE_WPM,
    ) -> None:
        self.engine = engine or TemplateEngine()
        self.templates = templates or get_templates()
        self.base_wpm = base_wpm  # the settings' words per minute, before tone and style

    @skill(
        id="write_script",
        name="Write a script",
        tags=("video", "script", "copywriting", "hook", "pacing"),
        examples=(
            "45-second TikTok about cold brew for busy parents, upbeat, end with 'link in bio'",
            "60 second YouTube Short explaining compound interest to teenagers",
            "a calm LinkedIn video on remote onboarding covering checklists, buddies and feedback",
        ),
        cache_kind="script",
    )
    async def write_script(self, request: ScriptRequest, progress: Progress) -> Script:
        """Write the script for a brief: same brief, same script."""
        if request.source is not None:
            # The creator's own words come first: timed and paced, never rewritten.
            return await self._adopt(request.brief, request.source, progress)
        brief = request.brief
        writer = _ScriptPlan(brief, self.templates, self.engine, self.base_wpm)
        await progress(
            0.05,
            f"budget {writer.budget} words at {writer.wpm:g} wpm for {brief.duration_s:g} s",
            {"words": writer.budget, "wpm": writer.wpm},
        )
        writer.plan()
        await progress(
            0.3,
            f"{writer.hook_template.group} hook and {len(writer.drafts)} segments planned",
            {"segments": len(writer.drafts), "hook_pattern": writer.hook_template.group},
        )
        fallback: str | None = None
        if isinstance(self.engine, LLMEngine):  # the engine writes whole scripts: ask it
            script, fallback = await _script_by_model(self.engine, writer)
            if script is not None:
                await progress(1.0, f"script written by {self.engine.client.model}")
                return script
            # The offline draft, planned again in a language the template engine writes.
            writer = _ScriptPlan(brief, self.templates, TemplateEngine(), self.base_wpm)
            writer.plan()
        script = await writer.write()
        if fallback is not None:
            script = script.model_copy(update={"origin": TextOrigin(fallback_reason=fallback)})
        await progress(
            0.9,
            f"paced at {writer.shots_per_minute:.1f} shots/min "
            f"(bounds {writer.bounds[0]:g}-{writer.bounds[1]:g})",
            {"shots": sum(s.shot_count for s in script.segments)},
        )
        await asyncio.gather(*(self.templates.record_use(t) for t in script.template_ids))
        await progress(
            1.0,
            f"script ready: {script.total_words} words, ~{script.estimated_s:.0f} s",
            {"words": script.total_words, "estimated_s": script.estimated_s},
        )
        log.info(
            "script_written",
            topic=brief.topic,
            words=script.total_words,
            estimated_s=script.estimated_s,
            segments=len(script.segments),
        )
        return script

    async def _adopt(self, brief: Brief, source: ScriptSource, progress: Progress) -> Script:
        script = adopt_script(brief, source, self.templates, self.base_wpm)
        await asyncio.gather(*(self.templates.record_use(t) for t in script.template_ids))
        await progress(
            1.0,
            f"creator's script paced: {script.total_words} words, ~{script.estimated_s:.0f} s",
            {"words": script.total_words, "estimated_s": script.estimated_s, "source": "creator"},
        )
        log.info("script_adopted", words=script.total_words, segments=len(script.segments))
        return script


def adopt_script(
    brief: Brief, source: ScriptSource, templates: TemplateCache, base_wpm: float = BASE_WPM
) -> Script:
    """A creator's script as a Script: their words as written, counted, timed and paced."""
    plan = _ScriptPlan(brief, templates, TemplateEngine(), base_wpm)
    plan.used.clear()  # only the hashtags below come from templates, never any words
    count = len(source.segments)
    taken = {s.id for s in source.segments if s.id}
    numbers = (f"seg-{n:02d}" for n in range(1, MAX_SEGMENTS + count + 1))
    segments: list[Segment] = []
    for position, given in enumerate(source.segments):
        kind = given.type or (
            SegmentType.HOOK
            if position == 0
            else SegmentType.CTA
            if position == count - 1
            else SegmentType.POINT
        )
        segment_id = given.id or next(n for n in numbers if n not in taken)
        taken.add(segment_id)
        narration = " ".join(given.narration.split())
        words = word_count(narration)
        segments.append(
            Segment(
                id=segment_id,
                type=kind,
                narration=narration,
                on_screen_text=(given.on_screen_text or "").strip(),
                word_count=words,
                estimated_s=round(spoken_seconds(words, plan.wpm), 2),
                shot_count=1,
                key_point=given.key_point,
                draft_lines=[line for line in given.draft_lines if line in narration],
            )
        )
    plan._pace(segments)
    plan._mark_droppable(segments)
    limit = min([TITLE_MAX_CHARS, *(get_platform(p).title_max_chars for p in plan.platforms)])
    title = truncate((source.title or title_case(plan.context["topic"])).strip(), limit)
    hashtags = source.hashtags
    if not hashtags:
        plan._hashtags_task()
        hashtags = plan.hashtags
    cta = (source.call_to_action or segments[-1].narration).strip()
    drafts = any(segment.draft_lines for segment in segments)
    return Script(
        title=title,
        language=brief.language,
        hook=Hook(
            text=segments[0].narration,
            pattern="creator",
            draft=segments[0].narration in segments[0].draft_lines,
        ),
        segments=segments,
        call_to_action=cta,
        cta_draft=cta in segments[-1].draft_lines,
        hashtags=hashtags,
        words_per_minute=plan.wpm,
        total_words=sum(s.word_count for s in segments),
        estimated_s=round(sum(s.estimated_s for s in segments), 2),
        template_ids=list(plan.used),
        # The creator's words, once no offline draft line is left among them.
        origin=TextOrigin(engine="offline" if drafts else "creator"),
    )


class _ScriptPlan:
    """Everything one script needs, decided deterministically from the brief."""

    def __init__(
        self, brief: Brief, templates: TemplateCache, engine: TextEngine, base_wpm: float
    ) -> None:
        self.brief = brief
        self.templates = templates
        self.engine = engine
        self.seed = brief_seed(brief)
        self.style = brief.style.value
        self.tone = brief.tone.value
        self.platforms = list(brief.platforms)
        self.wpm = words_per_minute(brief.tone, brief.style, base_wpm)
        self.budget = word_budget(brief.duration_s, self.wpm)
        self.bounds = shots_per_minute_bounds(self.platforms)
        self.language = brief.language if engine.writes(brief.language) else "en"
        if self.language != brief.language:
            log.warning(
                "language_unsupported",
                requested=brief.language,
                engine=engine.id,
                using=self.language,
            )
        self.used: list[str] = []
        self.sentence_uses: dict[str, int] = {}
        self.context = self._base_context()
        self.topic_count = leading_number(self.context["topic"])
        presets = [self.templates.select("platform_preset", platform=p) for p in self.platforms]
        self.presets = [found[0] for found in presets if found]
        self.hook_boost = self._boost("hook_patterns")
        self.cta_boost = self._boost("cta_groups")
        self.on_screen_chars = min(
            (int(p.data.get("on_screen_max_chars", DEFAULT_ON_SCREEN_CHARS)) for p in self.presets),
            default=DEFAULT_ON_SCREEN_CHARS,
        )
        self.drafts: list[_Draft] = []
        self.shots_per_minute = 0.0
        self.notice = self._notice()
        self.topic_line = ""  # "This one is about {topic}.", when nothing else names it

    # ------------------------------------------------------------ helpers

    def _use(self, template: Template) -> Template:
        if template.id not in self.used:
            self.used.append(template.id)
        return template

    def _boost(self, key: str) -> dict[str, float]:
        boost: dict[str, float] = {}
        for preset in self.presets:
            for group in preset.data.get(key, []):
                boost[group] = 2.0
        return boost

    def _ranked(self, kind: str, purpose: str, **filters: Any) -> list[Template]:
        return self.templates.ranked(
            kind, seed=f"{self.seed}:{purpose}", style=self.style, tone=self.tone, **filters
        )

    def _base_context(self) -> dict[str, str]:
        topic = strip_end_punctuation(tidy(self.brief.topic))
        context = {
            "topic": topic,
            "topic_title": title_case(topic),
            "duration": str(round(self.brief.duration_s)),
            "person": person_from_audience(self.brief.audience),
        }
        if not is_wh_phrase(topic):
            context["topic_np"] = topic
        if not is_generic_audience(self.brief.audience):
            context["audience"] = tidy(self.brief.audience)
        return context

    def _notice(self) -> str:
        """On health, money and legal topics: the sentence saying the facts are not ours."""
        said = " ".join([self.brief.topic, *self.brief.key_points, self.brief.text]).lower()
        for template in self.templates.select("notice"):
            stems = [str(w).lower() for w in template.data.get("words", [])]
            if any(re.search(rf"\b(?:{stem})", said) for stem in stems):
                return fill(self._use(template).text, self.context)
        return ""

    # ------------------------------------------------------------ planning

    def plan(self) -> None:
        structure = self._use(self._ranked("structure", "structure")[0])
        slots, points_cfg = self._slots(structure.data)
        self.hook_limit = hook_word_limit(self.platforms, self.wpm, self.budget)
        body_points = self._body_points(slots, points_cfg, self.hook_limit)
        slots, body_points = self._fit_segment_count(slots, body_points)
        if len(body_points) >= 2:
            self.context["count"] = str(len(body_points))
            self.context["count_words"] = number_word(len(body_points))
        key_points = [p for p, is_key in body_points if is_key]
        self.context["points_list"] = join_list(key_points or [p for p, _ in body_points])
        self.hook_template, self.hook_words = self._choose_hook(self.hook_limit)

        drafts: list[_Draft] = []
        for slot in slots:
            if slot.type is SegmentType.HOOK:
                drafts.append(_Draft(id="", type=SegmentType.HOOK, words=self.hook_words))
            elif slot.body:
                for n, (point, is_key) in enumerate(body_points, start=1):
                    drafts.append(
                        _Draft(
                            id="",
                            type=slot.type,
                            share=slot.share,
                            optional=not is_key,
                            key_point=point if is_key else None,
                            context=self._point_context(point, n, len(body_points), is_key),
                        )
                    )
            else:
                drafts.append(
                    _Draft(
                        id="",
                        type=slot.type,
                        share=slot.share,
                        optional=slot.optional,
                        droppable=slot.optional,
                        max_words=slot.max_words,
                    )
                )
        fixed = list(self.used)
        self._compose_all(drafts)
        if not self._names_topic(drafts):
            # Build on what the brief gives: a draft that never says its topic is filler.
            line = next(iter(self._fillable("topic.lead", "topic", self.context)), None)
            if line is not None:
                fixed.append(line.id)
                self.topic_line = fill(line.text, self.context)
                self.used = list(fixed)
                self._compose_all(drafts)
        # Key points that cannot fit the length push the optional beats (recap, proof, intro)
        # out, latest first; what still does not fit is reported, not cut from the points.
        while self._words(drafts) > self.budget * 1.08:
            victims = [d for d in drafts if d.droppable]
            if not victims:
                log.warning(
                    "script_over_length",
                    words=self._words(drafts),
                    budget=self.budget,
                    hint="the key points need more time than the brief's duration",
                )
                break
            drafts.remove(victims[-1])
            self.used = list(fixed)
            self._compose_all(drafts)
        self._settle(drafts)
        for draft in drafts:
            self._choose_on_screen(draft)
        self.drafts = drafts
        # What the script really uses (re-composing may have dropped earlier choices).
        self.used = list(fixed)
        if self.cta_template is not None:
            self._use(self.cta_template)
        for draft in drafts:
            for template in [*draft.sentences, *([draft.on_screen] if draft.on_screen else [])]:
                self._use(template)

    def _names_topic(self, drafts: Sequence[_Draft]) -> bool:
        """Does the planned narration name the topic or a key point anywhere?"""
        texts = [fill(self.hook_template.text, self.context), self.cta_text, self.notice]
        texts += [fill(t.text, d.context) for d in drafts for t in d.sentences]
        subjects = [self.brief.topic, *self.brief.key_points]
        return any(names(subject, text) for subject in subjects for text in texts if text)

    @staticmethod
    def _words(drafts: Sequence[_Draft]) -> int:
        return sum(d.words for d in drafts)

    def _fit_segment_count(
        self, slots: list[_Slot], points: list[tuple[str, bool]]
    ) -> tuple[list[_Slot], list[tuple[str, bool]]]:
        """Keep segments few enough that one shot each stays under the pacing's upper bound."""
        most = max(2, math.floor(self.bounds[1] * self.brief.duration_s * 0.9 / 60))
        slots, points = list(slots), list(points)
        body_slots = sum(1 for s in slots if s.body)
        while len(slots) - body_slots + len(points) > most:
            extras = [s for s in slots if s.optional and not s.body]
            fillers = [i for i, (_, is_key) in enumerate(points) if not is_key]
            if extras:
                slots.remove(extras[-1])
            elif len(fillers) > 0 and len(points) > 1:
                points.pop(fillers[-1])
            else:
                break
        return slots, points

    def _compose_all(self, drafts: list[_Draft]) -> None:
        """Number the segments, share out the words and write every segment's sentences."""
        self.sentence_uses = {}
        carrier = next(
            (d for d in drafts if d.type not in (SegmentType.HOOK, SegmentType.CTA)), drafts[-1]
        )
        prefix = " ".join(line for line in (self.notice, self.topic_line) if line)
        for index, draft in enumerate(drafts, start=1):
            draft.id = f"seg-{index:02d}"
            draft.sentences = []
            draft.notice = prefix if draft is carrier else ""
            draft.words = self.hook_words if draft.type is SegmentType.HOOK else 0
        # Word targets: what the hook leaves, shared out by the structure's weights.
        left = max(0, self.budget - self.hook_words)
        shares = sum(d.share for d in drafts if d.type is not SegmentType.HOOK) or 1.0
        for draft in drafts:
            if draft.type is not SegmentType.HOOK:
                draft.target = left * draft.share / shares
        # Capped beats (intro, recap, CTA) hand what they cannot use to the body segments.
        body = [d for d in drafts if d.type in _BODY_TYPES]
        spare = 0.0
        for draft in drafts:
            if draft.max_words is not None and draft.target > draft.max_words and body:
                spare += draft.target - draft.max_words
                draft.target = draft.max_words
        for draft in body:
            draft.target += spare / len(body)
        # The CTA is written first so every other segment can absorb its rounding.
        cta = drafts[-1]
        self._compose_cta(cta)
        carry = cta.target - cta.words
        for draft in drafts[1:-1]:
            draft.target += carry
            self._compose(draft)
            carry = draft.target - draft.words

    def _settle(self, drafts: list[_Draft]) -> None:
        """Add or take away body sentences until the total is within a few words of budget."""
        middle = drafts[1:-1]
        tolerance = max(1, round(self.budget * 0.04))
        for _ in range(len(middle) * 2):
            residual = self.budget - self._words(drafts)
            if abs(residual) <= tolerance:
                return
            changed = False
            order = sorted(middle, key=lambda d: d.words - d.target)
            if residual > 0:
                for draft in order:
                    draft.target = draft.words + residual
                    before = draft.words
                    self._compose(draft, extend=True)
                    if draft.words != before:
                        changed = True
                        break
            else:
                for draft in reversed(order):
                    # Only a removal that brings the total closer to the budget.
                    removable = [
                        t
                        for t in draft.sentences[1:]
                        if abs(residual + word_count(fill(t.text, draft.context))) < -residual
                    ]
                    if removable:
                        victim = removable[-1]
                        draft.sentences.remove(victim)
                        draft.words -= word_count(fill(victim.text, draft.context))
                        self.sentence_uses[victim.id] -= 1
                        changed = True
                        break
            if not changed:
                return

    def _slots(self, data: Mapping[str, Any]) -> tuple[list[_Slot], dict[str, Any]]:
        slots = []
        for raw in data["slots"]:
            if float(raw.get("min_duration_s", 0)) > self.brief.duration_s:
                continue
            slots.append(
                _Slot(
                    type=SegmentType(raw["type"]),
                    share=float(raw.get("share", 1.0)),
                    optional=bool(raw.get("optional", False)),
                    body=bool(raw.get("body", False)),
                    max_words=float(raw["max_words"]) if "max_words" in raw else None,
                )
            )
        return slots, dict(data.get("points", {}))

    def _body_points(
        self, slots: list[_Slot], config: Mapping[str, Any], hook_limit: int
    ) -> list[tuple[str, bool]]:
        """(point, is_key_point) per body segment: the brief's key points, then angles."""
        body = next((s for s in slots if s.body), None)
        if body is None:
            return []
        key_points = [strip_end_punctuation(tidy(p)) for p in self.brief.key_points]
        key_points = [p for p in key_points if p]
        other_shares = sum(s.share for s in slots if not s.body and s.type is not SegmentType.HOOK)
        left = max(0, self.budget - hook_limit)
        words_each = float(config.get("words_each", 30))
        wanted = round(left / words_each - other_shares / body.share)
        count = max(int(config.get("min", 1)), min(int(config.get("max", 6)), wanted))
        if self.topic_count is not None and not key_points:
            # "5 signs your plant is thirsty": the topic promises a number of points.
            count = self.topic_count
        while count > 1 and left * body.share / (other_shares + count * body.share) < (
            MIN_BODY_WORDS
        ):
            count -= 1
        points: list[tuple[str, bool]] = [(p, True) for p in key_points]
        if len(points) < count:
            angles = self._ranked("angle", "angles")
            if angles and angles[0].data.get("ordered"):
                # A sequence (a story's arc, a tutorial's steps) keeps its own order.
                angles = self.templates.select("angle", group=angles[0].group)
            for angle in angles[: count - len(points)]:
                points.append((self._use(angle).text, False))
        return points

    def _point_context(self, point: str, n: int, total: int, is_key: bool) -> dict[str, str]:
        if total == 1:
            lead_in = "Here's the key"
        elif n == 1:
            lead_in = "First up"
        elif n == total:
            lead_in = "And finally"
        else:
            lead_in = _MIDDLE_LEAD_INS[(n - 2) % len(_MIDDLE_LEAD_INS)]
        extra = {"key_point": point} if is_key else {}
        return {
            **self.context,
            **extra,
            "point": point,
            "n": str(n),
            "ordinal": ordinal_word(n),
            "lead_in": lead_in,
        }

    def _fits_topic(self, template: Template) -> bool:
        """A topic with its own number ('5 signs ...') reads badly after another count."""
        if self.topic_count is None:
            return True
        return not {"count", "Count", "count_words", "Count_words"} & placeholders(template.text)

    def _choose_hook(self, limit: int) -> tuple[Template, int]:
        ranked = self._ranked("hook", "hook", platform=self.platforms, boost=self.hook_boost)
        ranked = ranked or self.templates.ranked("hook", seed=f"{self.seed}:hook")
        fillable = [t for t in ranked if self._fits_topic(t) and can_fill(t.text, self.context)]
        measured = [(t, word_count(fill(t.text, self.context))) for t in fillable]
        for template, words in measured:
            if words <= limit:
                return self._use(template), words
        template, words = min(measured, key=lambda pair: pair[1])
        return self._use(template), min(words, limit)

    def _fillable(self, group: str, purpose: str, context: Mapping[str, str]) -> list[Template]:
        ranked = self._ranked("narration", purpose, group=group)
        return [t for t in ranked if can_fill(t.text, context)]

    def _compose(self, draft: _Draft, *, extend: bool = False) -> None:
        """Lead sentence, then the least used body sentences, until the word target is met."""
        context = {**self.context, **draft.context}
        kind = draft.type.value
        leads = self._fillable(f"{kind}.lead", f"{draft.id}:lead", context)
        measured = [(t, word_count(fill(t.text, context))) for t in leads]
        if measured and not extend:
            fitting = [
                pair
                for pair in measured
                if pair[1] <= draft.target and not pair[0].data.get("fallback")
            ]
            lead, words = fitting[0] if fitting else min(measured, key=lambda pair: pair[1])
            draft.sentences.append(self._use(lead))
            self.sentence_uses[lead.id] = self.sentence_uses.get(lead.id, 0) + 1
            draft.words = words + word_count(draft.notice)
        bodies = self._fillable(f"{kind}.body", f"{draft.id}:body", context)
        while draft.target - draft.words >= (1 if extend else 3) and bodies:
            # Unused sentences first; once a long video spends the pool, the least used ones
            # (never one already in this segment).
            candidates = [t for t in bodies if t not in draft.sentences]
            if not candidates:
                break
            fewest = min(self.sentence_uses.get(t.id, 0) for t in candidates)
            fresh = [t for t in candidates if self.sentence_uses.get(t.id, 0) == fewest]
            remaining = draft.target - draft.words
            choice = next(
                (t for t in fresh if word_count(fill(t.text, context)) <= remaining + 2),
                None,
            )
            if choice is None:
                break
            draft.sentences.append(self._use(choice))
            self.sentence_uses[choice.id] = self.sentence_uses.get(choice.id, 0) + 1
            draft.words += word_count(fill(choice.text, context))
        draft.context = context

    def _cta_sentence(self, target: float) -> tuple[str, Template | None]:
        if self.brief.call_to_action and self.brief.call_to_action.strip():
            return ensure_sentence(self.brief.call_to_action.strip()), None
        ranked = self.templates.ranked(
            "cta",
            seed=f"{self.seed}:cta",
            style=self.style,
            tone=self.tone,
            platform=self.platforms,
            boost=self.cta_boost,
        )
        measured = [
            (t, word_count(fill(t.text, self.context)))
            for t in ranked
            if can_fill(t.text, self.context)
        ]
        if not measured:
            return "Follow for more.", None
        fitting = [pair for pair in measured if pair[1] <= max(target, 4) + 2]
        template = (fitting or [min(measured, key=lambda pair: pair[1])])[0][0]
        return fill(template.text, self.context), self._use(template)

    def _compose_cta(self, draft: _Draft) -> None:
        cta_text, template = self._cta_sentence(draft.target)
        self.cta_text = cta_text
        self.cta_template = template
        draft.context = {**self.context, "cta": cta_text}
        draft.words = word_count(cta_text) + word_count(draft.notice)
        if draft.target - draft.words >= 2:
            leads = self._fillable("cta.lead", "cta:lead", draft.context)
            for lead in leads:
                words = word_count(fill(lead.text, draft.context))
                if words <= draft.target - draft.words + 1:
                    draft.sentences.append(self._use(lead))
                    draft.words += words
                    break

    def _choose_on_screen(self, draft: _Draft) -> None:
        context = dict(draft.context or self.context)
        if draft.type is SegmentType.HOOK:
            context["hook"] = fill(self.hook_template.text, self.context).rstrip(".")
        if draft.type is SegmentType.CTA:
            context["cta"] = self.cta_text.rstrip(".")
            if self.cta_template is not None and self.cta_template.data.get("on_screen"):
                context["cta_short"] = str(self.cta_template.data["on_screen"])
        ranked = self.templates.ranked(
            "on_screen",
            seed=f"{self.seed}:{draft.id}:on_screen",
            group=draft.type.value,
            style=self.style,
            tone=self.tone,
        )
        ranked = [t for t in ranked if can_fill(t.text, context)]
        if not ranked:
            return
        fitting = [t for t in ranked if len(fill(t.text, context)) <= self.on_screen_chars]
        draft.on_screen = self._use((fitting or ranked)[0])
        draft.context = context

    # ------------------------------------------------------------ writing

    async def write(self) -> Script:
        tasks: list[TextTask] = []
        hook_task = TextTask(
            kind=TextKind.HOOK,
            template=self.hook_template.text,
            context=self.context,
            max_words=self.hook_limit,
            language=self.language,
        )
        tasks.append(hook_task)
        narration_index: dict[str, int] = {}
        on_screen_index: dict[str, int] = {}
        for draft in self.drafts:
            if draft.sentences:
                narration_index[draft.id] = len(tasks)
                tasks.append(
                    TextTask(
                        kind=TextKind.NARRATION,
                        template=" ".join(t.text for t in draft.sentences),
                        context=draft.context,
                        max_words=max(draft.words + 3, round(draft.words * 1.15)),
                        language=self.language,
                    )
                )
            if draft.on_screen is not None:
                on_screen_index[draft.id] = len(tasks)
                tasks.append(
                    TextTask(
                        kind=TextKind.ON_SCREEN,
                        template=draft.on_screen.text,
                        context=draft.context,
                        max_chars=self.on_screen_chars,
                        language=self.language,
                    )
                )
        cta_index = None
        if self.cta_template is not None:
            cta_index = len(tasks)
            tasks.append(
                TextTask(
                    kind=TextKind.CTA,
                    template=self.cta_template.text,
                    context=self.context,
                    max_words=word_count(self.cta_text) + 4,
                    language=self.language,
                )
            )
        title_index = len(tasks)
        tasks.append(self._title_task())
        hashtags_index = len(tasks)
        tasks.append(self._hashtags_task())

        texts = await self.engine.write_many(tasks)

        hook_text = texts[0]
        cta_text = texts[cta_index] if cta_index is not None else self.cta_text
        segments: list[Segment] = []
        for draft in self.drafts:
            if draft.type is SegmentType.HOOK:
                narration = hook_text
            elif draft.type is SegmentType.CTA:
                lead = texts[narration_index[draft.id]] if draft.id in narration_index else ""
                narration = f"{lead} {cta_text}".strip()
            else:
                narration = texts[narration_index[draft.id]]
            if draft.notice:
                narration = f"{draft.notice} {narration}"
            on_screen = texts[on_screen_index[draft.id]] if draft.id in on_screen_index else ""
            words = word_count(narration)
            segments.append(
                Segment(
                    id=draft.id,
                    type=draft.type,
                    narration=narration,
                    on_screen_text=on_screen.rstrip("."),
                    word_count=words,
                    estimated_s=round(spoken_seconds(words, self.wpm), 2),
                    shot_count=1,
                    optional=draft.optional,
                    key_point=draft.key_point,
                    draft_lines=self._draft_lines(draft, narration, hook_text, cta_text),
                )
            )
        self._pace(segments)
        self._mark_droppable(segments)
        total_words = sum(s.word_count for s in segments)
        return Script(
            title=texts[title_index],
            language=self.language,
            hook=Hook(
                text=hook_text,
                pattern=self.hook_template.group,
                template_id=self.hook_template.id,
                # Invented from a template; an engine that rewrote it made it its own.
                draft=hook_text == fill(self.hook_template.text, self.context),
            ),
            segments=segments,
            call_to_action=cta_text,
            hashtags=_parse_hashtags(texts[hashtags_index]) or self.hashtags,
            words_per_minute=self.wpm,
            total_words=total_words,
            estimated_s=round(sum(s.estimated_s for s in segments), 2),
            template_ids=list(self.used),
            cta_draft=self.cta_template is not None and cta_text == self.cta_text,
        )

    def _draft_lines(self, draft: _Draft, narration: str, hook: str, cta: str) -> list[str]:
        """The sentences of a segment the offline engine invented: every template sentence
        that carries none of the brief's own words (its key point, its call to action).

        Only lines found verbatim in the narration count: text an engine rewrote is its own."""
        if draft.type is SegmentType.HOOK:
            return [hook] if hook == fill(self.hook_template.text, self.context) else []
        brief_points = bool(self.brief.key_points)
        lines = [x for x in (self.notice, self.topic_line) if x] if draft.notice else []
        for template in draft.sentences:
            names = {n[:1].lower() + n[1:] for n in placeholders(template.text)}
            own = (
                "key_point" in names
                or ("point" in names and draft.key_point is not None)
                or ("points_list" in names and brief_points)
            )
            if not own:
                lines.append(fill(template.text, draft.context))
        if draft.type is SegmentType.CTA and self.cta_template is not None:
            lines.append(cta)
        return [line for line in lines if line and line in narration]

    def _title_task(self) -> TextTask:
        limit = min([TITLE_MAX_CHARS, *(get_platform(p).title_max_chars for p in self.platforms)])
        ranked = [
            t
            for t in self._ranked("title", "title")
            if self._fits_topic(t) and can_fill(t.text, self.context)
        ]
        fitting = [t for t in ranked if len(fill(t.text, self.context)) <= limit]
        template = self._use((fitting or ranked)[0])
        return TextTask(
            kind=TextKind.TITLE,
            template=template.text,
            context=self.context,
            max_chars=limit,
            language=self.language,
        )

    def _hashtags_task(self) -> TextTask:
        limit = max(get_platform(p).hashtags[1] for p in self.platforms)
        tags = topic_hashtags(self.context["topic"])
        for template in self._ranked("hashtag", "hashtags", group="style"):
            tags.append(self._use(template).text)
        if len(self.platforms) == 1:
            for template in self._ranked(
                "hashtag", "hashtags", group="platform", platform=self.platforms
            ):
                tags.insert(min(len(tags), 2), self._use(template).text)
        unique: list[str] = []
        for tag in tags:
            if tag and tag.lower() not in {u.lower() for u in unique}:
                unique.append(tag)
        self.hashtags = unique[:limit]
        return TextTask(
            kind=TextKind.HASHTAGS,
            template=" ".join(self.hashtags),
            context={"topic": self.context["topic"]},
            max_chars=max(1, sum(len(t) + 1 for t in self.hashtags) + 40),
            language=self.language,
            as_sentence=False,
        )

    def _pace(self, segments: list[Segment]) -> None:
        durations = [s.estimated_s for s in segments]
        counts = allocate_shots(durations, self.bounds)
        for segment, count in zip(segments, counts, strict=True):
            segment.shot_count = count
        total_s = sum(durations)
        self.shots_per_minute = sum(counts) / total_s * 60 if total_s else 0.0

    def _mark_droppable(self, segments: list[Segment]) -> None:
        """Make enough segments optional that the shortest platform's cut can drop them."""
        shortest = min(get_platform(p).max_duration_s for p in self.platforms)
        total = sum(s.estimated_s for s in segments)
        excess = total - shortest
        if excess <= 0:
            return
        droppable = sum(s.estimated_s for s in segments if s.optional)
        # Latest body segments first; never the hook (first) or the call to action (last).
        for segment in reversed(segments[1:-1]):
            if droppable >= excess * 1.1:
                break
            if not segment.optional:
                segment.optional = True
                droppable += segment.estimated_s


def _parse_hashtags(text: str) -> list[str]:
    """Hashtags from an engine's reply: '#'-words only, CamelCase kept, duplicates dropped."""
    tags: list[str] = []
    for token in text.replace(",", " ").split():
        if not token.startswith("#"):
            continue
        tag = hashtag(token[1:]) if not token[1:].isalnum() else token
        if len(tag) > 1 and tag.lower() not in {t.lower() for t in tags}:
            tags.append(tag)
    return tags


# ---------------------------------------------------------------- the LLM path (words-llm)


def _script_outline(writer: _ScriptPlan) -> ScriptOutline:
    """The offline plan's segments and budgets, for the model to write."""
    platforms = [get_platform(p) for p in writer.platforms]
    segments = tuple(
        SegmentBudget(id=d.id, type=d.type.value, words=writer.hook_limit, most=writer.hook_limit)
        if d.type is SegmentType.HOOK
        else budget_for(d.id, d.type.value, max(4, d.words), d.key_point)
        for d in writer.drafts
    )
    return ScriptOutline(
        brief=writer.brief,
        wpm=writer.wpm,
        budget=writer.budget,
        segments=segments,
        on_screen_chars=writer.on_screen_chars,
        title_chars=min([TITLE_MAX_CHARS, *(p.title_max_chars for p in platforms)]),
        hashtags=(min(p.hashtags[0] for p in platforms), max(p.hashtags[1] for p in platforms)),
        platforms=tuple(p.name for p in platforms),
        hook_window_s=min(p.hook_window_s for p in platforms),
    )


async def _script_by_model(
    engine: LLMEngine, writer: _ScriptPlan
) -> tuple[Script | None, str | None]:
    """The model's script on the plan's outline, or (None, why) for the offline fallback."""
    outline = _script_outline(writer)
    try:
        reply, _ = await engine.write_script(outline)
    except (ModelReplyError, EngineUnavailableError) as exc:
        reason = f"{exc.message}; the script is the offline draft"
        log.warning("llm_fallback", agent="script_writer", reason=reason)
        return None, reason
    segments: list[Segment] = []
    for draft, text in zip(writer.drafts, reply.segments, strict=True):
        narration = tidy(text.narration)
        words = word_count(narration)
        segments.append(
            Segment(
                id=draft.id,
                type=draft.type,
                narration=narration,
                on_screen_text=truncate(tidy(text.on_screen_text), writer.on_screen_chars).rstrip(
                    "."
                ),
                word_count=words,
                estimated_s=round(spoken_seconds(words, writer.wpm), 2),
                shot_count=1,
                optional=draft.optional,
                key_point=draft.key_point,
            )
        )
    writer._pace(segments)
    writer._mark_droppable(segments)
    tags = " ".join(t if t.startswith("#") else f"#{t}" for t in reply.hashtags)
    hashtags = _parse_hashtags(tags)[: outline.hashtags[1]]
    return (
        Script(
            title=truncate(tidy(reply.title), outline.title_chars),
            language=writer.brief.language,
            hook=Hook(text=segments[0].narration, pattern="llm"),
            segments=segments,
            call_to_action=outline.cta or tidy(reply.call_to_action),
            hashtags=hashtags or topic_hashtags(writer.context["topic"])[: outline.hashtags[1]],
            words_per_minute=writer.wpm,
            total_words=sum(s.word_count for s in segments),
            estimated_s=round(sum(s.estimated_s for s in segments), 2),
            origin=engine.origin,
        ),
        None,
    )

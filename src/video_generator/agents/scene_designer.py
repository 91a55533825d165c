"""Scene designer agent: Script -> Storyboard (scenes, varied shots, transitions, prompts).

Rules:
- One scene per segment, more when a segment runs longer than SCENE_MAX_S; exactly
  segment.shot_count shots per segment, ids from core.pacing.shot_id (n from 1), so the
  timing coordinator (which times the same ids) and this agent agree without seeing each other.
- Never three identical shot types in a row, scene borders included; a shot also avoids its
  predecessor's type whenever the segment's vocabulary allows.
- Shots inside a scene cut; scene changes use the style's transitions (transitions.yaml); the
  last shot uses the style's ending.
- One palette for the whole video (from the tone); mood, lighting and setting per scene.
- Prompts are aspect-neutral (one storyboard serves every platform's cut) and ask for no text
  in frame (captions and on-screen text are laid over later).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import structlog

from a2a_mcp.agent import Agent, Progress, skill
from video_generator.core.models import (
    Brief,
    CameraMovement,
    GenerationPrompts,
    Scene,
    Script,
    Segment,
    Shot,
    ShotType,
    Storyboard,
    StoryboardRequest,
    Transition,
)
from video_generator.core.origin import TextOrigin
from video_generator.core.pacing import shot_id as make_shot_id
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
    capitalize_first,
    is_generic_audience,
    is_wh_phrase,
    person_from_audience,
    strip_end_punctuation,
    tidy,
    title_case,
    truncate,
)
from video_generator.engines.fill import can_fill, fill
from video_generator.engines.llm.storyboard import (
    SCENE_TITLE_CHARS,
    ShotFrame,
    StoryboardOutline,
)
from video_generator.templates import Template, TemplateCache, brief_seed, get_templates

log = structlog.get_logger(component="scene_designer")

SCENE_MAX_S = 12.0
NO_REPEAT_RUN = 3  # never this many identical shot types in a row
_FALLBACK_ACTION_GROUP = "point"


@dataclass
class _ShotPlan:
    id: str
    segment: Segment
    type: ShotType
    family: str
    camera: Template
    composition: Template
    transition: Transition
    on_screen: str
    context: dict[str, str] = field(default_factory=dict)
    subject_template: str = ""


@dataclass
class _ScenePlan:
    id: str
    segment: Segment
    part: int
    parts: int
    mood: str
    context: dict[str, str]
    title_template: str
    shots: list[_ShotPlan] = field(default_factory=list)


class SceneDesigner(Agent):
    """Turns a script into a storyboard: scenes, shots, transitions and generation prompts."""

    name = "scene_designer"
    description = (
        "Designs the storyboard for a script: scenes per segment, exactly the script's shot "
        "count per segment with varied shot types, camera moves, compositions, transitions, "
        "mood and palette from the tone, on-screen text, and text-to-video prompts per shot."
    )
    version = "1.0.0"
    default_port = 10102

    def __init__(
        self, engine: TextEngine | None = None, templates: TemplateCache | None = None
    ) -> None:
        self.engine = engine or TemplateEngine()
        self.templates = templates or get_templates()

    @skill(
        id="design_storyboard",
        name="Design a storyboard",
        tags=("video", "storyboard", "shots", "prompts", "cinematography"),
        examples=(
            "storyboard for a 45-second cold brew TikTok script: varied shots and prompts",
            "scenes, camera moves and text-to-video prompts for an educational YouTube Short",
        ),
        cache_kind="storyboard",
    )
    async def design_storyboard(self, request: StoryboardRequest, progress: Progress) -> Storyboard:
        """Design the storyboard for a script: same script, same storyboard."""
        design = _StoryboardPlan(request.brief, request.script, self.templates, self.engine)
        await progress(
            0.05,
            f"designing {len(request.script.segments)} segments in the {design.palette.text} "
            "palette",
            {"segments": len(request.script.segments)},
        )
        design.plan()
        shots = sum(len(scene.shots) for scene in design.scenes)
        await progress(
            0.4,
            f"{len(design.scenes)} scenes and {shots} shots planned",
            {"scenes": len(design.scenes), "shots": shots},
        )
        fallback: str | None = None
        if isinstance(self.engine, LLMEngine):  # the engine writes whole storyboards: ask it
            storyboard, fallback = await _storyboard_by_model(self.engine, design)
            if storyboard is not None:
                await progress(1.0, f"storyboard written by {self.engine.client.model}")
                return storyboard
        storyboard = await design.write()
        if fallback is not None:
            storyboard = storyboard.model_copy(
                update={"origin": TextOrigin(fallback_reason=fallback)}
            )
        await progress(0.9, f"prompts written for {shots} shots", {"shots": shots})
        await asyncio.gather(*(self.templates.record_use(t) for t in design.used))
        await progress(1.0, "storyboard ready", {"scenes": len(storyboard.scenes)})
        log.info("storyboard_designed", scenes=len(storyboard.scenes), shots=shots)
        return storyboard


_STOCK_STOP = frozenset(
    "a an the of in on at to for with and or their his her its our your my this that these "
    "those into from by who is are being explaining explains about how why what".split()
)


def search_terms_for(subject: str, topic: str, max_words: int = 3) -> list[str]:
    """Stock-footage search phrases for a shot, best first: subject with topic, topic, subject.

    Stock search engines match short noun phrases, so stop words go and phrases stay short.
    """

    def key_words(text: str) -> list[str]:
        words = [w.strip(".,;:!?'\"()").lower() for w in text.split()]
        return [w for w in words if w and w not in _STOCK_STOP and not w.isdigit()]

    subject_words, topic_words = key_words(subject)[:max_words], key_words(topic)[:max_words]
    terms = [
        " ".join(dict.fromkeys(subject_words[:2] + topic_words[:2])),
        " ".join(topic_words),
        " ".join(subject_words),
    ]
    return [t for t in dict.fromkeys(terms) if t]


def split_shots(shot_count: int, estimated_s: float, scene_max_s: float = SCENE_MAX_S) -> list[int]:
    """How a segment's shots spread over its scenes (one scene per scene_max_s, >= 1 shot each)."""
    scenes = min(shot_count, max(1, math.ceil(estimated_s / scene_max_s)))
    base, extra = divmod(shot_count, scenes)
    return [base + (1 if i < extra else 0) for i in range(scenes)]


def choose_shot_type(candidates: Sequence[ShotType], history: Sequence[ShotType]) -> ShotType:
    """The best-ranked type that keeps variety: not the last type if possible, never a run of 3."""
    last = history[-1] if history else None
    run_of_two = (
        len(history) >= NO_REPEAT_RUN - 1 and len(set(history[-(NO_REPEAT_RUN - 1) :])) == 1
    )
    for candidate in candidates:
        if candidate != last:
            return candidate
    for candidate in candidates:
        if not (run_of_two and candidate == last):
            return candidate
    # A vocabulary of one type cannot vary; take any other type rather than break the rule.
    return next(t for t in ShotType if t != last)


class _StoryboardPlan:
    """Every decision for one storyboard, deterministic from the brief and the script."""

    def __init__(
        self, brief: Brief, script: Script, templates: TemplateCache, engine: TextEngine
    ) -> None:
        self.brief = brief
        self.script = script
        self.templates = templates
        self.engine = engine
        self.seed = brief_seed(brief)
        self.style = brief.style.value
        self.tone = brief.tone.value
        self.language = script.language
        self.used: list[str] = []
        self.palette = self._pick("palette", "palette", group=None)
        self.look = self._pick("look", "look")
        self.vocabulary = {t.key: t for t in self.templates.select("shot", group="vocabulary")}
        self.context = self._base_context()
        self.scenes: list[_ScenePlan] = []
        self.recent_actions: dict[str, list[str]] = {}

    # ------------------------------------------------------------ helpers

    def _use(self, template: Template) -> Template:
        if template.id not in self.used:
            self.used.append(template.id)
        return template

    def _ranked(self, kind: str, purpose: str, group: str | None = None) -> list[Template]:
        return self.templates.ranked(
            kind, seed=f"{self.seed}:{purpose}", group=group, style=self.style, tone=self.tone
        )

    def _pick(self, kind: str, purpose: str, group: str | None = None) -> Template:
        ranked = self._ranked(kind, purpose, group)
        if not ranked:
            ranked = self.templates.ranked(kind, seed=f"{self.seed}:{purpose}", group=group)
        return self._use(ranked[0])

    def _first_fillable(
        self, kind: str, purpose: str, group: str, context: dict[str, str]
    ) -> Template | None:
        for template in self._ranked(kind, purpose, group):
            if can_fill(template.text, context):
                return self._use(template)
        return None

    def _base_context(self) -> dict[str, str]:
        topic = strip_end_punctuation(tidy(self.brief.topic))
        context = {
            "topic": topic,
            "topic_title": title_case(topic),
            "person": person_from_audience(self.brief.audience),
            "palette": self.palette.text,
            "look": self.look.text,
            "title": self.script.title,
        }
        if not is_wh_phrase(topic):
            context["topic_np"] = topic
        if not is_generic_audience(self.brief.audience):
            context["audience"] = tidy(self.brief.audience)
        return context

    # ------------------------------------------------------------ planning

    def plan(self) -> None:
        history: list[ShotType] = []
        body_number = 0
        scene_number = 0
        body_types = {"point", "story", "demo"}
        for segment in self.script.segments:
            if segment.type.value in body_types:
                body_number += 1
            parts = split_shots(segment.shot_count, segment.estimated_s)
            shot_number = 0
            for part, count in enumerate(parts, start=1):
                scene_number += 1
                scene = self._plan_scene(segment, scene_number, part, len(parts), body_number)
                for _ in range(count):
                    shot_number += 1
                    shot = self._plan_shot(scene, shot_number, history)
                    history.append(shot.type)
                    scene.shots.append(shot)
                self.scenes.append(scene)
        self._plan_transitions()

    def _plan_scene(
        self, segment: Segment, number: int, part: int, parts: int, body_number: int
    ) -> _ScenePlan:
        scene_id = f"scene-{number:02d}"
        context = dict(self.context)
        context["n"] = str(body_number)
        if segment.key_point:
            point = strip_end_punctuation(segment.key_point)
            context["point"] = point
            context["quoted_point"] = f"“{point}”"
        if parts > 1:
            context["part"] = str(part)
        if segment.on_screen_text:
            context["on_screen"] = segment.on_screen_text
        mood = self._pick("mood", f"{scene_id}:mood", group=self.tone)
        setting = self._pick("setting", f"{segment.id}:setting", group="any")
        lighting = self._pick("lighting", f"{scene_id}:lighting")
        context.update(mood=mood.text, setting=setting.text, lighting=lighting.text)
        title = self._first_fillable(
            "scene_title", f"{scene_id}:title", segment.type.value, context
        ) or self._first_fillable("scene_title", f"{scene_id}:title", "hook", context)
        return _ScenePlan(
            id=scene_id,
            segment=segment,
            part=part,
            parts=parts,
            mood=mood.text,
            context=context,
            title_template=title.text if title else segment.type.value.capitalize(),
        )

    def _plan_shot(self, scene: _ScenePlan, n: int, history: list[ShotType]) -> _ShotPlan:
        segment = scene.segment
        shot_id = make_shot_id(segment.id, n)
        ranked = self._ranked("shot_type", f"{shot_id}:type", group=segment.type.value)
        candidates = [ShotType(t.key) for t in ranked]
        if not segment.on_screen_text:
            candidates = [t for t in candidates if t is not ShotType.TEXT_CARD]
        shot_type = choose_shot_type(candidates, history)
        for template in ranked:
            if template.key == shot_type.value:
                self._use(template)
        vocabulary = self.vocabulary[shot_type.value]
        family = str(vocabulary.data.get("family", "person"))
        camera = self._matching("camera", f"{shot_id}:camera", shot_type)
        composition = self._matching("composition", f"{shot_id}:composition", shot_type)
        context = dict(scene.context)
        context.update(
            shot=vocabulary.text,
            lens=str(vocabulary.data.get("lens", "")),
            composition=composition.text,
        )
        recent = self.recent_actions.setdefault(segment.id, [])
        action = self._action(segment, family, shot_id, context, avoid=recent[-2:])
        if action is not None:
            recent.append(action.id)
        if action is not None:
            context["action"] = fill(action.text, context, as_sentence=False)
        subject = self._first_fillable("subject", f"{shot_id}:subject", family, context)
        first_of_segment = n == 1
        on_screen = segment.on_screen_text if (first_of_segment or family == "text") else ""
        if family == "text" and not on_screen:
            on_screen = self.script.title
        return _ShotPlan(
            id=shot_id,
            segment=segment,
            type=shot_type,
            family=family,
            camera=camera,
            composition=composition,
            transition=Transition.CUT,
            on_screen=on_screen,
            context=context,
            subject_template=subject.text if subject else "{person}",
        )

    def _matching(self, kind: str, purpose: str, shot_type: ShotType) -> Template:
        """The best-ranked template of a kind that lists this shot type."""
        ranked = self._ranked(kind, purpose)
        for template in ranked:
            if shot_type.value in template.data.get("shot_types", []):
                return self._use(template)
        return self._use(ranked[0])

    def _action(
        self,
        segment: Segment,
        family: str,
        shot_id: str,
        context: dict[str, str],
        avoid: Sequence[str] = (),
    ) -> Template | None:
        """What the subject does: from the segment's group, not the previous shot's action."""
        groups = (
            ["any.text"]
            if family == "text"
            else [f"{segment.type.value}.{family}", f"{_FALLBACK_ACTION_GROUP}.{family}"]
        )
        for group in groups:
            fillable = [
                t
                for t in self._ranked("action", f"{shot_id}:action", group)
                if can_fill(t.text, context)
            ]
            if fillable:
                fresh = [t for t in fillable if t.id not in avoid] or fillable
                return self._use(fresh[0])
        return None

    def _plan_transitions(self) -> None:
        for index, scene in enumerate(self.scenes):
            last = scene.shots[-1]
            if index == len(self.scenes) - 1:
                group, purpose = "ending", "ending"
            else:
                group, purpose = self.style, f"{scene.id}:transition"
            ranked = self._ranked("transition", purpose, group)
            if ranked:
                last.transition = Transition(self._use(ranked[0]).key)

    # ------------------------------------------------------------ writing

    async def write(self) -> Storyboard:
        shots = [shot for scene in self.scenes for shot in scene.shots]
        # Phase 1: scene titles and shot subjects (prompts are built on the subjects).
        first: list[TextTask] = [
            TextTask(
                kind=TextKind.SCENE_TITLE,
                template=scene.title_template,
                context=scene.context,
                max_chars=60,
                language=self.language,
            )
            for scene in self.scenes
        ]
        first += [
            TextTask(
                kind=TextKind.SUBJECT,
                template=shot.subject_template,
                context=shot.context,
                max_words=12,
                language=self.language,
                as_sentence=False,
            )
            for shot in shots
        ]
        written = await self.engine.write_many(first)
        titles = written[: len(self.scenes)]
        subjects = written[len(self.scenes) :]
        for shot, subject in zip(shots, subjects, strict=True):
            shot.context["subject"] = subject
        # Phase 2: description, prompt, motion and negative prompt per shot.
        second: list[TextTask] = []
        for shot in shots:
            second.extend(self._shot_tasks(shot))
        texts = await self.engine.write_many(second)

        scenes: list[Scene] = []
        colors = list(self.palette.data.get("colors", ["#ffffff"]))
        cursor = 0
        for scene, title in zip(self.scenes, titles, strict=True):
            built: list[Shot] = []
            for shot in scene.shots:
                description, prompt, motion, negative = texts[cursor : cursor + 4]
                cursor += 4
                built.append(
                    Shot(
                        id=shot.id,
                        segment_id=shot.segment.id,
                        type=shot.type,
                        camera_movement=CameraMovement(shot.camera.key),
                        composition=shot.composition.key,
                        subject=shot.context["subject"],
                        visual_description=description,
                        on_screen_text=shot.on_screen,
                        transition=shot.transition,
                        mood=scene.mood,
                        palette=colors,
                        prompts=GenerationPrompts(
                            prompt=prompt, motion_prompt=motion, negative_prompt=negative
                        ),
                        search_terms=search_terms_for(shot.context["subject"], self.brief.topic),
                    )
                )
            scenes.append(
                Scene(
                    id=scene.id,
                    segment_id=scene.segment.id,
                    title=title,
                    mood=scene.mood,
                    palette=colors,
                    shots=built,
                )
            )
        return Storyboard(title=self.script.title, style=self.brief.style, scenes=scenes)

    def _shot_tasks(self, shot: _ShotPlan) -> list[TextTask]:
        context = dict(shot.context)
        if shot.on_screen:
            context["on_screen"] = shot.on_screen
        purpose = shot.id
        description = self._first_fillable(
            "description", f"{purpose}:description", shot.family, context
        )
        prompt = self._first_fillable("prompt", f"{purpose}:prompt", shot.family, context)
        negative = self._first_fillable("negative", f"{purpose}:negative", shot.family, context)
        return [
            TextTask(
                kind=TextKind.SHOT_DESCRIPTION,
                template=description.text if description else "{shot} of {subject}.",
                context=context,
                max_chars=400,
                language=self.language,
            ),
            TextTask(
                kind=TextKind.PROMPT,
                template=prompt.text if prompt else "{shot} of {subject}, {look}",
                context=context,
                max_chars=600,
                language="en",  # video models are prompted in English
            ),
            TextTask(
                kind=TextKind.MOTION_PROMPT,
                template=shot.camera.text,
                context=context,
                max_chars=200,
                language="en",
            ),
            TextTask(
                kind=TextKind.NEGATIVE_PROMPT,
                template=negative.text if negative else "blurry, low resolution, watermark",
                context=context,
                max_chars=400,
                language="en",
                as_sentence=False,
            ),
        ]


# ---------------------------------------------------------------- the LLM path (words-llm)


async def _storyboard_by_model(
    engine: LLMEngine, design: _StoryboardPlan
) -> tuple[Storyboard | None, str | None]:
    """The model's shots on the plan's scenes, types and moves, or (None, why) to fall back."""
    outline = StoryboardOutline(
        brief=design.brief,
        script=design.script,
        scenes=tuple((scene.id, scene.segment.id) for scene in design.scenes),
        shots=tuple(
            ShotFrame(
                id=shot.id,
                segment_id=shot.segment.id,
                scene_id=scene.id,
                type=shot.type.value,
                camera=shot.camera.key,
                on_screen=shot.on_screen,
            )
            for scene in design.scenes
            for shot in scene.shots
        ),
        palette=design.palette.text,
        moods={scene.id: scene.mood for scene in design.scenes},
    )
    try:
        reply, _ = await engine.write_storyboard(outline)
    except (ModelReplyError, EngineUnavailableError) as exc:
        reason = f"{exc.message}; the storyboard is the offline draft"
        log.warning("llm_fallback", agent="scene_designer", reason=reason)
        return None, reason
    texts = {shot.id: shot for shot in reply.shots}
    titles = {scene.id: scene.title for scene in reply.scenes}
    colors = list(design.palette.data.get("colors", ["#ffffff"]))
    look = strip_end_punctuation(tidy(reply.look))
    scenes: list[Scene] = []
    for scene in design.scenes:
        built: list[Shot] = []
        for shot in scene.shots:
            text = texts[shot.id]
            subject = strip_end_punctuation(tidy(text.subject))
            prompt = strip_end_punctuation(tidy(text.prompt))
            if look and look.lower() not in prompt.lower():
                prompt = f"{prompt}, {look}"  # one look across every shot
            action, setting = strip_end_punctuation(tidy(text.action)), tidy(text.setting)
            built.append(
                Shot(
                    id=shot.id,
                    segment_id=shot.segment.id,
                    type=shot.type,
                    camera_movement=CameraMovement(shot.camera.key),
                    composition=shot.composition.key,
                    subject=subject,
                    visual_description=capitalize_first(f"{subject} {action}, {setting}").rstrip(
                        "."
                    )
                    + ".",
                    on_screen_text=shot.on_screen,
                    transition=shot.transition,
                    mood=scene.mood,
                    palette=colors,
                    prompts=GenerationPrompts(
                        prompt=prompt,
                        motion_prompt=tidy(text.motion_prompt),
                        negative_prompt=tidy(text.negative_prompt)
                        or "blurry, low resolution, watermark, text",
                    ),
                    search_terms=search_terms_for(subject, design.brief.topic),
                )
            )
        scenes.append(
            Scene(
                id=scene.id,
                segment_id=scene.segment.id,
                title=truncate(tidy(titles[scene.id]), SCENE_TITLE_CHARS),
                mood=scene.mood,
                palette=colors,
                shots=built,
            )
        )
    storyboard = Storyboard(
        title=design.script.title, style=design.brief.style, scenes=scenes, origin=engine.origin
    )
    return storyboard, None

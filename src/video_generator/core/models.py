"""Domain models that cross agent boundaries: brief, script, storyboard, timing, cuts, package."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, field_validator, model_validator

from video_generator.core.frame import Box, Resolution, SafeZone
from video_generator.core.limits import (
    MAX_BITRATE_KBPS,
    MAX_CUES,
    MAX_FPS,
    MAX_ID,
    MAX_ITEMS,
    MAX_METADATA_DEPTH,
    MAX_METADATA_KEYS,
    MAX_NODES,
    MAX_PIXELS,
    MAX_PLATFORMS,
    MAX_REQUEST_TEXT,
    MAX_SEGMENTS,
    MAX_SHORT,
    MAX_SHOTS,
    MAX_SHOTS_PER_SEGMENT,
    MAX_SPEECH_S,
    MAX_TEXT,
    MAX_TIMELINE_S,
    MAX_VIDEO_S,
    Model,
)
from video_generator.core.origin import TextOrigin  # words-llm: who wrote the text
from video_generator.core.platforms import get_platform


def _depth(value: Any, level: int = 0) -> int:
    """How deep a JSON-like value nests (a scalar is 0), counting containers."""
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


class Tone(StrEnum):
    UPBEAT = "upbeat"
    ENERGETIC = "energetic"
    CALM = "calm"
    PROFESSIONAL = "professional"
    PLAYFUL = "playful"
    INSPIRATIONAL = "inspirational"
    DRAMATIC = "dramatic"
    HUMOROUS = "humorous"
    WARM = "warm"
    SERIOUS = "serious"


class Style(StrEnum):
    EDUCATIONAL = "educational"
    VIRAL = "viral"
    STORY = "story"
    TUTORIAL = "tutorial"
    PROMOTIONAL = "promotional"
    LISTICLE = "listicle"


# ---------------------------------------------------------------- brief


class Brief(Model):
    """What the user asked for, read from their words; `assumed` names the defaulted fields."""

    text: str = Field(
        max_length=MAX_REQUEST_TEXT, description="The brief exactly as the user gave it."
    )
    topic: str = Field(min_length=1, max_length=MAX_SHORT)
    audience: str = Field(
        max_length=MAX_SHORT, description="Who the video is for, e.g. 'busy parents'."
    )
    tone: Tone
    style: Style
    platforms: list[Annotated[str, Field(max_length=MAX_ID)]] = Field(
        min_length=1, max_length=MAX_PLATFORMS, description="Platform ids from the registry."
    )
    duration_s: float = Field(gt=0, le=MAX_VIDEO_S, description="Target length in seconds.")
    language: str = Field(default="en", max_length=35, description="BCP-47 language code.")
    key_points: list[Annotated[str, Field(max_length=MAX_SHORT)]] = Field(
        default_factory=list, max_length=MAX_ITEMS
    )
    call_to_action: str | None = Field(default=None, max_length=MAX_SHORT)
    assumed: list[Annotated[str, Field(max_length=MAX_ID)]] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Fields filled with defaults, not read from the brief.",
    )

    @field_validator("platforms")
    @classmethod
    def _known_distinct_platforms(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("each platform may appear once")
        for platform in value:
            get_platform(platform)  # UnknownPlatformError (a ValueError) names the known ones
        return value


# ---------------------------------------------------------------- script


class SegmentType(StrEnum):
    HOOK = "hook"
    INTRO = "intro"
    POINT = "point"
    STORY = "story"
    DEMO = "demo"
    PROOF = "proof"
    RECAP = "recap"
    CTA = "cta"


class Hook(Model):
    text: str = Field(max_length=MAX_TEXT)
    pattern: str = Field(
        max_length=MAX_ID, description="Hook pattern id from the template library, e.g. 'question'."
    )
    template_id: str | None = Field(default=None, max_length=MAX_ID)
    # words-offline: draft marks
    draft: bool = Field(
        default=False,
        description="A generic line the offline engine invented, for the creator to replace.",
    )


class Segment(Model):
    """One beat of the script; shot_count fixes how many shots it is cut into (pacing)."""

    id: str = Field(max_length=MAX_ID, description="Stable id, e.g. 'seg-01'.")
    type: SegmentType
    narration: str = Field(max_length=MAX_TEXT)
    on_screen_text: str = Field(default="", max_length=MAX_SHORT)
    word_count: int = Field(ge=0, le=MAX_TEXT)
    estimated_s: float = Field(ge=0, le=MAX_TIMELINE_S)
    shot_count: int = Field(
        ge=1, le=MAX_SHOTS_PER_SEGMENT, description="Shots this segment is cut into."
    )
    optional: bool = Field(default=False, description="May be dropped to fit a short platform.")
    key_point: str | None = Field(
        default=None, max_length=MAX_SHORT, description="The brief's key point it covers."
    )
    # words-offline: draft marks
    draft_lines: list[Annotated[str, Field(max_length=MAX_TEXT)]] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Narration sentences that are generic filler the offline engine invented "
        "(not from the brief): a draft for the creator to replace.",
    )


class Script(Model):
    title: str = Field(max_length=MAX_SHORT)
    language: str = Field(default="en", max_length=35)
    hook: Hook
    segments: list[Segment] = Field(min_length=1, max_length=MAX_SEGMENTS)
    call_to_action: str = Field(max_length=MAX_SHORT)
    hashtags: list[Annotated[str, Field(max_length=MAX_SHORT)]] = Field(
        default_factory=list, max_length=MAX_ITEMS
    )
    words_per_minute: float = Field(gt=0, le=1000)
    total_words: int = Field(ge=0, le=MAX_SEGMENTS * MAX_TEXT)
    estimated_s: float = Field(ge=0, le=MAX_TIMELINE_S)
    template_ids: list[Annotated[str, Field(max_length=MAX_ID)]] = Field(
        default_factory=list, max_length=MAX_SHOTS, description="Templates used."
    )
    # words-llm: which engine and model wrote the words (offline unless an LLM did).
    origin: TextOrigin = Field(default_factory=TextOrigin)
    # words-offline: draft marks (the contract's CTA.draft: the CTA is a plain string here)
    cta_draft: bool = Field(
        default=False,
        description="The call to action is a generic line the offline engine chose (the brief "
        "gave none).",
    )

    @model_validator(mode="after")
    def _bounded_shots(self) -> Script:
        # Each segment's count is bounded; so is their sum: the storyboard and the timing
        # plan both hold one entry per shot.
        total = sum(segment.shot_count for segment in self.segments)
        if total > MAX_SHOTS:
            raise ValueError(f"the segments ask for {total} shots; at most {MAX_SHOTS}")
        # The timing plan times each segment by its word count: bound the whole narration.
        speech_s = sum(s.word_count for s in self.segments) * 60 / self.words_per_minute
        if speech_s > MAX_SPEECH_S:
            raise ValueError(
                f"the narration takes {speech_s:,.0f} s to speak at {self.words_per_minute:g} "
                f"words a minute; at most {MAX_SPEECH_S:,.0f} s"
            )
        return self


# ---------------------------------------------------------------- storyboard


class ShotType(StrEnum):
    EXTREME_WIDE = "extreme_wide"
    WIDE = "wide"
    MEDIUM = "medium"
    CLOSE_UP = "close_up"
    EXTREME_CLOSE_UP = "extreme_close_up"
    OVER_THE_SHOULDER = "over_the_shoulder"
    POV = "pov"
    OVERHEAD = "overhead"
    INSERT = "insert"
    TEXT_CARD = "text_card"


class CameraMovement(StrEnum):
    STATIC = "static"
    PUSH_IN = "push_in"
    PULL_OUT = "pull_out"
    PAN_LEFT = "pan_left"
    PAN_RIGHT = "pan_right"
    TILT_UP = "tilt_up"
    TILT_DOWN = "tilt_down"
    TRACKING = "tracking"
    HANDHELD = "handheld"
    ORBIT = "orbit"


class Transition(StrEnum):
    CUT = "cut"
    CROSSFADE = "crossfade"
    FADE_TO_BLACK = "fade_to_black"
    WHIP_PAN = "whip_pan"
    MATCH_CUT = "match_cut"
    ZOOM = "zoom"
    SLIDE = "slide"


class GenerationPrompts(Model):
    """Prompts a text-to-video model can use for one shot."""

    prompt: str = Field(max_length=MAX_TEXT)
    motion_prompt: str = Field(max_length=MAX_TEXT)
    negative_prompt: str = Field(max_length=MAX_TEXT)


class Shot(Model):
    id: str = Field(
        max_length=MAX_ID, description="Stable id, e.g. 'seg-02-sh1'; matches TimedShot.shot_id."
    )
    segment_id: str = Field(max_length=MAX_ID)
    type: ShotType
    camera_movement: CameraMovement
    composition: str = Field(
        max_length=MAX_ID, description="Composition id, e.g. 'rule_of_thirds'."
    )
    subject: str = Field(max_length=MAX_SHORT)
    visual_description: str = Field(max_length=MAX_TEXT)
    on_screen_text: str = Field(default="", max_length=MAX_SHORT)
    transition: Transition = Field(description="Transition into the next shot.")
    mood: str = Field(max_length=MAX_SHORT)
    palette: list[Annotated[str, Field(max_length=MAX_SHORT)]] = Field(
        min_length=1, max_length=MAX_ITEMS, description="Hex colours, e.g. '#ffb703'."
    )
    prompts: GenerationPrompts
    search_terms: list[Annotated[str, Field(max_length=MAX_SHORT)]] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Stock-footage search phrases for this shot.",
    )


class Scene(Model):
    id: str = Field(max_length=MAX_ID, description="e.g. 'scene-01'.")
    segment_id: str = Field(max_length=MAX_ID)
    title: str = Field(max_length=MAX_SHORT)
    mood: str = Field(max_length=MAX_SHORT)
    palette: list[Annotated[str, Field(max_length=MAX_SHORT)]] = Field(
        min_length=1, max_length=MAX_ITEMS
    )
    shots: list[Shot] = Field(min_length=1, max_length=MAX_SHOTS_PER_SEGMENT)


class Storyboard(Model):
    title: str = Field(max_length=MAX_SHORT)
    style: Style
    scenes: list[Scene] = Field(min_length=1, max_length=MAX_SHOTS)
    # words-llm: which engine and model wrote the shots' words.
    origin: TextOrigin = Field(default_factory=TextOrigin)

    def shots(self) -> list[Shot]:
        return [shot for scene in self.scenes for shot in scene.shots]


# ---------------------------------------------------------------- timing


class TimedSegment(Model):
    segment_id: str = Field(max_length=MAX_ID)
    start_s: float = Field(ge=0, le=MAX_TIMELINE_S)
    end_s: float = Field(ge=0, le=MAX_TIMELINE_S)


class TimedShot(Model):
    shot_id: str = Field(max_length=MAX_ID)
    segment_id: str = Field(max_length=MAX_ID)
    start_s: float = Field(ge=0, le=MAX_TIMELINE_S)
    end_s: float = Field(ge=0, le=MAX_TIMELINE_S)


class CaptionCue(Model):
    index: int = Field(ge=1, le=MAX_CUES)
    start_s: float = Field(ge=0, le=MAX_TIMELINE_S)
    end_s: float = Field(ge=0, le=MAX_TIMELINE_S)
    lines: list[Annotated[str, Field(max_length=MAX_SHORT)]] = Field(min_length=1, max_length=2)
    segment_id: str | None = Field(default=None, max_length=MAX_ID)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


class BeatGrid(Model):
    bpm: float = Field(gt=0, le=1000)
    offset_s: float = Field(default=0.0, ge=0, le=MAX_TIMELINE_S)
    beats_s: list[Annotated[float, Field(ge=0, le=MAX_TIMELINE_S)]] = Field(
        default_factory=list, max_length=60_000
    )


class TimingPlan(Model):
    words_per_minute: float = Field(gt=0, le=1000)
    pause_s: float = Field(ge=0, le=60, description="Pause after each segment's narration.")
    segments: list[TimedSegment] = Field(max_length=MAX_SEGMENTS)
    shots: list[TimedShot] = Field(max_length=MAX_SHOTS)
    captions: list[CaptionCue] = Field(max_length=MAX_CUES)
    beat_grid: BeatGrid
    total_s: float = Field(ge=0, le=MAX_TIMELINE_S)


# ---------------------------------------------------------------- platform cut


class SegmentEditAction(StrEnum):
    KEPT = "kept"
    TIGHTENED = "tightened"
    DROPPED = "dropped"


class SegmentEdit(Model):
    segment_id: str = Field(max_length=MAX_ID)
    action: SegmentEditAction
    original_s: float = Field(ge=0, le=MAX_TIMELINE_S)
    new_s: float = Field(ge=0, le=MAX_TIMELINE_S)


class ExportSettings(Model):
    container: str = Field(default="mp4", max_length=MAX_ID)
    video_codec: str = Field(default="h264", max_length=MAX_ID)
    audio_codec: str = Field(default="aac", max_length=MAX_ID)
    pixel_format: str = Field(default="yuv420p", max_length=MAX_ID)
    fps: int = Field(default=30, gt=0, le=MAX_FPS)
    video_bitrate_kbps: int = Field(gt=0, le=MAX_BITRATE_KBPS)
    audio_bitrate_kbps: int = Field(default=128, gt=0, le=MAX_BITRATE_KBPS)
    audio_sample_rate: int = Field(default=48000, gt=0, le=384_000)


class PlatformCut(Model):
    platform: str = Field(max_length=MAX_ID)
    resolution: Resolution
    aspect: str = Field(max_length=MAX_ID, description="e.g. '9:16'.")
    fps: int = Field(gt=0, le=MAX_FPS)
    duration_s: float = Field(gt=0, le=MAX_VIDEO_S)
    hook_end_s: float = Field(ge=0, le=MAX_TIMELINE_S)
    edits: list[SegmentEdit] = Field(max_length=MAX_SEGMENTS)
    kept_segments: list[Annotated[str, Field(max_length=MAX_ID)]] = Field(max_length=MAX_SEGMENTS)
    trimmed_segments: list[Annotated[str, Field(max_length=MAX_ID)]] = Field(
        max_length=MAX_SEGMENTS, description="Segments tightened or dropped."
    )
    segments: list[TimedSegment] = Field(
        max_length=MAX_SEGMENTS, description="Kept segments, re-timed for this cut."
    )
    shots: list[TimedShot] = Field(
        max_length=MAX_SHOTS, description="Kept shots, re-timed for this cut."
    )
    caption_safe_zone: SafeZone
    caption_box: Box
    captions: list[CaptionCue] = Field(max_length=MAX_CUES)
    title: str = Field(max_length=MAX_SHORT)
    description: str = Field(max_length=MAX_TEXT)
    hashtags: list[Annotated[str, Field(max_length=MAX_SHORT)]] = Field(max_length=MAX_ITEMS)
    export: ExportSettings


# ---------------------------------------------------------------- quality and package


class GateResult(Model):
    gate: str = Field(max_length=MAX_ID, description="Gate id, e.g. 'caption_line_length'.")
    scope: str = Field(max_length=MAX_ID, description="'package' or a platform id.")
    value: float
    limit: str = Field(
        max_length=MAX_SHORT, description="The limit as people read it, e.g. '<= 42'."
    )
    unit: str = Field(max_length=MAX_ID)
    passed: bool
    detail: str = Field(default="", max_length=MAX_TEXT)


class QualityReport(Model):
    passed: bool
    gates: list[GateResult] = Field(max_length=MAX_NODES * 10)

    def failures(self) -> list[GateResult]:
        return [gate for gate in self.gates if not gate.passed]


class NodeTiming(Model):
    id: str = Field(max_length=MAX_ID)
    level: int = Field(ge=0, le=MAX_NODES)
    status: str = Field(max_length=MAX_ID)
    attempts: int = Field(default=0, ge=0, le=1000)
    started_ms: float | None = Field(default=None, description="Since the run started.")
    ended_ms: float | None = None
    duration_ms: float | None = None


class RunPlan(Model):
    """The DAG that made the package: levels and per-node timings of the run."""

    workflow: str = Field(max_length=MAX_SHORT)
    mode: str = Field(max_length=MAX_ID)
    levels: list[
        Annotated[list[Annotated[str, Field(max_length=MAX_ID)]], Field(max_length=MAX_NODES)]
    ] = Field(max_length=MAX_NODES)
    nodes: list[NodeTiming] = Field(max_length=MAX_NODES)
    critical_path: list[Annotated[str, Field(max_length=MAX_ID)]] = Field(max_length=MAX_NODES)
    makespan_ms: float


class ShotMedia(Model):
    """Where one shot's picture came from, with what it may be used under and what it cost."""

    shot_id: str = Field(max_length=MAX_ID)
    source: Literal["media", "pexels", "pixabay", "fal", "card"] = Field(
        description="media: the creator's --media folder; pexels/pixabay: stock; fal: an AI "
        "keyframe; card: the drawn animatic card."
    )
    kind: Literal["still", "clip"] = "still"
    file: str | None = Field(
        default=None, max_length=MAX_SHORT, description="The file, relative to its folder."
    )
    id: str | None = Field(
        default=None, max_length=MAX_SHORT, description="The service's id for the item."
    )
    url: str | None = Field(
        default=None, max_length=MAX_SHORT, description="The item's page at the service."
    )
    licence: str = Field(max_length=MAX_SHORT, description="What it may be used under.")
    attribution: str | None = Field(
        default=None, max_length=MAX_SHORT, description="Credit line, where asked."
    )
    cost_usd: float = Field(default=0.0, ge=0)


class RenderedPlatform(Model):
    """One platform's preview as probed; files are relative to the package folder."""

    platform: str = Field(max_length=MAX_ID)
    seconds: float = Field(ge=0, description="Wall time this platform's preview took.")
    duration_s: float = Field(ge=0)
    width: int = Field(gt=0, le=MAX_PIXELS)
    height: int = Field(gt=0, le=MAX_PIXELS)
    fps: float = Field(gt=0, le=MAX_FPS)
    voice: bool = Field(
        description="True with a voice-over (Piper or espeak-ng), False when silent."
    )
    warnings: list[Annotated[str, Field(max_length=MAX_TEXT)]] = Field(
        default_factory=list, max_length=MAX_ITEMS
    )
    preview: str = Field(max_length=MAX_SHORT, description='e.g. "tiktok/preview.mp4"')
    contact: str = Field(max_length=MAX_SHORT, description='e.g. "tiktok/contact.png"')
    final: str | None = Field(
        default=None, max_length=MAX_SHORT, description='With a model: "tiktok/final.mp4".'
    )
    voice_name: str | None = Field(
        default=None, max_length=MAX_SHORT, description='e.g. "piper:en_US-joe-medium".'
    )
    word_timing: str | None = Field(
        default=None,
        max_length=MAX_ID,
        description='Word times "aligned" by the voice, or "estimated".',
    )
    captions_ass: str | None = Field(
        default=None,
        max_length=MAX_SHORT,
        description='Word-level captions, e.g. "tiktok/captions.ass".',
    )
    caption_style: str | None = Field(default=None, max_length=MAX_ID)
    music: str | None = Field(
        default=None, max_length=MAX_SHORT, description="The music bed's file name, if any."
    )
    # Measurements may be -inf (silence); the models' no-inf rule is for what callers send.
    loudness_lufs: float | None = Field(
        default=None, allow_inf_nan=True, description="Integrated, as measured."
    )
    true_peak_dbtp: float | None = Field(
        default=None, allow_inf_nan=True, description="True peak, as measured."
    )
    shots: list[ShotMedia] = Field(
        default_factory=list,
        max_length=MAX_SHOTS,
        description="Per shot, where its picture came from.",
    )


class RenderedClips(Model):
    """The fal.ai run behind the final videos: model, estimated and actual cost, clips."""

    model_id: str = Field(max_length=MAX_ID)
    estimated_usd: float = Field(ge=0)
    actual_usd: float = Field(ge=0)
    made: int = Field(ge=0, le=1_000_000, description="Clips asked of fal in this run.")
    reused: int = Field(
        ge=0, le=1_000_000, description="Clips found from an earlier run (not paid again)."
    )


class RenderSummary(Model):
    """What the render node made, recorded in package.json (paths relative to the package)."""

    full_res: bool
    platforms: list[RenderedPlatform] = Field(max_length=MAX_PLATFORMS)
    seconds: float = Field(ge=0, description="Wall time of the whole render.")
    clips: RenderedClips | None = None
    reports: list[Annotated[str, Field(max_length=MAX_SHORT)]] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description='Reports beside the videos, e.g. "render.json".',
    )
    # Where the files are while the producer keeps them (its render work folder); never
    # serialised, so package.json stays the same from one run to the next.
    _folder: Path | None = PrivateAttr(default=None)

    @property
    def folder(self) -> Path | None:
        return self._folder

    def at(self, folder: Path | None) -> RenderSummary:
        """This summary, knowing the folder its files are in (returns self)."""
        self._folder = folder
        return self

    def files(self) -> list[str]:
        """Every file the render made, relative to the package folder."""
        out: list[str] = []
        for item in self.platforms:
            out += [item.preview, item.contact] + ([item.final] if item.final else [])
            out += [item.captions_ass] if item.captions_ass else []
        return out + self.reports


class VideoPackage(Model):
    version: str = Field(default="1", max_length=MAX_ID)
    brief: Brief
    script: Script
    storyboard: Storyboard
    timing: TimingPlan
    cuts: list[PlatformCut] = Field(min_length=1, max_length=MAX_PLATFORMS)
    quality: QualityReport
    plan: RunPlan | None = None
    engine: dict[str, Any] = Field(
        default_factory=dict, description="Engine id/version and template library version."
    )
    render: RenderSummary | None = Field(
        default=None, description="The rendered videos, when the request asked for them."
    )

    @field_validator("engine")
    @classmethod
    def _small_engine_info(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(value) > MAX_METADATA_KEYS or _depth(value) > MAX_METADATA_DEPTH:
            raise ValueError(
                f"at most {MAX_METADATA_KEYS} keys, nested at most {MAX_METADATA_DEPTH} deep"
            )
        return value

    def cut(self, platform: str) -> PlatformCut:
        for cut in self.cuts:
            if cut.platform == platform:
                return cut
        raise KeyError(platform)


# ---------------------------------------------------------------- a creator's own script
# words-offline: `vidgen make --script`, `vidgen render DIR` and the A2A `script` field.


class SourceSegment(Model):
    """One beat of a creator's script; its narration is used exactly as written."""

    narration: str = Field(min_length=1, max_length=MAX_TEXT)
    type: SegmentType | None = Field(
        default=None,
        description="hook, intro, point, ... (default: the first segment is the hook, the last "
        "the call to action, the rest points).",
    )
    heading: str | None = Field(
        default=None, max_length=MAX_SHORT, description="The heading the creator gave it."
    )
    on_screen_text: str | None = Field(
        default=None,
        max_length=MAX_SHORT,
        description="Text shown over the picture (default: a body segment's heading).",
    )
    id: str | None = Field(
        default=None,
        max_length=MAX_ID,
        pattern=r"^seg-[0-9]{2,3}$",
        description="Keep this id (a re-render of an edited package); default: by position.",
    )
    key_point: str | None = Field(default=None, max_length=MAX_SHORT)
    draft_lines: list[Annotated[str, Field(max_length=MAX_TEXT)]] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Lines still the offline draft's (a re-render keeps marking them).",
    )


class ScriptSource(Model):
    """A creator's script: the words the video speaks, untouched; vidgen times and cuts it."""

    segments: list[SourceSegment] = Field(min_length=2, max_length=MAX_SEGMENTS)
    title: str | None = Field(default=None, max_length=MAX_SHORT)
    call_to_action: str | None = Field(
        default=None,
        max_length=MAX_SHORT,
        description="The call to action as a phrase (default: the last segment's narration).",
    )
    hashtags: list[Annotated[str, Field(max_length=MAX_SHORT)]] | None = Field(
        default=None, max_length=MAX_ITEMS
    )

    @model_validator(mode="after")
    def _hook_first_cta_last(self) -> ScriptSource:
        # The gates and the cuts rely on this shape: the hook opens, the call to action closes.
        first, last = self.segments[0].type, self.segments[-1].type
        if first not in (None, SegmentType.HOOK):
            raise ValueError(f"the first segment opens the video: type hook, not {first}")
        if last not in (None, SegmentType.CTA):
            raise ValueError(f"the last segment closes the video: type cta, not {last}")
        for segment in self.segments[1:-1]:
            if segment.type in (SegmentType.HOOK, SegmentType.CTA):
                raise ValueError("only the first segment is the hook and the last the cta")
        ids = [s.id for s in self.segments if s.id]
        if len(set(ids)) != len(ids):
            raise ValueError("each segment id may appear once")
        return self


# ---------------------------------------------------------------- skill inputs


class ScriptRequest(Model):
    """script_writer.write_script input."""

    brief: Brief
    # words-offline: a creator's script is timed and paced as written, never rewritten
    source: ScriptSource | None = None


class StoryboardRequest(Model):
    """scene_designer.design_storyboard input."""

    brief: Brief
    script: Script


class TimingRequest(Model):
    """timing_coordinator.plan_timing input."""

    brief: Brief
    script: Script


class CutRequest(Model):
    """platform_adapter.adapt_cut input: one platform's cut from the shared plan."""

    platform: str = Field(max_length=MAX_ID)
    brief: Brief
    script: Script
    storyboard: Storyboard
    timing: TimingPlan

"""Domain models that cross agent boundaries: brief, script, storyboard, timing, cuts, package."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator


class Model(BaseModel):
    """Base for every domain model: strict about unknown fields so typos surface early."""

    model_config = ConfigDict(extra="forbid")


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

    text: str = Field(description="The brief exactly as the user gave it.")
    topic: str = Field(min_length=1)
    audience: str = Field(description="Who the video is for, e.g. 'busy parents'.")
    tone: Tone
    style: Style
    platforms: list[str] = Field(min_length=1, description="Platform ids from the registry.")
    duration_s: float = Field(gt=0, description="Target length in seconds.")
    language: str = Field(default="en", description="BCP-47 language code.")
    key_points: list[str] = Field(default_factory=list)
    call_to_action: str | None = None
    assumed: list[str] = Field(
        default_factory=list, description="Fields filled with defaults, not read from the brief."
    )


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
    text: str
    pattern: str = Field(description="Hook pattern id from the template library, e.g. 'question'.")
    template_id: str | None = None


class Segment(Model):
    """One beat of the script; shot_count fixes how many shots it is cut into (pacing)."""

    id: str = Field(description="Stable id, e.g. 'seg-01'.")
    type: SegmentType
    narration: str
    on_screen_text: str = ""
    word_count: int = Field(ge=0)
    estimated_s: float = Field(ge=0)
    shot_count: int = Field(ge=1, description="Shots this segment is cut into.")
    optional: bool = Field(default=False, description="May be dropped to fit a short platform.")
    key_point: str | None = Field(default=None, description="The brief's key point it covers.")


class Script(Model):
    title: str
    language: str = "en"
    hook: Hook
    segments: list[Segment] = Field(min_length=1)
    call_to_action: str
    hashtags: list[str] = Field(default_factory=list)
    words_per_minute: float = Field(gt=0)
    total_words: int = Field(ge=0)
    estimated_s: float = Field(ge=0)
    template_ids: list[str] = Field(default_factory=list, description="Templates used.")


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

    prompt: str
    motion_prompt: str
    negative_prompt: str


class Shot(Model):
    id: str = Field(description="Stable id, e.g. 'seg-02-sh1'; matches TimedShot.shot_id.")
    segment_id: str
    type: ShotType
    camera_movement: CameraMovement
    composition: str = Field(description="Composition id, e.g. 'rule_of_thirds'.")
    subject: str
    visual_description: str
    on_screen_text: str = ""
    transition: Transition = Field(description="Transition into the next shot.")
    mood: str
    palette: list[str] = Field(min_length=1, description="Hex colours, e.g. '#ffb703'.")
    prompts: GenerationPrompts
    search_terms: list[str] = Field(
        default_factory=list, description="Stock-footage search phrases for this shot."
    )


class Scene(Model):
    id: str = Field(description="e.g. 'scene-01'.")
    segment_id: str
    title: str
    mood: str
    palette: list[str] = Field(min_length=1)
    shots: list[Shot] = Field(min_length=1)


class Storyboard(Model):
    title: str
    style: Style
    scenes: list[Scene] = Field(min_length=1)

    def shots(self) -> list[Shot]:
        return [shot for scene in self.scenes for shot in scene.shots]


# ---------------------------------------------------------------- timing


class TimedSegment(Model):
    segment_id: str
    start_s: float = Field(ge=0)
    end_s: float = Field(ge=0)


class TimedShot(Model):
    shot_id: str
    segment_id: str
    start_s: float = Field(ge=0)
    end_s: float = Field(ge=0)


class CaptionCue(Model):
    index: int = Field(ge=1)
    start_s: float = Field(ge=0)
    end_s: float = Field(ge=0)
    lines: list[str] = Field(min_length=1, max_length=2)
    segment_id: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


class BeatGrid(Model):
    bpm: float = Field(gt=0)
    offset_s: float = Field(default=0.0, ge=0)
    beats_s: list[float] = Field(default_factory=list)


class TimingPlan(Model):
    words_per_minute: float = Field(gt=0)
    pause_s: float = Field(ge=0, description="Pause after each segment's narration.")
    segments: list[TimedSegment]
    shots: list[TimedShot]
    captions: list[CaptionCue]
    beat_grid: BeatGrid
    total_s: float = Field(ge=0)


# ---------------------------------------------------------------- platform cut


class Resolution(Model):
    width: int = Field(gt=0)
    height: int = Field(gt=0)


class SafeZone(Model):
    """Margins in pixels that captions must stay inside of, and the box that results."""

    top: int = Field(ge=0)
    bottom: int = Field(ge=0)
    left: int = Field(ge=0)
    right: int = Field(ge=0)


class Box(Model):
    x: int = Field(ge=0)
    y: int = Field(ge=0)
    width: int = Field(gt=0)
    height: int = Field(gt=0)


class SegmentEditAction(StrEnum):
    KEPT = "kept"
    TIGHTENED = "tightened"
    DROPPED = "dropped"


class SegmentEdit(Model):
    segment_id: str
    action: SegmentEditAction
    original_s: float = Field(ge=0)
    new_s: float = Field(ge=0)


class ExportSettings(Model):
    container: str = "mp4"
    video_codec: str = "h264"
    audio_codec: str = "aac"
    pixel_format: str = "yuv420p"
    fps: int = 30
    video_bitrate_kbps: int = Field(gt=0)
    audio_bitrate_kbps: int = 128
    audio_sample_rate: int = 48000


class PlatformCut(Model):
    platform: str
    resolution: Resolution
    aspect: str = Field(description="e.g. '9:16'.")
    fps: int
    duration_s: float = Field(gt=0)
    hook_end_s: float = Field(ge=0)
    edits: list[SegmentEdit]
    kept_segments: list[str]
    trimmed_segments: list[str] = Field(description="Segments tightened or dropped.")
    segments: list[TimedSegment] = Field(description="Kept segments, re-timed for this cut.")
    shots: list[TimedShot] = Field(description="Kept shots, re-timed for this cut.")
    caption_safe_zone: SafeZone
    caption_box: Box
    captions: list[CaptionCue]
    title: str
    description: str
    hashtags: list[str]
    export: ExportSettings


# ---------------------------------------------------------------- quality and package


class GateResult(Model):
    gate: str = Field(description="Gate id, e.g. 'caption_line_length'.")
    scope: str = Field(description="'package' or a platform id.")
    value: float
    limit: str = Field(description="The limit as people read it, e.g. '<= 42'.")
    unit: str
    passed: bool
    detail: str = ""


class QualityReport(Model):
    passed: bool
    gates: list[GateResult]

    def failures(self) -> list[GateResult]:
        return [gate for gate in self.gates if not gate.passed]


class NodeTiming(Model):
    id: str
    level: int
    status: str
    attempts: int = 0
    started_ms: float | None = Field(default=None, description="Since the run started.")
    ended_ms: float | None = None
    duration_ms: float | None = None


class RunPlan(Model):
    """The DAG that made the package: levels and per-node timings of the run."""

    workflow: str
    mode: str
    levels: list[list[str]]
    nodes: list[NodeTiming]
    critical_path: list[str]
    makespan_ms: float


class ShotMedia(Model):
    """Where one shot's picture came from, with what it may be used under and what it cost."""

    shot_id: str
    source: Literal["media", "pexels", "pixabay", "fal", "card"] = Field(
        description="media: the creator's --media folder; pexels/pixabay: stock; fal: an AI "
        "keyframe; card: the drawn animatic card."
    )
    kind: Literal["still", "clip"] = "still"
    file: str | None = Field(default=None, description="The file, relative to its folder.")
    id: str | None = Field(default=None, description="The service's id for the item.")
    url: str | None = Field(default=None, description="The item's page at the service.")
    licence: str = Field(description="What it may be used under.")
    attribution: str | None = Field(default=None, description="Credit line, where asked.")
    cost_usd: float = Field(default=0.0, ge=0)


class RenderedPlatform(Model):
    """One platform's preview as probed; files are relative to the package folder."""

    platform: str
    seconds: float = Field(ge=0, description="Wall time this platform's preview took.")
    duration_s: float = Field(ge=0)
    width: int = Field(gt=0)
    height: int = Field(gt=0)
    fps: float = Field(gt=0)
    voice: bool = Field(
        description="True with a voice-over (Piper or espeak-ng), False when silent."
    )
    warnings: list[str] = Field(default_factory=list)
    preview: str = Field(description='e.g. "tiktok/preview.mp4"')
    contact: str = Field(description='e.g. "tiktok/contact.png"')
    final: str | None = Field(default=None, description='With a model: "tiktok/final.mp4".')
    voice_name: str | None = Field(default=None, description='e.g. "piper:en_US-joe-medium".')
    word_timing: str | None = Field(
        default=None, description='Word times "aligned" by the voice, or "estimated".'
    )
    captions_ass: str | None = Field(
        default=None, description='Word-level captions, e.g. "tiktok/captions.ass".'
    )
    caption_style: str | None = None
    music: str | None = Field(default=None, description="The music bed's file name, if any.")
    loudness_lufs: float | None = Field(default=None, description="Integrated, as measured.")
    true_peak_dbtp: float | None = Field(default=None, description="True peak, as measured.")
    shots: list[ShotMedia] = Field(
        default_factory=list, description="Per shot, where its picture came from."
    )


class RenderedClips(Model):
    """The fal.ai run behind the final videos: model, estimated and actual cost, clips."""

    model_id: str
    estimated_usd: float = Field(ge=0)
    actual_usd: float = Field(ge=0)
    made: int = Field(ge=0, description="Clips asked of fal in this run.")
    reused: int = Field(ge=0, description="Clips found from an earlier run (not paid again).")


class RenderSummary(Model):
    """What the render node made, recorded in package.json (paths relative to the package)."""

    full_res: bool
    platforms: list[RenderedPlatform]
    seconds: float = Field(ge=0, description="Wall time of the whole render.")
    clips: RenderedClips | None = None
    reports: list[str] = Field(
        default_factory=list, description='Reports beside the videos, e.g. "render.json".'
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
    version: str = "1"
    brief: Brief
    script: Script
    storyboard: Storyboard
    timing: TimingPlan
    cuts: list[PlatformCut] = Field(min_length=1)
    quality: QualityReport
    plan: RunPlan | None = None
    engine: dict[str, Any] = Field(
        default_factory=dict, description="Engine id/version and template library version."
    )
    render: RenderSummary | None = Field(
        default=None, description="The rendered videos, when the request asked for them."
    )

    def cut(self, platform: str) -> PlatformCut:
        for cut in self.cuts:
            if cut.platform == platform:
                return cut
        raise KeyError(platform)

    def a2a_text_artifacts(self) -> dict[str, str]:
        """Each platform's captions as SRT text ("captions-tiktok.srt"), published over A2A."""
        # Imported here: the subtitle writer imports these models.
        from video_generator.package import to_srt

        return {f"captions-{cut.platform}.srt": to_srt(cut.captions) for cut in self.cuts}

    def a2a_file_artifacts(self) -> dict[str, Path]:
        """The rendered files by name ("tiktok/preview.mp4"), published over A2A as URLs."""
        if self.render is None or self.render.folder is None:
            return {}
        return {name: self.render.folder / name for name in self.render.files()}


# ---------------------------------------------------------------- skill inputs


class ScriptRequest(Model):
    """script_writer.write_script input."""

    brief: Brief


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

    platform: str
    brief: Brief
    script: Script
    storyboard: Storyboard
    timing: TimingPlan


class RenderRequest(Model):
    """How to render the package's videos: the offline preview, and AI clips with a model."""

    full_res: bool = Field(
        default=False, description="The platform's full resolution (default: a 540 px draft)."
    )
    model: str | None = Field(
        default=None,
        description="A fal.ai model id (e.g. kling-2.1-standard): also make final.mp4 from AI "
        "clips. Needs FAL_KEY where the orchestrator runs.",
    )
    budget_usd: float | None = Field(
        default=None, ge=0, description="Refuse the run when the clips' estimate is over this."
    )
    platforms: list[str] | None = Field(
        default=None,
        min_length=1,
        description="Render only these of the brief's platforms (default: every cut).",
    )
    voice: str | None = Field(
        default=None,
        max_length=200,
        description='A voice from `vidgen voices` (e.g. "joe", "espeak:en-us"); default: the '
        "best installed for the script's language (Piper first, then espeak-ng).",
    )
    caption_style: Literal["pop", "karaoke", "boxed", "cues"] = Field(
        default="pop",
        description="Word-level captions burned in (pop, karaoke, boxed), or the cue overlays.",
    )
    music: str | None = Field(
        default=None,
        max_length=4096,
        description="A music file, or a folder of them, where the renderer runs: a bed under "
        "the voice, ducked while it speaks.",
    )
    media: str | None = Field(
        default=None,
        max_length=4096,
        description="A folder of the creator's own images and clips, matched to shots.",
    )
    stock: bool = Field(
        default=True,
        description="Search Pexels/Pixabay for shots without media, when their keys are set.",
    )
    fit: Literal["cover", "contain"] = Field(
        default="cover",
        description="cover: media and stock fill the frame (cropped, centred); contain: shown "
        "whole, letterboxed over a blurred copy.",
    )
    keyframes: str | None = Field(
        default=None,
        description="AI keyframes for shots without media or stock: a fal text-to-image model "
        '("flux-schnell", "flux-dev"), or "none". Default: flux-schnell when the model is '
        "image-to-video (they are its start images), else none. Needs FAL_KEY.",
    )

    @field_validator("keyframes")
    @classmethod
    def _known_image_model(cls, value: str | None) -> str | None:
        if value is not None and value != "none":
            from video_generator.render.fal.errors import FalError
            from video_generator.render.fal.models import get_image_model

            try:
                get_image_model(value)
            except FalError as exc:
                raise ValueError(str(exc)) from None
        return value

    @field_validator("model")
    @classmethod
    def _known_model(cls, value: str | None) -> str | None:
        if value is not None:
            # Imported here: the renderer's package imports these models.
            from video_generator.render.fal.errors import FalError
            from video_generator.render.fal.models import get_model

            try:
                get_model(value)
            except FalError as exc:  # as a ValueError, it names the field like any bad input
                raise ValueError(str(exc)) from None
        return value


class VideoRequest(Model):
    """orchestrator.make_video input: the brief as the user wrote it, plus run switches."""

    brief: str = Field(min_length=1, description="The brief in plain words (<= 4,000 characters).")
    no_cache: bool = Field(default=False, description="Bypass every cache for this run.")
    render: RenderRequest | None = Field(
        default=None,
        description="Also render the videos (preview.mp4 per platform, final.mp4 with a model).",
    )
    platforms: list[str] | None = Field(
        default=None,
        min_length=1,
        description="Platform ids (or names) from the registry; when given, they win over "
        "the brief's.",
    )
    duration_s: float | None = Field(
        default=None, gt=0, description="Target length in seconds; wins over the brief's."
    )

    def may_cache(self) -> bool:
        """A whole package may be cached unless it carries rendered files (they are not)."""
        return self.render is None

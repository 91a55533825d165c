"""What a run asks for: VideoRequest (the orchestrator's input) and its RenderRequest.

They sit above the core: a request's fal model ids are checked against the render catalog.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from video_generator.core.limits import (
    MAX_ID,
    MAX_PLATFORMS,
    MAX_REQUEST_TEXT,
    MAX_TIMELINE_S,
    Model,
)
from video_generator.core.models import ScriptSource


class RenderRequest(Model):
    """How to render the package's videos: the offline preview, and AI clips with a model."""

    full_res: bool = Field(
        default=False, description="The platform's full resolution (default: a 540 px draft)."
    )
    model: str | None = Field(
        default=None,
        max_length=MAX_ID,
        description="A fal.ai model id (e.g. kling-2.1-standard): also make final.mp4 from AI "
        "clips. Needs FAL_KEY where the orchestrator runs.",
    )
    budget_usd: float | None = Field(
        default=None,
        ge=0,
        le=1_000_000,
        description="Refuse the run when the clips' estimate is over this.",
    )
    platforms: list[Annotated[str, Field(max_length=MAX_ID)]] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_PLATFORMS,
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
        max_length=MAX_ID,
        description="AI keyframes for shots without media or stock: a fal text-to-image model "
        '("flux-schnell", "flux-dev"), or "none". Default: flux-schnell when the model is '
        "image-to-video (they are its start images), else none. Needs FAL_KEY.",
    )

    @field_validator("keyframes")
    @classmethod
    def _known_image_model(cls, value: str | None) -> str | None:
        if value is not None and value != "none":
            # Imported on use: the render package is heavy and most requests name no model.
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
            # Imported on use: the render package is heavy and most requests name no model.
            from video_generator.render.fal.errors import FalError
            from video_generator.render.fal.models import get_model

            try:
                get_model(value)
            except FalError as exc:  # as a ValueError, it names the field like any bad input
                raise ValueError(str(exc)) from None
        return value


class VideoRequest(Model):
    """orchestrator.make_video input: the brief as the user wrote it, plus run switches."""

    brief: str = Field(
        min_length=1,
        max_length=MAX_REQUEST_TEXT,
        description="The brief in plain words (<= 4,000 characters).",
    )
    no_cache: bool = Field(default=False, description="Bypass every cache for this run.")
    render: RenderRequest | None = Field(
        default=None,
        description="Also render the videos (preview.mp4 per platform, final.mp4 with a model).",
    )
    platforms: list[Annotated[str, Field(max_length=MAX_ID)]] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_PLATFORMS,
        description="Platform ids (or names) from the registry; when given, they win over "
        "the brief's.",
    )
    duration_s: float | None = Field(
        default=None,
        gt=0,
        # Looser than any platform so the parser's message ("longer than every requested
        # platform allows ...") names the limits, rather than a bare bound.
        le=MAX_TIMELINE_S,
        description="Target length in seconds; wins over the brief's.",
    )
    # words-offline: bring your own script
    script: ScriptSource | None = Field(
        default=None,
        description="The creator's own script: the video speaks these words as written "
        "(docs/scripts.md). The brief then gives platforms, length and tone; without a length "
        "the script's spoken length is the target.",
    )

    def may_cache(self) -> bool:
        """A whole package may be cached unless it carries rendered files (they are not)."""
        return self.render is None

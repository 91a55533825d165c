"""What a render produced, per platform: files, size, duration, audio, time taken, warnings."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from video_generator.core.models import ShotMedia


class PlatformRender(BaseModel):
    """One platform's preview, as probed from the file written."""

    model_config = ConfigDict(extra="forbid")

    platform: str
    preview: Path = Field(description="out_dir/<platform>/preview.mp4")
    contact: Path = Field(description="out_dir/<platform>/contact.png: every shot on one sheet.")
    srt: Path = Field(description="out_dir/<platform>/captions.srt")
    seconds: float = Field(ge=0, description="Wall time this platform's render took.")
    width: int = Field(gt=0)
    height: int = Field(gt=0)
    fps: float = Field(gt=0)
    duration_s: float = Field(ge=0, description="Duration of the file, as probed.")
    has_audio: bool
    voice: bool = Field(description="True when the audio holds a voice-over.")
    full_res: bool
    warnings: list[str] = Field(default_factory=list)
    voice_name: str | None = Field(default=None, description='e.g. "piper:en_US-joe-medium".')
    word_timing: str | None = Field(
        default=None, description='"aligned" (from the voice) or "estimated" word times.'
    )
    captions_ass: Path | None = Field(default=None, description="Word-level captions (ASS).")
    caption_style: str = "pop"
    music: str | None = Field(default=None, description="The music bed's file, if any.")
    loudness_lufs: float | None = Field(default=None, description="Integrated, as measured.")
    true_peak_dbtp: float | None = Field(default=None, description="True peak, as measured.")
    shots: list[ShotMedia] = Field(default_factory=list, description="Each shot's picture.")


class RenderReport(BaseModel):
    """Every platform rendered by one call to render_package."""

    model_config = ConfigDict(extra="forbid")

    platforms: list[PlatformRender]
    seconds: float = Field(ge=0, description="Wall time of the whole render.")
    workers: int = Field(ge=1, description="Platforms rendered at once.")
    warnings: list[str] = Field(default_factory=list, description="Warnings of every platform.")

    def get(self, platform: str) -> PlatformRender:
        for item in self.platforms:
            if item.platform == platform:
                return item
        raise KeyError(platform)

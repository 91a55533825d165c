"""What a render produced, per platform: files, size, duration, audio, time taken, warnings."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


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
    voice: bool = Field(description="True when the audio holds an espeak-ng voice-over.")
    full_res: bool
    warnings: list[str] = Field(default_factory=list)


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

"""Frame geometry: a resolution, the safe-zone margins captions keep inside, a box."""

from __future__ import annotations

from pydantic import Field

from video_generator.core.limits import MAX_PIXELS, Model


class Resolution(Model):
    width: int = Field(gt=0, le=MAX_PIXELS)
    height: int = Field(gt=0, le=MAX_PIXELS)


class SafeZone(Model):
    """Margins in pixels that captions must stay inside of, and the box that results."""

    top: int = Field(ge=0, le=MAX_PIXELS)
    bottom: int = Field(ge=0, le=MAX_PIXELS)
    left: int = Field(ge=0, le=MAX_PIXELS)
    right: int = Field(ge=0, le=MAX_PIXELS)


class Box(Model):
    x: int = Field(ge=0, le=MAX_PIXELS)
    y: int = Field(ge=0, le=MAX_PIXELS)
    width: int = Field(gt=0, le=MAX_PIXELS)
    height: int = Field(gt=0, le=MAX_PIXELS)

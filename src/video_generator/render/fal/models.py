"""The fal.ai video model registry: one table of endpoints, durations, aspects, parameters, prices.

Facts from fal's model pages (https://fal.ai/models/<endpoint id>; prices move, check them
live). Every
decision about a model reads this table; there is no per-model branching anywhere else.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from video_generator.render.fal.errors import FalModelError

RESEARCH = "https://fal.ai/models"  # each model's page: <this>/<endpoint id>


class Mode(StrEnum):
    TEXT = "text-to-video"
    IMAGE = "image-to-video"


class Endpoint(BaseModel):
    """One fal endpoint of a model: its id, what it reads, the aspects it can make."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: Mode
    endpoint_id: str
    params: tuple[str, ...] = Field(description="Every input parameter the endpoint takes.")
    aspects: tuple[str, ...] = Field(
        default=(),
        description="Aspect ratios it can make; empty when the input image decides the aspect.",
    )


class FalModel(BaseModel):
    """A video model on fal: how to call it and what a second of it costs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="Our id, as given to --model.")
    name: str
    endpoints: tuple[Endpoint, ...] = Field(min_length=1)
    durations: tuple[int, ...] = Field(min_length=1, description="Allowed clip lengths, seconds.")
    duration_format: str = Field(description="How a duration is sent, e.g. '{}' or '{}s'.")
    resolution: str = Field(description="Output resolution as fal names it.")
    price_per_s: float = Field(gt=0, description="USD per second of clip, as we call it.")
    price_note: str = Field(description="fal's own wording of the price.")
    fixed: dict[str, Any] = Field(
        default_factory=dict,
        description="Parameters we always send (where the endpoint takes them).",
    )
    prompt_max_chars: int = 2500
    source: str = RESEARCH

    # -------------------------------------------------------------- lookups

    def endpoint(self, mode: Mode) -> Endpoint | None:
        for endpoint in self.endpoints:
            if endpoint.mode is mode:
                return endpoint
        return None

    @property
    def modes(self) -> tuple[Mode, ...]:
        return tuple(endpoint.mode for endpoint in self.endpoints)

    def snap(self, seconds: float) -> int:
        """The shortest allowed duration that covers `seconds` (the longest when none does)."""
        for allowed in sorted(self.durations):
            if allowed + 1e-6 >= seconds:
                return allowed
        return max(self.durations)

    def duration_value(self, seconds: int) -> str:
        return self.duration_format.format(seconds)

    def cost(self, billed_s: float) -> float:
        return round(billed_s * self.price_per_s, 4)


# Aspect ratios the platforms use, as width / height.
def aspect_value(aspect: str) -> float:
    width, _, height = aspect.partition(":")
    return float(width) / float(height)


def nearest_aspect(aspect: str, allowed: tuple[str, ...]) -> str:
    """The allowed aspect closest to `aspect` (by log ratio, so 4:5 -> 1:1 rather than 9:16)."""
    if not allowed or aspect in allowed:
        return aspect
    wanted = math.log(aspect_value(aspect))
    return min(allowed, key=lambda a: (abs(math.log(aspect_value(a)) - wanted), a))


_KLING_I2V = ("prompt", "image_url", "duration", "negative_prompt", "cfg_scale")
_KLING_T2V = ("prompt", "duration", "aspect_ratio", "negative_prompt", "cfg_scale")
_HAILUO_T2V = ("prompt", "duration", "prompt_optimizer", "resolution")
_HAILUO_I2V = ("prompt", "image_url", "duration", "prompt_optimizer", "resolution", "end_image_url")
_VEO = (
    "prompt",
    "aspect_ratio",
    "duration",
    "negative_prompt",
    "enhance_prompt",
    "seed",
    "auto_fix",
    "resolution",
    "generate_audio",
)
_VEO_ASPECTS = ("16:9", "9:16")

MODELS: dict[str, FalModel] = {
    m.id: m
    for m in (
        FalModel(
            id="kling-2.1-standard",
            name="Kling 2.1 Standard",
            endpoints=(
                Endpoint(
                    mode=Mode.IMAGE,
                    endpoint_id="fal-ai/kling-video/v2.1/standard/image-to-video",
                    params=_KLING_I2V,
                ),
            ),
            durations=(5, 10),
            duration_format="{}",
            resolution="720p",
            price_per_s=0.056,
            price_note="$0.28 per 5 s + $0.056 per extra second",
        ),
        FalModel(
            id="kling-2.1-pro",
            name="Kling 2.1 Pro",
            endpoints=(
                Endpoint(
                    mode=Mode.IMAGE,
                    endpoint_id="fal-ai/kling-video/v2.1/pro/image-to-video",
                    params=(*_KLING_I2V, "tail_image_url"),
                ),
            ),
            durations=(5, 10),
            duration_format="{}",
            resolution="1080p",
            price_per_s=0.098,
            price_note="$0.49 per 5 s + $0.098 per extra second",
        ),
        FalModel(
            id="kling-2.1-master",
            name="Kling 2.1 Master",
            endpoints=(
                Endpoint(
                    mode=Mode.TEXT,
                    endpoint_id="fal-ai/kling-video/v2.1/master/text-to-video",
                    params=_KLING_T2V,
                    aspects=("16:9", "9:16", "1:1"),
                ),
            ),
            durations=(5, 10),
            duration_format="{}",
            resolution="1080p",
            price_per_s=0.28,
            price_note="about $0.28 per second ($1.40 per 5 s)",
        ),
        FalModel(
            id="hailuo-02-standard",
            name="Hailuo 02 Standard",
            endpoints=(
                Endpoint(
                    mode=Mode.TEXT,
                    endpoint_id="fal-ai/minimax/hailuo-02/standard/text-to-video",
                    params=_HAILUO_T2V,
                    aspects=("16:9",),
                ),
                Endpoint(
                    mode=Mode.IMAGE,
                    endpoint_id="fal-ai/minimax/hailuo-02/standard/image-to-video",
                    params=_HAILUO_I2V,
                ),
            ),
            durations=(6, 10),
            duration_format="{}",
            resolution="768P",
            price_per_s=0.045,
            price_note="$0.045 per second at 768P",
            fixed={"prompt_optimizer": True, "resolution": "768P"},
        ),
        FalModel(
            id="hailuo-02-pro",
            name="Hailuo 02 Pro",
            endpoints=(
                Endpoint(
                    mode=Mode.TEXT,
                    endpoint_id="fal-ai/minimax/hailuo-02/pro/text-to-video",
                    params=("prompt", "duration", "prompt_optimizer"),
                    aspects=("16:9",),
                ),
                Endpoint(
                    mode=Mode.IMAGE,
                    endpoint_id="fal-ai/minimax/hailuo-02/pro/image-to-video",
                    params=("prompt", "image_url", "duration", "prompt_optimizer", "end_image_url"),
                ),
            ),
            durations=(6,),
            duration_format="{}",
            resolution="1080P",
            price_per_s=0.08,
            price_note="$0.08 per second at 1080P",
            fixed={"prompt_optimizer": True},
        ),
        FalModel(
            id="veo-3",
            name="Veo 3",
            endpoints=(
                Endpoint(
                    mode=Mode.TEXT, endpoint_id="fal-ai/veo3", params=_VEO, aspects=_VEO_ASPECTS
                ),
            ),
            durations=(4, 6, 8),
            duration_format="{}s",
            resolution="720p",
            price_per_s=0.20,
            price_note="$0.20 per second without audio ($0.40 with); we ask for no audio",
            # The package has its own voice-over: audio from the model would be paid and dropped.
            fixed={"generate_audio": False, "resolution": "720p"},
        ),
        FalModel(
            id="veo-3-fast",
            name="Veo 3 Fast",
            endpoints=(
                Endpoint(
                    mode=Mode.TEXT,
                    endpoint_id="fal-ai/veo3/fast",
                    params=_VEO,
                    aspects=_VEO_ASPECTS,
                ),
            ),
            durations=(4, 6, 8),
            duration_format="{}s",
            resolution="720p",
            price_per_s=0.10,
            price_note="$0.10 per second without audio ($0.15 with); we ask for no audio",
            fixed={"generate_audio": False, "resolution": "720p"},
        ),
    )
}


def get_model(model_id: str) -> FalModel:
    """The registry entry, or FalModelError listing the ids we know."""
    try:
        return MODELS[model_id]
    except KeyError:
        known = ", ".join(MODELS)
        raise FalModelError(
            f"unknown fal model '{model_id}': choose one of {known} (docs/fal.md compares them).",
            details={"model": model_id, "known": list(MODELS)},
        ) from None


def build_payload(
    model: FalModel,
    mode: Mode,
    *,
    prompt: str,
    duration_s: int,
    negative_prompt: str = "",
    aspect: str | None = None,
    image_url: str | None = None,
) -> dict[str, Any]:
    """The JSON body for one clip: the values we have, kept to the endpoint's parameters."""
    endpoint = model.endpoint(mode)
    if endpoint is None:
        raise FalModelError(f"{model.id} has no {mode.value} endpoint", details={"model": model.id})
    values: dict[str, Any] = {
        **model.fixed,
        "prompt": prompt[: model.prompt_max_chars],
        "duration": model.duration_value(duration_s),
        "negative_prompt": negative_prompt or None,
        "aspect_ratio": aspect,
        "image_url": image_url,
    }
    return {name: values[name] for name in endpoint.params if values.get(name) is not None}


# ---------------------------------------------------------------- text-to-image (keyframes)


class FalImageModel(BaseModel):
    """A text-to-image model on fal: a shot's keyframe, the start image of image-to-video."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="Our id, as given to --keyframes.")
    name: str
    endpoint_id: str
    params: tuple[str, ...]
    price_per_mp: float = Field(gt=0, description="USD per megapixel (rounded up per image).")
    price_note: str
    fixed: dict[str, Any] = Field(default_factory=dict)
    max_side: int = Field(default=1440, description="Longest side we ask for, in pixels.")
    source: str

    def size_for(self, width: int, height: int) -> tuple[int, int]:
        """The frame's aspect, max_side long, in multiples of 16 (what FLUX renders). The same
        for a draft and a full-size cut of one aspect, so one picture serves both."""
        scale = self.max_side / max(width, height)
        return max(16, round(width * scale / 16) * 16), max(16, round(height * scale / 16) * 16)

    def cost(self, width: int, height: int) -> float:
        return round(math.ceil(width * height / 1_000_000) * self.price_per_mp, 4)


_FLUX = (
    "prompt",
    "image_size",
    "num_inference_steps",
    "seed",
    "num_images",
    "enable_safety_checker",
    "output_format",
)

IMAGE_MODELS: dict[str, FalImageModel] = {
    m.id: m
    for m in (
        FalImageModel(
            id="flux-schnell",
            name="FLUX.1 [schnell]",
            endpoint_id="fal-ai/flux/schnell",
            params=_FLUX,
            price_per_mp=0.003,
            price_note="$0.003 per megapixel",
            fixed={
                "num_inference_steps": 4,
                "num_images": 1,
                "enable_safety_checker": True,
                "output_format": "png",
            },
            source="https://fal.ai/models/fal-ai/flux/schnell",
        ),
        FalImageModel(
            id="flux-dev",
            name="FLUX.1 [dev]",
            endpoint_id="fal-ai/flux/dev",
            params=_FLUX,
            price_per_mp=0.025,
            price_note="$0.025 per megapixel",
            fixed={
                "num_inference_steps": 28,
                "num_images": 1,
                "enable_safety_checker": True,
                "output_format": "png",
            },
            source="https://fal.ai/models/fal-ai/flux-1/dev",
        ),
    )
}
DEFAULT_KEYFRAME_MODEL = "flux-schnell"


def get_image_model(model_id: str) -> FalImageModel:
    try:
        return IMAGE_MODELS[model_id]
    except KeyError:
        known = ", ".join(IMAGE_MODELS)
        raise FalModelError(
            f"unknown fal image model '{model_id}': choose one of {known} (docs/fal.md).",
            details={"model": model_id, "known": list(IMAGE_MODELS)},
        ) from None


def image_payload(model: FalImageModel, prompt: str, width: int, height: int) -> dict[str, Any]:
    values = {
        **model.fixed,
        "prompt": prompt[:2000],
        "image_size": {"width": width, "height": height},
    }
    return {name: values[name] for name in model.params if values.get(name) is not None}

"""Keyframes: one text-to-image picture per shot and orientation (FLUX on fal.ai).

They replace the drawn cards as the shot's picture: in the preview (a still with motion) and
as the start image of image-to-video models. Each is paid for once: the picture is kept in
the paid folder under a hash of (model, prompt, size), and asking again reuses it at $0.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from video_generator.core.models import Shot
from video_generator.render.fal.models import FalImageModel, get_image_model, image_payload
from video_generator.render.fal.queue import FalQueueClient


@dataclass(frozen=True)
class Keyframe:
    shot_id: str
    path: Path
    request_id: str | None  # None: reused from an earlier run
    cost_usd: float  # what this run paid for it


def keyframe_prompt(shot: Shot) -> str:
    """The shot's own generation prompt, as a still (no camera move)."""
    prompt = shot.prompts.prompt.strip() or shot.visual_description
    return f"{prompt}. Still photograph, no text, no captions, no watermark."


def _key(model: FalImageModel, prompt: str, width: int, height: int) -> str:
    return hashlib.sha256(f"{model.id}|{width}x{height}|{prompt}".encode()).hexdigest()[:32]


def estimate_keyframes(model_id: str, wanted: list[tuple[Shot, int, int]]) -> float:
    """What make_keyframes would pay at most (every picture new)."""
    model = get_image_model(model_id)
    return round(sum(model.cost(*model.size_for(w, h)) for _shot, w, h in wanted), 4)


def _image_url(result: Any) -> str:
    images = result.get("images") if isinstance(result, dict) else None
    if not images or not isinstance(images[0], dict) or not images[0].get("url"):
        from video_generator.render.fal.errors import FalRequestError

        raise FalRequestError(f"fal.ai answered a keyframe without an image: {result!r:.200}")
    return str(images[0]["url"])


async def make_keyframes(
    model_id: str,
    wanted: list[tuple[Shot, int, int]],
    paid_dir: Path,
    *,
    client: FalQueueClient,
    max_concurrency: int = 4,
) -> dict[tuple[str, int, int], Keyframe]:
    """(shot id, width, height) -> its keyframe, made at that aspect (or found from before)."""
    model = get_image_model(model_id)
    folder = Path(paid_dir) / "keyframes"
    folder.mkdir(parents=True, exist_ok=True)
    gate = asyncio.Semaphore(max(1, max_concurrency))

    jobs: dict[Path, tuple[Shot, int, int, list[tuple[str, int, int]]]] = {}
    for shot, width, height in wanted:
        w, h = model.size_for(width, height)
        path = folder / f"{_key(model, keyframe_prompt(shot), w, h)}.png"
        # One picture per prompt and aspect, however many sizes or shots share it.
        jobs.setdefault(path, (shot, w, h, []))[3].append((shot.id, width, height))

    async def one(path: Path, shot: Shot, w: int, h: int) -> tuple[str | None, float]:
        if await asyncio.to_thread(path.is_file):
            return None, 0.0
        async with gate:
            payload = image_payload(model, keyframe_prompt(shot), w, h)
            handle = await client.submit(model.endpoint_id, payload)
            result = await client.wait(handle)
            await client.download(_image_url(result), path)
        return handle.request_id, model.cost(w, h)

    paths = list(jobs)
    made = await asyncio.gather(*(one(p, *jobs[p][:3]) for p in paths))
    out: dict[tuple[str, int, int], Keyframe] = {}
    for path, (request_id, cost) in zip(paths, made, strict=True):
        for n, key in enumerate(jobs[path][3]):
            # The cost is counted once, on the first shot that uses the picture.
            out[key] = Keyframe(key[0], path, request_id, cost if n == 0 else 0.0)
    return out

"""AI keyframes (FLUX on the fal stand-in): made at the frame's aspect, paid once, shown in the
preview and sent as the start images of image-to-video clips, under the --budget cap."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from a2a_mcp.errors import InvalidInputError
from fal_standin import KEY, KEYFRAME_COLOUR, FalStandIn
from fal_support import ClientFactory, small_package
from video_generator.render.fal.keyframes import estimate_keyframes, make_keyframes
from video_generator.render.fal.models import get_image_model
from video_generator.render.tools import ffmpeg_exe, run_tool
from video_generator.request import RenderRequest
from video_generator.settings import get_settings


async def test_one_keyframe_per_shot_and_aspect_paid_once(
    standin: FalStandIn, make_client: ClientFactory, tmp_path: Path
) -> None:
    shots = small_package(["tiktok"]).storyboard.shots()
    # The draft and the full-size vertical frame share one picture; landscape gets its own.
    wanted = [(shots[0], 540, 960), (shots[0], 1080, 1920), (shots[0], 960, 540)]
    made = await make_keyframes("flux-schnell", wanted, tmp_path, client=make_client())
    bodies = standin.bodies("submit")
    assert len(bodies) == 2
    sizes = sorted((b["image_size"]["width"], b["image_size"]["height"]) for b in bodies)
    assert sizes == [(816, 1440), (1440, 816)]
    assert all(
        b["num_inference_steps"] == 4 and shots[0].prompts.prompt in b["prompt"] for b in bodies
    )
    assert made[(shots[0].id, 540, 960)].path == made[(shots[0].id, 1080, 1920)].path
    total = sum(k.cost_usd for k in made.values())
    assert total == pytest.approx(estimate_keyframes("flux-schnell", wanted[::2]))
    assert total == pytest.approx(2 * get_image_model("flux-schnell").cost(816, 1440))
    with Image.open(made[(shots[0].id, 960, 540)].path) as image:
        assert image.convert("RGB").getpixel((5, 5)) == KEYFRAME_COLOUR
    again = await make_keyframes("flux-schnell", wanted, tmp_path, client=make_client())
    assert standin.count("submit") == 2  # all from the paid folder
    assert all(k.cost_usd == 0 and k.request_id is None for k in again.values())


@pytest.fixture
def fal_env(standin: FalStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("VG_FAL_QUEUE_URL", "VG_FAL_REST_URL", "VG_FAL_CDN_URL"):
        monkeypatch.setenv(name, standin.url)
    monkeypatch.setenv("VG_FAL_POLL_INTERVAL_S", "0.01")
    monkeypatch.setenv("FAL_KEY", KEY)
    for name in ("PEXELS_API_KEY", "PIXABAY_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()


async def test_keyframes_replace_the_cards_in_the_preview_and_as_start_images(
    standin: FalStandIn, fal_env: None, tmp_path: Path
) -> None:
    from video_generator.render import render_frames, render_package
    from video_generator.render.node import keyframe_model, render_options

    pkg = small_package(["tiktok"])
    request = RenderRequest(model="kling-2.1-standard", budget_usd=20)
    # An image-to-video model turns keyframes on (flux-schnell) unless asked otherwise.
    assert keyframe_model(request) == "flux-schnell"
    options = replace(render_options(request, get_settings()), paid_dir=tmp_path / "paid")
    report = await render_package(pkg, tmp_path / "out", options=options)
    item = report.get("tiktok")
    assert [s.source for s in item.shots] == ["fal"] * len(item.shots)
    assert all(s.cost_usd > 0 and s.id for s in item.shots)
    assert standin.count("submit") == len(item.shots)
    # The preview shows them (a still with motion, mid-shot).
    png = tmp_path / "frame.png"
    await run_tool(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-y",
            "-ss",
            "0.7",
            "-i",
            str(item.preview),
            "-frames:v",
            "1",
            str(png),
        ],
        step="frame",
        platform=None,
        timeout_s=60,
    )
    with Image.open(png) as image:
        pixel = image.convert("RGB").getpixel((image.width // 3, image.height // 3))
    assert all(abs(a - b) <= 40 for a, b in zip(pixel, KEYFRAME_COLOUR, strict=True)), pixel
    # The start images the render node hands to image-to-video (render_frames with the same
    # options) are the keyframes at full size, from the paid folder: nothing paid again.
    frames = await render_frames(pkg, tmp_path / "out", ["tiktok"], options)
    assert standin.count("submit") == len(item.shots)
    for path in frames.values():
        assert path.name.endswith(".keyframe.png")
        with Image.open(path) as image:
            assert image.size == (1080, 1920)
            assert image.convert("RGB").getpixel((540, 600)) == KEYFRAME_COLOUR


async def test_the_budget_counts_the_keyframes_before_anything_is_sent(
    standin: FalStandIn, fal_env: None, tmp_path: Path
) -> None:
    from video_generator.render.fal import estimate_cost
    from video_generator.render.node import estimate_keyframes_usd, render_video

    pkg = small_package(["tiktok"])
    clips = estimate_cost(pkg, "kling-2.1-standard", ["tiktok"], assume_frames=True).total_usd
    request = RenderRequest(model="kling-2.1-standard", budget_usd=clips)
    assert estimate_keyframes_usd(pkg, request, ["tiktok"]) > 0
    with pytest.raises(InvalidInputError) as caught:
        await render_video(pkg, request, tmp_path / "renders" / "t", settings=get_settings())
    assert "keyframes" in str(caught.value) and caught.value.details["field"] == "render.budget_usd"
    assert standin.count("submit") == 0
    # Without keyframes the clips alone fit the same budget.
    plain = RenderRequest(model="kling-2.1-standard", budget_usd=clips, keyframes="none")
    assert estimate_keyframes_usd(pkg, plain, ["tiktok"]) == 0

"""The creator's own media: matched to shots by name, folder and tags; seen in the frames."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from render_support import tiny_package

from video_generator.core.models import Shot
from video_generator.render import render_package
from video_generator.render.media import match_media, scan_media, words_of
from video_generator.render.options import RenderOptions
from video_generator.render.spans import FPS, build_timeline
from video_generator.render.tools import ffmpeg_exe, run_tool
from video_generator.settings import Settings

RED, BLUE = (220, 20, 30), (20, 40, 220)


def _shot(shot_id: str, subject: str, terms: list[str]) -> Shot:
    shot = tiny_package(["tiktok"]).storyboard.shots()[0].model_copy()
    return shot.model_copy(update={"id": shot_id, "subject": subject, "search_terms": terms})


def test_words_come_from_names_folders_and_tags(tmp_path: Path) -> None:
    (tmp_path / "kitchen").mkdir()
    Image.new("RGB", (64, 64)).save(tmp_path / "kitchen" / "coldBrew_jars-2.jpg")
    (tmp_path / "notes.txt").write_text("not media")
    (tmp_path / "tags.txt").write_text("kitchen/coldBrew_jars-2.jpg: morning, Busy parents\n")
    [item] = scan_media(tmp_path)
    assert item.kind == "still" and item.relative == "kitchen/coldBrew_jars-2.jpg"
    assert item.words == {"kitchen", "cold", "brew", "jar", "morning", "busy", "parent"}
    assert words_of("The Parents") == {"parent"}


def test_each_item_is_used_once_before_any_repeats(tmp_path: Path) -> None:
    for name in ("beach.png", "coffee.png"):
        Image.new("RGB", (8, 8)).save(tmp_path / name)
    (tmp_path / "tags.json").write_text(json.dumps({"coffee.png": ["cold brew"]}))
    items = scan_media(tmp_path)
    shots = [
        _shot("a", "a glass of cold brew", ["cold brew"]),
        _shot("b", "more cold brew", ["cold brew"]),
        _shot("c", "cold brew again", ["coffee"]),
    ]
    chosen = match_media(shots, items)
    assert chosen["a"].relative == "coffee.png"  # the best match
    assert chosen["b"].relative == "beach.png"  # coffee is used: the unused one comes first
    assert chosen["c"].relative == "coffee.png"  # all used once: the best match again


async def _pixel(
    video: Path, seconds: float, tmp_path: Path, at: tuple[float, float] = (1 / 3, 1 / 3)
) -> tuple[int, int, int]:
    """The colour at a point of the frame (default: a third across and down, clear of the
    captions)."""
    png = tmp_path / f"frame-{seconds:.2f}.png"
    await run_tool(
        [
            *(ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error"),
            *("-ss", f"{seconds:.3f}", "-i", str(video), "-frames:v", "1", str(png)),
        ],
        step="frame",
        platform=None,
        timeout_s=60,
    )
    with Image.open(png) as image:
        return image.convert("RGB").getpixel((int(image.width * at[0]), int(image.height * at[1])))


def _near(colour: tuple[int, int, int], wanted: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 40 for a, b in zip(colour, wanted, strict=True))


async def test_a_solid_colour_image_and_a_clip_show_up_in_their_shots(tmp_path: Path) -> None:
    pkg = tiny_package(["tiktok"])
    first, second, third = pkg.storyboard.shots()
    media = tmp_path / "media"
    media.mkdir()
    # Named after the first shot's subject: a landscape photo, cropped to the vertical frame.
    Image.new("RGB", (1600, 900), RED).save(media / f"{first.subject.replace(' ', '-')}.png")
    # A 1 s blue clip (shorter than its shot: it loops), tagged with the third shot's subject.
    await run_tool(
        [
            *(ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error"),
            *("-f", "lavfi", "-i", "color=c=0x1428dc:s=640x360:d=1:r=30"),
            *("-pix_fmt", "yuv420p", str(media / "clip01.mp4")),
        ],
        step="make clip",
        platform=None,
        timeout_s=60,
    )
    (media / "tags.txt").write_text(f"clip01.mp4: {third.subject}\n")
    out = tmp_path / "out"
    report = await render_package(pkg, out, options=RenderOptions(media=media))
    item = report.get("tiktok")
    by_shot = {record.shot_id: record for record in item.shots}
    assert by_shot[first.id].source == "media" and by_shot[first.id].kind == "still"
    assert by_shot[third.id].file == "clip01.mp4" and by_shot[third.id].kind == "clip"
    assert all(record.licence for record in item.shots)

    timeline = build_timeline(pkg, pkg.cut("tiktok"), item.width, item.height)
    spans = {span.shot.id: span for span in timeline.shots}

    def middle(shot_id: str) -> float:
        span = spans[shot_id]
        return (span.first + span.frames / 2) / FPS

    assert _near(await _pixel(item.preview, middle(first.id), tmp_path), RED)
    # Past the clip's own second: it plays again rather than freezing or going black.
    assert _near(await _pixel(item.preview, spans[third.id].first / FPS + 1.6, tmp_path), BLUE)
    # The shot between them took the remaining (unused) item or, with none left, a repeat.
    assert by_shot[second.id].source == "media"


@pytest.mark.parametrize("flag", ["render.media", "render.music"])
async def test_the_render_node_refuses_a_folder_that_is_not_there(
    tmp_path: Path, flag: str
) -> None:
    from a2a_mcp.errors import InvalidInputError
    from video_generator.render.node import render_options
    from video_generator.request import RenderRequest

    field = flag.split(".")[1]
    with pytest.raises(InvalidInputError) as caught:
        render_options(RenderRequest(**{field: str(tmp_path / "missing")}), Settings())
    assert caught.value.details["field"] == flag


async def test_unreadable_media_is_left_out_with_a_warning(tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    Image.new("RGB", (300, 300), BLUE).save(media / "good.png")
    (media / "broken.jpg").write_bytes(b"not a jpeg at all")
    (media / "notes.mp4").write_text("not a video either")
    pkg = tiny_package(["tiktok"])
    report = await render_package(pkg, tmp_path / "out", options=RenderOptions(media=media))
    item = report.get("tiktok")
    assert {r.file for r in item.shots} == {"good.png"}
    assert sum("could not be read" in w for w in item.warnings) == 2
    assert any("broken.jpg" in w for w in item.warnings)


def test_a_served_renderer_reads_media_only_from_its_roots(tmp_path: Path) -> None:
    from a2a_mcp.errors import InvalidInputError
    from video_generator.render.node import render_options
    from video_generator.request import RenderRequest

    allowed, other = tmp_path / "allowed", tmp_path / "private"
    (allowed / "media").mkdir(parents=True)
    other.mkdir()
    served = Settings(render_media_roots=str(allowed))  # VG_RENDER_MEDIA_ROOTS
    assert render_options(RenderRequest(media=str(allowed / "media")), served).media is not None
    with pytest.raises(InvalidInputError) as caught:
        escape = RenderRequest(media=str(allowed / "media" / ".." / ".." / "private"))
        render_options(escape, served)
    assert "VG_RENDER_MEDIA_ROOTS" in str(caught.value)


async def test_contain_shows_the_whole_photo_over_a_blur(tmp_path: Path) -> None:
    from video_generator.render.media import fit_still

    photo = tmp_path / "wide.png"
    image = Image.new("RGB", (1600, 400), RED)
    image.paste(BLUE, (0, 0, 200, 400))  # a blue band at the left edge, cropped by cover
    image.save(photo)
    cover = fit_still(photo, 540, 960, tmp_path / "cover.png")
    contain = fit_still(photo, 540, 960, tmp_path / "contain.png", "contain")
    with Image.open(cover) as a, Image.open(contain) as b:
        assert a.size == b.size == (540, 960)
        assert _near(a.getpixel((5, 480)), RED)  # cover: the blue edge is cropped away
        assert _near(b.getpixel((5, 480)), BLUE)  # contain: the whole photo, edge to edge
        # Above and below the photo: its blurred, cropped copy (red), not black bars.
        assert _near(b.getpixel((5, 20)), RED) and _near(b.getpixel((270, 940)), RED)


async def test_contain_letterboxes_a_clip_over_its_blur(tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    await run_tool(
        [
            *(ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error"),
            *("-f", "lavfi", "-i", "color=c=0x1428dc:s=640x360:d=1:r=30"),
            # A red band down the left edge: cover would crop it away.
            *("-vf", "drawbox=x=0:y=0:w=80:h=360:color=0xdc141e:t=fill"),
            *("-pix_fmt", "yuv420p", str(media / "wide.mp4")),
        ],
        step="make clip",
        platform=None,
        timeout_s=60,
    )
    pkg = tiny_package(["tiktok"])
    options = RenderOptions(media=media, fit="contain", caption_style="cues")
    report = await render_package(pkg, tmp_path / "out", options=options)
    item = report.get("tiktok")
    # The whole 16:9 clip across the middle of the 9:16 frame, its red edge included; above
    # it, its blurred (cropped, so blue) copy instead of a black bar.
    assert _near(await _pixel(item.preview, 0.5, tmp_path, (0.03, 0.5)), RED)
    assert _near(await _pixel(item.preview, 0.5, tmp_path, (0.5, 0.5)), BLUE)
    assert _near(await _pixel(item.preview, 0.5, tmp_path, (0.5, 0.1)), BLUE)

"""The offline preview: probed duration, size, fps and audio; contact sheet; render.json."""

from __future__ import annotations

import asyncio
from pathlib import Path

import orjson
import pytest
from PIL import Image
from render_support import tiny_package

from video_generator.app.runtime import build_orchestrator
from video_generator.core.models import VideoPackage
from video_generator.output.package import write_package
from video_generator.render import RenderReport, render_package
from video_generator.render.frames import contact_size
from video_generator.render.mix import mix_audio
from video_generator.render.probe import loudness, probe
from video_generator.render.spans import build_timeline, draft_size
from video_generator.render.tools import espeak_exe
from video_generator.render.voice import build_voice_track
from video_generator.request import VideoRequest

MINUTE_BRIEF = "a 60 second YouTube Short explaining compound interest to teenagers"
needs_espeak = pytest.mark.skipif(espeak_exe() is None, reason="espeak-ng is not installed")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[VideoPackage, Path, RenderReport]:
    """Both platforms of the tiny package rendered once, in a folder the package writer made."""
    pkg = tiny_package(["tiktok", "youtube"])
    out = tmp_path_factory.mktemp("render") / "pkg"
    write_package(pkg, out)
    events: list[tuple[float, str]] = []

    async def progress(fraction: float, message: str = "", data: dict | None = None) -> None:
        events.append((fraction, message))

    report = asyncio.run(render_package(pkg, out, on_progress=progress))
    assert events and events[-1][0] == pytest.approx(1.0)
    assert all(0 <= f <= 1 for f, _ in events)
    return pkg, out, report


@pytest.mark.parametrize(("platform", "size"), [("tiktok", (540, 960)), ("youtube", (960, 540))])
async def test_preview_has_the_cuts_duration_size_fps_and_audio(
    rendered: tuple[VideoPackage, Path, RenderReport], platform: str, size: tuple[int, int]
) -> None:
    pkg, out, report = rendered
    info = await probe(out / platform / "preview.mp4")
    assert abs(info.duration_s - pkg.cut(platform).duration_s) <= 0.1
    assert (info.width, info.height) == size
    assert info.fps == 30
    assert info.video_codec == "h264"
    assert info.audio_codec == "aac" and info.audio_rate == 48000
    item = report.get(platform)
    assert (item.width, item.height) == size and item.has_audio and not item.full_res
    assert item.seconds > 0


def test_voice_over_when_a_voice_is_installed(
    rendered: tuple[VideoPackage, Path, RenderReport],
) -> None:
    _, _, report = rendered
    assert all(item.voice for item in report.platforms)
    assert report.warnings == []


async def test_voice_over_is_levelled_to_minus_14_lufs(
    rendered: tuple[VideoPackage, Path, RenderReport],
) -> None:
    _, out, report = rendered
    level = await loudness(out / "tiktok" / "preview.mp4")
    assert abs(level.integrated_lufs - -14) <= 1.0
    assert level.true_peak_dbtp <= -1.0
    assert report.get("tiktok").loudness_lufs == pytest.approx(level.integrated_lufs, abs=0.05)


@needs_espeak
async def test_a_long_espeak_voice_over_reaches_the_target_too(tmp_path: Path) -> None:
    # A minute of narration has peaks far above its loudness, unlike the tiny package's.
    pkg = await build_orchestrator().run("make_video", VideoRequest(brief=MINUTE_BRIEF))
    cut = pkg.cuts[0]
    timeline = build_timeline(pkg, cut, *draft_size(cut.resolution.width, cut.resolution.height))
    track = await build_voice_track(timeline, tmp_path, "espeak:en-us")
    assert track.voiced and track.voice == "espeak:en-us"
    sound = await mix_audio(track.path, True, None, timeline.duration_s, tmp_path)
    level = await loudness(sound.path)
    assert abs(level.integrated_lufs - -14) <= 0.5
    assert level.true_peak_dbtp <= -1.0


@pytest.mark.parametrize(("platform", "size"), [("tiktok", (540, 960)), ("youtube", (960, 540))])
def test_contact_sheet_holds_every_shot(
    rendered: tuple[VideoPackage, Path, RenderReport], platform: str, size: tuple[int, int]
) -> None:
    pkg, out, _ = rendered
    shots = len(pkg.cut(platform).shots)
    with Image.open(out / platform / "contact.png") as sheet:
        assert sheet.size == contact_size(shots, *size)
    # One tile more would need another size: the sheet is laid out for exactly these shots.
    assert contact_size(shots, *size) != contact_size(shots + 4, *size)


def test_render_json_and_srt_are_in_the_package(
    rendered: tuple[VideoPackage, Path, RenderReport],
) -> None:
    _, out, report = rendered
    data = orjson.loads((out / "render.json").read_bytes())
    assert RenderReport.model_validate(data) == report
    assert {p["platform"] for p in data["platforms"]} == {"tiktok", "youtube"}
    for platform in ("tiktok", "youtube"):
        assert (out / platform / "captions.srt").read_text().startswith("1\n")
        assert not (out / platform / ".render-work").exists()
    # Stills are drawn once per shot and size, whatever the number of platforms.
    assert len(list((out / "frames").glob("*/*.png"))) == 6


async def test_silent_with_a_warning_without_any_voice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from video_generator.render import voices

    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(voices, "_piper_installed", lambda: False)
    assert espeak_exe() is None
    pkg = tiny_package(["instagram_reels"])
    report = await render_package(pkg, tmp_path)
    item = report.get("instagram_reels")
    assert not item.voice and item.has_audio
    assert any("espeak-ng" in w for w in item.warnings)
    assert report.warnings == item.warnings
    info = await probe(item.preview)
    assert info.has_audio and abs(info.duration_s - pkg.cut("instagram_reels").duration_s) <= 0.1


async def test_many_shots_render_in_chunks_with_the_same_timing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from video_generator.render import graph

    monkeypatch.setattr(graph, "MAX_SHOTS_PER_PASS", 2)
    pkg = tiny_package(["tiktok"])
    report = await render_package(pkg, tmp_path)
    info = await probe(report.get("tiktok").preview)
    assert abs(info.duration_s - pkg.cut("tiktok").duration_s) <= 0.1
    assert (info.width, info.height, info.fps) == (540, 960, 30)

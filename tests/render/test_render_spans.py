"""The frame grid: shots own every frame once, transitions overlap symmetrically, chunks."""

from __future__ import annotations

import pytest
from render_support import tiny_package

from video_generator.render.graph import chunk_spans
from video_generator.render.probe import parse_probe
from video_generator.render.spans import FPS, Motion, build_timeline, draft_size


def test_shots_cover_the_cut_frame_for_frame() -> None:
    pkg = tiny_package(["tiktok"])
    cut = pkg.cut("tiktok")
    timeline = build_timeline(pkg, cut, 540, 960)
    assert timeline.total_frames == round(cut.duration_s * FPS)
    assert sum(span.frames for span in timeline.shots) == timeline.total_frames
    first, second, third = timeline.shots
    assert first.xfade is None and first.pad_after == 0 and second.pad_before == 0
    assert second.xfade == "slideleft" and second.pad_after * 2 == second.xfade_frames > 0
    assert third.pad_before == second.pad_after
    assert timeline.fade_out_frames > 0
    assert [span.key for span in timeline.voice] == ["seg-01", "seg-02"]
    assert third.motion == Motion.PUSH_IN  # the storyboard's camera move wins


@pytest.mark.parametrize(
    ("size", "draft"),
    [((1080, 1920), (540, 960)), ((1920, 1080), (960, 540)), ((1080, 1350), (540, 676))],
)
def test_draft_size(size: tuple[int, int], draft: tuple[int, int]) -> None:
    assert draft_size(*size) == draft


def test_chunks_keep_every_frame_and_drop_overlaps_at_their_edges() -> None:
    pkg = tiny_package(["tiktok"])
    spans = build_timeline(pkg, pkg.cut("tiktok"), 540, 960).shots
    chunks = chunk_spans(spans, size=2)
    # The boundary after the first shot is a hard cut, so the split goes there.
    assert [len(c) for c in chunks] == [1, 2]
    assert sum(s.frames for c in chunks for s in c) == sum(s.frames for s in spans)
    for chunk in chunks:
        assert chunk[0].pad_before == 0 and chunk[-1].pad_after == 0 and chunk[-1].xfade is None


def test_parse_probe() -> None:
    text = (
        "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x.mp4':\n"
        "  Duration: 00:01:00.03, start: 0.000000, bitrate: 900 kb/s\n"
        "  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), "
        "yuv420p(progressive), 540x960 [SAR 1:1 DAR 9:16], 800 kb/s, 30 fps, 30 tbr, "
        "15360 tbn (default)\n"
        "  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, stereo, "
        "fltp, 128 kb/s (default)\n"
    )
    info = parse_probe(text)
    assert info.duration_s == pytest.approx(60.03)
    assert (info.width, info.height, info.fps) == (540, 960, 30)
    assert info.audio_codec == "aac" and info.audio_rate == 48000
    no_audio = parse_probe(text.split("  Stream #0:1")[0])
    assert not no_audio.has_audio

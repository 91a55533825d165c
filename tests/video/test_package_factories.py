"""The output folder for a package the real timing coordinator, adapter and gates produced."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pysubs2
import webvtt

from factories import make_brief, make_package
from video_generator.core.quality import check_package_model
from video_generator.output.package import check_files, read_package, write_package

PLATFORMS = ["tiktok", "instagram_reels", "youtube_shorts", "youtube"]


def test_a_real_package_writes_reads_back_and_validates(tmp_path: Path) -> None:
    pkg = make_package(make_brief(platforms=PLATFORMS))
    files = write_package(pkg, tmp_path / "out")
    back = read_package(tmp_path / "out")
    assert back == pkg
    assert check_files(tmp_path / "out") == []
    # `vidgen validate DIR` re-runs the gates on what was read: same verdict, same values.
    assert check_package_model(back) == pkg.quality

    root = ET.fromstring(files.storyboard_html.read_text(encoding="utf-8"))
    codes = {el.text for el in root.iter("code")}
    assert {shot.id for shot in pkg.storyboard.shots()} <= codes
    rows = root.findall(".//table/tbody/tr")
    assert len(rows) >= len(PLATFORMS)

    for cut in pkg.cuts:
        paths = files.platforms[cut.platform]
        srt = pysubs2.load(str(paths.captions_srt), format_="srt")
        vtt = list(webvtt.read(str(paths.captions_vtt)))
        assert len(srt) == len(vtt) == len(cut.captions) > 0
        for event, caption, cue in zip(srt, vtt, cut.captions, strict=True):
            assert event.plaintext == caption.text == cue.text
            assert abs(event.start - cue.start_s * 1000) <= 1
            assert abs(event.end - cue.end_s * 1000) <= 1
            assert abs(caption.start_time.in_milliseconds() - cue.start_s * 1000) <= 1


def test_the_same_brief_gives_the_same_folder_bytes(tmp_path: Path) -> None:
    first = write_package(make_package(make_brief(platforms=PLATFORMS)), tmp_path / "a")
    second = write_package(make_package(make_brief(platforms=PLATFORMS)), tmp_path / "b")
    for a, b in zip(first.paths(), second.paths(), strict=True):
        assert a.read_bytes() == b.read_bytes(), a.relative_to(tmp_path / "a")

"""`vidgen make --render`: the preview is written beside each cut after the package folder."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from video_generator.cli import main


def test_make_with_render_writes_previews(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pkg"
    code = main(
        [
            "make",
            "a 10 second TikTok about green tea for students",
            "-o",
            str(out),
            "--render",
            "--quiet",
        ]
    )
    assert code == 0
    assert (out / "package.json").is_file()
    assert (out / "tiktok" / "preview.mp4").stat().st_size > 10_000
    assert (out / "tiktok" / "contact.png").is_file()
    report = orjson.loads((out / "render.json").read_bytes())
    assert [p["platform"] for p in report["platforms"]] == ["tiktok"]
    assert "preview tiktok" in capsys.readouterr().out
    # The word captions travel with the package, and package.json says what spoke them.
    assert (out / "tiktok" / "captions.ass").read_text().startswith("[Script Info]")
    rendered = orjson.loads((out / "package.json").read_bytes())["render"]["platforms"][0]
    assert rendered["captions_ass"] == "tiktok/captions.ass"
    assert rendered["voice_name"] and rendered["loudness_lufs"] is not None


def test_full_res_needs_render(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["make", "a 10 second TikTok about tea", "-o", str(tmp_path / "x"), "--full-res"])
    assert code == 2
    assert "--render" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (["--render", "--voice", "nobody"], "no voice named 'nobody'"),
        (["--render", "--music", "/no/such/track.mp3"], "--music"),
        (["--render", "--media", "/no/such/folder"], "--media"),
        (["--caption-style", "karaoke"], "--render"),
    ],
)
def test_media_flags_are_checked_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], says: str
) -> None:
    code = main(["make", "a 10 second TikTok about tea", "-o", str(tmp_path / "x"), *flags])
    assert code == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_voices_lists_the_installed_voices(capsys: pytest.CaptureFixture[str]) -> None:
    from video_generator.render.voices import all_voices

    assert main(["voices", "--json", "--language", "en"]) == 0
    rows = orjson.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows] == [v.name for v in all_voices() if v.matches("en")]
    assert sum(r["default"] for r in rows) == (1 if rows else 0)


CATS_SCRIPT = """# Why cats knead

Brief: 30 second TikTok, warm

## Hook
Your cat isn't making biscuits for fun.

## The kitten reflex
Kittens knead their mother's belly to get milk flowing. Adult cats keep the motion because it
still feels safe.

## Scent marking
Their paws have scent glands, so kneading your lap quietly says: this human is mine.

## CTA
Follow for more cat facts.
"""


def test_a_creators_script_renders_zooming_shots_into_a_transition(tmp_path: Path) -> None:
    # This script's shot lengths once put zooming stills before an xfade, and ffmpeg aborted
    # with a corrupted heap; the graph now gives each cropped frame its own buffer.
    script = tmp_path / "cats.md"
    script.write_text(CATS_SCRIPT)
    out = tmp_path / "cats"
    code = main(["make", "--script", str(script), "-o", str(out), "--render", "--quiet"])
    assert code in (0, 1)  # 1: the script is shorter than its brief's 30 s (a gate says so)
    assert (out / "tiktok" / "preview.mp4").stat().st_size > 10_000

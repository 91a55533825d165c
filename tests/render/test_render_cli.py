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

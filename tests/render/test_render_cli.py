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


def test_full_res_needs_render(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["make", "a 10 second TikTok about tea", "-o", str(tmp_path / "x"), "--full-res"])
    assert code == 2
    assert "--render" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()

"""Paper cuts: render work files beside `-o`, `plan --render` and Mermaid without raw refs."""

from __future__ import annotations

from pathlib import Path

import pytest

from video_generator.cli import main
from video_generator.settings import get_settings


def test_make_with_o_renders_beside_the_output_not_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here, elsewhere = tmp_path / "here", tmp_path / "elsewhere"
    here.mkdir()
    monkeypatch.chdir(here)
    monkeypatch.delenv("VG_RENDER_DIR", raising=False)
    monkeypatch.delenv("VG_OUT_DIR", raising=False)
    get_settings.cache_clear()
    try:
        out = elsewhere / "pkg"
        brief = "a 6 second TikTok about green tea for students"
        assert main(["make", brief, "-o", str(out), "--render", "--quiet"]) in (0, 1)
    finally:
        get_settings.cache_clear()
    assert (out / "tiktok" / "preview.mp4").is_file()
    assert not (here / "out").exists(), "nothing lands in ./out with -o"
    assert (elsewhere / ".renders").is_dir()


def test_plan_render_shows_the_node_and_mermaid_has_no_raw_references(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["plan", "--format", "mermaid"]) == 0
    plain = capsys.readouterr().out
    assert "${" not in plain and "skipped: input.render is null" in plain
    assert main(["plan", "--render", "--format", "mermaid"]) == 0
    rendered = capsys.readouterr().out
    assert "render<br/>step:render_video" in rendered and "skipped" not in rendered
    assert main(["plan"]) == 0
    assert "vidgen plan --render" in capsys.readouterr().out

"""Every `vidgen` command given a user mistake: one paragraph on stderr, exit 2, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from video_generator.cli import main
from video_generator.settings import get_settings

MISTAKES = [
    (["make", ""], "The brief is empty"),
    (["make", "   "], "The brief is empty"),
    (["make", "a 999999999 seconds video about tea"], "longer than every requested platform"),
    (["make", "a 1e309 second TikTok about tea"], "TikTok up to 10 min"),
    (["make", "tiktok 30s upbeat"], "Could not find what the video is about"),
    (["make", "a tiktok about tea", "--remote", "localhost:1"], "--remote takes"),
    (["make", "a tiktok about tea", "--model", "veo-3"], "add --render"),
    (["make", "a tiktok about tea", "--render", "--model", "nope", "--dry-run"], "nope"),
    (["plan", ""], "The brief is empty"),
    (["plan", "a 1e309 second TikTok about tea"], "longer than every"),
    (["validate", "/nonexistent/folder"], "no such folder"),
    (["cards", "--dir", "/proc/no/such/dir"], "cannot write the cards"),
    (["up", "--replicas", "nobody=2"], "--replicas takes NAME=N"),
    (["up", "--base-port", "65535"], "leaves no room"),
    (["cache", "warm", "--briefs", "/nonexistent.txt"], "cannot read briefs file"),
    (["cache"], "say what to do with the cache"),
    (["templates", "--kind", "nope"], "no template kind 'nope'"),
    (["make", "a tiktok about tea", "-o", "/proc/no/such/pkg", "--quiet"], "cannot write"),
    (["make", "a tiktok about tea", "--render", "--music", "/no/such.mp3"], "no such file"),
    (["make", "a tiktok about tea", "--render", "--voice", "nobody-voice"], "no voice named"),
]
ARGPARSE_MISTAKES = [
    ["agent", "scene_designer", "--port", "99999"],
    ["up", "--base-port", "-5"],
    ["agent", "nobody"],
    ["make"],
    ["platforms", "--bogus"],
    ["cache", "clear", "--agent", "nobody"],
    ["templates", "--sort", "nope"],
    ["make", "a tiktok about tea", "--budget", "ten"],
    ["voices", "--bogus"],
]


@pytest.mark.parametrize(("argv", "says"), MISTAKES, ids=[" ".join(a)[:40] for a, _ in MISTAKES])
def test_a_mistake_is_one_paragraph_and_exit_2(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert says in err and err.startswith("error: ")
    assert "Traceback" not in err and err.count("\n") <= 2


@pytest.mark.parametrize("argv", ARGPARSE_MISTAKES, ids=[" ".join(a) for a in ARGPARSE_MISTAKES])
def test_a_flag_mistake_is_a_usage_message(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err and "Traceback" not in err


def test_a_bad_setting_names_the_variable_not_its_value(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VG_SCHEDULE_MODE", "sideways")
    monkeypatch.setenv("VG_RATE_LIMIT_RPS", "-3")
    get_settings.cache_clear()
    try:
        assert main(["platforms"]) == 2
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert "VG_SCHEDULE_MODE" in err and "VG_RATE_LIMIT_RPS" in err
    assert "sideways" not in err and "Traceback" not in err


def test_a_cache_url_that_is_not_one_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VG_CACHE_URL", "bogus://nowhere")
    get_settings.cache_clear()
    try:
        assert main(["cache", "stats"]) == 2
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert "VG_CACHE_URL" in err and "Traceback" not in err


def test_a_missing_workflow_file_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VG_WORKFLOW", "/no/such/workflow.yaml")
    get_settings.cache_clear()
    try:
        assert main(["plan"]) == 2
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert "file not found" in err and "VG_WORKFLOW" in err and "Traceback" not in err


def test_the_installed_command_prints_no_traceback_for_an_empty_brief(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "video_generator.cli", "make", ""],
        capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith("error: The brief is empty") and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_help_and_platforms_import_none_of_the_heavy_libraries() -> None:
    # Start-up time is import time: count what the commands load instead of timing them.
    probe = (
        "import io, sys, contextlib\n"
        "from video_generator.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['platforms'])\n"
        "    try:\n        main(['--help'])\n    except SystemExit:\n        pass\n"
        "heavy = ['inflect', 'PIL', 'a2a', 'aiohttp', 'uvicorn', 'starlette', 'networkx',\n"
        "         'redis', 'google.protobuf', 'yaml', 'imageio_ffmpeg', 'httpx', 'tenacity']\n"
        "print(len(sys.modules), ' '.join(h for h in heavy if h in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    count, *loaded = done.stdout.split()
    assert loaded == []
    assert int(count) < 700  # 460 today; a2a-sdk alone would add several hundred


def test_plan_builds_no_agent_and_no_client() -> None:
    probe = (
        "import io, sys, contextlib\nfrom video_generator.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    main(['plan'])\n"
        "heavy = ['inflect', 'PIL', 'aiohttp', 'a2a.client', 'a2a.server', 'uvicorn']\n"
        "print(' '.join(h for h in heavy if h in sys.modules) or 'none')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "none"

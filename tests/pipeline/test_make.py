"""End to end in-process: a brief becomes a complete, valid, deterministic video package."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from video_generator.app.runtime import build_orchestrator
from video_generator.cli import main
from video_generator.core.models import VideoPackage
from video_generator.output.package import read_package
from video_generator.request import VideoRequest

EXAMPLE = (
    "a 45-second TikTok and Reel about cold brew for busy parents, upbeat, end with 'link in bio'"
)
CORPUS = Path(__file__).parents[1] / "data" / "briefs.yaml"


async def make(brief: str, **options: object) -> VideoPackage:
    orchestrator = build_orchestrator(**options)
    return await orchestrator.run("make_video", VideoRequest(brief=brief))


def without_plan(package: VideoPackage) -> dict:
    return package.model_dump(mode="json", exclude={"plan"})


async def test_example_brief_makes_a_package_that_passes_every_gate() -> None:
    package = await make(EXAMPLE)
    assert package.brief.platforms == ["tiktok", "instagram_reels"]
    assert package.brief.duration_s == 45
    assert package.script.call_to_action.lower().startswith("link in bio")
    assert {cut.platform for cut in package.cuts} == {"tiktok", "instagram_reels"}
    assert package.quality.passed, package.quality.failures()
    assert package.plan is not None
    assert package.plan.levels[0] == ["script"]
    assert set(package.plan.levels[1]) == {"scenes", "timing"}
    assert {n.status for n in package.plan.nodes} == {"completed"}


async def test_same_brief_same_package_and_both_modes_agree() -> None:
    eager = await make(EXAMPLE, mode="eager")
    again = await make(EXAMPLE, mode="eager")
    levels = await make(EXAMPLE, mode="levels")
    assert without_plan(eager) == without_plan(again) == without_plan(levels)


def corpus_briefs() -> list[str]:
    entries = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    entries = entries.get("briefs", entries) if isinstance(entries, dict) else entries
    return [entry["text"] for entry in entries if not entry.get("error")]


async def test_every_corpus_brief_passes_every_gate() -> None:
    briefs = corpus_briefs()
    assert len(briefs) >= 30
    orchestrator = build_orchestrator()
    failed = {}
    for text in briefs:
        package = await orchestrator.run("make_video", VideoRequest(brief=text))
        if not package.quality.passed:
            failed[text] = [f"{g.scope}/{g.gate}={g.value}" for g in package.quality.failures()]
    assert not failed


def test_cli_make_writes_the_folder_and_validate_accepts_it(tmp_path: Path, capsys) -> None:
    out = tmp_path / "pkg"
    assert main(["make", EXAMPLE, "-o", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert f"package: {out}" in printed
    for name in (
        "package.json",
        "script.md",
        "storyboard.md",
        "storyboard.html",
        "timing.json",
        "quality.json",
        "plan.txt",
        "tiktok/cut.json",
        "tiktok/captions.srt",
        "instagram_reels/captions.vtt",
    ):
        assert (out / name).is_file(), name
    assert read_package(out).quality.passed
    assert main(["validate", str(out)]) == 0
    assert "valid" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("brief", "expected"),
    [
        ("a 10 minute Instagram Reel about tea", "instagram"),
        ("x" * 4001, "4,0"),
        ("   ", "brief"),
    ],
)
def test_cli_bad_brief_is_one_clear_message_and_exit_2(brief: str, expected: str, capsys) -> None:
    assert main(["make", brief, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert expected.lower() in err.lower()
    assert "Traceback" not in err


def test_cli_plan_prints_levels(capsys) -> None:
    assert main(["plan", EXAMPLE]) == 0
    text = capsys.readouterr().out
    assert "adapt[tiktok]" in text and "adapt[instagram_reels]" in text


def test_cli_json_prints_the_package(tmp_path: Path, capsys) -> None:
    assert main(["make", EXAMPLE, "-o", str(tmp_path / "p"), "--json", "--quiet"]) == 0
    package = VideoPackage.model_validate_json(capsys.readouterr().out)
    assert package.quality.passed


def test_agent_cards_match_the_code() -> None:
    from video_generator.app.card_files import check_cards
    from video_generator.settings import get_settings

    assert check_cards(get_settings().agents_dir) == []


async def test_every_agent_log_line_of_a_run_names_its_task() -> None:
    import structlog

    saved = structlog.get_config()
    # An earlier CLI test may have set a WARNING filter; agents log their work at INFO.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(0))
    try:
        logs = await _run_and_capture_logs()
    finally:
        structlog.configure(**saved)
    agent_lines = [
        line
        for line in logs
        if line.get("component")
        in {"script_writer", "scene_designer", "timing_coordinator", "platform_adapter"}
    ]
    assert agent_lines
    task_ids = {line.get("task_id") for line in agent_lines}
    assert len(task_ids) == 1 and None not in task_ids


async def _run_and_capture_logs() -> list[dict]:
    import structlog

    with structlog.testing.capture_logs(
        processors=[structlog.contextvars.merge_contextvars]
    ) as logs:
        brief = "a 20 second youtube short about why cats purr"
        await build_orchestrator().run("make_video", VideoRequest(brief=brief, no_cache=True))
    return logs

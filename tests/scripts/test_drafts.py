"""Honest offline drafts: invented lines marked in every file, no claims, the topic in shot."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from video_generator.app.runtime import build_orchestrator
from video_generator.cli import main
from video_generator.core.quality import names
from video_generator.output.markdown import md
from video_generator.output.package import read_package
from video_generator.request import VideoRequest
from video_generator.templates import get_templates

# Claims and advice the offline engine cannot know to be true, from the audit of issue 15.
CLAIMS = re.compile(
    r"safely|evidence|minutes, not hours|give it a week|you'll notice|game changer|"
    r"most people|nobody|everyone|mistake|guaranteed|proven|easier than|"
    r"the difference|second nature|payoff",
    re.IGNORECASE,
)


async def made(brief: str):
    orchestrator = build_orchestrator()
    return await orchestrator.run("make_video", VideoRequest(brief=brief, no_cache=True))


async def test_every_invented_line_is_marked_and_brief_lines_are_not() -> None:
    package = await made(
        "a 30 second Reel about cold brew for busy parents; cover cost, prep time and taste; "
        "end with 'link in bio'"
    )
    script = package.script
    assert script.hook.draft and not script.cta_draft  # the brief gave the CTA
    for segment in script.segments:
        for line in segment.draft_lines:
            assert line in segment.narration
            assert not (segment.key_point and segment.key_point in line)
        if segment.key_point:
            lead = f"{segment.key_point}."
            assert lead in segment.narration and all(lead not in d for d in segment.draft_lines)
    assert "Link in bio." not in script.segments[-1].draft_lines
    plain = await made("video about dogs")
    assert plain.script.cta_draft
    assert plain.script.segments[-1].draft_lines[-1] == plain.script.call_to_action


def test_draft_lines_show_in_script_md_storyboard_html_and_package_json(tmp_path: Path, capsys):
    out = tmp_path / "dogs"
    assert main(["make", "video about dogs", "-o", str(out), "--quiet"]) == 0
    said = capsys.readouterr().out
    assert said.count("Offline draft") == 1 and "docs/engines.md" in said
    package = read_package(out)
    lines = [line for s in package.script.segments for line in s.draft_lines]
    assert lines and package.script.hook.draft
    script_md = (out / "script.md").read_text()
    page = (out / "storyboard.html").read_text()
    assert "Offline draft" in script_md and "Offline draft" in page
    for line in lines:
        assert f"“{md(line)}”" in script_md
        assert f">{html.escape(line)}</mark>" in page
    assert '"draft_lines"' in (out / "package.json").read_text()


def test_the_library_asserts_no_facts_and_gives_no_advice() -> None:
    library = get_templates()
    generic = [
        t for kind in ("narration", "hook", "angle", "cta", "title") for t in library.select(kind)
    ]
    assert len(generic) > 150
    offending = [t.id for t in generic if CLAIMS.search(t.text)]
    assert offending == []


@pytest.mark.parametrize(
    ("brief", "kind"),
    [
        ("a 45 second TikTok about knee surgery recovery for older adults", "medical"),
        ("60 second YouTube Short explaining compound interest to teenagers", "financial"),
        ("a 30 second Reel on what to do when your landlord keeps the deposit", "legal"),
    ],
)
async def test_health_money_and_legal_drafts_say_the_content_is_not_ours(brief, kind) -> None:
    package = await made(brief)
    notice = f"Draft, not {kind} advice: the facts must come from you or a model."
    said = [s for s in package.script.segments if notice in s.narration]
    assert len(said) == 1 and notice in said[0].draft_lines
    assert package.quality.passed


async def test_harmless_topics_carry_no_notice() -> None:
    package = await made("a 30 second TikTok about watercolour painting")
    assert all("advice" not in s.narration for s in package.script.segments)


async def test_every_shot_shows_the_topic() -> None:
    package = await made("video about dogs")
    for shot in package.storyboard.shots():
        if shot.type.value == "text_card":
            continue  # a title card: the words on it carry the topic
        assert names("dogs", shot.subject), shot.subject
        assert names("dogs", shot.prompts.prompt), shot.prompts.prompt


@pytest.mark.parametrize(
    "brief",
    [
        "TOP 5 AI TOOLS FOR STUDENTS!!! TIKTOK 30 SEC",
        "a 15 second TikTok about how vaccines train the immune system",
        "video about dogs",
    ],
)
async def test_an_offline_draft_always_names_its_topic(brief: str) -> None:
    package = await made(brief)
    gate = next(g for g in package.quality.gates if g.gate == "narration_names_topic")
    assert gate.passed and gate.value >= 1

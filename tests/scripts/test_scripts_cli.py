"""`vidgen make --script`, hand edits, --force and `vidgen render DIR`, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from video_generator.cli import main
from video_generator.core.captions import words_of
from video_generator.output.package import edited_files, read_package

SCRIPT = """# Why cats purr
Brief: TikTok and Reels, calm

## Hook
Ever wondered why your cat purrs?

## Where it comes from
Purring comes from the muscles of the larynx, which twitch many times a second while the
cat breathes in and out.

## Not only happiness
Cats purr when they are content, and also when they are stressed or hurt, so watch the rest
of the body too.

## Call to action
Follow for more about cats.
"""
NEW_WORDS = "Kittens purr from their second day, so the mother can find them in the dark."


def _words(text: str) -> list[str]:
    return words_of(text)


def _captions_of(package, platform: str, segment: str) -> list[str]:
    cut = package.cut(platform)
    return [w for c in cut.captions if c.segment_id == segment for w in _words(c.text)]


@pytest.fixture
def script_file(tmp_path: Path) -> Path:
    path = tmp_path / "cats.md"
    path.write_text(SCRIPT)
    return path


def test_make_script_speaks_the_creators_words_untouched(script_file: Path, tmp_path: Path):
    out = tmp_path / "cats"
    assert main(["make", "--script", str(script_file), "-o", str(out), "--quiet"]) == 0
    package = read_package(out)
    assert [s.narration for s in package.script.segments] == [
        "Ever wondered why your cat purrs?",
        "Purring comes from the muscles of the larynx, which twitch many times a second while "
        "the cat breathes in and out.",
        "Cats purr when they are content, and also when they are stressed or hurt, so watch "
        "the rest of the body too.",
        "Follow for more about cats.",
    ]
    assert package.brief.platforms == ["tiktok", "instagram_reels"]
    assert package.brief.tone.value == "calm"
    assert "duration_s" not in package.brief.assumed  # the words set the length
    assert package.quality.passed
    # Nothing the creator wrote is marked as a draft, and the CLI says nothing about drafts.
    assert all(not s.draft_lines for s in package.script.segments)
    assert not package.script.hook.draft and not package.script.cta_draft
    for segment in package.script.segments:
        assert _captions_of(package, "tiktok", segment.id) == _words(segment.narration)


def test_script_flags_win_and_mistakes_exit_2(script_file: Path, tmp_path: Path, capsys):
    out = tmp_path / "flags"
    args = ["make", "--script", str(script_file), "--platforms", "youtube_shorts", "--quiet"]
    assert main([*args, "--length", "25", "-o", str(out)]) == 0
    package = read_package(out)
    assert package.brief.platforms == ["youtube_shorts"] and package.brief.duration_s == 25
    capsys.readouterr()
    empty = tmp_path / "empty.md"
    empty.write_text("   \n")
    for bad in (
        ["make", "--script", str(tmp_path / "missing.md")],
        ["make", "--script", str(empty)],
        ["make", "--script", str(script_file), "--platforms", "myspace"],
        ["make", "--script", str(script_file), "--length", "-3"],
    ):
        assert main([*bad, "--quiet"]) == 2, bad
        err = capsys.readouterr().err
        assert err.startswith("error: ") and "Traceback" not in err, bad


def test_a_script_that_never_names_its_topic_fails_the_content_gate(tmp_path: Path, capsys):
    path = tmp_path / "off.md"
    path.write_text(
        "# Quantum computing\n\nHello there, and welcome back to the channel. The weather "
        "has been lovely this week, hasn't it? I went for a long walk by the river. See you soon."
    )
    assert main(["make", "--script", str(path), "-o", str(tmp_path / "o"), "--quiet"]) == 1
    assert "narration_names_topic" in capsys.readouterr().out


def test_a_script_too_short_to_time_says_so(tmp_path: Path, capsys):
    path = tmp_path / "short.md"
    path.write_text("# Cats\n\nCats purr. Bye.")
    assert main(["make", "--script", str(path), "--quiet"]) == 2
    assert "write a few more sentences" in capsys.readouterr().err


def test_make_refuses_a_folder_with_hand_edits_unless_forced(tmp_path: Path, capsys):
    out = tmp_path / "tea"
    brief = "a 30 second TikTok about green tea"
    assert main(["make", brief, "-o", str(out), "--quiet"]) == 0
    assert edited_files(out) == []
    assert main(["make", brief, "-o", str(out), "--quiet"]) == 0  # no edits: same folder
    script_md = out / "script.md"
    script_md.write_text(script_md.read_text().replace("green tea", "GREEN TEA", 1))
    assert edited_files(out) == ["script.md"]
    capsys.readouterr()
    assert main(["make", brief, "-o", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "hand edits" in err and "script.md" in err and "--force" in err
    assert "GREEN TEA" in script_md.read_text()  # untouched
    assert main(["make", brief, "-o", str(out), "--quiet", "--force"]) == 0
    assert "GREEN TEA" not in script_md.read_text() and edited_files(out) == []
    # package.json edits count too.
    data = json.loads((out / "package.json").read_text())
    data["script"]["title"] = "My own title"
    (out / "package.json").write_text(json.dumps(data))
    assert edited_files(out) == ["package.json"]
    assert main(["make", brief, "-o", str(out), "--quiet"]) == 2


def test_render_re_times_captions_and_cuts_to_edited_script_md(tmp_path: Path, capsys):
    out = tmp_path / "dogs"
    assert main(["make", "video about dogs", "-o", str(out), "--quiet"]) == 0
    before = read_package(out)
    target = before.script.segments[2]
    script_md = out / "script.md"
    text = script_md.read_text()
    assert target.narration in text
    script_md.write_text(text.replace(target.narration, NEW_WORDS, 1))
    capsys.readouterr()
    assert main(["render", str(out), "--no-video", "--quiet"]) == 0
    assert "re-made from your edits (script.md)" in capsys.readouterr().out
    after = read_package(out)
    changed = next(s for s in after.script.segments if s.id == target.id)
    assert changed.narration == NEW_WORDS
    assert changed.draft_lines == []  # the creator's words are not a draft
    others = [s for s in after.script.segments if s.id != target.id]
    assert all(s.draft_lines for s in others)  # untouched generic lines stay marked
    for platform in after.brief.platforms:
        assert _captions_of(after, platform, target.id) == _words(NEW_WORDS)
        srt = (out / platform / "captions.srt").read_text()
        assert "second day" in srt
    assert after.timing.total_s != before.timing.total_s
    assert after.quality.passed and edited_files(out) == []
    # Now the folder holds the creator's words: generated text does not replace them.
    assert main(["make", "video about dogs", "-o", str(out), "--quiet"]) == 2


def test_render_reads_package_json_edits_and_refuses_a_broken_one(tmp_path: Path, capsys):
    out = tmp_path / "bees"
    assert main(["make", "a 30 second Reel about honey bees", "-o", str(out), "--quiet"]) == 0
    path = out / "package.json"
    data = json.loads(path.read_text())
    last = data["script"]["segments"][-1]
    last["narration"] = "Follow for more about honey bees and their hives."
    path.write_text(json.dumps(data))
    assert main(["render", str(out), "--no-video", "--quiet"]) == 0
    after = read_package(out)
    assert after.script.segments[-1].narration == last["narration"]
    cta_words = _captions_of(after, "instagram_reels", after.script.segments[-1].id)
    assert cta_words == _words(last["narration"])
    path.write_text("{ not json")
    capsys.readouterr()
    assert main(["render", str(out), "--no-video", "--quiet"]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert main(["render", str(tmp_path / "nothing"), "--quiet"]) == 2


def test_render_without_video_removes_previews_of_the_old_words(tmp_path: Path) -> None:
    from video_generator.core.models import RenderedPlatform, RenderSummary
    from video_generator.output.package import write_package

    out = tmp_path / "owl"
    assert main(["make", "a 20 second TikTok about owls", "-o", str(out), "--quiet"]) == 0
    package = read_package(out)
    stale = out / "tiktok" / "preview.mp4"
    stale.write_bytes(b"old words")
    (out / "tiktok" / "contact.png").write_bytes(b"old")
    rendered = RenderedPlatform(platform="tiktok", seconds=1, duration_s=20, width=540,
                                height=960, fps=30, voice=False, preview="tiktok/preview.mp4",
                                contact="tiktok/contact.png")  # fmt: skip
    package.render = RenderSummary(full_res=False, platforms=[rendered], seconds=1)
    write_package(package, out)
    script_md = out / "script.md"
    first = package.script.segments[0].narration
    script_md.write_text(script_md.read_text().replace(first, "Owls hear in three dimensions."))
    assert main(["render", str(out), "--no-video", "--quiet"]) == 0
    assert not stale.exists() and read_package(out).render is None

"""Reading a creator's script: headings, plain paragraphs, the brief line, mistakes."""

from __future__ import annotations

import pytest

from video_generator.brief import parse_brief
from video_generator.brief.script_file import ScriptFileError, brief_text, parse_script
from video_generator.core.models import SegmentType

CATS = """# Why cats purr
Brief: 45 seconds, TikTok and Reels, calm
Hashtags: cats, #purring

## Hook
Ever **wondered** why your cat purrs?

## The science
Purring comes from the larynx.
- It twitches many times a second.

## Step 1: listen
Put your ear close.

## Call to action
Follow for more cat facts.
"""


def test_headings_become_segments_with_the_words_as_written() -> None:
    found = parse_script(CATS)
    source = found.source
    assert found.brief == "45 seconds, TikTok and Reels, calm"
    assert source.title == "Why cats purr"
    assert source.hashtags == ["#cats", "#purring"]
    narration = [s.narration for s in source.segments]
    assert narration == [
        "Ever wondered why your cat purrs?",
        "Purring comes from the larynx. It twitches many times a second.",
        "Put your ear close.",
        "Follow for more cat facts.",
    ]
    types = [s.type for s in source.segments]
    assert types == [SegmentType.HOOK, None, SegmentType.DEMO, SegmentType.CTA]
    assert source.segments[1].on_screen_text == "The science"


def test_plain_text_first_sentence_hooks_last_sentence_calls_to_action() -> None:
    source = parse_script(
        "Cats purr. They do it for many reasons.\n\nSome say it heals. Bye."
    ).source
    assert [s.narration for s in source.segments] == [
        "Cats purr.",
        "They do it for many reasons.",
        "Some say it heals.",
        "Bye.",
    ]


def test_a_hook_heading_in_the_middle_reads_as_a_point() -> None:
    source = parse_script("## Intro\nHi there.\n## Hook\nWait.\n## End\nBye now.").source
    assert [s.type for s in source.segments] == [None, SegmentType.POINT, None]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty"),
        ("Just one sentence", "one sentence"),
        ("## Hook\n\n## CTA\n", "no words"),
        ("## Only\nOne section here. And more.", "one section"),
    ],
)
def test_mistakes_say_what_to_do(text: str, says: str) -> None:
    with pytest.raises(ScriptFileError, match=says):
        parse_script(text)


def test_the_title_is_the_topic_when_the_brief_line_names_none() -> None:
    source = parse_script(CATS).source
    brief = parse_brief(brief_text("45 seconds, TikTok and Reels, calm", source))
    assert brief.topic.lower() == "why cats purr"
    assert brief.platforms == ["tiktok", "instagram_reels"]
    assert brief.tone.value == "calm"
    # A line with its own topic is kept as it is.
    assert brief_text("a TikTok about dogs", source) == "a TikTok about dogs"

"""parse_brief on arbitrary text: a valid Brief or a BriefError, never anything else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from video_generator.brief import MAX_BRIEF_CHARS, BriefError, parse_brief
from video_generator.core.models import Brief
from video_generator.core.platforms import PLATFORMS

# Pieces of real briefs, so generated text often gets deep into the parser.
FRAGMENTS = [
    "a",
    "45-second",
    "30s",
    "1:30",
    "under a minute",
    "ninety seconds",
    "TikTok",
    "Reels",
    "IG",
    "X",
    "x",
    "2x",
    "Shorts",
    "YouTube",
    "LinkedIn",
    "about",
    "on",
    "for",
    "busy parents",
    "Gen Z",
    "cold brew",
    "how to",
    "top 5",
    "upbeat",
    "calm",
    "not",
    "cover",
    "mention",
    "a, b and c",
    "end with",
    "'link in bio'",
    '"quoted title"',
    "CTA:",
    "Topic:",
    "Tone:",
    "in Spanish",
    "auf Deutsch",
    "日本語で",
    "关于",
    "的",
    "🔥",
    "\n- ",
    "\n• ",
    ":",
    ",",
    ".",
    ";",
    "(",
    ")",
    "'",
    "20 min",
    "3 seconds",
    "between",
    "and",
    "ish",
    "\x00",
    "\u200d",
]
FIELDS = set(Brief.model_fields)


def _check(text: str) -> None:
    try:
        brief = parse_brief(text)
    except BriefError as error:
        assert error.code
        assert str(error).startswith(error.problem)
        return
    assert brief.topic.strip()
    assert brief.platforms and all(p in PLATFORMS for p in brief.platforms)
    assert len(set(brief.platforms)) == len(brief.platforms)
    assert brief.duration_s >= 5
    assert any(brief.duration_s <= PLATFORMS[p].max_duration_s for p in brief.platforms)
    assert set(brief.assumed) <= FIELDS
    assert brief == parse_brief(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text(text: str) -> None:
    _check(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=6), max_size=40))
def test_brief_like_text(pieces: list[str]) -> None:
    _check(" ".join(pieces))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=MAX_BRIEF_CHARS - 50, max_size=MAX_BRIEF_CHARS + 50))
def test_long_text(text: str) -> None:
    _check(text)

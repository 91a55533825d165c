"""Caption rules: cue splitting and timing, by example and by property (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from video_generator.core.captions import (
    MAX_CUE_MS,
    MAX_LINE_CHARS,
    MIN_CUE_MS,
    caption_need_ms,
    cue_chars,
    layout_lines,
    max_words_per_cue,
    min_cue_ms,
    split_into_cues,
    time_cues,
    words_of,
)


def _words(cues: list[tuple[str, ...]]) -> list[str]:
    return " ".join(" ".join(lines) for lines in cues).split()


def _assert_cue_shape(cues: list[tuple[str, ...]]) -> None:
    for lines in cues:
        assert 1 <= len(lines) <= 2, lines
        for line in lines:
            assert line.strip() == line and line, lines
            assert len(line) <= MAX_LINE_CHARS, lines


def test_short_sentence_is_one_line() -> None:
    assert split_into_cues("Busy mornings need better cold brew.") == [
        ("Busy mornings need better cold brew.",)
    ]


def test_two_lines_break_at_the_comma() -> None:
    lines = layout_lines(words_of("One batch makes about ten glasses, so each one costs less."))
    assert lines == ("One batch makes about ten glasses,", "so each one costs less.")


def test_break_never_leaves_an_article_at_a_line_end() -> None:
    text = "Mix the coffee grounds with the cold water and then wait for the magic"
    for lines in split_into_cues(text):
        for line in lines:
            assert line.split()[-1].lower() not in {"the", "a", "with", "for"}, lines


def test_long_narration_splits_at_sentences_first() -> None:
    text = (
        "Strain it through a paper filter and keep the concentrate in the fridge. "
        "It lasts for up to two weeks if the bottle is sealed."
    )
    cues = split_into_cues(text)
    _assert_cue_shape(cues)
    assert any(lines[-1].endswith("fridge.") for lines in cues)
    assert _words(cues) == text.split()


def test_short_phrases_merge_into_one_cue() -> None:
    assert split_into_cues("Yes. It works. Try it.") == [("Yes. It works. Try it.",)]


def test_a_word_longer_than_a_line_is_cut() -> None:
    word = "x" * 100
    cues = split_into_cues(f"see {word} now")
    _assert_cue_shape(cues)
    assert "".join(_words(cues)) == f"see{word}now"


def test_slow_speech_keeps_cues_short_enough_to_hold_under_seven_seconds() -> None:
    words = " ".join(["word"] * 40)
    for lines in split_into_cues(words, words_per_minute=110):
        assert len(" ".join(lines).split()) <= max_words_per_cue(110)
    assert max_words_per_cue(110) * 60 / 110 * 1000 < MAX_CUE_MS


def test_min_cue_time_is_five_sixths_or_reading_time() -> None:
    assert min_cue_ms(("Hi.",)) == MIN_CUE_MS == 834
    assert min_cue_ms(("x" * 42, "y" * 42)) == 85 * 50  # 85 chars at 20 cps


def test_time_cues_refuses_a_window_too_short() -> None:
    cues = [("x" * 40,), ("y" * 40,)]
    with pytest.raises(ValueError, match="shorter than its captions need"):
        time_cues(cues, 0, 1000, caption_need_ms(cues) - 1)


def test_time_cues_follow_speech_when_there_is_room() -> None:
    cues = split_into_cues(
        "Cover it and let it steep in the fridge overnight. About twelve to eighteen hours "
        "is right for most beans, and longer turns it bitter."
    )
    timed = time_cues(cues, 10_000, 9_000, 22_000)
    assert timed[0].start_ms == 10_000
    # The second cue starts no earlier than its words are spoken.
    spoken_before = cue_chars(cues[0]) / sum(cue_chars(c) for c in cues) * 9_000
    assert timed[1].start_ms >= 10_000 + spoken_before - 1


# ---------------------------------------------------------------- properties

_word = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'-0123456789",
    min_size=1,
    max_size=14,
)
_punct = st.sampled_from(["", "", "", "", ",", ".", "!", "?", ";", ":", "…", '."'])
_token = st.builds(lambda w, p: w + p, _word, _punct)
_space = st.sampled_from([" ", " ", " ", "  ", "\n", "\t"])
_narration = st.lists(st.tuples(_token, _space), min_size=0, max_size=120).map(
    lambda pairs: "".join(t + s for t, s in pairs)
)


@settings(max_examples=300, deadline=None)
@given(narration=_narration, wpm=st.floats(min_value=110, max_value=190))
def test_every_cue_obeys_the_layout_rules_and_keeps_every_word(narration: str, wpm: float) -> None:
    cues = split_into_cues(narration, wpm)
    _assert_cue_shape(cues)
    assert _words(cues) == narration.split()
    for lines in cues:
        assert len(" ".join(lines).split()) <= max_words_per_cue(wpm)


@settings(max_examples=100, deadline=None)
@given(words=st.lists(st.text(alphabet="abc", min_size=1, max_size=60), min_size=1, max_size=30))
def test_overlong_words_are_cut_but_no_character_is_lost(words: list[str]) -> None:
    narration = " ".join(words)
    cues = split_into_cues(narration)
    _assert_cue_shape(cues)
    assert "".join(_words(cues)) == "".join(words)


@settings(max_examples=300, deadline=None)
@given(
    narration=_narration.filter(lambda t: t.strip()),
    wpm=st.floats(min_value=110, max_value=190),
    start=st.integers(min_value=0, max_value=600_000),
    slack=st.integers(min_value=0, max_value=20_000),
    speech_share=st.floats(min_value=0.0, max_value=1.0),
)
def test_timed_cues_obey_every_timing_rule(
    narration: str, wpm: float, start: int, slack: int, speech_share: float
) -> None:
    cues = split_into_cues(narration, wpm)
    window = caption_need_ms(cues) + slack
    speech = round(window * speech_share)
    timed = time_cues(cues, start, speech, start + window)
    assert [t.lines for t in timed] == cues
    previous_end = start
    for cue in timed:
        duration = cue.end_ms - cue.start_ms
        assert cue.start_ms >= previous_end  # no overlap, in order
        assert MIN_CUE_MS <= duration <= MAX_CUE_MS
        assert cue_chars(cue.lines) / (duration / 1000) <= 20.0
        previous_end = cue.end_ms
    assert previous_end <= start + window

"""Template filling, the offline engine, the English helpers and engine selection."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from video_generator.engines import (
    TemplateEngine,
    TextKind,
    TextTask,
)
from video_generator.engines.english import (
    ensure_sentence,
    hashtag,
    is_generic_audience,
    join_list,
    ordinal_word,
    person_from_audience,
    sentence_case,
    topic_hashtags,
    truncate,
    truncate_words,
    word_count,
)
from video_generator.engines.fill import MissingValueError, can_fill, fill

# ---------------------------------------------------------------- fill


def test_fill_inserts_values_and_capitalised_variants() -> None:
    context = {"topic": "cold brew coffee", "audience": "busy parents"}
    assert fill("{Topic} in 30 seconds[, for {audience}].", context) == (
        "Cold brew coffee in 30 seconds, for busy parents."
    )
    assert fill("why {topic}? because.", context) == "Why cold brew coffee? Because."


def test_optional_parts_drop_when_a_value_is_missing_or_empty() -> None:
    assert fill("Hello[ {audience}][, {name}].", {"audience": ""}) == "Hello."
    assert can_fill("Hi[ {x}]", {})
    assert not can_fill("Hi {x}", {"x": "  "})


def test_missing_required_value_raises_with_its_name() -> None:
    with pytest.raises(MissingValueError) as caught:
        fill("About {topic_np}", {"topic": "how to knit"})
    assert caught.value.name == "topic_np"
    assert "topic_np" in str(caught.value)


def test_values_are_inserted_literally() -> None:
    # A brief that contains braces or brackets must not be re-read as a template.
    context = {"topic": "{audience} [secret]", "audience": "x"}
    assert fill("About {topic}.", context) == "About {audience} [secret]."


def test_words_with_their_own_casing_keep_it() -> None:
    assert fill("{topic} tips.", {"topic": "iPhone photography"}) == "iPhone photography tips."
    assert sentence_case("done. eBay next. then more") == "Done. eBay next. Then more"


# ---------------------------------------------------------------- english helpers


def test_word_count_ignores_punctuation_tokens() -> None:
    assert word_count("Step 1: grind it - now!") == 5
    assert word_count("") == 0


def test_truncate_cuts_at_a_word_boundary() -> None:
    cut = truncate("Store it cold in an airtight jar for up to two weeks", 32)
    assert len(cut) <= 32
    assert cut == "Store it cold in an airtight…"
    assert truncate("short", 10) == "short"
    assert truncate_words("one two three four five.", 3) == "One two three."


def test_people_and_lists() -> None:
    assert person_from_audience("busy parents") == "a busy parent"
    assert person_from_audience("elderly people") == "an elderly person"
    assert person_from_audience("a general audience") == "a person"
    assert person_from_audience("parents and teachers") == "a person"
    assert is_generic_audience("a general audience")
    assert not is_generic_audience("nurses")
    assert join_list(["a", "b", "c"]) == "a, b and c"
    assert ordinal_word(3) == "third"
    assert ensure_sentence("link in bio") == "Link in bio."


def test_hashtags_are_camel_case_and_unique() -> None:
    assert hashtag("cold brew coffee") == "#ColdBrewCoffee"
    assert topic_hashtags("how to negotiate a raise")[0] == "#NegotiateARaise"
    tags = topic_hashtags("the history of Rome")
    assert tags[0] == "#HistoryOfRome"
    assert len({t.lower() for t in tags}) == len(tags)


# ---------------------------------------------------------------- the offline engine


async def test_template_engine_is_deterministic_and_keeps_limits() -> None:
    engine = TemplateEngine()
    task = TextTask(
        kind=TextKind.ON_SCREEN,
        template="{Point}",
        context={"point": "measure one cup of coarse grounds per four cups"},
        max_chars=28,
    )
    first = await engine.write(task)
    assert first == await engine.write(task)
    assert len(first) <= 28
    words = TextTask(kind=TextKind.HOOK, template="one two three four five six", max_words=4)
    assert word_count(await engine.write(words)) == 4
    assert await engine.write_many([task, words]) == [first, await engine.write(words)]
    assert engine.id == "template" and engine.version
    assert engine.writes("en") and not engine.writes("de")


def test_text_task_is_frozen_and_strict() -> None:
    task = TextTask(kind=TextKind.TITLE, template="x")
    with pytest.raises(ValidationError):
        task.template = "y"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        TextTask(kind=TextKind.TITLE, template="x", nonsense=1)  # type: ignore[call-arg]

"""The brief corpus (tests/data/briefs.yaml): every brief parses to what it should."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from video_generator.brief import BriefError, parse_brief

CORPUS_PATH = Path(__file__).resolve().parents[1] / "data" / "briefs.yaml"
CORPUS: dict[str, Any] = yaml.safe_load(CORPUS_PATH.read_text(encoding="utf-8"))
BRIEFS: list[dict[str, Any]] = CORPUS["briefs"]
ERRORS: list[dict[str, Any]] = CORPUS["errors"]


def test_corpus_is_big_and_varied() -> None:
    assert len(BRIEFS) >= 40
    ids = [entry["id"] for entry in BRIEFS + ERRORS]
    assert len(ids) == len(set(ids)), "corpus ids must be unique"
    tags = Counter(tag for entry in BRIEFS for tag in entry["tags"])
    for needed in (
        "terse",
        "chatty",
        "typos",
        "all-caps",
        "emoji",
        "bullets",
        "several-platforms",
        "non-english",
        "odd-duration",
        "marketing",
    ):
        assert tags[needed] >= 2, f"corpus needs more '{needed}' briefs"
    codes = {entry["error"] for entry in ERRORS}
    assert {"no_topic", "duration_too_long", "duration_too_short", "empty"} <= codes


@pytest.mark.parametrize("entry", BRIEFS, ids=[entry["id"] for entry in BRIEFS])
def test_brief_parses_as_expected(entry: dict[str, Any]) -> None:
    brief = parse_brief(entry["text"])
    got = brief.model_dump(mode="json")
    expected = entry["expect"]
    mismatches = {
        field: (got[field], want) for field, want in expected.items() if got[field] != want
    }
    assert not mismatches, f"{entry['id']}: field: (got, expected) {mismatches}"
    assert brief.text == entry["text"]


@pytest.mark.parametrize("entry", ERRORS, ids=[entry["id"] for entry in ERRORS])
def test_bad_brief_gets_a_clear_error(entry: dict[str, Any]) -> None:
    with pytest.raises(BriefError) as caught:
        parse_brief(entry["text"])
    error = caught.value
    assert error.code == entry["error"]
    message = str(error)
    for fragment in entry["mentions"]:
        assert fragment in message
    assert "\n" not in message
    assert error.example in message

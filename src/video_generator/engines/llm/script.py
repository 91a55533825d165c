"""The script task: what the script writer asks the model for, the reply's schema, its checks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from video_generator.core.models import Brief
from video_generator.engines.english import word_count
from video_generator.engines.llm.language import language_name, wrong_language

# How far a segment may run over its word budget before the reply is sent back.
OVER_BUDGET_SHARE = 0.2
OVER_BUDGET_WORDS = 3
TOTAL_SLACK = 0.1
TOO_SHORT_SHARE = 0.6

_PURPOSE = {
    "hook": "the opening line that makes the viewer stay; it names the topic",
    "intro": "what the video covers and why it matters to the audience",
    "point": "one real, specific point: a fact, step or example, explained",
    "story": "one beat of a short story that carries the topic",
    "demo": "one step shown and explained, concretely",
    "proof": "evidence or an example that backs the points (no invented figures)",
    "recap": "the points in a sentence or two",
    "cta": "the closing call to action",
}


class SegmentText(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="The segment id, exactly as given, in the order given.")
    narration: str = Field(description="The words spoken in this segment.")
    on_screen_text: str = Field(description="A few words shown on screen.")


class ScriptReply(BaseModel):
    """What the model returns for a script."""

    model_config = ConfigDict(extra="forbid")

    title: str
    segments: list[SegmentText]
    call_to_action: str
    hashtags: list[str]


@dataclass(frozen=True)
class SegmentBudget:
    id: str
    type: str
    words: int  # the target
    most: int  # over this, the reply goes back
    key_point: str | None = None


def budget_for(id: str, type: str, words: int, key_point: str | None = None) -> SegmentBudget:
    """A segment's budget with the usual slack over its target."""
    most = max(words + OVER_BUDGET_WORDS, round(words * (1 + OVER_BUDGET_SHARE)))
    return SegmentBudget(id=id, type=type, words=words, most=most, key_point=key_point)


@dataclass(frozen=True)
class ScriptOutline:
    """The offline plan's frame that the model fills: segments, budgets, limits."""

    brief: Brief
    wpm: float
    budget: int
    segments: tuple[SegmentBudget, ...]
    on_screen_chars: int
    title_chars: int
    hashtags: tuple[int, int]
    platforms: tuple[str, ...]
    hook_window_s: float

    @property
    def cta(self) -> str | None:
        cta = (self.brief.call_to_action or "").strip()
        return cta or None


SYSTEM = (
    "You write scripts for short-form video. You know the topic and bring real, correct, "
    "specific content: facts, steps, examples, in plain spoken language. You never invent "
    "statistics, studies or quotes. On health, money or legal topics you give general "
    "information only. You reply with one JSON object that matches the schema, nothing else."
)


def script_messages(outline: ScriptOutline) -> list[dict[str, str]]:
    brief = outline.brief
    language = f"{language_name(brief.language)} ({brief.language})"
    lines = [
        "Write the complete voice-over script for this video.",
        f'The creator\'s brief: "{brief.text or brief.topic}"',
        f"Topic: {brief.topic}",
        f"Audience: {brief.audience}",
        f"Tone: {brief.tone.value}. Style: {brief.style.value}.",
        f"Platforms: {', '.join(outline.platforms)}; the hook must land within "
        f"{outline.hook_window_s:g} s.",
        f"Language: write the narration, on-screen text, title, call to action and hashtags "
        f"in {language}.",
        f"Length: {brief.duration_s:g} s spoken at {outline.wpm:g} words a minute, so "
        f"{outline.budget} words in all. Keep each segment within its word budget.",
        "Segments, in this order (use these ids; one object per segment):",
    ]
    for segment in outline.segments:
        purpose = _PURPOSE.get(segment.type, segment.type)
        line = (
            f"- {segment.id} ({segment.type}): about {segment.words} words, at most "
            f"{segment.most}; {purpose}"
        )
        if segment.key_point:
            line += f'; it covers the brief\'s key point: "{segment.key_point}"'
        elif segment.type in ("point", "story", "demo"):
            line += "; choose a point that is true, useful and not in another segment"
        if segment.type == "cta" and outline.cta:
            line += f'; it ends with the call to action word for word: "{outline.cta}"'
        lines.append(line)
    cta_rule = (
        f'call_to_action: exactly "{outline.cta}".'
        if outline.cta
        else "call_to_action: the closing call to action, fit for the platforms, "
        "as spoken at the end of the last segment."
    )
    lo, hi = outline.hashtags
    lines += [
        f"on_screen_text: at most {outline.on_screen_chars} characters, no hashtags.",
        f"title: at most {outline.title_chars} characters, specific to the topic.",
        cta_rule,
        f"hashtags: {max(1, lo)} to {hi} hashtags, each starting with #, about the topic.",
    ]
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "\n".join(lines)}]


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def check_script(outline: ScriptOutline, reply: ScriptReply) -> list[str]:
    """What is wrong with a reply, in words the model can act on; [] when it is good."""
    problems: list[str] = []
    wanted = [s.id for s in outline.segments]
    got = [s.id for s in reply.segments]
    if got != wanted:
        problems.append(
            f"segments must be exactly these ids in this order: {', '.join(wanted)} "
            f"(the reply has: {', '.join(got) or 'none'})"
        )
        return problems
    total = 0
    for budget, segment in zip(outline.segments, reply.segments, strict=True):
        words = word_count(segment.narration)
        total += words
        if not segment.narration.strip():
            problems.append(f"{segment.id}: the narration is empty")
        elif words > budget.most:
            problems.append(
                f"{segment.id}: the narration has {words} words, over its budget of "
                f"{budget.words} (at most {budget.most}); shorten it"
            )
    if total > outline.budget * (1 + TOTAL_SLACK):
        problems.append(
            f"the narration has {total} words in all, over the {outline.budget} that fit "
            f"{outline.brief.duration_s:g} s; shorten it"
        )
    elif total < outline.budget * TOO_SHORT_SHARE:
        problems.append(
            f"the narration has only {total} words; the video needs about {outline.budget}"
        )
    if outline.cta:
        if _plain(reply.call_to_action) != _plain(outline.cta):
            problems.append(f'call_to_action must be exactly "{outline.cta}"')
        if _plain(outline.cta) not in _plain(reply.segments[-1].narration):
            problems.append(
                f"{reply.segments[-1].id}: the narration must include the call to action "
                f'word for word: "{outline.cta}"'
            )
    elif not reply.call_to_action.strip():
        problems.append("call_to_action is empty")
    spoken = " ".join(s.narration for s in reply.segments)
    seems = wrong_language(spoken, outline.brief.language)
    if seems is not None:
        problems.append(
            f"the narration must be in {language_name(outline.brief.language)} "
            f"({outline.brief.language}) but reads as {seems}"
        )
    return problems


def script_max_tokens(outline: ScriptOutline) -> int:
    """Room for the narration (~1.5 tokens a word in English, more elsewhere) and the JSON."""
    return int(outline.budget * 3 + 60 * len(outline.segments) + 400)

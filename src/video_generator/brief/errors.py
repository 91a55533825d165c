"""BriefError: what was wrong with a brief, how to fix it, and a brief that works."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from video_generator.core.platforms import Platform

MAX_BRIEF_CHARS = 4000
MIN_DURATION_S = 5.0

EXAMPLE_BRIEF = (
    "A 45-second TikTok and Reel about cold brew coffee for busy parents, upbeat; "
    "cover cost, prep time and taste; end with 'link in bio'"
)


class BriefError(ValueError):
    """A brief the parser cannot turn into a video; str() is one paragraph for people."""

    def __init__(self, code: str, problem: str, hint: str, example: str = EXAMPLE_BRIEF) -> None:
        self.code = code
        self.problem = problem
        self.hint = hint
        self.example = example
        super().__init__(f'{problem} {hint} For example: "{example}"')


def _length(seconds: float) -> str:
    """45 -> '45 s'; 900 -> '15 min (900 s)'; 90 -> '1 min 30 s (90 s)'."""
    if not seconds < 10 * 86400:  # also inf, read from "1e309 seconds"
        return "more than ten days"
    whole = round(seconds)
    if whole < 60:
        return f"{seconds:g} s"
    minutes, secs = divmod(whole, 60)
    if minutes >= 120:
        hours, minutes = divmod(minutes, 60)
        readable = f"{hours} h" + (f" {minutes} min" if minutes else "")
    else:
        readable = f"{minutes} min" + (f" {secs} s" if secs else "")
    return f"{readable} ({whole} s)"


def empty() -> BriefError:
    return BriefError(
        "empty",
        "The brief is empty.",
        "Describe the video in a sentence: what it is about and, if you like, the platforms, "
        "length, tone, audience, key points and call to action.",
    )


def not_text(kind: str) -> BriefError:
    return BriefError(
        "not_text",
        f"The brief must be text, not {kind}.",
        "Pass the brief as a string.",
    )


def too_long(length: int) -> BriefError:
    return BriefError(
        "too_long",
        f"The brief is {length:,} characters long; the limit is {MAX_BRIEF_CHARS:,}.",
        "Cut it down to what the video needs: the topic, platforms, length, tone, audience, "
        "key points and call to action.",
    )


def no_topic() -> BriefError:
    return BriefError(
        "no_topic",
        "Could not find what the video is about in the brief.",
        "Name the topic, e.g. 'about cold brew coffee' or 'Topic: cold brew coffee'.",
    )


def too_short(seconds: float, said: str) -> BriefError:
    return BriefError(
        "duration_too_short",
        f'The brief asks for "{said}", {_length(seconds)}, which is too short: the shortest '
        f"video is {MIN_DURATION_S:g} s.",
        "Ask for at least 5 seconds; 15 to 60 seconds suits short-form platforms.",
    )


def too_long_for(
    seconds: float, said: str, platforms: Iterable[Platform], others: Iterable[Platform]
) -> BriefError:
    platforms = sorted(platforms, key=lambda p: p.max_duration_s)
    limits = ", ".join(f"{p.name} up to {_length(p.max_duration_s)}" for p in platforms)
    longest = platforms[-1]
    roomier = [p.name for p in others if p.max_duration_s >= seconds]
    add = f", or add a platform that takes it ({', '.join(roomier)})" if roomier else ""
    return BriefError(
        "duration_too_long",
        f'The brief asks for "{said}", {_length(seconds)}, longer than every requested '
        f"platform allows: {limits}.",
        f"Ask for {_length(longest.max_duration_s)} or less{add}.",
    )


def known_platforms(ids: Iterable[str], registry: Mapping[str, Platform]) -> list[str]:
    """Platforms given as a field (not read from the text): registry ids, or names in any case
    ("TikTok", "YouTube Shorts")."""
    by_word = {key.lower(): pid for pid, p in registry.items() for key in (pid, p.name)}
    chosen = list(dict.fromkeys(by_word.get(pid.strip().lower(), pid) for pid in ids))
    unknown = [pid for pid in chosen if pid not in registry]
    if not chosen or unknown:
        problem = f"Unknown platform(s): {', '.join(unknown)}." if unknown else "No platform given."
        raise BriefError(
            "unknown_platform",
            problem,
            f"Use ids (or names) from the registry: {', '.join(registry)}.",
        )
    return chosen

"""parse_brief: a natural-language brief -> Brief, defaults recorded in `assumed`.

Each extractor reads its part of the brief and masks it, in an order chosen so that earlier
readings protect later ones: the call to action first (its words are the user's, not
instructions), a title, platforms, lengths, the language, the audience, key points, the
topic last; tone and style are read around the topic.
"""

from __future__ import annotations

from video_generator.brief import errors
from video_generator.brief.audience import find_audience
from video_generator.brief.duration import find_durations, pick_duration
from video_generator.brief.language import find_language
from video_generator.brief.lists import bullet_points, find_call_to_action, find_key_points
from video_generator.brief.platform_names import find_platforms
from video_generator.brief.style import find_style, find_tone
from video_generator.brief.text import normalise
from video_generator.brief.topic import find_title, find_topic, mask_labels
from video_generator.core.models import Brief, Style, Tone
from video_generator.core.platforms import PLATFORMS

DEFAULT_PLATFORMS = ("tiktok", "instagram_reels", "youtube_shorts")
DEFAULT_TONE = Tone.UPBEAT
DEFAULT_STYLE = Style.EDUCATIONAL
DEFAULT_AUDIENCE = "a general audience"
DEFAULT_LANGUAGE = "en"

# Spans of these kinds hold the user's own words for other fields; tone is not read there.
_NOT_TONE = ("cta", "key_points", "audience", "topic")


def parse_brief(
    text: str, *, platforms: list[str] | None = None, duration_s: float | None = None
) -> Brief:
    """Read a brief; raise BriefError (never anything else) when it cannot make a video.

    `platforms` and `duration_s`, when given (MCP and API callers set them as fields), win
    over what the text says and go through the same checks."""
    if not isinstance(text, str):
        raise errors.not_text(type(text).__name__)
    if not text.strip():
        raise errors.empty()
    if len(text) > errors.MAX_BRIEF_CHARS:
        raise errors.too_long(len(text))

    doc = normalise(text)
    assumed: list[str] = []

    call_to_action = find_call_to_action(doc)
    title = find_title(doc)
    found = find_platforms(doc)  # read even when overridden: it masks the platform words
    platforms = found if platforms is None else errors.known_platforms(platforms, PLATFORMS)
    durations = find_durations(doc)
    language = find_language(doc)
    audience = find_audience(doc)
    key_points = find_key_points(doc)
    mask_labels(doc)
    topic = title or find_topic(doc)
    if topic is None:
        raise errors.no_topic()

    points = list(key_points.points)
    for start, end, point in key_points.weak:
        if not (start < topic.end and topic.start < end) and point.lower() not in (
            p.lower() for p in points
        ):
            points.append(point)
    for point in bullet_points(doc, exclude=(topic.start, topic.end)):
        if point.lower() not in (p.lower() for p in points):
            points.append(point)

    excluded = [(s.start, s.end) for s in doc.spans if s.kind in _NOT_TONE]
    tone = find_tone(doc, excluded)
    style, style_said = find_style(doc, [(s.start, s.end) for s in doc.spans if s.kind == "cta"])

    if not audience:
        audience = DEFAULT_AUDIENCE
        assumed.append("audience")
    if tone is None:
        tone = DEFAULT_TONE
        assumed.append("tone")
    if style is None or not style_said:
        style = DEFAULT_STYLE
        assumed.append("style")
    if not platforms:
        platforms = list(DEFAULT_PLATFORMS)
        assumed.append("platforms")
    chosen = [PLATFORMS[p] for p in platforms]
    duration = duration_s if duration_s is not None else pick_duration(durations)
    if duration is None:
        duration = min(p.default_duration_s for p in chosen)
        assumed.append("duration_s")
    if not language:
        language = DEFAULT_LANGUAGE
        assumed.append("language")
    if not points:
        assumed.append("key_points")
    if call_to_action is None:
        assumed.append("call_to_action")

    said = next((h.text for h in durations if h.seconds == duration), f"{duration:g} s")
    if duration < errors.MIN_DURATION_S:
        raise errors.too_short(duration, said)
    if all(duration > p.max_duration_s for p in chosen):
        others = [p for pid, p in PLATFORMS.items() if pid not in platforms]
        raise errors.too_long_for(duration, said, chosen, others)

    return Brief(
        text=text,
        topic=topic.text,
        audience=audience,
        tone=tone,
        style=style,
        platforms=platforms,
        duration_s=float(duration),
        language=language,
        key_points=points,
        call_to_action=call_to_action,
        assumed=assumed,
    )

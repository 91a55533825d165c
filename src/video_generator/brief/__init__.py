"""Natural-language brief -> Brief, with clear errors: parse_brief, BriefError, EXAMPLE_BRIEF."""

from video_generator.brief.errors import EXAMPLE_BRIEF, MAX_BRIEF_CHARS, BriefError
from video_generator.brief.parser import (
    DEFAULT_AUDIENCE,
    DEFAULT_LANGUAGE,
    DEFAULT_PLATFORMS,
    DEFAULT_STYLE,
    DEFAULT_TONE,
    parse_brief,
)

__all__ = [
    "DEFAULT_AUDIENCE",
    "DEFAULT_LANGUAGE",
    "DEFAULT_PLATFORMS",
    "DEFAULT_STYLE",
    "DEFAULT_TONE",
    "EXAMPLE_BRIEF",
    "MAX_BRIEF_CHARS",
    "BriefError",
    "parse_brief",
]

"""The template library: versioned YAML data and the TemplateCache that indexes and picks."""

from video_generator.templates.cache import (
    TemplateCache,
    TemplateNotFoundError,
    brief_seed,
    get_templates,
    seed_from,
)
from video_generator.templates.library import (
    LIBRARY_RELEASE,
    PLACEHOLDERS,
    Template,
    TemplateLibraryError,
    data_root,
    read_library,
)
from video_generator.templates.usage import InMemoryUsageStore, TemplateStats, UsageStore

__all__ = [
    "LIBRARY_RELEASE",
    "PLACEHOLDERS",
    "InMemoryUsageStore",
    "Template",
    "TemplateCache",
    "TemplateLibraryError",
    "TemplateNotFoundError",
    "TemplateStats",
    "UsageStore",
    "brief_seed",
    "data_root",
    "get_templates",
    "read_library",
    "seed_from",
]

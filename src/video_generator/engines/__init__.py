"""Text engines: one interface (TextEngine), an offline template engine and an LLM engine."""

from __future__ import annotations

from video_generator.engines.base import (
    EngineAuthError,
    EngineConfigError,
    EngineError,
    EngineUnavailableError,
    TextEngine,
    TextKind,
    TextTask,
)
from video_generator.engines.llm import LLMEngine, SessionFactory
from video_generator.engines.template import TemplateEngine
from video_generator.settings import Settings, get_settings


def make_engine(
    settings: Settings | None = None, *, session_factory: SessionFactory | None = None
) -> TextEngine:
    """The engine the settings name: "template" (offline, default) or "llm"."""
    settings = settings or get_settings()
    if settings.engine == "llm":
        return LLMEngine.from_settings(settings, session_factory=session_factory)
    return TemplateEngine()


__all__ = [
    "EngineAuthError",
    "EngineConfigError",
    "EngineError",
    "EngineUnavailableError",
    "LLMEngine",
    "SessionFactory",
    "TemplateEngine",
    "TextEngine",
    "TextKind",
    "TextTask",
    "make_engine",
]

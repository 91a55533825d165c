"""Text engines: one interface (TextEngine), the offline template engine and the LLM engine."""

from __future__ import annotations

from video_generator.engines.base import (
    EngineAuthError,
    EngineConfigError,
    EngineError,
    EngineReplyError,
    EngineUnavailableError,
    EngineUnreachableError,
    ModelReplyError,
    TextEngine,
    TextKind,
    TextTask,
)
from video_generator.engines.llm import ChatClient, LLMEngine, SessionFactory, resolve_llm
from video_generator.engines.template import TemplateEngine
from video_generator.settings import Settings


def make_engine(settings: Settings, *, session_factory: SessionFactory | None = None) -> TextEngine:
    """The engine VG_ENGINE names: auto (default: an LLM when one is configured or a local
    Ollama answers, else offline), llm, or offline."""
    target = resolve_llm(settings)
    if target is None:
        return TemplateEngine()
    client = ChatClient(
        base_url=target.base_url,
        model=target.model,
        api_key=settings.llm_api_key,
        session_factory=session_factory,
        timeout_s=settings.llm_timeout_s,
        attempts=settings.llm_attempts,
    )
    return LLMEngine(client)


__all__ = [
    "ChatClient",
    "EngineAuthError",
    "EngineConfigError",
    "EngineError",
    "EngineReplyError",
    "EngineUnavailableError",
    "EngineUnreachableError",
    "LLMEngine",
    "ModelReplyError",
    "SessionFactory",
    "TemplateEngine",
    "TextEngine",
    "TextKind",
    "TextTask",
    "make_engine",
]

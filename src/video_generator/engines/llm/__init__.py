"""The LLM engine: one structured call per agent to any OpenAI-compatible server."""

from __future__ import annotations

from video_generator.engines.llm.client import ChatClient, Completion, SessionFactory
from video_generator.engines.llm.engine import PROMPT_VERSION, LLMEngine
from video_generator.engines.llm.probe import LLMTarget, ollama_models, resolve_llm
from video_generator.engines.llm.quirks import QUIRKS, Quirk, shape_for

__all__ = [
    "PROMPT_VERSION",
    "QUIRKS",
    "ChatClient",
    "Completion",
    "LLMEngine",
    "LLMTarget",
    "Quirk",
    "SessionFactory",
    "ollama_models",
    "resolve_llm",
    "shape_for",
]

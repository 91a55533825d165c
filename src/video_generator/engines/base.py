"""The TextEngine interface: every piece of text an agent writes goes through `write(task)`."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from a2a_mcp.errors import AgentError
from video_generator.engines.english import truncate, truncate_words, word_count
from video_generator.engines.fill import fill


class TextKind(StrEnum):
    """What a piece of text is for; an LLM engine words its request by it."""

    HOOK = "hook"
    NARRATION = "narration"
    CTA = "cta"
    ON_SCREEN = "on_screen"
    TITLE = "title"
    HASHTAGS = "hashtags"
    SCENE_TITLE = "scene_title"
    SUBJECT = "subject"
    SHOT_DESCRIPTION = "shot_description"
    PROMPT = "prompt"
    MOTION_PROMPT = "motion_prompt"
    NEGATIVE_PROMPT = "negative_prompt"


class TextTask(BaseModel):
    """One text to write: the template to realise, the values for it, and its limits."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: TextKind
    template: str = Field(description="Template text with {placeholders} and [optional parts].")
    context: dict[str, str] = Field(default_factory=dict)
    max_words: int | None = Field(default=None, ge=1)
    max_chars: int | None = Field(default=None, ge=1)
    language: str = "en"
    as_sentence: bool = Field(default=True, description="Capitalise sentence starts.")

    def draft(self) -> str:
        """The template realised offline: the text every engine falls back to."""
        text = fill(self.template, self.context, as_sentence=self.as_sentence)
        return fit(text, self)

    def fits(self, text: str) -> bool:
        if self.max_words is not None and word_count(text) > self.max_words:
            return False
        return self.max_chars is None or len(text) <= self.max_chars


def fit(text: str, task: TextTask) -> str:
    """Cut text to the task's limits at word boundaries."""
    if task.max_words is not None and word_count(text) > task.max_words:
        text = truncate_words(text, task.max_words)
    if task.max_chars is not None and len(text) > task.max_chars:
        text = truncate(text, task.max_chars)
    return text


class TextEngine(ABC):
    """Writes text for the agents. Same task in, same text out (engines must be repeatable)."""

    id: str
    version: str
    # Languages the engine can write; "*" means any.
    languages: frozenset[str] = frozenset({"en"})

    @abstractmethod
    async def write(self, task: TextTask) -> str:
        """The text for one task, within its limits."""

    async def write_many(self, tasks: Sequence[TextTask]) -> list[str]:
        """Texts for many tasks, in order (engines that call out run them concurrently)."""
        return list(await asyncio.gather(*(self.write(task) for task in tasks)))

    def writes(self, language: str) -> bool:
        return "*" in self.languages or language.split("-")[0].lower() in self.languages

    def describe(self) -> dict[str, str]:
        return {"engine": self.id, "engine_version": self.version}

    async def aclose(self) -> None:  # noqa: B027 - optional hook, most engines hold nothing
        """Release what the engine holds (sessions); nothing by default."""


class EngineError(AgentError):
    """A text engine could not write."""

    code = "engine_error"


class EngineConfigError(EngineError):
    """The engine's settings are incomplete or wrong; the message says which to set."""

    code = "engine_config"


class EngineAuthError(EngineError):
    """The model API refused the credentials (HTTP 401/403)."""

    code = "engine_auth"


class EngineUnavailableError(EngineError):
    """The model API did not answer in time or kept failing (timeouts, 429, 5xx). Not retried
    by the workflow: the client already retried within the request's deadline."""

    code = "engine_unavailable"


class EngineUnreachableError(EngineError):
    """Nothing answers at the server's address (connection refused, unknown host)."""

    code = "engine_unreachable"


class EngineReplyError(EngineError):
    """The server answered HTTP 200 with something that is not a chat completion."""

    code = "engine_bad_reply"


class ModelReplyError(EngineError):
    """The model's replies did not meet the task, repair round included; `problems` says why."""

    code = "model_reply_invalid"

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message, details={"problems": problems[:20]})
        self.problems = problems

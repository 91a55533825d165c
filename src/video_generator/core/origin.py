"""TextOrigin: which engine and model wrote a script's or a storyboard's words."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class TextOrigin(BaseModel):
    """Who wrote the text: the offline engine, an LLM (model and server, never a key), or the
    creator (a script brought with --script or edited by hand)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    engine: Literal["offline", "llm", "creator"] = "offline"
    model: str | None = Field(default=None, max_length=200)
    server: str | None = Field(default=None, max_length=2000, description="The server's URL.")
    fallback_reason: str | None = Field(
        default=None,
        max_length=2000,
        description="Why the LLM's text was not used and the offline draft was (engine offline).",
    )

    def describe(self) -> str:
        """One line for people: 'llm gpt-4o-mini at https://...' or 'offline (reason)'."""
        if self.engine == "llm":
            where = f" at {self.server}" if self.server else ""
            return f"llm {self.model or '?'}{where}"
        if self.engine == "creator":
            return "yours (the creator's script, as written)"
        return f"offline draft ({self.fallback_reason})" if self.fallback_reason else "offline"


def describe_text(script: TextOrigin, storyboard: TextOrigin) -> str:
    """Who wrote a package's words, in one line (CLI summary, storyboard.html)."""
    if script == storyboard:
        return script.describe()
    return f"script: {script.describe()}; storyboard: {storyboard.describe()}"

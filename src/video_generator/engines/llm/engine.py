"""LLMEngine: writes whole scripts and storyboards with a chat model, one structured call each.

It is also a TemplateEngine: the agents' offline path (their fallback) drafts with it as
before, so the fallback text is the same offline draft an offline run would make.
"""

from __future__ import annotations

from functools import partial

from video_generator.core.origin import TextOrigin
from video_generator.engines.llm.client import ChatClient
from video_generator.engines.llm.script import (
    ScriptOutline,
    ScriptReply,
    check_script,
    script_max_tokens,
    script_messages,
)
from video_generator.engines.llm.storyboard import (
    StoryboardOutline,
    StoryboardReply,
    check_storyboard,
    storyboard_max_tokens,
    storyboard_messages,
)
from video_generator.engines.llm.structured import ask
from video_generator.engines.template import TemplateEngine

# Part of every cache key: a change to what is asked of the model changes this.
PROMPT_VERSION = "2"


class LLMEngine(TemplateEngine):
    """One request per agent (plus at most one repair), against any OpenAI-compatible server."""

    id = "llm"
    languages = frozenset({"*"})  # the model writes any; the agents' fallback plans in English

    def __init__(self, client: ChatClient) -> None:
        self.client = client
        self.version = f"p{PROMPT_VERSION}:{client.model}@{client.base_url}"
        self.origin = TextOrigin(engine="llm", model=client.model, server=client.base_url)

    async def write_script(self, outline: ScriptOutline) -> tuple[ScriptReply, int]:
        """The whole script as the model wrote it, checked; and the rounds it took."""
        return await ask(
            self.client,
            name="script",
            messages=script_messages(outline),
            reply_model=ScriptReply,
            check=partial(check_script, outline),
            max_tokens=script_max_tokens(outline),
        )

    async def write_storyboard(self, outline: StoryboardOutline) -> tuple[StoryboardReply, int]:
        """Every shot's picture in one reply, checked; and the rounds it took."""
        return await ask(
            self.client,
            name="storyboard",
            messages=storyboard_messages(outline),
            reply_model=StoryboardReply,
            check=partial(check_storyboard, outline),
            max_tokens=storyboard_max_tokens(outline),
        )

    def describe(self) -> dict[str, str]:
        return {
            "engine": self.id,
            "engine_version": self.version,
            "model": self.client.model,
            "server": self.client.base_url,
        }

    async def aclose(self) -> None:
        await self.client.aclose()

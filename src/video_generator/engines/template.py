"""The offline template engine (the default): fills templates deterministically, no network."""

from __future__ import annotations

from collections.abc import Sequence

from video_generator.engines.base import TextEngine, TextTask


class TemplateEngine(TextEngine):
    """Realises each template with its context; fast, repeatable, English only."""

    id = "template"
    version = "1"

    async def write(self, task: TextTask) -> str:
        return task.draft()

    async def write_many(self, tasks: Sequence[TextTask]) -> list[str]:
        # No I/O: skip the task machinery of gather, it dominates at this size.
        return [task.draft() for task in tasks]

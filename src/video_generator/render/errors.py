"""RenderError: which platform, which step, and the tool's last words, for people to read."""

from __future__ import annotations

from a2a_mcp.errors import AgentError


class RenderError(AgentError):
    """A preview could not be rendered; str(error) says where and why."""

    code = "render_failed"

    def __init__(
        self,
        message: str,
        *,
        platform: str | None = None,
        step: str,
        stderr_tail: list[str] | None = None,
    ) -> None:
        self.platform = platform
        self.step = step
        self.stderr_tail = list(stderr_tail or [])
        where = f"{platform}: " if platform else ""
        text = f"render failed ({where}{step}): {message}"
        if self.stderr_tail:
            text += "\n  " + "\n  ".join(self.stderr_tail)
        super().__init__(
            text,
            details={"platform": platform, "step": step, "stderr_tail": self.stderr_tail},
        )

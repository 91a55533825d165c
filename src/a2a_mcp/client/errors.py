"""Map a remote failure's {"code", "message", "details"} back to the AgentError subclass."""

from __future__ import annotations

from typing import Any

from a2a_mcp.errors import AgentError, SkillFailedError


def _error_classes() -> dict[str, type[AgentError]]:
    """code -> class, over every AgentError subclass imported so far (domain ones included)."""
    found: dict[str, type[AgentError]] = {}
    pending: list[type[AgentError]] = [AgentError]
    while pending:
        cls = pending.pop()
        found.setdefault(cls.code, cls)
        pending.extend(cls.__subclasses__())
    return found


def error_from_payload(payload: dict[str, Any]) -> AgentError:
    """The AgentError a remote agent reported; an unknown code stays on a SkillFailedError."""
    code = str(payload.get("code") or SkillFailedError.code)
    message = str(payload.get("message") or "the agent reported a failure")
    details = payload.get("details") if isinstance(payload.get("details"), dict) else {}
    cls = _error_classes().get(code, SkillFailedError)
    try:
        error = cls(message, details=details)
    except TypeError:  # a subclass with its own constructor
        error = SkillFailedError(message, details=details)
    if error.code != code:
        error.code = code  # keep the machine-readable code even without a local class
    return error

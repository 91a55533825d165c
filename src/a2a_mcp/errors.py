"""Errors an agent or call can raise, each with a machine-readable code and a message for people."""

from __future__ import annotations

from typing import Any


class AgentError(Exception):
    """Base error: `code` is stable for machines, str(error) is for people."""

    code = "agent_error"
    retryable = False

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class UnknownAgentError(AgentError):
    code = "unknown_agent"


class UnknownSkillError(AgentError):
    code = "unknown_skill"


class InvalidInputError(AgentError):
    """The input did not validate; details['errors'] names every bad field."""

    code = "invalid_input"


class SkillFailedError(AgentError):
    code = "skill_failed"


class OutputInvalidError(SkillFailedError):
    """The skill made an output its own model refuses (a limit the input led past)."""

    code = "output_invalid"


class AgentUnavailableError(AgentError):
    """No replica of the agent could be reached (refused, breaker open, unhealthy)."""

    code = "agent_unavailable"
    retryable = True


class UnauthorizedError(AgentError):
    """The agent wants an API key this client did not send, or not the one it sent."""

    code = "unauthorized"


class RateLimitedError(AgentError):
    """The agent refused the call for this client's rate (HTTP 429); try again later."""

    code = "rate_limited"
    retryable = True


class CallTimeoutError(AgentError):
    code = "timeout"
    retryable = True


def describe_validation_error(exc: Any) -> tuple[str, list[dict[str, Any]]]:
    """Turn a pydantic ValidationError into one readable line and a list of field errors."""
    errors = [
        {"field": ".".join(str(p) for p in err.get("loc", ())) or "(root)", "problem": err["msg"]}
        for err in exc.errors(include_url=False)
    ]
    summary = "; ".join(f"{e['field']}: {e['problem']}" for e in errors[:5])
    if len(errors) > 5:
        summary += f"; and {len(errors) - 5} more"
    return summary, errors

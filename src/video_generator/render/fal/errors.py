"""FalError and its kinds: what fal.ai (or the way to it) said, as a message a person can act on."""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Mapping
from typing import Any

from a2a_mcp.errors import AgentError

KEYS_URL = "https://fal.ai/dashboard/keys"
BILLING_URL = "https://fal.ai/dashboard/billing"


class FalError(AgentError):
    """Base of every fal.ai failure: `code` for machines, str(error) for people.

    `status` is the HTTP status fal answered with (None when no answer came), `retry_after`
    the seconds fal asked us to wait (429), `request_id` the queue request it concerns.
    """

    code = "fal_error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        request_id: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        details = dict(details or {})
        # Remote callers rebuild errors from (message, details): keep the fields there too.
        if status is None:
            status = details.get("status")
        if retry_after is None:
            retry_after = details.get("retry_after")
        if request_id is None:
            request_id = details.get("request_id")
        details.update(status=status, retry_after=retry_after, request_id=request_id)
        super().__init__(message, details=details)
        self.status = status
        self.retry_after = retry_after
        self.request_id = request_id


class FalAuthError(FalError):
    """401, or no FAL_KEY at all."""

    code = "fal_auth"


class FalBalanceError(FalError):
    """403: the account's balance is used up (or the key may not use this model)."""

    code = "fal_balance"


class FalValidationError(FalError):
    """422: fal rejected the input; details['errors'] lists each field and what is wrong."""

    code = "fal_validation"


class FalRateLimitError(FalError):
    """429: too many requests for this key; retry_after says when to try again."""

    code = "fal_rate_limited"
    retryable = True


class FalTimeoutError(FalError):
    """No answer in time: a call to fal, or a clip that took longer than allowed."""

    code = "fal_timeout"
    retryable = True


class FalUnavailableError(FalError):
    """fal (or the model's runners) cannot take work now: 5xx, runner_*, startup_timeout, or
    our circuit breaker is open after repeated failures."""

    code = "fal_unavailable"
    retryable = True


class FalModelError(FalError):
    """A model id we do not know, or a model that cannot do what the run needs."""

    code = "fal_model"


class FalRequestError(FalError):
    """Any other refusal or failure of a request (an unexpected status or answer)."""

    code = "fal_request_failed"


class BudgetExceededError(FalError):
    """The estimate is over --budget: nothing was sent."""

    code = "budget_exceeded"


# ---------------------------------------------------------------- from an HTTP answer


def retry_after_seconds(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), else None."""
    raw = headers.get("Retry-After") or headers.get("retry-after")
    if not raw:
        return None
    raw = raw.strip()
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _detail_text(body: Any) -> str:
    """fal's `detail` (a string, or a list of field errors) or the raw body, shortened."""
    if isinstance(body, dict):
        detail = body.get("detail", body.get("error", body.get("message")))
        if isinstance(detail, str):
            return detail
        if detail is not None:
            return str(detail)[:300]
    if isinstance(body, str):
        return body.strip()[:300]
    return ""


def validation_errors(body: Any) -> list[dict[str, str]]:
    """fal's 422 `detail` as [{field, problem, type}]: loc joined with dots, 'body' dropped."""
    detail = body.get("detail") if isinstance(body, dict) else None
    if not isinstance(detail, list):
        text = _detail_text(body)
        return [{"field": "(input)", "problem": text or "invalid input", "type": ""}]
    errors = []
    for item in detail:
        if not isinstance(item, dict):
            errors.append({"field": "(input)", "problem": str(item), "type": ""})
            continue
        loc = [str(part) for part in item.get("loc") or [] if part != "body"]
        errors.append(
            {
                "field": ".".join(loc) or "(input)",
                "problem": str(item.get("msg") or "invalid value"),
                "type": str(item.get("type") or ""),
            }
        )
    return errors


def _error_type(body: Any, headers: Mapping[str, str]) -> str:
    if isinstance(body, dict) and isinstance(body.get("error_type"), str):
        return body["error_type"]
    return headers.get("X-Fal-Error-Type") or headers.get("x-fal-error-type") or ""


def error_from_response(
    status: int,
    body: Any,
    headers: Mapping[str, str],
    *,
    what: str,
    request_id: str | None = None,
) -> FalError:
    """The FalError for an HTTP error answer from fal. `what` names the call, e.g.
    "submit to fal-ai/veo3" or "result of request abc"."""
    detail = _detail_text(body)
    said = f" fal said: {detail}" if detail else ""
    error_type = _error_type(body, headers)
    common: dict[str, Any] = {"status": status, "request_id": request_id}
    base = {"what": what, "fal_detail": detail, "error_type": error_type or None}

    if status == 401:
        return FalAuthError(
            f"FAL_KEY was rejected (401) on {what}: check it at {KEYS_URL} and export "
            f"FAL_KEY=<key id>:<key secret>.{said}",
            details=base,
            **common,
        )
    if status == 403:
        return FalBalanceError(
            f"fal.ai refused {what} (403): the account balance is exhausted or this key may "
            f"not use the model. Top up at {BILLING_URL} (or check the key's scope), then run "
            f"again.{said}",
            details=base,
            **common,
        )
    if status == 422:
        errors = validation_errors(body)
        fields = "; ".join(f"{e['field']}: {e['problem']}" for e in errors[:5])
        return FalValidationError(
            f"fal.ai rejected the input of {what} (422): {fields}. Check that the model "
            f"accepts these values (see docs/fal.md), or choose another model with --model.",
            details={**base, "errors": errors, "fields": [e["field"] for e in errors]},
            **common,
        )
    if status == 429:
        wait = retry_after_seconds(headers)
        when = f"retry after {math.ceil(wait)} s" if wait is not None else "retry in a minute"
        return FalRateLimitError(
            f"fal.ai is rate limiting this key (429) on {what}: {when}, or lower the number "
            f"of clips made at once (--max-concurrency).{said}",
            retry_after=wait,
            details=base,
            **common,
        )
    if error_type == "request_timeout":
        return FalTimeoutError(
            f"fal.ai timed out running {what} ({status} request_timeout): try again; long "
            f"clips take longer, a shorter duration or a faster model helps.{said}",
            details=base,
            **common,
        )
    if (
        status in (502, 503, 504)
        or error_type.startswith("runner_")
        or error_type in ("startup_timeout",)
    ):
        kind = f"{status} {error_type}".strip()
        return FalUnavailableError(
            f"fal.ai cannot run {what} right now ({kind}): the model's servers are busy or "
            f"starting. Try again in a few minutes, or choose another model with --model.{said}",
            details=base,
            **common,
        )
    return FalRequestError(
        f"fal.ai answered {status} to {what}.{said or ' (no detail given)'}",
        details=base,
        **common,
    )

"""The LLM engine: an OpenAI-compatible chat-completions client over aiohttp, with fallbacks.

Each task's offline draft (the template engine's text) is sent with the facts it may use; the
model rewrites it within the task's limits. Empty or over-long replies fall back to the draft,
so an LLM can only make text better, never break a script's budget.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import structlog
from pydantic import SecretStr

from video_generator.engines.base import (
    EngineAuthError,
    EngineConfigError,
    EngineError,
    EngineUnavailableError,
    TextEngine,
    TextKind,
    TextTask,
)
from video_generator.engines.english import tidy

log = structlog.get_logger(component="llm_engine")

SessionFactory = Callable[[], aiohttp.ClientSession | Awaitable[aiohttp.ClientSession]]

ENGINE_VERSION = "1"
_RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
_SYSTEM = (
    "You write copy for short-form video production. Follow the task exactly. Reply with the "
    "finished text only: no quotes, no preamble, no markdown, no notes."
)
_INSTRUCTIONS: dict[TextKind, str] = {
    TextKind.HOOK: "Write the spoken opening hook: punchy, one sentence, makes people stay.",
    TextKind.NARRATION: "Write the spoken narration for this part of the video, natural "
    "and conversational, easy to say aloud, keeping the draft's points in the same order.",
    TextKind.CTA: "Write the spoken call to action that closes the video.",
    TextKind.ON_SCREEN: "Write the short on-screen text for this moment (a few words).",
    TextKind.TITLE: "Write the video's title.",
    TextKind.HASHTAGS: "Write the hashtags, space separated, each starting with #.",
    TextKind.SCENE_TITLE: "Write a short scene title for the storyboard.",
    TextKind.SUBJECT: "Name the shot's subject in a short noun phrase a camera can film.",
    TextKind.SHOT_DESCRIPTION: "Describe the shot for a storyboard in one or two sentences.",
    TextKind.PROMPT: "Write a text-to-video generation prompt for this shot: subject, action, "
    "setting, lighting, lens and look. Do not mention aspect ratio or on-screen text.",
    TextKind.MOTION_PROMPT: "Write the camera motion prompt for this shot in one phrase.",
    TextKind.NEGATIVE_PROMPT: "Write the negative prompt: comma-separated things to avoid.",
}


class LLMEngine(TextEngine):
    """Rewrites each draft with a chat model; temperature 0 and a seed for repeatability."""

    id = "llm"
    languages = frozenset({"*"})

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: SecretStr | str | None = None,
        session_factory: SessionFactory | None = None,
        timeout_s: float = 30.0,
        retries: int = 3,
        backoff_s: float = 0.5,
        max_backoff_s: float = 8.0,
        max_concurrency: int = 4,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.version = f"{ENGINE_VERSION}:{model}"
        self._api_key = (
            api_key if isinstance(api_key, SecretStr) or api_key is None else (SecretStr(api_key))
        )
        self._factory = session_factory
        self._session: aiohttp.ClientSession | None = None
        self._owns_session = False
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.max_concurrency = max_concurrency
        self._limit: asyncio.Semaphore | None = None
        self._limit_loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def from_settings(
        cls, settings: Any, session_factory: SessionFactory | None = None
    ) -> LLMEngine:
        """Build from the settings (VG_LLM_BASE_URL, VG_LLM_MODEL, OPENAI_API_KEY)."""
        base_url = settings.llm_base_url
        if settings.llm_api_key is None and "api.openai.com" in base_url:
            raise EngineConfigError(
                f"VG_ENGINE=llm calls {base_url}, which needs an API key: set OPENAI_API_KEY, "
                "or point VG_LLM_BASE_URL at a local OpenAI-compatible server, or use "
                "VG_ENGINE=template (the offline default)."
            )
        return cls(
            base_url=base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key,
            session_factory=session_factory,
            timeout_s=float(getattr(settings, "llm_timeout_s", 30.0)),
        )

    def _semaphore(self) -> asyncio.Semaphore:
        # One per event loop: a semaphore is bound to the loop that first waits on it.
        loop = asyncio.get_running_loop()
        if self._limit is None or self._limit_loop is not loop:
            self._limit = asyncio.Semaphore(self.max_concurrency)
            self._limit_loop = loop
        return self._limit

    @property
    def url(self) -> str:
        return f"{self.base_url}/chat/completions"

    async def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            if self._factory is None:
                self._session = aiohttp.ClientSession()
                self._owns_session = True
            else:
                made = self._factory()
                self._session = await made if inspect.isawaitable(made) else made
        return self._session

    async def aclose(self) -> None:
        """Close the session only if the engine made it (a shared pool is not ours to close)."""
        if self._owns_session and self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    def request_body(self, task: TextTask, draft: str) -> dict[str, Any]:
        """The chat-completions body for a task: deterministic, seeded from the task itself."""
        limits = []
        if task.max_words is not None:
            limits.append(f"at most {task.max_words} words")
        if task.max_chars is not None:
            limits.append(f"at most {task.max_chars} characters")
        facts = "; ".join(f"{k}: {v}" for k, v in sorted(task.context.items()) if v)
        user = "\n".join(
            line
            for line in (
                f"Task: {_INSTRUCTIONS[task.kind]}",
                f"Language: {task.language}",
                f"Limits: {', '.join(limits)}." if limits else "",
                f"Facts you may use (add no other facts, numbers or claims): {facts}"
                if facts
                else "",
                f"Draft: {draft}",
            )
            if line
        )
        digest = hashlib.sha256(f"{self.model}\n{task.model_dump_json()}".encode()).digest()
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": "system", "content": _SYSTEM}, {"role": "user", "content": user}],
            "temperature": 0,
            "seed": int.from_bytes(digest[:4], "big"),
            "n": 1,
        }
        if task.max_words is not None or task.max_chars is not None:
            # ~1.4 tokens a word; headroom so a reply at the limit is not cut mid-word.
            words = task.max_words or (task.max_chars or 0) // 4
            body["max_tokens"] = int(words * 2) + 16
        return body

    async def write(self, task: TextTask) -> str:
        draft = task.draft()
        async with self._semaphore():
            reply = await self._complete(self.request_body(task, draft))
        text = _clean(reply)
        if not text:
            log.info("llm_fallback", kind=task.kind.value, reason="empty reply")
            return draft
        if not task.fits(text):
            log.info("llm_fallback", kind=task.kind.value, reason="over the length limit")
            return draft
        return text

    async def _complete(self, body: dict[str, Any]) -> str:
        headers = {"Content-Type": "application/json"}
        if self._api_key is not None:
            headers["Authorization"] = f"Bearer {self._api_key.get_secret_value()}"
        session = await self._get_session()
        timeout = aiohttp.ClientTimeout(total=self.timeout_s)
        last_problem = ""
        for attempt in range(self.retries + 1):
            delay = min(self.max_backoff_s, self.backoff_s * 2**attempt)
            try:
                async with session.post(
                    self.url, json=body, headers=headers, timeout=timeout
                ) as response:
                    if response.status == 200:
                        return _content(await response.json(content_type=None))
                    detail = _error_detail(await response.text())
                    if response.status in (401, 403):
                        raise EngineAuthError(
                            f"the LLM API at {self.base_url} refused the API key "
                            f"(HTTP {response.status}): set OPENAI_API_KEY to a key that server "
                            "accepts, or use VG_ENGINE=template (the offline default)",
                            details={"status": response.status},
                        )
                    if response.status not in _RETRY_STATUSES and response.status < 500:
                        raise EngineError(
                            f"the LLM API at {self.base_url} rejected the request "
                            f"(HTTP {response.status}: {detail}); check VG_LLM_MODEL "
                            f"('{self.model}') and VG_LLM_BASE_URL",
                            details={"status": response.status},
                        )
                    last_problem = f"HTTP {response.status}"
                    delay = _retry_after(response.headers.get("Retry-After"), delay)
                    delay = min(delay, self.max_backoff_s)
            except (TimeoutError, aiohttp.ServerTimeoutError):
                last_problem = f"no answer within {self.timeout_s:g} s"
            except aiohttp.ClientConnectionError as exc:
                last_problem = f"connection failed ({type(exc).__name__})"
            log.warning("llm_retry", url=self.url, attempt=attempt + 1, problem=last_problem)
            if attempt < self.retries:
                await asyncio.sleep(delay)
        raise EngineUnavailableError(
            f"the LLM API at {self.base_url} failed {self.retries + 1} times "
            f"(last: {last_problem}); try again later or use VG_ENGINE=template",
            details={"problem": last_problem},
        )


def _content(payload: Any) -> str:
    try:
        content = payload["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        return ""
    return content if isinstance(content, str) else ""


def _clean(text: str) -> str:
    text = tidy(text)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'“”":
        text = text[1:-1].strip()
    return text.strip("“”").strip()


def _error_detail(text: str) -> str:
    return tidy(text)[:200] or "no detail"


def _retry_after(header: str | None, default: float) -> float:
    try:
        return max(0.0, float(header)) if header is not None else default
    except ValueError:
        return default

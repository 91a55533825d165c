"""Which LLM the settings name (VG_ENGINE=auto|llm), probing for a local Ollama when none is set."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import lru_cache

import structlog

from video_generator.engines.base import EngineConfigError
from video_generator.settings import Settings

log = structlog.get_logger(component="llm_probe")

OPENAI_URL = "https://api.openai.com/v1"
OPENAI_DEFAULT_MODEL = "gpt-4o-mini"


@dataclass(frozen=True)
class LLMTarget:
    base_url: str
    model: str
    found_by: str  # "settings" or "ollama probe"


@lru_cache(maxsize=16)
def ollama_models(url: str, timeout_s: float) -> tuple[str, ...] | None:
    """The models an Ollama at `url` lists (GET /api/tags), or None when none answers in time.

    Blocking on purpose: it runs once per process while the agents are built, and a refused
    connection on localhost returns at once.
    """
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/api/tags", timeout=timeout_s) as reply:
            payload = json.loads(reply.read(1_000_000))
    except (OSError, ValueError, urllib.error.URLError):
        return None
    models = payload.get("models") if isinstance(payload, dict) else None
    if not isinstance(models, list):
        return None
    return tuple(str(m["name"]) for m in models if isinstance(m, dict) and m.get("name"))


def resolve_llm(settings: Settings) -> LLMTarget | None:
    """The LLM to use, or None for the offline engine; EngineConfigError when VG_ENGINE=llm
    cannot be met or a configured LLM is incomplete."""
    if settings.engine in ("offline", "template"):
        return None
    if settings.llm_api_key is not None or settings.llm_base_url:
        base_url = (settings.llm_base_url or OPENAI_URL).rstrip("/")
        if settings.llm_api_key is None and "api.openai.com" in base_url:
            raise EngineConfigError(
                f"the LLM at {base_url} needs an API key: set VG_LLM_API_KEY (or "
                "OPENAI_API_KEY), or point VG_LLM_BASE_URL at another OpenAI-compatible "
                "server, or set VG_ENGINE=offline (docs/engines.md)"
            )
        default = OPENAI_DEFAULT_MODEL if "api.openai.com" in base_url else None
        model = settings.llm_model or default
        if not model:
            raise EngineConfigError(
                f"VG_LLM_BASE_URL is {base_url} but VG_LLM_MODEL is not set: set it to a model "
                "that server serves (docs/engines.md)"
            )
        return LLMTarget(base_url=base_url, model=model, found_by="settings")
    models = ollama_models(settings.ollama_url, settings.llm_probe_timeout_s)
    if models:
        model = settings.llm_model or models[0]
        return LLMTarget(
            base_url=f"{settings.ollama_url.rstrip('/')}/v1", model=model, found_by="ollama probe"
        )
    if models is not None:
        log.warning(
            "ollama_has_no_model",
            url=settings.ollama_url,
            hint="ollama pull llama3.2 (or any model), then run again",
        )
    if settings.engine == "llm":
        raise EngineConfigError(
            "VG_ENGINE=llm but no LLM is configured and no Ollama answers at "
            f"{settings.ollama_url} (with a model): start Ollama and pull a model, or set "
            "VG_LLM_BASE_URL and VG_LLM_MODEL (docs/engines.md)"
        )
    return None

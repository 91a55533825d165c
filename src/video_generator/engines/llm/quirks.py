"""Provider quirks: what a server or model family refuses, in one table (docs/engines.md)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from fnmatch import fnmatch
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Quirk:
    """One rule: for servers of `provider` and models matching `model`, what to change."""

    provider: str  # a provider name from provider_of(), or "*"
    model: str  # an fnmatch pattern over the model's last path part ("openai/o3" -> "o3")
    why: str
    seed: bool | None = None  # False: omit `seed`
    temperature: bool | None = None  # False: omit `temperature`
    tokens_field: str | None = None  # the name of the output-token limit
    structured: str | None = None  # "json_schema" or "json_object"


@dataclass(frozen=True)
class RequestShape:
    """How requests to one provider/model are built, once every matching quirk applied."""

    seed: bool = True
    temperature: bool = True
    tokens_field: str = "max_tokens"
    structured: str = "json_schema"


QUIRKS: tuple[Quirk, ...] = (
    Quirk("gemini", "*", "Gemini's OpenAI-compatible endpoint rejects `seed`", seed=False),
    Quirk(
        "*",
        "o[0-9]*",
        "OpenAI's o-series reasoning models reject `max_tokens` and a set temperature",
        temperature=False,
        tokens_field="max_completion_tokens",
    ),
    Quirk(
        "*",
        "gpt-5*",
        "gpt-5 models (reasoning) reject `max_tokens` and a set temperature",
        temperature=False,
        tokens_field="max_completion_tokens",
    ),
)

_HOSTS = {
    "api.openai.com": "openai",
    "generativelanguage.googleapis.com": "gemini",
    "openrouter.ai": "openrouter",
}


def provider_of(base_url: str) -> str:
    """The provider a base URL belongs to: openai, gemini, openrouter, ollama or compatible."""
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    for known, name in _HOSTS.items():
        if host == known or host.endswith("." + known):
            return name
    if parts.port == 11434:
        return "ollama"
    return "compatible"


def shape_for(base_url: str, model: str, quirks: tuple[Quirk, ...] = QUIRKS) -> RequestShape:
    """The request shape for a server and model: the defaults, then each matching quirk."""
    provider = provider_of(base_url)
    family = model.rsplit("/", 1)[-1].lower()
    shape = RequestShape()
    for quirk in quirks:
        if quirk.provider in ("*", provider) and fnmatch(family, quirk.model):
            changes = {
                name: getattr(quirk, name)
                for name in ("seed", "temperature", "tokens_field", "structured")
                if getattr(quirk, name) is not None
            }
            shape = replace(shape, **changes)
    return shape

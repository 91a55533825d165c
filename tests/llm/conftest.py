"""Fixtures: a loopback LLM stand-in, and the settings that point the engine at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from llm_standin import API_KEY, StandIn, running
from video_generator.app import runtime
from video_generator.engines.llm import ollama_models
from video_generator.settings import get_settings


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with running(StandIn(api_key=API_KEY)) as server:
        yield server


@pytest.fixture
def use_llm(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Point VG_* at a stand-in (or any URL); settings re-read, probe forgotten."""

    def point(base_url: str, *, engine: str = "llm", **extra: str) -> None:
        monkeypatch.setenv("VG_ENGINE", engine)
        monkeypatch.setenv("VG_LLM_BASE_URL", base_url)
        monkeypatch.setenv("VG_LLM_MODEL", "standin-model")
        monkeypatch.setenv("VG_LLM_API_KEY", API_KEY)
        monkeypatch.delenv("OPENAI_API_KEY", raising=False)
        monkeypatch.setenv("VG_LLM_TIMEOUT_S", "20")
        for name, value in extra.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        ollama_models.cache_clear()
        # A fresh memory cache: a stand-in on a port an earlier test used must not be served
        # that test's entries (the server URL is part of the key).
        runtime._caches.clear()

    yield point
    get_settings.cache_clear()
    ollama_models.cache_clear()

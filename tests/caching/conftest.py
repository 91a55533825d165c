"""Fixtures for the caching tests: VG_* settings for one test, then everything as it was."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from video_generator.settings import get_settings
from video_generator.templates import get_templates


@pytest.fixture
def vg_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """vg_env(VG_CACHE_URL=...) sets environment variables the settings read, for this test."""
    templates = get_templates()
    store = templates.store

    def set_env(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield set_env
    get_settings.cache_clear()
    templates.use_store(store)  # a Redis store chosen by the settings goes with them

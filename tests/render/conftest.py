"""Renderer tests: renders in a temporary work folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from video_generator.settings import get_settings


@pytest.fixture(autouse=True)
def render_work_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """The orchestrator's render work folder (VG_RENDER_DIR) in a temporary folder, not ./out."""
    monkeypatch.setenv("VG_RENDER_DIR", str(tmp_path_factory.mktemp("renders")))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()

"""Renderer tests: shared helpers (tests/video factories, render_support) on sys.path; renders
in a temporary work folder."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from video_generator.settings import get_settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "video"))


@pytest.fixture(autouse=True)
def render_work_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """The orchestrator's render work folder (VG_RENDER_DIR) in a temporary folder, not ./out."""
    monkeypatch.setenv("VG_RENDER_DIR", str(tmp_path_factory.mktemp("renders")))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()

"""Limits tests: the video factories (tests/video) on sys.path; renders in a temporary folder."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "video"))

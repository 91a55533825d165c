"""Suite-wide: the offline engine, so a local Ollama (VG_ENGINE=auto finds one) cannot change
what the tests see; tests/llm chooses its engine itself."""

from __future__ import annotations

import os

os.environ["VG_ENGINE"] = "offline"

# A real redis-server per session or per test (tests/support/redis_fixtures.py).
pytest_plugins = ["redis_fixtures"]

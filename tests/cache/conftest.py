"""Fixtures for the cache tests: a real redis-server on a free port, started and stopped here.

The fixtures live in a2a_mcp.cache.pytest_plugin so other test folders can reuse them, either
by importing them like this or with `pytest_plugins = ["a2a_mcp.cache.pytest_plugin"]` in the
root conftest.py.
"""

import pytest

from a2a_mcp.cache.pytest_plugin import (  # noqa: F401  (fixtures are found by name)
    redis_server,
    redis_url,
    shared_redis_server,
)
from a2a_mcp.observability import configure_logging


@pytest.fixture(autouse=True)
def _info_logging() -> None:
    """These tests read info-level events (capture_logs); a test elsewhere in the same run may
    have configured a higher level, which drops them before they are captured."""
    configure_logging("INFO")

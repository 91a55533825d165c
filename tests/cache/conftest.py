"""Cache tests: info-level logging, so capture_logs sees the events they read."""

import pytest

from a2a_mcp.observability import configure_logging


@pytest.fixture(autouse=True)
def _info_logging() -> None:
    """These tests read info-level events (capture_logs); a test elsewhere in the same run may
    have configured a higher level, which drops them before they are captured."""
    configure_logging("INFO")

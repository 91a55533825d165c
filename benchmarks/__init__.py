"""Benchmarks: run as modules (python -m benchmarks.NAME); never part of the test suite."""

import sys
from pathlib import Path

# The loopback stand-ins and the private redis-server the tests use (tests/support), for the
# benchmarks that need them: importable by module name, as in the tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))

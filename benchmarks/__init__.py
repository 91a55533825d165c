"""Benchmarks: run as modules (python -m benchmarks.NAME); never part of the test suite."""

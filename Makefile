# Everyday commands. `make demo` and `make test` work on a fresh machine (see README).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
BRIEF ?= a 45-second TikTok and Reel about cold brew for busy parents, upbeat, end with 'link in bio'
APT_PACKAGES := redis-server espeak-ng fonts-dejavu-core postgresql

.PHONY: install install-dev system-deps demo test lint typecheck bench tck

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-dev: $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'

# Debian packages the tests use: a real redis-server, espeak-ng for voice-over, fonts for frames,
# PostgreSQL for the task database tests (started by the tests themselves, never as a service).
system-deps:
	@if command -v apt-get >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	else echo "no apt-get: install $(APT_PACKAGES) yourself"; fi

demo: install
	$(BIN)/vidgen make "$(BRIEF)" --render

test: system-deps install-dev
	$(BIN)/mypy
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

# mypy on src/ with the settings in pyproject.toml ([tool.mypy]).
typecheck: install-dev
	$(BIN)/mypy

bench: $(BIN)/python
	$(BIN)/pip install -q -e '.[dev,bench]'
	$(BIN)/python -m benchmarks.workflow --json

# The A2A TCK against the orchestrator and one specialist (docs/a2a.md): TCK=<your a2a-tck clone>.
tck: install
	$(BIN)/python tools/a2a_tck.py --tck "$(TCK)"

"""The layering rules, read from the source (AST, nothing imported or run)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
AGENTS = SRC / "video_generator" / "agents"
CORE = SRC / "video_generator" / "core"
APP = SRC / "video_generator" / "app"
# What may import the process wiring (app): the entry points around it.
_ABOVE_APP = ("video_generator.app", "video_generator.cli", "video_generator.mcp_server")
_IMPORTERS = {"import_module", "__import__"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, name: str | None = None) -> set[str]:
    """Every module `path` (module `name`, default: from its place under src/) imports, by
    absolute name: import statements at any depth (also inside functions), relative imports
    resolved, `from pkg import name` also counted as `pkg.name` (it may be a submodule), and
    string constants given to import_module/__import__."""
    package = (name or _module_name(path)).split(".")
    if path.name != "__init__.py":
        package.pop()
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            first = node.args[0] if node.args else None
            if name in _IMPORTERS and isinstance(first, ast.Constant):
                if isinstance(first.value, str):
                    found.add(first.value)
    return found


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _sources(root: Path) -> list[Path]:
    return sorted(root.rglob("*.py"))


# One agent per module or subpackage of agents/.
_AGENT_NAMES = {
    path.stem if path.is_file() else path.name
    for path in AGENTS.iterdir()
    if path.name != "__init__.py" and (path.suffix == ".py" or (path / "__init__.py").exists())
}


def _agent_of(module: str) -> str | None:
    """The agent a module name belongs to (`video_generator.agents.<agent>[...]`), or None."""
    parts = module.split(".")
    if parts[:2] == ["video_generator", "agents"] and len(parts) > 2:
        return parts[2] if parts[2] in _AGENT_NAMES else None
    return None


def test_the_sources_are_where_the_rules_look() -> None:
    assert len(_sources(SRC / "a2a_mcp")) > 20
    assert {"models", "platforms", "captions", "timeline", "quality"} <= {
        path.stem for path in _sources(CORE)
    }
    assert {"runtime", "mesh", "agent_cache"} <= {path.stem for path in _sources(APP)}
    agents = {_agent_of(_module_name(path)) for path in _sources(AGENTS)} - {None}
    assert {"orchestrator", "script_writer", "scene_designer"} <= agents


@pytest.mark.parametrize("path", _sources(SRC / "a2a_mcp"), ids=lambda p: _module_name(p))
def test_a2a_mcp_never_imports_video_generator(path: Path) -> None:
    upward = sorted(m for m in imported_modules(path) if _within(m, "video_generator"))
    assert not upward, f"{_module_name(path)} (the framework) imports the product: {upward}"


def _outside_core(module: str) -> bool:
    return _within(module, "video_generator") and not _within(module, "video_generator.core")


@pytest.mark.parametrize("path", _sources(CORE), ids=lambda p: _module_name(p))
def test_core_imports_nothing_else_of_video_generator(path: Path) -> None:
    upward = sorted(m for m in imported_modules(path) if _outside_core(m))
    assert not upward, f"{_module_name(path)} (the core) imports upward: {upward}"


@pytest.mark.parametrize("path", _sources(CORE), ids=lambda p: _module_name(p))
def test_core_imports_only_at_the_top(path: Path) -> None:
    """No import inside a function in the core: a circle there is seen, not hidden."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)}
    hidden = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in top
    ]
    assert not hidden, f"{_module_name(path)} imports inside a function at lines {hidden}"


_BELOW_APP = [
    path
    for path in _sources(SRC / "video_generator")
    if not any(_within(_module_name(path), top) for top in _ABOVE_APP)
]


@pytest.mark.parametrize("path", _BELOW_APP, ids=lambda p: _module_name(p))
def test_only_the_entry_points_import_the_wiring(path: Path) -> None:
    wiring = sorted(m for m in imported_modules(path) if _within(m, "video_generator.app"))
    assert not wiring, f"{_module_name(path)} imports the process wiring: {wiring}"


@pytest.mark.parametrize("path", _sources(AGENTS), ids=lambda p: _module_name(p))
def test_agents_never_import_each_other(path: Path) -> None:
    own = _agent_of(_module_name(path))
    others = sorted(m for m in imported_modules(path) if _agent_of(m) not in (None, own))
    assert not others, f"agent module {_module_name(path)} imports another agent: {others}"


# The parts the agents are made of: below the agents, so they may not import one.
_PARTS = ("brief", "engines", "templates", "output", "render", "request", "settings")


_PART_SOURCES = [
    path
    for path in _sources(SRC / "video_generator")
    if any(_within(_module_name(path), f"video_generator.{part}") for part in _PARTS)
]


@pytest.mark.parametrize("path", _PART_SOURCES, ids=lambda p: _module_name(p))
def test_the_parts_import_no_agent(path: Path) -> None:
    agents = sorted(m for m in imported_modules(path) if _within(m, "video_generator.agents"))
    assert not agents, f"{_module_name(path)} (a part of the agents) imports an agent: {agents}"


# Below the wiring and the entry points, where the settings are read; the module itself aside.
_GIVEN_SETTINGS = [p for p in _BELOW_APP if _module_name(p) != "video_generator.settings"]


@pytest.mark.parametrize("path", _GIVEN_SETTINGS, ids=lambda p: _module_name(p))
def test_settings_are_read_at_the_entry_points_and_handed_down(path: Path) -> None:
    """Agents, engines, render and the rest take the one Settings object as an argument; only
    the wiring and the entry points read it (get_settings) from the environment."""
    reads = sorted(
        m for m in imported_modules(path) if m == "video_generator.settings.get_settings"
    )
    assert not reads, f"{_module_name(path)} reads the settings itself: take them as an argument"


def test_video_generator_has_packages_not_loose_modules() -> None:
    """Only the settings object and the run request sit at the top; the rest is in packages."""
    loose = {p.stem for p in (SRC / "video_generator").glob("*.py")} - {"__init__"}
    assert loose == {"settings", "request"}


@pytest.mark.parametrize("path", _sources(SRC), ids=lambda p: _module_name(p))
def test_no_test_tooling_ships_in_src(path: Path) -> None:
    tooling = sorted(m for m in imported_modules(path) if _within(m, "pytest"))
    assert not tooling, f"{_module_name(path)} is test tooling (imports {tooling}): tests/support"


def test_the_rules_catch_what_they_forbid(tmp_path: Path) -> None:
    """The import reader sees the forms a violation could take (so a pass above means it)."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import video_generator.core.models\n"
        "def later():\n"
        "    from video_generator.agents import script_writer\n"
        "    importlib.import_module('video_generator.agents.scene_designer')\n"
    )
    found = imported_modules(sample, "video_generator.agents.orchestrator")
    assert any(_within(m, "video_generator") for m in found)
    assert {_agent_of(m) for m in found} >= {"script_writer", "scene_designer"}
    relative = tmp_path / "relative.py"
    relative.write_text("from .timing_coordinator import TimingCoordinator\n")
    found = imported_modules(relative, "video_generator.agents.orchestrator")
    assert "video_generator.agents.timing_coordinator" in found
    # A core module reaching up, the way models.py once did (a function-level import), and
    # a relative import out of core: both seen.
    core = tmp_path / "core.py"
    core.write_text(
        "from video_generator.core.captions import time_cues\n"
        "def srt():\n"
        "    from video_generator.output.package import to_srt\n"
        "from ..render.fal import models\n"
    )
    found = imported_modules(core, "video_generator.core.models")
    assert sorted(m for m in found if _outside_core(m)) == [
        "video_generator.output.package",
        "video_generator.output.package.to_srt",
        "video_generator.render.fal",
        "video_generator.render.fal.models",
    ]

"""`vidgen cache stats|clear|warm` operate the agents' cache; `vidgen templates` lists usage."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any, TypedDict

from video_generator.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    UserError,
    add_command,
)
from video_generator.settings import get_settings

# The names without importing the agents (argparse needs them for every command).
AGENT_NAMES = (
    "orchestrator",
    "script_writer",
    "scene_designer",
    "timing_coordinator",
    "platform_adapter",
)
MEMORY_NOTE = "VG_CACHE_URL is memory://, a cache that lives and dies with each process"


def register(commands: Any) -> None:
    cache = add_command(commands, "cache", _need_subcommand, "look at, clear or warm the cache")
    sub = cache.add_subparsers(dest="cache_command", metavar="ACTION")

    stats = sub.add_parser("stats", help="hits, misses, hit ratio, bytes, seconds saved per agent")
    stats.set_defaults(handler=cmd_stats)
    stats.add_argument("--json", action="store_true", help="print one JSON object")

    clear = sub.add_parser("clear", help="delete cached entries (all, or one agent's)")
    clear.set_defaults(handler=cmd_clear)
    clear.add_argument("--agent", choices=AGENT_NAMES, metavar="AGENT", help=", ".join(AGENT_NAMES))
    clear.add_argument(
        "--reset-stats", action="store_true", help="also zero the counters `stats` shows"
    )

    warm = sub.add_parser("warm", help="run the briefs in a file so their results are cached")
    warm.set_defaults(handler=cmd_warm)
    warm.add_argument(
        "--briefs",
        type=Path,
        required=True,
        metavar="FILE",
        help="one brief per line (# comments), or a YAML/JSON list of briefs or {text: ...}",
    )
    warm.add_argument(
        "--remote",
        nargs="?",
        const="",
        metavar="URL",
        help="run them on a running mesh (`vidgen up`); URL of its orchestrator",
    )
    warm.add_argument("--concurrency", type=int, default=4, help="briefs run at once (default 4)")

    templates = add_command(
        commands, "templates", cmd_templates, "list the templates with their usage and scores"
    )
    templates.add_argument("--kind", help="only this kind (hook, cta, narration, ...)")
    templates.add_argument("--used", action="store_true", help="only templates used so far")
    templates.add_argument(
        "--sort", choices=("id", "uses", "score"), default="id", help="order (default id)"
    )
    templates.add_argument("--json", action="store_true", help="print one JSON object")


def _need_subcommand(args: argparse.Namespace) -> int:
    raise UserError(
        "say what to do with the cache: vidgen cache stats | clear | warm --briefs FILE"
    )


# ---------------------------------------------------------------- stats and clear


def _cache() -> Any:
    from video_generator.app.runtime import video_cache

    return video_cache()


def _unreachable(cache: Any, exc: Exception) -> int:
    print(
        f"error: cannot reach the cache at {cache.where}: {exc}. Is Redis running? "
        "(VG_CACHE_URL names it)",
        file=sys.stderr,
    )
    return EXIT_FAILED


def cmd_stats(args: argparse.Namespace) -> int:
    from a2a_mcp.cache import CacheUnavailableError

    cache = _cache()

    async def read() -> Any:
        try:
            return await cache.stats()
        finally:
            await cache.aclose()

    try:
        stats = asyncio.run(read())
    except CacheUnavailableError as exc:
        return _unreachable(cache, exc)
    if args.json:
        print(json.dumps({"url": cache.where, **stats.model_dump(mode="json")}, indent=2))
        return EXIT_OK
    entries = "" if stats.entries is None else f", {stats.entries} entries"
    held = "" if stats.stored_bytes is None else f", {_bytes(stats.stored_bytes)} held"
    print(f"cache: {cache.where} ({stats.backend}{entries}{held})")
    if stats.backend == "memory":
        print(f"note: {MEMORY_NOTE}; these counters cover only this command. Use Redis to share.")
    header = (
        f"{'agent':<20} {'hits':>7} {'shared':>7} {'misses':>7} {'errors':>6} {'ratio':>7} "
        f"{'stored':>9} {'served':>9} {'saved':>9}"
    )
    print(header)
    rows = [*sorted(stats.agents.items()), ("total", stats.total)]
    for name, row in rows:
        print(
            f"{name:<20} {row.hits:>7} {row.shared:>7} {row.misses:>7} {row.errors:>6} "
            f"{row.hit_ratio:>7.1%} {_bytes(row.bytes_stored):>9} {_bytes(row.bytes_served):>9} "
            f"{row.seconds_saved:>8.2f}s"
        )
    return EXIT_OK


def _bytes(count: int) -> str:
    size = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def cmd_clear(args: argparse.Namespace) -> int:
    from a2a_mcp.cache import CacheUnavailableError

    cache = _cache()

    async def clear() -> int:
        try:
            removed = await cache.clear(args.agent)
            if args.reset_stats:
                await cache.skills.flush_stats()
                await cache.skills.cache.reset_stats(args.agent)
            return removed
        finally:
            await cache.aclose()

    try:
        removed = asyncio.run(clear())
    except CacheUnavailableError as exc:
        return _unreachable(cache, exc)
    whose = f"{args.agent}'s" if args.agent else "every agent's"
    noun = "entry" if removed == 1 else "entries"
    print(f"removed {removed} cached {noun} ({whose}) from {cache.where}")
    if cache.backend == "memory":
        print(f"note: {MEMORY_NOTE}; a running agent's memory cache is not touched.")
    return EXIT_OK


# ---------------------------------------------------------------- warm


def read_briefs(path: Path) -> list[str]:
    """Briefs from a file: YAML/JSON (a list of strings or of {text: ...}, or {briefs: [...]}),
    else plain text with one brief per line; blank lines and # comments are skipped."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot read briefs file {path}: {exc.strerror or exc}") from None
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise UserError(f"{path} is not valid YAML/JSON: {exc}") from None
        if isinstance(data, dict):
            data = data.get("briefs")
        if not isinstance(data, list):
            raise UserError(
                f"{path} must hold a list of briefs (strings, or objects with 'text'), "
                "or {briefs: [...]}"
            )
        briefs = []
        for number, item in enumerate(data, 1):
            brief = item.get("text") if isinstance(item, dict) else item
            if isinstance(item, dict) and item.get("error"):
                continue  # a corpus entry that is meant to fail
            if not isinstance(brief, str) or not brief.strip():
                raise UserError(
                    f"{path}: entry {number} is not a brief (a string or {{text: ...}})"
                )
            briefs.append(brief.strip())
    else:
        lines = (line.strip() for line in text.splitlines())
        briefs = [line for line in lines if line and not line.startswith("#")]
    if not briefs:
        raise UserError(f"{path} holds no briefs")
    return briefs


def cmd_warm(args: argparse.Namespace) -> int:
    briefs = read_briefs(args.briefs)
    if args.concurrency < 1:
        raise UserError("--concurrency must be at least 1")
    if args.remote and not args.remote.startswith(("http://", "https://")):
        raise UserError(
            f"--remote takes the orchestrator's URL, like http://127.0.0.1:10100, not "
            f"'{args.remote}'"
        )
    if args.remote is None:
        url = get_settings().cache_url
        if url.strip().lower().startswith(("memory:", "none:")):
            raise UserError(
                f"{MEMORY_NOTE if url.startswith('memory') else 'VG_CACHE_URL is none://'}, "
                "so warming it here leaves nothing behind. Point VG_CACHE_URL at the Redis the "
                "agents use (redis://host:6379/0), or warm a running mesh with --remote URL."
            )
    started = time.perf_counter()
    results = asyncio.run(_warm(briefs, args.remote, args.concurrency))
    seconds = time.perf_counter() - started
    counts = {state: sum(1 for r in results if r[0] == state) for state in ("computed", "cached")}
    failed = [r for r in results if r[0] == "failed"]
    for _, brief, reason in failed:
        print(f"failed: {brief[:60]!r}: {reason}", file=sys.stderr)
    where = args.remote or ("the mesh" if args.remote == "" else _cache().where)
    print(
        f"warmed {len(briefs) - len(failed)} of {len(briefs)} briefs in {seconds:.1f} s "
        f"({counts['computed']} computed, {counts['cached']} already cached, "
        f"{len(failed)} failed) into {where}"
    )
    if not failed:
        return EXIT_OK
    return EXIT_USAGE if all(r[2].startswith("invalid") for r in failed) else EXIT_FAILED


async def _warm(
    briefs: list[str], remote: str | None, concurrency: int
) -> list[tuple[str, str, str]]:
    """(state, brief, reason) per brief: state computed, cached or failed."""
    from a2a_mcp.errors import AgentError
    from video_generator.request import VideoRequest

    gate = asyncio.Semaphore(concurrency)
    if remote is None:
        from video_generator.app.runtime import build_orchestrator

        orchestrator = build_orchestrator()
        client = orchestrator.client

        async def make(request: Any, progress: Any) -> Any:
            return await orchestrator.run("make_video", request, progress)

    else:
        from a2a_mcp.client import close_pool
        from video_generator.app.remote import make_remote

        async def make(request: Any, progress: Any) -> Any:
            return await make_remote(request, progress, url=remote or None)

    async def one(brief: str) -> tuple[str, str, str]:
        hit = False

        async def progress(fraction: float, message: str = "", data: dict | None = None) -> None:
            nonlocal hit
            event = (data or {}).get("event") or {}
            hit = hit or bool((data or {}).get("cached") or event.get("data", {}).get("cached"))

        async with gate:
            try:
                await make(VideoRequest(brief=brief), progress)
            except AgentError as exc:
                return "failed", brief, f"{exc.code}: {exc.message}"
        return ("cached" if hit else "computed"), brief, ""

    try:
        return await asyncio.gather(*(one(brief) for brief in briefs))
    finally:
        if remote is None:
            await client.aclose()
        else:
            await close_pool()


# ---------------------------------------------------------------- templates


class _TemplateRow(TypedDict):
    """One template's line in `vidgen cache templates` (and its --json output)."""

    id: str
    kind: str
    uses: int
    effectiveness: float | None
    scores: int


def cmd_templates(args: argparse.Namespace) -> int:
    from a2a_mcp.offers import Closable
    from video_generator.app.runtime import use_template_store
    from video_generator.templates import get_templates

    templates = get_templates()
    use_template_store(templates)
    if args.kind and args.kind not in templates.kinds():
        raise UserError(f"no template kind '{args.kind}'; kinds: {', '.join(templates.kinds())}")

    async def read() -> Any:
        try:
            return await templates.usage()
        finally:
            if isinstance(templates.store, Closable):
                await templates.store.aclose()

    usage = asyncio.run(read())
    rows: list[_TemplateRow] = []
    for kind in templates.kinds():
        if args.kind and kind != args.kind:
            continue
        for template in templates.select(kind):
            stats = usage.get(template.id)
            uses = stats.uses if stats else 0
            if args.used and not uses:
                continue
            rows.append(
                _TemplateRow(
                    id=template.id,
                    kind=template.kind,
                    uses=uses,
                    effectiveness=stats.effectiveness if stats else None,
                    scores=stats.score_count if stats else 0,
                )
            )
    if args.sort == "uses":
        rows.sort(key=lambda r: (-r["uses"], r["id"]))
    elif args.sort == "score":
        rows.sort(key=lambda r: (-(r["effectiveness"] or -1.0), r["id"]))
    else:
        rows.sort(key=lambda r: r["id"])
    where = _store_name(templates.store)
    if args.json:
        print(
            json.dumps({"library": templates.version, "store": where, "templates": rows}, indent=2)
        )
        return EXIT_OK
    print(f"template library {templates.version}, usage from {where}")
    print(f"{'template':<44} {'uses':>6} {'effectiveness':>14}")
    for row in rows:
        score = (
            "-" if row["effectiveness"] is None else f"{row['effectiveness']:.2f} ({row['scores']})"
        )
        print(f"{row['id']:<44} {row['uses']:>6} {score:>14}")
    total = sum(r["uses"] for r in rows)
    print(f"{len(rows)} templates, {total} uses")
    return EXIT_OK


def _store_name(store: Any) -> str:
    from a2a_mcp.cache import redact_url
    from video_generator.app.template_store import RedisUsageStore

    if isinstance(store, RedisUsageStore):
        return redact_url(store.url)
    return "this process's memory (set VG_CACHE_URL to Redis to share)"

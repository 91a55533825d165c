"""`vidgen render DIR`: make a package again from the creator's edits, and render its videos."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from a2a_mcp.events import ProgressEvent
from video_generator.cli.common import UserError, add_command, quality_exit


def register(commands: Any) -> None:
    render = add_command(
        commands,
        "render",
        cmd_render,
        "re-time and re-render a package after you edited script.md or package.json",
    )
    render.add_argument("folder", type=Path, metavar="DIR", help="the package folder")
    render.add_argument(
        "--no-video",
        action="store_true",
        help="re-time captions, shots and cuts to the new words, but render no video",
    )
    render.add_argument("--full-res", action="store_true", help="the platform's full resolution")
    render.add_argument("--voice", metavar="NAME", help="the voice-over (see `vidgen voices`)")
    render.add_argument(
        "--caption-style", choices=("pop", "karaoke", "boxed", "cues"), help="word captions"
    )
    render.add_argument(
        "--remote",
        nargs="?",
        const="",
        metavar="URL",
        help="make it on a running mesh (`vidgen up`); URL of its orchestrator",
    )
    render.add_argument("--json", action="store_true", help="print the package JSON to stdout")
    render.add_argument("--quiet", action="store_true", help="no progress display")


def cmd_render(args: argparse.Namespace) -> int:
    from video_generator.brief.script_file import ScriptFileError
    from video_generator.cli.make import (
        _bring_rendered,
        _draft_note,
        _print_render,
        _print_summary,
        _write,
    )
    from video_generator.output.edits import read_edits
    from video_generator.output.package import PackageError
    from video_generator.request import RenderRequest, VideoRequest

    if args.remote and not args.remote.startswith(("http://", "https://")):
        raise UserError(f"--remote takes the orchestrator's URL, not '{args.remote}'")
    if args.no_video and (args.full_res or args.voice or args.caption_style):
        raise UserError(
            "--full-res, --voice and --caption-style apply to the video: drop --no-video"
        )
    try:
        edits = read_edits(args.folder)
    except (PackageError, ScriptFileError) as exc:
        raise UserError(str(exc)) from None
    brief = edits.package.brief
    render = (
        None
        if args.no_video
        else RenderRequest(
            full_res=args.full_res, voice=args.voice, caption_style=args.caption_style or "pop"
        )
    )
    request = VideoRequest(
        brief=brief.text,
        render=render,
        platforms=list(brief.platforms),
        # The brief's own length stays the target; one it never gave follows the new words.
        duration_s=None if "duration_s" in brief.assumed else brief.duration_s,
        script=edits.source,
    )
    from video_generator.cli.progress_view import ProgressView

    view = ProgressView(live=False if args.quiet else None)
    with view:
        package, files = asyncio.run(_run(request, args, view))
    _write(package, args.folder, force=True)  # the edits are in the new package now
    if package.render is None and edits.package.render is not None:
        # The old previews speak the old words: gone, rather than left to mislead.
        for name in edits.package.render.files():
            (args.folder / name).unlink(missing_ok=True)
    if package.render is not None:
        _bring_rendered(
            package.render,
            files,
            args.folder,
            remote=args.remote is not None,
            remote_url=args.remote or "",
        )
    edited = ", ".join(edits.edited) or "nothing edited"
    if args.json:
        sys.stdout.write(package.model_dump_json(indent=2) + "\n")
        print(f"re-made from your edits ({edited})", file=sys.stderr)
    else:
        print(f"re-made from your edits ({edited})")
        _print_summary(package, args.folder)
        if package.render is not None:
            _print_render(package.render, args.folder)
    _draft_note(package, sys.stderr if args.json else sys.stdout)
    return quality_exit(package.quality)


async def _run(request: Any, args: argparse.Namespace, view: Any) -> tuple[Any, list[Any]]:
    """The new package, and the files a remote orchestrator published (none in-process)."""
    from a2a_mcp.client import close_pool
    from video_generator.cli.make import _render_dir

    async def on_progress(fraction: float, message: str = "", data: dict | None = None) -> None:
        if data and "event" in data and not args.quiet:
            await view.on_event(ProgressEvent.model_validate(data["event"]))

    if args.remote is not None:
        from video_generator.app.remote import make_remote_with_files

        try:
            return await make_remote_with_files(request, on_progress, url=args.remote or None)
        finally:
            await close_pool()
    from video_generator.app.runtime import build_orchestrator

    orchestrator = build_orchestrator(render_dir=_render_dir(args.folder))
    try:
        return await orchestrator.run("make_video", request, on_progress), []
    finally:
        await orchestrator.client.aclose()
        await close_pool()

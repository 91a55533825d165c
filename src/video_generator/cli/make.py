"""`vidgen make`: a brief in, a package folder out, with live progress."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from a2a_mcp.events import ProgressEvent
from video_generator.cli.common import UserError, add_command, quality_exit
from video_generator.settings import get_settings


def register(commands: Any) -> None:
    make = add_command(commands, "make", cmd_make, "make a video package from a brief")
    make.set_defaults(make_parser=make)
    make.add_argument(
        "brief",
        nargs="?",
        help='the brief, in quotes, e.g. "a 30s TikTok about tea" (with --script: platforms, '
        'length and tone, e.g. "45 seconds, TikTok, calm")',
    )
    make.add_argument(
        "--script",
        type=Path,
        metavar="FILE",
        help="your own script (plain text or Markdown; docs/scripts.md): the video speaks your "
        "words as written",
    )
    make.add_argument(
        "--platforms",
        metavar="LIST",
        help="platform ids or names, comma-separated (win over the brief's), e.g. tiktok,reels",
    )
    make.add_argument(
        "--length",
        type=float,
        metavar="SECONDS",
        help="target length in seconds (wins over the brief's; with --script the default is "
        "the script's spoken length)",
    )
    make.add_argument(
        "--force",
        action="store_true",
        help="overwrite an output folder that holds hand edits (they are lost; `vidgen render "
        "DIR` keeps them)",
    )
    make.add_argument("-o", "--out", type=Path, help="output folder (default: a new one in ./out)")
    make.add_argument("--json", action="store_true", help="print the package JSON to stdout")
    make.add_argument("--no-cache", action="store_true", help="compute everything afresh")
    make.add_argument("--mode", choices=("eager", "levels"), help="workflow scheduling mode")
    make.add_argument("--quiet", action="store_true", help="no progress display")
    make.add_argument(
        "--remote",
        nargs="?",
        const="",
        metavar="URL",
        help="send the brief to a running mesh (`vidgen up`); URL of its orchestrator "
        "(default: from agents/orchestrator.json or VG_AGENT_ORCHESTRATOR_URLS)",
    )
    make.add_argument(
        "--render",
        action="store_true",
        help="also render preview.mp4 and contact.png per platform (offline: Pillow, ffmpeg, "
        "a Piper or espeak-ng voice when installed)",
    )
    make.add_argument(
        "--voice",
        metavar="NAME",
        help="with --render: the voice-over's voice (see `vidgen voices`; default: the best "
        "installed, Piper first)",
    )
    make.add_argument(
        "--caption-style",
        choices=("pop", "karaoke", "boxed", "cues"),
        help="with --render: word-level captions (pop: default, karaoke, boxed) or the timing "
        "sheet's cues",
    )
    make.add_argument(
        "--music",
        type=Path,
        metavar="FILE|DIR",
        help="with --render: a music bed under the voice (ducked while it speaks); a folder: "
        "one track of it",
    )
    make.add_argument(
        "--media",
        type=Path,
        metavar="DIR",
        help="with --render: your own images and clips, matched to shots by name and tags "
        "(docs/render.md)",
    )
    make.add_argument(
        "--fit",
        choices=("cover", "contain"),
        help="with --render: cover (default) crops your media and stock to fill the frame; "
        "contain shows them whole, letterboxed over a blurred copy",
    )
    make.add_argument(
        "--keyframes",
        metavar="MODEL",
        help="with --render: AI keyframes (fal.ai FLUX) for shots without media or stock: "
        "flux-schnell or flux-dev, or none (default: flux-schnell with an image-to-video "
        "--model, as its start images; key from FAL_KEY; counted in --budget)",
    )
    make.add_argument(
        "--no-stock",
        action="store_true",
        help="with --render: no Pexels/Pixabay footage even when PEXELS_API_KEY or "
        "PIXABAY_API_KEY is set",
    )
    make.add_argument(
        "--full-res",
        action="store_true",
        help="with --render: the platform's full resolution (default: a draft, 540 px short side)",
    )
    make.add_argument(
        "--model",
        metavar="ID",
        help="with --render: also make final.mp4 from AI clips of this fal.ai model "
        "(e.g. kling-2.1-standard, veo-3-fast; key from FAL_KEY; docs/fal.md)",
    )
    make.add_argument(
        "--budget",
        type=float,
        metavar="USD",
        help="with --model: refuse the run when the cost estimate is over USD",
    )
    make.add_argument(
        "--dry-run",
        action="store_true",
        help="with --model: print the cost estimate and stop (no key needed, nothing sent)",
    )


def cmd_make(args: argparse.Namespace) -> int:
    from video_generator.request import RenderRequest, VideoRequest

    if args.remote is not None and args.mode:
        raise UserError(
            "--mode applies to in-process runs; a remote orchestrator schedules with its own "
            "VG_SCHEDULE_MODE"
        )
    if args.remote and not args.remote.startswith(("http://", "https://")):
        raise UserError(
            f"--remote takes the orchestrator's URL, like http://127.0.0.1:10100, not "
            f"'{args.remote}' (put the brief first: vidgen make \"<brief>\" --remote URL)"
        )
    _check_render_flags(args)
    script = _read_script(args)
    if script is None:
        _check_brief(args.brief, _platforms(args.platforms), args.length)
    if args.remote is not None:
        _warn_ignored_engine()
    # Imported once the input is known to be good: a mistake is refused without the wait.
    from video_generator.app.runtime import build_orchestrator
    from video_generator.cli.progress_view import ProgressView
    from video_generator.output.package import default_out_dir

    # A dry run only estimates: the package is made, nothing is rendered or sent to fal.
    render = (
        RenderRequest(
            full_res=args.full_res,
            model=args.model,
            budget_usd=args.budget,
            voice=args.voice,
            caption_style=args.caption_style or "pop",
            music=_path_for(args.music, args.remote),
            media=_path_for(args.media, args.remote),
            stock=not args.no_stock,
            keyframes=args.keyframes,
            fit=args.fit or "cover",
        )
        if args.render and not args.dry_run
        else None
    )
    request = VideoRequest(
        brief=script.brief_text if script is not None else args.brief,
        no_cache=args.no_cache,
        render=render,
        platforms=_platforms(args.platforms),
        duration_s=args.length,
        script=script.source if script is not None else None,
    )
    view = ProgressView(live=False if args.quiet else None)

    async def on_progress(fraction: float, message: str = "", data: dict | None = None) -> None:
        if data and "event" in data and not args.quiet:
            await view.on_event(ProgressEvent.model_validate(data["event"]))

    async def run() -> tuple[Any, list[Any]]:
        """The package, and the files a remote orchestrator published (none in-process)."""
        from a2a_mcp.client import close_pool

        if args.remote is not None:
            from video_generator.app.remote import make_remote_with_files

            try:
                return await make_remote_with_files(request, on_progress, url=args.remote or None)
            finally:
                await close_pool()
        orchestrator = build_orchestrator(mode=args.mode, render_dir=_render_dir(args.out))
        try:
            return await orchestrator.run("make_video", request, on_progress), []
        finally:
            await orchestrator.client.aclose()
            await close_pool()

    with view, _fal_errors():
        package, files = asyncio.run(run())
    if args.dry_run:
        from video_generator.render.node import estimate_keyframes_usd, keyframe_model

        estimate = _estimate(package, args)
        print(estimate.to_text())
        wanted = RenderRequest(model=args.model, keyframes=args.keyframes)
        keyframes_usd = estimate_keyframes_usd(package, wanted, [c.platform for c in package.cuts])
        total = estimate.total_usd + keyframes_usd
        if keyframes_usd:
            print(
                f"AI keyframes ({keyframe_model(wanted)}): at most ${keyframes_usd:.3f} "
                f"(one per shot and aspect); total ${total:.2f}"
            )
        if args.budget is not None:
            verdict = "within" if total <= args.budget + 1e-9 else "OVER"
            print(f"budget ${args.budget:.2f}: the estimate is {verdict} it")
            # Over budget, the real run would be refused: so is the dry run (exit 2).
            from video_generator.render.fal.cost import check_budget

            with _fal_errors():
                check_budget(estimate, args.budget, package)
        return 0
    out_dir = args.out or default_out_dir(package.brief, get_settings().out_dir, package=package)
    _write(package, out_dir, force=args.force)
    if package.render is not None:
        _bring_rendered(
            package.render,
            files,
            out_dir,
            remote=args.remote is not None,
            remote_url=args.remote or "",
        )
    for reason in dict.fromkeys(
        o.fallback_reason for o in (package.script.origin, package.storyboard.origin)
    ):
        if reason:
            print(f"warning: {reason}", file=sys.stderr)
    if args.json:
        sys.stdout.write(package.model_dump_json(indent=2) + "\n")
    else:
        _print_summary(package, out_dir)
        if package.render is not None:
            _print_render(package.render, out_dir)
    _draft_note(package, sys.stderr if args.json else sys.stdout)
    return quality_exit(package.quality)


def _draft_note(package: Any, stream: Any) -> None:
    """Once per run: the text is an offline draft, and how to get real words."""
    from video_generator.brief.script_file import split_sentences
    from video_generator.output.common import DRAFT_NOTE, draft_lines

    count = draft_lines(package.script)
    if count:
        total = sum(len(split_sentences(s.narration)) for s in package.script.segments)
        print(f"note: {count} of {total} lines are drafts. {DRAFT_NOTE}", file=stream)


def _bring_rendered(
    summary: Any, files: list[Any], out_dir: Path, *, remote: bool, remote_url: str = ""
) -> None:
    """The rendered files into the package folder: linked or copied from the render folder in
    this process, downloaded from a remote orchestrator (its files live on its host)."""
    if not remote:
        if summary.folder is not None:
            from video_generator.render.node import copy_rendered

            copy_rendered(summary, summary.folder, out_dir)
        return
    from a2a_mcp.client import close_pool
    from video_generator.app.remote import ORCHESTRATOR, download_files, orchestrator_registry
    from video_generator.settings import client_api_key

    key = client_api_key(get_settings())
    origins = orchestrator_registry(remote_url or None).urls(ORCHESTRATOR)

    async def download() -> None:
        try:
            await download_files(
                files,
                out_dir,
                api_key=key.get_secret_value() if key is not None else None,
                key_origins=origins,
            )
        finally:
            await close_pool()

    asyncio.run(download())
    missing = [name for name in summary.files() if not (out_dir / name).is_file()]
    if missing:
        print(
            f"warning: the orchestrator sent no file for {', '.join(missing)} "
            "(does it serve /files? see docs/render.md)",
            file=sys.stderr,
        )


def _write(package: Any, out_dir: Path, *, force: bool = False) -> None:
    from video_generator.output.package import PackageError, write_package

    try:
        write_package(package, out_dir, force=force)
    except PackageError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:  # a folder that cannot be made or written: the user's -o
        raise UserError(
            f"cannot write the package to {out_dir}: {exc.strerror or exc}. Choose a folder "
            "you can write with -o"
        ) from None


def _render_dir(out: Path | None) -> Path | None:
    """Where an in-process render works: VG_RENDER_DIR when set, else beside the output
    folder (`-o` elsewhere puts nothing in ./out), else the default <VG_OUT_DIR>/.renders."""
    if out is None or get_settings().render_dir is not None:
        return None
    # Beside, on the same disk, so the finished files are hard-linked into the package.
    return out.resolve().parent / ".renders"


class _Script:
    """The creator's script as read, and the brief text that goes with it."""

    def __init__(self, source: Any, brief_text: str) -> None:
        self.source = source
        self.brief_text = brief_text


def _read_script(args: argparse.Namespace) -> _Script | None:
    """--script FILE read and checked here (exit 2 on a mistake), before any agent is built."""
    if args.script is None:
        if args.brief is None:
            # As argparse says of a missing argument: usage, then the problem, exit 2.
            args.make_parser.error(
                'give a brief (vidgen make "a 30 second TikTok about tea") or your own script '
                "(vidgen make --script script.md)"
            )
        if args.length is not None and args.length <= 0:
            raise UserError(f"--length takes seconds, more than 0, not {args.length:g}")
        return None
    from video_generator.brief import BriefError, parse_brief
    from video_generator.brief.script_file import ScriptFileError, brief_text, read_script

    if args.length is not None and args.length <= 0:
        raise UserError(f"--length takes seconds, more than 0, not {args.length:g}")
    try:
        found = read_script(args.script)
        # A brief on the command line wins over the file's "Brief:" line.
        line = args.brief if args.brief else found.brief
        text = brief_text(line, found.source, fallback_topic=_stem_topic(args.script))
        parse_brief(text, platforms=_platforms(args.platforms), duration_s=args.length or 60.0)
    except (ScriptFileError, BriefError) as exc:
        raise UserError(str(exc)) from None
    return _Script(found.source, text)


def _stem_topic(path: Path) -> str | None:
    """A topic from the file name ('why-cats-purr.md' -> 'why cats purr'), the last resort."""
    words = " ".join(path.stem.replace("_", " ").replace("-", " ").split())
    return words if words and words.lower() not in {"script", "draft", "video"} else None


def _platforms(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise UserError("--platforms takes platform ids or names, e.g. tiktok,youtube_shorts")
    return names  # the brief parser resolves them and names the unknown ones


def _check_brief(
    brief: str | None, platforms: list[str] | None = None, duration_s: float | None = None
) -> None:
    """A brief the parser refuses ("", a 1e309 second video) is refused here, before any
    agent is built, with the parser's one-paragraph message (exit 2)."""
    if not isinstance(brief, str):
        return
    from video_generator.brief import BriefError, parse_brief

    try:
        parse_brief(brief, platforms=platforms, duration_s=duration_s)
    except BriefError as exc:
        raise UserError(str(exc)) from None


# fal errors the user can fix (key, model id, budget, balance) exit 2; the rest exit 3.
FAL_USER_CODES = {"fal_auth", "fal_model", "budget_exceeded", "fal_balance"}


def _path_for(path: Path | None, remote: str | None) -> str | None:
    """A local path made absolute; for a remote orchestrator, as given (its own path)."""
    if path is None:
        return None
    return str(path) if remote is not None else str(path.expanduser().resolve())


def _check_media_flags(args: argparse.Namespace) -> None:
    """--music, --media and --voice name things on this machine: they must be there. With
    --remote they are the orchestrator's, which checks them where it runs."""
    if args.remote is not None:
        return
    if args.music is not None and not args.music.expanduser().exists():
        raise UserError(f"--music {args.music}: no such file or folder")
    if args.media is not None and not args.media.expanduser().is_dir():
        raise UserError(f"--media {args.media}: not a folder (give the folder of your media)")
    if args.voice:
        from video_generator.render.voices import VoiceNotFoundError, resolve_voice

        try:
            resolve_voice(args.voice, "en")
        except VoiceNotFoundError as exc:
            raise UserError(f"--voice: {exc} (`vidgen voices` lists them)") from None


def _check_render_flags(args: argparse.Namespace) -> None:
    """Flag mistakes, a wrong model id and a missing key are refused before any work."""
    for flag, value in (
        ("--full-res", args.full_res),
        ("--model", args.model),
        ("--voice", args.voice),
        ("--caption-style", args.caption_style),
        ("--music", args.music),
        ("--media", args.media),
        ("--no-stock", args.no_stock),
        ("--keyframes", args.keyframes),
        ("--fit", args.fit),
    ):
        if value and not args.render:
            raise UserError(f"{flag} applies to the rendered video: add --render")
    _check_media_flags(args)
    keyframes = args.keyframes not in (None, "none")
    if args.budget is not None and not (args.model or keyframes):
        raise UserError("--budget applies to AI clips: add --render --model <id> (docs/fal.md)")
    if args.dry_run and not args.model:
        raise UserError("--dry-run applies to AI clips: add --render --model <id> (docs/fal.md)")
    if args.budget is not None and args.budget < 0:
        raise UserError(f"--budget takes an amount in US dollars, not {args.budget:g}")
    if keyframes:
        from video_generator.render.fal import FalError
        from video_generator.render.fal.models import get_image_model

        try:
            get_image_model(args.keyframes)
        except FalError as exc:
            raise UserError(f"--keyframes: {exc}") from None
        if not args.dry_run and args.remote is None and get_settings().fal_key is None:
            raise UserError(
                "--keyframes needs FAL_KEY: create a key at https://fal.ai/dashboard/keys and "
                "`export FAL_KEY=<key>`, or use --keyframes none"
            )
    if not args.model:
        return
    from video_generator.render.fal import FalAuthError, get_model

    with _fal_errors():
        get_model(args.model)
        # A remote orchestrator reads its own key, where it runs.
        if not args.dry_run and args.remote is None and get_settings().fal_key is None:
            raise FalAuthError(
                "FAL_KEY is not set: create a key at https://fal.ai/dashboard/keys and "
                "`export FAL_KEY=<key>`, or use --dry-run to see the cost estimate without one"
            )


@contextlib.contextmanager
def _fal_errors() -> Iterator[None]:
    """A fal error as one message: the user's to fix (exit 2) or the run's (exit 3)."""
    from video_generator.render.fal import FalError

    try:
        yield
    except FalError as exc:
        if exc.code in FAL_USER_CODES:
            raise UserError(str(exc)) from None
        raise


def _estimate(package: Any, args: argparse.Namespace) -> Any:
    """The cost estimate the render node would check (frames when the model takes images)."""
    from video_generator.render.fal import Mode, estimate_cost, get_model

    with _fal_errors():
        image = get_model(args.model).endpoint(Mode.IMAGE) is not None
        return estimate_cost(package, args.model, assume_frames=image)


def _print_render(summary: Any, out_dir: Path) -> None:
    for item in summary.platforms:
        voice = f"voice {item.voice_name}" if item.voice else "silent"
        if item.music:
            voice += f" + music {item.music}"
        if item.loudness_lufs is not None:
            voice += f" ({item.loudness_lufs:.1f} LUFS)"
        print(
            f"  preview {item.platform:<16} {item.duration_s:5.1f} s  {item.width}x{item.height}"
            f"  {voice}  rendered in {item.seconds:.1f} s: {out_dir / item.preview}"
        )
    spent = sum(s.cost_usd for item in summary.platforms for s in item.shots if s.source == "fal")
    sources = sorted({s.source for item in summary.platforms for s in item.shots})
    print(
        f"  pictures from: {', '.join(sources)}"
        + (f" (AI keyframes ${spent:.3f})" if spent else "")
    )
    for warning in sorted({w for item in summary.platforms for w in item.warnings}):
        print(f"  warning: {warning}")
    clips = summary.clips
    if clips is None:
        return
    print(
        f"  AI clips ({clips.model_id}): {clips.made} made, {clips.reused} reused, "
        f"estimated ${clips.estimated_usd:.2f}, actual ${clips.actual_usd:.2f}"
    )
    for item in summary.platforms:
        if item.final:
            print(f"  final   {item.platform:<16} {item.duration_s:5.1f} s: {out_dir / item.final}")


def _warn_ignored_engine() -> None:
    """With --remote the orchestrator's agents write the text: this process's engine settings
    do nothing, which a user who set them should hear."""
    import os

    ignored = [
        name
        for name in ("VG_ENGINE", "VG_LLM_BASE_URL", "VG_LLM_MODEL")
        if os.environ.get(name, "").strip()
    ]
    if ignored:
        print(
            f"warning: {', '.join(ignored)} set here is ignored with --remote: the mesh's own "
            "engine writes the text (the summary says which)",
            file=sys.stderr,
        )


def _print_summary(package: Any, out_dir: Path) -> None:
    from video_generator.core.origin import describe_text

    brief = package.brief
    print(f"{package.script.title}")
    print(
        f"  topic: {brief.topic} | audience: {brief.audience} | tone: {brief.tone.value} "
        f"| style: {brief.style.value} | target: {brief.duration_s:.0f} s"
    )
    if brief.assumed:
        print(f"  assumed (not in the brief): {', '.join(brief.assumed)}")
    print(f"  words: {describe_text(package.script.origin, package.storyboard.origin)}")
    if package.script.language != brief.language:
        # The offline engine writes English only; say so rather than let it pass unnoticed.
        print(
            f"  note: the brief asks for '{brief.language}' but the script is in "
            f"'{package.script.language}'; for other languages set VG_ENGINE=llm"
        )
    for cut in package.cuts:
        dropped = f", trimmed {', '.join(cut.trimmed_segments)}" if cut.trimmed_segments else ""
        print(
            f"  {cut.platform:<16} {cut.duration_s:5.1f} s  {cut.resolution.width}x"
            f"{cut.resolution.height}  {len(cut.shots)} shots  {len(cut.captions)} captions"
            f"{dropped}"
        )
    failures = package.quality.failures()
    verdict = "all gates passed" if not failures else f"{len(failures)} gate(s) FAILED"
    print(f"  quality: {len(package.quality.gates)} checks, {verdict}")
    for gate in failures:
        print(
            f"    {gate.scope}/{gate.gate}: {gate.value:g} {gate.unit}, limit {gate.limit}. "
            f"{gate.detail}"
        )
    print(f"package: {out_dir}")

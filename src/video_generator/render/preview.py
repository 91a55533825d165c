"""Render a package: per platform preview.mp4 and contact.png, and the fal seam's two entry points.

render_package   stills (shared across platforms) -> per platform, concurrently: captions,
                 voice-over, one ffmpeg pass -> preview.mp4, contact.png; render.json
render_frames    one still per shot per platform (for image-to-video models)
assemble         clips laid where the preview lays stills (same code path) -> final.mp4
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import orjson

from a2a_mcp.agent import Progress, no_progress
from a2a_mcp.observability import get_logger
from video_generator.core.models import PlatformCut, ShotMedia, VideoPackage
from video_generator.render.ass import Box, words_from_cues, write_ass
from video_generator.render.errors import RenderError
from video_generator.render.frames import draw_caption, draw_contact, draw_still, fonts_dir
from video_generator.render.graph import (
    Encoding,
    ShotSource,
    chunk_args,
    chunk_spans,
    final_args,
)
from video_generator.render.mix import mix_audio, pick_music
from video_generator.render.options import RenderOptions
from video_generator.render.probe import loudness, probe
from video_generator.render.report import PlatformRender, RenderReport
from video_generator.render.sources import card, choose_sources
from video_generator.render.spans import FPS, Timeline, build_timeline, draft_size
from video_generator.render.tools import cpu_count, ffmpeg_exe, run_tool
from video_generator.render.voice import build_voice_track

log = get_logger("render")

DRAFT = Encoding(preset="ultrafast", crf=28)
FULL = Encoding(preset="veryfast", crf=21)
FFMPEG_TIMEOUT_FLOOR_S = 120.0
FFMPEG_TIMEOUT_PER_VIDEO_S = 20.0  # generous: a 60 s draft takes a few seconds
WORK_DIR = ".render-work"
OPTIONS = RenderOptions()


@dataclass(frozen=True)
class _Job:
    cut: PlatformCut
    timeline: Timeline
    sources: dict[str, ShotSource]
    output: str  # "preview.mp4" or "final.mp4"
    contact: bool
    full_res: bool
    warnings: tuple[str, ...] = ()
    options: RenderOptions = field(default_factory=RenderOptions)
    records: dict[tuple[str, int, int], ShotMedia] = field(default_factory=dict)


def _select(pkg: VideoPackage, platforms: list[str] | None) -> list[PlatformCut]:
    if not platforms:
        return list(pkg.cuts)
    known = {cut.platform: cut for cut in pkg.cuts}
    missing = [p for p in platforms if p not in known]
    if missing:
        raise RenderError(
            f"the package has no cut for {', '.join(missing)} (it has {', '.join(known)})",
            step="select platforms",
        )
    return [known[p] for p in platforms]


def _size(cut: PlatformCut, full_res: bool) -> tuple[int, int]:
    if full_res:
        return cut.resolution.width, cut.resolution.height
    return draft_size(cut.resolution.width, cut.resolution.height)


def still_path(out_dir: Path, shot_id: str, width: int, height: int) -> Path:
    return out_dir / "frames" / f"{width}x{height}" / f"{shot_id}.png"


async def _draw_stills(
    pkg: VideoPackage, out_dir: Path, wanted: list[tuple[PlatformCut, int, int]], workers: int
) -> dict[tuple[str, int, int], Path]:
    """Each (shot, size) drawn once, however many platforms show it."""
    shots = {shot.id: shot for shot in pkg.storyboard.shots()}
    keys = sorted(
        {
            (item.shot_id, w, h)
            for cut, w, h in wanted
            for item in cut.shots
            if item.shot_id in shots
        }
    )
    limit = asyncio.Semaphore(workers)

    async def one(key: tuple[str, int, int]) -> tuple[tuple[str, int, int], Path]:
        shot_id, w, h = key
        async with limit:
            path = await asyncio.to_thread(
                draw_still, shots[shot_id], w, h, still_path(out_dir, shot_id, w, h)
            )
        return key, path

    return dict(await asyncio.gather(*(one(key) for key in keys)))


def caption_box(timeline: Timeline, cut: PlatformCut) -> Box:
    """The cut's caption box (inside its safe zone) in the preview's pixels."""
    sx = timeline.width / cut.resolution.width
    sy = timeline.height / cut.resolution.height
    box = cut.caption_box
    x = min(int(box.x * sx), timeline.width - 2)
    y = min(int(box.y * sy), timeline.height - 2)
    w = max(2, min(int(box.width * sx), timeline.width - x) // 2 * 2)
    h = max(2, min(int(box.height * sy), timeline.height - y) // 2 * 2)
    return Box(x, y, w, h)


def _caption_track(
    timeline: Timeline, cut: PlatformCut, work: Path
) -> tuple[Path | None, tuple[int, int]]:
    """Caption overlays as one concat list of transparent PNGs, frame-exact; and where it goes."""
    if not timeline.captions:
        return None, (0, 0)
    box = caption_box(timeline, cut)
    x, y, w, h = box.x, box.y, box.width, box.height
    blank = work / "cap-blank.png"
    draw_caption("", w, h, blank)
    lines = ["ffconcat version 1.0"]
    cursor = 0

    def entry(path: Path, frames: int) -> None:
        lines.extend([f"file '{path.name}'", f"option framerate {FPS}"])
        lines.append(f"duration {frames / FPS:.6f}")

    for span in timeline.captions:
        first = max(span.first, cursor)
        end = min(span.first + span.frames, timeline.total_frames)
        if end <= first:
            continue
        if first > cursor:
            entry(blank, first - cursor)
        png = work / f"cap-{span.key}.png"
        draw_caption(span.text, w, h, png)
        entry(png, end - first)
        cursor = end
    entry(blank, max(1, timeline.total_frames - cursor))
    # The concat demuxer needs the last file named again to honour the last duration.
    lines.extend([f"file '{blank.name}'", f"option framerate {FPS}"])
    listing = work / "captions.ffconcat"
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return listing, (x, y)


def pkg_seed(cut: PlatformCut) -> str:
    """What picks a track from a music folder: the same cut gets the same track."""
    return cut.title


def _timeout(timeline: Timeline) -> float:
    return max(FFMPEG_TIMEOUT_FLOOR_S, timeline.duration_s * FFMPEG_TIMEOUT_PER_VIDEO_S)


async def _render_one(
    job: _Job,
    out_dir: Path,
    encoding: Encoding,
    report: Callable[[str, float, str], Awaitable[None]],
) -> PlatformRender:
    started = time.perf_counter()
    cut, timeline = job.cut, job.timeline
    platform = cut.platform
    folder = out_dir / platform
    work = folder / WORK_DIR / job.output.removesuffix(".mp4")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    warnings = list(job.warnings)
    options = job.options
    ass_out: Path | None = None
    try:
        track = await build_voice_track(timeline, work, options.voice)
        warnings += track.warnings
        captions, caption_xy = None, (0, 0)
        if options.caption_style == "cues":
            captions, caption_xy = await asyncio.to_thread(_caption_track, timeline, cut, work)
        else:
            words = track.words or words_from_cues(
                [(s.first / FPS, (s.first + s.frames) / FPS, s.text) for s in timeline.captions]
            )
            ass_out = folder / "captions.ass"
            box = caption_box(timeline, cut)
            await asyncio.to_thread(
                write_ass,
                words,
                options.caption_style,
                timeline.width,
                timeline.height,
                box,
                ass_out,
            )
        music = pick_music(options.music, pkg_seed(cut)) if options.music is not None else None
        sound = await mix_audio(
            track.path,
            track.voiced,
            music,
            timeline.duration_s,
            work,
            platform=platform,
            timeout_s=_timeout(timeline),
        )
        await report(platform, 0.1, "captions, voice-over and music ready")

        chunk_list: Path | None = None
        chunks = chunk_spans(timeline.shots)
        if len(chunks) > 1:
            files = []
            for n, spans in enumerate(chunks):
                part = work / f"chunk-{n:03d}.mp4"
                await run_tool(
                    [
                        ffmpeg_exe(),
                        *chunk_args(
                            spans,
                            job.sources,
                            timeline.width,
                            timeline.height,
                            part,
                            encoding.threads,
                        ),
                    ],
                    step=f"encode shots (part {n + 1} of {len(chunks)})",
                    platform=platform,
                    timeout_s=_timeout(timeline),
                )
                files.append(part)
                await report(platform, 0.1 + 0.4 * (n + 1) / len(chunks), "shots encoded")
            chunk_list = work / "chunks.ffconcat"
            chunk_list.write_text(
                "ffconcat version 1.0\n" + "".join(f"file '{p.name}'\n" for p in files),
                encoding="utf-8",
            )

        output = folder / job.output
        partial = folder / f".{job.output}.part.mp4"
        args = final_args(
            timeline,
            job.sources,
            chunk_list,
            captions,
            caption_xy,
            sound.path,
            partial,
            encoding,
            ass=ass_out,
            fonts_dir=fonts_dir(),
        )
        total = timeline.total_frames
        pending: set[asyncio.Task[None]] = set()
        last = [0.0]

        def on_line(line: str) -> None:
            # ffmpeg -progress: "frame=N" lines; report every tenth of the way.
            if line.startswith("frame="):
                done = int(line[6:] or 0) / max(total, 1)
                if done - last[0] >= 0.1:
                    last[0] = done
                    base = 0.5 if chunk_list else 0.1
                    task = asyncio.ensure_future(
                        report(platform, base + (0.95 - base) * min(done, 1.0), "encoding")
                    )
                    pending.add(task)
                    task.add_done_callback(pending.discard)

        await run_tool(
            [ffmpeg_exe(), *args],
            step="encode video",
            platform=platform,
            timeout_s=_timeout(timeline),
            on_stdout_line=on_line,
        )
        partial.replace(output)
        contact = folder / "contact.png"
        if job.contact:
            tiles = [
                (
                    job.sources[span.shot.id].poster or job.sources[span.shot.id].path,
                    f"{span.index + 1}. {span.shot.id}  {span.first / FPS:.1f}s",
                )
                for span in timeline.shots
            ]
            await asyncio.to_thread(draw_contact, tiles, timeline.width, timeline.height, contact)
        srt = folder / "captions.srt"
        if not srt.exists():
            from video_generator.output.package import to_srt

            srt.write_text(to_srt(cut.captions), encoding="utf-8")
        info = await probe(output, platform=platform)
        level = await loudness(output, platform=platform) if sound.integrated_lufs else None
    finally:
        shutil.rmtree(work, ignore_errors=True)
        try:
            (folder / WORK_DIR).rmdir()
        except OSError:
            pass
    for warning in warnings:
        log.warning("render_warning", platform=platform, warning=warning)
    seconds = time.perf_counter() - started
    await report(platform, 1.0, f"{job.output} written in {seconds:.1f} s")
    return PlatformRender(
        platform=platform,
        preview=output,
        contact=contact,
        srt=srt,
        seconds=round(seconds, 3),
        width=info.width,
        height=info.height,
        fps=info.fps,
        duration_s=info.duration_s,
        has_audio=info.has_audio,
        voice=track.voiced,
        full_res=job.full_res,
        warnings=warnings,
        voice_name=track.voice if track.voiced else None,
        word_timing="aligned" if track.aligned else ("estimated" if track.words else None),
        captions_ass=ass_out,
        caption_style=options.caption_style,
        music=str(sound.music) if sound.music is not None else None,
        loudness_lufs=round(level.integrated_lufs, 2) if level else None,
        true_peak_dbtp=round(level.true_peak_dbtp, 2) if level else None,
        shots=[
            job.records.get((span.shot.id, timeline.width, timeline.height)) or card(span.shot.id)
            for span in timeline.shots
        ],
    )


async def _run_jobs(
    jobs: list[_Job],
    out_dir: Path,
    encoding: Encoding,
    workers: int,
    on_progress: Progress,
    started: float,
    report_name: str,
) -> RenderReport:
    limit = asyncio.Semaphore(workers)
    fractions = {job.cut.platform: 0.0 for job in jobs}
    threads = max(1, cpu_count() // workers)
    encoding = Encoding(encoding.preset, encoding.crf, threads, encoding.audio_kbps)

    async def report(platform: str, fraction: float, message: str) -> None:
        fractions[platform] = fraction
        overall = 0.1 + 0.9 * sum(fractions.values()) / len(fractions)
        await on_progress(overall, f"{platform}: {message}", {"platform": platform})

    async def one(job: _Job) -> PlatformRender:
        async with limit:
            return await _render_one(job, out_dir, encoding, report)

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(job)) for job in jobs]
    except* RenderError as errors:
        raise errors.exceptions[0] from None
    results = [task.result() for task in tasks]
    result = RenderReport(
        platforms=results,
        seconds=round(time.perf_counter() - started, 3),
        workers=workers,
        warnings=sorted({w for item in results for w in item.warnings}),
    )
    (out_dir / report_name).write_bytes(
        orjson.dumps(result.model_dump(mode="json"), option=orjson.OPT_INDENT_2) + b"\n"
    )
    return result


def _existing_clips(clips: dict[str, dict[str, Path]]) -> dict[str, dict[str, Path]]:
    return {
        platform: {shot: Path(path) for shot, path in shots.items() if Path(path).is_file()}
        for platform, shots in clips.items()
    }


def _workers(count: int, max_workers: int | None) -> int:
    return max(1, min(count, max_workers or cpu_count()))


async def render_package(
    pkg: VideoPackage,
    out_dir: Path,
    *,
    full_res: bool = False,
    platforms: list[str] | None = None,
    max_workers: int | None = None,
    on_progress: Progress | None = None,
    options: RenderOptions | None = None,
    stock_cache: Path | None = None,
) -> RenderReport:
    """Write out_dir/<platform>/preview.mp4 and contact.png for each cut, and out_dir/render.json.

    Draft size by default (the short side at 540 px), the cut's own with full_res. Platforms are
    rendered `max_workers` at a time (default: the cores this process may use).
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    progress = on_progress or no_progress
    cuts = _select(pkg, platforms)
    workers = _workers(len(cuts), max_workers)
    sized = [(cut, *_size(cut, full_res)) for cut in cuts]
    options = options or OPTIONS
    stills = await _draw_stills(pkg, out_dir, sized, cpu_count())
    chosen, records, source_warnings = await choose_sources(
        pkg, out_dir, {(w, h) for _cut, w, h in sized}, stills, options, stock_cache
    )
    await progress(0.1, f"{len(stills)} stills drawn", {})
    jobs = []
    for cut, w, h in sized:
        timeline = build_timeline(pkg, cut, w, h)
        sources = {span.shot.id: chosen[(span.shot.id, w, h)] for span in timeline.shots}
        jobs.append(
            _Job(
                cut,
                timeline,
                sources,
                "preview.mp4",
                True,
                full_res,
                tuple(source_warnings),
                options,
                records,
            )
        )
    encoding = FULL if full_res else DRAFT
    return await _run_jobs(jobs, out_dir, encoding, workers, progress, started, "render.json")


async def render_frames(
    pkg: VideoPackage,
    out_dir: Path,
    platforms: list[str] | None = None,
    options: RenderOptions | None = None,
) -> dict[str, Path]:
    """One still per shot per platform at the cut's full size, without captions: the start
    images of image-to-video models. The shot's best picture (the creator's photo or a frame
    of their clip, an AI keyframe with options.keyframes), else its drawn card.

    Keys are "<platform>/<shot_id>"; platforms of the same size share the files.
    """
    out_dir = Path(out_dir)
    cuts = _select(pkg, platforms)
    sized = [(cut, *_size(cut, True)) for cut in cuts]
    stills = await _draw_stills(pkg, out_dir, sized, cpu_count())
    if options is not None:
        # Stock clips are video already: their shots start from the card, not a poster.
        chosen, _records, _warnings = await choose_sources(
            pkg, out_dir, {(w, h) for _c, w, h in sized}, stills, replace(options, stock=False)
        )
        stills = {key: source.poster or source.path for key, source in chosen.items()}
    return {
        f"{cut.platform}/{item.shot_id}": stills[(item.shot_id, w, h)]
        for cut, w, h in sized
        for item in cut.shots
        if (item.shot_id, w, h) in stills
    }


async def assemble(
    pkg: VideoPackage,
    out_dir: Path,
    clips: dict[str, dict[str, Path]],
    *,
    full_res: bool = True,
    max_workers: int | None = None,
    on_progress: Progress | None = None,
    options: RenderOptions | None = None,
) -> RenderReport:
    """Lay each clip where the preview lays the shot's still; write <platform>/final.mp4.

    Same timeline, transitions, captions and voice-over as the preview, at the cut's full size
    (the draft size with full_res=False: the clips are scaled to cover it).
    A shot without a clip falls back to its still (with motion), and the report says so.
    Writes out_dir/final.json.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    progress = on_progress or no_progress
    cuts = _select(pkg, list(clips))
    usable = await asyncio.to_thread(_existing_clips, clips)
    sized = [(cut, *_size(cut, full_res)) for cut in cuts]
    missing = [
        (cut, w, h)
        for cut, w, h in sized
        if any(item.shot_id not in usable[cut.platform] for item in cut.shots)
    ]
    stills = await _draw_stills(pkg, out_dir, missing, cpu_count()) if missing else {}
    jobs = []
    for cut, w, h in sized:
        timeline = build_timeline(pkg, cut, w, h)
        sources: dict[str, ShotSource] = {}
        fallbacks: list[str] = []
        for span in timeline.shots:
            clip = usable[cut.platform].get(span.shot.id)
            if clip is not None:
                sources[span.shot.id] = ShotSource(clip, "clip")
            else:
                sources[span.shot.id] = ShotSource(stills[(span.shot.id, w, h)], "still")
                fallbacks.append(span.shot.id)
        warnings = (
            (f"no clip for {', '.join(fallbacks)}: the preview still is shown instead",)
            if fallbacks
            else ()
        )
        jobs.append(
            _Job(cut, timeline, sources, "final.mp4", False, full_res, warnings, options or OPTIONS)
        )
    workers = _workers(len(jobs), max_workers)
    encoding = FULL if full_res else DRAFT
    return await _run_jobs(jobs, out_dir, encoding, workers, progress, started, "final.json")

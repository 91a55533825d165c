"""ffmpeg command lines for one platform: shots (stills or clips), joins, captions, voice.

Stills and AI clips take one code path: each shot becomes a stream of exactly
`span.stream_frames` frames at the output size (a still by looping one decoded frame and moving a
crop window over it, a clip by scaling it to cover the frame and holding its first and last
frames over the transition overlaps); the streams are then joined the same way, hard cuts by
concat and transitions by xfade centred on the cut's boundaries, so the timing never changes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from video_generator.render.spans import FPS, ZOOM, Motion, ShotSpan, Timeline

MAX_SHOTS_PER_PASS = 40  # more shots than this are rendered in chunks, then joined
SourceKind = Literal["still", "clip"]


@dataclass(frozen=True)
class ShotSource:
    path: Path
    kind: SourceKind
    loop: bool = False  # a clip shorter than its shot plays again (a creator's or stock clip)
    poster: Path | None = None  # a still of it, for the contact sheet (clips)
    fit: str = "cover"  # "contain": the whole clip, letterboxed over a blurred copy


@dataclass(frozen=True)
class Encoding:
    preset: str = "veryfast"
    crf: int = 28
    threads: int = 1
    audio_kbps: int = 128


def _even(value: float) -> int:
    return max(2, int(value / 2) * 2)


def _shot_filter(span: ShotSpan, source: ShotSource, index: int, w: int, h: int) -> str:
    n = span.stream_frames
    last = max(n - 1, 1)
    head = f"[{index}:v]"
    if source.kind == "clip":
        # The clip already has the shot's length; hold its ends over the transition overlaps.
        cover = f"scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h}"
        if source.fit == "contain":
            # Letterboxed on request: the whole clip, over a blurred copy filling the frame.
            k = span.index
            fitted = (
                f"{head}split[bg{k}][fg{k}];[bg{k}]{cover},boxblur=20:2[bb{k}];"
                f"[fg{k}]scale={w}:{h}:force_original_aspect_ratio=decrease[ff{k}];"
                f"[bb{k}][ff{k}]overlay=(W-w)/2:(H-h)/2"
            )
        else:
            fitted = f"{head}{cover}"
        return (
            f"{fitted},setsar=1,fps={FPS},format=yuv420p,settb=1/{FPS},setpts=N,"
            f"tpad=start_mode=clone:start={span.pad_before}:stop_mode=clone:stop=-1,"
            f"trim=end_frame={n},setpts=N[s{span.index}]"
        )
    chain = [f"{head}scale={w}:{h},setsar=1,format=yuv420p"]
    zw, zh = _even(w * ZOOM), _even(h * ZOOM)
    progress = f"(n/{last})"
    motion = span.motion
    if motion in (Motion.PAN_LEFT, Motion.PAN_RIGHT, Motion.TILT_UP, Motion.TILT_DOWN):
        # Scaled once, before the loop; the crop window then moves: no per-frame scaling.
        chain.append(f"scale={zw}:{zh}")
    chain.append(f"loop=loop={n - 1}:size=1:start=0,settb=1/{FPS},setpts=N")
    dx, dy = zw - w, zh - h
    if motion == Motion.PAN_RIGHT:
        chain.append(f"crop={w}:{h}:x='{dx}*{progress}':y={dy // 2}")
    elif motion == Motion.PAN_LEFT:
        chain.append(f"crop={w}:{h}:x='{dx}*(1-{progress})':y={dy // 2}")
    elif motion == Motion.TILT_DOWN:
        chain.append(f"crop={w}:{h}:x={dx // 2}:y='{dy}*{progress}'")
    elif motion == Motion.TILT_UP:
        chain.append(f"crop={w}:{h}:x={dx // 2}:y='{dy}*(1-{progress})'")
    elif motion in (Motion.PUSH_IN, Motion.PULL_OUT):
        grow = progress if motion == Motion.PUSH_IN else f"(1-{progress})"
        factor = f"(1+{ZOOM - 1:.3f}*{grow})"
        # `copy` gives each cropped frame a buffer of its own: crop keeps the per-frame scaled
        # buffer's larger stride, and ffmpeg 9's xfade/concat then corrupted the heap (SIGABRT
        # "corrupted double-linked list" on some zooming shots before a transition).
        chain.append(
            f"scale=w='2*trunc({w}*{factor}/2)':h='2*trunc({h}*{factor}/2)':eval=frame,"
            f"crop={w}:{h},copy"
        )
    return ",".join(chain) + f",setsar=1[s{span.index}]"


def _join(spans: list[ShotSpan]) -> tuple[list[str], str]:
    """Fold the shot streams left to right: concat across cuts, xfade across transitions."""
    parts: list[str] = []
    pending = [f"[s{spans[0].index}]"]
    acc_end = spans[0].pad_before + spans[0].frames  # frames of the joined stream so far, owned
    counter = 0

    def flush() -> str:
        nonlocal counter
        if len(pending) == 1:
            return pending[0]
        counter += 1
        label = f"[c{counter}]"
        parts.append(f"{''.join(pending)}concat=n={len(pending)}:v=1:a=0,settb=1/{FPS}{label}")
        return label

    for prev, span in itertools.pairwise(spans):
        if prev.xfade is None:
            pending.append(f"[s{span.index}]")
        else:
            left = flush()
            counter += 1
            label = f"[x{counter}]"
            half = prev.xfade_frames // 2
            offset = (acc_end - half) / FPS
            duration = prev.xfade_frames / FPS
            parts.append(
                f"{left}[s{span.index}]xfade=transition={prev.xfade}:duration={duration:.6f}"
                f":offset={offset:.6f}{label}"
            )
            pending = [label]
        acc_end += span.frames
    return parts, flush()


def chunk_spans(spans: list[ShotSpan], size: int | None = None) -> list[list[ShotSpan]]:
    """Split many shots into passes of at most `size`, preferring boundaries at hard cuts.

    A transition across a chunk boundary becomes a cut (its overlap frames are dropped), so
    each chunk is a self-contained stretch of the cut's frames.
    """
    size = size or MAX_SHOTS_PER_PASS
    if len(spans) <= size:
        return [spans]
    chunks: list[list[ShotSpan]] = []
    start = 0
    while start < len(spans):
        end = min(start + size, len(spans))
        if end < len(spans):
            low = start + max(size // 2, 1) - 1  # never less than half a chunk
            cuts = [i for i in range(end - 1, low - 1, -1) if spans[i].xfade is None]
            end = (cuts[0] + 1) if cuts else end
        chunk = list(spans[start:end])
        chunk[0] = replace(chunk[0], pad_before=0)
        chunk[-1] = replace(chunk[-1], pad_after=0, xfade=None, xfade_frames=0)
        chunks.append(chunk)
        start = end
    return chunks


def video_inputs_and_filter(
    spans: list[ShotSpan], sources: dict[str, ShotSource], w: int, h: int
) -> tuple[list[str], list[str], str]:
    """ffmpeg inputs, filter parts and the output label of the joined shots (inputs from 0)."""
    inputs: list[str] = []
    parts: list[str] = []
    for index, span in enumerate(spans):
        source = sources[span.shot.id]
        if source.kind == "still":
            # Without it an image input says 25 fps, and xfade refuses to join it with a clip.
            inputs += ["-framerate", str(FPS)]
        if source.loop:
            inputs += ["-stream_loop", "-1"]
        inputs += ["-i", str(source.path)]
        parts.append(_shot_filter(span, source, index, w, h))
    joins, label = _join(spans)
    return inputs, parts + joins, label


def chunk_args(
    spans: list[ShotSpan], sources: dict[str, ShotSource], w: int, h: int, out: Path, threads: int
) -> list[str]:
    """One chunk of many shots, video only, near-lossless: the final pass encodes it again."""
    inputs, parts, label = video_inputs_and_filter(spans, sources, w, h)
    frames = sum(span.frames for span in spans)
    return [
        *_head(threads),
        *inputs,
        "-filter_complex",
        ";".join(parts),
        "-map",
        label,
        "-frames:v",
        str(frames),
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-qp",
        "4",
        "-pix_fmt",
        "yuv420p",
        "-r",
        str(FPS),
        "-an",
        str(out),
    ]


def _head(threads: int) -> list[str]:
    return [
        "-hide_banner",
        "-nostdin",
        "-y",
        "-loglevel",
        "error",
        "-nostats",
        "-progress",
        "pipe:1",
        "-filter_complex_threads",
        str(threads),
    ]


def _filter_path(path: Path) -> str:
    """A path as an ffmpeg filter option value: quoted, with the filter syntax escaped."""
    text = str(path).replace("\\", "/").replace("'", "\\'").replace(":", "\\:")
    return f"'{text}'"


def final_args(
    timeline: Timeline,
    sources: dict[str, ShotSource] | None,
    chunk_list: Path | None,
    captions: Path | None,
    caption_xy: tuple[int, int],
    audio: Path,
    out: Path,
    encoding: Encoding,
    ass: Path | None = None,
    fonts_dir: Path | None = None,
) -> list[str]:
    """The one pass that writes the platform's MP4: video, captions, the mixed sound, encoded.

    Captions are either word-level ASS (burned in by libass) or the cue overlays (PNGs).
    """
    w, h = timeline.width, timeline.height
    if chunk_list is not None:
        inputs = ["-f", "concat", "-safe", "0", "-i", str(chunk_list)]
        parts = [f"[0:v]settb=1/{FPS},setpts=N[vj]"]
        label = "[vj]"
    else:
        assert sources is not None
        inputs, parts, label = video_inputs_and_filter(timeline.shots, sources, w, h)
    next_input = inputs.count("-i")
    if captions is not None:
        inputs += ["-f", "concat", "-safe", "0", "-i", str(captions)]
        x, y = caption_xy
        parts.append(f"{label}[{next_input}:v]overlay=x={x}:y={y}:eof_action=repeat[vc]")
        label = "[vc]"
        next_input += 1
    total = timeline.total_frames
    duration = total / FPS
    tail = f"trim=end_frame={total},setpts=N/({FPS}*TB)"
    if ass is not None:
        tail += f",ass=filename={_filter_path(ass)}"
        if fonts_dir is not None:
            tail += f":fontsdir={_filter_path(fonts_dir)}"
    if timeline.fade_out_frames:
        start = (total - timeline.fade_out_frames) / FPS
        tail += f",fade=t=out:st={start:.6f}:d={timeline.fade_out_frames / FPS:.6f}"
    parts.append(f"{label}{tail},format=yuv420p[vout]")
    inputs += ["-i", str(audio)]
    parts.append(
        f"[{next_input}:a]aresample=48000,apad=whole_dur={duration:.6f},"
        f"atrim=end={duration:.6f}[aout]"
    )
    return [
        *_head(encoding.threads),
        *inputs,
        "-filter_complex",
        ";".join(parts),
        "-map",
        "[vout]",
        "-map",
        "[aout]",
        "-c:v",
        "libx264",
        "-preset",
        encoding.preset,
        "-crf",
        str(encoding.crf),
        "-threads",
        str(encoding.threads),
        "-pix_fmt",
        "yuv420p",
        "-r",
        str(FPS),
        "-g",
        str(2 * FPS),
        "-c:a",
        "aac",
        "-b:a",
        f"{encoding.audio_kbps}k",
        "-ac",
        "2",
        "-ar",
        "48000",
        "-t",
        f"{duration:.6f}",
        "-movflags",
        "+faststart",
        str(out),
    ]

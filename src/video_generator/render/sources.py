"""A picture for every shot, from the first source that has one, and a record of each.

Order: the creator's own media (`--media DIR`, render.media), stock footage from Pexels and
Pixabay (when PEXELS_API_KEY or PIXABAY_API_KEY is set, render.stock), then the drawn animatic
card. Every shot's choice is recorded as a ShotMedia (source, file or id, licence, credit,
cost), which goes into render.json, package.json and storyboard.html.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from PIL import Image

from video_generator.core.models import Shot, ShotMedia, VideoPackage
from video_generator.render.errors import RenderError
from video_generator.render.graph import ShotSource
from video_generator.render.media import MediaItem, fit_still, match_media, scan_media
from video_generator.render.options import RenderOptions
from video_generator.render.probe import probe
from video_generator.render.stock import StockClient, StockSettings, StockUnavailable, StockVideo
from video_generator.render.tools import ffmpeg_exe, run_tool

CARD_LICENCE = "drawn by vidgen for this package"
OWN_LICENCE = "the creator's own (from --media)"

Key = tuple[str, int, int]  # (shot id, width, height)


def card(shot_id: str) -> ShotMedia:
    return ShotMedia(shot_id=shot_id, source="card", licence=CARD_LICENCE)


async def _poster(clip: Path, width: int, height: int, out: Path) -> Path:
    """A frame of the clip, cropped to the frame, for the contact sheet."""
    out.parent.mkdir(parents=True, exist_ok=True)
    await run_tool(
        [
            *(ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error"),
            *("-i", str(clip), "-frames:v", "1"),
            *(
                "-vf",
                f"scale={width}:{height}:force_original_aspect_ratio=increase,"
                f"crop={width}:{height}",
            ),
            str(out),
        ],
        step="media poster",
        platform=None,
        timeout_s=60,
    )
    return out


async def _readable(item: MediaItem) -> bool:
    """Whether Pillow can open the image, or ffmpeg finds a video stream in the clip."""
    if item.kind == "still":

        def check() -> bool:
            try:
                with Image.open(item.path) as image:
                    image.verify()
                return True
            except (OSError, ValueError):  # UnidentifiedImageError is an OSError
                return False

        return await asyncio.to_thread(check)
    try:
        await probe(item.path)
        return True
    except RenderError:
        return False


async def _media(
    shots: list[Shot],
    sizes: set[tuple[int, int]],
    stills: dict[Key, Path],
    sources: dict[Key, ShotSource],
    records: dict[Key, ShotMedia],
    out_dir: Path,
    folder: Path,
    fit: str = "cover",
) -> list[str]:
    """The creator's media for every shot; an item that cannot be read is left out, said."""
    found = await asyncio.to_thread(scan_media, folder)
    readable = await asyncio.gather(*(_readable(item) for item in found))
    items = [item for item, ok in zip(found, readable, strict=True) if ok]
    warnings = [
        f"--media: {item.relative} could not be read as an image or a video; left out"
        for item, ok in zip(found, readable, strict=True)
        if not ok
    ]

    async def place(key: Key, item: MediaItem) -> None:
        shot_id, w, h = key
        frames = out_dir / "frames" / f"{w}x{h}"
        if item.kind == "still":
            path = await asyncio.to_thread(
                fit_still, item.path, w, h, frames / f"{shot_id}.media.png", fit
            )
            sources[key] = ShotSource(path, "still")
        else:
            poster = await _poster(item.path, w, h, frames / f"{shot_id}.poster.png")
            sources[key] = ShotSource(item.path, "clip", loop=True, poster=poster, fit=fit)
        records[key] = ShotMedia(
            shot_id=shot_id,
            source="media",
            kind="clip" if item.kind == "clip" else "still",
            file=item.relative,
            licence=OWN_LICENCE,
        )

    matched = match_media(shots, items)
    await asyncio.gather(
        *(
            place((shot_id, w, h), item)
            for shot_id, item in matched.items()
            for w, h in sizes
            if (shot_id, w, h) in stills
        )
    )
    return warnings


async def _stock(
    shots: list[Shot],
    sizes: set[tuple[int, int]],
    stills: dict[Key, Path],
    sources: dict[Key, ShotSource],
    records: dict[Key, ShotMedia],
    out_dir: Path,
    cache_dir: Path,
    settings: StockSettings,
    fit: str = "cover",
) -> list[str]:
    """Stock clips for the shots still on their card; returns the warnings."""
    if not settings.any_key:
        return []
    client = StockClient(settings, cache_dir)
    wanted = [
        (shot, w, h)
        for shot in shots
        for w, h in sorted(sizes)
        if (shot.id, w, h) in stills and records[(shot.id, w, h)].source == "card"
    ]
    # One shot after another: each takes the first video no earlier shot took.
    found = [(shot, w, h, await client.find(shot, w, h)) for shot, w, h in wanted]

    async def fetch(shot: Shot, w: int, h: int, video: StockVideo) -> None:
        try:
            clip = await client.download(video)
        except StockUnavailable as exc:
            client.warnings.append(f"stock footage: {exc}; {shot.id} shows its card")
            return
        folder = out_dir / "frames" / f"{w}x{h}"
        poster = await _poster(clip, w, h, folder / f"{shot.id}.poster.png")
        sources[(shot.id, w, h)] = ShotSource(clip, "clip", loop=True, poster=poster, fit=fit)
        records[(shot.id, w, h)] = video.record(shot.id)

    await asyncio.gather(*(fetch(s, w, h, v) for s, w, h, v in found if v is not None))
    return client.warnings


async def choose_sources(
    pkg: VideoPackage,
    out_dir: Path,
    sizes: set[tuple[int, int]],
    stills: dict[Key, Path],
    options: RenderOptions,
    stock_cache: Path | None = None,
) -> tuple[dict[Key, ShotSource], dict[Key, ShotMedia], list[str]]:
    """Per (shot, size) the picture to show and where it came from; and warnings."""
    shots: list[Shot] = pkg.storyboard.shots()
    records = {key: card(key[0]) for key in stills}
    sources: dict[Key, ShotSource] = {
        key: ShotSource(path, "still") for key, path in stills.items()
    }
    warnings: list[str] = []
    if options.media is not None:
        warnings += await _media(
            shots, sizes, stills, sources, records, out_dir, options.media, options.fit
        )
    if options.stock:
        cache = stock_cache or out_dir / ".stock-cache"
        warnings += await _stock(
            shots,
            sizes,
            stills,
            sources,
            records,
            out_dir,
            cache,
            options.services.stock,
            options.fit,
        )
    if options.keyframes:
        await _keyframes(shots, stills, sources, records, out_dir, options)
    return sources, records, warnings


def still_cards(stills: dict[Key, Path], records: dict[Key, ShotMedia]) -> list[Key]:
    return [key for key in stills if records[key].source == "card"]


async def _keyframes(
    shots: list[Shot],
    stills: dict[Key, Path],
    sources: dict[Key, ShotSource],
    records: dict[Key, ShotMedia],
    out_dir: Path,
    options: RenderOptions,
) -> None:
    """AI keyframes (fal.ai FLUX) for the shots still on their card."""
    from video_generator.render.fal.keyframes import make_keyframes
    from video_generator.render.fal.models import get_image_model

    assert options.keyframes is not None
    by_id = {shot.id: shot for shot in shots}
    wanted = [(by_id[s], w, h) for s, w, h in still_cards(stills, records) if s in by_id]
    if not wanted:
        return
    model = get_image_model(options.keyframes)
    made = await make_keyframes(
        options.keyframes,
        wanted,
        options.paid_dir or out_dir / "clips",
        client=options.services.fal_client(),
    )
    for (shot_id, w, h), frame in made.items():
        fitted = out_dir / "frames" / f"{w}x{h}" / f"{shot_id}.keyframe.png"
        await asyncio.to_thread(fit_still, frame.path, w, h, fitted)
        sources[(shot_id, w, h)] = ShotSource(fitted, "still")
        records[(shot_id, w, h)] = ShotMedia(
            shot_id=shot_id,
            source="fal",
            kind="still",
            file=frame.path.name,
            id=frame.request_id,
            url=model.source,
            licence=f"generated with {model.name} on fal.ai for this package (fal.ai terms)",
            cost_usd=frame.cost_usd,
        )

"""Stock footage through loopback stand-ins of Pexels and Pixabay: search, pick, download,
cache, 429 and rate-limit headers, refused keys; and the clip seen in its shot's frames."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image
from render_support import tiny_package
from stock_standin import PEXELS_KEY, PIXABAY_KEY, Fault, StockStandIn

from a2a_mcp.client.pool import close_pool
from video_generator.render import render_package
from video_generator.render.options import RenderOptions
from video_generator.render.services import RenderServices
from video_generator.render.spans import FPS, build_timeline
from video_generator.render.stock import StockClient, StockSettings
from video_generator.render.tools import ffmpeg_exe, run_tool
from video_generator.settings import Settings

GREEN, ORANGE = (30, 200, 60), (240, 140, 20)


async def _clip(path: Path, colour: str, size: str) -> Path:
    await run_tool(
        [
            *(ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error"),
            *("-f", "lavfi", "-i", f"color=c={colour}:s={size}:d=2:r=30"),
            *("-pix_fmt", "yuv420p", str(path)),
        ],
        step="make clip",
        platform=None,
        timeout_s=60,
    )
    return path


@pytest.fixture(autouse=True)
async def closes_the_pool() -> AsyncIterator[None]:
    """The stock client rides the process's pooled session: close it in the test's loop."""
    yield
    await close_pool()


@pytest.fixture
async def stock(tmp_path: Path) -> AsyncIterator[StockStandIn]:
    portrait = await _clip(tmp_path / "portrait.mp4", "0x1ec83c", "270x480")
    landscape = await _clip(tmp_path / "landscape.mp4", "0xf08c14", "480x270")
    server = await StockStandIn(portrait, landscape).start()
    try:
        yield server
    finally:
        await server.stop()


def _settings(server: StockStandIn, **changes: object) -> StockSettings:
    base = {
        "pexels_key": PEXELS_KEY,
        "pixabay_key": PIXABAY_KEY,
        "pexels_url": f"{server.url}/pexels/v1/videos",
        "pixabay_url": f"{server.url}/pixabay/api/videos/",
        "max_wait_s": 5.0,
    }
    return StockSettings(**{**base, **changes})  # type: ignore[arg-type]


def _shot():
    return (
        tiny_package(["tiktok"])
        .storyboard.shots()[0]
        .model_copy(update={"search_terms": ["cold brew coffee", "coffee"]})
    )


async def test_search_sends_terms_orientation_and_key_and_picks_a_big_enough_file(
    stock: StockStandIn, tmp_path: Path
) -> None:
    client = StockClient(_settings(stock), tmp_path / "cache")
    video = await client.find(_shot(), 540, 960)
    assert video is not None and video.service == "pexels"
    ((_, query),) = stock.searches["pexels"]
    assert query["query"] == "cold brew coffee" and query["orientation"] == "portrait"
    # The 360x640 rendition is smaller than the frame: the 1080x1920 one is taken.
    assert (video.width, video.height) == (1080, 1920) and "too-small" not in video.file_url
    record = video.record("s1")
    assert (
        record.attribution == "Video by Ada Lens on Pexels"
        and "pexels.com/license" in record.licence
    )
    # The next shot with the same terms gets another video, from the remembered search.
    other = await client.find(_shot(), 540, 960)
    assert other is not None and other.id != video.id and len(stock.searches["pexels"]) == 1


async def test_downloads_are_cached_by_content(stock: StockStandIn, tmp_path: Path) -> None:
    client = StockClient(_settings(stock), tmp_path / "cache")
    first = await client.find(_shot(), 540, 960)
    second = await client.find(_shot(), 540, 960)
    assert first and second
    a, b = await client.download(first), await client.download(second)
    # Two ids, the same bytes: one file in the cache, named by its SHA-256.
    assert a == b and len(list((tmp_path / "cache").glob("*.mp4"))) == 1
    import hashlib

    assert a.stem == hashlib.sha256(a.read_bytes()).hexdigest()
    again = StockClient(_settings(stock), tmp_path / "cache")
    assert await again.download(first) == a
    assert len(stock.downloads) == 2  # the third ask was answered by the cache


async def test_a_429_is_waited_out_for_as_long_as_retry_after_says(
    stock: StockStandIn, tmp_path: Path
) -> None:
    stock.faults["pexels"].append(Fault(429, {"Retry-After": "1"}))
    client = StockClient(_settings(stock), tmp_path / "cache")
    video = await client.find(_shot(), 540, 960)
    assert video is not None and video.service == "pexels" and not client.warnings
    (t1, _), (t2, _) = stock.searches["pexels"]
    assert t2 - t1 >= 0.95


async def test_a_spent_rate_limit_window_delays_the_next_call(
    stock: StockStandIn, tmp_path: Path
) -> None:
    stock.remaining["pixabay"] = 0  # the answer says: 0 left, resets in 1 s
    client = StockClient(_settings(stock, pexels_key=None), tmp_path / "cache")
    shot = _shot()
    assert await client.find(shot, 540, 960) is not None
    fresh = shot.model_copy(update={"search_terms": ["sunrise"]})
    assert await client.find(fresh, 540, 960) is not None
    (t1, _), (t2, _) = stock.searches["pixabay"]
    assert t2 - t1 >= 0.9


async def test_a_long_rate_limit_or_a_refused_key_moves_on_to_the_next_service(
    stock: StockStandIn, tmp_path: Path
) -> None:
    stock.faults["pexels"].append(Fault(429, {"Retry-After": "3600"}))
    client = StockClient(_settings(stock), tmp_path / "cache")
    video = await client.find(_shot(), 540, 960)
    assert video is not None and video.service == "pixabay"
    # The smallest rendition that still covers the 540x960 frame.
    assert (video.width, video.height) == (540, 960)
    assert any("pexels is rate limiting" in w for w in client.warnings)

    bad = StockClient(_settings(stock, pixabay_key="wrong"), tmp_path / "cache")
    bad.services = [s for s in bad.services if s.name == "pixabay"]
    assert await bad.find(_shot(), 540, 960) is None
    assert any("PIXABAY_API_KEY" in w and "HTTP 400" in w for w in bad.warnings)
    calls = len(stock.searches["pixabay"])
    assert await bad.find(_shot(), 540, 960) is None  # a refused key is not asked again
    assert len(stock.searches["pixabay"]) == calls


async def test_a_refused_pexels_key_says_which_variable(
    stock: StockStandIn, tmp_path: Path
) -> None:
    client = StockClient(_settings(stock, pexels_key="nope", pixabay_key=None), tmp_path / "c")
    assert await client.find(_shot(), 540, 960) is None
    assert any("PEXELS_API_KEY" in w and "HTTP 401" in w for w in client.warnings)


async def test_a_stock_clip_fills_its_shot_and_the_package_credits_it(
    stock: StockStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEXELS_API_KEY", PEXELS_KEY)
    monkeypatch.setenv("VG_PEXELS_URL", f"{stock.url}/pexels/v1/videos")
    monkeypatch.delenv("PIXABAY_API_KEY", raising=False)
    # The keys and URL as a served renderer reads them: environment -> settings -> services.
    options = RenderOptions(services=RenderServices.from_settings(Settings()))
    pkg = tiny_package(["tiktok", "youtube"])
    report = await render_package(
        pkg, tmp_path / "out", options=options, stock_cache=tmp_path / "cache"
    )
    for platform, colour in (("tiktok", GREEN), ("youtube", ORANGE)):
        item = report.get(platform)
        assert [r.source for r in item.shots] == ["pexels"] * len(item.shots)
        assert all(r.attribution == "Video by Ada Lens on Pexels" for r in item.shots)
        timeline = build_timeline(pkg, pkg.cut(platform), item.width, item.height)
        span = timeline.shots[-1]
        png = tmp_path / f"{platform}.png"
        at = (span.first + 75) / FPS  # 2.5 s into a 2 s clip: it loops
        await run_tool(
            [
                ffmpeg_exe(),
                "-v",
                "error",
                "-y",
                "-ss",
                f"{at:.3f}",
                "-i",
                str(item.preview),
                "-frames:v",
                "1",
                str(png),
            ],
            step="frame",
            platform=None,
            timeout_s=60,
        )
        with Image.open(png) as image:
            pixel = image.convert("RGB").getpixel((image.width // 3, image.height // 3))
        assert all(abs(a - b) <= 40 for a, b in zip(pixel, colour, strict=True)), pixel
    orientations = {q["orientation"] for _, q in stock.searches["pexels"]}
    assert orientations == {"portrait", "landscape"}
    from video_generator.render.node import write_credits

    assert write_credits(report, tmp_path / "credits.txt")
    credits = (tmp_path / "credits.txt").read_text()
    assert "Video by Ada Lens on Pexels https://www.pexels.com/video/" in credits
    assert "Pexels License" in credits


def _errors(service: str) -> float:
    from video_generator.render.stock import SEARCHES

    return SEARCHES.labels(service, "error")._value.get()


async def test_a_5xx_is_tried_again_and_one_to_the_last_attempt_moves_on(
    stock: StockStandIn, tmp_path: Path
) -> None:
    stock.faults["pexels"].append(Fault(503, {"Retry-After": "0"}))
    client = StockClient(_settings(stock), tmp_path / "cache")
    video = await client.find(_shot(), 540, 960)
    assert video is not None and video.service == "pexels" and not client.warnings
    assert len(stock.searches["pexels"]) == 2

    stock.faults["pexels"].extend(Fault(500, {"Retry-After": "0"}) for _ in range(3))
    again = StockClient(_settings(stock, attempts=3), tmp_path / "cache")
    video = await again.find(_shot(), 540, 960)
    assert video is not None and video.service == "pixabay"
    assert any("pexels failed (HTTP 500)" in w for w in again.warnings)
    assert len(stock.searches["pexels"]) == 2 + 3  # then never asked again


async def test_an_unreachable_service_is_tried_again_then_left(
    stock: StockStandIn, tmp_path: Path
) -> None:
    from redis_server import free_port

    gone = f"http://127.0.0.1:{free_port()}/v1/videos"  # nothing listens there
    client = StockClient(_settings(stock, pexels_url=gone, attempts=2), tmp_path / "cache")
    before = _errors("pexels")
    video = await client.find(_shot(), 540, 960)
    assert video is not None and video.service == "pixabay"
    assert any("pexels could not be reached" in w for w in client.warnings)
    assert _errors("pexels") - before == 2

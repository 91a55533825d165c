"""The orchestrator's render node: embedded, cached around, refused early, served as files."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest

from a2a_mcp.client import A2AClient, HttpPool
from a2a_mcp.errors import InvalidInputError
from a2a_mcp.registry import AgentRegistry
from a2a_mcp.serve import AgentServer
from video_generator.app.agent_cache import VideoCache, ttl_policy
from video_generator.app.runtime import build_orchestrator, engine_info
from video_generator.cli import main
from video_generator.core.models import VideoPackage
from video_generator.render import RenderError
from video_generator.render.probe import probe
from video_generator.request import RenderRequest, VideoRequest
from video_generator.settings import get_settings

BRIEF = "a 15 second TikTok about green tea for students"


@pytest.fixture
def renders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """VG_RENDER_DIR in this test's folder (settings re-read), as it was afterwards."""
    root = tmp_path / "renders"
    monkeypatch.setenv("VG_RENDER_DIR", str(root))
    get_settings.cache_clear()
    yield root
    get_settings.cache_clear()


def fresh_cache() -> VideoCache:
    return VideoCache("memory://", ttl_for=ttl_policy(get_settings()), engine_info=engine_info())


async def run(orchestrator: Any, request: VideoRequest) -> tuple[VideoPackage, list[dict]]:
    events: list[dict] = []

    async def on_progress(fraction: float, message: str = "", data: dict | None = None) -> None:
        if data and "event" in data:
            events.append(data["event"])

    package = await orchestrator.run("make_video", request, on_progress)
    return package, events


def drawn(root: Path) -> list[Path]:
    return list(root.glob("*/tiktok/*")) + list(root.glob("*/frames/*"))


def task_folders(root: Path) -> list[str]:
    return [p.name for p in root.iterdir()]


def remove_tree(folder: Path) -> None:
    shutil.rmtree(folder)


async def check_preview(path: Path, duration_s: float) -> None:
    info = await probe(path)
    assert abs(info.duration_s - duration_s) <= 0.1
    assert (info.width, info.height, round(info.fps)) == (540, 960, 30)
    assert info.video_codec == "h264" and info.audio_codec == "aac"


async def test_embedded_render_bypasses_the_package_cache_not_the_specialists(
    renders: Path,
) -> None:
    cache = fresh_cache()
    orchestrator = build_orchestrator(cache=cache)
    plain, _ = await run(orchestrator, VideoRequest(brief=BRIEF))
    assert plain.render is None and "render" not in plain.plan.levels[-1]

    request = VideoRequest(brief=BRIEF, render=RenderRequest())
    first, events = await run(orchestrator, request)
    cached = {e["node"] for e in events if e["kind"] == "node_cached"}
    assert cached == {"script", "scenes", "timing", "adapt[tiktok]"}
    progress = [e["message"] for e in events if e["node"] == "render" and e["message"]]
    assert any("preview.mp4 written" in m for m in progress)

    summary = first.render
    assert summary is not None and summary.folder is not None
    assert summary.folder.parent == renders
    (item,) = summary.platforms
    assert (item.preview, item.contact) == ("tiktok/preview.mp4", "tiktok/contact.png")
    assert item.seconds > 0 and summary.clips is None
    assert summary.files() == [
        "tiktok/preview.mp4",
        "tiktok/contact.png",
        "tiktok/captions.ass",
        "render.json",
    ]
    await check_preview(summary.folder / item.preview, first.cut("tiktok").duration_s)
    report = orjson.loads((summary.folder / "render.json").read_bytes())
    assert report["platforms"][0]["preview"] == "tiktok/preview.mp4"

    # The whole package was neither stored nor answered from the cache: the render runs again.
    skill = orchestrator.get_skill("make_video")
    assert await cache.skills.cache.get(cache.key_for(orchestrator, skill, request)) is None
    second, events = await run(orchestrator, request)
    assert not any("whole package" in e["message"] for e in events)
    assert second.render is not None and second.render.folder != summary.folder
    # Same package apart from the timings of the run.
    keep = {"plan": True, "render": {"seconds": True, "platforms": {0: {"seconds"}}}}
    assert first.model_dump(exclude=keep) == second.model_dump(exclude=keep)
    await orchestrator.client.aclose()


async def test_bad_render_options_are_refused_before_any_work(renders: Path) -> None:
    orchestrator = build_orchestrator(cache=fresh_cache())
    with pytest.raises(InvalidInputError) as caught:
        await orchestrator.run("make_video", {"brief": BRIEF, "render": {"model": "no-such-model"}})
    assert caught.value.details["errors"][0]["field"] == "render.model"
    assert "unknown fal model" in str(caught.value)

    request = VideoRequest(brief=BRIEF, render=RenderRequest(model="veo-3", budget_usd=0.05))
    with pytest.raises(InvalidInputError) as caught:
        await orchestrator.run("make_video", request)
    assert caught.value.details["field"] == "render.budget_usd"
    assert "over the budget of $0.05" in str(caught.value)
    assert not drawn(renders), "nothing drawn before the budget check"

    request = VideoRequest(brief=BRIEF, render=RenderRequest(platforms=["youtube"]))
    with pytest.raises(InvalidInputError) as caught:
        await orchestrator.run("make_video", request)
    assert caught.value.details["field"] == "render.platforms"
    assert "choose among tiktok" in str(caught.value)
    await orchestrator.client.aclose()


async def test_a_render_error_fails_the_run_with_its_own_code(
    renders: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import video_generator.render as render

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RenderError("ffmpeg said no", platform="tiktok", step="encode video")

    monkeypatch.setattr(render, "render_package", broken)
    orchestrator = build_orchestrator(cache=fresh_cache())
    with pytest.raises(RenderError) as caught:
        await orchestrator.run("make_video", VideoRequest(brief=BRIEF, render=RenderRequest()))
    assert caught.value.code == "render_failed"
    assert "tiktok: encode video" in str(caught.value)
    await orchestrator.client.aclose()


def test_workspace_keeps_the_most_recent_task_folders(tmp_path: Path) -> None:
    from video_generator.render.node import RenderWorkspace

    workspace = RenderWorkspace(tmp_path, keep=2)
    for n, task in enumerate(["a", "b", "c"]):
        folder = workspace.folder_for(task)
        (folder / "x").write_text(task)
        workspace.release(task)
        os.utime(folder, (1_000_000 + n, 1_000_000 + n))  # distinct ages, oldest first
    workspace.folder_for("d")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c", "d"]
    with pytest.raises(InvalidInputError):
        workspace.folder_for("../escape")


def test_cli_embedded_writes_the_summary_and_files(tmp_path: Path, renders: Path) -> None:
    out = tmp_path / "pkg"
    assert main(["make", BRIEF, "-o", str(out), "--render", "--quiet"]) == 0
    package = orjson.loads((out / "package.json").read_bytes())
    summary = package["render"]
    assert summary["platforms"][0]["preview"] == "tiktok/preview.mp4"
    for name in ("tiktok/preview.mp4", "tiktok/contact.png", "render.json"):
        assert (out / name).stat().st_size > 0
    # the package folder holds its own copy: the work folder may go
    for folder in task_folders(renders):
        remove_tree(renders / folder)
    assert (out / "tiktok" / "preview.mp4").stat().st_size > 10_000


async def test_served_orchestrator_sends_files_the_cli_downloads(
    tmp_path: Path, renders: Path
) -> None:
    orchestrator = build_orchestrator(cache=fresh_cache())
    out = tmp_path / "pkg"
    async with AgentServer(orchestrator, port=0, drain_timeout_s=1) as server:
        args = ["make", BRIEF, "-o", str(out), "--render", "--quiet", "--remote", server.url]
        # The CLI runs its own event loop in a thread; the server serves on this one.
        code = await asyncio.to_thread(main, args)
        assert code == 0
        package = VideoPackage.model_validate_json((out / "package.json").read_bytes())
        assert package.render is not None
        for name in package.render.files():
            assert (out / name).is_file(), name
        await check_preview(out / "tiktok" / "preview.mp4", package.cut("tiktok").duration_s)

        (task,) = task_folders(renders)
        base = f"{server.url}/files"
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            async with http.get(f"{base}/{task}/tiktok/contact.png") as resp:
                assert resp.status == 200 and resp.content_type == "image/png"
            async with http.get(f"{base}/{task}/..%2F..%2Fetc/passwd") as resp:
                assert resp.status == 404
            async with http.get(f"{base}/{task}/../../../etc/passwd") as resp:
                assert resp.status == 404
            remove_tree(renders / task)  # as pruning does
            async with http.get(f"{base}/{task}/tiktok/preview.mp4") as resp:
                assert resp.status == 404
                assert "pruned" in (await resp.json())["message"]

        # Over A2A, a budget below the estimate is an invalid input naming the field.
        request = VideoRequest(brief=BRIEF, render=RenderRequest(model="veo-3", budget_usd=0.05))
        pool = HttpPool(name="render-node-tests")
        client = A2AClient(AgentRegistry({"orchestrator": [server.url]}), session_pool=pool)
        try:
            with pytest.raises(InvalidInputError) as caught:
                await client.call_with_files("orchestrator", "make_video", request)
        finally:
            await client.aclose()
            await pool.aclose()
        assert caught.value.details["field"] == "render.budget_usd"
    await orchestrator.client.aclose()

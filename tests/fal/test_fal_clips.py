"""generate_clips on the stand-in: plan, budget, uploads, queue, download, trim, cancel."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import imageio_ffmpeg
import orjson
import pytest

from fal_standin import FalStandIn, Fault
from fal_support import ClientFactory
from video_generator.core.models import VideoPackage
from video_generator.render.fal import (
    BudgetExceededError,
    ClipStatus,
    FalModelError,
    FalValidationError,
    estimate_cost,
    generate_clips,
)
from video_generator.render.fal.clips import trim_clip
from video_generator.render.fal.uploads import forget_memory

SMALL = {"tiktok": (72, 128), "youtube": (128, 72), "instagram_reels": (72, 128)}
PackageFor = Callable[[list[str]], VideoPackage]


def seconds_of(path: Path) -> float:
    return imageio_ffmpeg.count_frames_and_secs(str(path))[1]


def size_of(path: Path) -> tuple[int, int]:
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    reader.close()
    return tuple(meta["size"])  # type: ignore[return-value]


def read_json(path: Path) -> Any:
    return orjson.loads(path.read_bytes())


class Progress:
    def __init__(self) -> None:
        self.events: list[tuple[float, str, dict[str, Any]]] = []

    async def __call__(self, fraction: float, message: str = "", data: Any = None) -> None:
        self.events.append((fraction, message, data or {}))


async def test_full_run_makes_trims_and_prices_every_clip(
    standin: FalStandIn, make_client: ClientFactory, pkg: VideoPackage, tmp_path: Path
) -> None:
    progress = Progress()
    report = await generate_clips(
        pkg,
        "veo-3-fast",
        tmp_path,
        client=make_client(),
        on_progress=progress,
        resolutions=SMALL,
        budget_usd=5.0,
    )
    estimate = estimate_cost(pkg, "veo-3-fast")
    # 3 shots x 2 aspects (Veo makes both 9:16 and 16:9): 6 requests, none shared.
    assert report.status is ClipStatus.COMPLETED
    assert standin.count("submit") == report.requests == estimate.clips == 6
    assert report.actual_usd == pytest.approx(estimate.total_usd)
    bodies = standin.bodies()
    assert {b["aspect_ratio"] for b in bodies} == {"9:16", "16:9"}
    assert all(b["generate_audio"] is False and b["duration"] in {"4s", "6s"} for b in bodies)
    assert standin.count("cancel") == 0

    for cut in pkg.cuts:
        paths = report.paths(cut.platform)
        assert list(paths) == [timed.shot_id for timed in cut.shots]
        for timed in cut.shots:
            clip = paths[timed.shot_id]
            assert clip.is_file() and clip.parent == tmp_path / "clips" / cut.platform
            # Trimmed (or held) to the shot's length in this cut, within one frame at 30 fps.
            assert seconds_of(clip) == pytest.approx(timed.end_s - timed.start_s, abs=0.04)
            assert size_of(clip) == SMALL[cut.platform]
    assert report.clips == report.paths("tiktok")

    saved = read_json(tmp_path / "clips" / "report.json")
    assert saved["status"] == "completed" and saved["actual_usd"] == report.actual_usd
    assert {row["request_id"] for row in saved["shots"]} == {f"req-{i:04d}" for i in range(1, 7)}

    fractions = [event[0] for event in progress.events]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("in queue (position 2)" in event[1] for event in progress.events)
    assert any(event[2].get("logs") == ["Generating video"] for event in progress.events)


async def test_a_rerun_reuses_the_downloaded_clips_and_pays_nothing(
    standin: FalStandIn, make_client: ClientFactory, pkg: VideoPackage, tmp_path: Path
) -> None:
    first = await generate_clips(
        pkg, "hailuo-02-standard", tmp_path, client=make_client(), resolutions=SMALL
    )
    # Hailuo's text-to-video makes 16:9 only, so the 9:16 and 16:9 cuts share all 3 clips.
    assert first.requests == 3 and first.actual_usd == pytest.approx(3 * 6 * 0.045)
    submitted = standin.count("submit")
    again = await generate_clips(
        pkg, "hailuo-02-standard", tmp_path, client=make_client(), resolutions=SMALL
    )
    assert standin.count("submit") == submitted
    assert again.requests == 0 and again.reused == 3 and again.actual_usd == 0
    assert {s.status for s in again.shots} == {ClipStatus.REUSED}
    assert again.paths("youtube") == first.paths("youtube")


async def test_shared_shots_are_made_once_from_one_uploaded_frame(
    standin: FalStandIn,
    make_client: ClientFactory,
    package_for: PackageFor,
    frame: Path,
    tmp_path: Path,
) -> None:
    forget_memory()
    pkg = package_for(["tiktok", "instagram_reels"])
    frames = {timed.shot_id: frame for timed in pkg.cut("tiktok").shots}
    report = await generate_clips(
        pkg,
        "kling-2.1-standard",
        tmp_path,
        client=make_client(),
        frames=frames,
        resolutions=SMALL,
    )
    assert standin.count("submit") == 3  # both 9:16 cuts use the same three clips
    assert standin.count("upload") == 1 and report.uploads == 1 and report.uploads_reused == 2
    assert {b["image_url"] for b in standin.bodies()} == {f"{standin.url}/media/000-frame.png"}
    # Shots of 1.5, 1.45 and 5.55 s snap up to Kling's 5, 5 and 10 s.
    assert sorted(b["duration"] for b in standin.bodies()) == ["10", "5", "5"]
    assert all("aspect_ratio" not in b for b in standin.bodies())
    reels = [s for s in report.shots if s.platform == "instagram_reels"]
    assert all(s.shared_with == "tiktok" and s.cost_usd == 0 for s in reels)
    assert report.actual_usd == pytest.approx(20 * 0.056)
    assert len(report.paths("instagram_reels")) == 3
    forget_memory()


async def test_over_budget_sends_nothing(
    standin: FalStandIn, make_client: ClientFactory, pkg: VideoPackage, tmp_path: Path
) -> None:
    with pytest.raises(BudgetExceededError, match=r"over the budget of \$0\.50"):
        await generate_clips(pkg, "veo-3", tmp_path, client=make_client(), budget_usd=0.5)
    assert standin.seen == []


async def test_image_only_model_without_frames_is_refused_before_any_call(
    standin: FalStandIn, make_client: ClientFactory, pkg: VideoPackage, tmp_path: Path
) -> None:
    with pytest.raises(FalModelError) as caught:
        await generate_clips(pkg, "kling-2.1-pro", tmp_path, client=make_client())
    message = str(caught.value)
    assert "only from images" in message and "kling-2.1-master" in message
    assert standin.seen == []


async def test_429_and_503_during_a_run_are_retried(
    standin: FalStandIn, make_client: ClientFactory, pkg: VideoPackage, tmp_path: Path
) -> None:
    standin.fail_next("submit", Fault(429, {"detail": "slow"}, {"Retry-After": "0"}))
    standin.fail_next("status", Fault(503, {"error_type": "runner_busy"}))
    report = await generate_clips(
        pkg,
        "kling-2.1-master",
        tmp_path,
        client=make_client(),
        max_concurrency=1,
        resolutions=SMALL,
    )
    assert report.status is ClipStatus.COMPLETED and report.requests == 6
    assert standin.count("submit") == 7


async def test_cancelling_the_run_cancels_every_request_in_flight(
    standin: FalStandIn, make_client: ClientFactory, pkg: VideoPackage, tmp_path: Path
) -> None:
    standin.hold.clear()  # every request stays IN_QUEUE
    run = asyncio.create_task(
        generate_clips(pkg, "veo-3-fast", tmp_path, client=make_client(), max_concurrency=3)
    )
    await standin.wait_for("submit", 3)
    await standin.wait_for("status", 3)
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    submitted = [job.request_id for job in standin.jobs.values()]
    assert len(submitted) == 3  # the other three waited for a slot and were never sent
    assert sorted(standin.cancelled_ids()) == sorted(submitted)
    saved = read_json(tmp_path / "clips" / "report.json")
    assert saved["status"] == "cancelled" and saved["actual_usd"] == 0
    assert any("cancelled at fal" in note for note in saved["notes"])


async def test_a_failed_clip_cancels_the_others_and_raises_its_error(
    standin: FalStandIn, make_client: ClientFactory, pkg: VideoPackage, tmp_path: Path
) -> None:
    standin.hold.clear()
    run = asyncio.create_task(
        generate_clips(pkg, "veo-3-fast", tmp_path, client=make_client(), max_concurrency=3)
    )
    await standin.wait_for("submit", 3)
    failing = standin.jobs["req-0002"]
    failing.result_fault = Fault(
        422,
        {
            "detail": [
                {
                    "loc": ["body", "prompt"],
                    "msg": "the prompt was flagged by the content checker",
                    "type": "content_policy_violation",
                }
            ]
        },
    )
    failing.released = True
    with pytest.raises(FalValidationError) as caught:
        await run
    assert "prompt: the prompt was flagged" in str(caught.value)
    assert caught.value.details["spent_usd"] == 0
    assert sorted(standin.cancelled_ids()) == ["req-0001", "req-0003"]
    saved = read_json(tmp_path / "clips" / "report.json")
    assert saved["status"] == "failed"
    failed = [s for s in saved["shots"] if s["status"] == "failed"]
    assert failed and all("flagged" in s["error"] for s in failed)


async def test_trim_holds_the_last_frame_when_the_clip_is_short(
    tiny_clip: Path, tmp_path: Path
) -> None:
    longer = await trim_clip(tiny_clip, tmp_path / "long.mp4", 5.5, width=64, height=36, fps=30)
    shorter = await trim_clip(tiny_clip, tmp_path / "short.mp4", 1.5, width=36, height=64, fps=30)
    assert seconds_of(longer) == pytest.approx(5.5, abs=0.04)
    assert seconds_of(shorter) == pytest.approx(1.5, abs=0.04)
    assert size_of(shorter) == (36, 64)

"""The queue protocol on the stand-in: submit, status, result, cancel, retries, breaker, errors."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from a2a_mcp.resilience import BreakerState, CircuitBreaker
from fal_standin import BROKE_KEY, KEY, FalStandIn, Fault
from fal_support import ClientFactory
from video_generator.render.fal import (
    FalAuthError,
    FalBalanceError,
    FalRateLimitError,
    FalTimeoutError,
    FalUnavailableError,
    FalValidationError,
)
from video_generator.render.fal.queue import FalQueueClient, QueueStatus
from video_generator.render.fal.uploads import UploadCache, forget_memory
from video_generator.render.services import RenderServices
from video_generator.settings import Settings

VEO = "fal-ai/veo3/fast"
KLING = "fal-ai/kling-video/v2.1/standard/image-to-video"
VEO_BODY = {"prompt": "steam over a glass", "duration": "4s", "aspect_ratio": "9:16"}


def _read(path: Path) -> bytes:
    return path.read_bytes()


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)


async def test_submit_poll_result_uses_the_urls_fal_returns(
    standin: FalStandIn, make_client: ClientFactory
) -> None:
    client = make_client()
    handle = await client.submit(VEO, VEO_BODY)
    # Status, result and cancel live under owner/alias, without the endpoint's subpath.
    assert handle.status_url.endswith(f"/fal-ai/veo3/requests/{handle.request_id}/status")
    seen: list[QueueStatus] = []
    result = await client.wait(handle, on_status=lambda _h, s: seen.append(s))
    assert result["video"]["url"].endswith(".mp4")
    assert [s.status for s in seen] == ["IN_QUEUE", "IN_QUEUE", "IN_PROGRESS", "COMPLETED"]
    assert [s.queue_position for s in seen[:2]] == [2, 1]
    assert seen[2].logs and seen[2].logs[0]["message"] == "Generating video"
    submit = standin.seen[0]
    assert (submit.method, submit.path, submit.auth) == ("POST", f"/{VEO}", f"Key {KEY}")
    assert submit.body == VEO_BODY
    assert all(s.auth == f"Key {KEY}" for s in standin.seen)
    assert standin.count("cancel") == 0


async def test_download_sends_no_key_and_writes_the_whole_file(
    standin: FalStandIn, make_client: ClientFactory, tmp_path: Path, tiny_clip: Path
) -> None:
    client = make_client()
    handle = await client.submit(VEO, VEO_BODY)
    result = await client.wait(handle)
    target = tmp_path / "out" / "clip.mp4"
    size = await client.download(result["video"]["url"], target)
    assert size == len(_read(tiny_clip)) and _read(target) == _read(tiny_clip)
    media = [s for s in standin.seen if s.kind == "media"]
    assert media and media[0].auth is None


async def test_429_is_retried_after_the_time_fal_asks(
    standin: FalStandIn, make_client: ClientFactory
) -> None:
    standin.fail_next("submit", Fault(429, {"detail": "Rate limit"}, {"Retry-After": "0.2"}))
    client = make_client()
    loop = asyncio.get_running_loop()
    started = loop.time()
    handle = await client.submit(VEO, VEO_BODY)
    waited = loop.time() - started
    assert handle.request_id and standin.count("submit") == 2
    assert waited >= 0.2  # the backoff alone is at most 0.06 s here: Retry-After was honoured


async def test_503_and_504_are_retried_on_every_call_kind(
    standin: FalStandIn, make_client: ClientFactory
) -> None:
    standin.fail_next("submit", Fault(503, {"detail": "busy", "error_type": "runner_busy"}))
    standin.fail_next("status", Fault(502), Fault(504, {"error_type": "startup_timeout"}))
    standin.fail_next("result", Fault(503))
    client = make_client()
    handle = await client.submit(VEO, VEO_BODY)
    result = await client.wait(handle)
    assert "video" in result
    assert standin.count("submit") == 2 and standin.count("result") == 2


async def test_a_long_retry_after_is_reported_not_waited(
    standin: FalStandIn, make_client: ClientFactory
) -> None:
    standin.fail_next("submit", Fault(429, {"detail": "slow down"}, {"Retry-After": "120"}))
    with pytest.raises(FalRateLimitError) as caught:
        await make_client().submit(VEO, VEO_BODY)
    assert caught.value.retry_after == 120 and "retry after 120 s" in str(caught.value)
    assert standin.count("submit") == 1


async def test_retries_stop_after_the_policy_attempts(
    standin: FalStandIn, make_client: ClientFactory
) -> None:
    standin.fail_next("submit", *[Fault(503, {"error_type": "runner_unavailable"})] * 5)
    with pytest.raises(FalUnavailableError) as caught:
        await make_client().submit(VEO, VEO_BODY)
    assert standin.count("submit") == 3  # attempts=3 in the fast settings
    assert "runner_unavailable" in str(caught.value) and caught.value.status == 503


async def test_breaker_opens_after_repeated_5xx_and_stops_calls(
    standin: FalStandIn, make_client: ClientFactory
) -> None:
    breaker = CircuitBreaker(failure_threshold=4, cooldown_s=60)
    client = make_client(breaker=breaker)
    standin.fail_next("submit", *[Fault(503)] * 10)
    with pytest.raises(FalUnavailableError):
        await client.submit(VEO, VEO_BODY)  # 3 attempts, 3 failures
    with pytest.raises(FalUnavailableError) as caught:
        await client.submit(VEO, VEO_BODY)  # 1 more failure opens it; then no more calls
    assert breaker.state is BreakerState.OPEN
    assert standin.count("submit") == 4
    assert caught.value.details.get("breaker_open") is True
    assert "paused" in str(caught.value) and "HTTP 503" in str(caught.value)
    with pytest.raises(FalUnavailableError, match="paused"):
        await client.status(await _fake_handle(client))
    assert len(standin.seen) == 4  # nothing reached fal while open


async def test_breaker_probe_closes_it_again_when_fal_recovers(
    standin: FalStandIn, make_client: ClientFactory
) -> None:
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=2, cooldown_s=5, clock=lambda: now[0])
    client = make_client(breaker=breaker, retry={"attempts": 1})
    standin.fail_next("submit", Fault(503), Fault(503))
    for _ in range(2):
        with pytest.raises(FalUnavailableError):
            await client.submit(VEO, VEO_BODY)
    assert breaker.state is BreakerState.OPEN
    now[0] = 6.0  # cooldown over: one probe goes through, and fal is fine now
    assert (await client.submit(VEO, VEO_BODY)).request_id
    assert breaker.state is BreakerState.CLOSED


async def _fake_handle(client: FalQueueClient):  # type: ignore[no-untyped-def]
    from video_generator.render.fal.queue import QueueHandle

    base = f"{client.settings.queue_url}/fal-ai/veo3/requests/none"
    return QueueHandle("none", VEO, f"{base}/status", base, f"{base}/cancel")


async def test_bad_key_is_a_401_with_advice(
    standin: FalStandIn, make_client: ClientFactory
) -> None:
    with pytest.raises(FalAuthError) as caught:
        await make_client(key="wrong:key").submit(VEO, VEO_BODY)
    message = str(caught.value)
    assert "FAL_KEY was rejected (401)" in message and "wrong:key" not in message
    assert standin.count("submit") == 1  # never retried


async def test_exhausted_balance_is_a_403_with_advice(make_client: ClientFactory) -> None:
    with pytest.raises(FalBalanceError, match="balance is exhausted"):
        await make_client(key=BROKE_KEY).submit(VEO, VEO_BODY)


async def test_validation_422_names_the_field(
    standin: FalStandIn, make_client: ClientFactory
) -> None:
    with pytest.raises(FalValidationError) as caught:
        await make_client().submit(VEO, {**VEO_BODY, "duration": "5s", "fps": 30})
    error = caught.value
    assert set(error.details["fields"]) == {"duration", "fps"}
    assert "duration: Input should be" in str(error) and "fps: Extra inputs" in str(error)
    assert standin.count("submit") == 1


async def test_missing_key_says_how_to_set_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAL_KEY", raising=False)
    with pytest.raises(FalAuthError, match="FAL_KEY is not set"):
        FalQueueClient(None)
    with pytest.raises(FalAuthError, match="FAL_KEY is not set"):
        RenderServices.from_settings(Settings()).fal_client()


async def test_key_from_the_environment_is_used_and_never_shown(
    standin: FalStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAL_KEY", KEY)
    monkeypatch.setenv("VG_FAL_QUEUE_URL", standin.url)
    services = RenderServices.from_settings(Settings())  # as render_video hands them down
    client = services.fal_client()
    assert client.settings.queue_url == standin.url
    assert client.auth_header == {"Authorization": f"Key {KEY}"}
    assert KEY not in repr(client) and KEY not in repr(services)


async def test_a_call_that_hangs_times_out(standin: FalStandIn, make_client: ClientFactory) -> None:
    standin.fail_next("status", Fault(200, {"status": "IN_QUEUE"}, delay_s=1.0))
    client = make_client(request_timeout_s=0.2, retry={"attempts": 1})
    handle = await client.submit(VEO, VEO_BODY)
    with pytest.raises(FalTimeoutError, match="did not answer status of request"):
        await client.status(handle)


async def test_a_clip_over_its_time_is_cancelled_at_fal(
    standin: FalStandIn, make_client: ClientFactory
) -> None:
    standin.hold.clear()  # stays IN_QUEUE
    client = make_client(clip_timeout_s=0.3)
    handle = await client.submit(VEO, VEO_BODY)
    with pytest.raises(FalTimeoutError) as caught:
        await client.wait(handle)
    assert "did not finish within 0.3 s" in str(caught.value) and "IN_QUEUE" in str(caught.value)
    assert standin.cancelled_ids() == [handle.request_id]


async def test_cancelling_a_wait_puts_cancel(
    standin: FalStandIn, make_client: ClientFactory
) -> None:
    standin.hold.clear()
    client = make_client()
    handle = await client.submit(VEO, VEO_BODY)
    waiting = asyncio.create_task(client.wait(handle))
    await standin.wait_for("status", 3)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert standin.cancelled_ids() == [handle.request_id]
    cancel = next(s for s in standin.seen if s.kind == "cancel")
    assert cancel.method == "PUT" and cancel.auth == f"Key {KEY}"


async def test_a_failed_result_cancels_nothing_and_raises_its_error(
    standin: FalStandIn, make_client: ClientFactory
) -> None:
    client = make_client()
    handle = await client.submit(VEO, VEO_BODY)
    standin.jobs[handle.request_id].result_fault = Fault(
        422,
        {
            "detail": [
                {
                    "loc": ["body", "prompt"],
                    "msg": "flagged by the safety checker",
                    "type": "content_policy_violation",
                }
            ]
        },
    )
    with pytest.raises(FalValidationError, match="prompt: flagged"):
        await client.wait(handle)
    assert standin.count("cancel") == 0  # it had completed: nothing to stop


async def test_upload_cache_reuses_urls_in_memory_and_from_the_index(
    standin: FalStandIn, make_client: ClientFactory, frame: Path, tmp_path: Path
) -> None:
    forget_memory()
    client = make_client()
    folder = tmp_path / "clips"
    cache = UploadCache(client, folder)
    first, second = await asyncio.gather(cache.url_for(frame), cache.url_for(frame))
    assert first == second and standin.count("upload") == 1 and standin.tokens_issued == 1
    copy = tmp_path / "same-bytes.png"
    _write(copy, _read(frame))
    assert await cache.url_for(copy) == first  # same content, other name: no upload
    assert standin.count("upload") == 1
    assert (folder / "uploads.json").is_file()

    forget_memory()  # a new process: only the index file remembers
    again = UploadCache(client, folder)
    assert await again.url_for(frame) == first
    assert standin.count("upload") == 1 and again.uploaded == 0 and again.reused == 1

    other = tmp_path / "other.png"
    _write(other, _read(frame) + b"\0")
    assert await again.url_for(other) != first
    assert standin.count("upload") == 2
    upload = [s for s in standin.seen if s.kind == "upload"][-1]
    assert upload.auth == "Bearer cdn-token-42"  # the CDN token, not the fal key
    forget_memory()

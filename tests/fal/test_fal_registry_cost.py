"""The model registry, payloads (checked by the stand-in's own rules), snapping and estimates."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from fal_standin import ENDPOINTS, validate
from video_generator.core.models import VideoPackage
from video_generator.render.fal import (
    MODELS,
    BudgetExceededError,
    FalModelError,
    check_budget,
    estimate_cost,
    get_model,
)
from video_generator.render.fal.errors import error_from_response
from video_generator.render.fal.models import Mode, build_payload, nearest_aspect

PackageFor = Callable[[list[str]], VideoPackage]

ISSUE_MODELS = {
    "kling-2.1-standard",
    "kling-2.1-pro",
    "kling-2.1-master",
    "hailuo-02-standard",
    "hailuo-02-pro",
    "veo-3",
    "veo-3-fast",
}


def test_registry_holds_the_issue_models_with_known_endpoints() -> None:
    assert set(MODELS) == ISSUE_MODELS
    for model in MODELS.values():
        assert model.price_per_s > 0
        assert model.durations == tuple(sorted(model.durations))
        for endpoint in model.endpoints:
            assert endpoint.endpoint_id in ENDPOINTS, endpoint.endpoint_id


@pytest.mark.parametrize("model_id", sorted(ISSUE_MODELS))
def test_every_payload_passes_the_standin_rules(model_id: str) -> None:
    model = get_model(model_id)
    for endpoint in model.endpoints:
        for seconds in model.durations:
            for aspect in endpoint.aspects or ("9:16",):
                body = build_payload(
                    model,
                    endpoint.mode,
                    prompt="a cup of cold brew",
                    negative_prompt="blur",
                    duration_s=seconds,
                    aspect=aspect if endpoint.aspects else None,
                    image_url="https://example.invalid/frame.png"
                    if endpoint.mode is Mode.IMAGE
                    else None,
                )
                assert validate(endpoint.endpoint_id, body) == [], (endpoint.endpoint_id, body)
                assert set(body) <= set(endpoint.params)


def test_a_wrong_duration_is_caught_by_the_standin_naming_the_field() -> None:
    errors = validate("fal-ai/veo3", {"prompt": "x", "duration": "5s"})
    assert errors[0]["loc"] == ["body", "duration"]


def test_snap_goes_up_to_the_nearest_allowed_duration() -> None:
    kling, hailuo, veo = (
        get_model(m) for m in ("kling-2.1-standard", "hailuo-02-standard", "veo-3")
    )
    assert [kling.snap(s) for s in (0.5, 5.0, 5.01, 9.9, 14.0)] == [5, 5, 10, 10, 10]
    assert [hailuo.snap(s) for s in (1.0, 6.0, 7.0)] == [6, 6, 10]
    assert [veo.snap(s) for s in (1.0, 4.2, 6.0, 7.5)] == [4, 6, 6, 8]
    assert veo.duration_value(6) == "6s" and kling.duration_value(5) == "5"


def test_nearest_aspect_uses_the_ratio_not_the_text() -> None:
    assert nearest_aspect("4:5", ("16:9", "9:16", "1:1")) == "1:1"
    assert nearest_aspect("4:5", ("16:9", "9:16")) == "9:16"
    assert nearest_aspect("9:16", ("16:9", "9:16")) == "9:16"
    assert nearest_aspect("9:16", ()) == "9:16"


def test_unknown_model_lists_the_known_ids() -> None:
    with pytest.raises(FalModelError) as caught:
        get_model("sora-9")
    message = str(caught.value)
    assert "sora-9" in message and all(m in message for m in ISSUE_MODELS)
    assert caught.value.code == "fal_model"


def test_estimate_counts_shared_shots_once(cold_brew: VideoPackage) -> None:
    # tiktok and instagram_reels are both 9:16 with the same shot lengths: one clip per shot.
    estimate = estimate_cost(cold_brew, "veo-3-fast")
    shots = len(cold_brew.cut("tiktok").shots)
    tiktok, reels = estimate.platforms
    assert estimate.clips == shots
    assert estimate.shared_clips == shots
    assert tiktok.new_usd == tiktok.usd and reels.new_usd == 0
    assert all(row.shared_with == "tiktok" for row in reels.shots)
    assert estimate.total_usd == pytest.approx(tiktok.usd)
    assert estimate.saved_usd == pytest.approx(reels.usd)
    billed = sum(get_model("veo-3-fast").snap(r.requested_s) for r in tiktok.shots)
    assert estimate.billed_s == billed
    assert estimate.total_usd == pytest.approx(billed * 0.10)
    text = estimate.to_text()
    assert "counted once" in text and "$" in text


def test_estimate_per_shot_rows_snap_and_price(cold_brew: VideoPackage) -> None:
    estimate = estimate_cost(cold_brew, "kling-2.1-standard", ["tiktok"])
    (tiktok,) = estimate.platforms
    for row in tiktok.shots:
        assert row.billed_s == (5 if row.requested_s <= 5 else 10)
        assert row.usd == pytest.approx(row.billed_s * 0.056)
        assert row.mode is Mode.IMAGE
    assert any("only from images" in note for note in estimate.notes)


def test_estimate_picks_and_notes_the_nearest_aspect(package_for: PackageFor) -> None:
    pkg = package_for(["instagram_feed", "youtube"])
    estimate = estimate_cost(pkg, "kling-2.1-master")
    feed = estimate.platforms[0]
    assert feed.aspect == "4:5" and feed.model_aspect == "1:1"
    assert any("instagram_feed is 4:5" in note and "1:1" in note for note in estimate.notes)
    # Different aspects are different clips: nothing shared.
    assert estimate.shared_clips == 0


def test_text_to_video_models_share_across_aspects_they_cannot_make(
    package_for: PackageFor,
) -> None:
    # Hailuo's text-to-video makes 16:9 only: the 9:16 and 16:9 cuts get the same clips.
    estimate = estimate_cost(package_for(["tiktok", "youtube"]), "hailuo-02-standard")
    assert estimate.clips == 3 and estimate.shared_clips == 3


def test_a_shot_longer_than_the_longest_clip_is_noted(pkg: VideoPackage) -> None:
    estimate = estimate_cost(pkg, "hailuo-02-pro")  # 6 s only; no shot is longer
    assert not any("longer than" in n for n in estimate.notes)
    estimate = estimate_cost(pkg, "veo-3-fast")  # 8 s max; the 5.55 s shot fits
    assert not any("longer than" in n for n in estimate.notes)


def test_budget_refusal_names_models_that_fit(cold_brew: VideoPackage) -> None:
    estimate = estimate_cost(cold_brew, "kling-2.1-master")
    with pytest.raises(BudgetExceededError) as caught:
        check_budget(estimate, 10.0, cold_brew)
    message = str(caught.value)
    assert f"${estimate.total_usd:.2f}" in message and "$10.00" in message
    assert "Nothing was sent" in message
    assert "hailuo-02-standard" in message  # $4.59 for this package
    assert caught.value.code == "budget_exceeded"
    check_budget(estimate, estimate.total_usd, cold_brew)  # exactly the budget passes


def test_unknown_platform_is_a_clear_error(pkg: VideoPackage) -> None:
    with pytest.raises(FalModelError, match="no cut for linkedin"):
        estimate_cost(pkg, "veo-3", ["linkedin"])


@pytest.mark.parametrize(
    ("status", "body", "headers", "code", "words"),
    [
        (
            401,
            {"detail": "Unauthorized"},
            {},
            "fal_auth",
            ["FAL_KEY was rejected", "fal.ai/dashboard/keys"],
        ),
        (403, {"detail": "Exhausted balance"}, {}, "fal_balance", ["balance", "dashboard/billing"]),
        (
            422,
            {
                "detail": [
                    {
                        "loc": ["body", "duration"],
                        "msg": "Input should be '5' or '10'",
                        "type": "literal_error",
                    }
                ]
            },
            {},
            "fal_validation",
            ["duration: Input should be '5' or '10'", "(422)"],
        ),
        (
            429,
            {"detail": "Too many"},
            {"Retry-After": "17"},
            "fal_rate_limited",
            ["retry after 17 s"],
        ),
        (
            503,
            {"detail": "No runners", "error_type": "runner_scheduling_failure"},
            {},
            "fal_unavailable",
            ["runner_scheduling_failure", "--model"],
        ),
        (
            504,
            {"detail": "Startup", "error_type": "startup_timeout"},
            {},
            "fal_unavailable",
            ["startup_timeout"],
        ),
        (
            504,
            {"detail": "Too slow", "error_type": "request_timeout"},
            {},
            "fal_timeout",
            ["timed out"],
        ),
        (500, "Internal Server Error", {}, "fal_request_failed", ["answered 500"]),
    ],
)
def test_every_error_message_says_what_to_do(
    status: int, body: object, headers: dict[str, str], code: str, words: list[str]
) -> None:
    error = error_from_response(
        status, body, headers, what="submit to fal-ai/veo3", request_id="r1"
    )
    assert error.code == code and error.status == status and error.request_id == "r1"
    for word in words:
        assert word in str(error), (word, str(error))
    if status == 429:
        assert error.retry_after == 17
    if status == 422:
        assert error.details["fields"] == ["duration"]


def test_errors_survive_the_trip_through_an_a2a_payload() -> None:
    from a2a_mcp.client.errors import error_from_payload

    error = error_from_response(429, {}, {"Retry-After": "3"}, what="status of request r")
    back = error_from_payload(error.to_dict())
    assert type(back) is type(error) and back.retry_after == 3 and str(back) == str(error)

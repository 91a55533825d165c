"""Stills: the text stays where every pan, tilt and push-in window can see it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops
from render_support import tiny_package

from video_generator.render.frames import MOTION_EDGE, draw_still

LONG = (
    "A parent pours cold brew over ice in a bright kitchen while two children race past with "
    "school bags, morning light across the counter and a jar of grounds steeping beside the sink"
)


@pytest.mark.parametrize("size", [(540, 960), (960, 540), (540, 540)])
def test_still_text_stays_inside_every_motion_window(tmp_path: Path, size: tuple[int, int]) -> None:
    shot = tiny_package(["tiktok"]).storyboard.shots()[0]
    worded = shot.model_copy(
        update={
            "subject": "Cold brew for the whole family, ready before anyone wakes up",
            "visual_description": LONG,
            "on_screen_text": "Ready before you are: cold brew in five minutes of work",
        }
    )
    blank = shot.model_copy(update={"subject": "", "visual_description": "", "on_screen_text": ""})
    w, h = size
    with (
        Image.open(draw_still(worded, w, h, tmp_path / "worded.png")) as a,
        Image.open(draw_still(blank, w, h, tmp_path / "blank.png")) as b,
    ):
        box = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox()
    assert box is not None, "the text was drawn"
    left, top, right, _bottom = box
    # A window of the frame's size over the still scaled by ZOOM, anywhere from one end of its
    # travel to the other, shows [MOTION_EDGE, 1 - MOTION_EDGE] of each axis of the still.
    assert left >= MOTION_EDGE * w
    assert right <= (1 - MOTION_EDGE) * w
    assert top >= MOTION_EDGE * h

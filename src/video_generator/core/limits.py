"""The bounds every domain model keeps, and the base model that holds them to it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

# Bounds on everything that crosses a service boundary: roomy for any real video, small
# enough that an absurd payload is refused at validation, before it costs memory or CPU.
MAX_VIDEO_S = 3600.0  # the registry's longest platform limit (Instagram feed, 60 min)
MAX_TIMELINE_S = 4 * MAX_VIDEO_S  # timestamps: a script may run long before it is cut
MAX_SPEECH_S = 2 * MAX_VIDEO_S  # a script's narration, spoken (pauses come on top)
MAX_ID = 120  # ids: segments, shots, scenes, platforms, templates, gates
MAX_SHORT = 1_000  # one-line texts: titles, topic, audience, moods, hashtags
MAX_TEXT = 20_000  # texts a video reads or shows: narration, descriptions, prompts
MAX_REQUEST_TEXT = 20_000  # the brief as sent (the parser's own, friendlier limit is 4,000)
MAX_PLATFORMS = 16
MAX_SEGMENTS = 200
MAX_SHOTS_PER_SEGMENT = 100
MAX_SHOTS = 3_000  # 60 min at 45 shots a minute (the fastest platform's pacing)
MAX_CUES = 10_000  # 60 min of captions at the shortest cue (5/6 s), with room
MAX_ITEMS = 100  # hashtags, key points, palettes, edits, warnings, reports ...
MAX_NODES = 1_000  # run-plan nodes and levels
MAX_PIXELS = 8192  # a side of a frame (8K)
MAX_FPS = 240
MAX_BITRATE_KBPS = 500_000
MAX_METADATA_DEPTH = 4  # nesting of free-form objects (VideoPackage.engine)
MAX_METADATA_KEYS = 50


class Model(BaseModel):
    """Base for every domain model: strict about unknown fields so typos surface early; no
    inf or NaN anywhere (a length of 1e309 seconds is refused, not computed)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

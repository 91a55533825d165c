"""Cache codec: JSON-ready objects <-> bytes (orjson; zstd above a threshold; a version byte)."""

from __future__ import annotations

import threading
from typing import Any

import orjson
import zstandard

# Layout of an encoded value: [version][format][payload]. The version byte lets a future codec
# tell old entries apart (they then decode as a miss instead of as garbage).
VERSION = 1
PLAIN = 0
ZSTD = 1

COMPRESS_ABOVE = 4096  # bytes of JSON; below this zstd saves little and costs more than it saves
ZSTD_LEVEL = 3
MAX_DECODED_BYTES = 64 * 1024 * 1024  # refuse to inflate anything bigger: no decompression bombs

_HEADER_PLAIN = bytes((VERSION, PLAIN))
_HEADER_ZSTD = bytes((VERSION, ZSTD))


class DecodeError(ValueError):
    """The bytes are not a value this codec wrote (wrong version, corrupt, truncated)."""


class _Codecs(threading.local):
    """zstd (de)compressor objects are not thread-safe; keep one pair per thread."""

    def __init__(self) -> None:
        self.compressor = zstandard.ZstdCompressor(level=ZSTD_LEVEL)
        self.decompressor = zstandard.ZstdDecompressor()


_codecs = _Codecs()


def encode(obj: Any, *, compress_above: int = COMPRESS_ABOVE) -> bytes:
    """Serialise a JSON-ready object; zstd-compress it when its JSON exceeds `compress_above`."""
    raw = orjson.dumps(obj)
    if len(raw) > compress_above:
        return _HEADER_ZSTD + _codecs.compressor.compress(raw)
    return _HEADER_PLAIN + raw


def decode(data: bytes) -> Any:
    """Inverse of encode; raises DecodeError on anything encode could not have produced."""
    if len(data) < 3:
        raise DecodeError(f"cache entry too short ({len(data)} bytes)")
    if data[0] != VERSION:
        raise DecodeError(f"cache entry has codec version {data[0]}, expected {VERSION}")
    fmt = data[1]
    payload: memoryview | bytes = memoryview(data)[2:]
    if fmt == ZSTD:
        payload = _inflate(payload)
    elif fmt != PLAIN:
        raise DecodeError(f"cache entry has unknown format byte {fmt}")
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise DecodeError(f"cache entry is not valid JSON: {exc}") from None


def _inflate(payload: memoryview | bytes) -> memoryview | bytes:
    try:
        size = zstandard.frame_content_size(payload)
        if size < 0 or size > MAX_DECODED_BYTES:
            raise DecodeError(f"cache entry has an unusable zstd content size ({size})")
        return _codecs.decompressor.decompress(payload, max_output_size=MAX_DECODED_BYTES)
    except zstandard.ZstdError as exc:
        raise DecodeError(f"cache entry is not a valid zstd frame: {exc}") from None

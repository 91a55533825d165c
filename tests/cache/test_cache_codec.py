"""The cache codec: round trips, compression above the threshold, and refusal of bad bytes."""

from __future__ import annotations

import orjson
import pytest
import zstandard
from hypothesis import given
from hypothesis import strategies as st

from a2a_mcp.cache import DecodeError, decode, encode
from a2a_mcp.cache.codec import PLAIN, VERSION, ZSTD

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=30,
)


@given(json_values)
def test_round_trip_any_json_value(value: object) -> None:
    assert decode(encode(value)) == value
    assert decode(encode(value, compress_above=0)) == value


def test_small_values_stay_plain_and_large_ones_are_compressed() -> None:
    small = {"text": "hello"}
    large = {"scenes": [{"prompt": "a sunny kitchen, cold brew " * 4, "i": i} for i in range(200)]}
    small_bytes, large_bytes = encode(small), encode(large)
    assert small_bytes[:2] == bytes((VERSION, PLAIN))
    assert large_bytes[:2] == bytes((VERSION, ZSTD))
    assert len(large_bytes) < len(orjson.dumps(large)) / 2
    assert decode(large_bytes) == large


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "too short"),
        (bytes((VERSION + 1, PLAIN)) + b"{}", "version"),
        (bytes((VERSION, 7)) + b"{}", "format"),
        (bytes((VERSION, PLAIN)) + b"{not json", "JSON"),
        (bytes((VERSION, ZSTD)) + b"definitely not zstd", "zstd"),
        (bytes((VERSION, ZSTD)) + zstandard.ZstdCompressor().compress(b"{oops"), "JSON"),
    ],
)
def test_bad_bytes_raise_decode_error(data: bytes, problem: str) -> None:
    with pytest.raises(DecodeError, match=problem):
        decode(data)


def test_truncated_compressed_entry_is_a_decode_error() -> None:
    data = encode({"x": "y" * 10_000}, compress_above=0)
    with pytest.raises(DecodeError):
        decode(data[: len(data) // 2])


def test_unserialisable_value_is_refused_on_encode() -> None:
    with pytest.raises(TypeError):
        encode({"when": object()})

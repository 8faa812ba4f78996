"""Byte-level tests over a text column: one vector pass over its UTF-8 buffer, no Python string per cell."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa


def cell_offsets(text: pa.Array) -> np.ndarray:
    """Where each cell of a string array starts in its data buffer, and where the last ends (len + 1 offsets).

    A slice of an Arrow array shares its parent's buffers: these are the
    slice's own offsets, read without a copy.
    """
    width = np.int64 if pa.types.is_large_string(text.type) else np.int32
    return np.frombuffer(text.buffers()[1], dtype=width)[text.offset:text.offset + len(text) + 1]


def cell_bytes(text: pa.Array) -> memoryview:
    """The bytes of a string array's cells laid end to end (a slice's own range), without copying."""
    data = text.buffers()[2]
    if data is None:
        return memoryview(b"")
    offsets = cell_offsets(text)
    return memoryview(data)[offsets[0]:offsets[-1]]


def starts_with_any(values: pd.Series, characters: bytes) -> np.ndarray:
    """Which cells start with one of the ASCII `characters` (empty and missing cells do not).

    UTF-8 never starts a multi-byte character with an ASCII byte, so testing a
    cell's first byte is testing its first character.
    """
    text = pa.array(values, from_pandas=True)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    text = text.cast(pa.large_string())
    firsts = np.zeros(len(text), dtype=np.uint8)
    if text.buffers()[2] is not None:
        offsets = cell_offsets(text)
        starts = offsets[:-1]
        filled = (offsets[1:] > starts) & text.is_valid().to_numpy(zero_copy_only=False)
        firsts[filled] = np.frombuffer(text.buffers()[2], dtype=np.uint8)[starts[filled]]
    return np.isin(firsts, np.frombuffer(characters, dtype=np.uint8))

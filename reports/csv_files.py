"""The contract's CSV format: `,`, `.` decimals, UTF-8 without BOM, `\\n`, minimal quoting.

Numbers are written in the shortest form that reads back to the same double
(Arrow's formatter, as the contract allows), never rounded; booleans as
`true`/`false`; dates as `YYYY-MM-DD`; an empty field for an empty value.
Columns are rendered to text with Arrow compute kernels, which release the
GIL, on a small thread pool; a text column is scanned for bytes that need
quoting once, as a whole buffer, and only quoted cell by cell if one is
found. This keeps a 10-million-row contributions table to seconds per column
rather than minutes.
"""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

NEEDS_QUOTES = r'[",\r\n]'
SPECIAL_BYTES = np.isin(np.arange(256), np.frombuffer(b'",\r\n', dtype=np.uint8))  # byte -> needs quotes
QUOTE, COMMA, NEWLINE, NOTHING = (pa.scalar(text, pa.large_string()) for text in ('"', ",", "\n", ""))
CHUNK_ROWS = 1 << 17  # rows rendered at once: Arrow's joins slow down on longer arrays
THREADS = 2
DISTINCT_FROM = 1 << 16  # longer text columns are quoted per distinct value (names repeat across snapshots)


def _needs_any_quotes(text: pa.Array) -> bool:
    """Whether any cell holds a quote, comma, CR or LF: one pass over the raw bytes of these cells only.

    A slice of an Arrow array shares its parent's data buffer: only the
    slice's byte range (from its offsets) is scanned.
    """
    data = text.buffers()[2]
    if data is None:
        return False
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64 if pa.types.is_large_string(text.type) else np.int32)
    first, last = offsets[text.offset], offsets[text.offset + len(text)]
    return bool(SPECIAL_BYTES[np.frombuffer(data, dtype=np.uint8)[first:last]].any())


def _quoted(text: pa.Array) -> pa.Array:
    """Quote only the cells that need it, doubling inner quotes (each distinct text quoted once)."""
    if not _needs_any_quotes(text):
        return text
    if len(text) > DISTINCT_FROM:
        encoded = pc.dictionary_encode(text)
        return pc.take(_quoted(encoded.dictionary), encoded.indices)
    needs = pc.match_substring_regex(text, NEEDS_QUOTES)
    wrapped = pc.binary_join_element_wise(QUOTE, pc.replace_substring(text, '"', '""'), QUOTE, NOTHING)
    return pc.if_else(needs, wrapped, text)


def _as_text(column: pa.Array) -> pa.Array:
    """One column rendered as contract text, nulls as empty strings."""
    kind = column.type
    if pa.types.is_timestamp(kind) or pa.types.is_date64(kind):
        text = pc.cast(pc.cast(column, pa.date32()), pa.large_string())
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = _quoted(column.cast(pa.large_string()))
    elif pa.types.is_dictionary(kind):
        text = _quoted(column.cast(pa.large_string()))
    else:
        text = pc.cast(column, pa.large_string())
    return pc.fill_null(text, NOTHING)


def _to_arrow(frame: pd.DataFrame) -> list[pa.Array]:
    """The frame's columns as Arrow arrays (bools and integers keep their nulls)."""
    arrays = []
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_object_dtype(series.dtype):
            series = series.astype("str")
        array = pa.array(series, from_pandas=True)
        arrays.append(array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array)
    return arrays


def _lines(frame: pd.DataFrame) -> pa.Array:
    """Each row's cells joined by commas, the line end added to the last cell (not a second pass over lines)."""
    columns = [_as_text(array) for array in _to_arrow(frame)]
    last = pc.binary_join_element_wise(columns[-1], NOTHING, NEWLINE)
    return pc.binary_join_element_wise(*columns[:-1], last, COMMA) if len(columns) > 1 else last


def concatenated(strings: pa.Array) -> memoryview:
    """The bytes of a null-free large_string array laid end to end, without copying."""
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int64)
    first, last = offsets[strings.offset], offsets[strings.offset + len(strings)]
    return memoryview(strings.buffers()[2])[first:last]


def write_csv(frame: pd.DataFrame, handle: BinaryIO, chunk_rows: int = CHUNK_ROWS, header: bool = True) -> None:
    """Write the frame as contract CSV to a binary handle, in chunks; `header=False` appends rows to a table."""
    if header:
        names = _quoted(pa.array([str(c) for c in frame.columns], type=pa.large_string())).to_pylist()
        handle.write((",".join(names) + "\n").encode("utf-8"))
    chunks = (frame.iloc[start:start + chunk_rows] for start in range(0, len(frame), chunk_rows))
    with ExitStack() as stack:
        # several chunks: threads render the next ones meanwhile (in order); one chunk (most tables): no threads
        render = map if len(frame) <= chunk_rows else stack.enter_context(ThreadPoolExecutor(max_workers=THREADS)).map
        for lines in render(_lines, chunks):
            handle.write(concatenated(lines.cast(pa.large_string())))


def format_csv(frame: pd.DataFrame) -> bytes:
    """The frame as contract CSV bytes (small tables and tests)."""
    buffer = io.BytesIO()
    write_csv(frame, buffer)
    return buffer.getvalue()

"""The contract's CSV format: `,`, `.` decimals, UTF-8 without BOM, `\\n`, minimal quoting.

Numbers are written in the shortest form that reads back to the same double
(Arrow's formatter, as the contract allows), never rounded; booleans as
`true`/`false`; dates as `YYYY-MM-DD`; an empty field for an empty value.
Columns are rendered to text with Arrow compute kernels, which release the
GIL, on a small thread pool; a text column is scanned for bytes that need
quoting once, as a whole buffer, and only quoted cell by cell if one is
found. Adjacent columns that repeat one value per value of a key column
(an issuer record's figures on each line that uses it) are rendered once
per key value, after a check that every line holds its key's value bit for
bit. This keeps a 10-million-row contributions table to seconds per column
rather than minutes.
"""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from holdings.coerce import first_rows
from holdings.text_bytes import cell_bytes

NEEDS_QUOTES = r'[",\r\n]'
SPECIAL_BYTES = (b'"', b",", b"\r", b"\n")  # a cell holding one of them is quoted
QUOTE, COMMA, NEWLINE, NOTHING, TRUE, FALSE = (pa.scalar(text, pa.large_string())
                                               for text in ('"', ",", "\n", "", "true", "false"))
CHUNK_ROWS = 1 << 17  # rows rendered at once: Arrow's joins slow down on longer arrays
THREADS = 2
DISTINCT_FROM = 1 << 16  # longer text columns are quoted per distinct value (names repeat across snapshots)


def _needs_any_quotes(text: pa.Array) -> bool:
    """Whether any cell holds a quote, comma, CR or LF: one byte search over these cells' bytes (a slice's own)."""
    raw = cell_bytes(text).tobytes()
    return any(special in raw for special in SPECIAL_BYTES)


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


@dataclass(frozen=True)
class Repeated:
    """Adjacent columns `first` to `last` that hold one value per value of column `key`."""

    key: str
    first: str
    last: str


def _as_text(column: pa.Array) -> pa.Array:
    """One column rendered as contract text, nulls as empty strings."""
    kind = column.type
    if pa.types.is_boolean(kind):
        text = pc.if_else(column, TRUE, FALSE)
    elif pa.types.is_timestamp(kind) or pa.types.is_date64(kind):
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


def _exact(column: pa.Array) -> pa.Array:
    """The column compared bit for bit: floats as their bits (-0.0 is not 0.0; both render differently)."""
    if pa.types.is_floating(column.type):
        return column.view(pa.int64() if column.type.bit_width == 64 else pa.int32())
    return column


def _once_per_key(key: pd.Series, columns: list[pa.Array]) -> pa.Array | None:
    """The columns' cells joined by commas, rendered once per key value; None if a line differs from its key's."""
    codes, keys = pd.factorize(key, use_na_sentinel=False)
    first = first_rows(codes)
    representative = pa.array(first[codes])
    if not all(_exact(column).take(representative).equals(_exact(column)) for column in columns):
        return None
    firsts = pa.array(first)
    once = [_as_text(column.take(firsts)) for column in columns]
    joined = pc.binary_join_element_wise(*once, COMMA) if len(once) > 1 else once[0]
    return joined.take(pa.array(codes))


def _cells(frame: pd.DataFrame, repeated: Repeated | None) -> list[pa.Array]:
    """The frame's columns as text, a repeated run as one text column of its joined cells when it checks out."""
    arrays = _to_arrow(frame)
    if repeated is not None and len(frame):
        names = list(frame.columns)
        start, end = names.index(repeated.first), names.index(repeated.last) + 1
        joined = _once_per_key(frame[repeated.key], arrays[start:end])
        if joined is not None:
            return [*map(_as_text, arrays[:start]), joined, *map(_as_text, arrays[end:])]
    return [_as_text(array) for array in arrays]


def _lines(frame: pd.DataFrame, repeated: Repeated | None = None) -> pa.Array:
    """Each row's cells joined by commas, the line end added to the last cell (not a second pass over lines)."""
    columns = _cells(frame, repeated)
    last = pc.binary_join_element_wise(columns[-1], NOTHING, NEWLINE)
    return pc.binary_join_element_wise(*columns[:-1], last, COMMA) if len(columns) > 1 else last


def write_csv(frame: pd.DataFrame, handle: BinaryIO, chunk_rows: int = CHUNK_ROWS, header: bool = True,
              repeated: Repeated | None = None) -> None:
    """Write the frame as contract CSV to a binary handle, in chunks; `header=False` appends rows to a table.

    `repeated` names a run of columns worth rendering once per key value (the
    bytes are the same either way).
    """
    if header:
        names = _quoted(pa.array([str(c) for c in frame.columns], type=pa.large_string())).to_pylist()
        handle.write((",".join(names) + "\n").encode("utf-8"))
    chunks = (frame.iloc[start:start + chunk_rows] for start in range(0, len(frame), chunk_rows))
    with ExitStack() as stack:
        # several chunks: threads render the next ones meanwhile (in order); one chunk (most tables): no threads
        render = map if len(frame) <= chunk_rows else stack.enter_context(ThreadPoolExecutor(max_workers=THREADS)).map
        for lines in render(partial(_lines, repeated=repeated), chunks):
            handle.write(cell_bytes(lines))


def format_csv(frame: pd.DataFrame) -> bytes:
    """The frame as contract CSV bytes (small tables and tests)."""
    buffer = io.BytesIO()
    write_csv(frame, buffer)
    return buffer.getvalue()

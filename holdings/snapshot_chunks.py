"""Chunks of whole snapshots: how the engine walks a book too large to compute at once.

Every figure of a snapshot depends on that snapshot's lines alone (and on
the issuer files), so consecutive snapshots are grouped into chunks of about
`CHUNK_ROWS` lines and each chunk goes through the same steps as a whole
book would. Within a snapshot the rows and the order of every sum are those
of the whole book, so the figures are the same to the bit, whatever the
chunk size. A snapshot larger than `CHUNK_ROWS` is one chunk by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from holdings.problems import InputError, Problem
from holdings.schema import duplicates

CHUNK_ROWS = 400_000  # lines per chunk: memory stays near that many lines whatever the book's size


def chunk_rows() -> int:
    """`CHUNK_ROWS`, read when used (tests lower it to walk a small book in many chunks)."""
    return CHUNK_ROWS


def snapshot_groups(counts: pd.Series) -> list[list[pd.Timestamp]]:
    """Consecutive snapshot dates (the index of `counts`, lines per date) grouped up to `chunk_rows()` lines."""
    limit = chunk_rows()
    groups: list[list[pd.Timestamp]] = []
    size = 0
    for date, count in counts.sort_index().items():
        if not groups or size + count > limit:
            groups.append([])
            size = 0
        groups[-1].append(date)
        size += int(count)
    return groups


def frame_chunks(positions: pd.DataFrame) -> Iterator[pd.DataFrame]:
    """The validated positions in chunks of whole snapshots, in date order (each chunk in input order)."""
    dates = positions["as_of"].to_numpy()
    groups = snapshot_groups(positions["as_of"].value_counts())
    if len(groups) <= 1:
        yield positions
        return
    order = np.argsort(dates, kind="stable")
    bounds = np.searchsorted(dates[order], [np.datetime64(group[-1]) for group in groups], side="right")
    start = 0
    for end in bounds:
        yield positions.take(order[start:end])
        start = end


def ordered_chunks(parts: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Regroup parts whose dates never go back (each part's dates >= the previous part's) into chunks.

    A chunk is cut once it holds `chunk_rows()` lines, before the latest date
    it holds (whose lines may continue in the next part): every snapshot stays
    whole, and rows keep their input order.
    """
    held: list[pd.DataFrame] = []
    size = 0
    for part in parts:
        held.append(part)
        size += len(part)
        if size < chunk_rows():
            continue
        buffer = pd.concat(held, ignore_index=True) if len(held) > 1 else held[0]
        dates = buffer["as_of"].to_numpy()
        done = dates < dates.max()
        if done.any():
            if np.all(dates[1:] >= dates[:-1]):  # in date order (the usual export): cut, no copy
                cut = int(np.count_nonzero(done))
                yield buffer.iloc[:cut]
                buffer = buffer.iloc[cut:].reset_index(drop=True)
            else:
                yield buffer[done]
                buffer = buffer[~done]
        held, size = [buffer], len(buffer)
    if size:
        yield pd.concat(held, ignore_index=True) if len(held) > 1 else held[0]


def line_keys(positions: pd.DataFrame) -> np.ndarray:
    """One integer per line, ordered as (as_of, holding_id) and equal only for the same date and id.

    Each id is hashed once and only the distinct ids are sorted as text (by
    their UTF-8 bytes, as pandas sorts them), so ordering a chunk's lines and
    finding a repeated id cost integer work, not string comparisons per line.
    """
    ids, distinct = pd.factorize(positions["holding_id"], use_na_sentinel=False)
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[pc.sort_indices(pa.array(distinct.array)).to_numpy()] = np.arange(len(distinct))
    dates, _ = pd.factorize(positions["as_of"], sort=True)
    return dates.astype(np.int64) * len(distinct) + rank[ids]


def repeated_ids(positions: pd.DataFrame) -> list[Problem]:
    """Each `holding_id` repeated within a snapshot, at its later row, naming the first (`positions` in input order)."""
    if pd.Index(line_keys(positions)).is_unique:
        return []
    return duplicates(positions, ["as_of", "holding_id"], positions["source_row"], positions["source_file"],
                      "holding_id", lambda row: row["holding_id"])


def unique_ids(chunks: Iterable[pd.DataFrame], files: Sequence[str]) -> Iterator[pd.DataFrame]:
    """The chunks, checked for a `holding_id` repeated within a snapshot; `InputError` for all of them at the end.

    `files` lists the source files in input order, the order the clashes are reported in.
    """
    clashes: list[Problem] = []
    for chunk in chunks:
        clashes += repeated_ids(chunk)
        if not clashes:
            yield chunk
    if clashes:
        raise InputError(sorted(clashes, key=lambda problem: (files.index(problem.file), problem.row)))

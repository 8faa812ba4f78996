"""Validated positions of date-ordered Parquet files, read and validated while the engine walks them.

Back-office exports are written a month after another, so a large book's
Parquet files usually come in date order: the dates of each row group are
at least those of the row group before (`date_ordered`, read from the
files' footers). Such a book needs no store: its batches are read, validated
and regrouped into chunks of whole snapshots as the engine asks for them,
and nothing of it is held but the chunk being computed. Any problem is
reported, all at once, after the last batch, before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pandas as pd

from holdings.snapshot_chunks import ordered_chunks, unique_ids
from holdings.tabular import RawTable, normalise_header, parquet

ValidatedPart = tuple[RawTable, pd.DataFrame, int]  # a source, typed rows of it, the file row of the first


class PositionStream:
    """Typed positions of date-ordered files, as chunks of whole snapshots; `chunks` can be walked once."""

    def __init__(self, parts: Iterable[ValidatedPart], files: Sequence[str]) -> None:
        self._parts = parts
        self._files = list(files)

    def chunks(self) -> Iterator[pd.DataFrame]:
        """Chunks in date order, rows in input order; `InputError` after the last one for every problem."""
        typed = (with_source(frame, raw.source, first) for raw, frame, first in self._parts)
        return unique_ids(ordered_chunks(typed), self._files)


def with_source(typed: pd.DataFrame, file: str, first_row: int) -> pd.DataFrame:
    """Typed rows with the file and row (header = row 1) each comes from."""
    typed["source_file"] = file
    typed["source_row"] = range(first_row, first_row + len(typed))
    return typed


def date_ordered(paths: Sequence[str | Path], column_map: dict[str, str]) -> bool:
    """Whether Parquet files, taken in order, have row groups whose `as_of` never goes back (footer statistics)."""
    latest = None
    for path in paths:
        try:
            metadata = parquet().ParquetFile(str(path)).metadata
            names = normalise_header(metadata.schema.to_arrow_schema().names, column_map, Path(str(path)).name)
            column = names.index("as_of")
            for group in range(metadata.num_row_groups):
                statistics = metadata.row_group(group).column(column).statistics
                if statistics is None or not statistics.has_min_max:
                    return False
                low, high = pd.Timestamp(statistics.min), pd.Timestamp(statistics.max)
                if latest is not None and low < latest:
                    return False
                latest = high
        except Exception:  # no such column, unreadable statistics: the store takes any order
            return False
    return True

"""Validated positions of a large book, kept on disk by DuckDB and read back in chunks of whole snapshots.

A book of tens of millions of lines does not fit in memory as a frame. Its
files are read and validated batch by batch (`holdings.positions`), each
typed batch is appended to a table of an embedded DuckDB database in a
private temporary folder (compressed, spilled past its memory limit), and
the engine asks for a few snapshots at a time (`chunks`), in input order, as
the frame of a small book would give them. A `holding_id` repeated within a
snapshot is found chunk by chunk (a snapshot is never split) and reported,
all at once, when the last chunk has been read.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from holdings.snapshot_chunks import snapshot_groups, unique_ids

MEMORY_LIMIT = "512MB"  # DuckDB's own buffers; past it the table and sorts go to the temporary folder
TEXT_COLUMNS = ("holding_id", "issuer_id", "bucket", "asset_class", "name", "fund_id", "purpose")
SPILL_PREFIX = "portfolio-positions-"
WORKER = "positions-store"  # the name of the thread DuckDB runs on
T = TypeVar("T")


class PositionStore:
    """Typed holdings rows in a private DuckDB database, with their file (by number) and row."""

    def __init__(self) -> None:
        import duckdb  # only a large book pays for it

        self._folder = Path(tempfile.mkdtemp(prefix=SPILL_PREFIX))
        self._connection = duckdb.connect(str(self._folder / "positions.duckdb"))
        self._connection.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        self._connection.execute(f"SET temp_directory = '{self._folder / 'spill'}'")
        self._files: list[str] = []
        self._columns: list[str] = []
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=WORKER)
        weakref.finalize(self, _close, self._worker, self._connection, self._folder)

    def _run(self, statement: Callable[[], T]) -> T:
        """Run DuckDB work on the store's own thread, so that Ctrl-C and SIGTERM reach the run as they are.

        In the main thread DuckDB would turn the signal into its own "Query
        interrupted" error (losing which signal it was); here the main thread
        waits, is interrupted as usual, and stops the statement.
        """
        pending = self._worker.submit(statement)
        try:
            return pending.result()
        except BaseException:
            self._connection.interrupt()
            raise

    def append(self, typed: pd.DataFrame, file: str, first_row: int) -> None:
        """Add one validated batch of `file` whose first row is `first_row` (header = row 1)."""
        if file not in self._files:
            self._files.append(file)
        batch = pa.Table.from_pandas(typed.assign(file_number=self._files.index(file), source_row=pd.RangeIndex(
            first_row, first_row + len(typed))), preserve_index=False)
        first = not self._columns
        if first:
            self._columns = [*typed.columns, "source_file", "source_row"]

        connection = self._connection  # not `self`: the worker must never hold the last reference to the store

        def insert() -> None:
            connection.register("batch", batch)
            if first:
                connection.execute("CREATE TABLE positions AS SELECT * FROM batch LIMIT 0")
            connection.execute("INSERT INTO positions BY NAME SELECT * FROM batch")
            connection.unregister("batch")

        self._run(insert)

    def snapshot_counts(self) -> pd.Series:
        """Lines per snapshot date."""
        connection = self._connection
        counts = self._run(lambda: connection.execute(
            "SELECT as_of, count(*) AS lines FROM positions GROUP BY as_of").df())
        return pd.Series(counts["lines"].to_numpy(), index=pd.DatetimeIndex(counts["as_of"]).as_unit("s"))

    def chunks(self) -> Iterator[pd.DataFrame]:
        """Chunks of whole snapshots in date order, rows in input order; `InputError` at the end for repeated ids."""
        groups = snapshot_groups(self.snapshot_counts())
        return unique_ids((self._rows(group[0], group[-1]) for group in groups), self._files)

    def _rows(self, first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
        """The lines dated from `first` to `last`, in (file, row) order, with the typed frame's dtypes."""
        connection = self._connection
        frame = self._run(lambda: connection.sql(
            "SELECT * FROM positions WHERE as_of BETWEEN $first AND $last ORDER BY file_number, source_row",
            params={"first": first.to_pydatetime(), "last": last.to_pydatetime()}).to_arrow_table()).to_pandas()
        frame["as_of"] = frame["as_of"].astype("datetime64[s]")
        for column in TEXT_COLUMNS:
            frame[column] = frame[column].astype("str")
        frame["source_file"] = pd.array(np.asarray(self._files, dtype=object)[frame.pop("file_number")], dtype="str")
        return frame[self._columns]


def _close(worker: ThreadPoolExecutor, connection: object, folder: Path) -> None:
    worker.shutdown(wait=not threading.current_thread().name.startswith(WORKER))
    connection.close()  # type: ignore[attr-defined]
    shutil.rmtree(folder, ignore_errors=True)

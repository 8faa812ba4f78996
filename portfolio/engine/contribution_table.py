"""The contributions table as the engine makes it: one chunk of whole snapshots at a time.

A book of millions of lines is computed a few snapshots at a time (see
`holdings.snapshot_chunks`), so that no step ever holds every line at once.
The chunks are kept in memory when there is only one (the usual monthly
book), and otherwise in Arrow IPC files in a private temporary folder,
removed with the table. Readers stream them (`chunks`: the CSV writer, the
finiteness check) or, through the API, ask for the whole frame (`frame`),
which is then built once.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from portfolio.engine.finite import Suspect, merged, suspects

SPILL_PREFIX = "portfolio-contributions-"


class ContributionTable:
    """Contribution rows in (as_of, holding_id) order, chunk by chunk: one in memory, two or more on disk.

    With `keep=False` (a run whose rows go to a writer as they are computed,
    and that draws no report) a table of several chunks keeps none of them,
    only what the finiteness check may ask: its first infinite values and,
    per snapshot, the input numbers farthest from 1 (`suspects`).
    """

    def __init__(self, keep: bool = True) -> None:
        self._keep = keep
        self._suspects: dict[pd.Timestamp, list[Suspect]] = {}
        self._dropped = 0
        self._kept: list[pd.DataFrame] = []
        self._files: list[Path] = []
        self._folder: Path | None = None
        self._columns: list[str] = []
        self._infinite: dict[str, pd.DataFrame] = {}  # float column -> the row of its first infinite value
        self._writer: ThreadPoolExecutor | None = None
        self._pending: list[Future[None]] = []

    @classmethod
    def of(cls, frame: pd.DataFrame) -> ContributionTable:
        """A table of one chunk already in memory (a run folder read back, or tests)."""
        table = cls()
        table.append(frame)
        return table

    def __len__(self) -> int:
        return len(self._kept) + len(self._files) + self._dropped

    def append(self, chunk: pd.DataFrame) -> None:
        """Add the next chunk (its snapshots all later than the previous chunk's)."""
        if not self._columns:
            self._columns = list(chunk.columns)
        self._note_infinite(chunk)
        if not len(self):
            self._kept.append(chunk)
            return
        for kept in self._kept:
            self._set_aside(kept)
        self._kept = []
        self._set_aside(chunk)

    def _set_aside(self, chunk: pd.DataFrame) -> None:
        if self._keep:
            self._write(chunk)
        else:
            self._suspects.update(suspects(chunk))
            self._dropped += 1

    def _write(self, chunk: pd.DataFrame) -> None:
        """Queue one chunk for its file: a thread writes it while the engine computes the next chunk."""
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix=SPILL_PREFIX))
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="contributions-spill")
            weakref.finalize(self, _remove, self._writer, self._folder)
        path = self._folder / f"chunk-{len(self._files):05d}.arrow"
        self._written()  # one chunk queued at most: memory stays bounded if the disk is slow
        self._pending.append(self._writer.submit(_write_table, pa.Table.from_pandas(chunk, preserve_index=False), path))
        self._files.append(path)

    def _written(self) -> None:
        """Wait for the queued chunks to be on disk (raising what writing them raised)."""
        for pending in self._pending:
            pending.result()
        self._pending = []

    def chunks(self) -> Iterator[pd.DataFrame]:
        """Each chunk as a frame, in row order."""
        if self._dropped:
            raise ValueError("the contribution rows of this run were written as computed, not kept")
        self._written()
        yield from self._kept
        for path in self._files:
            yield _read_table(path)

    def chunk(self, position: int) -> pd.DataFrame:
        """One chunk as a frame."""
        if self._kept:
            return self._kept[position]
        self._written()
        return _read_table(self._files[position])

    def frame(self) -> pd.DataFrame:
        """Every row as one frame (built on each call: `Result.contributions` keeps it)."""
        parts = list(self.chunks())
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return pd.DataFrame(columns=self._columns)
        return pd.concat(parts, ignore_index=True)

    def latest(self) -> pd.DataFrame:
        """The rows of the latest snapshot (all in the last chunk)."""
        if not len(self):
            return pd.DataFrame(columns=self._columns)
        last = self.chunk(len(self) - 1)
        return last[(last["as_of"] == last["as_of"].max()).to_numpy()]

    def suspects(self, as_of: pd.Timestamp | None) -> list[Suspect]:
        """The `Suspect`s of one snapshot's lines, or of all lines (None): where an infinite sum comes from."""
        if not self._dropped:
            return merged(found for chunk in self.chunks() for date, found in suspects(chunk).items()
                          if as_of is None or date == as_of)
        return merged(found for date, found in sorted(self._suspects.items()) if as_of is None or date == as_of)

    def first_infinite(self) -> tuple[str, pd.DataFrame] | None:
        """The first float column (in column order) holding an infinite value, and the row of its first one."""
        return next(((column, self._infinite[column]) for column in self._columns if column in self._infinite), None)

    def _note_infinite(self, chunk: pd.DataFrame) -> None:
        for column in chunk.columns:
            if column in self._infinite or not pd.api.types.is_float_dtype(chunk[column].dtype):
                continue
            infinite = np.flatnonzero(np.isinf(chunk[column].to_numpy(dtype="float64", na_value=np.nan)))
            if len(infinite):
                self._infinite[column] = chunk.iloc[[int(infinite[0])]].reset_index(drop=True)


def _write_table(table: pa.Table, path: Path) -> None:
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def _read_table(path: Path) -> pd.DataFrame:
    with pa.memory_map(str(path)) as source:
        return pa.ipc.open_file(source).read_all().to_pandas()


def _remove(writer: ThreadPoolExecutor, folder: Path) -> None:
    writer.shutdown(wait=True)
    shutil.rmtree(folder, ignore_errors=True)

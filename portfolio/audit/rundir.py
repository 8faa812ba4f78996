"""Writing a run folder: every output into a hidden sibling, then one rename into place.

A run that fails or is killed half-way never leaves a partial folder under the
name the user gave: work happens in `.NAME.tmp-<pid>-<random>` beside it,
which a later run clears once that process is gone (`portfolio.audit.workspace`).
`--out` is a literal path, never a pattern. Two runs to one `--out` at once:
the second exits 2 (an exclusive lock), and without `--force` a folder
filled meanwhile is never replaced. `--force` replaces only a run folder:
its `manifest.json` written by this tool and nothing in it but what a run
writes, and no input of the run or run history (`--store`) inside it;
anything else is refused before anything is touched.

Besides the outputs, the folder holds what it takes to redo the run: copies
of the inputs (`inputs/`, see `portfolio.audit.archive`) and `manifest.json`, with
the complete settings. Everything but `run.json` is a function of the inputs,
settings and code; `run.json` holds the run-time facts (when it was written,
the command line), which no hash covers and `verify` ignores.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import math
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd

from holdings.problems import InputError, Problem, quote_value, shown_name
from portfolio.audit.archive import copy_inputs
from portfolio.audit.manifest import MANIFEST, build_manifest, json_bytes, run_id, sha256_file
from portfolio.audit.manifest_check import shape_problems, stray_files
from portfolio.audit.workspace import MARKER, clear_dead, out_lock, own, owned_dir, owned_name, release_marker
from portfolio.engine.projection import MIN_SNAPSHOTS, MODEL_NAME
from portfolio.outputs import CONTRIBUTIONS, OUTPUT_TABLES, PROJECTION_SUMMARY, RUN_INFO
from portfolio.result import Result
from reports.csv_files import Repeated, write_csv
from reports.text_safety import neutralise

Writer = Callable[[Result, Path], None]
REPEATED = {table.file: Repeated(*table.repeated) for table in OUTPUT_TABLES if table.repeated is not None}


def out_expected(can_force: bool = True) -> str:
    """What `--out` should be; `can_force`: whether the command has a `--force` to suggest (`rebalance` has none)."""
    return "a new or empty --out folder" + (", or --force to replace it" if can_force else "")


def check_out_dir(out: Path, force: bool, protected: Sequence[Path] = (), can_force: bool = True) -> None:
    """`--out` must be new or empty, or with `force` a run folder holding none of `protected`; else `InputError`."""
    try:
        for ancestor in reversed(Path(os.path.abspath(out)).parents):
            if ancestor.exists() and not ancestor.is_dir():
                raise InputError(Problem(str(out), 1, "", f"a path under the file '{shown_name(str(ancestor))}'",
                                         "a folder name for the run (--out)"))
        if out.exists() and not out.is_dir():
            raise InputError(Problem(str(out), 1, "", "an existing file", "a folder name for the run (--out)"))
        if not out.is_dir() or not any(out.iterdir()):
            return
        if not force:
            raise InputError(Problem(str(out), 1, "", "a folder that is not empty", out_expected(can_force)))
        refused = _not_replaceable(out, protected)
    except OSError as error:
        raise _unwritable(out, error) from None
    if refused:
        raise InputError(Problem(str(out), 1, "", refused, "a run folder written by portfolio analyze, holding "
                                 "nothing else and no input of this run (--force replaces only those)"))


def _not_replaceable(out: Path, protected: Sequence[Path]) -> str | None:
    """Why `out` is not a run folder `--force` may replace, or None."""
    try:
        manifest = json.loads((out / MANIFEST).read_bytes())
    except (OSError, ValueError, RecursionError):
        manifest = None
    if shape_problems(manifest):
        return f"a folder without the {MANIFEST} of a run"
    strays = stray_files(out, manifest)
    if strays:
        return f"a folder holding {quote_value(strays[0])}, which no run writes"
    inside = Path(os.path.realpath(out))
    for path in protected:
        if inside in Path(os.path.realpath(path)).parents:
            return f"a folder holding '{shown_name(str(path))}', read by this run"
    return None


def _unwritable(out: Path, error: OSError,
                expected: str = "a folder that can be created and written (--out)") -> InputError:
    """A file system refusal as an input error on `out`, naming the refused path."""
    reason = error.strerror or type(error).__name__
    where = f" ({error.filename})" if error.filename else ""
    return InputError(Problem(str(out), 1, "", quote_value(f"{reason}{where}"), expected))


def work_prefix(out: Path) -> str:
    """The name prefix of `out`'s working folders (compared as text, never as a pattern)."""
    return f".{out.name}.tmp-"


def write_folder(out: Path, fill: Callable[[Path], None], force: bool = False,
                 protected: Sequence[Path] = (), can_force: bool = True) -> Path:
    """Fill a new working folder with `fill`, then move it into place as `out`, all or nothing.

    Holds `out`'s lock throughout, clears what killed runs left for `out`,
    and turns a file system refusal (a path under a file, a read-only place)
    into an input error.
    """
    with out_lock(out):
        check_out_dir(out, force, protected, can_force)
        work = owned_name(out.parent, work_prefix(out))
        try:  # entered before the working folder exists: an interruption while creating it is cleaned too
            try:
                out.parent.mkdir(parents=True, exist_ok=True)
                clear_dead(out.parent, work_prefix(out))
                own(work)
            except OSError as error:
                raise _unwritable(out, error) from None
            fill(work)
            check_out_dir(out, force, protected, can_force)  # again: the folder may have changed while the run was working
            release_marker(work)
            _move_into_place(work, out, force)
        except OSError as error:
            shutil.rmtree(work, ignore_errors=True)
            raise _unwritable(out, error, "inputs that stay readable and room to write --out") from None
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    return out


class HashingWriter:
    """A binary handle that hashes what is written through it: a large CSV file is never read back to be hashed."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self._digest = hashlib.sha256()

    def write(self, data: bytes | memoryview) -> int:
        self._digest.update(data)
        return self._handle.write(data)

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


class TableWriter:
    """One contract CSV table written chunk by chunk into a binary handle, hashed as it goes."""

    def __init__(self, handle: BinaryIO, file: str) -> None:
        self._hashing = HashingWriter(handle)
        self._chunks = 0
        self._repeated = REPEATED.get(file)

    def write(self, chunk: pd.DataFrame) -> None:
        """Append the chunk's rows (the header before the first chunk), text made spreadsheet-safe."""
        write_csv(neutralise(chunk), self._hashing, header=self._chunks == 0, repeated=self._repeated)
        self._chunks += 1

    def hexdigest(self) -> str:
        return self._hashing.hexdigest()


def output_chunks(result: Result) -> dict[str, Iterable[pd.DataFrame]]:
    """The run folder's CSV outputs (the declared `OUTPUT_TABLES`) by file name, each as chunks of rows.

    contributions.csv streams from the run's contribution table: a large
    book's rows are never one frame.
    """
    chunks: dict[str, Iterable[pd.DataFrame]] = {}
    for table in OUTPUT_TABLES:
        if table.frame == "contributions":
            chunks[table.file] = result.contribution_table.chunks()
        elif (frame := getattr(result, table.frame)) is not None:
            chunks[table.file] = [frame]
    return chunks


def projection_summary(result: Result) -> dict[str, Any]:
    """The fitted trend per trajectory metric, or why there is none."""
    return {
        "model": MODEL_NAME,
        "minimum_snapshots": MIN_SNAPSHOTS,
        "metrics": {summary.metric: asdict(summary) for summary in result.projection_summaries},
    }


def run_info(identifier: str) -> dict[str, Any]:
    """The run-time facts of `run.json`: when the folder was written, by which command line, and the run id."""
    return {"written_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "command": list(sys.argv), "run_id": identifier}


def write_run(result: Result, out: str | Path, force: bool = False,
              extra_writers: Mapping[str, Writer] | None = None,
              progress: Callable[[str], None] | None = None,
              stored_snapshots: Sequence[Mapping[str, Any]] = (),
              protected: Sequence[Path] = ()) -> Path:
    """Write every output, the input copies and the manifest to `out`, atomically; return the folder.

    `stored_snapshots` lists the earlier snapshots taken from the run history,
    recorded in the manifest (see `portfolio.audit.monthly`); `protected` names
    files besides the inputs that `--force` must never remove (the store).
    """
    def fill(work: Path) -> None:
        write_outputs(result, work, {}, extra_writers, progress, stored_snapshots)

    inputs = [record.path for record in result.inputs if record.path is not None]
    return write_folder(Path(out), fill, force, [*inputs, *protected])


def analyze_into(out: Path, analysis: Callable[[Callable[[pd.DataFrame], None]], Result], force: bool = False,
                 extra_writers: Mapping[str, Writer] | None = None,
                 progress: Callable[[str], None] | None = None,
                 stored_snapshots: Sequence[Mapping[str, Any]] = (),
                 protected: Sequence[Path] = ()) -> Result:
    """Run `analysis` (given the contributions sink) inside `out`'s working folder, then write the rest there.

    contributions.csv is written while the engine computes, a chunk at a time
    on a thread of its own, so that a large book's rows are never held, nor
    rendered, all at once. `protected` must name every input: the result is
    not known when `--force` is checked.
    """
    made: list[Result] = []

    def fill(work: Path) -> None:
        with ContributionsWriter(work / CONTRIBUTIONS) as sink:
            made.append(analysis(sink))
        written = {CONTRIBUTIONS: sink.hexdigest()}
        write_outputs(made[0], work, written, extra_writers, progress, stored_snapshots)

    write_folder(out, fill, force, protected)
    return made[0]


def write_outputs(result: Result, work: Path, written: Mapping[str, str],
                  extra_writers: Mapping[str, Writer] | None = None,
                  progress: Callable[[str], None] | None = None,
                  stored_snapshots: Sequence[Mapping[str, Any]] = ()) -> None:
    """Every output of `result` into the working folder, then the input copies and the manifest.

    `written` maps the CSV files already in `work` to their SHA-256.
    """
    step = progress or (lambda _: None)
    tables = sorted(((name, chunks) for name, chunks in output_chunks(result).items() if name not in written),
                    key=lambda table: -_cells(table[1]))
    step("writing the tables, copying the inputs")
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="outputs") as pool:  # Arrow and zlib free the GIL
        # the largest table first, the input copies beside it, then the rest: both threads end about together
        writing = {name: pool.submit(_write_table, work / name, chunks) for name, chunks in tables[:1]}
        copying = pool.submit(copy_inputs, result.inputs, work)
        writing |= {name: pool.submit(_write_table, work / name, chunks) for name, chunks in tables[1:]}
        hashes = {**written, **{name: future.result() for name, future in writing.items()}}
        copies = copying.result()
    (work / PROJECTION_SUMMARY).write_bytes(json_bytes(projection_summary(result)))
    for name, writer in (extra_writers or {}).items():
        step(f"writing {name}")
        writer(result, work / name)
    step("writing manifest")
    hashes = {path.name: hashes.get(path.name) or sha256_file(path) for path in sorted(work.iterdir())
              if path.is_file() and path.name != MARKER}
    (work / MANIFEST).write_bytes(json_bytes(build_manifest(result, hashes, copies, stored_snapshots)))
    (work / RUN_INFO).write_bytes(json_bytes(run_info(run_id(work))))


def _cells(chunks: Iterable[pd.DataFrame]) -> float:
    """How many cells a table's chunks hold; a stream (contributions.csv) counts as the largest."""
    return sum(chunk.size for chunk in chunks) if isinstance(chunks, list) else math.inf


def _write_table(path: Path, chunks: Iterable[pd.DataFrame]) -> str:
    """Write one CSV table from its chunks; return its SHA-256."""
    with path.open("wb") as handle:
        table = TableWriter(handle, path.name)
        for chunk in chunks:
            table.write(chunk)
    return table.hexdigest()


class ContributionsWriter:
    """contributions.csv written chunk by chunk as the engine computes them, each rendered on a thread.

    A context: on leaving it, every chunk is on disk (or, if the block
    failed, the file is closed and what is pending dropped). One chunk waits
    at most, so memory stays bounded when rendering is the slower side.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._pending: Future[None] | None = None

    def __enter__(self) -> ContributionsWriter:
        self._handle = self._path.open("wb")
        self._table = TableWriter(self._handle, self._path.name)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="contributions-csv")
        return self

    def __call__(self, chunk: pd.DataFrame) -> None:
        self._wait()
        self._pending = self._pool.submit(self._table.write, chunk)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: object) -> None:
        try:
            if kind is None:
                self._wait()
            elif self._pending is not None:
                self._pending.cancel()
        finally:
            self._pool.shutdown(wait=True)
            self._handle.close()

    def hexdigest(self) -> str:
        return self._table.hexdigest()

    def _wait(self) -> None:
        if self._pending is not None:
            self._pending.result()
            self._pending = None


def _move_into_place(work: Path, out: Path, force: bool) -> None:
    if force and out.is_dir() and any(out.iterdir()):
        retired = owned_dir(out.parent, work_prefix(out))  # marked: a later run removes it if this one is killed
        os.replace(out, retired / out.name)
        os.replace(work, out)
        shutil.rmtree(retired, ignore_errors=True)
        return
    try:
        os.replace(work, out)  # replaces a missing or empty folder atomically on POSIX, never a full one
    except OSError as error:
        if error.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR):
            raise
        raise InputError(Problem(str(out), 1, "", "a folder another run filled meanwhile", out_expected())) from None

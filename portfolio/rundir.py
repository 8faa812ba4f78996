"""Writing a run folder: every output into a hidden sibling, then one rename into place.

A run that fails or is killed half-way never leaves a partial folder under the
name the user gave: work happens in `.NAME.tmp-*` beside it, which the next
run clears. `--force` swaps an existing folder out the same way; without it,
a folder another run filled in the meantime is never replaced.

Besides the outputs, the folder holds what it takes to redo the run: copies
of the inputs (`inputs/`, see `portfolio.archive`) and `manifest.json`, with
the complete settings. Everything but `run.json` is a function of the inputs,
settings and code; `run.json` holds the run-time facts (when it was written,
the command line), which no hash covers and `verify` ignores.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import sys
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from holdings.problems import InputError, Problem
from portfolio.archive import copy_inputs
from portfolio.manifest import MANIFEST, build_manifest, json_bytes, sha256_file
from portfolio.projection import MIN_SNAPSHOTS, MODEL_NAME
from portfolio.run import Result
from reports.csv_files import write_csv
from reports.text_safety import neutralise

PROJECTION_SUMMARY = "projection_summary.json"
RUN_INFO = "run.json"
Writer = Callable[[Result, Path], None]


def check_out_dir(out: Path, force: bool) -> None:
    """`--out` must be new or empty, unless `force`; raise `InputError` otherwise."""
    if out.exists() and not out.is_dir():
        raise InputError(Problem(str(out), 1, "", "an existing file", "a folder name for the run (--out)"))
    if out.is_dir() and any(out.iterdir()) and not force:
        raise InputError(Problem(str(out), 1, "", "a folder that is not empty",
                                 "a new or empty --out folder, or --force to replace it"))


def clear_stale_work(out: Path) -> None:
    """Remove temporary siblings left by killed runs for the same folder."""
    if out.parent.is_dir():
        for stale in out.parent.glob(f".{out.name}.tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)


def output_tables(result: Result) -> dict[str, pd.DataFrame]:
    """The contract's CSV outputs, by file name."""
    return {
        "metrics.csv": result.metrics,
        "trajectory.csv": result.trajectory,
        "pai.csv": result.pai,
        "contributions.csv": result.contributions,
        "warnings.csv": result.warnings,
        "attribution.csv": result.attribution,
        "attribution_issuers.csv": result.attribution_issuers,
        "drift.csv": result.drift,
        "projection.csv": result.projection,
        **({} if result.temperature is None else {"temperature.csv": result.temperature,
                                                   "temperature_portfolio.csv": result.temperature_portfolio}),
    }


def projection_summary(result: Result) -> dict[str, Any]:
    """The fitted trend per trajectory metric, or why there is none."""
    return {
        "model": MODEL_NAME,
        "minimum_snapshots": MIN_SNAPSHOTS,
        "metrics": {summary.metric: asdict(summary) for summary in result.projection_summaries},
    }


def run_info() -> dict[str, Any]:
    """The run-time facts of `run.json`: when the folder was written and by which command line."""
    return {"written_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "command": list(sys.argv)}


def write_run(result: Result, out: str | Path, force: bool = False,
              extra_writers: Mapping[str, Writer] | None = None,
              progress: Callable[[str], None] | None = None,
              stored_snapshots: Sequence[Mapping[str, Any]] = ()) -> Path:
    """Write every output, the input copies and the manifest to `out`, atomically; return the folder.

    `stored_snapshots` lists the earlier snapshots taken from the run history,
    recorded in the manifest (see `portfolio.monthly`).
    """
    step = progress or (lambda _: None)
    out = Path(out)
    check_out_dir(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    clear_stale_work(out)
    work = out.parent / f".{out.name}.tmp-{uuid.uuid4().hex}"
    work.mkdir()
    try:
        for name, frame in output_tables(result).items():
            step(f"writing {name}")
            with (work / name).open("wb") as handle:
                write_csv(neutralise(frame), handle)
        (work / PROJECTION_SUMMARY).write_bytes(json_bytes(projection_summary(result)))
        for name, writer in (extra_writers or {}).items():
            step(f"writing {name}")
            writer(result, work / name)
        step("writing manifest")
        hashes = {path.name: sha256_file(path) for path in sorted(work.iterdir())}
        step("copying inputs")
        copies = copy_inputs(result.inputs, work)
        (work / MANIFEST).write_bytes(json_bytes(build_manifest(result, hashes, copies, stored_snapshots)))
        (work / RUN_INFO).write_bytes(json_bytes(run_info()))
        _move_into_place(work, out, force)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return out


def _move_into_place(work: Path, out: Path, force: bool) -> None:
    if force and out.is_dir() and any(out.iterdir()):
        retired = out.parent / f".{out.name}.tmp-old-{uuid.uuid4().hex}"
        os.replace(out, retired)
        os.replace(work, out)
        shutil.rmtree(retired, ignore_errors=True)
        return
    try:
        os.replace(work, out)  # replaces a missing or empty folder atomically on POSIX, never a full one
    except OSError as error:
        if error.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR):
            raise
        raise InputError(Problem(str(out), 1, "", "a folder another run filled meanwhile",
                                 "a new or empty --out folder, or --force to replace it")) from None

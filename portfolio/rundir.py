"""Writing a run folder: every output into a hidden sibling, then one rename into place.

A run that fails or is killed half-way never leaves a partial folder under the
name the user gave: work happens in `.NAME.tmp-*` beside it, which the next
run clears. `--force` swaps an existing folder out the same way.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

from dataclasses import asdict
from typing import Any

import pandas as pd

from holdings.problems import InputError, Problem
from portfolio.manifest import build_manifest, json_bytes, sha256_file
from portfolio.projection import MIN_SNAPSHOTS, MODEL_NAME
from portfolio.run import Result
from reports.csv_files import write_csv

MANIFEST = "manifest.json"
PROJECTION_SUMMARY = "projection_summary.json"


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
    }


def projection_summary(result: Result) -> dict[str, Any]:
    """The fitted trend per trajectory metric, or why there is none."""
    return {
        "model": MODEL_NAME,
        "minimum_snapshots": MIN_SNAPSHOTS,
        "metrics": {summary.metric: asdict(summary) for summary in result.projection_summaries},
    }


def write_run(result: Result, out: str | Path, force: bool = False,
              extra_writers: dict[str, Callable[[Result, Path], None]] | None = None,
              progress: Callable[[str], None] | None = None) -> Path:
    """Write every output and the manifest to `out`, atomically; return the folder."""
    step = progress or (lambda _: None)
    out = Path(out)
    check_out_dir(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    clear_stale_work(out)
    work = out.parent / f".{out.name}.tmp-{uuid.uuid4().hex}"
    work.mkdir()
    try:
        hashes = {}
        for name, frame in output_tables(result).items():
            step(f"writing {name}")
            with (work / name).open("wb") as handle:
                write_csv(frame, handle)
        (work / PROJECTION_SUMMARY).write_bytes(json_bytes(projection_summary(result)))
        for name, writer in (extra_writers or {}).items():
            step(f"writing {name}")
            writer(result, work / name)
        for path in sorted(work.iterdir()):
            hashes[path.name] = sha256_file(path)
        (work / MANIFEST).write_bytes(json_bytes(build_manifest(result, hashes)))
        _move_into_place(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return out


def _move_into_place(work: Path, out: Path) -> None:
    if out.is_dir() and any(out.iterdir()):
        retired = out.parent / f".{out.name}.tmp-old-{uuid.uuid4().hex}"
        os.replace(out, retired)
        os.replace(work, out)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(work, out)  # replaces an empty folder atomically on POSIX

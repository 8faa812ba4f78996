"""`load_run(dir) -> Result`: a run folder read back, every file checked against the declared output schema.

The one way the commands that work on a finished run (`trajectory`,
`rebalance`, `verify`) read it: the CSV files by `portfolio.outputs`, the
settings, baselines and inputs from `manifest.json`, the projection from
`projection_summary.json`. A file that is missing, lacks a declared column
or holds a value of the wrong kind is an `InputError` naming the file, row
and column, like any other bad input.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from holdings.problems import InputError, Problem, quote_value
from portfolio.audit.manifest import MANIFEST
from portfolio.engine.contribution_table import ContributionTable
from portfolio.engine.projection import ProjectionSummary
from portfolio.engine.trajectory import Baseline
from portfolio.outputs import DATE, EXTENSION_COLUMNS, FLAG, INTEGER, NUMBER, OUTPUT_TABLES, PROJECTION_SUMMARY, \
    OutputTable
from portfolio.result import InputRecord, Result
from portfolio.settings import settings_from_mapping

FLAGS = {"true": True, "false": False}
EXPECTED = {DATE: "a date YYYY-MM-DD", NUMBER: "a number", INTEGER: "a whole number", FLAG: "true or false"}


def _not_a_run(folder: Path, name: str) -> InputError:
    return InputError(Problem(str(folder), 1, "", f"no {name}", "a run folder written by `portfolio analyze`"))


def _convert(column: pd.Series, kind: str) -> pd.Series:
    """A text column as its declared kind; values that do not parse become NaN/None (checked by the caller)."""
    empty = column == ""
    if kind == DATE:
        return pd.to_datetime(column.where(~empty), format="%Y-%m-%d", errors="coerce").astype("datetime64[s]")
    if kind == NUMBER:
        return pd.to_numeric(column.where(~empty), errors="coerce").astype("float64")
    if kind == INTEGER:
        numbers = pd.to_numeric(column.where(~empty), errors="coerce").astype("float64")
        return numbers.where(numbers == np.round(numbers)).astype("Int64")
    if kind == FLAG:
        return column.map(FLAGS).astype("boolean")
    return column


def read_table(folder: Path, table: OutputTable) -> pd.DataFrame:
    """One CSV file of the run folder, typed by its declared kinds; raise `InputError` on any mismatch."""
    path = folder / table.file
    if not path.is_file():
        raise _not_a_run(folder, table.file)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    kinds = dict(table.columns)
    missing = [column for column in kinds if column not in raw.columns]
    if missing:
        raise InputError(Problem(str(path), 1, missing[0], "no such column", "the columns of " + table.file))
    if table.open_ended:
        kinds.update({column: kind for column, kind in EXTENSION_COLUMNS.items() if column in raw.columns})
    frame = raw[[column for column in raw.columns if column in kinds]].copy()
    problems = []
    for column, kind in kinds.items():
        typed = _convert(frame[column], kind)
        bad = typed.isna().to_numpy() & (frame[column] != "").to_numpy()
        for row in np.flatnonzero(bad)[:20]:
            problems.append(Problem(str(path), int(row) + 2, column, quote_value(frame[column].iloc[row]),
                                    EXPECTED[kind]))
        frame[column] = typed
    if problems:
        raise InputError(*problems)
    return frame


def _summaries(folder: Path) -> list[ProjectionSummary]:
    path = folder / PROJECTION_SUMMARY
    if not path.is_file():
        raise _not_a_run(folder, PROJECTION_SUMMARY)
    try:
        metrics = json.loads(path.read_text(encoding="utf-8"))["metrics"]
        return [ProjectionSummary(**summary) for summary in metrics.values()]
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise InputError(Problem(str(path), 1, "", quote_value(str(error)), "a projection summary")) from None


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise _not_a_run(folder, MANIFEST)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or not isinstance(manifest.get("settings"), dict):
            raise ValueError("no settings")
        return manifest
    except ValueError as error:
        raise InputError(Problem(str(path), 1, "", quote_value(str(error)), "a run manifest")) from None


def load_run(folder: str | Path, tables: Collection[str] | None = None) -> Result:
    """The `Result` recorded in a run folder; `tables` limits the CSV files read (by frame name).

    Frames not read are empty with their declared columns, so a command that
    needs one table (e.g. `trajectory`) does not pay for `contributions.csv`.
    """
    folder = Path(folder)
    manifest = _manifest(folder)
    frames = {}
    for table in OUTPUT_TABLES:
        if table.optional and not (folder / table.file).is_file():
            frames[table.frame] = None  # its input was not given to the run
        elif tables is None or table.frame in tables:
            frames[table.frame] = read_table(folder, table)
        else:
            frames[table.frame] = pd.DataFrame({column: pd.Series(dtype="float64" if kind == NUMBER else "str")
                                                for column, kind in table.columns.items()})
    try:
        settings = settings_from_mapping(manifest["settings"], str(folder / MANIFEST))
        baselines = [Baseline(b["metric"], b["value"], b["origin"]) for b in manifest.get("baselines", [])]
        inputs = [InputRecord(i["role"], i["file"], i.get("sha256"), dict(i.get("detected") or {}))
                  for i in manifest.get("inputs", [])]
    except (KeyError, TypeError, AttributeError) as error:
        raise InputError(Problem(str(folder / MANIFEST), 1, "", quote_value(str(error)), "a run manifest")) from None
    summaries = _summaries(folder) if tables is None or "projection" in tables else []
    frames["contribution_table"] = ContributionTable.of(frames.pop("contributions"))
    return Result(**frames, projection_summaries=summaries, settings=settings, baselines=baselines, inputs=inputs,
                  sample=bool(manifest.get("sample", False)))

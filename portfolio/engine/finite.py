"""The one finiteness check on a run's figures: a number whose use overflows is an input error naming its column.

Every input number is finite when read, yet its use may not be: two market
values of 1e308 sum to infinity, an EVIC of 5e-324 makes a financed emission
infinite. Rather than guard each formula, every figure of the `Result` is
checked once, after all of them are computed; an infinite one is traced back
to the input cell that made it: among the input numbers it was computed from
(the line's own, or those of its snapshot for a sum), the one farthest from 1
in order of magnitude. Nothing is written for such a run (exit 2).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from holdings.problems import InputError, Problem, quote_value

if TYPE_CHECKING:
    from portfolio.result import Result

# Input numbers carried into contributions.csv: the input role they come from, the column naming their row there,
# and their column in the input file.
INPUT_NUMBERS = {
    "market_value_eur": ("holdings", "holdings_row", "market_value_eur"),
    "evic_eur": ("issuers", "issuers_row", "evic_eur"),
    "revenue_eur": ("issuers", "issuers_row", "revenue_eur"),
    "scope1_tco2e": ("issuers", "issuers_row", "scope1_tco2e"),
    "scope2_tco2e": ("issuers", "issuers_row", "scope2_tco2e"),
    "scope3_tco2e": ("issuers", "issuers_row", "scope3_tco2e"),
    "country_emissions_tco2e": ("sovereigns", "sovereigns_row", "emissions_tco2e"),
    "gdp_ppp_eur": ("sovereigns", "sovereigns_row", "gdp_ppp_eur"),
    "gdp_eur": ("sovereigns", "sovereigns_row", "gdp_eur"),
}
OUTPUT_FRAMES = ("metrics", "trajectory", "pai", "attribution", "attribution_issuers", "drift",
                 "projection")


@dataclass(frozen=True)
class Suspect:
    """In one column of input numbers, the first line's value farthest from 1 in order of magnitude."""

    magnitude: float  # |log10 |value||
    role: str
    file: str | None  # the holdings file of a holdings number; None: the role's input file
    row: int
    column: str  # the column in the input file
    value: float


def check_finite(result: Result) -> None:
    """Raise `InputError` naming the input cell behind the first infinite figure of `result`, if any."""
    infinite = result.contribution_table.first_infinite()
    if infinite is not None:
        column, line = infinite
        where = f"contributions.csv {column} on {line['as_of'].iloc[0]:%Y-%m-%d}"
        raise InputError(_culprit(merged(suspects(line).values()), result, where))
    for where, as_of in _infinite_figures(result):
        raise InputError(_culprit(result.contribution_table.suspects(as_of), result, where))


def suspects(lines: pd.DataFrame) -> dict[pd.Timestamp, list[Suspect]]:
    """Per snapshot of `lines` (sorted by as_of), each input-number column's `Suspect`, in `INPUT_NUMBERS` order.

    Only finite, non-zero values count: the largest and the smallest absolute
    value of a snapshot are the candidates, the first line winning a tie.
    """
    found: dict[pd.Timestamp, list[Suspect]] = {}
    dates = lines["as_of"].to_numpy()
    starts = np.flatnonzero(np.r_[True, dates[1:] != dates[:-1]]) if len(lines) else np.empty(0, dtype=int)
    ends = np.r_[starts[1:], len(lines)]
    for column, (role, row_column, input_column) in INPUT_NUMBERS.items():
        if column not in lines.columns:
            continue
        values = lines[column].to_numpy(dtype="float64", na_value=np.nan)
        sizes = np.abs(values)
        sizes[~np.isfinite(sizes) | (sizes == 0)] = np.nan
        for start, end in zip(starts.tolist(), ends.tolist()):
            position = _farthest(sizes[start:end])
            if position is None:
                continue
            position += start
            row = lines[row_column].iloc[position] if row_column in lines.columns else None
            found.setdefault(pd.Timestamp(dates[start]), []).append(Suspect(
                abs(float(np.log10(sizes[position]))), role,
                str(lines["holdings_file"].iloc[position]) if role == "holdings" else None,
                1 if pd.isna(row) else int(row), input_column, float(values[position])))
    return found


def merged(per_snapshot: Iterable[list[Suspect]]) -> list[Suspect]:
    """The suspects of several snapshots (in date order) as those of all their lines: the farthest, earliest first."""
    best: dict[str, Suspect] = {}
    for found in per_snapshot:
        for suspect in found:
            if suspect.column not in best or suspect.magnitude > best[suspect.column].magnitude:
                best[suspect.column] = suspect
    return list(best.values())


def _farthest(sizes: np.ndarray) -> int | None:
    """Position of the first size farthest from 1 in order of magnitude (NaN sizes ignored), None if all are NaN."""
    if np.isnan(sizes).all():
        return None
    largest, smallest = int(np.nanargmax(sizes)), int(np.nanargmin(sizes))
    up, down = abs(np.log10(sizes[largest])), abs(np.log10(sizes[smallest]))
    if up != down:
        return largest if up > down else smallest
    return min(largest, smallest)


def _infinite_figures(result: Result) -> Iterator[tuple[str, pd.Timestamp | None]]:
    """(what is infinite, its snapshot or None) for the figures besides contributions.csv, in output order."""
    for name in OUTPUT_FRAMES:
        frame: pd.DataFrame = getattr(result, name)
        for column in frame.columns:
            if not pd.api.types.is_float_dtype(frame[column].dtype):
                continue
            infinite = np.flatnonzero(np.isinf(frame[column].to_numpy(dtype="float64", na_value=np.nan)))
            if len(infinite):
                row = frame.iloc[int(infinite[0])]
                as_of = row["as_of"] if "as_of" in frame.columns else None
                what = f"{name}.csv {row['metric'] if 'metric' in frame.columns else column}"
                what += f" of {row['perimeter']}" if "perimeter" in frame.columns else ""
                what += f" on {as_of:%Y-%m-%d}" if isinstance(as_of, pd.Timestamp) else ""
                yield what, as_of
    for summary in result.projection_summaries:
        for key, value in dataclasses.asdict(summary).items():
            if isinstance(value, float) and math.isinf(value):
                yield f"projection_summary.json {summary.metric} {key}", None


def _culprit(found: list[Suspect], result: Result, where: str) -> Problem:
    """The suspect farthest from 1 in order of magnitude (the first column on a tie), as the problem to report."""
    files = {record.role: record.file for record in result.inputs}
    if not found:
        return Problem(files.get("holdings", "holdings"), 1, "", f"a figure that overflows ({where})",
                       "numbers whose sums and products stay finite")
    suspect = max(found, key=lambda candidate: candidate.magnitude)
    file = suspect.file if suspect.file is not None else files.get(suspect.role, suspect.role)
    return Problem(file, suspect.row, suspect.column, quote_value(repr(suspect.value)),
                   f"a number whose use stays finite (it makes {where} infinite)")

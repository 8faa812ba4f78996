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
from collections.abc import Iterator
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
OUTPUT_FRAMES = ("contributions", "metrics", "trajectory", "pai", "attribution", "attribution_issuers", "drift",
                 "projection")


def check_finite(result: Result) -> None:
    """Raise `InputError` naming the input cell behind the first infinite figure of `result`, if any."""
    for where, as_of, position in _infinite_figures(result):
        contributions = result.contributions
        lines = contributions if as_of is None else contributions[contributions["as_of"] == as_of]
        if position is not None:
            lines = contributions.iloc[[position]]
        raise InputError(_culprit(lines, result, where))


def _infinite_figures(result: Result) -> Iterator[tuple[str, pd.Timestamp | None, int | None]]:
    """(what is infinite, its snapshot or None, its contributions row position or None), in output order."""
    for name in OUTPUT_FRAMES:
        frame: pd.DataFrame = getattr(result, name)
        for column in frame.columns:
            if not pd.api.types.is_float_dtype(frame[column].dtype):
                continue
            infinite = np.flatnonzero(np.isinf(frame[column].to_numpy(dtype="float64", na_value=np.nan)))
            if len(infinite):
                first = int(infinite[0])
                row = frame.iloc[first]
                as_of = row["as_of"] if "as_of" in frame.columns else None
                what = f"{name}.csv {row['metric'] if 'metric' in frame.columns else column}"
                what += f" of {row['perimeter']}" if "perimeter" in frame.columns else ""
                what += f" on {as_of:%Y-%m-%d}" if isinstance(as_of, pd.Timestamp) else ""
                yield what, as_of, first if name == "contributions" else None
    for summary in result.projection_summaries:
        for key, value in dataclasses.asdict(summary).items():
            if isinstance(value, float) and math.isinf(value):
                yield f"projection_summary.json {summary.metric} {key}", None, None


def _culprit(lines: pd.DataFrame, result: Result, where: str) -> Problem:
    """The input number of `lines` farthest from 1 in order of magnitude, as the problem to report."""
    files = {record.role: record.file for record in result.inputs}
    candidates = []  # (orders of magnitude from 1, file, row, input column, value)
    for column, (role, row_column, input_column) in INPUT_NUMBERS.items():
        if column not in lines.columns or not len(lines):
            continue
        values = lines[column].to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            magnitude = np.abs(np.log10(np.abs(values)))
        magnitude[~np.isfinite(magnitude)] = -1.0
        position = int(np.argmax(magnitude))
        if magnitude[position] < 0:
            continue
        row = lines[row_column].iloc[position] if row_column in lines.columns else None
        file = lines["holdings_file"].iloc[position] if role == "holdings" else files.get(role, role)
        candidates.append((float(magnitude[position]), str(file), 1 if pd.isna(row) else int(row), input_column,
                           float(values[position])))
    if not candidates:
        return Problem(files.get("holdings", "holdings"), 1, "", f"a figure that overflows ({where})",
                       "numbers whose sums and products stay finite")
    _, file, row, column, value = max(candidates, key=lambda candidate: candidate[0])
    return Problem(file, row, column, quote_value(repr(value)),
                   f"a number whose use stays finite (it makes {where} infinite)")

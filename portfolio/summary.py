"""The text `portfolio trajectory` prints: the latest snapshot against the 2030 path, projection and drift.

Built from the frames of a `Result` alone (a fresh one, or one read back from
a run folder by `load_run`), so it works on any run, however old;
`Result.summary()` is the way in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from portfolio.engine.gaps import MISSING_BASELINE
from portfolio.engine.names import ADJUSTED_FOOTPRINT, EMISSIONS, FOOTPRINT
from portfolio.engine.projection import ProjectionSummary
from portfolio.settings import Trajectory

LABELS = {
    FOOTPRINT: "carbon footprint (tCO2e/MEUR)",
    EMISSIONS: "financed emissions (tCO2e)",
    ADJUSTED_FOOTPRINT: "footprint, EVIC-adjusted (tCO2e/MEUR)",
}


def _number(value: float | None, digits: int = 1) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.{digits}f}"


def _probability(value: float) -> str:
    """A model probability, never shown as certainty: below 1 % or above 99 % say so."""
    if value > 0.99:
        return "> 99 %"
    if value < 0.01:
        return "< 1 %"
    return f"{value * 100:.0f} %"


def _no_trajectory(warnings: pd.DataFrame, label: str) -> str:
    """Why there is no trajectory: the run's own missing-baseline warnings, which give the remedy that applies."""
    details = warnings.loc[warnings["reason"] == MISSING_BASELINE, "detail"].tolist()
    why = "; ".join(details) or "no listed_yield snapshot has a known value (no covered line)"
    return f"{label}no trajectory: {why}"


def summary_text(trajectory: pd.DataFrame, drift: pd.DataFrame, projections: Sequence[ProjectionSummary],
                 warnings: pd.DataFrame, settings: Trajectory, label: str = "") -> str:
    """The status lines for the latest snapshot; `label` (e.g. the run folder) starts the first line."""
    label = f"{label}: " if label else ""
    if trajectory.empty:
        return _no_trajectory(warnings, label)
    latest = trajectory["as_of"].max()
    rows = trajectory[trajectory["as_of"] == latest]
    lines = [f"{label}latest snapshot {latest:%Y-%m-%d}, listed yield, {settings.shape} path to "
             f"-{settings.reduction * 100:g} % on {settings.target_date.isoformat()} "
             f"(baseline {settings.baseline_date.isoformat()})",
             "",
             f"{'metric':<40}{'actual':>14}{'path':>14}{'drift':>9}  {'status':<12}{'years ahead':>12}"]
    for row in rows.itertuples(index=False):
        status = "above path" if pd.notna(row.flag) and bool(row.flag) else "on the path"
        shown_drift = "" if pd.isna(row.drift) else f"{row.drift * 100:+.1f} %"
        lines.append(f"{LABELS.get(row.metric, row.metric):<40}{_number(row.actual):>14}{_number(row.path):>14}"
                     f"{shown_drift:>9}  {status:<12}{_number(row.years_ahead):>12}")
    lines.append("")
    if not projections:
        lines.append("projection: none (fewer snapshots than the model needs; see warnings.csv)")
    for summary in projections:
        reached = summary.date_target_reached or "never at the current pace"
        lines.append(
            f"projection of {LABELS.get(summary.metric, summary.metric)} to {settings.target_date.isoformat()}: "
            f"{_number(summary.projected_at_target)} (95 %: {_number(summary.lower_95_at_target)} to "
            f"{_number(summary.upper_95_at_target)}) vs target {_number(summary.target_value)}; "
            f"trend {summary.annual_change * 100:+.1f} %/year; probability of meeting the target "
            f"{_probability(summary.probability_target_met)}; target reached {reached}")
    for reason in drift[drift["as_of"] == latest]["reason"]:
        lines.append(f"drift: {reason}")
    return "\n".join(lines)

"""`portfolio trajectory --run DIR`: the latest snapshot against the 2030 path, as a text table.

Reads only the run folder's files (trajectory.csv, projection_summary.json,
drift.csv, warnings.csv, manifest.json), so it works on any run, however old.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from holdings.problems import InputError, Problem

LABELS = {
    "carbon_footprint_tco2e_per_meur": "carbon footprint (tCO2e/MEUR)",
    "financed_emissions_tco2e": "financed emissions (tCO2e)",
    "carbon_footprint_evic_adjusted_tco2e_per_meur": "footprint, EVIC-adjusted (tCO2e/MEUR)",
}


def _read(run: Path, name: str) -> Path:
    path = run / name
    if not path.is_file():
        raise InputError(Problem(str(run), 1, "", f"no {name}", "a run folder written by `portfolio analyze`"))
    return path


def _number(value: float, digits: int = 1) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.{digits}f}"


def _probability(value: float) -> str:
    """A model probability, never shown as certainty: below 1 % or above 99 % say so."""
    if value > 0.99:
        return "> 99 %"
    if value < 0.01:
        return "< 1 %"
    return f"{value * 100:.0f} %"


def _why_no_trajectory(run: Path) -> str:
    """The run's own missing-baseline warnings (they say whether to add the snapshot or freeze the figure)."""
    warnings = pd.read_csv(_read(run, "warnings.csv"), dtype=str, keep_default_na=False)
    details = warnings.loc[warnings["reason"] == "missing_baseline", "detail"].tolist()
    return "; ".join(details) or "no listed_yield snapshot has a known value (no covered line)"


def trajectory_table(run: Path) -> str:
    """The status lines for the latest snapshot of a run folder."""
    trajectory = pd.read_csv(_read(run, "trajectory.csv"), parse_dates=["as_of"])
    manifest = json.loads(_read(run, "manifest.json").read_text(encoding="utf-8"))
    settings = manifest["settings"]["trajectory"]
    if trajectory.empty:
        return f"{run}: no trajectory: {_why_no_trajectory(run)}"
    latest = trajectory["as_of"].max()
    rows = trajectory[trajectory["as_of"] == latest]
    lines = [f"{run}: latest snapshot {latest:%Y-%m-%d}, listed yield, {settings['shape']} path to "
             f"-{settings['reduction'] * 100:g} % on {settings['target_date']} (baseline {settings['baseline_date']})",
             "",
             f"{'metric':<40}{'actual':>14}{'path':>14}{'drift':>9}  {'status':<12}{'years ahead':>12}"]
    for row in rows.itertuples(index=False):
        status = "above path" if str(row.flag).lower() == "true" else "on the path"
        drift = "" if pd.isna(row.drift) else f"{row.drift * 100:+.1f} %"
        lines.append(f"{LABELS.get(row.metric, row.metric):<40}{_number(row.actual):>14}{_number(row.path):>14}"
                     f"{drift:>9}  {status:<12}{_number(row.years_ahead):>12}")
    summary_path = run / "projection_summary.json"
    summaries = json.loads(summary_path.read_text(encoding="utf-8"))["metrics"] if summary_path.is_file() else {}
    lines.append("")
    if not summaries:
        lines.append("projection: none (fewer snapshots than the model needs; see warnings.csv)")
    for metric, summary in summaries.items():
        reached = summary["date_target_reached"] or "never at the current pace"
        lines.append(
            f"projection of {LABELS.get(metric, metric)} to {settings['target_date']}: "
            f"{_number(summary['projected_at_target'])} (95 %: {_number(summary['lower_95_at_target'])} to "
            f"{_number(summary['upper_95_at_target'])}) vs target {_number(summary['target_value'])}; "
            f"trend {summary['annual_change'] * 100:+.1f} %/year; probability of meeting the target "
            f"{_probability(summary['probability_target_met'])}; target reached {reached}")
    drift_path = run / "drift.csv"
    if drift_path.is_file():
        drift = pd.read_csv(drift_path, parse_dates=["as_of"])
        for reason in drift[drift["as_of"] == latest]["reason"]:
            lines.append(f"drift: {reason}")
    return "\n".join(lines)

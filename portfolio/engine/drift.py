"""One line per flagged snapshot saying how far above the path it is and what moved it.

The driver is what pushed the figure up most since the previous snapshot
(what changed most recently is what the committee can act on): for the
footprint, the largest of its four attribution effects (allocation, issuer
emissions, EVIC, coverage); for financed emissions, which are footprint x
covered value, whichever of the two rose more (in log terms, which add up).
When nothing rose, the line says the figure fell but not enough, and names the
largest move.
"""

from __future__ import annotations

import pandas as pd

import numpy as np

from portfolio.engine.names import ADJUSTED_FOOTPRINT, COVERED_VALUE, EFFECTS, EMISSIONS, FOOTPRINT, \
    TRAJECTORY_PERIMETER
from portfolio.engine.metrics import metric_series

DRIFT_COLUMNS = ["as_of", "metric", "actual", "path", "drift", "driver", "driver_value", "reason"]
UNITS = {FOOTPRINT: "tCO2e/MEUR", EMISSIONS: "tCO2e", ADJUSTED_FOOTPRINT: "tCO2e/MEUR"}
DRIVER_WORDS = {"allocation": "portfolio allocation (weights, entries and exits)",
                "emissions": "issuer emissions", "evic": "issuer EVIC (valuation)",
                "coverage": "coverage (issuers gaining or losing data)"}


def _pick(size: dict[str, float]) -> tuple[str, str]:
    """The key that rose most, or, when none rose, the one that moved most; and how to say it."""
    rising = {key: value for key, value in size.items() if value > 0}
    if rising:
        return max(rising, key=rising.get), "largest upward move"
    return max(size, key=lambda key: abs(size[key])), "fell, but not enough; largest move"


def _footprint_driver(effects: pd.DataFrame) -> tuple[str, float, str]:
    values = dict(zip(effects["effect"].astype(str), effects["value"].astype(float)))
    driver, lead = _pick(values)
    return driver, values[driver], f"{lead}: {DRIVER_WORDS[driver]} {values[driver]:+.2f} tCO2e/MEUR on the footprint"


def _emissions_driver(series_of: dict[str, pd.Series], start: pd.Timestamp,
                      end: pd.Timestamp) -> tuple[str, float, str]:
    changes = {}
    for metric, label in ((COVERED_VALUE, "covered value"), (FOOTPRINT, "footprint")):
        series = series_of[metric]
        before, after = series.get(start, np.nan), series.get(end, np.nan)
        changes[label] = after / before - 1 if before and before > 0 else np.nan
    known = {key: float(np.log1p(value)) for key, value in changes.items() if pd.notna(value)}
    if not known:
        return "", float("nan"), "covered value or footprint unknown at one end"
    label, lead = _pick(known)
    return label.replace(" ", "_"), changes[label], (f"{lead}: {label} {changes[label] * 100:+.1f} % "
                                                     f"(covered value {changes['covered value'] * 100:+.1f} %, "
                                                     f"footprint {changes['footprint'] * 100:+.1f} %)")


def explain_drift(trajectory: pd.DataFrame, attribution: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """`drift.csv`: each flagged trajectory row with its gap and largest recent driver."""
    flagged = trajectory[trajectory["flag"].fillna(False).astype(bool)]
    recent = attribution[(attribution["kind"] == "previous") & attribution["effect"].isin(EFFECTS)]
    series_of = {metric: metric_series(metrics, TRAJECTORY_PERIMETER, metric) for metric in (COVERED_VALUE, FOOTPRINT)}
    rows = []
    for row in flagged.itertuples(index=False):
        effects = recent[recent["to_date"] == row.as_of]
        driver, driver_value = "", float("nan")
        unit = UNITS.get(row.metric, "")
        reason = (f"{row.metric} {row.actual:.1f} {unit} vs path {row.path:.1f}: "
                  f"{row.actual - row.path:+.1f} {unit} ({row.drift * 100:+.1f} %) above the path")
        if len(effects):
            since = effects["from_date"].iloc[0]
            if row.metric == EMISSIONS:
                driver, driver_value, words = _emissions_driver(series_of, since, row.as_of)
            else:
                driver, driver_value, words = _footprint_driver(effects)
            reason += f"; since {since:%Y-%m-%d}, {words}"
        rows.append((row.as_of, row.metric, row.actual, row.path, row.drift, driver, driver_value, reason))
    return pd.DataFrame(rows, columns=DRIFT_COLUMNS).astype({"actual": "float64", "path": "float64",
                                                             "drift": "float64", "driver_value": "float64"})

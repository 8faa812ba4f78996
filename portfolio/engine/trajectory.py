"""The 2030 path of the listed-yield perimeter: path value, drift, flag and years ahead.

With B the baseline value, r the reduction, t and T the years from the
baseline date to the snapshot and to the target date (days / 365.25):
linear path B (1 - r t / T), geometric path B (1 - r)^(t / T). `years_ahead`
inverts the path: how many years earlier (positive) or later (negative) the
path reaches the actual value. The baseline comes from the settings when
frozen there (most users hold no 2019 monthly files), else from the snapshot
dated `baseline_date`; with neither, the metric gets no rows and a warning.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio.engine.metrics import metric_series
from portfolio.engine.names import ADJUSTED_FOOTPRINT, EMISSIONS, FOOTPRINT, TRAJECTORY_PERIMETER
from portfolio.settings import Trajectory

BASELINE_SETTINGS = {FOOTPRINT: "baseline_footprint", EMISSIONS: "baseline_financed_emissions"}
DAYS_PER_YEAR = 365.25
TRAJECTORY_COLUMNS = ["as_of", "metric", "actual", "path", "drift", "flag", "years_ahead"]
PATH_COLUMNS = ["as_of", "metric", "path"]


@dataclass(frozen=True)
class Baseline:
    """The baseline of one trajectory metric and where it came from."""

    metric: str
    value: float | None
    origin: str  # "setting", "snapshot" or "missing"


def years_between(start: pd.Timestamp, end: pd.Series | pd.Timestamp) -> np.ndarray | float:
    """Calendar distance in years of 365.25 days, as the contract defines t and T."""
    days = (pd.to_datetime(end) - start) / pd.Timedelta(days=1)
    return np.asarray(days, dtype="float64") / DAYS_PER_YEAR


def find_baselines(metrics: pd.DataFrame, settings: Trajectory) -> list[Baseline]:
    """Each trajectory metric's baseline: the frozen setting, else the baseline snapshot's value."""
    baseline_date = pd.Timestamp(settings.baseline_date)
    baselines = []
    for metric, setting in BASELINE_SETTINGS.items():
        frozen = getattr(settings, setting)
        if frozen is not None:
            baselines.append(Baseline(metric, frozen, "setting"))
            continue
        series = metric_series(metrics, TRAJECTORY_PERIMETER, metric)
        value = series.get(baseline_date, np.nan)
        if pd.notna(value) and value > 0:
            baselines.append(Baseline(metric, float(value), "snapshot"))
        else:
            baselines.append(Baseline(metric, None, "missing"))
    if settings.evic_inflation_adjustment:
        footprint = baselines[0]
        baselines.append(Baseline(ADJUSTED_FOOTPRINT, footprint.value, footprint.origin))
    return baselines


def path_values(base: float, t: np.ndarray, horizon: float, reduction: float, shape: str) -> np.ndarray:
    """The path value at times t (years since the baseline)."""
    if shape == "geometric":
        return base * (1 - reduction) ** (t / horizon)
    return base * (1 - reduction * t / horizon)


def years_ahead(actual: np.ndarray, base: float, t: np.ndarray, horizon: float, reduction: float,
                shape: str) -> np.ndarray:
    """Years by which the actual value is ahead of (positive) or behind (negative) the path."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if shape == "geometric":
            ahead = horizon * np.log(actual / base) / np.log(1 - reduction) - t
            return np.where(actual > 0, ahead, np.nan)
        return (1 - actual / base) * horizon / reduction - t


def compute_trajectory(metrics: pd.DataFrame, settings: Trajectory,
                       baselines: list[Baseline]) -> pd.DataFrame:
    """`trajectory.csv` as a frame, one row per snapshot and metric with an actual value."""
    start = pd.Timestamp(settings.baseline_date)
    horizon = float(years_between(start, pd.Timestamp(settings.target_date)))
    parts = []
    for baseline in baselines:
        if baseline.value is None:
            continue
        series = metric_series(metrics, TRAJECTORY_PERIMETER, baseline.metric).dropna()
        actual = series.to_numpy(dtype="float64")
        t = years_between(start, series.index.to_series())
        path = path_values(baseline.value, t, horizon, settings.reduction, settings.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            drift = np.where(path > 0, actual / path - 1, np.nan)
        flag = pd.array(np.where(np.isnan(drift), None, drift > settings.tolerance), dtype="boolean")
        parts.append(pd.DataFrame({
            "as_of": series.index, "metric": baseline.metric, "actual": actual, "path": path,
            "drift": drift, "flag": flag,
            "years_ahead": years_ahead(actual, baseline.value, t, horizon, settings.reduction, settings.shape),
        }))
    if not parts:
        return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in zip(
            TRAJECTORY_COLUMNS, ["datetime64[s]", "str", "float64", "float64", "float64", "boolean", "float64"])})
    trajectory = pd.concat(parts, ignore_index=True)
    return trajectory.sort_values(["as_of", "metric"], kind="stable", ignore_index=True)


def path_dates(settings: Trajectory) -> pd.DatetimeIndex:
    """Month ends from the baseline date to the target date, both dates included."""
    start, end = pd.Timestamp(settings.baseline_date), pd.Timestamp(settings.target_date)
    months = pd.date_range(start, end, freq="ME")
    return pd.DatetimeIndex([start, *months, end]).unique().sort_values()


def dense_path(settings: Trajectory, baselines: list[Baseline]) -> pd.DataFrame:
    """The path of every trajectory metric with a baseline, at every month end to the target date.

    This is what a chart draws; `trajectory.csv` holds the same path at the snapshot dates only.
    """
    dates = path_dates(settings)
    start = dates[0]
    horizon = float(years_between(start, dates[-1]))
    t = years_between(start, dates.to_series())
    parts = [pd.DataFrame({"as_of": dates, "metric": baseline.metric,
                           "path": path_values(baseline.value, t, horizon, settings.reduction, settings.shape)})
             for baseline in baselines if baseline.value is not None]
    if not parts:
        return pd.DataFrame({"as_of": pd.Series(dtype="datetime64[s]"), "metric": pd.Series(dtype="str"),
                             "path": pd.Series(dtype="float64")})
    return pd.concat(parts, ignore_index=True)

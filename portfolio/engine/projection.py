"""Where the footprint is heading: a random walk with drift of ln(value) by month, fitted on the series as it is.

The series is laid on a monthly grid from its first to its last snapshot;
months without a snapshot (a book holding 2019-12-31 and then 2022 onwards)
are missing values: a gap widens the uncertainty instead of being drawn as a
straight line that nobody measured. The model, on ln(value) so that the
projection stays positive and a constant yearly rate is a straight line:

- ln F(m) = ln F(m-1) + d + e(m), e(m) ~ N(0, s^2): a random walk with drift
  d. It has no measurement noise, so the projection starts from today's
  figure. A shock persists (monthly changes are what is independent, not the
  levels around a line), which is how an autocorrelated monthly series
  behaves, and the prediction interval grows with the horizon as it should.

Between two snapshots k months apart, the change of ln(value) is
N(d k, s^2 k), independent of the other changes. With a diffuse prior on
the level and the drift (the state-space model's exact diffuse likelihood,
as statsmodels' `UnobservedComponents(level="random walk with drift")`
maximises it by iteration), the maximum likelihood has a closed form:
d = (ln last - ln first) / K over the K months spanned, s^2 = sum of
(change - d k)^2 / k over the n - 2 degrees of freedom of n snapshots, and
the forecast h months past the last snapshot is N(ln last + d h,
s^2 (h + h^2 / K)), the drift's own uncertainty included. The closed form
is exact where the iteration stops at a tolerance, needs no optimiser (an
auditor reproduces it in a spreadsheet, to the digit) and no import of the
state-space machinery; `tests/test_projection.py` checks it against
statsmodels.

The model was chosen by a backtest against three other candidates (an OLS
line, a local linear trend, a deterministic trend with AR(1) deviations):
`benchmarks/backtest_projection.py` fits each up to a date and scores it on
what followed, on the sample and on synthetic paths; the figures are in
docs/methodology.md. The probability of meeting the target is the model's
own predictive probability P(ln F(T) <= ln(B (1 - r))), T the target date.
Fewer than MIN_SNAPSHOTS month ends with a value: no projection, a warning instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio.settings import Trajectory
from portfolio.engine.trajectory import path_values, years_between

MIN_SNAPSHOTS = 6
PROJECTION_COLUMNS = ["as_of", "metric", "projected", "lower_80", "upper_80", "lower_95", "upper_95", "path"]
MODEL = "rwdrift"  # the model's code in projection_summary.json; the reports word it in their language
MODEL_NAME = ("random walk with drift on ln(value) by month (months without a snapshot missing), exact maximum "
              "likelihood in closed form, Gaussian prediction intervals including the drift's uncertainty")
Z95, Z80 = 1.959963984540054, 1.2815515655446004  # standard normal quantiles of 97.5 % and 90 %


@dataclass(frozen=True)
class ProjectionSummary:
    """The fitted trend and what it implies for the target date."""

    metric: str
    model: str                    # MODEL
    snapshots: int                # month ends with a value the model was fitted on
    first_date: str
    last_date: str
    last_value: float             # where the projection starts
    annual_change: float          # exp(12 d) - 1, d the fitted monthly drift of ln(value)
    monthly_sd: float             # sd of the monthly shock of ln(value)
    target_value: float           # B (1 - r)
    projected_at_target: float    # exp of the mean forecast of ln(value) at the target date (the median)
    lower_95_at_target: float
    upper_95_at_target: float
    probability_target_met: float
    date_target_reached: str | None  # month end when the median reaches B (1 - r); None if it never does


@dataclass(frozen=True)
class Forecast:
    """A fitted model's forecast of ln(value), `steps` month ends after the last snapshot."""

    mean: np.ndarray
    sd: np.ndarray
    drift: float      # the trend's slope at the last snapshot, ln units per month
    shock_sd: float   # sd of the monthly shock of ln(value)


def month_ends_between(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    """Month ends after `start` up to and including `end`."""
    return pd.date_range(start + pd.offsets.MonthEnd(1), end, freq="ME")


def monthly_log_series(series: pd.Series) -> np.ndarray:
    """ln(value) on the month ends from the first to the last snapshot, NaN in months without one.

    Two snapshots in one month: the later one stands for the month.
    """
    months = series.index.to_period("M")
    values = pd.Series(np.log(series.to_numpy(dtype="float64")), index=months)
    values = values[~values.index.duplicated(keep="last")]
    grid = pd.period_range(months.min(), months.max(), freq="M")
    return values.reindex(grid).to_numpy()


def usable(series: pd.Series) -> pd.Series:
    """The snapshots the model can take: a value (not empty), above 0 (its logarithm), in date order."""
    series = series.dropna().sort_index()
    return series[series > 0]


def observed_months(log_values: np.ndarray) -> int:
    """Month ends with a value on the grid: the model's observations (two snapshots in a month count once)."""
    return int(np.count_nonzero(~np.isnan(log_values)))


def fit_forecast(log_values: np.ndarray, steps: int) -> Forecast:
    """The random walk with drift fitted on `log_values` (NaN: no snapshot), forecast `steps` months past the last."""
    months = np.flatnonzero(~np.isnan(log_values))
    observed = log_values[months]
    gaps = np.diff(months).astype("float64")
    span = float(months[-1] - months[0])
    drift = float((observed[-1] - observed[0]) / span)
    shock_variance = float(np.sum((np.diff(observed) - drift * gaps) ** 2 / gaps) / (len(observed) - 2))
    ahead = np.arange(1, steps + 1, dtype="float64")
    mean = observed[-1] + drift * ahead
    sd = np.sqrt(shock_variance * (ahead + ahead ** 2 / span))
    return Forecast(mean, sd, drift, math.sqrt(shock_variance))


def project(series: pd.Series, metric: str, baseline: float,
            settings: Trajectory) -> tuple[pd.DataFrame, ProjectionSummary] | None:
    """Fit the model on `series` (value by snapshot date) and project it month by month to the target date."""
    series = usable(series)
    log_values = monthly_log_series(series)
    if observed_months(log_values) < MIN_SNAPSHOTS:
        return None
    start, target = pd.Timestamp(settings.baseline_date), pd.Timestamp(settings.target_date)
    last = series.index.max()
    future = month_ends_between(last, max(target, last + pd.offsets.MonthEnd(1)))
    fit = fit_forecast(log_values, len(future))
    horizon = float(years_between(start, target))
    in_range = future <= target
    projection = pd.DataFrame({
        "as_of": future, "metric": metric, "projected": np.exp(fit.mean),
        "lower_80": np.exp(fit.mean - Z80 * fit.sd), "upper_80": np.exp(fit.mean + Z80 * fit.sd),
        "lower_95": np.exp(fit.mean - Z95 * fit.sd), "upper_95": np.exp(fit.mean + Z95 * fit.sd),
        "path": path_values(baseline, years_between(start, future.to_series()), horizon, settings.reduction,
                            settings.shape),
    })[in_range].reset_index(drop=True)
    goal = baseline * (1 - settings.reduction)
    summary = _summary(series, metric, fit, goal, future, in_range, observed_months(log_values))
    return projection, summary


def normal_cdf(z: float) -> float:
    """The standard normal distribution function, from the error function (no scipy import for one number)."""
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def _summary(series: pd.Series, metric: str, fit: Forecast, goal: float, future: pd.DatetimeIndex,
             in_range: np.ndarray, observed: int) -> ProjectionSummary:
    """The figures at the target date (the last month end of the projection) and when the median meets the goal."""
    at = int(np.flatnonzero(in_range)[-1]) if in_range.any() else None
    mean, sd = (fit.mean[at], fit.sd[at]) if at is not None else (np.log(series.iloc[-1]), 0.0)
    probability = normal_cdf((np.log(goal) - mean) / sd) if sd > 0 else float(mean <= np.log(goal))
    reached = None
    last_log = float(np.log(series.iloc[-1]))
    if last_log <= np.log(goal):
        reached = series.index.max().strftime("%Y-%m-%d")
    elif fit.drift < 0:
        months = int(np.ceil((np.log(goal) - last_log) / fit.drift))
        reached = (series.index.max() + pd.offsets.MonthEnd(months)).strftime("%Y-%m-%d")
    return ProjectionSummary(
        metric=metric, model=MODEL, snapshots=observed,
        first_date=series.index.min().strftime("%Y-%m-%d"), last_date=series.index.max().strftime("%Y-%m-%d"),
        last_value=float(series.iloc[-1]), annual_change=float(np.expm1(12 * fit.drift)), monthly_sd=fit.shock_sd,
        target_value=goal, projected_at_target=float(np.exp(mean)),
        lower_95_at_target=float(np.exp(mean - Z95 * sd)), upper_95_at_target=float(np.exp(mean + Z95 * sd)),
        probability_target_met=probability, date_target_reached=reached)

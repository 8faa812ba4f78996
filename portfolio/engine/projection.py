"""Where the footprint is heading: a log-linear trend fitted on the snapshot history.

Model (statsmodels OLS): ln F(t) = a + b t + e, e ~ N(0, s^2) independent, t in
years since the baseline date, fitted on every listed-yield snapshot with a
value. A constant yearly rate of change exp(b) - 1 is how decarbonisation
targets are usually read, and the log keeps the projection positive.
Prediction intervals (80 %, 95 %) per future month end are OLS prediction
intervals (parameter and residual uncertainty, Student t); the probability of
meeting the target is P(ln F(T) <= ln(B (1 - r))) under the same predictive
distribution. Monthly residuals are autocorrelated in practice, so the
intervals are on the narrow side: read them as a lower bound of uncertainty.
Fewer than MIN_SNAPSHOTS points: no projection, a warning instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio.settings import Trajectory
from portfolio.engine.trajectory import path_values, years_between

MIN_SNAPSHOTS = 6
PROJECTION_COLUMNS = ["as_of", "metric", "projected", "lower_80", "upper_80", "lower_95", "upper_95", "path"]
MODEL_NAME = "OLS of ln(value) on time in years (statsmodels), Student-t prediction intervals"


@dataclass(frozen=True)
class ProjectionSummary:
    """The fitted trend and what it implies for the target date."""

    metric: str
    model: str
    snapshots: int
    first_date: str
    last_date: str
    annual_change: float          # exp(b) - 1
    r_squared: float
    residual_sd: float            # of ln(value)
    target_value: float           # B (1 - r)
    projected_at_target: float    # exp of the mean prediction at the target date
    lower_95_at_target: float
    upper_95_at_target: float
    probability_target_met: float
    date_target_reached: str | None  # when the trend reaches B (1 - r); None if it never does


def month_ends_between(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    """Month ends after `start` up to and including `end`."""
    return pd.date_range(start + pd.offsets.MonthEnd(1), end, freq="ME")


def project(series: pd.Series, metric: str, baseline: float,
            settings: Trajectory) -> tuple[pd.DataFrame, ProjectionSummary] | None:
    """Fit the trend on `series` (value by snapshot date) and project to the target date."""
    series = series.dropna()
    series = series[series > 0]
    if len(series) < MIN_SNAPSHOTS:
        return None
    import statsmodels.api as sm  # imported here: 2-3 s at start-up that most commands never need
    from scipy import stats

    start, target = pd.Timestamp(settings.baseline_date), pd.Timestamp(settings.target_date)
    t = years_between(start, series.index.to_series())
    fit = sm.OLS(np.log(series.to_numpy(dtype="float64")), sm.add_constant(t)).fit()
    future = month_ends_between(series.index.max(), target)
    future_t = years_between(start, future.to_series())
    exog = sm.add_constant(future_t, has_constant="add")
    frame80 = fit.get_prediction(exog).summary_frame(alpha=0.20)
    frame95 = fit.get_prediction(exog).summary_frame(alpha=0.05)
    horizon = float(years_between(start, target))
    projection = pd.DataFrame({
        "as_of": future, "metric": metric, "projected": np.exp(frame80["mean"].to_numpy()),
        "lower_80": np.exp(frame80["obs_ci_lower"].to_numpy()), "upper_80": np.exp(frame80["obs_ci_upper"].to_numpy()),
        "lower_95": np.exp(frame95["obs_ci_lower"].to_numpy()), "upper_95": np.exp(frame95["obs_ci_upper"].to_numpy()),
        "path": path_values(baseline, future_t, horizon, settings.reduction, settings.shape),
    })
    at_target = fit.get_prediction(np.array([[1.0, horizon]]))
    mean = float(at_target.predicted_mean[0])
    spread = float(np.sqrt(at_target.var_pred_mean[0] + fit.scale))
    goal = baseline * (1 - settings.reduction)
    probability = float(stats.t.cdf((np.log(goal) - mean) / spread, df=fit.df_resid))
    interval95 = at_target.summary_frame(alpha=0.05)
    intercept, slope = (float(v) for v in fit.params)
    reached = None
    if slope < 0:
        years = (np.log(goal) - intercept) / slope
        reached = (start + pd.Timedelta(days=float(years) * 365.25)).strftime("%Y-%m-%d")
    summary = ProjectionSummary(
        metric=metric, model=MODEL_NAME, snapshots=len(series),
        first_date=series.index.min().strftime("%Y-%m-%d"), last_date=series.index.max().strftime("%Y-%m-%d"),
        annual_change=float(np.expm1(slope)), r_squared=float(fit.rsquared), residual_sd=float(np.sqrt(fit.scale)),
        target_value=goal, projected_at_target=float(np.exp(mean)),
        lower_95_at_target=float(np.exp(interval95["obs_ci_lower"].iloc[0])),
        upper_95_at_target=float(np.exp(interval95["obs_ci_upper"].iloc[0])),
        probability_target_met=probability, date_target_reached=reached,
    )
    return projection, summary

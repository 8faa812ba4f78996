"""The projection: starts from the last measured value, carries gaps, widens with the horizon, refuses short series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portfolio.engine.projection import fit_forecast, monthly_log_series, project
from portfolio.settings import Trajectory

SETTINGS = Trajectory()
DATES = pd.date_range("2022-01-31", "2024-12-31", freq="ME")
FOOTPRINT = "carbon_footprint_tco2e_per_meur"


def series(values: np.ndarray, dates: pd.DatetimeIndex = DATES) -> pd.Series:
    return pd.Series(values, index=dates)


def test_known_drift_is_recovered_and_the_cone_starts_at_the_last_value() -> None:
    # ln F is a random walk with drift ln(0.92) / 12 a month (-8 % a year), monthly shocks of 1 %
    rng = np.random.default_rng(7)
    drift = np.log(0.92) / 12
    values = 100 * np.exp(np.cumsum(drift + rng.normal(0, 0.01, len(DATES))))
    projection, summary = project(series(values), FOOTPRINT, 100.0, SETTINGS)
    assert summary.last_value == values[-1]
    # the drift of a random walk is estimated by the mean monthly change: (ln last - ln first) / 35 months
    mean_change = (np.log(values[-1]) - np.log(values[0])) / (len(values) - 1)
    assert summary.annual_change == pytest.approx(np.expm1(12 * mean_change), abs=1e-4)
    # the first projected month is the last value moved by one month's drift, well inside its own band
    first = projection.iloc[0]
    assert first["as_of"] == pd.Timestamp("2025-01-31")
    assert first["projected"] == pytest.approx(values[-1] * np.exp(summary.annual_change / 12), rel=0.01)
    assert first["lower_95"] < values[-1] < first["upper_95"]
    assert projection["as_of"].iloc[-1] == pd.Timestamp("2030-12-31")
    assert (projection["lower_95"] <= projection["lower_80"]).all()
    assert (projection["lower_80"] <= projection["projected"]).all()
    assert (projection["projected"] <= projection["upper_80"]).all()
    width = np.log(projection["upper_95"] / projection["lower_95"]).to_numpy()
    assert (np.diff(width) > 0).all()  # a random walk: uncertainty grows with the horizon


def test_flat_series_has_a_small_chance_not_a_certainty_of_failure() -> None:
    # flat at 90 with monthly shocks of 1 %: the target 50 is far below; the median stays near 90
    rng = np.random.default_rng(3)
    values = 90 * np.exp(np.cumsum(rng.normal(0, 0.01, len(DATES))))
    _, summary = project(series(values), FOOTPRINT, 100.0, SETTINGS)
    assert summary.probability_target_met < 0.05
    assert summary.projected_at_target == pytest.approx(values[-1], rel=0.2)


def test_rising_last_year_is_not_read_as_a_sure_success() -> None:
    # the case: a steep fall to 2022, then a year up 1 %: the old OLS line said "> 99 %"
    dates = pd.DatetimeIndex([pd.Timestamp("2019-12-31"), *DATES])
    falling = np.linspace(np.log(412), np.log(270), 24)
    rising = np.log(270) + np.linspace(0, np.log(1.01), 12)
    values = np.exp(np.concatenate([[np.log(412)], falling, rising]))
    _, summary = project(series(values, dates), FOOTPRINT, 412.0, SETTINGS)
    assert summary.probability_target_met < 0.99


def test_gaps_are_missing_months_not_a_line() -> None:
    # 2019-12-31 then 2022 monthly: 25 month ends from 2019-12 to 2021-12, 24 of them missing
    dates = pd.DatetimeIndex([pd.Timestamp("2019-12-31"), *DATES])
    grid = monthly_log_series(series(np.full(len(dates), 50.0), dates))
    assert len(grid) == 61 and np.isnan(grid).sum() == 24 and grid[0] == np.log(50.0)


def test_fewer_than_six_snapshots_give_no_projection() -> None:
    assert project(series(np.full(len(DATES), 80.0))[:5], "m", 100.0, SETTINGS) is None


def test_hand_computed_fit_on_a_short_series_with_a_gap() -> None:
    # ln values 0, 0.1 (2 months later), 0.1, 0.3, 0.2, 0.4 at months 0, 2, 3, 4, 5, 6 of the grid
    dates = pd.DatetimeIndex(["2024-01-31", "2024-03-31", "2024-04-30", "2024-05-31", "2024-06-30", "2024-07-31"])
    log_values = np.array([0.0, 0.1, 0.1, 0.3, 0.2, 0.4])
    fit = fit_forecast(monthly_log_series(series(np.exp(log_values), dates)), 2)
    # drift: (0.4 - 0) / 6 months; shocks: changes minus drift x months, squared over months, over 6 - 2 = 4
    drift = 0.4 / 6
    changes, months = np.array([0.1, 0.0, 0.2, -0.1, 0.2]), np.array([2, 1, 1, 1, 1])
    variance = np.sum((changes - drift * months) ** 2 / months) / 4
    assert fit.drift == pytest.approx(drift, rel=1e-12)
    assert fit.shock_sd == pytest.approx(np.sqrt(variance), rel=1e-12)
    assert fit.mean == pytest.approx([0.4 + drift, 0.4 + 2 * drift], rel=1e-12)
    # h months ahead: s^2 (h + h^2 / 6), the second term being the drift's uncertainty over 6 months
    assert fit.sd == pytest.approx(np.sqrt(variance * np.array([1 + 1 / 6, 2 + 4 / 6])), rel=1e-12)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_closed_form_is_the_statsmodels_state_space_maximum(seed: int) -> None:
    # the same model, exact diffuse likelihood maximised by statsmodels' optimiser over the Kalman filter,
    # on a path with a two-year gap as in the sample
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    rng = np.random.default_rng(seed)
    log_values = np.log(400) + np.cumsum(np.log(0.93) / 12 + rng.normal(0, 0.015, 61))
    log_values[1:25] = np.nan
    model = UnobservedComponents(log_values, level="random walk with drift", use_exact_diffuse=True)
    fitted = model.fit(disp=False, maxiter=200)
    expected = fitted.get_forecast(72)
    fit = fit_forecast(log_values, 72)
    assert fit.mean == pytest.approx(np.asarray(expected.predicted_mean), abs=1e-12)
    # the optimiser stops at a tolerance; the closed form is the maximum itself, never below it
    assert model.loglike([fit.shock_sd ** 2]) >= fitted.llf - 1e-9
    assert fit.sd == pytest.approx(np.sqrt(np.asarray(expected.var_pred_mean)), rel=1e-3)


def test_snapshots_in_the_same_month_count_once() -> None:
    # six weekly snapshots over two months are two observations of the monthly model: no projection
    weekly = pd.DatetimeIndex(["2024-11-08", "2024-11-15", "2024-11-22", "2024-11-29", "2024-12-06", "2024-12-31"])
    assert project(series(np.linspace(100, 95, 6), weekly), FOOTPRINT, 100.0, SETTINGS) is None
    # a mid-month snapshot beside month ends: the later one of the month stands, six months remain
    dates = pd.DatetimeIndex(["2024-07-31", "2024-08-31", "2024-09-15", "2024-09-30", "2024-10-31", "2024-11-30",
                              "2024-12-31"])
    values = np.array([100.0, 99.0, 50.0, 98.0, 97.0, 96.0, 95.0])
    _, summary = project(series(values, dates), FOOTPRINT, 100.0, SETTINGS)
    assert summary.snapshots == 6
    assert summary.annual_change == pytest.approx(np.expm1(12 * np.log(95 / 100) / 5), rel=1e-12)

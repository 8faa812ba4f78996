"""The trend projection: recovers a known trend, sees no chance for a flat series, refuses short ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portfolio.engine.projection import project
from portfolio.settings import Trajectory
from portfolio.engine.trajectory import years_between

SETTINGS = Trajectory()
DATES = pd.date_range("2022-01-31", "2024-12-31", freq="ME")


def series(values: np.ndarray) -> pd.Series:
    return pd.Series(values, index=DATES)


def test_known_trend_is_recovered_within_its_interval() -> None:
    rng = np.random.default_rng(7)
    t = years_between(pd.Timestamp("2019-12-31"), DATES.to_series())
    rate = -0.08  # ln-change per year: -7.7 % a year
    values = 100 * np.exp(rate * t + rng.normal(0, 0.02, len(t)))
    projection, summary = project(series(values), "carbon_footprint_tco2e_per_meur", 100.0, SETTINGS)
    truth_at_target = 100 * np.exp(rate * 11.000684462696783)
    assert summary.lower_95_at_target <= truth_at_target <= summary.upper_95_at_target
    assert summary.annual_change == pytest.approx(np.expm1(rate), abs=0.01)
    assert projection["as_of"].iloc[0] == pd.Timestamp("2025-01-31")
    assert projection["as_of"].iloc[-1] == pd.Timestamp("2030-12-31")
    assert (projection["lower_95"] <= projection["lower_80"]).all()
    assert (projection["lower_80"] <= projection["projected"]).all()
    assert (projection["projected"] <= projection["upper_80"]).all()
    # -7.7 %/yr from 100 reaches 50 after ln 2 / 0.08 = 8.66 years: around August 2028
    assert summary.date_target_reached[:4] == "2028"
    assert summary.probability_target_met > 0.9


def test_flat_series_has_almost_no_chance() -> None:
    rng = np.random.default_rng(3)
    values = 90 * np.exp(rng.normal(0, 0.01, len(DATES)))
    _, summary = project(series(values), "carbon_footprint_tco2e_per_meur", 100.0, SETTINGS)
    assert summary.probability_target_met < 0.01
    assert summary.projected_at_target == pytest.approx(90, rel=0.05)


def test_fewer_than_six_snapshots_give_no_projection() -> None:
    assert project(series(np.full(len(DATES), 80.0))[:5], "m", 100.0, SETTINGS) is None

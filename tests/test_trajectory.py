"""The contract's trajectory figures for both shapes, computed by hand.

Baseline 2019-12-31, target 2030-12-31: T = 4018 days / 365.25 = 11.000684...
A snapshot on 2023-12-31 is t = 1461 / 365.25 = 4.0 years after the baseline.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from portfolio.settings import Trajectory
from portfolio.engine.trajectory import Baseline, compute_trajectory, find_baselines

T = 4018 / 365.25
FOOTPRINT = "carbon_footprint_tco2e_per_meur"
EMISSIONS = "financed_emissions_tco2e"


def metrics_frame(values: dict[str, float], metric: str = FOOTPRINT) -> pd.DataFrame:
    return pd.DataFrame({"as_of": pd.to_datetime(list(values)), "perimeter": "listed_yield",
                         "metric": metric, "value": list(values.values())})


def trajectory(values: dict[str, float], **settings: object) -> pd.DataFrame:
    config = Trajectory(**settings)
    metrics = metrics_frame(values)
    return compute_trajectory(metrics, config, find_baselines(metrics, config))


def test_linear_path_drift_and_years_ahead() -> None:
    rows = trajectory({"2019-12-31": 100.0, "2023-12-31": 65.0}).set_index("as_of")
    latest = rows.loc[pd.Timestamp("2023-12-31")]
    assert latest["path"] == pytest.approx(100 * (1 - 0.5 * 4.0 / T))          # 81.82
    assert latest["drift"] == pytest.approx(65 / (100 * (1 - 0.5 * 4.0 / T)) - 1)  # -20.6 %
    assert latest["years_ahead"] == pytest.approx((1 - 0.65) * T / 0.5 - 4.0)     # 3.70: ahead
    assert not latest["flag"]
    baseline = rows.loc[pd.Timestamp("2019-12-31")]
    assert (baseline["path"], baseline["drift"], baseline["years_ahead"]) == (100.0, 0.0, 0.0)


def test_geometric_path_and_years_ahead() -> None:
    rows = trajectory({"2019-12-31": 100.0, "2023-12-31": 65.0}, shape="geometric").set_index("as_of")
    latest = rows.loc[pd.Timestamp("2023-12-31")]
    assert latest["path"] == pytest.approx(100 * 0.5 ** (4.0 / T))                       # 77.73
    assert latest["years_ahead"] == pytest.approx(T * math.log(0.65) / math.log(0.5) - 4.0)  # 2.84


def test_behind_the_path_is_negative_and_flagged() -> None:
    rows = trajectory({"2019-12-31": 100.0, "2023-12-31": 95.0}).set_index("as_of")
    latest = rows.loc[pd.Timestamp("2023-12-31")]
    assert latest["years_ahead"] == pytest.approx((1 - 0.95) * T / 0.5 - 4.0)  # -2.9: behind
    assert latest["years_ahead"] < 0
    assert latest["flag"]


def test_tolerance_keeps_small_drift_unflagged() -> None:
    path = 100 * (1 - 0.5 * 4.0 / T)
    rows = trajectory({"2019-12-31": 100.0, "2023-12-31": path * 1.02}, tolerance=0.03)
    assert not rows.set_index("as_of").loc[pd.Timestamp("2023-12-31"), "flag"]


def test_frozen_baseline_setting_wins_over_snapshot() -> None:
    rows = trajectory({"2019-12-31": 80.0, "2023-12-31": 65.0}, baseline_footprint=100.0)
    latest = rows.set_index("as_of").loc[pd.Timestamp("2023-12-31")]
    assert latest["path"] == pytest.approx(100 * (1 - 0.5 * 4.0 / T))


def test_missing_baseline_gives_no_rows() -> None:
    config = Trajectory()
    metrics = metrics_frame({"2023-12-31": 65.0})
    baselines = find_baselines(metrics, config)
    assert [b.origin for b in baselines] == ["missing", "missing"]
    assert compute_trajectory(metrics, config, baselines).empty


def test_empty_actual_values_get_no_row() -> None:
    rows = trajectory({"2019-12-31": 100.0, "2022-12-31": np.nan, "2023-12-31": 65.0})
    assert list(rows["as_of"].dt.strftime("%Y-%m-%d")) == ["2019-12-31", "2023-12-31"]


def test_path_below_zero_leaves_drift_empty() -> None:
    # linear with r = 0.9 reaches 0 at t = T / 0.9 = 12.2 years: in 2033 the path is negative
    config = Trajectory(reduction=0.9)
    metrics = metrics_frame({"2019-12-31": 100.0, "2033-12-31": 5.0})
    rows = compute_trajectory(metrics, config, [Baseline(FOOTPRINT, 100.0, "snapshot")]).set_index("as_of")
    assert np.isnan(rows.loc[pd.Timestamp("2033-12-31"), "drift"])
    assert pd.isna(rows.loc[pd.Timestamp("2033-12-31"), "flag"])


def test_unknown_actual_gives_no_row_even_with_a_frozen_baseline() -> None:
    # the 2019 holdings had no published issuer data: the footprint is empty there, not 0, so no row
    # (a 0 would read as -100 % and 22 years ahead)
    rows = trajectory({"2019-12-31": float("nan"), "2023-12-31": 65.0}, baseline_footprint=100.0)
    assert list(rows["as_of"]) == [pd.Timestamp("2023-12-31")]
    assert rows["years_ahead"].iloc[0] == pytest.approx((1 - 0.65) * T / 0.5 - 4.0)

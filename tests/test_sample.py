"""The bundled sample book gives the insurer's published figures when the engine analyses it.

Published (rapport du comite de mission 2023): strategic holdings of 800 M EUR,
82.7 % of them serving health (more than 80 % in 2022); yield assets of 1.5 bn
EUR, 15 % (2022) then 14 % (2023, a little over 210 M EUR) of them in the
territorial fund; the listed-yield carbon footprint down 9 % in 2023 and 35 %
from 2019 to 2023. `portfolio.analyze()` (bundled sample, default settings)
must give each within its tolerance.

Years ahead at 2023-12-31, with t = 1461 / 365.25 = 4.0, T = 4018 / 365.25 =
11.0007, r = 0.5 and actual / baseline = 1 - 0.35 = 0.65:
linear (1 - 0.65) * T / 0.5 - 4 = 3.70; geometric T * ln(0.65) / ln(0.5) - 4 = 2.84.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import portfolio
from portfolio.exposure import GAP_REASONS
from portfolio.metrics import metric_series
from portfolio.run import sample_paths
from portfolio.sample.generate import write_sample

FOOTPRINT = "carbon_footprint_tco2e_per_meur"
SNAPSHOTS = ["2019-12-31", *(d.date().isoformat() for d in pd.date_range("2022-01-31", "2024-12-31", freq="ME"))]


@pytest.fixture(scope="module")
def result() -> portfolio.Result:
    return portfolio.analyze()


def metric(result: portfolio.Result, date: str, perimeter: str, name: str) -> float:
    """One value of metrics.csv."""
    return float(metric_series(result.metrics, perimeter, name)[pd.Timestamp(date)])


def footprint_years_ahead(result: portfolio.Result) -> float:
    """trajectory.csv years_ahead of the footprint at 2023-12-31."""
    trajectory = result.trajectory
    rows = trajectory[(trajectory["as_of"] == pd.Timestamp("2023-12-31")) & (trajectory["metric"] == FOOTPRINT)]
    return float(rows["years_ahead"].iloc[0])


def test_strategic_holdings_are_800_meur_82_7_percent_for_health(result: portfolio.Result) -> None:
    value_eur = metric(result, "2023-12-31", "strategic", "value_eur")
    assert abs(value_eur - 800e6) <= 10e6, value_eur
    health_share = metric(result, "2023-12-31", "strategic", "health_share")
    assert abs(health_share - 0.827) <= 0.005, health_share
    assert metric(result, "2022-12-31", "strategic", "health_share") > 0.80


def test_yield_assets_are_1_5_beur_15_then_14_percent_territorial(result: portfolio.Result) -> None:
    value_eur = metric(result, "2023-12-31", "yield", "value_eur")
    assert abs(value_eur - 1.5e9) <= 10e6, value_eur
    share_2022 = metric(result, "2022-12-31", "yield", "territorial_share")
    assert abs(share_2022 - 0.15) <= 0.005, share_2022
    share_2023 = metric(result, "2023-12-31", "yield", "territorial_share")
    assert abs(share_2023 - 0.14) <= 0.005, share_2023
    territorial_eur = metric(result, "2023-12-31", "yield", "territorial_value_eur")
    assert abs(territorial_eur - 210e6) <= 10e6, territorial_eur


def test_footprint_falls_9_percent_in_2023_and_35_percent_since_2019(result: portfolio.Result) -> None:
    footprint = {year: metric(result, f"{year}-12-31", "listed_yield", FOOTPRINT) for year in (2019, 2022, 2023)}
    change_2023 = footprint[2023] / footprint[2022] - 1
    assert abs(change_2023 - (-0.09)) <= 0.0025, change_2023
    change_since_2019 = footprint[2023] / footprint[2019] - 1
    assert abs(change_since_2019 - (-0.35)) <= 0.0025, change_since_2019


def test_footprint_is_3_7_years_ahead_of_the_linear_path(result: portfolio.Result) -> None:
    years_ahead = footprint_years_ahead(result)
    assert abs(years_ahead - 3.7) <= 0.1, years_ahead  # (1 - 0.65) * 11.0007 / 0.5 - 4


def test_footprint_is_2_8_years_ahead_of_the_geometric_path() -> None:
    geometric = portfolio.analyze(settings={"trajectory": {"shape": "geometric"}})
    years_ahead = footprint_years_ahead(geometric)
    assert abs(years_ahead - 2.8) <= 0.1, years_ahead  # 11.0007 * ln(0.65) / ln(0.5) - 4


def test_snapshots_are_the_baseline_then_every_month_end_of_2022_to_2024(result: portfolio.Result) -> None:
    dates = sorted(pd.Timestamp(d).date().isoformat() for d in result.metrics["as_of"].unique())
    assert len(SNAPSHOTS) == 37
    assert dates == SNAPSHOTS


def test_data_gaps_are_uncovered_lines_with_reasons(result: portfolio.Result) -> None:
    assert not result.warnings.empty
    assert set(GAP_REASONS) <= set(result.warnings["reason"])
    contributions = result.contributions
    uncovered = contributions[contributions["eligible"] & ~contributions["covered"]]
    assert len(uncovered) > 0
    assert (uncovered["reason"] != "").all()


def test_listed_yield_path_is_plausible(result: portfolio.Result) -> None:
    coverage = metric_series(result.metrics, "listed_yield", "coverage_eligible_ratio")
    assert coverage.between(0.85, 0.95).all(), coverage.describe()
    quality = metric_series(result.metrics, "listed_yield", "data_quality_score")
    assert quality.between(2, 3).all(), quality.describe()
    monthly = metric_series(result.metrics, "listed_yield", FOOTPRINT)[pd.Timestamp("2022-01-31"):]
    assert np.abs(monthly.pct_change().dropna()).max() < 0.04  # month-to-month noise of a few percent
    assert monthly.iloc[-1] < monthly.iloc[0]  # a general decline over 2022-2024


def test_generator_rewrites_the_bundled_files_byte_for_byte(tmp_path: Path) -> None:
    written = write_sample(tmp_path)
    for new, bundled in zip(written, sample_paths()):
        assert new.read_bytes() == bundled.read_bytes(), \
            f"{bundled.name} is not what generate.py writes: run python -m portfolio.sample.generate"

"""Drift lines name the figure, the path, the gap and the largest recent driver."""

from __future__ import annotations

import pandas as pd
import pytest

from portfolio.engine.drift import explain_drift


def test_flagged_snapshot_gets_a_reason_with_its_driver() -> None:
    date, before = pd.Timestamp("2024-06-30"), pd.Timestamp("2024-05-31")
    trajectory = pd.DataFrame({
        "as_of": [before, date], "metric": "carbon_footprint_tco2e_per_meur", "actual": [70.0, 82.0],
        "path": [80.0, 79.5], "drift": [70 / 80 - 1, 82 / 79.5 - 1], "flag": [False, True], "years_ahead": 0.0,
    })
    attribution = pd.DataFrame({
        "from_date": before, "to_date": date, "kind": "previous",
        "effect": ["allocation", "emissions", "evic", "coverage", "total"], "value": [1.0, 2.0, 9.5, -0.5, 12.0],
    })
    drift = explain_drift(trajectory, attribution, pd.DataFrame(columns=["as_of", "perimeter", "metric", "value"]))
    assert len(drift) == 1
    line = drift.iloc[0]
    assert (line["driver"], line["driver_value"]) == ("evic", 9.5)
    assert line["reason"] == ("carbon_footprint_tco2e_per_meur 82.0 tCO2e/MEUR vs path 79.5: +2.5 tCO2e/MEUR "
                              "(+3.1 %) above the path; since 2024-05-31, largest upward move: issuer EVIC (valuation) "
                              "+9.50 tCO2e/MEUR on the footprint")


def test_financed_emissions_drift_is_split_into_value_and_footprint() -> None:
    before, date = pd.Timestamp("2019-12-31"), pd.Timestamp("2023-12-31")
    trajectory = pd.DataFrame({"as_of": [date], "metric": "financed_emissions_tco2e", "actual": [9.0],
                               "path": [8.2], "drift": [9 / 8.2 - 1], "flag": [True], "years_ahead": [-1.8]})
    attribution = pd.DataFrame({"from_date": before, "to_date": date, "kind": "previous",
                                "effect": ["allocation", "emissions", "evic", "coverage"],
                                "value": [0.0, -4.0, 0.0, 0.0]})
    metrics = pd.DataFrame({"as_of": [before, before, date, date], "perimeter": "listed_yield",
                            "metric": ["covered_value_eur", "carbon_footprint_tco2e_per_meur"] * 2,
                            "value": [1e6, 10.0, 1.5e6, 6.0]})
    line = explain_drift(trajectory, attribution, metrics).iloc[0]
    # the footprint fell 40 % but the covered value rose 50 %: the value is what pushed emissions up
    assert line["driver"] == "covered_value"
    assert line["driver_value"] == pytest.approx(0.5)
    assert line["reason"].endswith("since 2019-12-31, largest upward move: covered value +50.0 % "
                                   "(covered value +50.0 %, footprint -40.0 %)")


def test_when_nothing_rose_the_line_says_so() -> None:
    before, date = pd.Timestamp("2024-05-31"), pd.Timestamp("2024-06-30")
    trajectory = pd.DataFrame({"as_of": [date], "metric": "carbon_footprint_tco2e_per_meur", "actual": [82.0],
                               "path": [79.5], "drift": [82 / 79.5 - 1], "flag": [True], "years_ahead": [-0.5]})
    attribution = pd.DataFrame({"from_date": before, "to_date": date, "kind": "previous",
                                "effect": ["allocation", "emissions", "evic", "coverage"],
                                "value": [-0.2, -1.5, -0.1, 0.0]})
    line = explain_drift(trajectory, attribution, pd.DataFrame(columns=["as_of", "perimeter", "metric", "value"]))
    assert line.iloc[0]["reason"].endswith("fell, but not enough; largest move: issuer emissions -1.50 tCO2e/MEUR "
                                           "on the footprint")

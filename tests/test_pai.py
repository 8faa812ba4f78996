"""`pai.csv`: yearly means of the four quarter-end values, and nothing for incomplete years."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portfolio.engine.pai import compute_pai


def metrics(values: dict[str, float], metric: str = "financed_emissions_tco2e") -> pd.DataFrame:
    return pd.DataFrame({"as_of": pd.to_datetime(list(values)), "perimeter": "total", "metric": metric,
                         "value": list(values.values())})


def test_mean_of_the_four_quarter_ends_ignores_other_months() -> None:
    frame = metrics({"2023-01-31": 1000.0, "2023-03-31": 10.0, "2023-06-30": 20.0, "2023-07-31": 999.0,
                     "2023-09-30": 30.0, "2023-12-31": 40.0})
    pai = compute_pai(frame)
    assert pai.to_dict("records") == [{"year": 2023, "perimeter": "total", "metric": "financed_emissions_tco2e",
                                       "value": pytest.approx((10 + 20 + 30 + 40) / 4)}]


def test_year_missing_a_quarter_end_gets_no_row() -> None:
    frame = metrics({"2023-03-31": 10.0, "2023-06-30": 20.0, "2023-09-29": 30.0, "2023-12-31": 40.0})
    assert compute_pai(frame).empty  # 29 September is not a quarter end


def test_year_with_an_empty_quarter_value_gets_no_row() -> None:
    frame = metrics({"2023-03-31": 10.0, "2023-06-30": np.nan, "2023-09-30": 30.0, "2023-12-31": 40.0},
                    metric="carbon_footprint_sfdr_tco2e_per_meur")
    assert compute_pai(frame).empty


def test_non_pai_metrics_are_left_out() -> None:
    frame = metrics({"2023-03-31": 1.0, "2023-06-30": 1.0, "2023-09-30": 1.0, "2023-12-31": 1.0},
                    metric="coverage_ratio")
    assert compute_pai(frame).empty

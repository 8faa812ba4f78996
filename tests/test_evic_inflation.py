"""EVIC inflation adjustment: a pure market rally leaves the adjusted footprint where it was."""

from __future__ import annotations

import pandas as pd
import pytest

import portfolio

M = 1e6


def test_doubling_of_every_evic_is_neutralised() -> None:
    holdings = pd.DataFrame([{"as_of": date, "holding_id": f"{i}-{date}", "issuer_id": i, "bucket": "yield",
                              "asset_class": "listed_equity", "listed": True, "market_value_eur": 10 * M}
                             for date in ("2019-12-31", "2022-12-31") for i in ("A", "B")])
    issuers = pd.DataFrame([
        {"issuer_id": i, "year": year, "published_on": published, "scope1_tco2e": 1000.0, "scope2_tco2e": 0.0,
         "scope3_tco2e": 0.0, "evic_eur": evic}
        for i, base in (("A", 100 * M), ("B", 300 * M))
        for year, published, evic in ((2018, "2019-06-30", base), (2021, "2022-06-30", 2 * base))])
    result = portfolio.analyze(holdings, issuers, settings={"trajectory": {"evic_inflation_adjustment": True}})
    rows = result.metrics[result.metrics["perimeter"] == "listed_yield"].set_index(["as_of", "metric"])["value"]
    end = pd.Timestamp("2022-12-31")
    # raw footprint: 0.5 * 1000 / 100 + 0.5 * 1000 / 300 = 6.667 -> halved to 3.333 by the rally
    assert rows[(end, "carbon_footprint_tco2e_per_meur")] == pytest.approx(10 / 3)
    # mean EVIC 200 M -> 400 M: factor 2, adjusted footprint back at 6.667
    assert rows[(end, "evic_inflation_factor")] == pytest.approx(2.0)
    assert rows[(end, "carbon_footprint_evic_adjusted_tco2e_per_meur")] == pytest.approx(20 / 3)
    adjusted = result.trajectory[result.trajectory["metric"] == "carbon_footprint_evic_adjusted_tco2e_per_meur"]
    assert len(adjusted) == 2


def test_adjustment_is_off_by_default() -> None:
    settings = portfolio.Settings()
    assert settings.trajectory.evic_inflation_adjustment is False

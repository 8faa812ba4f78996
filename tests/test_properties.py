"""Invariants of the metrics on random books (hypothesis), to a relative 1e-12.

- splitting a holding in two (new holding_id) changes no figure;
- permuting rows changes no figure (to the bit: sums run in a fixed order);
- scaling every value by k scales values and financed emissions by k and
  leaves footprints, intensities and shares unchanged;
- adding an uncovered cash line changes value_eur, the coverage ratios, the
  SFDR-denominator figures and the shares, and nothing else.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import portfolio

ISSUERS = ["A", "B", "C", "D", "E"]
CLASSES = ["listed_equity", "corporate_bond", "unlisted_equity", "loan", "sovereign_bond", "fund"]
DATES = ["2023-03-31", "2023-06-30"]
SCALE_FREE = {"coverage_ratio", "coverage_eligible_ratio", "carbon_footprint_tco2e_per_meur",
              "carbon_footprint_sfdr_tco2e_per_meur", "waci_tco2e_per_meur_revenue",
              "ghg_intensity_sfdr_tco2e_per_meur_revenue", "data_quality_score", "health_share",
              "territorial_share"}
CHANGED_BY_CASH = {"value_eur", "coverage_ratio", "carbon_footprint_sfdr_tco2e_per_meur",
                   "ghg_intensity_sfdr_tco2e_per_meur_revenue", "health_share", "territorial_share"}

maybe = st.one_of(st.none(), st.floats(1, 1e6))
# emissions of 0 or at least a kilogram: subnormal doubles (5e-324 t) lose relative precision under any scaling
tonnes = st.one_of(st.just(0.0), st.floats(1e-3, 1e5))


@st.composite
def issuers(draw: st.DrawFn) -> pd.DataFrame:
    rows = []
    for issuer in ISSUERS:
        rows.append({
            "issuer_id": issuer, "year": 2022, "published_on": "2023-01-15",
            "scope1_tco2e": draw(maybe), "scope2_tco2e": draw(tonnes),
            "scope3_tco2e": draw(maybe), "evic_eur": draw(st.one_of(st.none(), st.just(0.0), st.floats(1e6, 1e11))),
            "revenue_eur": draw(st.one_of(st.none(), st.floats(1e5, 1e10))),
            "data_quality": draw(st.one_of(st.none(), st.integers(1, 5))),
        })
    return pd.DataFrame(rows)


@st.composite
def books(draw: st.DrawFn) -> pd.DataFrame:
    count = draw(st.integers(1, 12))
    rows = []
    for number in range(count):
        asset_class = draw(st.sampled_from(CLASSES))
        rows.append({
            "as_of": draw(st.sampled_from(DATES)), "holding_id": f"H{number:03d}",
            "issuer_id": draw(st.sampled_from(ISSUERS + [""])),
            "bucket": draw(st.sampled_from(["yield", "strategic"])), "asset_class": asset_class,
            "listed": draw(st.booleans()), "market_value_eur": draw(st.floats(1, 1e8)),
            "fund_id": "FR-EMPLOIS" if asset_class == "fund" and draw(st.booleans()) else "",
            "purpose": draw(st.sampled_from(["", "coverage", "patient_pathway|access_to_care"])),
        })
    return pd.DataFrame(rows)


def metrics_of(holdings: pd.DataFrame, records: pd.DataFrame) -> pd.Series:
    result = portfolio.analyze(holdings, records)
    return result.metrics.set_index(["as_of", "perimeter", "metric"])["value"]


def assert_close(left: pd.Series, right: pd.Series) -> None:
    assert left.index.equals(right.index)
    a, b = left.to_numpy(dtype=float), right.to_numpy(dtype=float)
    assert np.array_equal(np.isnan(a), np.isnan(b)), left[np.isnan(a) != np.isnan(b)]
    both = ~np.isnan(a)
    assert np.allclose(a[both], b[both], rtol=1e-12, atol=0), (left[both] - right[both]).abs().max()


PROPERTY_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(books(), issuers(), st.data())
def test_splitting_a_holding_changes_nothing(holdings: pd.DataFrame, records: pd.DataFrame,
                                             data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(holdings) - 1))
    share = data.draw(st.floats(0.01, 0.99))
    split = holdings.copy()
    original = split.loc[position].copy()
    split.loc[position, "market_value_eur"] = original["market_value_eur"] * share
    twin = original.copy()
    twin["holding_id"] = "ZZ-split"
    twin["market_value_eur"] = original["market_value_eur"] - original["market_value_eur"] * share
    split = pd.concat([split, twin.to_frame().T], ignore_index=True)
    assert_close(metrics_of(holdings, records), metrics_of(split, records))


@PROPERTY_SETTINGS
@given(books(), issuers(), st.randoms())
def test_permuting_rows_changes_nothing(holdings: pd.DataFrame, records: pd.DataFrame, rng) -> None:
    order = list(range(len(holdings)))
    rng.shuffle(order)
    shuffled = holdings.iloc[order].reset_index(drop=True)
    assert metrics_of(holdings, records).equals(metrics_of(shuffled, records))


@PROPERTY_SETTINGS
@given(books(), issuers(), st.sampled_from([0.5, 3.0, 1e3]))
def test_scaling_values_scales_amounts_only(holdings: pd.DataFrame, records: pd.DataFrame, k: float) -> None:
    scaled = holdings.assign(market_value_eur=holdings["market_value_eur"] * k)
    before, after = metrics_of(holdings, records), metrics_of(scaled, records)
    is_free = before.index.get_level_values("metric").isin(SCALE_FREE)
    assert_close(before[is_free], after[is_free])
    assert_close(before[~is_free] * k, after[~is_free])


@PROPERTY_SETTINGS
@given(books(), issuers(), st.sampled_from(["yield", "strategic"]), st.floats(1, 1e7))
def test_uncovered_cash_changes_only_value_based_figures(holdings: pd.DataFrame, records: pd.DataFrame,
                                                         bucket: str, cash: float) -> None:
    date = holdings["as_of"].iloc[0]
    line = {"as_of": date, "holding_id": "CASH", "issuer_id": "", "bucket": bucket, "asset_class": "cash",
            "listed": False, "market_value_eur": cash, "fund_id": "", "purpose": ""}
    before = metrics_of(holdings, records)
    after = metrics_of(pd.concat([holdings, pd.DataFrame([line])], ignore_index=True), records)
    unchanged = ~before.index.get_level_values("metric").isin(CHANGED_BY_CASH)
    assert_close(before[unchanged], after[unchanged])
    value = before.xs("value_eur", level="metric")
    assert_close(value + np.where(value.index.get_level_values("perimeter").isin(["total", bucket])
                                  & (value.index.get_level_values("as_of") == pd.Timestamp(date)), cash, 0.0),
                 after.xs("value_eur", level="metric"))

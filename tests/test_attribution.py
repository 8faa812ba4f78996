"""Change attribution: effects add up to the footprint change, and each lands where it belongs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import portfolio
from portfolio.engine.attribution import (IssuerPanel, attribute_change, attribute_changes, comparison_pairs, issuer_lines,
                                          issuer_panel, shapley_three)

START, END = "2023-03-31", "2023-06-30"
M = 1e6


def records(first: dict[str, tuple], second: dict[str, tuple]) -> pd.DataFrame:
    """Issuer records (E, EVIC): FY2022 used at START, FY2023 (published mid-2023) used at END."""
    rows = []
    for year, published, table in ((2022, "2023-01-15", first), (2023, "2023-05-15", second)):
        for issuer, (emissions, evic) in table.items():
            rows.append({"issuer_id": issuer, "year": year, "published_on": published, "scope1_tco2e": emissions,
                         "scope2_tco2e": 0.0, "scope3_tco2e": 0.0, "evic_eur": evic, "revenue_eur": 1e8})
    return pd.DataFrame(rows)


def book(lines: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"as_of": date, "holding_id": f"{issuer}-{date}", "issuer_id": issuer, "bucket": "yield",
                          "asset_class": "listed_equity", "listed": True, "market_value_eur": value}
                         for date, issuer, value in lines])


def effects_of(holdings: pd.DataFrame, issuers: pd.DataFrame) -> tuple[dict[str, float], portfolio.Result]:
    result = portfolio.analyze(holdings, issuers)
    panel = issuer_panel(issuer_lines(result.contributions), pd.DatetimeIndex(sorted(result.contributions["as_of"].unique())))
    effects, _ = attribute_change(panel, pd.Timestamp(START), pd.Timestamp(END))
    return effects, result


def footprint(result: portfolio.Result, date: str) -> float:
    m = result.metrics
    row = m[(m["as_of"] == pd.Timestamp(date)) & (m["perimeter"] == "listed_yield")
            & (m["metric"] == "carbon_footprint_tco2e_per_meur")]
    return float(row["value"].iloc[0])


def test_shapley_split_of_a_product_is_exact() -> None:
    parts = shapley_three(np.array([2.0]), np.array([3.0]), np.array([5.0]),
                          np.array([4.0]), np.array([1.0]), np.array([7.0]))
    assert sum(p[0] for p in parts) == pytest.approx(4 * 1 * 7 - 2 * 3 * 5)


def test_only_evic_moves_so_the_whole_change_is_evic() -> None:
    holdings = book([(START, "A", 10 * M), (START, "B", 30 * M), (END, "A", 10 * M), (END, "B", 30 * M)])
    issuers = records({"A": (1000.0, 100 * M), "B": (500.0, 50 * M)}, {"A": (1000.0, 125 * M), "B": (500.0, 40 * M)})
    effects, result = effects_of(holdings, issuers)
    # F0 = 0.25 * 10 + 0.75 * 10 = 10; F1 = 0.25 * 8 + 0.75 * 12.5 = 11.375 (tCO2e per M EUR)
    assert effects["total"] == pytest.approx(11.375 - 10)
    assert effects["evic"] == pytest.approx(effects["total"])
    assert effects["allocation"] == effects["emissions"] == effects["coverage"] == 0
    assert effects["total"] == pytest.approx(footprint(result, END) - footprint(result, START))


def test_only_emissions_move() -> None:
    holdings = book([(START, "A", 10 * M), (END, "A", 10 * M)])
    effects, _ = effects_of(holdings, records({"A": (1000.0, 100 * M)}, {"A": (800.0, 100 * M)}))
    assert effects["emissions"] == pytest.approx(-2.0)  # 10 -> 8 tCO2e per M EUR
    assert effects["allocation"] == effects["evic"] == effects["coverage"] == 0


def test_data_appearing_for_a_held_issuer_is_coverage_not_allocation() -> None:
    holdings = book([(START, "A", 10 * M), (START, "B", 10 * M), (END, "A", 10 * M), (END, "B", 10 * M)])
    issuers = records({"A": (1000.0, 100 * M)}, {"A": (1000.0, 100 * M), "B": (3000.0, 100 * M)})
    effects, _ = effects_of(holdings, issuers)
    # F0 = 10 (A alone covered); F1 = 0.5 * 10 + 0.5 * 30 = 20: all of it is B's data arriving
    assert effects["coverage"] == pytest.approx(10.0)
    assert effects["allocation"] == effects["emissions"] == effects["evic"] == 0


def test_buying_a_covered_issuer_is_allocation() -> None:
    holdings = book([(START, "A", 10 * M), (END, "A", 10 * M), (END, "B", 10 * M)])
    issuers = records({"A": (1000.0, 100 * M), "B": (3000.0, 100 * M)},
                      {"A": (1000.0, 100 * M), "B": (3000.0, 100 * M)})
    effects, _ = effects_of(holdings, issuers)
    assert effects["allocation"] == pytest.approx(10.0) and effects["coverage"] == 0


def test_comparison_pairs_month_year_and_baseline() -> None:
    dates = [pd.Timestamp(d) for d in ["2019-12-31", "2023-01-31", "2023-02-28", "2024-02-29"]]
    pairs = comparison_pairs(dates, pd.Timestamp("2019-12-31"))
    assert ("year", pd.Timestamp("2023-02-28"), pd.Timestamp("2024-02-29")) in pairs
    assert ("previous", pd.Timestamp("2023-02-28"), pd.Timestamp("2024-02-29")) in pairs
    assert sum(kind == "baseline" for kind, _, _ in pairs) == 3


@st.composite
def random_books(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    issuers = ["A", "B", "C", "D", "E", "F"]
    data = st.one_of(st.none(), st.tuples(st.floats(1, 1e5), st.floats(1e6, 1e10)))
    tables = []
    for _ in range(2):
        tables.append({i: v for i in issuers if (v := draw(data)) is not None})
    tables[0].setdefault("F", (1.0, 1e6))  # the issuer table is never empty
    lines = [(date, issuer, draw(st.floats(1e3, 1e8))) for date in (START, END) for issuer in issuers
             if draw(st.booleans())]
    if not any(date == START for date, _, _ in lines) or not any(date == END for date, _, _ in lines):
        lines += [(START, "Z", 1e6), (END, "Z", 1e6)]
    return book(lines), records(*tables)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_books())
def test_effects_sum_exactly_to_the_change(data: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    holdings, issuers = data
    effects, result = effects_of(holdings, issuers)
    parts = effects["allocation"] + effects["emissions"] + effects["evic"] + effects["coverage"]
    scale = max(1.0, abs(effects["total"]))
    assert abs(parts - effects["total"]) <= 1e-9 * scale
    before, after = footprint(result, START), footprint(result, END)
    if not (np.isnan(before) or np.isnan(after)):
        assert effects["total"] == pytest.approx(after - before, rel=1e-9, abs=1e-9)


def test_comparison_pairs_skip_snapshots_whose_footprint_is_unknown() -> None:
    # nothing covered at the baseline nor in 2023-02-28: never compared (an unknown footprint is not 0); the
    # previous known snapshot of 2024-02-29 is 2023-01-31, and no year or baseline pair exists
    dates = [pd.Timestamp(d) for d in ["2019-12-31", "2023-01-31", "2023-02-28", "2024-02-29"]]
    known = {pd.Timestamp("2023-01-31"), pd.Timestamp("2024-02-29")}
    pairs = comparison_pairs(dates, pd.Timestamp("2019-12-31"), known)
    assert pairs == [("previous", pd.Timestamp("2023-01-31"), pd.Timestamp("2024-02-29"))]


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_pairs_attributed_together_give_each_pair_alone_to_the_bit(issuers: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = (4, issuers)
    value = np.where(rng.random(shape) < 0.2, np.nan, rng.uniform(1e3, 1e8, shape))
    evic = np.where(rng.random(shape) < 0.2, np.nan, rng.uniform(1e6, 1e10, shape))
    panel = IssuerPanel(pd.DatetimeIndex(["2023-03-31", "2023-06-30", "2023-09-30", "2023-12-31"]),
                        pd.array([f"I{i}" for i in range(issuers)], dtype="str"), value,
                        ~np.isnan(value) & (rng.random(shape) < 0.8), rng.uniform(1, 1e5, shape), evic)
    pairs = [(panel.dates[a], panel.dates[b]) for a in range(4) for b in range(a + 1, 4)]
    for (effects, by_issuer), (start, end) in zip(attribute_changes(panel, pairs), pairs):
        alone, alone_by_issuer = attribute_change(panel, start, end)
        assert np.array_equal(list(effects.values()), list(alone.values()), equal_nan=True)
        for name, values in by_issuer.items():
            assert np.array_equal(values, alone_by_issuer[name], equal_nan=True)

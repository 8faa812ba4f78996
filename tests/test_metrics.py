"""Every metric of the contract on a small book worked out by hand.

The book (one snapshot, 2023-12-31, default settings: scopes 1+2+3):

issuer  year published   s1   s2   s3   E     evic   revenue  dq
A       2022 2023-04-30  100  50   850  1000  100 M  50 M     2
B       2022 2023-05-15  20   10   170  200   40 M   20 M     4
C       2022 2023-05-15  10   10   -    ?     10 M   -        -   (scope 3 missing)
D       2022 2023-05-15  100  100  100  300   -      30 M     3   (no EVIC)

holding  issuer bucket     class            listed  value      purpose / fund
H1       A      yield      listed_equity    yes     2 000 000
H2       B      yield      corporate_bond   yes     1 000 000
H3       C      yield      listed_equity    yes       500 000
H4       D      yield      listed_equity    yes       500 000
H5       -      yield      cash             no       -100 000
H6       FR     yield      sovereign_bond   yes     1 000 000
H7       A      strategic  unlisted_equity  no      3 000 000   patient_pathway
H8       -      strategic  real_estate      no      1 000 000
H9       -      yield      fund             no        600 000   FR-EMPLOIS
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import portfolio

M = 1_000_000.0


def issuers_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "issuer_id": ["A", "B", "C", "D"],
        "year": [2022, 2022, 2022, 2022],
        "published_on": ["2023-04-30", "2023-05-15", "2023-05-15", "2023-05-15"],
        "scope1_tco2e": [100, 20, 10, 100],
        "scope2_tco2e": [50, 10, 10, 100],
        "scope3_tco2e": [850, 170, None, 100],
        "evic_eur": [100 * M, 40 * M, 10 * M, None],
        "revenue_eur": [50 * M, 20 * M, None, 30 * M],
        "data_quality": [2, 4, None, 3],
        "sector": ["C20", "K64", "C21", "D35"],
        "source": ["VendorA", "VendorA", "CDP", "CDP"],
    })


def holdings_frame() -> pd.DataFrame:
    rows = [
        ("H1", "A", "yield", "listed_equity", True, 2_000_000, "", ""),
        ("H2", "B", "yield", "corporate_bond", True, 1_000_000, "", ""),
        ("H3", "C", "yield", "listed_equity", True, 500_000, "", ""),
        ("H4", "D", "yield", "listed_equity", True, 500_000, "", ""),
        ("H5", "", "yield", "cash", False, -100_000, "", ""),
        ("H6", "FR", "yield", "sovereign_bond", True, 1_000_000, "", ""),
        ("H7", "A", "strategic", "unlisted_equity", False, 3_000_000, "", "patient_pathway"),
        ("H8", "", "strategic", "real_estate", False, 1_000_000, "", ""),
        ("H9", "", "yield", "fund", False, 600_000, "FR-EMPLOIS", ""),
    ]
    frame = pd.DataFrame(rows, columns=["holding_id", "issuer_id", "bucket", "asset_class", "listed",
                                        "market_value_eur", "fund_id", "purpose"])
    frame.insert(0, "as_of", "2023-12-31")
    frame["name"] = frame["holding_id"] + " SA"
    return frame


@pytest.fixture(scope="module")
def result() -> portfolio.Result:
    return portfolio.analyze(holdings_frame(), issuers_frame())


def value(result: portfolio.Result, perimeter: str, metric: str) -> float:
    rows = result.metrics[(result.metrics["perimeter"] == perimeter) & (result.metrics["metric"] == metric)]
    assert len(rows) == 1, (perimeter, metric)
    return float(rows["value"].iloc[0])


# financed emissions: H1 2 M / 100 M * 1000 = 20; H2 1 M / 40 M * 200 = 5; H7 3 M / 100 M * 1000 = 30
LISTED_YIELD = {
    "value_eur": 2 * M + 1 * M + 0.5 * M + 0.5 * M + 1 * M,           # H1-H4, H6 = 5 M
    "eligible_value_eur": 2 * M + 1 * M + 0.5 * M + 0.5 * M,          # H1-H4 = 4 M
    "covered_value_eur": 2 * M + 1 * M,                                # H1, H2 = 3 M
    "coverage_ratio": 3 / 5,
    "coverage_eligible_ratio": 3 / 4,
    "financed_emissions_tco2e": 20 + 5,
    # scope 1: H1 2/100*100 = 2, H2 1/40*20 = 0.5, H3 (covered for scope 1 alone) 0.5/10*10 = 0.5
    "financed_emissions_scope1_tco2e": 2 + 0.5 + 0.5,
    # scope 2: H1 1, H2 0.25, H3 0.5
    "financed_emissions_scope2_tco2e": 1 + 0.25 + 0.5,
    # scope 3: H1 17, H2 4.25, H3 has no scope 3
    "financed_emissions_scope3_tco2e": 17 + 4.25,
    "carbon_footprint_tco2e_per_meur": 25 / 3,                         # FE / (Vc / 1e6)
    "carbon_footprint_sfdr_tco2e_per_meur": 25 / 5,                    # FE / (V / 1e6)
    # WACI-covered: H1 (1000/50 = 20 t/M revenue), H2 (200/20 = 10), H4 (300/30 = 10; no EVIC but revenue)
    "waci_tco2e_per_meur_revenue": (2 * 20 + 1 * 10 + 0.5 * 10) / 3.5,
    "ghg_intensity_sfdr_tco2e_per_meur_revenue": (2 * 20 + 1 * 10 + 0.5 * 10) / 5,
    "data_quality_score": (2 * 2 + 1 * 4) / 3,                         # over covered: H1 (2), H2 (4)
}


@pytest.mark.parametrize("metric", sorted(LISTED_YIELD))
def test_listed_yield_metric_by_hand(result: portfolio.Result, metric: str) -> None:
    assert value(result, "listed_yield", metric) == pytest.approx(LISTED_YIELD[metric], rel=1e-12)


def test_cash_and_uncovered_lines_stay_in_sfdr_denominators(result: portfolio.Result) -> None:
    # yield = listed yield + H5 (cash, -0.1 M) + H9 (fund, 0.6 M) = 5.5 M
    assert value(result, "yield", "value_eur") == pytest.approx(5.5 * M)
    assert value(result, "yield", "carbon_footprint_sfdr_tco2e_per_meur") == pytest.approx(25 / 5.5)
    assert value(result, "yield", "ghg_intensity_sfdr_tco2e_per_meur_revenue") == pytest.approx(55 / 5.5)
    # the trajectory footprint divides by covered value only, unchanged by cash
    assert value(result, "yield", "carbon_footprint_tco2e_per_meur") == pytest.approx(25 / 3)


def test_total_and_strategic(result: portfolio.Result) -> None:
    assert value(result, "total", "value_eur") == pytest.approx(9.5 * M)          # 5.5 + 3 + 1
    assert value(result, "total", "financed_emissions_tco2e") == pytest.approx(55)  # 25 + 30 (H7)
    assert value(result, "total", "carbon_footprint_tco2e_per_meur") == pytest.approx(55 / 6)
    assert value(result, "strategic", "health_value_eur") == pytest.approx(3 * M)
    assert value(result, "strategic", "health_share") == pytest.approx(3 / 4)
    assert value(result, "strategic", "carbon_footprint_tco2e_per_meur") == pytest.approx(30 / 3)


def test_territorial_share_on_yield_and_total(result: portfolio.Result) -> None:
    assert value(result, "yield", "territorial_value_eur") == pytest.approx(0.6 * M)
    assert value(result, "yield", "territorial_share") == pytest.approx(0.6 / 5.5)
    assert value(result, "total", "territorial_share") == pytest.approx(0.6 / 9.5)


def test_metric_perimeters_follow_the_contract(result: portfolio.Result) -> None:
    by_metric = result.metrics.groupby("metric")["perimeter"].apply(lambda s: tuple(sorted(s)))
    assert by_metric["health_share"] == ("strategic",)
    assert by_metric["territorial_share"] == ("total", "yield")
    assert by_metric["value_eur"] == ("listed_yield", "strategic", "total", "yield")
    assert len(result.metrics) == 4 * 14 + 2 + 2 * 2  # 14 metrics everywhere, health x1 x2, territorial x2 x2


def test_contributions_explain_every_line(result: portfolio.Result) -> None:
    lines = result.contributions.set_index("holding_id")
    assert lines.loc["H1", "financed_emissions_tco2e"] == pytest.approx(20)
    assert lines.loc["H3", "reason"] == "missing_scope"
    assert lines.loc["H4", "reason"] == "missing_evic"
    assert bool(lines.loc["H4", "waci_covered"]) and not bool(lines.loc["H4", "covered"])
    assert lines.loc["H5", "reason"] == "asset_class_not_eligible"
    assert math.isnan(lines.loc["H3", "financed_emissions_tco2e"])  # a gap, never a zero
    assert list(result.contributions["holding_id"]) == sorted(result.contributions["holding_id"])


def test_gaps_are_warnings_with_reasons(result: portfolio.Result) -> None:
    gaps = result.warnings[result.warnings["holding_id"] != ""]
    assert sorted(zip(gaps["holding_id"], gaps["reason"])) == [
        ("H3", "missing_scope"), ("H4", "missing_evic")]
    assert "scope3_tco2e empty" in gaps.set_index("holding_id").loc["H3", "detail"]


def test_empty_denominators_are_empty_not_zero() -> None:
    # a snapshot with only a strategic real-estate line: listed_yield is empty, its ratios have V = 0
    holdings = holdings_frame().iloc[[7]]
    result = portfolio.analyze(holdings, issuers_frame())
    assert value(result, "listed_yield", "value_eur") == 0
    assert value(result, "listed_yield", "covered_value_eur") == 0  # a sum of values over no holding is 0
    for metric in ("coverage_ratio", "carbon_footprint_tco2e_per_meur", "waci_tco2e_per_meur_revenue",
                   "data_quality_score"):
        assert np.isnan(value(result, "listed_yield", metric)), metric


EMISSION_FIGURES = ("financed_emissions_tco2e", "financed_emissions_scope1_tco2e", "financed_emissions_scope2_tco2e",
                    "financed_emissions_scope3_tco2e", "carbon_footprint_sfdr_tco2e_per_meur",
                    "ghg_intensity_sfdr_tco2e_per_meur_revenue")


def test_emissions_over_no_covered_holding_are_empty_not_zero() -> None:
    # contract v2: a sum of emissions over no holding that has them is empty, even where V > 0
    holdings = holdings_frame().iloc[[7]]  # listed_yield holds nothing
    result = portfolio.analyze(holdings, issuers_frame())
    for metric in EMISSION_FIGURES:
        assert np.isnan(value(result, "listed_yield", metric)), metric
    # listed lines of 2 M on an issuer whose records are all empty: V = 2 M, nothing covered
    lines = holdings_frame().assign(issuer_id="NODATA")
    result = portfolio.analyze(lines, issuers_frame())
    assert value(result, "listed_yield", "value_eur") > 0
    for metric in EMISSION_FIGURES:
        assert np.isnan(value(result, "listed_yield", metric)), metric


def test_intensity_empty_when_no_line_is_waci_covered() -> None:
    # the covered lines have no revenue: PAI 3 has no line to weigh and is empty, while PAI 1 and 2 are known
    issuers = issuers_frame().assign(revenue_eur=np.nan)
    result = portfolio.analyze(holdings_frame(), issuers)
    assert value(result, "listed_yield", "financed_emissions_tco2e") > 0
    assert np.isnan(value(result, "listed_yield", "ghg_intensity_sfdr_tco2e_per_meur_revenue"))
    assert np.isnan(value(result, "listed_yield", "waci_tco2e_per_meur_revenue"))


def test_scope_figure_empty_when_no_line_has_that_scope() -> None:
    # scope 3 unknown everywhere: the scope-3 figure is empty, scopes 1 and 2 (covered for that scope) are known
    result = portfolio.analyze(holdings_frame(), issuers_frame().assign(scope3_tco2e=np.nan),
                               settings={"scopes": [1, 2]})
    assert np.isnan(value(result, "listed_yield", "financed_emissions_scope3_tco2e"))
    assert value(result, "listed_yield", "financed_emissions_scope1_tco2e") > 0


def test_configured_scopes_change_emissions() -> None:
    result = portfolio.analyze(holdings_frame(), issuers_frame(), settings={"scopes": [1, 2]})
    # scopes 1+2 only: C becomes covered (scope 3 no longer needed); H1 2/100*150 = 3, H2 1/40*30 = 0.75,
    # H3 0.5/10*20 = 1
    assert value(result, "listed_yield", "financed_emissions_tco2e") == pytest.approx(3 + 0.75 + 1)
    assert value(result, "listed_yield", "covered_value_eur") == pytest.approx(3.5 * M)

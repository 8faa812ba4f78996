"""Real-world data, worked out by hand: proxies, fund look-through, sovereigns, currencies, strict gaps.

Issuers used throughout (FY2022, published 2023-04-30, sector C20 unless said):
A: E = 1000 t, EVIC 100 M, revenue 50 M;  B: E = 200 t, EVIC 40 M, revenue 20 M.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import portfolio

M = 1e6
DATE = "2023-12-31"


def issuer(issuer_id: str, emissions: float | None, evic_eur: float | None, revenue_eur: float | None,
           sector: str = "C20", **extra: object) -> dict:
    return {"issuer_id": issuer_id, "year": 2022, "published_on": "2023-04-30", "scope1_tco2e": emissions,
            "scope2_tco2e": 0.0, "scope3_tco2e": 0.0, "evic_eur": evic_eur, "revenue_eur": revenue_eur,
            "sector": sector, **extra}


def line(holding_id: str, issuer_id: str, value: float, asset_class: str = "listed_equity",
         fund_id: str = "", listed: bool = True) -> dict:
    return {"as_of": DATE, "holding_id": holding_id, "issuer_id": issuer_id, "bucket": "yield",
            "asset_class": asset_class, "listed": listed, "market_value_eur": value, "fund_id": fund_id}


BASE_ISSUERS = [issuer("A", 1000.0, 100 * M, 50 * M), issuer("B", 200.0, 40 * M, 20 * M)]


def metric(result: portfolio.Result, name: str, perimeter: str = "yield") -> float:
    rows = result.metrics[(result.metrics["perimeter"] == perimeter) & (result.metrics["metric"] == name)]
    return float(rows["value"].iloc[0])


def lines_of(result: portfolio.Result) -> pd.DataFrame:
    return result.contributions.set_index("holding_id")


# ------------------------------------------------------------------ proxies

def test_proxy_estimates_from_sector_averages() -> None:
    issuers = pd.DataFrame(BASE_ISSUERS + [issuer("X", None, 20 * M, 10 * M)])   # X: scope 1 missing
    holdings = pd.DataFrame([line("H1", "A", 2 * M), line("H2", "B", 1 * M), line("H3", "X", 1 * M),
                             line("H4", "", 1 * M)])                                # H4: no issuer at all
    result = portfolio.analyze(holdings, issuers, settings={"gaps": "proxy"})
    rows = lines_of(result)
    # C20 averages over A and B: E/revenue = 1200 / 70 M, E/EVIC = 1200 / 140 M
    # H3 (revenue and EVIC known): E = 10 M x 1200 / 70 M = 171.43 t; financed = 1 M / 20 M x E = 8.571 t; PCAF 4
    assert rows.loc["H3", "emissions_tco2e"] == pytest.approx(10 * M * 1200 / (70 * M))
    assert rows.loc["H3", "financed_emissions_tco2e"] == pytest.approx(1 / 20 * 10 * M * 1200 / (70 * M))
    assert rows.loc["H3", "data_quality"] == 4
    # H4 (no record, no sector): all-sector E/EVIC = 1200 / 140 M; financed = 1 M x 1200 / 140 M; PCAF 5
    assert rows.loc["H4", "financed_emissions_tco2e"] == pytest.approx(1 * M * 1200 / (140 * M))
    assert rows.loc["H4", "data_quality"] == 5
    assert rows.loc[["H3", "H4"], "estimated"].all() and not rows.loc[["H1", "H2"], "estimated"].any()
    assert rows.loc[["H3", "H4"], "covered"].all()
    assert metric(result, "estimated_value_eur") == pytest.approx(2 * M)
    assert metric(result, "estimated_financed_emissions_tco2e") == pytest.approx(
        1 / 20 * 10 * 1200 / 70 + 1200 / 140)
    # reported: A 2 M / 100 M x 1000 = 20, B 1 M / 40 M x 200 = 5
    assert metric(result, "financed_emissions_tco2e") == pytest.approx(25 + 1 / 20 * 10 * 1200 / 70 + 1200 / 140)
    assert metric(result, "coverage_ratio") == pytest.approx(1.0)


def test_without_proxies_the_same_lines_stay_uncovered() -> None:
    issuers = pd.DataFrame(BASE_ISSUERS + [issuer("X", None, 20 * M, 10 * M)])
    holdings = pd.DataFrame([line("H1", "A", 2 * M), line("H3", "X", 1 * M)])
    result = portfolio.analyze(holdings, issuers)
    assert "estimated" not in result.contributions.columns
    assert "estimated_value_eur" not in set(result.metrics["metric"])
    assert np.isnan(lines_of(result).loc["H3", "financed_emissions_tco2e"])


def test_strict_gaps_refuse_every_line_lacking_data(tables, run_cli, tmp_path) -> None:
    issuers = pd.DataFrame(BASE_ISSUERS + [issuer("X", None, 20 * M, 10 * M)])
    holdings = pd.DataFrame([line("H1", "A", 2 * M), line("H3", "X", 1 * M), line("H4", "", 1 * M)])
    with pytest.raises(portfolio.InputError) as caught:
        portfolio.analyze(holdings, issuers, settings={"gaps": "strict"})
    lines = caught.value.lines()
    assert len(lines) == 2
    assert lines[0] == ("<holdings DataFrame 1>: row 3, column issuer_id: got 'X'; expected issuer data for "
                        'this line on 2023-12-31 (gaps = "strict"): missing_scope')
    assert "row 4, column issuer_id: got ''" in lines[1] and lines[1].endswith("missing_issuer_id")


# ------------------------------------------------------------------ fund look-through

FUND = [{"fund_id": "F1", "as_of": "2023-06-30", "issuer_id": "A", "asset_class": "listed_equity", "weight": 0.5},
        {"fund_id": "F1", "as_of": "2023-06-30", "issuer_id": "B", "asset_class": "corporate_bond", "weight": 0.3}]


def test_fund_with_partial_look_through() -> None:
    holdings = pd.DataFrame([line("FL", "", 10 * M, asset_class="fund", fund_id="F1")])
    result = portfolio.analyze(holdings, pd.DataFrame(BASE_ISSUERS), funds=pd.DataFrame(FUND))
    rows = lines_of(result)
    # children: FL/0 = 10 M x 0.5 on A, FL/1 = 10 M x 0.3 on B
    assert rows.loc["FL/0", "market_value_eur"] == pytest.approx(5 * M)
    assert rows.loc["FL/1", "parent_holding_id"] == "FL"
    assert rows.loc["FL", "reason"] == "looked_through"
    # financed: 5 M / 100 M x 1000 + 3 M / 40 M x 200 = 50 + 15
    assert metric(result, "financed_emissions_tco2e") == pytest.approx(65.0)
    assert metric(result, "value_eur") == pytest.approx(10 * M)           # the fund line, once
    assert metric(result, "covered_value_eur") == pytest.approx(8 * M)    # its children
    assert metric(result, "coverage_ratio") == pytest.approx(0.8)         # 20 % of the fund uncovered
    assert metric(result, "lookthrough_value_eur") == pytest.approx(10 * M)
    warning = result.warnings[result.warnings["reason"] == "fund_weights_incomplete"]
    assert list(warning["holding_id"]) == ["FL"]
    assert "0.8000" in warning["detail"].iloc[0]


def test_weights_over_one_are_an_input_error() -> None:
    heavy = [dict(FUND[0], weight=0.8), FUND[1]]
    with pytest.raises(portfolio.InputError, match="row 3, column weight: got weights of fund F1 on 2023-06-30 "
                                                   "summing to 1.1; expected a sum of at most 1.005"):
        portfolio.analyze(pd.DataFrame([line("FL", "", 10 * M, asset_class="fund", fund_id="F1")]),
                          pd.DataFrame(BASE_ISSUERS), funds=pd.DataFrame(heavy))


def test_territorial_share_counts_the_fund_line_once() -> None:
    composition = [dict(FUND[0], fund_id="FR-EMPLOIS", weight=1.0)]
    holdings = pd.DataFrame([line("T", "", 4 * M, asset_class="fund", fund_id="FR-EMPLOIS", listed=False),
                             line("H1", "A", 6 * M)])
    result = portfolio.analyze(holdings, pd.DataFrame(BASE_ISSUERS), funds=pd.DataFrame(composition))
    assert metric(result, "territorial_share") == pytest.approx(0.4)
    assert metric(result, "territorial_value_eur") == pytest.approx(4 * M)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.floats(0.01, 1.0), min_size=2, max_size=2), st.floats(1e5, 1e8))
def test_looking_through_equals_holding_directly(weights: list[float], fund_value: float) -> None:
    weights = [w / sum(weights) for w in weights]
    composition = [dict(FUND[0], weight=weights[0]), dict(FUND[1], weight=weights[1])]
    through = portfolio.analyze(pd.DataFrame([line("FL", "", fund_value, asset_class="fund", fund_id="F1")]),
                                pd.DataFrame(BASE_ISSUERS), funds=pd.DataFrame(composition))
    direct = portfolio.analyze(pd.DataFrame([line("DA", "A", fund_value * weights[0]),
                                             line("DB", "B", fund_value * weights[1], asset_class="corporate_bond")]),
                               pd.DataFrame(BASE_ISSUERS))
    for name in ("financed_emissions_tco2e", "covered_value_eur", "carbon_footprint_tco2e_per_meur"):
        assert metric(through, name) == pytest.approx(metric(direct, name), rel=1e-12)


# ------------------------------------------------------------------ sovereigns

def test_sovereign_line_gets_pcaf_and_pai15_figures() -> None:
    countries = pd.DataFrame([{"country": "FR", "year": 2022, "published_on": "2023-05-31",
                               "emissions_tco2e": 300e6, "gdp_ppp_eur": 3e12, "gdp_eur": 2.8e12}])
    holdings = pd.DataFrame([line("S1", "FR", 10 * M, asset_class="sovereign_bond"), line("H1", "A", 10 * M)])
    result = portfolio.analyze(holdings, pd.DataFrame(BASE_ISSUERS), sovereigns=countries)
    # PCAF: 10 M / 3e12 x 300e6 = 1000 t
    assert metric(result, "sovereign_financed_emissions_tco2e") == pytest.approx(1000.0)
    assert metric(result, "sovereign_covered_value_eur") == pytest.approx(10 * M)
    # PAI 15: (10 M / 20 M) x 300e6 / (2.8e12 / 1e6) = 0.5 x 107.142857
    assert metric(result, "ghg_intensity_sovereign_tco2e_per_meur_gdp") == pytest.approx(0.5 * 300e6 / 2.8e6)
    # never mixed into the corporate figures: A alone, 10 M / 100 M x 1000 = 100 t
    assert metric(result, "financed_emissions_tco2e") == pytest.approx(100.0)


# ------------------------------------------------------------------ currencies

FX = pd.DataFrame({"date": ["2022-03-31", "2022-06-30", "2022-09-30", "2022-12-30", "2023-03-31"],
                   "currency": "USD", "eur_per_unit": [0.90, 0.95, 1.00, 0.94, 0.92]})


def test_usd_issuer_is_converted_at_closing_and_mean_rates() -> None:
    usd = issuer("U", 1000.0, None, None, currency="USD", evic=200 * M, revenue=100 * M)
    holdings = pd.DataFrame([line("H1", "U", 4.7 * M)])
    result = portfolio.analyze(holdings, pd.DataFrame([usd]), fx=FX)
    row = lines_of(result).loc["H1"]
    # EVIC at the last 2022 rate (30 Dec: 0.94): 188 M EUR; revenue at the 2022 mean (0.9475): 94.75 M EUR
    assert row["evic_eur"] == pytest.approx(200 * M * 0.94)
    assert row["revenue_eur"] == pytest.approx(100 * M * (0.90 + 0.95 + 1.00 + 0.94) / 4)
    assert row["financed_emissions_tco2e"] == pytest.approx(4.7 / 188 * 1000)


def test_non_eur_record_without_rate_is_an_input_error() -> None:
    chf = issuer("C", 1000.0, None, None, currency="CHF", evic=200 * M)
    with pytest.raises(portfolio.InputError, match="row 2, column currency: got 'CHF'; expected a currency with an "
                                                   "FX rate on or before 2022-12-31"):
        portfolio.analyze(pd.DataFrame([line("H1", "C", M)]), pd.DataFrame([chf]), fx=FX)


def test_both_amount_forms_on_one_row_are_refused() -> None:
    both = issuer("U", 1000.0, 100 * M, None, currency="USD", evic=200 * M)
    with pytest.raises(portfolio.InputError, match="column evic: got '200000000.0'; expected an empty cell when "
                                                   "evic_eur is given"):
        portfolio.analyze(pd.DataFrame([line("H1", "U", M)]), pd.DataFrame([both]), fx=FX)


def test_proxied_gaps_still_warn_and_say_they_were_estimated() -> None:
    issuers = pd.DataFrame(BASE_ISSUERS + [issuer("X", None, 20 * M, 10 * M)])
    result = portfolio.analyze(pd.DataFrame([line("H1", "A", 2 * M), line("H3", "X", 1 * M)]), issuers,
                               settings={"gaps": "proxy"})
    detail = result.warnings.set_index("holding_id").loc["H3", "detail"]
    assert detail.endswith("scope1_tco2e empty; estimated from sector averages (PCAF 4)")


def test_proxies_work_together_with_look_through() -> None:
    issuers = pd.DataFrame(BASE_ISSUERS + [issuer("X", None, 20 * M, 10 * M)])
    holdings = pd.DataFrame([line("FL", "", 10 * M, asset_class="fund", fund_id="F1"),
                             line("NF", "", 2 * M, asset_class="fund", fund_id="NOCOMP"), line("H3", "X", 1 * M)])
    result = portfolio.analyze(holdings, issuers, settings={"gaps": "proxy"}, funds=pd.DataFrame(FUND))
    rows = lines_of(result)
    # the fund without composition is proxied at the all-sector E/EVIC (1200 / 140 M): 2 M x 1200 / 140 M
    assert rows.loc["NF", "financed_emissions_tco2e"] == pytest.approx(2 * M * 1200 / (140 * M))
    assert rows.loc["NF", "estimated"] and not rows.loc["FL", "estimated"]
    assert metric(result, "coverage_eligible_ratio") <= 1.0

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

The sample also exercises the contract's extensions, read from the files shipped beside it:
a looked-through SRI equity fund (`funds.csv`), sovereign bonds with country records
(`sovereigns.csv`) and issuers reporting in USD (`fx.csv`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import portfolio
from portfolio.engine.exposure import GAP_REASONS
from portfolio.engine.metrics import metric_series
from portfolio.run import SAMPLE_EXTENSIONS, sample_extensions, sample_paths
from portfolio.sample.generate import SAMPLE_FILES, write_sample

FOOTPRINT = "carbon_footprint_tco2e_per_meur"
SAMPLE_FOLDER = sample_paths()[0].parent
SRI_FUND, SRI_FUND_LINE, TERRITORIAL_FUND = "FR-ACTIONS-ISR", "Y-FD-0002", "FR-EMPLOIS"
END_2023 = pd.Timestamp("2023-12-31")
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


def sample_csv(name: str) -> pd.DataFrame:
    """One of the bundled comma-separated files, every cell as text."""
    return pd.read_csv(SAMPLE_FOLDER / name, dtype=str, keep_default_na=False)


def at_end_2023(result: portfolio.Result) -> pd.DataFrame:
    """contributions.csv rows of the 2023-12-31 snapshot, by holding_id."""
    contributions = result.contributions
    return contributions[contributions["as_of"] == END_2023].set_index("holding_id")


def test_the_sample_ships_and_reads_every_extension_file(result: portfolio.Result) -> None:
    assert set(sample_extensions()) == set(SAMPLE_EXTENSIONS)
    assert {record.role for record in result.inputs} == {"holdings", "issuers", "funds", "sovereigns", "fx",
                                                         "targets"}


def test_the_sample_targets_give_a_plausible_temperature(result: portfolio.Result) -> None:
    """Every snapshot rated; the listed yield book between 1.5 and 3.2 degrees, the default score a large part."""
    table = result.temperature_portfolio
    assert len(table) == 216 * table["as_of"].nunique() and table["as_of"].nunique() == 37
    headline = table[(table["perimeter"] == "listed_yield") & (table["method"] == "WATS")
                     & (table["scope"] == "S1+S2") & (table["time_frame"] == "mid")]
    assert headline["temperature_c"].between(1.5, 3.2).all() and headline["default_share"].between(0.3, 0.95).all()
    reasons = set(result.warnings["reason"])
    assert {"target_expired", "target_achieved", "target_intensity_metric", "target_beyond_30_years"} <= reasons


def test_the_sri_fund_is_looked_through_and_the_territorial_fund_is_not(result: portfolio.Result) -> None:
    lookthrough = metric_series(result.metrics, "listed_yield", "lookthrough_value_eur")
    assert len(lookthrough) == 37 and (lookthrough > 0).all(), lookthrough.describe()
    rows = at_end_2023(result)
    fund_line = rows.loc[SRI_FUND_LINE]
    assert fund_line["fund_id"] == SRI_FUND and fund_line["listed"] and fund_line["reason"] == "looked_through"
    assert metric(result, "2023-12-31", "yield", "lookthrough_value_eur") == pytest.approx(
        fund_line["market_value_eur"])
    children = rows[rows.index.str.contains("/", regex=False)]
    assert len(children) >= 30
    assert (children["parent_holding_id"] == SRI_FUND_LINE).all()
    assert children.index.str.startswith(SRI_FUND_LINE + "/").all()
    assert (children["asset_class"] == "listed_equity").all() and children["listed"].all()
    # child value = fund line value x weight; together the fund line less its cash
    assert children["market_value_eur"].sum() == pytest.approx(
        fund_line["market_value_eur"] * fund_line["lookthrough_weight"])
    assert children["covered"].mean() > 0.8
    # the territorial fund has no composition: its share is measured on the fund line
    territorial = rows[rows["fund_id"] == TERRITORIAL_FUND]
    assert list(territorial.index) == ["Y-FD-0001"] and not territorial["parent_holding_id"].ne("").any()
    assert metric(result, "2023-12-31", "yield", "territorial_value_eur") == pytest.approx(
        territorial["market_value_eur"].iloc[0])


def test_fund_weights_stay_within_the_contract(result: portfolio.Result) -> None:
    funds = sample_csv(SAMPLE_EXTENSIONS["funds"])
    assert set(funds["fund_id"]) == {SRI_FUND}
    totals = funds.assign(weight=funds["weight"].astype(float)).groupby("as_of")["weight"].sum()
    assert len(totals) >= 13 and totals.between(0.97, 1.0).all(), totals  # no fund_weights input error
    incomplete = result.warnings[result.warnings["reason"] == "fund_weights_incomplete"]
    assert set(incomplete["holding_id"]) == {SRI_FUND_LINE}  # the fund's cash, reported, not an error


def test_sovereign_bonds_get_pcaf_figures(result: portfolio.Result) -> None:
    financed = metric_series(result.metrics, "yield", "sovereign_financed_emissions_tco2e")
    assert len(financed) == 37 and (financed > 0).all(), financed.describe()
    assert metric(result, "2023-12-31", "yield", "ghg_intensity_sovereign_tco2e_per_meur_gdp") > 0
    rows = at_end_2023(result)
    sovereign = rows[rows["asset_class"] == "sovereign_bond"]
    assert set(sovereign["issuer_id"]) == {"FR", "DE", "IT", "ES", "BE", "NL"}
    assert sovereign["sovereign_covered"].all()
    assert metric(result, "2023-12-31", "yield", "sovereign_covered_value_eur") == pytest.approx(
        sovereign["market_value_eur"].sum())
    # by hand: at 2023-12-31 a French bond reads FY2022, the approximated inventory of 31 October 2023
    countries = sample_csv(SAMPLE_EXTENSIONS["sovereigns"])
    france = countries[(countries["country"] == "FR") & (countries["year"] == "2022")]
    assert list(france["published_on"]) == ["2023-10-31", "2024-04-15"]
    record = france.iloc[0]
    line = sovereign.loc["Y-SB-0001"]
    assert line["sovereign_financed_emissions_tco2e"] == pytest.approx(
        line["market_value_eur"] / float(record["gdp_ppp_eur"]) * float(record["emissions_tco2e"]))
    # sovereigns stay out of the corporate figures
    assert not sovereign["eligible"].any() and sovereign["financed_emissions_tco2e"].isna().all()


def test_usd_reporters_are_converted_at_the_closing_and_mean_rates(result: portfolio.Result) -> None:
    issuers = sample_csv("issuers.csv")
    usd = issuers[issuers["currency"] == "USD"]
    assert usd["issuer_id"].nunique() >= 1
    assert (usd["evic_eur"] == "").all() and (usd["revenue_eur"] == "").all()
    assert (issuers.loc[issuers["currency"] == "", ["evic", "revenue"]] == "").all().all()
    rows = at_end_2023(result)
    held = rows[rows["issuer_id"].isin(set(usd["issuer_id"])) & rows["covered"]]
    assert len(held) > 0
    line = held.iloc[0]
    assert line["record_year"] == 2022
    record = issuers.iloc[int(line["issuers_row"]) - 2]  # the row the engine read (row 2 = first record)
    assert (record["issuer_id"], record["year"], record["currency"]) == (line["issuer_id"], "2022", "USD")
    # by hand: FY2022 EVIC at the last 2022 rate (30 December 2022: 1 / 1.0666 USD per EUR), revenue at
    # the mean of the twelve 2022 month-end rates
    rates = sample_csv(SAMPLE_EXTENSIONS["fx"])
    rates_2022 = rates[rates["date"].str.startswith("2022-")]
    assert rates_2022["date"].max() == "2022-12-30"
    assert float(rates_2022.loc[rates_2022["date"] == "2022-12-30", "eur_per_unit"].iloc[0]) == 0.937559
    assert line["evic_eur"] == pytest.approx(float(record["evic"]) * 0.937559, rel=1e-12)
    assert line["revenue_eur"] == pytest.approx(
        float(record["revenue"]) * rates_2022["eur_per_unit"].astype(float).mean(), rel=1e-12)
    assert line["financed_emissions_tco2e"] == pytest.approx(
        line["market_value_eur"] / line["evic_eur"] * line["emissions_tco2e"])


def test_generator_rewrites_the_bundled_files_byte_for_byte(tmp_path: Path) -> None:
    written = write_sample(tmp_path)
    assert list(written) == list(SAMPLE_FILES)
    assert set(SAMPLE_FILES) == {"holdings.csv", "issuers.csv", *SAMPLE_EXTENSIONS.values()}
    for name, new in written.items():
        assert new.read_bytes() == (SAMPLE_FOLDER / name).read_bytes(), \
            f"{name} is not what generate.py writes: run python -m portfolio.sample.generate"

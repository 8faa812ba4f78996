"""The temperature rating (`portfolio/engine/temperature.py`): the contract's worked examples and rules, by hand.

Regression rows used below (model 4, `cdp_wwf_regression_model4.csv`):
- Emissions|CO2|Energy and Industrial Processes, mid: param -0.311648326394271, intercept 2.61727833547122
- INT.emCO2EI_elecGen, mid: param -0.411427920133186, intercept 3.37049169190728
- Emissions|Kyoto Gases, long: param -0.483330528210875, intercept 2.84133794650491
- Emissions|Kyoto Gases, mid: param -0.312328765130924, intercept 2.6972610131342
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esg_scores import RecordTimeline
from portfolio.engine.temperature import (PORTFOLIO_COLUMNS, HeldValues, rate_temperature, round_temperature)
from portfolio.run import regression_table

D = pd.Timestamp("2023-12-31")
ENERGY_MID = (-0.311648326394271, 2.61727833547122)
KYOTO_MID = (-0.312328765130924, 2.6972610131342)


def holdings(*lines: tuple[str, str, float], bucket: str = "yield", as_of: pd.Timestamp = D) -> pd.DataFrame:
    """Contributions-like lines: (holding_id, issuer_id, value), listed equities."""
    return pd.DataFrame({
        "as_of": pd.Series([as_of] * len(lines), dtype="datetime64[s]"),
        "holding_id": [line[0] for line in lines], "issuer_id": [line[1] for line in lines],
        "asset_class": "listed_equity", "market_value_eur": [float(line[2]) for line in lines],
        "bucket": bucket, "listed": True})


def record(issuer_id: str = "A", e12: tuple[float, float] = (500.0, 300.0), e3: float = 1200.0,
           **fields: object) -> dict:
    row = {"issuer_id": issuer_id, "year": 2022, "published_on": pd.NaT, "scope1_tco2e": e12[0],
           "scope2_tco2e": e12[1], "scope3_tco2e": e3, "evic_eur": 1e6, "revenue_eur": 2e6, "isic": "D3510",
           "market_cap_eur": 5e5, "total_assets_eur": 4e6}
    row.update(fields)
    return row


def records(*rows: dict) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows))
    frame["published_on"] = frame["published_on"].astype("datetime64[s]")
    return frame


def target(target_id: str = "T", **fields: object) -> dict:
    """The worked examples' target: absolute S1+S2, coverage 1, ambition 0.5, 2019 -> 2030, g1 600, g2 200."""
    row = {"issuer_id": "A", "target_id": target_id, "target_type": "absolute", "intensity_metric": "",
           "scope": "S1+S2", "coverage_s1": 1.0, "coverage_s2": np.nan, "coverage_s3": np.nan,
           "reduction_ambition": 0.5, "base_year": 2019, "start_year": pd.NA, "end_year": 2030,
           "base_year_ghg_s1": 600.0, "base_year_ghg_s2": 200.0, "base_year_ghg_s3": np.nan,
           "achieved_reduction": np.nan, "sbti_validated": pd.NA, "published_on": pd.NaT, "source": ""}
    row.update(fields)
    return row


def targets(*rows: dict) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows))
    for column in ("base_year", "start_year", "end_year"):
        frame[column] = frame[column].astype("Int64")
    frame["published_on"] = frame["published_on"].astype("datetime64[s]")
    frame["sbti_validated"] = frame["sbti_validated"].astype("boolean")
    return frame


def rate(lines: pd.DataFrame, issuer_records: pd.DataFrame, goals: pd.DataFrame, method: str = "WATS"):
    issuers = RecordTimeline.of(issuer_records, 0)
    return rate_temperature(HeldValues.of(lines), issuers, goals, regression_table(), method)


def box(company: pd.DataFrame, scope: str, time_frame: str, issuer_id: str = "A") -> pd.Series:
    rows = company[(company["issuer_id"] == issuer_id) & (company["scope"] == scope)
                   & (company["time_frame"] == time_frame)]
    assert len(rows) == 1
    return rows.iloc[0]


def one_issuer(*rows: dict) -> pd.DataFrame:
    return rate(holdings(("H1", "A", 100.0)), records(record()), targets(*rows)).company


S3_LONG = target("S3", scope="S3", coverage_s1=np.nan, coverage_s3=0.5, reduction_ambition=0.3, base_year=2020,
                 end_year=2040)


@pytest.mark.parametrize("rows, scope, time_frame, temperature, default_share", [
    # ARR = 0.5 / 11; T = -0.3116... * ARR * 100 + 2.6172... = 1.2007...
    ([target()], "S1+S2", "mid", 1.2, 0.0),
    # coverage 0.8 < 0.95: a = 0.4; T = -0.3116... * 0.4 / 11 * 100 + 2.6172... = 1.4840...
    ([target(coverage_s1=0.8)], "S1+S2", "mid", 1.48, 0.0),
    # intensity power: INT.emCO2EI_elecGen; T = -0.4114... * 0.5 / 11 * 100 + 3.3704... = 1.5003...
    ([target(target_type="intensity", intensity_metric="power")], "S1+S2", "mid", 1.5, 0.0),
    # S1 (c 0.9, a 0.6) + S2 (c 1, a 0.4): W = 540 + 200 = 740, c = 740 / 800 = 0.925,
    # a = (0.6 * 540 + 0.4 * 200) / 740 = 0.5459..., then * 0.925; T = 1.1942...
    ([target("S1", scope="S1", coverage_s1=0.9, reduction_ambition=0.6),
      target("S2", scope="S2", coverage_s1=np.nan, coverage_s2=1.0, reduction_ambition=0.4)], "S1+S2", "mid",
     1.19, 0.0),
    # S3: a = 0.3 * 0.5 = 0.15, ARR = 0.15 / 20; Kyoto long: -0.4833... * 0.75 + 2.8413... = 2.4788...
    ([target(), S3_LONG], "S3", "long", 2.48, 0.0),
    # (1.2007... * 800 + 3.2 * 1200) / 2000 = 2.4003..., default (0 * 800 + 1 * 1200) / 2000
    ([target(), S3_LONG], "S1+S2+S3", "mid", 2.4, 0.6),
    # (3.2 * 800 + 2.4788... * 1200) / 2000 = 2.7673..., default (1 * 800 + 0 * 1200) / 2000
    ([target(), S3_LONG], "S1+S2+S3", "long", 2.77, 0.4),
])
def test_worked_examples(rows, scope, time_frame, temperature, default_share):
    found = box(one_issuer(*rows), scope, time_frame)
    assert found["temperature_c"] == temperature
    assert found["default_share"] == default_share


def test_first_example_in_full():
    company = one_issuer(target())
    row = box(company, "S1+S2", "mid")
    rate_ = 0.5 / 11
    assert row["annual_reduction_rate"] == rate_
    assert row["sr15_variable"] == "Emissions|CO2|Energy and Industrial Processes"
    assert row["target_id"] == "T" and row["target_type"] == "absolute" and not row["from_default"]
    assert row["ghg_s1s2_tco2e"] == 800.0 and row["ghg_s3_tco2e"] == 1200.0
    assert len(company) == 9
    defaults = company[(company["target_id"] == "") & (company["scope"] != "S1+S2+S3")]
    assert len(defaults) == 5 and (defaults["temperature_c"] == 3.2).all() and defaults["from_default"].all()
    assert (company.loc[company["scope"] == "S1+S2+S3", "target_id"] == "").all()


def test_rounding_is_half_to_even_on_t_times_100():
    # 2.685 * 100 is the double 268.5: rint gives 268 (half to even), round(2.685, 2) gives 2.69
    assert round_temperature(np.array([2.685, 2.675, 1.2007, 3.2]))[0] == 2.68
    assert round(2.685, 2) == 2.69
    assert list(round_temperature(np.array([2.675, 1.2007, 3.2]))) == [2.68, 1.2, 3.2]


def test_s1s2s3_from_unrounded_boxes_and_scope3_below_40_percent():
    # E3 / S = 400 / 1200 < 0.4: the S1+S2 box's T, unrounded 1.2007... -> 1.2, default 0
    lines = holdings(("H1", "A", 100.0))
    company = rate(lines, records(record(e3=400.0)), targets(target(), S3_LONG)).company
    assert box(company, "S1+S2+S3", "mid")[["temperature_c", "default_share"]].tolist() == [1.2, 0.0]


def test_s_zero_takes_the_s1s2_box():
    # Departs: E12 = E3 = 0; the tool divides 0 by 0, here the S1+S2 box counts
    company = rate(holdings(("H1", "A", 100.0)), records(record(e12=(0.0, 0.0), e3=0.0)), targets(target())).company
    assert box(company, "S1+S2+S3", "mid")[["temperature_c", "default_share"]].tolist() == [1.2, 0.0]


def test_unknown_emissions_give_the_default_to_the_whole_footprint():
    company = rate(holdings(("H1", "A", 100.0)), records(record(e3=np.nan)), targets(target())).company
    assert box(company, "S1+S2+S3", "mid")[["temperature_c", "default_share"]].tolist() == [3.2, 1.0]
    assert box(company, "S1+S2", "mid")["temperature_c"] == 1.2


def test_issuer_without_record_keeps_its_targets_with_empty_isic():
    # no record at D: isic empty -> Kyoto gases; T = -0.3123... * 0.5 / 11 * 100 + 2.6972... = 1.2776...
    lines = holdings(("H1", "A", 100.0))
    company = rate(lines, records(record(issuer_id="B")), targets(target())).company
    row = box(company, "S1+S2", "mid")
    assert row["sr15_variable"] == "Emissions|Kyoto Gases" and row["temperature_c"] == 1.28
    assert np.isnan(row["ghg_s1s2_tco2e"])
    assert box(company, "S1+S2+S3", "mid")["temperature_c"] == 3.2


@pytest.mark.parametrize("fields, reason", [
    ({"target_type": "intensity", "intensity_metric": "other"}, "target_intensity_metric"),
    ({"target_type": "intensity", "intensity_metric": ""}, "target_intensity_metric"),
    ({"achieved_reduction": 1.0}, "target_achieved"),
    ({"start_year": 2030}, "target_start_not_before_end"),
    ({"end_year": 2022}, "target_expired"),
    ({"scope": "S1", "base_year_ghg_s2": np.nan}, "target_base_emissions_missing"),
    ({"scope": "S1", "base_year_ghg_s1": 0.0, "base_year_ghg_s2": 0.0}, "target_base_emissions_zero"),
    ({"end_year": 2054}, "target_beyond_30_years"),
    ({"scope": "S1+S2+S3", "coverage_s2": 0.5, "base_year_ghg_s2": np.nan}, "target_not_splittable"),
])
def test_unused_targets_are_warned(fields, reason):
    rating = rate(holdings(("H1", "A", 100.0)), records(record()), targets(target("X", **fields)))
    assert rating.warnings[["issuer_id", "reason", "detail"]].values.tolist() == [["A", reason, "target_id=X"]]
    assert rating.warnings["holding_id"].tolist() == [""]
    assert (rating.company.loc[rating.company["scope"] == "S1+S2", "target_id"] == "").all()


def test_first_reason_applies_and_targets_of_unheld_issuers_are_silent():
    rows = [target("X", achieved_reduction=2.0, end_year=2020), target("Y", issuer_id="NOT-HELD", end_year=2020)]
    rating = rate(holdings(("H1", "A", 100.0)), records(record()), targets(*rows))
    assert rating.warnings[["reason", "detail"]].values.tolist() == [["target_achieved", "target_id=X"]]


def test_unpublished_targets_do_not_count():
    later = target(published_on=pd.Timestamp("2024-01-01"))
    assert box(one_issuer(later), "S1+S2", "mid")["temperature_c"] == 3.2


def test_one_target_per_box_highest_coverage_then_latest_end_then_absolute_then_ambition():
    rows = [target("low", coverage_s1=0.96, reduction_ambition=0.9), target("high", coverage_s1=1.0)]
    assert box(one_issuer(*rows), "S1+S2", "mid")["target_id"] == "high"
    rows = [target("early", end_year=2029), target("late", end_year=2030)]
    assert box(one_issuer(*rows), "S1+S2", "mid")["target_id"] == "late"
    rows = [target("int", target_type="intensity", intensity_metric="revenue"), target("abs")]
    assert box(one_issuer(*rows), "S1+S2", "mid")["target_id"] == "abs"
    rows = [target("weak", reduction_ambition=0.3), target("strong", reduction_ambition=0.4), target("tie", reduction_ambition=0.4)]
    assert box(one_issuer(*rows), "S1+S2", "mid")["target_id"] == "strong"


def test_s1_combines_with_the_best_matching_s2_and_s2_stays():
    rows = [target("S1", scope="S1", coverage_s1=0.9, reduction_ambition=0.6),
            target("S2a", scope="S2", coverage_s1=np.nan, coverage_s2=0.8, reduction_ambition=0.9),
            target("S2b", scope="S2", coverage_s1=np.nan, coverage_s2=1.0, reduction_ambition=0.4),
            target("S2c", scope="S2", coverage_s1=np.nan, coverage_s2=1.0, reduction_ambition=0.4, end_year=2031)]
    row = box(one_issuer(*rows), "S1+S2", "mid")
    assert row["target_id"] == "S1"  # c = 0.925 beats the converted S2 targets (c = 1 * 200 / 800 = 0.25)
    a = (0.6 * 0.9 * 600 + 0.4 * 1.0 * 200) / 740 * 0.925
    assert row["annual_reduction_rate"] == a / 11


def test_among_s2_targets_of_equal_coverage_the_highest_ambition_then_the_first_row_combines():
    rows = [target("S1", scope="S1", coverage_s1=0.9, reduction_ambition=0.6),
            target("S2a", scope="S2", coverage_s1=np.nan, coverage_s2=1.0, reduction_ambition=0.4),
            target("S2b", scope="S2", coverage_s1=np.nan, coverage_s2=1.0, reduction_ambition=0.7),
            target("S2c", scope="S2", coverage_s1=np.nan, coverage_s2=1.0, reduction_ambition=0.7)]
    row = box(one_issuer(*rows), "S1+S2", "mid")
    assert row["target_id"] == "S1"
    a = (0.6 * 0.9 * 600 + 0.7 * 1.0 * 200) / 740 * 0.925  # S2b (or S2c: the same figures, the earlier row)
    assert row["annual_reduction_rate"] == a / 11


def test_lone_s1_converts_with_its_share_of_base_emissions():
    # c = 0.9 * 600 / 800 = 0.675 -> a = 0.5 * 0.675
    row = box(one_issuer(target(scope="S1", coverage_s1=0.9)), "S1+S2", "mid")
    assert row["annual_reduction_rate"] == 0.5 * (0.9 * 600 / 800) / 11


def test_split_of_a_whole_footprint_target():
    whole = target(scope="S1+S2+S3", coverage_s1=1.0, coverage_s2=0.5, coverage_s3=0.9)
    company = one_issuer(whole)
    # S1+S2 part: c = (600 + 0.5 * 200) / 800 = 0.875 -> a = 0.4375; S3 part: c3 0.9 >= 0.67, a = 0.5
    assert box(company, "S1+S2", "mid")["annual_reduction_rate"] == 0.5 * ((1.0 * 600 + 0.5 * 200) / 800) / 11
    assert box(company, "S3", "mid")["annual_reduction_rate"] == 0.5 / 11
    assert box(company, "S3", "mid")["sr15_variable"] == "Emissions|Kyoto Gases"


# ---------------------------------------------------------------- portfolio scores

def portfolio_row(rating, method: str, scope: str = "S1+S2", time_frame: str = "mid",
                  perimeter: str = "listed_yield") -> pd.Series:
    table = rating.portfolio
    rows = table[(table["perimeter"] == perimeter) & (table["method"] == method) & (table["scope"] == scope)
                 & (table["time_frame"] == time_frame)]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.fixture
def two_issuers():
    """A (target, T 1.2) held through two lines 100 + 200, B (no target, 3.2) 100, without EVIC or scope 3."""
    lines = holdings(("H1", "A", 100.0), ("H2", "B", 100.0), ("H3", "A", 200.0))
    issuer_records = records(record(), record("B", e12=(150.0, 50.0), e3=np.nan, evic_eur=np.nan))
    return rate(lines, issuer_records, targets(target()))


def test_wats_counts_an_issuer_once_with_all_its_lines(two_issuers):
    row = portfolio_row(two_issuers, "WATS")
    assert row["temperature_c"] == (300 * 1.2 + 100 * 3.2) / 400
    assert row["default_share"] == 100 / 400
    assert row["issuers"] == 2 and row["coverage_ratio"] == 1.0


def test_tets_weights_each_scope_by_its_own_emissions(two_issuers):
    # S1+S2: e = 800 and 200 (B's missing scope 3 does not matter); S3: B left out
    assert portfolio_row(two_issuers, "TETS")["temperature_c"] == (800 * 1.2 + 200 * 3.2) / 1000
    s3 = portfolio_row(two_issuers, "TETS", scope="S3")
    assert s3["issuers"] == 1 and s3["coverage_ratio"] == 300 / 400 and s3["temperature_c"] == 3.2


def test_owned_emission_weightings_leave_out_issuers_lacking_a_company_value(two_issuers):
    ecots = portfolio_row(two_issuers, "ECOTS")  # B has no EVIC: only A, w = 300 / 1e6 * 800
    assert ecots["temperature_c"] == 1.2 and ecots["issuers"] == 1 and ecots["coverage_ratio"] == 0.75
    rots = portfolio_row(two_issuers, "ROTS")  # w_A = 300 / 2e6 * 800, w_B = 100 / 2e6 * 200
    w_a, w_b = 300 / 2e6 * 800, 100 / 2e6 * 200
    assert rots["temperature_c"] == (w_a * 1.2 + w_b * 3.2) / (w_a + w_b)
    assert rots["default_share"] == w_b / (w_a + w_b)


def test_empty_perimeters_have_their_rows_and_keys_sort_as_strings(two_issuers):
    table = two_issuers.portfolio
    assert list(table.columns) == PORTFOLIO_COLUMNS and len(table) == 216
    keys = table[["perimeter", "method", "scope", "time_frame"]].astype(str).values.tolist()
    assert keys == sorted(keys)
    assert keys[0] == ["listed_yield", "AOTS", "S1+S2", "long"] and keys[1][3] == "mid" and keys[2][3] == "short"
    assert keys[3][2] == "S1+S2+S3" and keys[6][2] == "S3"
    strategic = table[table["perimeter"] == "strategic"]
    assert (strategic["issuers"] == 0).all() and strategic["temperature_c"].isna().all()
    assert strategic["coverage_ratio"].isna().all()
    company = two_issuers.company
    order = company[["issuer_id", "scope", "time_frame"]].values.tolist()
    assert order == sorted(order) and [row[1] for row in order[:9:3]] == ["S1+S2", "S1+S2+S3", "S3"]


def test_fund_lines_are_replaced_by_their_children():
    lines = holdings(("F1", "", 1000.0), ("F1/0", "A", 100.0), ("F1/1", "B", 300.0))
    lines.loc[0, "asset_class"] = "fund"
    rating = rate(lines, records(record(), record("B")), targets(target()))
    row = portfolio_row(rating, "WATS")
    assert row["issuers"] == 2 and row["temperature_c"] == (100 * 1.2 + 300 * 3.2) / 400


def test_issuer_contributions_sum_to_zero_and_rank_the_hot_issuer_first(two_issuers):
    pulls = two_issuers.contributions
    mid = pulls[(pulls["scope"] == "S1+S2") & (pulls["time_frame"] == "mid")].set_index("issuer_id")
    portfolio = (300 * 1.2 + 100 * 3.2) / 400
    assert mid.loc["B", "contribution_c"] == 0.25 * (3.2 - portfolio)
    assert abs(mid["contribution_c"].sum()) < 1e-15


@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.integers(min_value=1, max_value=10**9), min_size=2, max_size=6),
       issuers=st.lists(st.sampled_from("ABC"), min_size=6, max_size=6),
       split=st.integers(min_value=0, max_value=5), part=st.floats(min_value=0.0, max_value=1.0))
def test_splitting_a_holding_leaves_every_portfolio_figure_unchanged(values, issuers, split, part):
    """The tool counts an issuer held through two lines twice; here an issuer is one row, whatever its lines."""
    lines = [(f"H{n}", issuers[n], float(value)) for n, value in enumerate(values)]
    n = split % len(lines)
    holding_id, issuer_id, value = lines[n]
    first = float(int(value * part))  # whole euros: both sums are exact
    halves = [(holding_id + "a", issuer_id, first), (holding_id + "b", issuer_id, value - first)]
    issuer_records = records(record(), record("B", e3=np.nan, evic_eur=np.nan), record("C", isic="C2394"))
    goals = targets(target(), target(issuer_id="C"), S3_LONG)
    before = rate(holdings(*lines), issuer_records, goals).portfolio
    after = rate(holdings(*(lines[:n] + halves + lines[n + 1:])), issuer_records, goals).portfolio
    pd.testing.assert_frame_equal(before, after, check_exact=True)


# ---------------------------------------------------------------- through the command line

TARGETS_HEADER = ["issuer_id", "target_id", "target_type", "scope", "coverage_s1", "reduction_ambition",
                  "base_year", "end_year", "base_year_ghg_s1", "base_year_ghg_s2"]


@pytest.fixture
def targeted_book(tables, tmp_path):
    holdings_file = tables.write_csv(tmp_path / "holdings.csv", [tables.holdings_header, tables.holding("H1"),
                                                                 tables.holding("H2", issuer_id="I2")])
    issuers_file = tables.write_csv(tmp_path / "issuers.csv", [tables.issuers_header, tables.issuer("I1"),
                                                               tables.issuer("I2")])
    targets_file = tables.write_csv(tmp_path / "targets.csv", [
        TARGETS_HEADER, ["I1", "T1", "absolute", "S1+S2", "1", "0.5", "2019", "2030", "600", "200"],
        ["I1", "T2", "absolute", "S1+S2", "1", "0.5", "2010", "2020", "600", "200"]])
    return holdings_file, issuers_file, targets_file


def test_analyze_with_targets_writes_both_files_and_verifies(targeted_book, tmp_path, run_cli):
    holdings_file, issuers_file, targets_file = targeted_book
    out = tmp_path / "run"
    result = run_cli(["analyze", "--holdings", holdings_file, "--issuers", issuers_file, "--targets", targets_file,
                      "--out", out, "--quiet", "--no-report"])
    assert result.code == 0, result.stderr
    company = pd.read_csv(out / "temperature.csv", keep_default_na=False, dtype={"from_default": str})
    assert len(company) == 18
    mid = company[(company["issuer_id"] == "I1") & (company["scope"] == "S1+S2") & (company["time_frame"] == "mid")]
    # isic empty: Kyoto gases mid, 1.2776...
    assert mid["temperature_c"].tolist() == [1.28] and mid["from_default"].tolist() == ["false"]
    assert len(pd.read_csv(out / "temperature_portfolio.csv")) == 216
    warnings = pd.read_csv(out / "warnings.csv", keep_default_na=False)
    targeted = warnings[warnings["reason"].str.startswith("target_")]
    assert targeted[["as_of", "holding_id", "issuer_id", "reason", "detail"]].values.tolist() == [
        ["2023-12-31", "", "I1", "target_expired", "target_id=T2"]]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["temperature"]["methodology"] == "CDP-WWF Temperature Rating v1 (SBTi finance tool 1.3.1 rules)"
    assert len(manifest["temperature"]["regression_table_sha256"]) == 64
    assert [entry["role"] for entry in manifest["inputs"]] == ["holdings", "issuers", "targets"]
    assert run_cli(["verify", out]).code == 0


def test_without_targets_no_temperature_file(targeted_book, tmp_path, run_cli):
    holdings_file, issuers_file, _ = targeted_book
    out = tmp_path / "run"
    assert run_cli(["analyze", "--holdings", holdings_file, "--issuers", issuers_file, "--out", out, "--quiet",
                    "--no-report"]).code == 0
    assert not (out / "temperature.csv").exists() and "temperature" not in json.loads((out / "manifest.json").read_text())


def test_targets_without_holdings_is_a_usage_error(targeted_book, tmp_path, run_cli):
    result = run_cli(["analyze", "--targets", targeted_book[2], "--out", tmp_path / "run"])
    assert result.code == 2 and "--targets needs --holdings and --issuers" in result.stderr
    assert not (tmp_path / "run").exists()


def test_a_snapshot_without_eligible_line_still_has_its_216_rows():
    lines = holdings(("H1", "A", 100.0))
    lines["asset_class"] = "cash"
    rating = rate(lines, records(record()), targets(target()))
    assert rating.company.empty and rating.warnings.empty and rating.contributions.empty
    assert len(rating.portfolio) == 216 and rating.portfolio["temperature_c"].isna().all()
    assert (rating.portfolio["issuers"] == 0).all()

"""Spreadsheet (CSV formula) injection: free text that starts like a formula is neutralised in the CSV outputs.

Names, sources and sectors come from the user's files; a spreadsheet would run
`=HYPERLINK(...)` as a formula. In every CSV output such cells start with a
single quote (OWASP); identifiers and numbers are written as they are, because
an identifier that starts like a formula is an input error (contract v2).
"""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from reports.text_safety import neutralise

FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd", "-2+3", "@SUM(1)"]  # tab and CR: trimmed by the readers


def read_rows(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def injected_run(tables, tmp_path, run_cli):
    """A run whose holding names and issuer sources and sectors start like formulas."""
    header = tables.holdings_header + ["name"]
    rows = [tables.holding(f"H{n}", issuer_id=f"I{n}", market_value_eur="1000") + [formula]
            for n, formula in enumerate(FORMULAS)]
    rows.append(tables.holding("H-cash", issuer_id="", asset_class="cash", market_value_eur="-5") + ["-cash"])
    rows.append(tables.holding("H-noissuer", issuer_id="NOPE") + ["plain name"])
    holdings = tables.write_csv(tmp_path / "holdings.csv", [header, *rows])
    issuers = tables.write_csv(tmp_path / "issuers.csv",
                               [tables.issuers_header + ["source", "sector"],
                                *(tables.issuer(f"I{n}") + ["=vendor()", "+C20"] for n in range(len(FORMULAS)))])
    out = tmp_path / "run"
    result = run_cli(["analyze", "--holdings", holdings, "--issuers", issuers, "--out", out, "--quiet"])
    assert result.code == 0, result.stderr
    return out


def test_names_are_neutralised_and_ids_kept(injected_run):
    rows = {row["holding_id"]: row for row in read_rows(injected_run / "contributions.csv")}

    for n, formula in enumerate(FORMULAS):
        row = rows[f"H{n}"]
        assert row["name"] == "'" + formula
        assert row["issuer_id"] == f"I{n}"
        assert row["source"] == "'=vendor()"
        assert row["sector"] == "'+C20"
    assert rows["H-cash"]["name"] == "'-cash"
    assert rows["H-cash"]["market_value_eur"] == "-5"
    assert rows["H-noissuer"]["name"] == "plain name"


def test_no_csv_output_has_a_free_text_cell_starting_like_a_formula(injected_run):
    identifiers = {"holding_id", "issuer_id", "fund_id", "parent_holding_id", "holdings_file", "driver"}
    for path in injected_run.glob("*.csv"):
        for row in read_rows(path):
            for column, value in row.items():
                if column in identifiers or not value or value[0] not in "=+-@\t\r":
                    continue
                float(value)  # only numbers may start with '-' (or '+')


def test_warnings_keep_ids_and_generated_details(injected_run):
    warnings = read_rows(injected_run / "warnings.csv")

    unrecorded = [row for row in warnings if row["holding_id"] == "H-noissuer"]
    assert unrecorded and unrecorded[0]["issuer_id"] == "NOPE"
    assert all(not row["detail"].startswith(tuple("=+-@\t\r")) for row in warnings)


def test_drift_reason_is_generated_text(injected_run):
    for row in read_rows(injected_run / "drift.csv"):
        assert row["reason"].startswith(row["metric"])


def test_verify_passes_on_a_neutralised_run(injected_run, run_cli):
    result = run_cli(["verify", injected_run])

    assert result.code == 0, result.stderr


def test_neutralise_leaves_other_columns_and_frames_alone():
    frame = pd.DataFrame({"name": ["=1", None, "ok", "\tx", "\rx", " =x"], "holding_id": ["=1", "-2", "@3", "", "", ""],
                          "value": [-1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})

    result = neutralise(frame)

    assert result["name"].tolist()[2:] == ["ok", "'\tx", "'\rx", " =x"] and pd.isna(result["name"].iloc[1])
    assert result["name"].iloc[0] == "'=1"
    assert result["holding_id"].tolist() == ["=1", "-2", "@3", "", "", ""]
    assert result["value"].tolist() == [-1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert frame["name"].iloc[0] == "=1"  # the caller's frame is not changed
    safe = pd.DataFrame({"name": ["a", "b"]})
    assert neutralise(safe) is safe


@pytest.mark.parametrize("identifier", ['=HYPERLINK("http://x","y")', "+cmd", "@SUM(2)", "-x", "-", "\t=1"])
@pytest.mark.parametrize("table, column", [("holdings", "holding_id"), ("holdings", "issuer_id"),
                                           ("holdings", "fund_id"), ("issuers", "issuer_id"),
                                           ("funds", "fund_id"), ("sovereigns", "country")])
def test_an_identifier_starting_like_a_formula_is_an_input_error(tmp_path, table, column, identifier):
    from esg_scores.records import read_issuers
    from esg_scores.sovereigns import read_sovereigns
    from holdings import InputError, read_holdings
    from holdings.funds import read_funds

    rows = {"holdings": {"as_of": "2023-12-31", "holding_id": "H1", "issuer_id": "I1", "bucket": "yield",
                         "asset_class": "fund", "listed": "true", "market_value_eur": "1", "fund_id": "F1"},
            "issuers": {"issuer_id": "I1", "year": "2022"},
            "funds": {"fund_id": "F1", "as_of": "2023-12-31", "issuer_id": "I1", "asset_class": "loan",
                      "weight": "1"},
            "sovereigns": {"country": "FR", "year": "2022", "emissions_tco2e": "1", "gdp_ppp_eur": "1",
                           "gdp_eur": "1"}}[table]
    rows[column] = identifier
    path = tmp_path / f"{table}.csv"
    pd.DataFrame([rows]).to_csv(path, index=False)
    read = {"holdings": lambda: read_holdings([path], {}, {}), "issuers": lambda: read_issuers(path, {}, {}),
            "funds": lambda: read_funds(path, {}, {}), "sovereigns": lambda: read_sovereigns(path, {}, {})}[table]
    with pytest.raises(InputError) as caught:
        read()
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, column)]
    assert caught.value.problems[0].expected.startswith("an identifier not starting with =, +, @")


def test_an_identifier_may_start_with_minus_and_a_digit(tmp_path):
    from holdings import read_holdings

    path = tmp_path / "holdings.csv"
    path.write_text("as_of,holding_id,issuer_id,bucket,asset_class,listed,market_value_eur\n"
                    "2023-12-31,-12,-3,yield,cash,true,-1\n")
    holdings, _ = read_holdings([path], {}, {})
    assert holdings["holding_id"].tolist() == ["-12"]

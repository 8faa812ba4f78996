"""Spreadsheet (CSV formula) injection: free text that starts like a formula is neutralised in the CSV outputs.

Names, sources and sectors come from the user's files; a spreadsheet would run
`=HYPERLINK(...)` as a formula. In every CSV output such cells start with a
single quote (OWASP); identifiers and numbers are written as they are.
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
    """A run whose holding names, issuer ids (one per line) and issuer sources start like formulas."""
    header = tables.holdings_header + ["name"]
    rows = [tables.holding(f"=H{n}", issuer_id=f"=I{n}", market_value_eur="1000") + [formula]
            for n, formula in enumerate(FORMULAS)]
    rows.append(tables.holding("H-cash", issuer_id="", asset_class="cash", market_value_eur="-5") + ["-cash"])
    rows.append(tables.holding("H-noissuer", issuer_id="=NOPE") + ["plain name"])
    holdings = tables.write_csv(tmp_path / "holdings.csv", [header, *rows])
    issuers = tables.write_csv(tmp_path / "issuers.csv",
                               [tables.issuers_header + ["source", "sector"],
                                *(tables.issuer(f"=I{n}") + ["=vendor()", "+C20"] for n in range(len(FORMULAS)))])
    out = tmp_path / "run"
    result = run_cli(["analyze", "--holdings", holdings, "--issuers", issuers, "--out", out, "--quiet"])
    assert result.code == 0, result.stderr
    return out


def test_names_are_neutralised_and_ids_kept(injected_run):
    rows = {row["holding_id"]: row for row in read_rows(injected_run / "contributions.csv")}

    for n, formula in enumerate(FORMULAS):
        row = rows[f"=H{n}"]
        assert row["name"] == "'" + formula
        assert row["issuer_id"] == f"=I{n}"
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
    assert unrecorded and unrecorded[0]["issuer_id"] == "=NOPE"
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

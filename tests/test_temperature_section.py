"""The report's temperature section (`reports/temperature_section.py`) and the workbook's temperature sheets."""

from __future__ import annotations

import openpyxl
import pytest

import portfolio
from reports.html import render_html
from reports.workbook import write_workbook

TARGETS = [["issuer_id", "target_id", "target_type", "scope", "coverage_s1", "reduction_ambition", "base_year",
            "end_year", "base_year_ghg_s1", "base_year_ghg_s2"],
           ["I1", "T1", "absolute", "S1+S2", "1", "0.5", "2019", "2030", "600", "200"]]


@pytest.fixture
def book(tables, tmp_path):
    holdings = tables.write_csv(tmp_path / "holdings.csv", [
        tables.holdings_header, tables.holding("H1", market_value_eur="3000"),
        tables.holding("H2", issuer_id="I2"), tables.holding("H0", as_of="2022-12-31")])
    issuers = tables.write_csv(tmp_path / "issuers.csv", [tables.issuers_header, tables.issuer("I1"),
                                                          tables.issuer("I2")])
    return holdings, issuers, tables.write_csv(tmp_path / "targets.csv", TARGETS)


@pytest.mark.parametrize("lang, words", [
    ("fr", ["9.</span> Température implicite du portefeuille", "moyen terme (5 à 15 ans)", "2,98 °C",
            "10.</span> Méthodologie"]),
    ("en", ["9.</span> Implied temperature of the portfolio", "mid term (5 to 15 years)", "2.98 °C"]),
])
def test_section_shows_the_chosen_weighting(book, lang, words):
    result = portfolio.analyze(book[0], book[1], targets=book[2])
    page = render_html(result, lang)
    for word in words:
        assert word in page
    assert 'id="chart-temperature"' in page
    # WATS, S1+S2 mid: I1 (3000) at 1.28 (Kyoto gases, no ISIC), I2 (1000, no target) at 3.2:
    # (3000 * 1.28 + 1000 * 3.2) / 4000 = 1.76; S1+S2+S3 mid: I1 (1.2776... * 150 + 3.2 * 850) / 1000 -> 2.91,
    # (3000 * 2.91 + 1000 * 3.2) / 4000 = 2.9825 -> "2,98 °C" (the words above)
    assert ("1,76 °C" if lang == "fr" else "1.76 °C") in page


def test_setting_chooses_the_weighting_shown(book):
    result = portfolio.analyze(book[0], book[1], {"temperature": {"method": "TETS"}}, targets=book[2])
    assert "pondération TETS" in render_html(result, "fr")


def test_no_section_without_targets_and_methodology_stays_9(book):
    page = render_html(portfolio.analyze(book[0], book[1]), "fr")
    assert 'id="temperature"' not in page and "9.</span> Méthodologie" in page


def test_workbook_has_the_company_scores_sheet(book, tmp_path):
    result = portfolio.analyze(book[0], book[1], targets=book[2])
    write_workbook(result, tmp_path / "report.xlsx")
    sheets = openpyxl.load_workbook(tmp_path / "report.xlsx", read_only=True).sheetnames
    assert "temperature" in sheets and "temperature_portfolio" in sheets


@pytest.mark.parametrize("lang, note", [
    ("fr", "Dernier instantané seulement (2023-12-31) : 18 lignes sur 27 ; temperature.csv contient tous les "
           "instantanés."),
    ("en", "Latest snapshot only (2023-12-31): 18 of 27 rows; temperature.csv has every snapshot.")])
def test_company_scores_sheet_shows_the_latest_snapshot_under_a_note(book, tmp_path, lang, note):
    # H1 (I1) and H2 (I2) at 2023-12-31, H0 (I1) at 2022-12-31: 3 issuer-dates x 9 scores, 2 of them at the latest
    result = portfolio.analyze(book[0], book[1], targets=book[2])
    assert len(result.temperature) == 27
    write_workbook(result, tmp_path / "report.xlsx", lang)
    workbook = openpyxl.load_workbook(tmp_path / "report.xlsx", read_only=True)
    rows = list(workbook["temperature"].values)
    assert rows[0][0] == note and rows[1][:2] == ("as_of", "issuer_id")
    assert {(row[0].date().isoformat(), row[1]) for row in rows[2:]} == {("2023-12-31", "I1"), ("2023-12-31", "I2")}
    assert len(rows) == 2 + 18
    portfolio_rows = list(workbook["temperature_portfolio"].values)
    assert len(portfolio_rows) == 1 + len(result.temperature_portfolio)  # every snapshot, no note

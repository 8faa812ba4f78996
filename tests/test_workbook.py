"""`report.xlsx`: the tables read back as the CSV values, no formula, layout, widths, the row cut, identical bytes.

The book is the hand-computed one of test_metrics.py held at the four
quarter-ends of 2023 (so that pai.csv has a year), with frozen baselines (so
that trajectory.csv has rows) and hostile names on some lines.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import numpy as np
import openpyxl
from openpyxl.utils import get_column_letter
import pandas as pd
import pytest

import portfolio
from portfolio.audit.rundir import output_chunks
import xlsxwriter.workbook
from xlsxwriter.workbook import Workbook

from reports.cards import path_badge
from reports.selections import path_position
from reports.workbook import ZIP_LEVEL, write_rows, write_workbook
from reports.workbook_cells import ExactSheet, Styles, number_format
from test_metrics import holdings_frame, issuers_frame

QUARTER_ENDS = ["2023-03-31", "2023-06-30", "2023-09-30", "2023-12-31"]
HOSTILE = {"H1": '=HYPERLINK("http://x","y")', "H2": "+cmd", "H3": "@SUM(1)", "H4": "-1+2", "H5": "#N/A",
           "H6": "=1+1"}
SETTINGS = {"trajectory": {"baseline_footprint": 10.0, "baseline_financed_emissions": 40.0}}
FORMULA = re.compile(rb"<f[ >/]")


@pytest.fixture(scope="module")
def result() -> portfolio.Result:
    book = holdings_frame()
    book["name"] = book["holding_id"].map(HOSTILE).fillna(book["name"])
    holdings = pd.concat([book.assign(as_of=day) for day in QUARTER_ENDS], ignore_index=True)
    # published before the first quarter-end, so that every quarter of 2023 is covered and pai.csv has the year
    return portfolio.analyze(holdings, issuers_frame().assign(published_on="2023-01-15"), settings=SETTINGS)


@pytest.fixture(scope="module")
def workbook(result: portfolio.Result, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("workbook") / "report.xlsx"
    write_workbook(result, path)
    return path


def _as_read(column: pd.Series) -> list[object]:
    """A column as comparable Python values: empty text and missing values both None (as in the CSV)."""
    return [None if pd.isna(value) or value == "" else value for value in column.astype(object).tolist()]


def assert_same_table(sheet: pd.DataFrame, frame: pd.DataFrame) -> None:
    """Same columns and rows in the same order; numbers equal to the last digit, NaN where empty."""
    assert list(sheet.columns) == list(frame.columns)
    assert len(sheet) == len(frame)
    for column in frame.columns:
        expected, got = frame[column], sheet[column]
        if pd.api.types.is_numeric_dtype(expected.dtype) and not pd.api.types.is_bool_dtype(expected.dtype):
            want, have = expected.to_numpy(dtype="float64", na_value=np.nan), got.to_numpy(dtype="float64")
            assert ((want == have) | (np.isnan(want) & np.isnan(have))).all(), column
        elif pd.api.types.is_datetime64_any_dtype(expected.dtype):
            assert (expected.isna().to_numpy() == got.isna().to_numpy()).all(), column
            assert (expected.dropna().to_numpy() == got.dropna().to_numpy()).all(), column
        else:
            assert _as_read(got) == _as_read(expected), column


@pytest.mark.parametrize("name", ["metrics.csv", "pai.csv", "trajectory.csv", "contributions.csv", "warnings.csv",
                                  "attribution.csv", "attribution_issuers.csv", "drift.csv", "projection.csv"])
def test_each_table_reads_back_as_its_csv(result: portfolio.Result, workbook: Path, name: str) -> None:
    frame = pd.concat(list(output_chunks(result)[name]), ignore_index=True)
    sheet = pd.read_excel(workbook, sheet_name=name.removesuffix(".csv"), keep_default_na=False, na_values=[""])
    assert_same_table(sheet, frame)


def test_sheets_are_the_cover_then_every_output_table(result: portfolio.Result, workbook: Path) -> None:
    names = openpyxl.load_workbook(workbook, read_only=True).sheetnames
    assert names[0] == "Synthèse"
    assert sorted(names[1:]) == sorted(name.removesuffix(".csv") for name in output_chunks(result))
    assert len(result.trajectory) and len(result.pai), "the fixture must exercise trajectory and pai"


def test_no_formula_anywhere_and_hostile_names_stay_text(result: portfolio.Result, workbook: Path) -> None:
    with zipfile.ZipFile(workbook) as archive:
        parts = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert parts and not [name for name in parts if FORMULA.search(archive.read(name))]
    sheet = openpyxl.load_workbook(workbook, read_only=True)["contributions"]
    rows = list(sheet.iter_rows(min_row=2))
    column = [cell.value for cell in next(sheet.iter_rows(max_row=1))].index("name")
    names = {row[column].value for row in rows}
    assert set(HOSTILE.values()) <= names
    assert {row[column].data_type for row in rows} == {"s"}


def _one_column_workbook(path: Path, series: pd.Series) -> Path:
    """A workbook of one column written by the table sheets' cell builder."""
    book = Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("x", worksheet_class=ExactSheet)
    write_rows(sheet, series.to_frame(), {series.name: number_format(str(series.name))}, Styles(book), 0)
    book.close()
    return path


def test_exact_doubles_survive(tmp_path: Path) -> None:
    awkward = pd.Series([0.1 + 0.2, 1 / 3, 5e-324, 1.7976931348623157e308, -2.5e-7, 1e16 + 2, 123456789.12345679],
                        name="value_eur")
    path = _one_column_workbook(tmp_path / "x.xlsx", awkward)
    assert pd.read_excel(path, header=None)[0].tolist() == awkward.tolist()  # xlsxwriter alone keeps 16 digits


def test_control_characters_use_excels_escape(tmp_path: Path) -> None:
    path = _one_column_workbook(tmp_path / "x.xlsx", pd.Series(["bell\x07 _x0041_ end"], name="name"))
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    # BEL (0x07) cannot appear in XML: Excel reads `_x0007_` as it; a literal `_x0041_` is protected by `_x005F_`.
    assert b"bell_x0007_ _x005F_x0041_ end" in xml


def test_metrics_sheet_layout(result: portfolio.Result, workbook: Path) -> None:
    sheet = openpyxl.load_workbook(workbook)["metrics"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:D{len(result.metrics) + 1}"
    assert sheet["A1"].font.bold and sheet.column_dimensions["C"].width >= len("financed_emissions_scope1_tco2e")
    formats = {(row[2].value, row[0].number_format, row[3].number_format) for row in sheet.iter_rows(min_row=2)}
    assert ("coverage_ratio", "yyyy-mm-dd", "0.0%") in formats
    assert ("value_eur", "yyyy-mm-dd", '#,##0 "EUR"') in formats
    assert ("financed_emissions_tco2e", "yyyy-mm-dd", '#,##0.00 "tCO2e"') in formats
    assert ("carbon_footprint_tco2e_per_meur", "yyyy-mm-dd", '#,##0.00 "tCO2e/MEUR"') in formats
    assert isinstance(sheet["A2"].value, dt.datetime)


def test_long_sheets_keep_their_largest_rows_under_a_note(result: portfolio.Result, tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    write_workbook(result, path, max_rows=7)  # a note, the header and 7 - 2 = 5 rows
    contributions = openpyxl.load_workbook(path)["contributions"]
    assert contributions["A1"].value.startswith(f"Feuille limitée à 5 lignes sur {len(result.contributions)}")
    assert contributions["A2"].value == "as_of" and contributions.freeze_panes == "A3"
    assert contributions.auto_filter.ref.startswith("A2:")
    sheet = pd.read_excel(path, sheet_name="contributions", header=1, keep_default_na=False, na_values=[""])
    # Largest financed emissions: H7 (3 M / 100 M EVIC * 1 000 t = 30 t) at the four quarter-ends, then H1
    # (2 M / 100 M * 1 000 t = 20 t), whose ties keep the first in file order; shown in file order.
    assert list(zip(sheet["as_of"].dt.strftime("%m-%d"), sheet["holding_id"])) == [
        ("03-31", "H1"), ("03-31", "H7"), ("06-30", "H7"), ("09-30", "H7"), ("12-31", "H7")]
    kept = result.contributions.sort_values("financed_emissions_tco2e", ascending=False, kind="stable").head(5)
    assert_same_table(sheet, kept.sort_index())
    warnings = pd.read_excel(path, sheet_name="warnings", header=1, keep_default_na=False, na_values=[""])
    assert_same_table(warnings, result.warnings.head(5))


def test_two_writes_are_byte_identical(result: portfolio.Result, workbook: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.xlsx"
    write_workbook(result, again)
    assert again.read_bytes() == workbook.read_bytes()
    with zipfile.ZipFile(again) as archive:
        assert len({info.date_time for info in archive.infolist()}) == 1  # one fixed stamp, not the clock
    properties = openpyxl.load_workbook(again, read_only=True).properties
    assert properties.creator == "portfolio"
    assert properties.created == dt.datetime(2023, 12, 31)


def test_entries_are_deflated_at_zip_level_and_xlsxwriter_is_left_as_found(workbook: Path) -> None:
    with zipfile.ZipFile(workbook) as archive:
        for info in archive.infolist():
            deflater = zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15)
            assert info.compress_size == len(deflater.compress(archive.read(info)) + deflater.flush()), info.filename
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile


def test_processes_with_other_string_hashes_write_the_same_bytes(tmp_path: Path) -> None:
    # the number formats of a column were once registered in a set's order, which changes with PYTHONHASHSEED
    script = ("import sys, portfolio\nfrom reports.workbook import write_workbook\n"
              "write_workbook(portfolio.analyze(), sys.argv[1])")
    for seed in ("1", "2"):
        subprocess.run([sys.executable, "-c", script, str(tmp_path / f"{seed}.xlsx")], check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
    assert (tmp_path / "1.xlsx").read_bytes() == (tmp_path / "2.xlsx").read_bytes()


def _cover(path: Path) -> dict[str, list[object]]:
    """Cover rows keyed by their first cell."""
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    return {row[0]: list(row[1:]) for row in sheet.iter_rows(values_only=True) if row and row[0] is not None}


def test_cover_in_french_restates_the_cards(result: portfolio.Result, workbook: Path) -> None:
    # the HTML cards: footprint and financed emissions of listed yield assets, health share of strategic
    # holdings, territorial share of yield assets, coverage of eligible listed yield assets and its PCAF score
    cover = _cover(workbook)
    footprint = cover["Empreinte carbone"]
    latest = result.trajectory.iloc[-2]  # 2023-12-31, carbon_footprint_tco2e_per_meur (rows sorted by metric)
    badge = path_badge(path_position(result, "carbon_footprint_tco2e_per_meur"), "fr")  # the card's badge
    assert footprint[:6] == ["Actifs de rendement cotés",
                             result.latest("listed_yield", "carbon_footprint_tco2e_per_meur"), "tCO₂e/M€ investi",
                             latest["path"], latest["drift"], badge]
    assert cover["Part santé"][:4] == ["Participations stratégiques", result.latest("strategic", "health_share"), None,
                                       0.8]
    assert cover["Couverture des données carbone"][:2] == [
        "Actifs de rendement cotés", result.latest("listed_yield", "coverage_eligible_ratio")]
    assert cover["Score PCAF moyen (1 = meilleur, 5 = estimé)"][1] == result.latest("listed_yield",
                                                                                   "data_quality_score")
    assert cover["trajectory.baseline_footprint"][0] == 10.0
    assert cover["Version de la méthodologie"][0] == portfolio.METHODOLOGY_VERSION
    assert cover["Situation au"][0] == dt.datetime(2023, 12, 31)


def test_cover_in_english_and_unknown_language(result: portfolio.Result, tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    write_workbook(result, path, lang="en")
    cover = _cover(path)
    assert openpyxl.load_workbook(path, read_only=True).sheetnames[0] == "Summary"
    assert cover["Average PCAF score (1 = best, 5 = estimated)"][1] == result.latest("listed_yield",
                                                                                    "data_quality_score")
    assert cover["Carbon footprint"][0] == "Listed yield assets"
    with pytest.raises(ValueError, match="fr, en"):
        write_workbook(result, tmp_path / "de.xlsx", lang="de")
    with pytest.raises(ValueError, match="max_rows"):
        write_workbook(result, tmp_path / "tiny.xlsx", max_rows=2)


# Excel's display of the number formats the workbook uses, written out here independently of the writer
FIXED_FORMAT = re.compile(r'^(#,##)?0(\.0+)?(%)?(?: "(.*)")?$')


def shown(value: object, fmt: str) -> str:
    """What Excel shows in a cell holding `value` with the number format `fmt`."""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if fmt == "yyyy-mm-dd" else str(value)
    if isinstance(value, str):
        return value
    match = FIXED_FORMAT.match(fmt)
    if match is None:  # General
        return f"{value:.10G}"
    grouped, decimals, percent, unit = match.groups()
    text = f"{value * (100 if percent else 1):{',' if grouped else ''}.{len(decimals or '.') - 1}f}"
    return text + ("%" if percent else "") + (f" {unit}" if unit else "")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_cell_overflows_its_column(lang: str, tmp_path: Path) -> None:
    # the sample book: long names, millions of euros, per-row units in metrics and trajectory
    path = tmp_path / "report.xlsx"
    write_workbook(portfolio.analyze(), path, lang=lang)
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        widths = {get_column_letter(index): dimension.width for dimension in sheet.column_dimensions.values()
                  for index in range(dimension.min, dimension.max + 1)}  # a <col> element may span columns
        for row in sheet.iter_rows():
            filled = [cell for cell in row if cell.value is not None]
            for cell in filled:
                if isinstance(cell.value, str) and len(filled) == 1:
                    continue  # a title alone in its row runs over the empty cells beside it, as intended
                text = shown(cell.value, cell.number_format)
                width = widths.get(cell.column_letter, 8.43)
                assert len(text) + 1 <= width, (sheet.title, cell.coordinate, text, width)

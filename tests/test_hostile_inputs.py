"""Hostile input files: each class of fault the readers once missed or crashed on ends in exit 2 at the right row.

Stray quotes, UTF-16, control characters in names, damaged workbooks, text
that is not UTF-8 in Parquet, and dates outside the calendar the figures use.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from holdings import InputError, read_holdings
from holdings.problems import Problem
from holdings.csv_quotes import check_quotes

HEADER = "as_of,holding_id,issuer_id,bucket,asset_class,listed,market_value_eur,name\n"
ROW = "2023-12-31,{},I1,yield,listed_equity,true,{},{}\n"


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_holdings([path], {}, {})
    return caught.value.lines()


def test_a_stray_quote_no_longer_swallows_holdings(tmp_path: Path) -> None:
    # a name opening a quote on row 2 and a quote inside a later name made three holdings one, 1 M EUR
    path = tmp_path / "h.csv"
    path.write_text(HEADER + ROW.format("H1", 1_000_000, '"Alpha') + ROW.format("H2", 2_000_000, "Beta")
                    + ROW.format("H3", 3_000_000, 'Gam"ma'))
    (line,) = problems(path)
    assert line.startswith("h.csv: row 2: got ") and "expected a closing quote followed by the delimiter" in line


def test_a_quote_that_never_closes_is_reported_where_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(HEADER + ROW.format("H1", 1, '"a, ""b"""') + "\n" + ROW.format("H2", 1, '"multi\nline"')
                    + ROW.format("H3", 1, '"never'))
    assert problems(path) == ["h.csv: row 4: got a quote that never closes; expected a closing quote for each "
                              "opening one"]


@pytest.mark.parametrize("text, row", [
    ('a,b\n1,12" x\n', None),                   # a quote inside an unquoted field is a character
    ('a,b\n"1\n2",x\n"y"z,1\n', 3),             # the quoted newline is one record
    ('a,b\n1,"x" \n', 2),                       # even a space after the closing quote
    ('a,b\n1,"x"\r\n2,"y"', None),
])
def test_quote_rule(text: str, row: int | None) -> None:
    if row is None:
        check_quotes(text, ",", "f.csv")
        return
    with pytest.raises(InputError) as caught:
        check_quotes(text, ",", "f.csv")
    assert caught.value.problems[0].row == row


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_is_refused_at_row_1(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "h.csv"
    path.write_bytes((HEADER + ROW.format("H1", 1, "x")).encode(encoding))
    (line,) = problems(path)
    assert line.startswith("h.csv: row 1: got text in UTF-16 or UTF-32")


def test_control_characters_in_names_and_values_are_escaped(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(HEADER.replace("name", "na\x1eme,x\x00y") + ROW.format("H1", "1\x01", "a,b"))
    assert problems(path) == ["h.csv: row 2, column market_value_eur: got '1\\x01'; expected a number"]
    assert str(Problem("f\x00.csv", 1, "na\x1eme", "'x'", "y")) == \
        "f\\x00.csv: row 1, column na\\x1eme: got 'x'; expected y"


def _workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(HEADER.strip().split(","))
    book.active.append(["2023-12-31", "H1", "I1", "yield", "listed_equity", True, 1000, "x"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewrite(data: bytes, change) -> bytes:
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as archive:
        for info in source.infolist():
            archive.writestr(info, change(info.filename, source.read(info.filename)))
    return target.getvalue()


def _bad_crc(data: bytes) -> bytes:
    """The workbook with one byte of the sheet's compressed data changed (its CRC no longer matches)."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")
    damaged = bytearray(data)
    damaged[info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size - 3] ^= 0x01
    return bytes(damaged)


@pytest.mark.parametrize("damage", [
    lambda data: data[: len(data) // 2],
    lambda data: _rewrite(data, lambda name, body: re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", body)
                          if name == "xl/workbook.xml" else body),
    _bad_crc,
], ids=["cut", "sheet-less", "bad-crc"])
def test_damaged_workbooks_are_input_errors(tmp_path: Path, damage) -> None:
    path = tmp_path / "h.xlsx"
    path.write_bytes(damage(_workbook()))
    (line,) = problems(path)
    assert line.startswith("h.xlsx: row 1: got ")


def test_parquet_text_that_is_not_utf8_is_shown_as_bytes(tmp_path: Path) -> None:
    bad = pa.Array.from_buffers(pa.string(), 1, [None, pa.py_buffer(b"\x00\x00\x00\x00\x03\x00\x00\x00"),
                                                 pa.py_buffer(b"=\xff1")])
    columns = dict(zip(HEADER.strip().split(","), [["2023-12-31"], bad, ["I1"], ["yield"], ["listed_equity"],
                                                     [True], [1.0], ["x"]]))
    pq.write_table(pa.table(columns), tmp_path / "h.parquet")
    holdings, _ = read_holdings([tmp_path / "h.parquet"], {}, {})
    assert holdings["holding_id"].tolist() == ["b'=\\xff1'"]


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "31/12/1899"])
def test_dates_outside_1900_2200_are_input_errors(tmp_path: Path, date: str) -> None:
    path = tmp_path / "h.csv"
    path.write_text(HEADER + ROW.format("H1", 1, "x").replace("2023-12-31", date))
    assert problems(path) == [f"h.csv: row 2, column as_of: got '{date}'; expected a date as YYYY-MM-DD or "
                              "DD/MM/YYYY, from 1900 to 2200"]


@pytest.mark.parametrize("toml, line", [
    ('territorial_funds = [""]\n', "key territorial_funds: got '[\\'\\']'; expected a list of fund_id values, none empty"),
    ("[trajectory]\ntolerance = nan\n", "key trajectory.tolerance: got 'nan'; expected a finite number >= 0"),
    ("[trajectory]\ntolerance = inf\n", "key trajectory.tolerance: got 'inf'; expected a finite number >= 0"),
    ("[trajectory]\nbaseline_footprint = -inf\n",
     "key trajectory.baseline_footprint: got '-inf'; expected a finite number > 0"),
    ("[report]\ncoverage_floor = nan\n", "key report.coverage_floor: got 'nan'; expected a share from 0 to 1"),
    ("scopes = [1.0, 2.0]\n", "key scopes: got '[1.0, 2.0]'; expected a non-empty list of distinct scopes among 1, 2, 3"),
    ("scopes = [true]\n", "key scopes: got '[True]'; expected a non-empty list of distinct scopes among 1, 2, 3"),
    ("publication_lag_months = 1e3\n",
     "key publication_lag_months: got '1000.0'; expected a whole number of months from 0 to 120"),
    ("[trajectory]\nbaseline_date = 0001-01-01\n",
     "key trajectory.baseline_date: got '0001-01-01'; expected a date as YYYY-MM-DD from 1900 to 2200"),
    ("x = " + "[" * 5000 + "]" * 5000 + "\n",
     "row 1: got values nested too deep to read; expected valid TOML of settings (tables and lists a few levels deep)"),
    ("[" + ".".join(["a"] * 5000) + "]\n", "key a: got 'a'; expected a known setting: "),
    ('[columns]\n"Valeur\\u001e" = ""\n', "key columns: got '{\\'Valeur\\\\x1e\\': \\'\\'}'; expected a table of"),
])
def test_settings_are_checked_against_their_schema(tmp_path: Path, toml: str, line: str) -> None:
    from portfolio.settings import load_settings

    path = tmp_path / "settings.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_settings(path)
    assert caught.value.lines()[0].startswith("settings.toml: " + line)


@pytest.mark.parametrize("holdings_rows, issuer_cells, sovereign, line", [
    ([{"market_value_eur": "1e308"}, {"market_value_eur": "1e308"}], {}, None,
     "holdings.csv: row 2, column market_value_eur: got '1e+308'; expected a number whose use stays finite "
     "(it makes metrics.csv covered_value_eur of listed_yield on 2023-12-31 infinite)"),
    ([{}], {"scope1_tco2e": "1e308", "scope2_tco2e": "1e308"}, None,
     "issuers.csv: row 2, column scope1_tco2e: got '1e+308'; expected a number whose use stays finite "
     "(it makes contributions.csv emissions_tco2e on 2023-12-31 infinite)"),
    ([{}], {"evic_eur": "5e-324"}, None,
     "issuers.csv: row 2, column evic_eur: got '5e-324'; expected a number whose use stays finite "
     "(it makes contributions.csv financed_emissions_tco2e on 2023-12-31 infinite)"),
    ([{"asset_class": "sovereign_bond", "issuer_id": "FR"}], {}, "FR,2022,1e300,5e-324,1e12",
     "sovereigns.csv: row 2, column gdp_ppp_eur: got '5e-324'; expected a number whose use stays finite "
     "(it makes contributions.csv sovereign_financed_emissions_tco2e on 2023-12-31 infinite)"),
])
def test_a_number_whose_use_overflows_is_an_input_error(tables, run_cli, tmp_path, holdings_rows, issuer_cells,
                                                        sovereign, line) -> None:
    holdings = tables.write_csv(tmp_path / "holdings.csv", [tables.holdings_header, *(
        tables.holding(f"H{n}", **cells) for n, cells in enumerate(holdings_rows))])
    issuers = tables.write_csv(tmp_path / "issuers.csv", [tables.issuers_header, tables.issuer(**issuer_cells)])
    extra = []
    if sovereign:
        (tmp_path / "sovereigns.csv").write_text(f"country,year,emissions_tco2e,gdp_ppp_eur,gdp_eur\n{sovereign}\n")
        extra = ["--sovereigns", tmp_path / "sovereigns.csv"]
    out = tmp_path / "run"
    result = run_cli(["analyze", "--holdings", holdings, "--issuers", issuers, "--out", out, "--quiet", *extra])
    assert (result.code, result.lines) == (2, [line])
    assert not out.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

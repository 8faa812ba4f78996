"""The table reader (`holdings.tabular`): CSV dialects, encodings, quoting, XLSX and Parquet.

Each test writes a small file the way a back office would, reads it and checks
the cells, the normalised header and what the reader says it detected.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from holdings import read_holdings, read_table


def write_holdings(tables, path, *rows, extra=(), **options):
    """A holdings CSV: the contract header (plus `extra` columns), then `rows`."""
    return tables.write_csv(path, [tables.holdings_header + list(extra), *rows], **options)


def read_positions(*paths, columns=None, values=None):
    """Holdings as typed rows (dicts) and the raw tables, through the public reader."""
    frame, tables = read_holdings(list(paths), columns or {}, values or {})
    return frame.to_dict("records"), tables


# ---------------------------------------------------------------- CSV dialects

def test_comma_delimited_csv_cells_and_dialect(tables, tmp_path):
    path = write_holdings(tables, tmp_path / "h.csv", tables.holding("H1"),
                          tables.holding("H2", market_value_eur="2.5"))

    table = read_table(path, {})

    assert list(table.frame.columns) == tables.holdings_header
    assert table.frame["holding_id"].tolist() == ["H1", "H2"]
    assert table.frame["market_value_eur"].tolist() == ["1000", "2.5"]
    assert table.source == "h.csv"
    assert table.dialect == {"format": "csv", "encoding": "utf-8", "delimiter": ",", "rows": 2}


def test_semicolon_delimited_csv(tables, tmp_path):
    path = write_holdings(tables, tmp_path / "h.csv", tables.holding("H1", market_value_eur="12,5"), delimiter=";")

    table = read_table(path, {})

    assert table.dialect["delimiter"] == ";"
    assert list(table.frame.columns) == tables.holdings_header
    assert table.frame["market_value_eur"].tolist() == ["12,5"]


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_decimal_point_is_detected_and_recorded(tables, tmp_path, delimiter):
    path = write_holdings(tables, tmp_path / "h.csv", tables.holding("H1", market_value_eur="1234567.89"),
                          tables.holding("H2", market_value_eur="0.5"), delimiter=delimiter)

    rows, (table,) = read_positions(path)

    assert [row["market_value_eur"] for row in rows] == [1234567.89, 0.5]
    assert table.dialect == {"format": "csv", "encoding": "utf-8", "delimiter": delimiter, "rows": 2,
                             "decimal": "."}


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_decimal_comma_with_dot_thousands(tables, tmp_path, delimiter):
    path = write_holdings(tables, tmp_path / "h.csv", tables.holding("H1", market_value_eur="1.234.567,89"),
                          tables.holding("H2", market_value_eur="1.234"), tables.holding("H3", market_value_eur="0,5"),
                          delimiter=delimiter)

    rows, (table,) = read_positions(path)

    assert [row["market_value_eur"] for row in rows] == [1234567.89, 1234.0, 0.5]
    assert table.dialect["decimal"] == ","
    assert table.dialect["delimiter"] == delimiter


@pytest.mark.parametrize("space", [" ", "\u00a0", "\u202f"], ids=["space", "nbsp", "narrow-nbsp"])
@pytest.mark.parametrize(("text", "expected"), [("1{s}234{s}567,5", 1234567.5), ("1{s}234{s}567.5", 1234567.5),
                                                ("-12{s}000", -12000.0)])
def test_thousands_separators(tables, tmp_path, space, text, expected):
    cell = text.format(s=space)
    path = write_holdings(tables, tmp_path / "h.csv", tables.holding("H1", asset_class="cash", market_value_eur=cell),
                          delimiter=";")

    rows, (table,) = read_positions(path)

    assert rows[0]["market_value_eur"] == expected
    assert table.dialect["decimal"] == ("," if "," in cell else ".")


# ---------------------------------------------------------------- encodings

def test_utf8_without_bom(tables, tmp_path):
    path = write_holdings(tables, tmp_path / "h.csv", tables.holding("H1") + ["Crédit Agricole"], extra=["name"])

    table = read_table(path, {})

    assert table.dialect["encoding"] == "utf-8"
    assert table.frame["name"].tolist() == ["Crédit Agricole"]


def test_utf8_with_bom_does_not_leak_into_first_column_name(tables, tmp_path):
    path = write_holdings(tables, tmp_path / "h.csv", tables.holding("H1") + ["Crédit Agricole"], extra=["name"],
                          encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    table = read_table(path, {})

    assert table.dialect["encoding"] == "utf-8-sig"
    assert list(table.frame.columns)[0] == "as_of"
    assert table.frame["as_of"].tolist() == ["2023-12-31"]
    assert table.frame["name"].tolist() == ["Crédit Agricole"]


def test_windows_1252(tables, tmp_path):
    path = write_holdings(tables, tmp_path / "h.csv", tables.holding("H1") + ["Crédit Mutuel – Arkéa €"],
                          extra=["name"], delimiter=";", encoding="cp1252")
    assert "Crédit".encode("cp1252") in path.read_bytes()

    rows, (table,) = read_positions(path)

    assert table.dialect["encoding"] == "windows-1252"
    assert rows[0]["name"] == "Crédit Mutuel – Arkéa €"


# ---------------------------------------------------------------- quoting

def test_quoted_fields_with_delimiters_quotes_and_newlines(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text(
        "as_of,holding_id,issuer_id,bucket,asset_class,listed,market_value_eur,name\n"
        '2023-12-31,H1,I1,yield,listed_equity,true,"1,5","Acme, ""Europe""\nSA"\n'
        '2023-12-31,"H,2",I2,yield,listed_equity,true,"2,25","line one\r\nline two"\n'
        "2023-12-31,H3,I3,yield,listed_equity,true,3,plain\n",
        encoding="utf-8", newline="")

    rows, (table,) = read_positions(path)

    assert [row["holding_id"] for row in rows] == ["H1", "H,2", "H3"]
    assert [row["name"] for row in rows] == ['Acme, "Europe"\nSA', "line one\r\nline two", "plain"]
    assert [row["market_value_eur"] for row in rows] == [1.5, 2.25, 3.0]
    assert [row["source_row"] for row in rows] == [2, 3, 4]
    assert table.dialect["decimal"] == ","


def test_crlf_line_ends(tables, tmp_path):
    path = tmp_path / "h.csv"
    path.write_bytes(("\r\n".join([",".join(tables.holdings_header), ",".join(tables.holding("H1")),
                                   ",".join(tables.holding("H2"))]) + "\r\n").encode())

    rows, _ = read_positions(path)

    assert [row["holding_id"] for row in rows] == ["H1", "H2"]
    assert [row["market_value_eur"] for row in rows] == [1000.0, 1000.0]


# ---------------------------------------------------------------- XLSX

def write_xlsx(path, sheets):
    """A workbook with one sheet per (title, rows) pair, in order."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def xlsx_holding(holding_id, as_of=dt.datetime(2023, 12, 31), value=1000.5):
    return [as_of, holding_id, "I1", "yield", "listed_equity", True, value]


def test_xlsx_first_sheet_by_default(tables, tmp_path):
    path = write_xlsx(tmp_path / "book.xlsx", [("First", [tables.holdings_header, xlsx_holding("A1")]),
                                               ("Sheet2", [tables.holdings_header, xlsx_holding("B1")])])

    rows, (table,) = read_positions(path)

    assert [row["holding_id"] for row in rows] == ["A1"]
    assert table.source == "book.xlsx"
    assert table.dialect["format"] == "xlsx"
    assert table.dialect["sheet"] == "First"


def test_xlsx_sheet_selected_with_hash(tables, tmp_path):
    path = write_xlsx(tmp_path / "book.xlsx", [("First", [tables.holdings_header, xlsx_holding("A1")]),
                                               ("Sheet2", [tables.holdings_header, xlsx_holding("B1"),
                                                           xlsx_holding("B2")])])

    rows, (table,) = read_positions(f"{path}#Sheet2")

    assert [row["holding_id"] for row in rows] == ["B1", "B2"]
    assert [row["source_file"] for row in rows] == ["book.xlsx#Sheet2"] * 2
    assert table.dialect["sheet"] == "Sheet2"


def test_xlsx_native_date_and_number_cells(tables, tmp_path):
    path = write_xlsx(tmp_path / "book.xlsx", [("Sheet1", [
        tables.holdings_header + ["name"],
        xlsx_holding("A1", dt.datetime(2023, 6, 30), 1234567.89) + ["Acme"],
        xlsx_holding("A2", dt.date(2023, 12, 31), 42) + [123],
    ])])

    rows, (table,) = read_positions(path)

    assert [row["as_of"] for row in rows] == [pd.Timestamp("2023-06-30"), pd.Timestamp("2023-12-31")]
    assert [row["market_value_eur"] for row in rows] == [1234567.89, 42.0]
    assert [row["listed"] for row in rows] == [True, True]
    assert [row["name"] for row in rows] == ["Acme", "123"]
    assert table.dialect["decimal"] == "."


def test_xlsx_text_numbers_and_text_dates(tables, tmp_path):
    path = write_xlsx(tmp_path / "book.xlsx", [("Sheet1", [
        tables.holdings_header,
        ["31/12/2023", "A1", "I1", "Yield", "Listed_Equity", "oui", "1 234,5"],
        ["2023-12-31", "A2", "I1", "yield", "cash", "NON", -20],
        [" 2023-12-31 ", " A3 ", "I1", "yield", "cash", 0, "0,25"],
    ])])

    rows, (table,) = read_positions(path)

    assert [row["as_of"] for row in rows] == [pd.Timestamp("2023-12-31")] * 3
    assert [row["holding_id"] for row in rows] == ["A1", "A2", "A3"]
    assert [row["market_value_eur"] for row in rows] == [1234.5, -20.0, 0.25]
    assert [row["listed"] for row in rows] == [True, False, False]
    assert table.dialect["decimal"] == ","


def test_xlsx_trailing_empty_rows_are_ignored(tables, tmp_path):
    path = write_xlsx(tmp_path / "book.xlsx", [("Sheet1", [tables.holdings_header, xlsx_holding("A1"),
                                                           [None] * 7, ["", None, "  "]])])

    rows, _ = read_positions(path)

    assert [row["holding_id"] for row in rows] == ["A1"]


def test_xlsx_with_a_wrong_recorded_used_range(tables, tmp_path):
    """Some writers record `<dimension ref="A1"/>`; every cell must still be read."""
    import re
    import zipfile

    written = write_xlsx(tmp_path / "written.xlsx", [("Sheet1", [tables.holdings_header, xlsx_holding("A1"),
                                                                 xlsx_holding("A2")])])
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1"/>', data)
            target.writestr(item, data)

    rows, _ = read_positions(path)

    assert [(row["holding_id"], row["market_value_eur"]) for row in rows] == [("A1", 1000.5), ("A2", 1000.5)]


# ---------------------------------------------------------------- Parquet

def test_parquet_typed_columns_and_date32(tmp_path):
    table = pa.table({
        "as_of": pa.array([dt.date(2023, 6, 30), dt.date(2023, 12, 31)], type=pa.date32()),
        "holding_id": ["P1", "P2"],
        "issuer_id": ["I1", None],
        "bucket": ["yield", "STRATEGIC"],
        "asset_class": ["listed_equity", "cash"],
        "listed": pa.array([True, False]),
        "market_value_eur": pa.array([1234.5, -10.0], type=pa.float64()),
        "extra": pa.array([1, 2], type=pa.int32()),
    })
    path = tmp_path / "h.parquet"
    pq.write_table(table, path)

    rows, (raw,) = read_positions(path)

    assert [row["as_of"] for row in rows] == [pd.Timestamp("2023-06-30"), pd.Timestamp("2023-12-31")]
    assert [row["issuer_id"] for row in rows] == ["I1", ""]
    assert [row["bucket"] for row in rows] == ["yield", "strategic"]
    assert [row["listed"] for row in rows] == [True, False]
    assert [row["market_value_eur"] for row in rows] == [1234.5, -10.0]
    assert raw.dialect["format"] == "parquet"
    assert raw.source == "h.parquet"


def test_parquet_timestamp_and_text_columns(tmp_path):
    table = pa.table({
        "AS_OF ": pa.array([dt.datetime(2023, 12, 31)], type=pa.timestamp("us")),
        "holding_id": [" P1 "], "issuer_id": ["I1"], "bucket": ["yield"], "asset_class": ["fund"],
        "listed": ["oui"], "market_value_eur": pa.array([7], type=pa.int64()),
    })
    path = tmp_path / "h.parquet"
    pq.write_table(table, path)

    rows, _ = read_positions(path)

    assert rows[0]["as_of"] == pd.Timestamp("2023-12-31")
    assert rows[0]["holding_id"] == "P1"
    assert rows[0]["listed"] is True
    assert rows[0]["market_value_eur"] == 7.0


def test_parquet_text_numbers_use_the_decimal_mark_they_show(tmp_path):
    table = pa.table({"as_of": ["2023-12-31", "31/12/2023"], "holding_id": ["P1", "P2"], "issuer_id": ["I1", "I1"],
                      "bucket": ["yield", "yield"], "asset_class": ["fund", "fund"], "listed": ["true", "false"],
                      "market_value_eur": ["1 234,5", "1.000.000"]})
    path = tmp_path / "h.parquet"
    pq.write_table(table, path)

    rows, (raw,) = read_positions(path)

    assert [row["market_value_eur"] for row in rows] == [1234.5, 1000000.0]
    assert raw.dialect["decimal"] == ","


def test_dataframe_text_numbers_use_the_decimal_mark_they_show():
    frame = pd.DataFrame({"as_of": ["2023-12-31"], "holding_id": ["D1"], "issuer_id": ["I1"], "bucket": ["yield"],
                          "asset_class": ["fund"], "listed": ["true"], "market_value_eur": ["12,5"]})

    rows, (raw,) = read_positions(frame)

    assert rows[0]["market_value_eur"] == 12.5
    assert raw.source == "<holdings DataFrame 1>"


# ---------------------------------------------------------------- header normalisation

def test_header_names_trimmed_and_case_folded(tables, tmp_path):
    header = ["  AS_OF ", "Holding_ID", " issuer_id", "BUCKET", "Asset_Class ", "Listed", "MARKET_VALUE_EUR"]
    path = tables.write_csv(tmp_path / "h.csv", [header, tables.holding("H1")])

    table = read_table(path, {})

    assert list(table.frame.columns) == tables.holdings_header


def test_text_cells_trimmed_identifiers_keep_case(tables, tmp_path):
    path = write_holdings(tables, tmp_path / "h.csv",
                          ["  2023-12-31 ", "  hX-1 ", " Fr0000120271 ", " Yield ", " LISTED_EQUITY ", " OUI ", " 10 ",
                           "  Total  SE ", " fr-emplois "], extra=["name", "fund_id"])

    rows, _ = read_positions(path)

    assert rows[0]["holding_id"] == "hX-1"
    assert rows[0]["issuer_id"] == "Fr0000120271"
    assert rows[0]["fund_id"] == "fr-emplois"
    assert rows[0]["name"] == "Total  SE"
    assert (rows[0]["bucket"], rows[0]["asset_class"], rows[0]["listed"]) == ("yield", "listed_equity", True)
    assert rows[0]["market_value_eur"] == 10.0


def test_unknown_columns_kept_and_ignored_optional_columns_absent(tables, tmp_path):
    path = tables.write_csv(tmp_path / "h.csv", [["commentaire"] + tables.holdings_header + ["ISIN"],
                                                 ["n'importe quoi; ok"] + tables.holding("H1") + ["FR0000120271"]])

    table = read_table(path, {})
    rows, _ = read_positions(path)

    assert "commentaire" in table.frame.columns and "isin" in table.frame.columns
    assert set(rows[0]) >= set(tables.holdings_header)
    assert "isin" not in rows[0] and "commentaire" not in rows[0]
    assert (rows[0]["name"], rows[0]["fund_id"], rows[0]["purpose"]) == ("", "", "")


def test_blank_header_cells_are_unknown_columns(tables, tmp_path):
    """Spreadsheet exports often end every line with empty fields (`,,`)."""
    path = write_holdings(tables, tmp_path / "h.csv", tables.holding("H1") + ["", ""], extra=["", " "])

    table = read_table(path, {})
    rows, _ = read_positions(path)

    assert list(table.frame.columns) == tables.holdings_header + ["column 8", "column 9"]
    assert [row["holding_id"] for row in rows] == ["H1"]


def test_xlsx_blank_header_cells_between_columns(tmp_path):
    header = ["as_of", None, "holding_id", "issuer_id", "", "bucket", "asset_class", "listed", "market_value_eur"]
    path = write_xlsx(tmp_path / "book.xlsx", [("Sheet1", [
        header, [dt.datetime(2023, 12, 31), "note", "A1", "I1", None, "yield", "fund", True, 5]])])

    rows, _ = read_positions(path)

    assert [(row["holding_id"], row["market_value_eur"]) for row in rows] == [("A1", 5.0)]


def test_null_like_words_are_text(tables, tmp_path):
    path = write_holdings(tables, tmp_path / "h.csv", tables.holding("NA", issuer_id="NULL") + ["N/A"], extra=["name"])

    rows, _ = read_positions(path)

    assert (rows[0]["holding_id"], rows[0]["issuer_id"], rows[0]["name"]) == ("NA", "NULL", "N/A")


def test_column_map_renames_back_office_headers(tables, tmp_path):
    header = ["Date", "Ligne", "Emetteur", "Poche", "Classe", "Cote", "Valeur de marche"]
    path = tables.write_csv(tmp_path / "h.csv", [header, ["31/12/2023", "L1", "I1", "rendement", "listed_equity",
                                                          "oui", "1 000,5"]], delimiter=";")
    columns = {"date": "as_of", "Ligne": "holding_id", "EMETTEUR": "issuer_id", "Poche": "bucket",
               "Classe": "asset_class", "Cote": "listed", " Valeur de marche ": "market_value_eur"}

    rows, _ = read_positions(path, columns=columns, values={"bucket": {"rendement": "yield"}})

    assert rows[0]["as_of"] == pd.Timestamp("2023-12-31")
    assert rows[0]["holding_id"] == "L1"
    assert rows[0]["bucket"] == "yield"
    assert rows[0]["market_value_eur"] == 1000.5


def test_rows_are_numbered_from_2_in_each_file(tables, tmp_path):
    first = write_holdings(tables, tmp_path / "a.csv", tables.holding("H1"), tables.holding("H2"))
    second = write_holdings(tables, tmp_path / "b.csv", tables.holding("H3", as_of="2024-03-31"))

    rows, raw_tables = read_positions(first, second)

    assert [(row["source_file"], row["source_row"]) for row in rows] == [("a.csv", 2), ("a.csv", 3), ("b.csv", 2)]
    assert [table.source for table in raw_tables] == ["a.csv", "b.csv"]

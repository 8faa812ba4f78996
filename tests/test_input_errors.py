"""Every class of bad input, through the command line: exit 2, one contract line per problem, nothing written.

The contract's line is `FILE: row N, column C: got 'V'; expected ...`, with the
header as row 1 in every format. Each test checks the exact line, so a change
of wording is a deliberate change of these tests.
"""

from __future__ import annotations

import csv
import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

MARKET_VALUE_EXPECTED = "a number >= 0 (only cash may be negative)"
BUCKETS = "one of yield, strategic (or map this spelling under [values] bucket)"
ASSET_CLASSES = ("one of listed_equity, corporate_bond, sovereign_bond, fund, unlisted_equity, real_estate, "
                 "loan, cash, other (or map this spelling under [values] asset_class)")
PURPOSES = ("|-separated tags among patient_pathway, coverage, medical_innovation, access_to_care "
            "(or map this spelling under [values] purpose)")
DATE = "a date as YYYY-MM-DD or DD/MM/YYYY, from 1900 to 2200"


@pytest.fixture
def book(tables, tmp_path):
    """A valid holdings file and issuers file, and the run folder path; tests overwrite either file."""

    class Book:
        holdings = tables.write_csv(tmp_path / "holdings.csv", [tables.holdings_header, tables.holding("H1"),
                                                                tables.holding("H2", asset_class="corporate_bond")])
        issuers = tables.write_csv(tmp_path / "issuers.csv", [tables.issuers_header, tables.issuer("I1")])
        out = tmp_path / "run"

        def holdings_rows(self, *rows, header=None):
            tables.write_csv(self.holdings, [header or tables.holdings_header, *rows])
            return self.holdings

        def issuers_rows(self, *rows, header=None):
            tables.write_csv(self.issuers, [header or tables.issuers_header, *rows])
            return self.issuers

    return Book()


@pytest.fixture
def analyze(run_cli, book):
    """Run `portfolio analyze` on the book (or on the given holdings files) into `book.out`."""

    def run(*extra, holdings=None, issuers=None):
        holdings = holdings or [book.holdings]
        argv = ["analyze", "--holdings", *holdings, "--issuers", issuers or book.issuers, "--out", book.out,
                "--quiet", *extra]
        return run_cli(argv)

    return run


def assert_rejected(result, out, *lines):
    """Exit 2, exactly these problem lines on stderr, and no run folder nor work folder left."""
    assert result.code == 2, result.stderr
    assert result.lines == list(lines)
    assert_nothing_written(out)


def assert_nothing_written(out):
    assert not out.exists()
    assert not list(out.parent.glob(f".{out.name}.tmp-*"))


# ---------------------------------------------------------------- the valid book runs

def test_valid_book_runs(analyze, book):
    result = analyze()

    assert result.code == 0, result.stderr
    assert {path.name for path in book.out.iterdir()} >= {"contributions.csv", "manifest.json", "metrics.csv",
                                                         "pai.csv", "trajectory.csv", "warnings.csv"}


# ---------------------------------------------------------------- holdings cells

def test_non_numeric_market_value(analyze, book, tables):
    book.holdings_rows(tables.holding("H1"), tables.holding("H2", market_value_eur="12 k€"))

    assert_rejected(analyze(), book.out,
                    "holdings.csv: row 3, column market_value_eur: got '12 k€'; expected a number")


def test_negative_market_value(analyze, book, tables):
    book.holdings_rows(tables.holding("H1", market_value_eur="-1000"))

    assert_rejected(analyze(), book.out,
                    f"holdings.csv: row 2, column market_value_eur: got '-1000'; expected {MARKET_VALUE_EXPECTED}")


def test_negative_cash_is_accepted(analyze, book, tables):
    book.holdings_rows(tables.holding("H1"), tables.holding("CASH", asset_class="Cash", market_value_eur="-250,5"))

    result = analyze()

    assert result.code == 0, result.stderr
    with (book.out / "contributions.csv").open(encoding="utf-8") as handle:
        values = {row["holding_id"]: row["market_value_eur"] for row in csv.DictReader(handle)}
    assert {key: float(value) for key, value in values.items()} == {"CASH": -250.5, "H1": 1000.0}


@pytest.mark.parametrize(("column", "value", "expected"), [
    ("bucket", "rendement", BUCKETS),
    ("asset_class", "equity", ASSET_CLASSES),
    ("listed", "peut-être", "true/false, 1/0, oui/non, vrai/faux or yes/no"),
])
def test_unknown_enumeration_value(analyze, book, tables, column, value, expected):
    book.holdings_rows(tables.holding("H1"), tables.holding("H2", **{column: value}))

    assert_rejected(analyze(), book.out, f"holdings.csv: row 3, column {column}: got '{value}'; expected {expected}")


def test_unknown_purpose_tag(analyze, book, tables):
    book.holdings_rows(tables.holding("H1") + ["coverage"], tables.holding("H2") + ["coverage|charity"],
                       header=tables.holdings_header + ["purpose"])

    assert_rejected(analyze(), book.out,
                    f"holdings.csv: row 3, column purpose: got 'coverage|charity'; expected {PURPOSES}")


@pytest.mark.parametrize("value", ["2023-02-30", "31/04/2023"])
def test_impossible_date(analyze, book, tables, value):
    book.holdings_rows(tables.holding("H1"), tables.holding("H2", as_of=value))

    assert_rejected(analyze(), book.out, f"holdings.csv: row 3, column as_of: got '{value}'; expected {DATE}")


def test_empty_required_cell(analyze, book, tables):
    book.holdings_rows(tables.holding(""), tables.holding("H2", market_value_eur=""))

    assert_rejected(analyze(), book.out,
                    "holdings.csv: row 2, column holding_id: got an empty cell; expected a value",
                    "holdings.csv: row 3, column market_value_eur: got an empty cell; expected a value: a number")


def test_every_problem_of_a_file_in_row_then_column_order(analyze, book, tables):
    book.holdings_rows(tables.holding("H1", market_value_eur="x", bucket="B"), tables.holding("H2", as_of="2023"))

    assert_rejected(analyze(), book.out,
                    f"holdings.csv: row 2, column bucket: got 'B'; expected {BUCKETS}",
                    "holdings.csv: row 2, column market_value_eur: got 'x'; expected a number",
                    f"holdings.csv: row 3, column as_of: got '2023'; expected {DATE}")


def test_value_shown_escaped_and_cut(analyze, book, tables):
    book.holdings_rows(tables.holding("H1", market_value_eur="x'y\ty" + "z" * 80))

    result = analyze()

    assert result.code == 2
    assert result.lines == [f"holdings.csv: row 2, column market_value_eur: got 'x\\'y\\ty{'z' * 55}...'; "
                            "expected a number"]


def test_invisible_characters_are_escaped_letters_are_not(analyze, book, tables):
    book.holdings_rows(tables.holding("H1", market_value_eur="1\u00a0234 €"), tables.holding("H2", bucket="Crédit"))

    assert_rejected(analyze(), book.out,
                    "holdings.csv: row 2, column market_value_eur: got '1 234 €'; expected a number",
                    f"holdings.csv: row 3, column bucket: got 'Crédit'; expected {BUCKETS}")


# ---------------------------------------------------------------- duplicates

def test_duplicate_holding_id_in_a_snapshot(analyze, book, tables):
    book.holdings_rows(tables.holding("H1"), tables.holding("H2"), tables.holding("H1", as_of="31/12/2023"),
                       tables.holding("H1", as_of="2024-03-31"))

    assert_rejected(analyze(), book.out,
                    "holdings.csv: row 4, column holding_id: got 'H1'; "
                    "expected a unique as_of + holding_id (already at row 2)")


def test_duplicate_holding_id_across_files(analyze, book, tables, tmp_path):
    second = tables.write_csv(tmp_path / "holdings_q2.csv", [tables.holdings_header, tables.holding("H9"),
                                                             tables.holding("H2", market_value_eur="5")])

    result = analyze(holdings=[book.holdings, second])

    assert_rejected(result, book.out,
                    "holdings_q2.csv: row 3, column holding_id: got 'H2'; "
                    "expected a unique as_of + holding_id (already at holdings.csv row 3)")


def test_same_holding_id_in_two_snapshots_is_fine(analyze, book, tables):
    book.holdings_rows(tables.holding("H1"), tables.holding("H1", as_of="2024-03-31"))

    assert analyze().code == 0


def test_duplicate_issuer_record(analyze, book, tables):
    header = tables.issuers_header + ["published_on"]
    book.issuers_rows(tables.issuer("I1") + [""], tables.issuer("I1", year="2021") + [""],
                      tables.issuer("I1", evic_eur="5") + [""], tables.issuer("I2") + ["2023-04-01"],
                      tables.issuer("I2") + ["01/04/2023"], tables.issuer("I2") + ["2023-04-02"], header=header)

    assert_rejected(analyze(), book.out,
                    "issuers.csv: row 4, column published_on: got 'I1, 2022, '; "
                    "expected a unique issuer_id + year + published_on (already at row 2)",
                    "issuers.csv: row 6, column published_on: got 'I2, 2022, 2023-04-01'; "
                    "expected a unique issuer_id + year + published_on (already at row 5)")


# ---------------------------------------------------------------- file structure

def test_missing_required_column(analyze, book, tables):
    header = [name for name in tables.holdings_header if name != "market_value_eur"]
    book.holdings_rows(tables.holding("H1")[:-1], header=header)

    assert_rejected(analyze(), book.out,
                    "holdings.csv: row 1, column market_value_eur: got no such column; expected a column named "
                    "market_value_eur (columns found: as_of, holding_id, issuer_id, bucket, asset_class, listed; "
                    'or map yours onto it under [columns]: "your name" = "market_value_eur")')


def test_missing_required_issuer_column(analyze, book):
    book.issuers_rows(["I1", "100"], header=["issuer_id", "scope1_tco2e"])

    assert_rejected(analyze(), book.out,
                    "issuers.csv: row 1, column year: got no such column; expected a column named year "
                    "(columns found: issuer_id, scope1_tco2e; or map yours onto it under [columns]: "
                    '"your name" = "year")')


def test_ragged_rows(analyze, book, tables):
    book.holdings_rows(tables.holding("H1"), tables.holding("H2") + ["extra"], tables.holding("H3")[:4],
                       tables.holding("H4"))

    assert_rejected(analyze(), book.out,
                    "holdings.csv: row 3, column 8: got 8 fields; expected 7 fields, as in the header "
                    "(quote values that contain ',')",
                    "holdings.csv: row 4, column asset_class: got 4 fields; expected 7 fields, as in the header "
                    "(quote values that contain ',')")


def test_unquoted_decimal_comma_is_a_ragged_row(analyze, book):
    book.holdings.write_text("as_of;holding_id;issuer_id;bucket;asset_class;listed;market_value_eur\n"
                             "2023-12-31;H1;I1;yield;fund;true;1,5\n"
                             "2023-12-31;H2;I1;yield;fund;true;2;5\n", encoding="utf-8")

    assert_rejected(analyze(), book.out,
                    "holdings.csv: row 3, column 8: got 8 fields; expected 7 fields, as in the header "
                    "(quote values that contain ';')")


RECORDS_ACROSS_LINES = (
    "as_of,holding_id,issuer_id,bucket,asset_class,listed,market_value_eur,name\n"
    '2023-12-31,H1,I1,yield,fund,true,1,"two\nlines"\n'
    "\n"
    '2023-12-31,H2,I1,yield,fund,true,{value},"three\r\nlines\nhere"\n'
    "2023-12-31,H3,I1,yield,fund,true,1{last}\n"
)


def test_rows_are_records_not_lines(analyze, book):
    """A quoted newline earlier in the file and a blank line do not shift row numbers."""
    book.holdings.write_text(RECORDS_ACROSS_LINES.format(value="x", last=",ok"), encoding="utf-8", newline="")

    assert_rejected(analyze(), book.out, "holdings.csv: row 3, column market_value_eur: got 'x'; expected a number")


def test_ragged_rows_are_records_not_lines(analyze, book):
    book.holdings.write_text(RECORDS_ACROSS_LINES.format(value="1", last=""), encoding="utf-8", newline="")

    assert_rejected(analyze(), book.out,
                    "holdings.csv: row 4, column name: got 7 fields; expected 8 fields, as in the header "
                    "(quote values that contain ',')")


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n"], ids=["0-bytes", "bom-only", "blank-lines"])
def test_empty_file(analyze, book, content):
    book.holdings.write_bytes(content)

    assert_rejected(analyze(), book.out,
                    "holdings.csv: row 1: got an empty file; expected a header row naming the columns")


@pytest.mark.parametrize("line_end", ["\n", ""], ids=["with-line-end", "without-line-end"])
def test_header_only_holdings(analyze, book, tables, line_end):
    book.holdings.write_text(",".join(tables.holdings_header) + line_end, encoding="utf-8")

    assert_rejected(analyze(), book.out, "holdings.csv: row 2: got no data rows; expected at least one holding")


def test_header_only_issuers(analyze, book, tables):
    book.issuers.write_text(",".join(tables.issuers_header), encoding="utf-8")

    assert_rejected(analyze(), book.out, "issuers.csv: row 2: got no data rows; expected at least one issuer record")


def test_missing_input_file(analyze, book, tmp_path):
    result = analyze(holdings=[tmp_path / "nowhere.csv"])

    assert result.code == 2
    assert len(result.lines) == 1
    assert result.lines[0].startswith("nowhere.csv: row 1: got '")
    assert result.lines[0].endswith("'; expected an existing file")
    assert_nothing_written(book.out)


def test_problems_of_every_holdings_file_are_reported_together(analyze, book, tables, tmp_path):
    second = tables.write_csv(tmp_path / "later.csv", [tables.holdings_header, tables.holding("H8", bucket="x")])
    book.holdings_rows(tables.holding("H1", listed="maybe"))

    assert_rejected(analyze(holdings=[book.holdings, second]), book.out,
                    "holdings.csv: row 2, column listed: got 'maybe'; expected true/false, 1/0, oui/non, "
                    "vrai/faux or yes/no",
                    f"later.csv: row 2, column bucket: got 'x'; expected {BUCKETS}")


# ---------------------------------------------------------------- issuer cells

@pytest.mark.parametrize(("column", "value", "expected"), [
    ("evic_eur", "-1", "a number >= 0"),
    ("revenue_eur", "-0.5", "a number >= 0"),
    ("scope3_tco2e", "-3", "a number >= 0"),
    ("year", "FY2022", "a whole number"),
    ("year", "2022.5", "a whole number"),
    ("year", "", "a value: a whole number"),
])
def test_bad_issuer_cell(analyze, book, tables, column, value, expected):
    book.issuers_rows(tables.issuer("I1"), tables.issuer("I2", **{column: value}))
    got = f"'{value}'" if value else "an empty cell"

    assert_rejected(analyze(), book.out, f"issuers.csv: row 3, column {column}: got {got}; expected {expected}")


@pytest.mark.parametrize(("column", "value", "expected"), [
    ("data_quality", "7", "a number from 1 to 5"),
    ("data_quality", "2.5", "a whole number"),
    ("esg_score", "100.5", "a number from 0 to 100"),
    ("published_on", "31/04/2023", DATE),
])
def test_bad_optional_issuer_cell(analyze, book, tables, column, value, expected):
    book.issuers_rows(tables.issuer("I1") + [""], tables.issuer("I2") + [value],
                      header=tables.issuers_header + [column])

    assert_rejected(analyze(), book.out, f"issuers.csv: row 3, column {column}: got '{value}'; expected {expected}")


# ---------------------------------------------------------------- XLSX and Parquet: same lines, same rows

def test_xlsx_problems_use_record_rows(analyze, book, tables, tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    sheet = workbook.create_sheet("Positions")
    sheet.append(tables.holdings_header)
    sheet.append([dt.datetime(2023, 12, 31), "X1", "I1", "yield", "listed_equity", True, 10.5])
    sheet.append([dt.datetime(2023, 12, 31), "X2", "I1", "yield", "listed_equity", "oui", "abc"])
    sheet.append(["2023-02-30", "X3", "I1", "yield", "fund", 1, -5])
    sheet.append([dt.datetime(2023, 12, 31), "X1", "I1", "yield", "fund", 1, 5])
    path = tmp_path / "book.xlsx"
    workbook.save(path)

    assert_rejected(analyze(holdings=[f"{path}#Positions"]), book.out,
                    "book.xlsx#Positions: row 3, column market_value_eur: got 'abc'; expected a number",
                    f"book.xlsx#Positions: row 4, column as_of: got '2023-02-30'; expected {DATE}",
                    f"book.xlsx#Positions: row 4, column market_value_eur: got '-5'; expected {MARKET_VALUE_EXPECTED}")


def test_xlsx_duplicate_and_missing_sheet(analyze, book, tables, tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(tables.holdings_header)
    sheet.append([dt.datetime(2023, 12, 31), "X1", "I1", "yield", "listed_equity", True, 10.5])
    sheet.append([dt.datetime(2023, 12, 31), "X1", "I1", "yield", "listed_equity", True, 1])
    path = tmp_path / "book.xlsx"
    workbook.save(path)

    assert_rejected(analyze(holdings=[path]), book.out,
                    "book.xlsx: row 3, column holding_id: got 'X1'; "
                    "expected a unique as_of + holding_id (already at row 2)")
    assert_rejected(analyze(holdings=[f"{path}#Nope"]), book.out,
                    "book.xlsx#Nope: row 1: got 'Nope'; expected a sheet among Sheet")


def test_parquet_problems_use_record_rows(analyze, book, tmp_path):
    path = tmp_path / "issuers.parquet"
    pq.write_table(pa.table({
        "issuer_id": ["I1", "I2", "I3"],
        "year": pa.array([2022, 2022, 2022], type=pa.int64()),
        "scope1_tco2e": [1.0, 2.0, 3.0], "scope2_tco2e": [1.0, 2.0, 3.0], "scope3_tco2e": [1.0, 2.0, 3.0],
        "evic_eur": [100.0, -100.0, 100.0],
        "data_quality": pa.array([1, 2, 7], type=pa.int32()),
        "published_on": pa.array([None, None, dt.date(2023, 4, 1)], type=pa.date32()),
    }), path)

    assert_rejected(analyze(issuers=path), book.out,
                    "issuers.parquet: row 3, column evic_eur: got '-100.0'; expected a number >= 0",
                    "issuers.parquet: row 4, column data_quality: got '7'; expected a number from 1 to 5")


def test_empty_and_header_only_xlsx_and_parquet(analyze, book, tables, tmp_path):
    import openpyxl

    empty = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(empty)
    header_only = tmp_path / "header.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(tables.holdings_header)
    workbook.save(header_only)
    no_rows = tmp_path / "none.parquet"
    pq.write_table(pa.table({name: pa.array([], type=pa.string()) for name in tables.holdings_header}), no_rows)

    assert_rejected(analyze(holdings=[empty, header_only, no_rows]), book.out,
                    "empty.xlsx: row 1: got an empty file; expected a header row naming the columns",
                    "header.xlsx: row 2: got no data rows; expected at least one holding",
                    "none.parquet: row 2: got no data rows; expected at least one holding")


# ---------------------------------------------------------------- more than 20 problems

def test_more_than_twenty_problems_are_counted(analyze, book, tables):
    book.holdings_rows(*(tables.holding(f"H{i}", market_value_eur=f"bad{i}") for i in range(25)))

    result = analyze()

    assert result.code == 2
    assert len(result.lines) == 21
    assert result.lines[0] == "holdings.csv: row 2, column market_value_eur: got 'bad0'; expected a number"
    assert result.lines[19] == "holdings.csv: row 21, column market_value_eur: got 'bad19'; expected a number"
    assert result.lines[20] == "... and 5 more problems"
    assert_nothing_written(book.out)


def test_twenty_one_problems_say_one_more_problem(analyze, book, tables):
    book.holdings_rows(*(tables.holding(f"H{i}", market_value_eur="-1") for i in range(21)))

    result = analyze()

    assert result.code == 2
    assert result.lines[-1] == "... and 1 more problem"
    assert len(result.lines) == 21


# ---------------------------------------------------------------- command line and settings

@pytest.mark.parametrize("given", ["--holdings", "--issuers"])
def test_only_one_of_holdings_and_issuers(run_cli, book, given):
    path = book.holdings if given == "--holdings" else book.issuers

    result = run_cli(["analyze", given, path, "--out", book.out])

    assert result.code == 2
    assert result.lines[0].startswith("usage: portfolio")
    assert "give both --holdings and --issuers, or neither" in result.stderr
    assert_nothing_written(book.out)


def test_out_not_empty_without_force(analyze, book):
    book.out.mkdir()
    (book.out / "keep.txt").write_text("precious", encoding="utf-8")

    result = analyze()

    assert result.code == 2
    assert result.lines == [f"{book.out}: row 1: got a folder that is not empty; "
                            "expected a new or empty --out folder, or --force to replace it"]
    assert [path.name for path in book.out.iterdir()] == ["keep.txt"]
    assert (book.out / "keep.txt").read_text(encoding="utf-8") == "precious"
    assert not list(book.out.parent.glob(f".{book.out.name}.tmp-*"))


def test_out_is_a_file(analyze, book):
    book.out.write_text("x", encoding="utf-8")

    result = analyze()

    assert result.code == 2
    assert result.lines == [f"{book.out}: row 1: got an existing file; expected a folder name for the run (--out)"]
    assert book.out.read_text(encoding="utf-8") == "x"


def test_out_empty_is_used(analyze, book):
    book.out.mkdir()

    assert analyze().code == 0
    assert (book.out / "metrics.csv").is_file()


def test_force_replaces_a_run_folder(analyze, book):
    assert analyze().code == 0
    (book.out / "metrics.csv").write_text("an older run's figures", encoding="utf-8")

    result = analyze("--force")

    assert result.code == 0, result.stderr
    assert (book.out / "metrics.csv").read_text(encoding="utf-8").startswith("as_of,perimeter,metric,value")
    assert [path.name for path in book.out.parent.iterdir() if path.name.startswith(".")] == []


def test_force_with_bad_input_keeps_the_old_run(analyze, book, tables):
    assert analyze().code == 0
    before = sorted(path.name for path in book.out.iterdir())
    book.holdings_rows(tables.holding("H1", market_value_eur="x"))

    result = analyze("--force")

    assert result.code == 2
    assert sorted(path.name for path in book.out.iterdir()) == before
    assert not list(book.out.parent.glob(f".{book.out.name}.tmp-*"))


@pytest.mark.parametrize(("toml", "line"), [
    ("[trajectory]\nreduction = 1.5\n",
     "settings.toml: key trajectory.reduction: got '1.5'; expected a number in (0, 1)"),
    ("scopes = [1, 4]\n",
     "settings.toml: key scopes: got '[1, 4]'; expected a non-empty list of distinct scopes among 1, 2, 3"),
    ("[trajectory]\nshape = \"exponential\"\n",
     "settings.toml: key trajectory.shape: got 'exponential'; expected linear or geometric"),
])
def test_bad_settings_value(analyze, book, tmp_path, toml, line):
    config = tmp_path / "settings.toml"
    config.write_text(toml, encoding="utf-8")

    assert_rejected(analyze("--config", config), book.out, line)


def test_unknown_settings_key(analyze, book, tmp_path):
    config = tmp_path / "settings.toml"
    config.write_text("scope = [1, 2]\n[trajectory]\nreductoin = 0.4\n", encoding="utf-8")

    result = analyze("--config", config)

    assert result.code == 2
    assert len(result.lines) == 2
    assert result.lines[0].startswith("settings.toml: key scope: got 'scope'; expected a known setting: ")
    assert "scopes" in result.lines[0]
    assert result.lines[1].startswith("settings.toml: key trajectory.reductoin: got 'reductoin'; "
                                      "expected a known setting: ")
    assert_nothing_written(book.out)


def test_settings_not_toml(analyze, book, tmp_path):
    config = tmp_path / "settings.toml"
    config.write_text("reduction = \n", encoding="utf-8")

    result = analyze("--config", config)

    assert result.code == 2
    assert result.lines[0].startswith("settings.toml: row 1: got ")
    assert result.lines[0].endswith("; expected valid TOML")
    assert_nothing_written(book.out)


# ---------------------------------------------------------------- data gaps are not errors

def test_data_gaps_are_warnings(analyze, book, tables):
    book.holdings_rows(tables.holding("H1"), tables.holding("H2", issuer_id=""),
                       tables.holding("H3", issuer_id="UNKNOWN", asset_class="corporate_bond"),
                       tables.holding("H4", issuer_id="", asset_class="cash"))
    book.issuers_rows(tables.issuer("I1"), tables.issuer("I9", evic_eur=""))

    result = analyze()

    assert result.code == 0, result.stderr
    with (book.out / "warnings.csv").open(encoding="utf-8", newline="") as handle:
        warnings = [(row["as_of"], row["holding_id"], row["issuer_id"], row["reason"])
                    for row in csv.DictReader(handle) if row["holding_id"]]
    assert warnings == [("2023-12-31", "H2", "", "missing_issuer_id"),
                        ("2023-12-31", "H3", "UNKNOWN", "no_issuer_record")]

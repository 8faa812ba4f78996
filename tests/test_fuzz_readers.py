"""Fuzzing the readers, the settings and the command line: a result or an input error, never another exception.

Random bytes, truncated and mutated files, wrong encodings, mixed delimiters,
stray quotes, huge fields, NUL bytes, formulas, extreme numbers, very wide
headers, empty or odd XLSX sheets and corrupt Parquet go through every table
reader (holdings, issuers, funds, sovereigns); hostile TOML through the
settings; and whole books through `portfolio analyze` end to end, which must
exit 0 (no inf or nan in any output) or 2 (no folder left). Inputs that once
broke something are kept in `tests/fuzz_corpus/` and replayed. Every case goes
through `exercise`, which `benchmarks/fuzz_campaign.py` wraps to run the same
strategies for longer and save each failing input.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import IllegalCharacterError
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esg_scores.records import read_issuers
from esg_scores.sovereigns import read_sovereigns
from holdings import InputError, read_holdings
from holdings.funds import read_funds
from portfolio.settings import load_settings

CORPUS = Path(__file__).parent / "fuzz_corpus"
# the campaign (benchmarks/fuzz_campaign.py) raises the number of examples through FUZZ_EXAMPLES
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")), deadline=None,
                suppress_health_check=list(HealthCheck))

HOLDINGS = ["as_of", "holding_id", "issuer_id", "bucket", "asset_class", "listed", "market_value_eur", "name"]
ISSUERS = ["issuer_id", "year", "published_on", "scope1_tco2e", "scope2_tco2e", "scope3_tco2e", "evic_eur",
           "revenue_eur", "data_quality", "esg_score"]
GOOD_HOLDING = ["2023-12-31", "H1", "I1", "yield", "listed_equity", "true", "1 234,5", "Crédit"]
GOOD_ISSUER = ["I1", "2022", "", "100", "50", "850", "1000000", "500000", "3", "55.5"]
FUNDS = ["fund_id", "as_of", "issuer_id", "asset_class", "weight"]
GOOD_FUND = ["F1", "2023-12-31", "I1", "listed_equity", "0.5"]
SOVEREIGNS = ["country", "year", "published_on", "emissions_tco2e", "gdp_ppp_eur", "gdp_eur"]
GOOD_SOVEREIGN = ["FR", "2022", "", "400000000", "3e12", "2.8e12"]
NASTY = ["", " ", "=HYPERLINK(\"http://x\",\"y\")", "+cmd", "-2+3", "@SUM(1)", "\x00", "a\x00b", "\t=1",
         "\r", "\n", '"', '""', ";", ",", "1,5", "1.234.567,8", "1e308", "1e400", "-0", "nan", "inf", "NaN",
         "31/02/2023", "2023-13-01", "9999-12-31", "0000-01-01", "oui", "VRAI", "\u00a0", "\u202f", "\ufeff",
         "x" * 5000, "é", "\udcff"[:0], "🙂", "|||", "coverage|", "1" * 400, "0x10", "١٢٣",
         "5e-324", "1.7976931348623157e308", "-1e308", "0001-01-01", "1899-12-31", '"a', 'a"', '"a"b', "-x", "\x1e"]

cells = st.one_of(st.sampled_from(NASTY), st.text(max_size=20),
                  st.from_regex(r"[0-9 .,+-eE]{0,12}", fullmatch=True))
rows = st.lists(st.lists(cells, min_size=0, max_size=12), min_size=0, max_size=8)


def exercise(path: Path, *checks: Callable[[Path], object]) -> None:
    """Run each check on `path`: it succeeds or raises `InputError` with problems, nothing else."""
    for check in checks:
        try:
            check(path)
        except InputError as error:
            assert error.problems and all(str(problem) for problem in error.problems)


TABLE_READERS = (lambda path: read_holdings([path], {}, {}), lambda path: read_issuers(path, {}, {}),
                 lambda path: read_funds(path, {}, {}), lambda path: read_sovereigns(path, {}, {}))


def read_all(path: Path) -> None:
    """Read `path` as every input table."""
    exercise(path, *TABLE_READERS)


def csv_bytes(records: list[list[str]], delimiter: str = ",", encoding: str = "utf-8",
              newline: str = "\n") -> bytes:
    """Records joined by hand (quoting when needed), so odd cells go in as they are."""
    def field(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in f'"{delimiter}\r\n') else cell
    text = newline.join(delimiter.join(field(c) for c in record) for record in records)
    return text.encode(encoding, errors="replace")


def xlsx_bytes(sheets: list[list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for number, records in enumerate(sheets):
        sheet = book.create_sheet(f"S{number}")
        for record in records:
            sheet.append(record)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def parquet_bytes(columns: dict[str, list[object]]) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.table(columns), buffer)
    return buffer.getvalue()


GOOD_XLSX = xlsx_bytes([[HOLDINGS, GOOD_HOLDING]])  # built once: a zip records the time it was written
GOOD_PARQUET = parquet_bytes({name: [value] for name, value in zip(HOLDINGS, GOOD_HOLDING)})


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every example (hypothesis reruns a test many times within one fixture)."""
    return tmp_path_factory.mktemp("fuzz")


# ---------------------------------------------------------------- strategies shared with the campaign

suffixes = st.sampled_from([".csv", ".txt", ".xlsx", ".parquet"])


@st.composite
def mutated_csv(draw: st.DrawFn) -> bytes:
    """A valid-looking holdings or issuers CSV, then damaged: cells, delimiter, encoding, truncation, bytes."""
    header, good = draw(st.sampled_from([(HOLDINGS, GOOD_HOLDING), (ISSUERS, GOOD_ISSUER), (FUNDS, GOOD_FUND),
                                         (SOVEREIGNS, GOOD_SOVEREIGN)]))
    body = [list(good) for _ in range(draw(st.integers(0, 5)))]
    for record in body:
        for _ in range(draw(st.integers(0, 3))):
            if record:
                record[draw(st.integers(0, len(record) - 1))] = draw(cells)
    records = [[draw(st.sampled_from(["", " ", h.upper(), f" {h} "])) or h for h in header], *body]
    if draw(st.booleans()):
        records.append(draw(st.lists(cells, max_size=len(header) + 2)))
    data = csv_bytes(records, delimiter=draw(st.sampled_from([",", ";", "\t", "|"])),
                     encoding=draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"])),
                     newline=draw(st.sampled_from(["\n", "\r\n", "\r"])))
    if draw(st.booleans()):
        data = data[:draw(st.integers(0, len(data)))]
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    return data


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """Truncate `data` and flip a few of its bytes."""
    data = data[:draw(st.integers(0, len(data)))]
    flips = bytearray(data)
    for _ in range(draw(st.integers(0, 4)) if flips else 0):
        flips[draw(st.integers(0, len(flips) - 1))] = draw(st.integers(0, 255))
    return bytes(flips)


# ---------------------------------------------------------------- CSV

@FUZZ
@given(data=st.binary(max_size=300), suffix=suffixes)
def test_random_bytes(scratch, data, suffix):
    read_all(write(scratch, "random" + suffix, data))


@FUZZ
@given(data=mutated_csv())
def test_mutated_csv(scratch, data):
    read_all(write(scratch, "mutated.csv", data))


@FUZZ
@given(records=rows, delimiter=st.sampled_from([",", ";"]))
def test_random_cells_under_a_real_header(scratch, records, delimiter):
    header = list(dict.fromkeys(HOLDINGS + ISSUERS + FUNDS + SOVEREIGNS))
    read_all(write(scratch, "cells.csv", csv_bytes([header, *records], delimiter)))


def test_huge_field_and_nul_bytes(tmp_path):
    huge = "x" * 2_000_000
    data = csv_bytes([HOLDINGS, ["2023-12-31", "H1", "I1", "yield", "listed_equity", "true", "1", huge],
                      ["2023-12-31", "H\x002", "I\x00", "yield", "listed_equity", "true", "1\x00", "\x00"]])
    read_all(write(tmp_path, "huge.csv", data))


def test_ten_thousand_columns(tmp_path):
    header = HOLDINGS + [f"extra{i}" for i in range(10_000)]
    data = csv_bytes([header, GOOD_HOLDING + ["1"] * 10_000, GOOD_HOLDING[:3]])
    read_all(write(tmp_path, "wide.csv", data))


def test_mixed_delimiters(tmp_path):
    data = b"as_of;holding_id,issuer_id;bucket,asset_class;listed,market_value_eur\n2023-12-31;H1,I1;yield\n"
    read_all(write(tmp_path, "mixed.csv", data))


# ---------------------------------------------------------------- XLSX

xlsx_cells = st.one_of(cells, st.none(), st.integers(-10**20, 10**20), st.floats(), st.booleans(),
                       st.dates(), st.datetimes())


@FUZZ
@given(sheets=st.lists(st.lists(st.lists(xlsx_cells, max_size=10), max_size=5), min_size=1, max_size=3),
       header=st.booleans())
def test_xlsx_sheets(scratch, sheets, header):
    if header:
        sheets[0].insert(0, list(HOLDINGS + ISSUERS))
    try:
        data = xlsx_bytes(sheets)
    except (ValueError, TypeError, IllegalCharacterError):  # openpyxl refuses to write some cells; not our reader
        return
    read_all(write(scratch, "book.xlsx", data))


@pytest.mark.parametrize("sheets", [[[]], [[], [HOLDINGS, GOOD_HOLDING]], [[[None, None], [None]]],
                                    [[[" "], ["2023-12-31"]]]])
def test_empty_sheets(tmp_path, sheets):
    read_all(write(tmp_path, "empty.xlsx", xlsx_bytes(sheets)))


@FUZZ
@given(data=st.data())
def test_damaged_xlsx(scratch, data):
    read_all(write(scratch, "damaged.xlsx", data.draw(damaged(GOOD_XLSX))))


# ---------------------------------------------------------------- Parquet

parquet_columns = st.dictionaries(
    st.sampled_from(HOLDINGS + ISSUERS + FUNDS + SOVEREIGNS + ["", " AS_OF ", "x"]),
    st.sampled_from([
        ["2023-12-31"], [None], [1.5], [float("nan")], [float("inf")], [-1], [True], [b"\x00\xff"],
        [pa.scalar(0, pa.timestamp("s"))], [2**62], ["=cmd"], [[1, 2]], [{"a": 1}], [b"I1"],
        pa.array(["yield"]).dictionary_encode(), pa.array([1], pa.decimal128(5, 2)), pa.array([1], pa.time32("s")),
        pa.array([1], pa.duration("s")), pa.array(["x"], pa.large_string()), pa.array([1.0], pa.float16()),
        pa.array([0], pa.timestamp("ms", tz="Europe/Paris")), pa.array([0], pa.date64()),
    ]),
    max_size=12,
)


@FUZZ
@given(columns=parquet_columns)
def test_parquet_columns(scratch, columns):
    try:
        data = parquet_bytes(columns)
    except (pa.ArrowException, TypeError, ValueError):
        return
    read_all(write(scratch, "cols.parquet", data))


@FUZZ
@given(data=st.data())
def test_damaged_parquet(scratch, data):
    read_all(write(scratch, "damaged.parquet", data.draw(damaged(GOOD_PARQUET))))


# ---------------------------------------------------------------- settings

SETTING_KEYS = ["scopes", "territorial_funds", "health_purposes", "publication_lag_months", "gaps", "columns",
                "values", "trajectory", "report", "rebalance", "x"]
TRAJECTORY_KEYS = ["baseline_date", "target_date", "reduction", "shape", "tolerance", "baseline_footprint",
                   "baseline_financed_emissions", "evic_inflation_adjustment", "x"]
TOML_VALUES = ["nan", "inf", "-inf", "+nan", "1e308", "-0.0", "5e-324", "0", "1", "1.0", "3", "-1", "120", "121",
               "99999999999999999999", "true", '""', '" "', '"linear"', '"GEOMETRIC"', '"fr"', '"strict"',
               '"2019-12-31"', "2019-12-31", "0001-01-01", "2030-12-31T00:00:00", '"\\u001e"', "[]", '[""]',
               "[1.0, 2.0]", "[1, 1]", "[1, 2, 3]", "[true]", '["a|b"]', '["FR-EMPLOIS"]', "{}",
               '{ a = "b" }', '{ bucket = { rendement = "yield" } }', '{ "" = "" }', "[[1]]"]


@st.composite
def settings_text(draw: st.DrawFn) -> str:
    """A settings file: known and unknown keys with hostile values, sometimes damaged or nested very deep."""
    lines = [f"{key} = {draw(st.sampled_from(TOML_VALUES))}" for key in draw(st.lists(st.sampled_from(SETTING_KEYS),
                                                                                    unique=True, max_size=5))
             if key not in ("trajectory", "report", "rebalance")]
    for table, keys in (("trajectory", TRAJECTORY_KEYS), ("report", ["lang", "coverage_floor", "x"]),
                        ("rebalance", ["max_weight", "exclude_issuers", "x"])):
        if draw(st.booleans()):
            lines.append(f"[{table}]")
            lines += [f"{key} = {draw(st.sampled_from(TOML_VALUES))}"
                      for key in draw(st.lists(st.sampled_from(keys), unique=True, max_size=4))]
    text = "\n".join(lines) + "\n"
    shape = draw(st.sampled_from(["plain", "cut", "deep list", "deep table", "deep inline"]))
    depth = draw(st.sampled_from([10, 100, 1000, 5000]))
    if shape == "cut":
        text = text[:draw(st.integers(0, len(text)))]
    elif shape == "deep list":
        text += "x = " + "[" * depth + "]" * depth + "\n"
    elif shape == "deep table":
        text += "[" + ".".join(["a"] * depth) + "]\n"
    elif shape == "deep inline":
        text += "columns = " + "{a=" * depth + "1" + "}" * depth + "\n"
    return text


@FUZZ
@given(text=settings_text())
def test_settings(scratch, text):
    exercise(write(scratch, "settings.toml", text.encode("utf-8", errors="surrogatepass")), load_settings)


# ---------------------------------------------------------------- the command line, end to end

NUMBERS = ["0", "1", "1000", "1e308", "1.7976931348623157e308", "5e-324", "1e-300", "-1", "1e15", "", "nan"]
CLI_RUNS = itertools.count()


@st.composite
def book(draw: st.DrawFn) -> dict[str, bytes]:
    """A small book (holdings, issuers, sometimes funds, sovereigns and settings) with extreme numbers and ids."""
    number = st.sampled_from(NUMBERS)
    ident = st.sampled_from(["I1", "I2", "FR", "", "=I1", "-1", "-x", "I1 "])
    holdings = [[draw(st.sampled_from(["2023-12-31", "2019-12-31", "2023-03-31", "0001-01-01"])), f"H{n}",
                 draw(ident), draw(st.sampled_from(["yield", "strategic"])),
                 draw(st.sampled_from(["listed_equity", "corporate_bond", "sovereign_bond", "fund", "cash", "loan"])),
                 draw(st.sampled_from(["true", "false"])), draw(number), draw(st.sampled_from(["", "F1", "FR-EMPLOIS"]))]
                for n in range(draw(st.integers(1, 4)))]
    issuers = [[issuer, draw(st.sampled_from(["2018", "2022", "1899"])), draw(number), draw(number), draw(number),
                draw(number), draw(number)] for issuer in draw(st.lists(ident, min_size=1, max_size=3, unique=True))]
    files = {"holdings.csv": csv_bytes([HOLDINGS[:7] + ["fund_id"], *holdings]),
             "issuers.csv": csv_bytes([["issuer_id", "year", "scope1_tco2e", "scope2_tco2e", "scope3_tco2e",
                                        "evic_eur", "revenue_eur"], *issuers])}
    if draw(st.booleans()):
        files["holdings.csv"] = draw(damaged(files["holdings.csv"]))
    if draw(st.booleans()):
        files["funds.csv"] = csv_bytes([FUNDS, *[["F1", "2023-12-31", draw(ident), "listed_equity", draw(number)]
                                                 for _ in range(draw(st.integers(1, 3)))]])
    if draw(st.booleans()):
        files["sovereigns.csv"] = csv_bytes([SOVEREIGNS, ["FR", "2022", "", draw(number), draw(number),
                                                          draw(number)]])
    if draw(st.booleans()):
        files["settings.toml"] = draw(settings_text()).encode("utf-8", errors="surrogatepass")
    return files


def analyze_book(folder: Path) -> None:
    """`portfolio analyze` on the book in `folder`: exit 0 with finite outputs, or 2 with nothing written."""
    from portfolio.cli import main

    extra = [[f"--{name.split('.')[0]}", folder / name] for name in ("funds.csv", "sovereigns.csv")
             if (folder / name).exists()]
    if (folder / "settings.toml").exists():
        extra.append(["--config", folder / "settings.toml"])
    with tempfile.TemporaryDirectory(prefix="fuzz-run-") as scratch:
        out = Path(scratch) / "run"
        argv = ["analyze", "--holdings", folder / "holdings.csv", "--issuers", folder / "issuers.csv", "--out", out,
                "--no-report", "--quiet", *itertools.chain.from_iterable(extra)]
        with contextlib.redirect_stderr(io.StringIO()) as stderr:
            code = main([str(arg) for arg in argv])
        assert code in (0, 2), stderr.getvalue()
        assert os.listdir(scratch) == (["run"] if code == 0 else []), "a working folder was left behind"
        if code == 2:
            assert stderr.getvalue().strip()
            raise InputError([])  # counted as a refused input by `exercise`'s caller
        assert stderr.getvalue() == ""
        for output in out.glob("*.csv"):
            cells = set(output.read_text(encoding="utf-8").replace("\n", ",").split(","))
            assert not cells & {"inf", "-inf", "nan", "NaN"}, output.name


def run_book(folder: Path) -> None:
    """`analyze_book`, where exit 2 is a valid outcome."""
    try:
        analyze_book(folder)
    except InputError:
        pass


@settings(FUZZ, max_examples=max(5, FUZZ.max_examples // 8))  # a whole run costs more than a read
@given(files=book())
def test_analyze_end_to_end(scratch, files):
    folder = scratch / f"book-{next(CLI_RUNS)}"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    exercise(folder, run_book)
    shutil.rmtree(folder)


# ---------------------------------------------------------------- corpus and command line

@pytest.mark.parametrize("path", sorted(CORPUS.glob("*")), ids=lambda path: path.name)
def test_corpus(path):
    """Each kept input through what it once broke: a book (folder) through analyze, TOML through the settings."""
    if path.is_dir():
        exercise(path, run_book)
    elif path.suffix == ".toml":
        exercise(path, load_settings)
    else:
        read_all(path)


@pytest.mark.parametrize("path", [p for p in sorted(CORPUS.glob("*")) if p.is_file() and p.suffix != ".toml"][:6],
                         ids=lambda path: path.name)
def test_corpus_through_the_cli(run_cli, tables, tmp_path, path):
    issuers = tables.write_csv(tmp_path / "issuers.csv", [tables.issuers_header, tables.issuer("I1")])
    out = tmp_path / "run"
    result = run_cli(["analyze", "--holdings", path, "--issuers", issuers, "--out", out, "--quiet", "--no-report"])
    assert result.code in (0, 2), result.stderr
    if result.code == 2:
        assert result.lines and not out.exists()

"""Fuzzing the readers: every input ends in a table or an `InputError`, never another exception.

Random bytes, truncated and mutated files, wrong encodings, mixed delimiters,
huge fields, NUL bytes, formulas, very wide headers, empty or odd XLSX sheets
and corrupt Parquet go through `holdings.read_holdings` and
`esg_scores.read_issuers`; a few go through the command line (exit 0 or 2).
Inputs that once broke a reader are kept in `tests/fuzz_corpus/` and replayed.
`benchmarks/fuzz_campaign.py` runs the same strategies for longer.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import IllegalCharacterError
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esg_scores.records import read_issuers
from holdings import InputError, read_holdings

CORPUS = Path(__file__).parent / "fuzz_corpus"
# the campaign (benchmarks/fuzz_campaign.py) raises the number of examples through FUZZ_EXAMPLES
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")), deadline=None,
                suppress_health_check=list(HealthCheck))

HOLDINGS = ["as_of", "holding_id", "issuer_id", "bucket", "asset_class", "listed", "market_value_eur", "name"]
ISSUERS = ["issuer_id", "year", "published_on", "scope1_tco2e", "scope2_tco2e", "scope3_tco2e", "evic_eur",
           "revenue_eur", "data_quality", "esg_score"]
GOOD_HOLDING = ["2023-12-31", "H1", "I1", "yield", "listed_equity", "true", "1 234,5", "Crédit"]
GOOD_ISSUER = ["I1", "2022", "", "100", "50", "850", "1000000", "500000", "3", "55.5"]
NASTY = ["", " ", "=HYPERLINK(\"http://x\",\"y\")", "+cmd", "-2+3", "@SUM(1)", "\x00", "a\x00b", "\t=1",
         "\r", "\n", '"', '""', ";", ",", "1,5", "1.234.567,8", "1e308", "1e400", "-0", "nan", "inf", "NaN",
         "31/02/2023", "2023-13-01", "9999-12-31", "0000-01-01", "oui", "VRAI", "\u00a0", "\u202f", "\ufeff",
         "x" * 5000, "é", "\udcff"[:0], "🙂", "|||", "coverage|", "1" * 400, "0x10", "١٢٣"]

cells = st.one_of(st.sampled_from(NASTY), st.text(max_size=20),
                  st.from_regex(r"[0-9 .,+-eE]{0,12}", fullmatch=True))
rows = st.lists(st.lists(cells, min_size=0, max_size=12), min_size=0, max_size=8)


def read_both(path: Path) -> None:
    """Read `path` as holdings and as issuers: success or `InputError`, nothing else."""
    for read in (lambda: read_holdings([path], {}, {}), lambda: read_issuers(path, {}, {})):
        try:
            read()
        except InputError as error:
            assert error.problems and all(str(problem) for problem in error.problems)


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
    header, good = draw(st.sampled_from([(HOLDINGS, GOOD_HOLDING), (ISSUERS, GOOD_ISSUER)]))
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
    read_both(write(scratch, "random" + suffix, data))


@FUZZ
@given(data=mutated_csv())
def test_mutated_csv(scratch, data):
    read_both(write(scratch, "mutated.csv", data))


@FUZZ
@given(records=rows, delimiter=st.sampled_from([",", ";"]))
def test_random_cells_under_a_real_header(scratch, records, delimiter):
    read_both(write(scratch, "cells.csv", csv_bytes([HOLDINGS + ISSUERS, *records], delimiter)))


def test_huge_field_and_nul_bytes(tmp_path):
    huge = "x" * 2_000_000
    data = csv_bytes([HOLDINGS, ["2023-12-31", "H1", "I1", "yield", "listed_equity", "true", "1", huge],
                      ["2023-12-31", "H\x002", "I\x00", "yield", "listed_equity", "true", "1\x00", "\x00"]])
    read_both(write(tmp_path, "huge.csv", data))


def test_ten_thousand_columns(tmp_path):
    header = HOLDINGS + [f"extra{i}" for i in range(10_000)]
    data = csv_bytes([header, GOOD_HOLDING + ["1"] * 10_000, GOOD_HOLDING[:3]])
    read_both(write(tmp_path, "wide.csv", data))


def test_mixed_delimiters(tmp_path):
    data = b"as_of;holding_id,issuer_id;bucket,asset_class;listed,market_value_eur\n2023-12-31;H1,I1;yield\n"
    read_both(write(tmp_path, "mixed.csv", data))


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
    read_both(write(scratch, "book.xlsx", data))


@pytest.mark.parametrize("sheets", [[[]], [[], [HOLDINGS, GOOD_HOLDING]], [[[None, None], [None]]],
                                    [[[" "], ["2023-12-31"]]]])
def test_empty_sheets(tmp_path, sheets):
    read_both(write(tmp_path, "empty.xlsx", xlsx_bytes(sheets)))


@FUZZ
@given(data=st.data())
def test_damaged_xlsx(scratch, data):
    read_both(write(scratch, "damaged.xlsx", data.draw(damaged(GOOD_XLSX))))


# ---------------------------------------------------------------- Parquet

parquet_columns = st.dictionaries(
    st.sampled_from(HOLDINGS + ISSUERS + ["", " AS_OF ", "x"]),
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
    read_both(write(scratch, "cols.parquet", data))


@FUZZ
@given(data=st.data())
def test_damaged_parquet(scratch, data):
    read_both(write(scratch, "damaged.parquet", data.draw(damaged(GOOD_PARQUET))))


# ---------------------------------------------------------------- corpus and command line

@pytest.mark.parametrize("path", sorted(CORPUS.glob("*")), ids=lambda path: path.name)
def test_corpus(path):
    read_both(path)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*"))[:6], ids=lambda path: path.name)
def test_corpus_through_the_cli(run_cli, tables, tmp_path, path):
    issuers = tables.write_csv(tmp_path / "issuers.csv", [tables.issuers_header, tables.issuer("I1")])
    out = tmp_path / "run"
    result = run_cli(["analyze", "--holdings", path, "--issuers", issuers, "--out", out, "--quiet", "--no-report"])
    assert result.code in (0, 2), result.stderr
    if result.code == 2:
        assert result.lines and not out.exists()

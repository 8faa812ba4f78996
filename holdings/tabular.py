"""The one table reader shared by every input: CSV, XLSX and Parquet into a raw frame.

It only gets cells out of a file and normalises the header; it knows nothing of
any column's meaning (that is the schemas' job). CSV cells stay text, because
whether `1.234` means 1234 depends on the decimal mark, which is detected per
file from the numeric columns once the schema says which those are. What was
detected (format, encoding, delimiter, later the decimal mark) is kept in
`RawTable.dialect` for the manifest.
"""

from __future__ import annotations

import csv
import hashlib
import io
import queue
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from holdings.csv_quotes import check_quotes
from holdings.problems import InputError, Problem, quote_value

UTF8_BOM = b"\xef\xbb\xbf"
WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")  # UTF-16 and UTF-32 (UTF-32 LE starts as UTF-16 LE)
DELIMITERS = (",", ";")
FIRST_DATA_ROW = 2  # the header is row 1 in every format
T = TypeVar("T")
LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass
class RawTable:
    """Cells of one input table, header normalised, with where it came from."""

    source: str
    frame: pd.DataFrame
    dialect: dict[str, Any] = field(default_factory=dict)
    sha256: str | None = None
    path: Path | None = None


def normalise_header(names: list[str], column_map: dict[str, str], source: str) -> list[str]:
    """Trim and case-fold header names, map back-office names onto contract names.

    A blank header cell (spreadsheet exports often end rows with `,,`) names an
    unknown column like any other, `column N` by its position, so several of
    them are not duplicates.
    """
    mapping = {key.strip().casefold(): value.strip().casefold() for key, value in column_map.items()}
    normalised = []
    problems = []
    for position, name in enumerate(names):
        key = str(name).strip().casefold()
        normalised.append(mapping.get(key, key) if key else f"column {position + 1}")
    seen: dict[str, int] = {}
    for position, name in enumerate(normalised):
        if name in seen:
            problems.append(
                Problem(source, 1, name, quote_value(names[position]),
                        f"each column once (also column {seen[name] + 1} of the header)")
            )
        seen.setdefault(name, position)
    if problems:
        raise InputError(problems)
    return normalised


def split_sheet(location: str | Path) -> tuple[Path, str | None]:
    """`book.xlsx#Sheet` names a sheet; anything else is a plain path."""
    text = str(location)
    if "#" in text:
        base, sheet = text.rsplit("#", 1)
        if base.lower().endswith((".xlsx", ".xlsm")):
            return Path(base), sheet
    return Path(text), None


def read_table(location: str | Path | pd.DataFrame, column_map: dict[str, str],
               name: str | None = None) -> RawTable:
    """Read one table from a path (CSV, XLSX, Parquet) or take a DataFrame as it is."""
    if isinstance(location, pd.DataFrame):
        source = name or "<DataFrame>"
        frame = location.reset_index(drop=True).copy()
        frame.columns = normalise_header([str(c) for c in frame.columns], column_map, source)
        return RawTable(source, _trim_text_columns(frame), {"format": "dataframe"})
    path, sheet = split_sheet(location)
    source = path.name if sheet is None else f"{path.name}#{sheet}"
    if not path.is_file():
        raise InputError(Problem(source, 1, "", quote_value(str(path)), "an existing file"))
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        table = _read_xlsx(data, sheet, source, column_map)
    elif suffix in (".parquet", ".pq"):
        table = _read_parquet(data, source, column_map)
    else:
        table = _read_csv(data, source, column_map)
    table.path = path
    return table


def _trim_text_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Trim every text cell (the contract's normalisation); other cells are left alone."""
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_string_dtype(series.dtype) and not pd.api.types.is_object_dtype(series.dtype):
            frame[column] = series.str.strip()
        elif pd.api.types.is_object_dtype(series.dtype):
            frame[column] = series.map(lambda v: v.strip() if isinstance(v, str) else v)
    return frame


def _empty_file(source: str) -> InputError:
    return InputError(Problem(source, 1, "", "an empty file", "a header row naming the columns"))


# ---------------------------------------------------------------- CSV

def decode_csv_bytes(data: bytes, source: str) -> tuple[str, str]:
    """Decode as UTF-8 (with or without BOM), else Windows-1252; say which.

    UTF-16 and UTF-32 are neither: read as Windows-1252 they would give a NUL
    between characters and twice the line ends, so they are refused, by
    their byte-order mark or by NUL bytes making a third of the header line.
    """
    head = data[:data.find(b"\n") if b"\n" in data else 4096]
    if data.startswith(WIDE_BOMS) or (head and head.count(b"\x00") * 3 >= len(head)):
        raise InputError(Problem(source, 1, "", "text in UTF-16 or UTF-32 (NUL bytes between characters)",
                                 "text in UTF-8 or Windows-1252 (save the file as CSV UTF-8)"))
    if data.startswith(UTF8_BOM):
        encoding, body = "utf-8-sig", data[len(UTF8_BOM):]
    else:
        encoding, body = "utf-8", data
    try:
        return body.decode("utf-8"), encoding
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as error:
        raise InputError(Problem(source, 1, "", f"undecodable byte at offset {error.start}",
                                 "text in UTF-8 or Windows-1252")) from None


def text_lines(text: str) -> Iterator[str]:
    """The lines of `text`, line ends kept, one at a time (a StringIO would copy all of it, 4 bytes a character)."""
    start = 0
    for line_end in LINE_END.finditer(text):
        yield text[start:line_end.end()]
        start = line_end.end()
    if start < len(text):
        yield text[start:]


def detect_delimiter(text: str) -> tuple[str, list[str]]:
    """Pick `,` or `;`: whichever splits the header record into more fields."""
    best: tuple[int, str, list[str]] | None = None
    for delimiter in DELIMITERS:
        try:
            header = next(csv.reader(text_lines(text), delimiter=delimiter), [])
        except csv.Error:
            continue
        if best is None or len(header) > best[0]:
            best = (len(header), delimiter, header)
    if best is None:
        return ",", []
    return best[1], best[2]


def _read_csv(data: bytes, source: str, column_map: dict[str, str]) -> RawTable:
    text, encoding = decode_csv_bytes(data, source)
    if not text or text.isspace():
        raise _empty_file(source)
    delimiter, header = detect_delimiter(text)
    if not header or all(not cell.strip() for cell in header):
        raise _empty_file(source)
    check_quotes(text, delimiter, source)
    names = normalise_header(header, column_map, source)
    ragged: list[int] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        ragged.append(row.number or 0)
        return "skip"

    positional = [f"c{i}" for i in range(len(names))]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(_utf8_body(data, text, encoding)),
            read_options=pacsv.ReadOptions(column_names=positional, skip_rows=1, use_threads=True,
                                           block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in positional},
                                                 strings_can_be_null=False,
                                                 quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
        raise InputError(Problem(source, 1, "", quote_value(str(error).splitlines()[0]),
                                 "a well-formed CSV file")) from None
    if ragged:
        raise InputError(_ragged_records(text, delimiter, names, source))
    columns = {
        name: pc.utf8_trim_whitespace(table.column(position)).to_pandas()
        for position, name in enumerate(names)
    }
    frame = pd.DataFrame(columns)
    dialect = {"format": "csv", "encoding": encoding, "delimiter": delimiter, "rows": len(frame)}
    return RawTable(source, frame, dialect, _sha256(data))


def _utf8_body(data: bytes, text: str, encoding: str) -> pa.Buffer:
    """The file as UTF-8 for Arrow, ending with a line end; the file's own bytes (no copy) when they are UTF-8."""
    if encoding == "utf-8":
        body = pa.py_buffer(data)
    elif encoding == "utf-8-sig":
        body = pa.py_buffer(data).slice(len(UTF8_BOM))
    else:
        body = pa.py_buffer(text.encode("utf-8"))
    if not text.endswith(("\n", "\r")):  # Arrow cannot skip a header row that has no line end (a header-only file)
        body = pa.py_buffer(body.to_pybytes() + b"\n")
    return body


def _ragged_records(text: str, delimiter: str, names: list[str], source: str) -> list[Problem]:
    """Re-read with the csv module to name ragged records by record number (error path only).

    Blank lines are not records (Arrow skips them too), so numbers match the
    rows reported for cell problems. The column named is the first one the
    record has no field for, or the 1-based position of its first extra field.
    """
    width = len(names)
    problems = []
    records = (record for record in csv.reader(text_lines(text), delimiter=delimiter) if record)
    try:
        for number, record in enumerate(records, start=1):
            if number > 1 and len(record) != width:
                column = names[len(record)] if len(record) < width else str(width + 1)
                problems.append(Problem(source, number, column, f"{len(record)} field{'' if len(record) == 1 else 's'}",
                                        f"{width} fields, as in the header (quote values that contain {delimiter!r})"))
    except csv.Error:  # e.g. a field beyond the csv module's size limit: report what was found so far
        pass
    return problems or [Problem(source, 1, "", "records of uneven width", f"{width} fields per record")]


# ---------------------------------------------------------------- XLSX

def _read_xlsx(data: bytes, sheet: str | None, source: str, column_map: dict[str, str]) -> RawTable:
    try:
        title, rows = _xlsx_rows(data, sheet, source)
    except InputError:
        raise
    except Exception as error:  # a damaged archive fails anywhere (opening, a member's CRC, a cell): all unreadable
        raise InputError(Problem(source, 1, "", quote_value(f"{type(error).__name__}: {error}"),
                                 "a readable XLSX workbook")) from None
    while rows and all(cell is None or str(cell).strip() == "" for cell in rows[-1]):
        rows.pop()
    if not rows or all(cell is None for cell in rows[0]):
        raise _empty_file(source)
    header = rows[0]
    width = max(i + 1 for i, cell in enumerate(header) if cell is not None)
    names = normalise_header([("" if c is None else str(c)) for c in header[:width]], column_map, source)
    body = [(row + [None] * width)[:width] for row in rows[1:]]
    frame = pd.DataFrame(body, columns=names, dtype=object)
    frame = frame.map(lambda v: "" if v is None else v)
    dialect = {"format": "xlsx", "sheet": title, "rows": len(frame)}
    return RawTable(source, _trim_text_columns(frame), dialect, _sha256(data))


def _xlsx_rows(data: bytes, sheet: str | None, source: str) -> tuple[str, list[list[Any]]]:
    """The title and cell values of the sheet to read (the first, unless named)."""
    import openpyxl  # imported here: only XLSX inputs pay for it

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        if not book.worksheets:
            raise InputError(Problem(source, 1, "", "a workbook without a sheet", "a sheet of holdings or records"))
        if sheet is not None and sheet not in book.sheetnames:
            raise InputError(Problem(source, 1, "", quote_value(sheet), f"a sheet among {', '.join(book.sheetnames)}"))
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        worksheet.reset_dimensions()  # some writers record a wrong used range (e.g. A1); read every cell
        return worksheet.title, [list(row) for row in worksheet.iter_rows(values_only=True)]
    finally:
        book.close()


# ---------------------------------------------------------------- Parquet

def parquet() -> ModuleType:
    """`pyarrow.parquet`, loaded on first use: a run on CSV or XLSX files never pays for its import."""
    import pyarrow.parquet

    return pyarrow.parquet


def _read_parquet(data: bytes, source: str, column_map: dict[str, str]) -> RawTable:
    try:
        table = parquet().read_table(pa.BufferReader(data))
        if table.num_columns == 0:
            raise _empty_file(source)
        frame = _parquet_frame(table, normalise_header(table.column_names, column_map, source))
    except InputError:
        raise
    except Exception as error:  # a damaged file fails anywhere (footer, a page, a column's values): all unreadable
        raise _unreadable_parquet(source, error) from None
    dialect = {"format": "parquet", "rows": len(frame)}
    return RawTable(source, frame, dialect, _sha256(data))


def parquet_rows(location: str | Path) -> int | None:
    """The number of rows a Parquet file's footer declares; None for any other input or an unreadable footer."""
    if isinstance(location, pd.DataFrame) or Path(str(location)).suffix.lower() not in (".parquet", ".pq"):
        return None
    try:
        return parquet().ParquetFile(str(location)).metadata.num_rows
    except Exception:  # unreadable: the whole-file reader reports it
        return None


def parquet_batches(location: str | Path, column_map: dict[str, str],
                    batch_rows: int) -> tuple[RawTable, Iterator[pd.DataFrame]]:
    """A large Parquet file read `batch_rows` rows at a time: its `RawTable` (no cells) and its cells, batch by batch.

    The cells are those `read_table` gives, in the same order; the hash is
    the file's, read in blocks, so the file is never in memory at once.
    """
    path = Path(str(location))
    source = path.name
    try:
        file = parquet().ParquetFile(str(path))
        if not file.schema_arrow.names:
            raise _empty_file(source)
        names = normalise_header(file.schema_arrow.names, column_map, source)
        empty = _parquet_frame(file.schema_arrow.empty_table(), names)
    except InputError:
        raise
    except Exception as error:
        raise _unreadable_parquet(source, error) from None
    raw = RawTable(source, empty, {"format": "parquet", "rows": file.metadata.num_rows}, _sha256_file(path), path)

    def batches() -> Iterator[pd.DataFrame]:
        try:
            for batch in file.iter_batches(batch_size=batch_rows):
                yield _parquet_frame(pa.Table.from_batches([batch]), names)
        except Exception as error:
            raise _unreadable_parquet(source, error) from None

    return raw, batches()


def read_ahead(items: Iterator[T]) -> Iterator[T]:
    """The items of `items`, made on a helper thread from now on, one ahead of the caller.

    A large Parquet file's batches are decoded (which releases the GIL) and
    validated there: the first while the issuer files are read, each next
    one while the engine computes the one before. The thread is a daemon: a
    run that stops early (an error, Ctrl-C) does not wait for it.
    """
    ready: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)

    def make() -> None:
        try:
            for item in items:
                ready.put((True, item))
            ready.put((False, None))
        except BaseException as error:  # handed to the caller, raised there
            ready.put((False, error))

    def taken() -> Iterator[T]:
        while True:
            more, item = ready.get()
            if not more:
                if item is not None:
                    raise item
                return
            yield item

    threading.Thread(target=make, name="read-ahead", daemon=True).start()
    return taken()


def _parquet_frame(table: pa.Table, names: list[str]) -> pd.DataFrame:
    """Parquet columns as raw cells under their normalised names: text trimmed, dates as datetime64."""
    columns = {}
    for position, name in enumerate(names):
        column = _plain(table.column(position))
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            column = pc.utf8_trim_whitespace(column)
        columns[name] = column.to_pandas(date_as_object=False)  # dates as datetime64, not Python objects
    return pd.DataFrame(columns)


def _unreadable_parquet(source: str, error: Exception) -> InputError:
    return InputError(Problem(source, 1, "", quote_value(str(error).splitlines()[0] if str(error) else
                                                        type(error).__name__), "a readable Parquet file"))


def _plain(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A column of a type the schemas read (text, number, bool, date, null); any other becomes text."""
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        try:
            column.validate(full=True)
        except pa.ArrowInvalid:  # text that is not UTF-8: read as bytes, shown as Python shows bytes
            return _plain(column.cast(pa.binary() if pa.types.is_string(kind) else pa.large_binary()))
    if pa.types.is_dictionary(kind):
        return _plain(column.cast(kind.value_type))
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        try:
            return column.cast(pa.string())
        except pa.ArrowInvalid:  # not UTF-8: shown as Python shows bytes
            pass
    elif (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_integer(kind)
          or pa.types.is_floating(kind) or pa.types.is_boolean(kind) or pa.types.is_date(kind)
          or pa.types.is_timestamp(kind) or pa.types.is_null(kind)):
        return column
    return pa.chunked_array([pa.array([None if v is None else str(v) for v in column.to_pylist()], pa.string())])


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()

"""`report.xlsx` for the finance directorate: a cover, then one sheet per output table.

The table sheets are the CSV files again (same columns, rows and order; the
contract's column names, which auditors join on), with the spreadsheet
comforts added: frozen header, filters, number formats carrying the unit and
widths that fit what is shown. The cells hold the exact doubles, so reading
the workbook back gives the CSV values; only the display rounds.

Five choices a reader would otherwise puzzle over:
- The company temperature scores sheet shows the latest snapshot only, under
  a note: the directorate reads the scores at the reporting date, and the
  whole history (nine scores per issuer and snapshot: 79k rows on the
  sample, three fifths of the workbook's cells and of its writing time)
  stays in temperature.csv; the portfolio scores sheet keeps every snapshot.
- xlsxwriter in constant-memory mode streams the rows to a temporary file
  (here as ready XML, CHUNK_ROWS at a time, rendered by Arrow kernels:
  `write_rows`), so a contributions table of millions of rows never sits in
  memory as cells, and it writes several times faster than openpyxl (which
  stays the reader of XLSX inputs). Excel stops at 1,048,576
  rows a sheet: a longer table keeps its largest rows (by financed emissions
  for contributions, the first ones otherwise) and says so in a note above
  its header; the CSV keeps everything.
- Widths are computed from the formatted values before the rows are written
  (`workbook_cells.column_texts`): a column is as wide as its longest shown
  value, so no cell shows `####`.
- The file is a function of the Result alone: the document dates are the
  latest snapshot date, not the clock, and xlsxwriter stamps every zip entry
  with one fixed time, so two writes of one Result are byte-identical, as
  the run folder's other files are.
- The zip entries are deflated at zlib level 1, not xlsxwriter's fixed
  default (6): the table sheets are tens of megabytes of very repetitive
  XML, which level 1 deflates three times faster for a file about a quarter
  larger (`_close`).
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import xlsxwriter.workbook
from xlsxwriter.workbook import Workbook

from holdings.text_bytes import cell_bytes
from reports.csv_files import NOTHING
from reports.selections import FOOTPRINT
from reports.workbook_cells import (DATE_FORMAT, ExactSheet, Styles, column_letter, column_texts, excel_serial,
                                    fitted_width, inert, number_format, xml_text)
from reports.workbook_cover import SheetCount, labels, latest_snapshot, write_cover

if TYPE_CHECKING:
    from portfolio import Result

MAX_ROWS = 1_048_576  # Excel's rows per sheet, header (and note) rows included
CHUNK_ROWS = 10_000  # rows turned into XML at a time: bounds the memory held outside the frame
SPACE = ' xml:space="preserve"'  # keeps a text's leading or trailing spaces
EPOCH = dt.datetime(1980, 1, 1)  # the document time of a run without snapshots
ZIP_LEVEL = 1  # zlib level of the xlsx entries: see `_close`
ZIP_SWAP = threading.Lock()  # one `_close` at a time swaps xlsxwriter's ZipFile
# large_string like every piece a row join takes (Arrow joins no string with a large_string)
ROW_OPEN, TAG_CLOSE, ROW_CLOSE = (pa.scalar(text, pa.large_string()) for text in ('<row r="', '">', "</row>"))


@dataclass(frozen=True)
class TableSheet:
    """One table sheet: the Result frame of that name, the units of its numbers, which rows a cut keeps."""

    name: str
    by_metric: tuple[str, ...] = ()  # columns measured in the unit of the row's `metric`
    units: Mapping[str, str] = field(default_factory=dict)  # column -> name whose unit suffix formats it
    rank_by: str | None = None  # a cut keeps the largest of this column; None: the first rows
    latest_only: bool = False  # only the rows of the latest `as_of`; the CSV keeps every snapshot

    def rows(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows the sheet draws from: all, or those of the latest snapshot."""
        if not self.latest_only or frame.empty:
            return frame
        return frame[frame["as_of"] == frame["as_of"].max()]

    def column_format(self, column: str) -> str:
        """The number format of a column as a whole (General for those measured in their row's metric)."""
        return number_format(self.units.get(column, column))

    def formats(self, frame: pd.DataFrame, column: str) -> str | pd.Series:
        """The number format of a column, or one per row when the unit is the row's metric's."""
        if column in self.by_metric:
            return frame["metric"].map(number_format)
        return self.column_format(column)


TABLE_SHEETS = (
    TableSheet("metrics", by_metric=("value",)),
    TableSheet("pai", by_metric=("value",)),
    TableSheet("trajectory", by_metric=("actual", "path")),
    TableSheet("attribution", units={"value": FOOTPRINT}),
    TableSheet("attribution_issuers",
               units=dict.fromkeys(("allocation", "emissions", "evic", "coverage", "total"), FOOTPRINT)),
    TableSheet("drift", by_metric=("actual", "path")),
    TableSheet("projection", by_metric=("projected", "lower_80", "upper_80", "lower_95", "upper_95", "path")),
    TableSheet("contributions", rank_by="financed_emissions_tco2e"),
    TableSheet("warnings"),
    TableSheet("temperature", latest_only=True),  # company scores; this and the next only when the run has targets
    TableSheet("temperature_portfolio"),
)


def write_workbook(result: Result, path: Path, lang: str = "fr", max_rows: int = MAX_ROWS) -> None:
    """Write the cover and every table sheet of `result` to the xlsx file `path` (cover in `lang`: fr or en)."""
    words = labels(lang)
    if max_rows < 3:
        raise ValueError(f"max_rows must leave room for a note, a header and one row; got {max_rows}")
    frames = [(sheet, getattr(result, sheet.name)) for sheet in TABLE_SHEETS
              if getattr(result, sheet.name) is not None]
    tables = [(sheet, sheet.rows(frame)) for sheet, frame in frames]
    counts = [SheetCount(sheet.name, len(frame), rows_shown(len(rows), max_rows))
              for (sheet, frame), (_, rows) in zip(frames, tables)]
    workbook = Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                    "strings_to_formulas": False, "strings_to_urls": False})
    stamp = _document_time(result)
    workbook.set_properties({"title": words["title"], "author": "portfolio", "created": stamp})
    styles = Styles(workbook)
    write_cover(workbook.add_worksheet(words["cover_sheet"], worksheet_class=ExactSheet), result, counts, lang,
                styles)
    for (sheet, frame), count in zip(tables, counts):
        _write_table(workbook.add_worksheet(sheet.name, worksheet_class=ExactSheet), sheet, frame, count, words,
                     styles)
    _close(workbook)


def _close(workbook: Workbook) -> None:
    """Close the workbook, its zip entries deflated at ZIP_LEVEL (xlsxwriter has no option: its ZipFile is swapped).

    On the sample, level 1 deflates the 60 MB of sheet XML in about 0.2 s
    instead of 0.65 s, for 8.6 MB instead of 6.8 MB; the entries' contents
    are the same bytes. The lock keeps concurrent closes from restoring each
    other's swap.
    """
    with ZIP_SWAP:
        original = xlsxwriter.workbook.ZipFile
        xlsxwriter.workbook.ZipFile = functools.partial(original, compresslevel=ZIP_LEVEL)
        try:
            workbook.close()
        finally:
            xlsxwriter.workbook.ZipFile = original


def rows_shown(total: int, max_rows: int) -> int:
    """Data rows a sheet shows: all if they fit under the header, else what fits under a note and the header."""
    return total if total + 1 <= max_rows else max_rows - 2


def kept_rows(frame: pd.DataFrame, rank_by: str | None, shown: int) -> pd.DataFrame:
    """The rows a cut sheet keeps, in file order: the `shown` largest of `rank_by` (ties: file order), or the first."""
    if shown == len(frame):
        return frame
    if rank_by is None:
        return frame.iloc[:shown]
    values = np.nan_to_num(frame[rank_by].to_numpy(dtype="float64"), nan=-np.inf)
    return frame.iloc[np.sort(np.argsort(-values, kind="stable")[:shown])]


def _write_table(ws: ExactSheet, sheet: TableSheet, frame: pd.DataFrame, count: SheetCount, words: dict[str, str],
                 styles: Styles) -> None:
    """One table sheet: widths, optional cut note, header, then the rows in chunks of CHUNK_ROWS."""
    shown = kept_rows(frame, sheet.rank_by, count.shown)
    header_row = 0 if count.shown == count.total else 1
    formats = {column: sheet.formats(shown, column) for column in shown.columns}
    for index, column in enumerate(shown.columns):
        width = fitted_width(column_texts(shown[column], formats[column]), str(column), filter_button=True)
        ws.set_column(index, index, width)
    ws.freeze_panes(header_row + 1, 0)
    ws.autofilter(header_row, 0, header_row + len(shown), max(len(shown.columns) - 1, 0))
    if header_row == 1:
        ws.write_string(0, 0, _cut_note(sheet, frame, count, words), styles(bold=True, italic=True, red=True))
    for index, column in enumerate(shown.columns):
        ws.write_string(header_row, index, inert(str(column)), styles(bold=True))
    write_rows(ws, shown, formats, styles, header_row + 1)


def write_rows(ws: ExactSheet, frame: pd.DataFrame, formats: Mapping[str, str | pd.Series], styles: Styles,
               first_row: int) -> None:
    """The frame's rows from `first_row` (0-based) on, as XML built by Arrow kernels, CHUNK_ROWS at a time."""
    letters = [column_letter(index) for index in range(len(frame.columns))]
    for start in range(0, len(frame), CHUNK_ROWS):
        chunk = frame.iloc[start:start + CHUNK_ROWS]
        first = first_row + start
        numbers = pc.cast(pa.array(np.arange(first + 1, first + 1 + len(chunk))), pa.large_string())  # 1-based
        cells = [piece for letter, column in zip(letters, chunk.columns)
                 for piece in _column_cells(chunk[column], _chunk_formats(formats[column], start, len(chunk)), styles,
                                           letter, numbers)]
        rows = pc.binary_join_element_wise(ROW_OPEN, numbers, TAG_CLOSE, *cells, ROW_CLOSE, NOTHING,
                                           null_handling="replace")  # an empty cell is no element
        ws.write_xml_rows(first, cell_bytes(rows), len(chunk), len(chunk.columns) - 1)


def _chunk_formats(formats: str | pd.Series, start: int, rows: int) -> str | pd.Series:
    """The formats of a chunk's rows: the column's one, or the chunk's slice of the per-row ones."""
    return formats if isinstance(formats, str) else formats.iloc[start:start + rows]


def _column_cells(series: pd.Series, formats: str | pd.Series, styles: Styles, letter: str,
                 numbers: pa.Array) -> tuple[pa.Array, pa.Array]:
    """A chunk of one column's `<c>` elements in two pieces, `<c r="B12` and the rest, both null for empty cells.

    The row join lays the pieces side by side, so each cell's bytes are copied
    once; the rest is rendered once per distinct value in Python and repeated
    down the rows by Arrow (snapshots, scopes and time frames repeat the same figures and labels).
    """
    tails = _cell_tails(series, formats, styles)
    references = pc.binary_join_element_wise(pa.scalar(f'<c r="{letter}', pa.large_string()), numbers, NOTHING)
    return (pc.if_else(pc.is_valid(tails), references, None) if tails.null_count else references), tails


def _cell_tails(series: pd.Series, formats: str | pd.Series, styles: Styles) -> pa.Array:
    """Each cell of a column chunk after its reference, typed by the column's dtype (null for an empty cell)."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return _number_tails(excel_serial(series).to_numpy(dtype="float64", na_value=np.nan), DATE_FORMAT, styles)
    if pd.api.types.is_bool_dtype(series.dtype):
        codes, uniques = pd.factorize(series)
        return _take([f'" t="b"><v>{int(value)}</v></c>' for value in uniques], codes)
    if pd.api.types.is_numeric_dtype(series.dtype):
        return _number_tails(series.to_numpy(dtype="float64", na_value=np.nan), formats, styles)
    codes, uniques = pd.factorize(series)
    return _take([f'" t="inlineStr"><is><t{SPACE if value != value.strip() else ""}>{xml_text(value)}</t></is></c>'
                  if isinstance(value, str) and value else None for value in uniques], codes)


def _number_tails(values: np.ndarray, formats: str | pd.Series, styles: Styles) -> pa.Array:
    """Number cells after their reference: style, then value in its shortest round-trip form (null unless finite).

    Values are told apart by their bits (`-0.0` is not `0.0`), and formats are
    registered in first-seen order, never a set's: styles.xml is the same bytes in every process.
    """
    finite = np.isfinite(values)
    codes = np.full(len(values), -1)
    codes[finite], uniques = pd.factorize(values[finite].view(np.int64))
    texts = [f"{value!r}</v></c>" for value in uniques.view(np.float64).tolist()]
    if isinstance(formats, str):
        opening = _style_opening(styles, formats)
        return _take([opening + text for text in texts], codes)
    format_codes, distinct_formats = pd.factorize(formats)
    openings = _take([_style_opening(styles, fmt) for fmt in distinct_formats], format_codes)
    return pc.binary_join_element_wise(openings, _take(texts, codes), NOTHING)


def _style_opening(styles: Styles, fmt: str) -> str:
    """A number cell's style attribute and value tag opening, for a number format."""
    return f'" s="{styles(fmt)._get_xf_index()}"><v>'


def _take(texts: list[str | None], codes: np.ndarray) -> pa.Array:
    """`texts[code]` for each code, null where the code is -1 (or the text None)."""
    return pc.take(pa.array(texts, pa.large_string()), pa.array(codes, mask=codes < 0))


def _cut_note(sheet: TableSheet, frame: pd.DataFrame, count: SheetCount, words: dict[str, str]) -> str:
    """The note above a cut sheet's header: how many rows it shows, which ones, and where the rest is."""
    shown, total = (f"{number:,}".replace(",", words["thousands"]) for number in (count.shown, count.total))
    if sheet.latest_only:
        date = frame["as_of"].max().strftime("%Y-%m-%d")
        note = "latest_note" if count.shown == len(frame) else "latest_cut_note"
        return words[note].format(shown=shown, total=total, date=date, file=f"{sheet.name}.csv")
    which = words["cut_largest"].format(column=sheet.rank_by) if sheet.rank_by else words["cut_first"]
    return words["cut_note"].format(shown=shown, total=total, which=which, file=f"{sheet.name}.csv")


def _document_time(result: Result) -> dt.datetime:
    """The workbook's created time: midnight of the latest snapshot, so reruns give the same bytes."""
    latest = latest_snapshot(result)
    return EPOCH if pd.isna(latest) else dt.datetime(latest.year, latest.month, latest.day)

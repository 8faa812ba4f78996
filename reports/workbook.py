"""`report.xlsx` for the finance directorate: a cover, then one sheet per output table.

The table sheets are the CSV files again (same columns, rows and order; the
contract's column names, which auditors join on), with the spreadsheet
comforts added: frozen header, filters, widths and number formats carrying
the unit. The cells hold the exact doubles, so reading the workbook back
gives the CSV values; only the display rounds.

Two choices a reader would otherwise puzzle over:
- openpyxl's write-only mode streams rows to a temporary file, so a
  contributions table of millions of rows never sits in memory as cells.
  Excel stops at 1,048,576 rows a sheet: a longer table keeps its largest
  rows (by financed emissions for contributions, the first ones otherwise)
  and says so in a note above its header; the CSV keeps everything.
- The file is a function of the Result alone: the document dates are the
  latest snapshot date, not the clock, and every zip entry carries that same
  timestamp (openpyxl would stamp the time of writing), so two writes of one
  Result are byte-identical, as the run folder's other files are.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from reports.workbook_cells import HEADER_FONT, NOTE_FONT, column_cells, column_width, number_format, text_cell
from reports.workbook_cover import SheetCount, labels, latest_snapshot, write_cover

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    from portfolio.run import Result

MAX_ROWS = 1_048_576  # Excel's rows per sheet, header (and note) rows included
CHUNK_ROWS = 2_000  # rows turned into cells at a time: bounds the memory held in cell objects
ZIP_EPOCH = dt.datetime(1980, 1, 1)  # the earliest time a zip entry can carry
FOOTPRINT = "carbon_footprint_tco2e_per_meur"


@dataclass(frozen=True)
class TableSheet:
    """One table sheet: the Result frame of that name, the units of its numbers, which rows a cut keeps."""

    name: str
    by_metric: tuple[str, ...] = ()  # columns measured in the unit of the row's `metric`
    units: Mapping[str, str] = field(default_factory=dict)  # column -> name whose unit suffix formats it
    rank_by: str | None = None  # a cut keeps the largest of this column; None: the first rows

    def column_format(self, column: str) -> str:
        """The number format of a column as a whole (General for those measured in their row's metric)."""
        return number_format(self.units.get(column, column))

    def formats(self, chunk: pd.DataFrame, column: str) -> str | list[str]:
        """The number format of a column, or one per row when the unit is the row's metric's."""
        if column in self.by_metric:
            return chunk["metric"].map(number_format).tolist()
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
    TableSheet("temperature"),  # company scores; this and the next only when the run was given targets
    TableSheet("temperature_portfolio"),
)


def write_workbook(result: Result, path: Path, lang: str = "fr", max_rows: int = MAX_ROWS) -> None:
    """Write the cover and every table sheet of `result` to the xlsx file `path` (cover in `lang`: fr or en)."""
    words = labels(lang)
    if max_rows < 3:
        raise ValueError(f"max_rows must leave room for a note, a header and one row; got {max_rows}")
    tables = [(sheet, getattr(result, sheet.name)) for sheet in TABLE_SHEETS
              if getattr(result, sheet.name) is not None]
    counts = [SheetCount(sheet.name, len(frame), rows_shown(len(frame), max_rows)) for sheet, frame in tables]
    stamp = _document_time(result)
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "portfolio"
    workbook.properties.title = words["title"]
    workbook.properties.created = workbook.properties.modified = stamp
    write_cover(workbook.create_sheet(words["cover_sheet"]), result, counts, lang)
    for (sheet, frame), count in zip(tables, counts):
        _write_table(workbook.create_sheet(sheet.name), sheet, frame, count, words)
    with FixedTimeZip(Path(path), max(stamp, ZIP_EPOCH)) as archive:
        ExcelWriter(workbook, archive).save()


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


def _write_table(ws: WriteOnlyWorksheet, sheet: TableSheet, frame: pd.DataFrame, count: SheetCount,
                 words: dict[str, str]) -> None:
    """One table sheet: optional cut note, header, then the rows in chunks of CHUNK_ROWS."""
    shown = kept_rows(frame, sheet.rank_by, count.shown)
    header_row = 1 if count.shown == count.total else 2
    _lay_out(ws, sheet, shown, header_row)
    if header_row == 2:
        ws.append([text_cell(ws, _cut_note(sheet, count, words), NOTE_FONT)])
    ws.append([text_cell(ws, str(column), HEADER_FONT) for column in frame.columns])
    for start in range(0, len(shown), CHUNK_ROWS):
        chunk = shown.iloc[start:start + CHUNK_ROWS]
        columns = [column_cells(ws, chunk[column], sheet.formats(chunk, column)) for column in chunk.columns]
        for row in zip(*columns):
            ws.append(row)


def _cut_note(sheet: TableSheet, count: SheetCount, words: dict[str, str]) -> str:
    """The note above a cut sheet's header: how many rows it shows, which ones, and where the rest is."""
    which = words["cut_largest"].format(column=sheet.rank_by) if sheet.rank_by else words["cut_first"]
    shown, total = (f"{number:,}".replace(",", words["thousands"]) for number in (count.shown, count.total))
    return words["cut_note"].format(shown=shown, total=total, which=which, file=f"{sheet.name}.csv")


def _lay_out(ws: WriteOnlyWorksheet, sheet: TableSheet, shown: pd.DataFrame, header_row: int) -> None:
    """Column widths, frozen header and filter: write-only sheets need them before the first row."""
    for index, column in enumerate(shown.columns, start=1):
        width = column_width(str(column), shown[column], sheet.column_format(column))
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = f"A{header_row + 1}"
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(shown.columns))}{header_row + len(shown)}"


def _document_time(result: Result) -> dt.datetime:
    """The workbook's created/modified time: midnight of the latest snapshot, so reruns give the same bytes."""
    latest = latest_snapshot(result)
    return ZIP_EPOCH if pd.isna(latest) else dt.datetime(latest.year, latest.month, latest.day)


class FixedTimeZip(zipfile.ZipFile):
    """A deflated zip whose every entry carries one timestamp and fixed attributes, whatever the clock says.

    openpyxl's `ExcelWriter` adds entries with `writestr` (stamped with the
    current time) and `write` (stamped with the temporary file's mtime); both
    are overridden here, `write` streaming the file so big sheets stay on disk.
    """

    def __init__(self, path: Path, moment: dt.datetime) -> None:
        super().__init__(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.moment = moment.timetuple()[:6]

    def _entry(self, name: str) -> zipfile.ZipInfo:
        """The header of one entry: the fixed timestamp, deflated, Unix owner-only permissions."""
        info = zipfile.ZipInfo(name, self.moment)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = 3
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname: str | zipfile.ZipInfo, data: str | bytes,
                 compress_type: int | None = None, compresslevel: int | None = None) -> None:
        """Add an entry from memory, with the fixed timestamp."""
        name = zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, zipfile.ZipInfo) else zinfo_or_arcname
        super().writestr(self._entry(name), data)

    def write(self, filename: str | os.PathLike[str], arcname: str | None = None,
              compress_type: int | None = None, compresslevel: int | None = None) -> None:
        """Add an entry from a file, streamed, with the fixed timestamp."""
        info = self._entry(arcname or os.fspath(filename))
        info.file_size = os.path.getsize(filename)  # lets zipfile choose ZIP64 for a big sheet up front
        with open(filename, "rb") as source, self.open(info, "w") as target:
            shutil.copyfileobj(source, target, 1 << 20)

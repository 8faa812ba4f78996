"""Workbook cells: exact numbers, inert text, real dates, and number formats read from unit names.

openpyxl infers a cell's type from its Python value, which is wrong for us
twice over: a text starting with `=` becomes a formula (and `#N/A` an error
cell), and a float is written with 16 significant digits, one short of what
reads back as the same double. So every cell is built here by assigning the
value and then stating its type: text is always `s`, and a number is handed
over as its shortest round-trip text (`repr`) with type `n`. Dates are
numbers too (Excel serial days) with a date format, which is what a date cell
is in a workbook. A number's format comes from the unit at the end of its
name (`_eur`, `_tco2e`, `_per_meur`, `_share`...), the project's naming rule.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from itertools import repeat
from typing import TYPE_CHECKING

import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

DATE_FORMAT = "yyyy-mm-dd"
GENERAL = "General"
PERCENT = "0.0%"
# Longest suffix first: the first suffix a name ends with gives its format.
UNIT_FORMATS = (
    ("_per_meur_revenue", '#,##0.00 "tCO2e/MEUR revenue"'),
    ("_per_meur_gdp", '#,##0.00 "tCO2e/MEUR GDP"'),
    ("_per_meur", '#,##0.00 "tCO2e/MEUR"'),
    ("_tco2e", '#,##0.00 "tCO2e"'),
    ("_eur", '#,##0 "EUR"'),
    ("_ratio", PERCENT),
    ("_share", PERCENT),
    ("drift", PERCENT),
    ("_score", "0.00"),
    ("years_ahead", "0.00"),
)
EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # serial day 0 of the 1900 date system, exact from 1900-03-01 on
ONE_DAY = pd.Timedelta(days=1)
# XML 1.0 cannot hold these control characters, and parsers turn CR into LF: Excel's own
# escape `_xHHHH_` carries them; a literal `_xHHHH_` in the text is escaped in turn (`_x005F_`).
ESCAPED = re.compile(r"_x[0-9A-Fa-f]{4}_|[\x00-\x08\x0b\x0c\r\x0e-\x1f]")
HEADER_FONT = Font(bold=True)
NOTE_FONT = Font(bold=True, italic=True, color="C00000")
WIDTH_SAMPLE = 2_000
MIN_WIDTH, MAX_WIDTH = 8, 60

CellValue = Cell | bool | int | None


def number_format(name: str) -> str:
    """The display format of a figure named `name` (a column or a metric), by its unit suffix."""
    return next((fmt for suffix, fmt in UNIT_FORMATS if name.endswith(suffix)), GENERAL)


def _escaped(match: re.Match[str]) -> str:
    """Excel's escape of one control character, or of a literal escape-lookalike (see ESCAPED)."""
    found = match.group()
    return "_x005F" + found if len(found) > 1 else f"_x{ord(found):04X}_"


def text_cell(ws: WriteOnlyWorksheet, text: str, font: Font | None = None) -> Cell:
    """A cell Excel shows as exactly this text: never a formula, an error code or a number."""
    cell = WriteOnlyCell(ws, ESCAPED.sub(_escaped, text))
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def number_cell(ws: WriteOnlyWorksheet, value: float | int, fmt: str = GENERAL) -> Cell:
    """A numeric cell holding this exact double, shown with `fmt`; infinities, which Excel lacks, as text."""
    if not math.isfinite(value):
        return text_cell(ws, repr(value))
    cell = WriteOnlyCell(ws, repr(value) if isinstance(value, int) else repr(float(value)))
    cell.data_type = "n"
    cell.number_format = fmt
    return cell


def excel_serial(moments: pd.Timestamp | pd.Series) -> float | pd.Series:
    """Excel's serial day numbers of dates or date-times (1900 date system); NaT gives NaN."""
    return (moments - EXCEL_EPOCH) / ONE_DAY


def scalar_cell(ws: WriteOnlyWorksheet, value: object, fmt: str = GENERAL) -> CellValue:
    """One loose value (cover sheet) as a cell: text, number, date or boolean; None, NaN and "" stay empty."""
    if value is None or value is pd.NaT or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        return text_cell(ws, value)
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return number_cell(ws, value, fmt)
    return number_cell(ws, excel_serial(pd.Timestamp(value)), DATE_FORMAT)


def column_cells(ws: WriteOnlyWorksheet, series: pd.Series, formats: str | Sequence[str]) -> list[CellValue]:
    """One column of a table as `append`-ready values; `formats` is the column's number format or one per row."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        serials = excel_serial(series).tolist()
        return [number_cell(ws, s, DATE_FORMAT) if s == s else None for s in serials]
    if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_integer_dtype(series.dtype):
        return [None if value is pd.NA else value for value in series.astype(object).tolist()]
    if pd.api.types.is_float_dtype(series.dtype):
        each = repeat(formats) if isinstance(formats, str) else formats
        return [number_cell(ws, v, f) if v == v else None for v, f in zip(series.tolist(), each)]
    return [text_cell(ws, str(v)) if not pd.isna(v) and v != "" else None for v in series.tolist()]


def column_width(header: str, series: pd.Series, fmt: str) -> float:
    """A column width (in characters) fitting the header, its filter button and typical values."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        content = len("yyyy-mm-dd")
    elif pd.api.types.is_float_dtype(series.dtype) or pd.api.types.is_integer_dtype(series.dtype):
        largest = pd.to_numeric(series, errors="coerce").abs().replace(math.inf, math.nan).max()
        unit = fmt.split('"')[1] if '"' in fmt else ""
        content = len(f"{0 if pd.isna(largest) else largest:,.2f}") + len(unit) + 1
    else:
        content = int(series.iloc[:WIDTH_SAMPLE].astype(str).str.len().fillna(0).max()) if len(series) else 0
    return float(min(MAX_WIDTH, max(MIN_WIDTH, len(header) + 3, content + 2)))

"""Workbook cells: exact numbers, inert text, real dates, number formats read from unit names, fitting widths.

Cells are written with xlsxwriter's typed calls only (`write_string`,
`write_number`, `write_boolean`), never its guessing `write()`, so a text
starting with `=` stays text and `#N/A` is not an error cell. xlsxwriter
writes a double with 16 significant digits, one short of what reads back as
the same double: `ExactSheet` writes its shortest round-trip form (`repr`).
Dates are numbers (Excel serial days) with a date format, which is what a
date cell is in a workbook. A number's format comes from the unit at the end
of its name (`_eur`, `_tco2e`, `_per_meur`, `_share`...), the project's
naming rule, and `display_text` says how Excel shows a value in that format,
so that column widths fit what is shown (no `####`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

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
FIXED = re.compile(r'^(#,##)?0(\.0+)?(%)?(?: "(.*)")?$')
GENERAL_DIGITS = 10  # Excel's General shows at most this many significant digits in a normal column
PADDING = 2  # characters of margin around a cell's text
FILTER_BUTTON = 3  # the header's filter button, in characters
MAX_WIDTH = 255  # Excel's widest column


class ExactSheet(Worksheet):
    """A worksheet that writes each double in its shortest round-trip form (xlsxwriter keeps 16 digits), and
    takes whole table rows as ready XML (`write_xml_rows`): xlsxwriter's per-cell path costs about 20 µs a cell
    here, ten times the XML itself, and a contributions sheet has millions of cells."""

    def _xml_number_element(self, number: float, attributes: list[tuple[str, object]] = []) -> None:  # noqa: B006
        attr = "".join(f' {key}="{self._escape_attributes(value)}"' for key, value in attributes)
        self.fh.write(f"<c{attr}><v>{float(number)!r}</v></c>")

    def write_xml_rows(self, first_row: int, rows: memoryview, count: int, last_col: int) -> None:
        """Append `count` ready `<row>` elements (UTF-8 bytes) for rows `first_row`.. (0-based), after all rows so far.

        Constant-memory mode only: the row xlsxwriter still holds is flushed
        first, then the rows' bytes go straight to its row-data file (under its
        text layer, flushed first: no decoding and encoding again), and the
        sheet's dimensions are widened to cover them.
        """
        if not count:
            return
        last_row = first_row + count - 1
        self._check_dimensions(first_row, 0)
        self._check_dimensions(last_row, last_col)
        self._write_single_row(first_row)
        self.fh.flush()
        self.fh.buffer.write(rows)
        self.previous_row = last_row + 1


class Styles:
    """xlsxwriter formats, made once per (number format, bold, italic, red, font size) and reused."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.made: dict[tuple[str, bool, bool, bool, int | None], object] = {}

    def __call__(self, number_format: str = GENERAL, bold: bool = False, italic: bool = False, red: bool = False,
                 size: int | None = None) -> object:
        key = (number_format, bold, italic, red, size)
        if key not in self.made:
            properties: dict[str, object] = {"num_format": number_format} if number_format != GENERAL else {}
            properties.update({name: True for name, on in (("bold", bold), ("italic", italic)) if on})
            if red:
                properties["font_color"] = "#C00000"
            if size:
                properties["font_size"] = size
            self.made[key] = self.workbook.add_format(properties)
        return self.made[key]


def xml_text(text: str) -> str:
    """Text for an inline-string cell: Excel's escape for control characters, then XML's for `&`, `<`, `>`."""
    return inert(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def column_letter(index: int) -> str:
    """`A` for column 0, `AB` for column 27."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def write_scalar(ws: Worksheet, row: int, col: int, value: object, styles: Styles, fmt: str = GENERAL,
                 **style: bool) -> str:
    """One loose value as a typed cell (text, number, date or boolean); None, NaN and "" stay empty.

    Returns the text Excel shows, for the column's width."""
    if value is None or value is pd.NaT or (isinstance(value, str) and value == "") \
            or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        ws.write_string(row, col, inert(value), styles(**style))
        return value
    if isinstance(value, bool):
        ws.write_boolean(row, col, value, styles(**style))
        return display_text(value)
    if isinstance(value, (int, float)):
        if not math.isfinite(value):  # Excel has no infinity: shown as text, as the CSV would write it
            return write_scalar(ws, row, col, repr(float(value)), styles, **style)
        ws.write_number(row, col, value, styles(fmt, **style))
        return display_text(value, fmt)
    ws.write_number(row, col, excel_serial(pd.Timestamp(value)), styles(DATE_FORMAT, **style))
    return display_text(value, DATE_FORMAT)


def number_format(name: str) -> str:
    """The display format of a figure named `name` (a column or a metric), by its unit suffix."""
    return next((fmt for suffix, fmt in UNIT_FORMATS if name.endswith(suffix)), GENERAL)


def _escaped(match: re.Match[str]) -> str:
    """Excel's escape of one control character, or of a literal escape-lookalike (see ESCAPED)."""
    found = match.group()
    return "_x005F" + found if len(found) > 1 else f"_x{ord(found):04X}_"


def inert(text: str) -> str:
    """Text as a cell holds it: control characters in Excel's escape (never a formula: see `write_text`)."""
    return ESCAPED.sub(_escaped, text)


def excel_serial(moments: pd.Timestamp | pd.Series) -> float | pd.Series:
    """Excel's serial day numbers of dates or date-times (1900 date system); NaT gives NaN."""
    return (moments - EXCEL_EPOCH) / ONE_DAY


def display_text(value: object, fmt: str = GENERAL) -> str:
    """The text Excel shows for `value` in the number format `fmt` (for widths; formats of this module only)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    if fmt == DATE_FORMAT:
        return "yyyy-mm-dd"
    number = float(value)
    match = FIXED.match(fmt)
    if match is None:  # General: up to GENERAL_DIGITS significant digits, scientific when large or tiny
        return f"{number:.{GENERAL_DIGITS}G}"
    grouped, decimals, percent, unit = match.groups()
    places = len(decimals) - 1 if decimals else 0
    shown = f"{number * (100 if percent else 1):{',' if grouped else ''}.{places}f}"
    return shown + ("%" if percent else "") + (f" {unit}" if unit else "")


def fitted_width(texts: Iterable[str], header: str = "", filter_button: bool = False) -> float:
    """A column width (characters) that shows the longest text and the header (with its filter button)."""
    longest = max((len(text) for text in texts), default=0)
    heading = len(header) + (FILTER_BUTTON if filter_button else 0) + 1 if header else 0
    return float(min(MAX_WIDTH, max(longest + PADDING, heading, 6)))


def column_texts(series: pd.Series, formats: str | pd.Series) -> list[str]:
    """The longest texts a column can show: a fixed-decimal number is longest at its extremes, text anywhere."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return ["yyyy-mm-dd"] if series.notna().any() else []
    if pd.api.types.is_bool_dtype(series.dtype):
        return ["FALSE"] if series.notna().any() else []
    if pd.api.types.is_numeric_dtype(series.dtype):
        return _number_texts(series.to_numpy(dtype="float64", na_value=np.nan), formats)
    lengths = series.dropna().astype(str).str.len()
    return ["x" * int(lengths.max())] if len(lengths) else []


def _number_texts(values: np.ndarray, formats: str | pd.Series) -> list[str]:
    """The longest texts of numbers in their formats: each fixed format's extremes, up to 5,000 General values."""
    if isinstance(formats, str):
        groups = [(formats, values)]
    else:
        codes, uniques = pd.factorize(formats)
        groups = [(fmt, values[codes == code]) for code, fmt in enumerate(uniques)]
    texts = []
    for fmt, group in groups:
        group = group[~np.isnan(group)]
        if fmt == GENERAL:
            texts += [display_text(value, fmt) for value in pd.unique(group)[:5000].tolist()]
        elif len(group):
            texts += [display_text(group.min(), fmt), display_text(group.max(), fmt)]
    return texts

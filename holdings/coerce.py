"""Turn raw cells into typed columns, recording every cell that cannot be read.

Cells arrive as text (CSV), native values (XLSX, Parquet, DataFrames) or a
mix. Each converter returns the typed column and a boolean mask of unreadable
cells; the schema turns masks into problems. Work is done once per distinct
value where parsing is costly (dates, enumerations, tags), never per row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from holdings.text_bytes import starts_with_any

THOUSANDS_SPACES = "[ \u00a0\u202f]"
DOT_GROUPED = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$")
NUMBER_TEXT = r"[+-]?[0-9.]+([eE][+-]?\d+)?"  # a number once its marks are normalised, as Arrow's parser reads it
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
FRENCH_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
TRUE_WORDS = ("true", "1", "oui", "vrai", "yes")
FALSE_WORDS = ("false", "0", "non", "faux", "no")
FORMULA_LIKE_ID = re.compile(r"[=+@\t\r]|-(?!\d)")
FORMULA_START = b"-=+@\t\r"  # the first characters FORMULA_LIKE_ID can match
# Dates outside these years are typing errors (0001-01-01, 9999-12-31), and date arithmetic
# (a year back, a quarter-end) must stay within the calendar.
FIRST_DATE = np.datetime64("1900-01-01", "s")
LAST_DATE = np.datetime64("2200-12-31", "s")


def is_blank(series: pd.Series) -> np.ndarray:
    """Empty cells: missing values and empty text."""
    if pd.api.types.is_object_dtype(series.dtype):
        return series.isna().to_numpy() | (series == "").to_numpy()
    if pd.api.types.is_string_dtype(series.dtype):  # one Arrow pass over the offsets: no per-cell comparison
        text = pa.array(series, from_pandas=True)
        return ~np.asarray(pc.fill_null(pc.greater(pc.binary_length(text), 0), False))
    return series.isna().to_numpy()  # numbers, dates, booleans, categories: only missing values


def first_rows(codes: np.ndarray) -> np.ndarray:
    """The row where each code first appears, for codes numbered as first seen (`pd.factorize` without sorting)."""
    return np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)


def by_distinct_value(series: pd.Series, convert: Callable[[object], object]) -> pd.Series:
    """Apply a Python `convert` once per distinct value and broadcast the results."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    converted = [convert(value) for value in uniques]
    lookup = np.empty(len(converted) + 1, dtype=object)
    lookup[:-1] = converted
    lookup[-1] = None
    return pd.Series(lookup[codes], index=series.index, dtype=object)


def by_distinct_text(series: pd.Series, convert: Callable[[object], str]) -> pd.Series:
    """Text from a Python `convert` applied once per distinct value; empty cells give ''.

    The results are laid out by Arrow (a take over the distinct texts), never
    as one Python string per cell.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = pa.array([convert(value) for value in uniques] + [""], pa.large_string())
    cells = texts.take(pa.array(np.where(codes < 0, len(texts) - 1, codes)))
    return pd.Series(pd.array(cells, dtype="str"), index=series.index)


def detect_decimal_mark(columns: Iterable[pd.Series]) -> str:
    """`,` when any text number uses a comma or dot-grouped thousands; else `.`."""
    for series in columns:
        if pd.api.types.is_numeric_dtype(series.dtype):
            continue
        text = series[series.map(lambda v: isinstance(v, str))] if series.dtype == object else series
        text = pa.array(text.astype("str"), from_pandas=True)
        comma = pc.any(pc.match_substring(text, ",")).as_py()
        if comma or pc.any(pc.greater(pc.count_substring(text, "."), 1)).as_py():  # 1,5 or 1.234.567
            return ","
    return "."


def ambiguous_marks(text: pd.Series, decimal: str) -> np.ndarray:
    """Cells whose other mark cannot be read: a `.` that does not group thousands in a decimal-comma file
    (`1.5`: 1,5 or 15?), a `,` in a decimal-point file."""
    text = text.astype("str")
    if decimal == ",":
        has_dot = text.str.contains(".", regex=False).to_numpy()
        return has_dot & ~text.str.match(DOT_GROUPED).to_numpy() if has_dot.any() else np.zeros(len(text), bool)
    return text.str.contains(",", regex=False).to_numpy()


def to_number(series: pd.Series, decimal: str) -> tuple[pd.Series, np.ndarray]:
    """Parse numbers in the file's convention; mask cells that are not finite numbers."""
    blank = is_blank(series)
    if blank.all():  # an absent optional column, or one left empty: nothing to parse
        return pd.Series(np.nan, index=series.index), np.zeros(len(series), dtype=bool)
    if pd.api.types.is_bool_dtype(series.dtype):
        return pd.Series(np.nan, index=series.index), ~blank
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.astype("float64")
        bad = ~blank & ~np.isfinite(values.to_numpy())
        return values.where(~bad), bad
    read = _ascii_numbers(series, decimal)
    values, suspicious = read if read is not None else _text_numbers(series, decimal)
    bad = ~blank & (~np.isfinite(values) | suspicious)
    values[blank | bad] = np.nan
    return pd.Series(values, index=series.index), bad


def _ascii_numbers(series: pd.Series, decimal: str) -> tuple[np.ndarray, np.ndarray] | None:
    """`_text_numbers` of a text column (a CSV's) by Arrow kernels alone: the same steps, without pandas' per-call
    cost; None for other columns.

    Arrow's regular expressions (RE2) read `\\d` as an ASCII digit and `$` as
    the very end, where pandas may use Python's (any Unicode digit, or before a
    final line end). The two never part on a result: a cell with another digit
    or a line end is no number to Arrow's parser nor to pandas' (a property test).
    """
    if not pd.api.types.is_string_dtype(series.dtype) or pd.api.types.is_object_dtype(series.dtype):
        return None
    cleaned = pc.replace_substring_regex(pa.array(series, from_pandas=True), THOUSANDS_SPACES, "")
    if decimal == ",":
        has_dot = pc.fill_null(pc.match_substring(cleaned, "."), False)
        suspicious = np.asarray(pc.and_(has_dot, pc.invert(pc.fill_null(
            pc.match_substring_regex(cleaned, DOT_GROUPED.pattern), False))))
        cleaned = pc.replace_substring(pc.replace_substring(cleaned, ".", ""), ",", ".")
    else:
        suspicious = np.asarray(pc.fill_null(pc.match_substring(cleaned, ","), False))
    number_like = pc.fill_null(pc.match_substring_regex(cleaned, f"^({NUMBER_TEXT})$"), False)
    return _parse_numbers(pc.if_else(number_like, cleaned, pa.scalar(None, cleaned.type))), suspicious


def _text_numbers(series: pd.Series, decimal: str) -> tuple[np.ndarray, np.ndarray]:
    """Doubles of text cells (native numbers of a spreadsheet kept as they are) and cells with an ambiguous mark."""
    native = series.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)).to_numpy() \
        if series.dtype == object else np.zeros(len(series), dtype=bool)
    text = series.where(~native, "").astype("str")
    cleaned = text.str.replace(THOUSANDS_SPACES, "", regex=True)
    suspicious = ambiguous_marks(cleaned, decimal)
    if decimal == ",":
        cleaned = cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    values = _parse_numbers(pa.array(cleaned.where(cleaned.str.fullmatch(NUMBER_TEXT)), from_pandas=True))
    if native.any():
        values[native] = series[native].astype("float64").to_numpy()
    return values, suspicious


def _parse_numbers(text: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Doubles from number texts in `.` notation, NaN where missing or unreadable; rounded as Python's `float`.

    Arrow's parser reads the column at once; it refuses the whole column if
    one text is no number (`1.2.3`), which pandas then reads value by value.
    """
    try:
        parsed = pc.cast(text, pa.float64())
        return np.require(np.asarray(parsed, dtype="float64"), requirements="W")  # a writable copy if need be
    except pa.ArrowInvalid:
        cells = pd.Series(pd.array(text, dtype="str"))
        return np.array(pd.to_numeric(cells.fillna("x"), errors="coerce"), dtype="float64")


def to_integer(series: pd.Series, decimal: str) -> tuple[pd.Series, np.ndarray]:
    """Whole numbers (nullable); a fractional part or a magnitude beyond 64-bit integers is unreadable."""
    values, bad = to_number(series, decimal)
    numbers = values.to_numpy()
    with np.errstate(invalid="ignore"):
        not_whole = ~np.isnan(numbers) & ((np.mod(numbers, 1) != 0) | (np.abs(numbers) >= 2.0**63))
    return pd.Series(np.where(not_whole, np.nan, numbers), index=series.index).astype("Int64"), bad | not_whole


def _parse_date(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.normalize().to_datetime64()
    if isinstance(value, (dt.datetime, dt.date)):
        return np.datetime64(value.date() if isinstance(value, dt.datetime) else value, "D")
    if not isinstance(value, str):
        return None
    match = ISO_DATE.match(value)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = FRENCH_DATE.match(value)
        if not match:
            return None
        day, month, year = (int(part) for part in match.groups())
    try:
        return np.datetime64(dt.date(year, month, day), "D")
    except ValueError:
        return None


def to_date(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Dates from `YYYY-MM-DD`, `DD/MM/YYYY` or native date cells; impossible dates, or outside 1900..2200, are unreadable."""
    blank = is_blank(series)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        values = series.dt.tz_localize(None) if getattr(series.dt, "tz", None) else series
        values, bad = values.dt.normalize().astype("datetime64[s]"), np.zeros(len(series), dtype=bool)
    else:
        codes, distinct = pd.factorize(series.where(~blank), use_na_sentinel=True)  # each distinct text parsed once
        dates = np.array([*(_parse_date(value) for value in distinct), None], dtype="datetime64[s]")  # None: NaT
        stamps = dates[codes]  # code -1 (a blank cell) takes the last: NaT
        bad = ~blank & np.isnat(stamps)
        values = pd.Series(stamps, index=series.index)
    stamps = values.to_numpy()
    outside = ~np.isnat(stamps) & ((stamps < FIRST_DATE) | (stamps > LAST_DATE))
    return values.where(~outside), bad | outside


def to_text(series: pd.Series) -> pd.Series:
    """Text as given (trimmed by the reader); numbers from spreadsheets without a spurious `.0`."""
    if pd.api.types.is_string_dtype(series.dtype) and not pd.api.types.is_object_dtype(series.dtype):
        return series.fillna("").astype("str")
    return by_distinct_text(series, shown_text)


def shown_text(value: object) -> str:
    """One cell as text: '' when missing, a whole float without `.0` (a spreadsheet's 1.0), else trimmed."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def formula_like_identifier(values: pd.Series) -> np.ndarray:
    """Identifiers a spreadsheet would run as a formula: starting with `=`, `+`, `@`, tab, CR, or `-` not before
    a digit.

    A byte test finds the ids starting with one of those characters; the
    pattern (its look-ahead is Python's Unicode `\\d`) runs once per distinct
    such id only.
    """
    flagged = np.zeros(len(values), dtype=bool)
    if not len(values):
        return flagged
    text = values.astype("str")
    candidates = starts_with_any(text, FORMULA_START)
    if candidates.any():
        flagged[candidates] = by_distinct_value(
            text[candidates], lambda value: FORMULA_LIKE_ID.match(value) is not None).astype(bool).to_numpy()
    return flagged


def to_enum(series: pd.Series, spellings: Mapping[str, str]) -> pd.Series:
    """Case-fold an enumeration and map the settings' spellings onto contract values."""
    folded = {key.casefold(): value for key, value in spellings.items()}

    def canonical(value: object) -> str:
        text = shown_text(value).casefold()
        return folded.get(text, text)

    return by_distinct_text(series, canonical)


def to_bool(series: pd.Series, spellings: Mapping[str, str]) -> tuple[pd.Series, np.ndarray]:
    """Booleans from the contract's words (any case), 1/0 and native booleans."""
    folded = {key.casefold(): str(value).casefold() for key, value in spellings.items()}
    blank = is_blank(series)
    if pd.api.types.is_bool_dtype(series.dtype):  # native booleans (Parquet, a DataFrame): nothing to read
        return series.fillna(False).astype(bool), np.zeros(len(series), dtype=bool)

    def read(value: object) -> object:
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        text = str(value).strip().casefold()
        text = folded.get(text, text)
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        return None

    parsed = by_distinct_value(series.where(~blank), read)
    bad = ~blank & parsed.isna().to_numpy()
    return parsed.fillna(False).astype(bool), bad


def to_tags(series: pd.Series, spellings: Mapping[str, str]) -> pd.Series:
    """`|`-separated tags, trimmed, case-folded, mapped, de-duplicated in order, rejoined with `|`."""
    folded = {key.casefold(): value for key, value in spellings.items()}

    def canonical(value: object) -> str:
        tags = []
        for part in str(value).split("|"):
            tag = part.strip().casefold()
            tag = folded.get(tag, tag)
            if tag and tag not in tags:
                tags.append(tag)
        return "|".join(tags)

    blank = is_blank(series)
    return by_distinct_text(series.where(~blank), canonical)

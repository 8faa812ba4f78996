"""Spreadsheet (CSV) formula injection: free-text cells that a spreadsheet would run as formulas.

Excel and LibreOffice read a cell that starts with `=`, `+`, `-`, `@`, a tab or
a carriage return as a formula. Free text from the inputs (holding names,
issuer sources and sectors, warning details that quote them) is therefore
prefixed with a single quote in the CSV outputs, as OWASP recommends.
Identifiers (holding_id, issuer_id, fund_id, file names) are never changed:
auditors join on them. Numbers are not text and are never touched.
"""

from __future__ import annotations

import pandas as pd

from holdings.text_bytes import starts_with_any

FREE_TEXT_COLUMNS = frozenset({"name", "source", "sector", "detail"})
FORMULA_START = b"=+-@\t\r"


def formula_like(series: pd.Series) -> pd.Series:
    """Which text cells start like a formula (a test of each cell's first byte)."""
    text = series.astype("str") if series.dtype == object else series
    return pd.Series(starts_with_any(text, FORMULA_START), index=series.index)


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with free-text cells that start like a formula prefixed with `'`; a copy only if any does."""
    result = frame
    for column in FREE_TEXT_COLUMNS.intersection(frame.columns):
        series = frame[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            categories = series.cat.categories
            if not pd.api.types.is_string_dtype(categories.dtype) or not formula_like(categories.to_series()).any():
                continue
            series = series.astype("str")
        elif not pd.api.types.is_string_dtype(series.dtype):
            continue
        risky = formula_like(series)
        if risky.any():
            result = result.copy() if result is frame else result
            result[column] = series.where(~risky, "'" + series.astype("str"))
    return result

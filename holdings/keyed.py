"""Reading a keyed reference table: read, validate, number the rows, refuse duplicate keys.

Issuer records, country records and FX rates all follow this shape: one
declared schema, at least one data row, and a key (e.g. issuer, year,
publication) that identifies a row; a duplicate key is reported at its later
row, naming the earlier one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from holdings.problems import InputError, Problem
from holdings.schema import TableSchema, duplicates, validate
from holdings.tabular import FIRST_DATA_ROW, RawTable, read_table


def read_keyed_table(source: str | Path | pd.DataFrame, schema: TableSchema, column_map: Mapping[str, str],
                     spellings: Mapping[str, Mapping[str, str]], key: Sequence[str],
                     describe: Callable[[pd.Series], str], nothing: str,
                     prepare: Callable[[RawTable], None] | None = None) -> tuple[pd.DataFrame, RawTable]:
    """The validated table with `source_file` and `source_row`; `InputError` lists every problem.

    `describe` shows a duplicate row's key in the message; `nothing` says what
    an empty table lacks (e.g. "at least one issuer record"); `prepare`, if
    given, may blank raw cells the contract says to ignore before validation.
    """
    raw = read_table(source, dict(column_map), name=f"<{schema.name} DataFrame>")
    if prepare is not None:
        prepare(raw)
    table = validate(raw, schema, spellings)
    if table.empty:
        raise InputError(Problem(raw.source, FIRST_DATA_ROW, "", "no data rows", nothing))
    table["source_file"] = raw.source
    table["source_row"] = range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(table))
    clashes = duplicates(table, list(key), table["source_row"], table["source_file"], key[-1], describe)
    if clashes:
        raise InputError(clashes)
    return table, raw

"""The holdings table: one row per position per snapshot, as the data contract declares it.

Several files (one per month is usual) are validated one by one, so row
numbers refer to each file, then stacked; `holding_id` must be unique within a
snapshot across all of them. Each row keeps its file and row number
(`source_file`, `source_row`) so that any figure traces back to input lines.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd

from holdings.problems import InputError, Problem
from holdings.schema import Field, Rule, TableSchema, validate
from holdings.snapshot_chunks import chunk_rows, repeated_ids
from holdings.spill import PositionStore
from holdings.stream import PositionStream, ValidatedPart, date_ordered, with_source
from holdings.tabular import FIRST_DATA_ROW, RawTable, parquet_batches, parquet_rows, read_ahead, read_table

BUCKETS = ("yield", "strategic")
ASSET_CLASSES = ("listed_equity", "corporate_bond", "sovereign_bond", "fund", "unlisted_equity",
                 "real_estate", "loan", "cash", "other")
CONTRACT_PURPOSES = ("patient_pathway", "coverage", "medical_innovation", "access_to_care")

NON_NEGATIVE_UNLESS_CASH = Rule(
    "market_value_eur", "a number >= 0 (only cash may be negative)",
    lambda f: f["market_value_eur"].isna() | (f["market_value_eur"] >= 0) | (f["asset_class"] == "cash"),
)


def holdings_schema(health_purposes: Sequence[str] = ()) -> TableSchema:
    """The holdings schema; purpose tags are the contract's plus any configured ones."""
    purposes = tuple(dict.fromkeys([*CONTRACT_PURPOSES, *(p.casefold() for p in health_purposes)]))
    return TableSchema(
        name="holdings",
        fields=(
            Field("as_of", "date"),
            Field("holding_id", "id"),
            Field("issuer_id", "id", nullable=True),
            Field("bucket", "enum", allowed=BUCKETS),
            Field("asset_class", "enum", allowed=ASSET_CLASSES),
            Field("listed", "bool"),
            Field("market_value_eur", "number"),
            Field("name", "text", required=False, nullable=True),
            Field("fund_id", "id", required=False, nullable=True),
            Field("purpose", "tags", required=False, nullable=True, allowed=purposes),
        ),
        rules=(NON_NEGATIVE_UNLESS_CASH,),
    )


def read_holdings(sources: Sequence[str | Path | pd.DataFrame], column_map: Mapping[str, str],
                  spellings: Mapping[str, Mapping[str, str]], health_purposes: Sequence[str] = ()
                  ) -> tuple[pd.DataFrame | PositionStream | PositionStore, list[RawTable]]:
    """Read, validate and stack holdings files; `InputError` lists every problem in all of them.

    A book with a Parquet file past `chunk_rows()` lines is never one frame:
    Parquet files in date order are read as the engine walks them
    (`PositionStream`), any other such book into a `PositionStore` on disk.
    Either reports its remaining problems (cells, repeated ids) when walked.
    """
    schema = holdings_schema(health_purposes)
    rows = [parquet_rows(source) for source in sources]  # from each Parquet footer; None for other inputs
    batched = [(count or 0) > chunk_rows() for count in rows]
    large = any(batched)
    parts, tables, problems = [], [], []
    for number, (source, in_batches) in enumerate(zip(sources, batched), start=1):
        try:
            raw, typed = _typed_parts(source, number, schema, column_map, spellings, in_batches)
        except InputError as error:
            problems.extend(error.problems)
            continue
        parts.append((raw, typed))
        tables.append(raw)
    if problems and not large:
        raise InputError(problems)
    files = [raw.source for raw in tables]
    if large and None not in rows and date_ordered(sources, dict(column_map)):
        return PositionStream(_validated(parts, problems), files), tables
    if large:
        store = PositionStore()
        for raw, typed, first_row in _validated(parts, problems):
            store.append(typed, raw.source, first_row)
        return store, tables
    frames = [with_source(typed, raw.source, first_row) for raw, typed, first_row in _validated(parts, [])]
    holdings = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=schema.names)
    clashes = repeated_ids(holdings)
    if clashes:
        raise InputError(clashes)
    return holdings, tables


def all_lines(positions: pd.DataFrame | PositionStream | PositionStore) -> pd.DataFrame:
    """What `read_holdings` gave, as one frame (for a consumer that needs every line; memory grows with the book)."""
    if isinstance(positions, pd.DataFrame):
        return positions
    return pd.concat(list(positions.chunks()), ignore_index=True)


def _typed_parts(source: str | Path | pd.DataFrame, number: int, schema: TableSchema, column_map: Mapping[str, str],
                 spellings: Mapping[str, Mapping[str, str]],
                 in_batches: bool) -> tuple[RawTable, Iterator[pd.DataFrame]]:
    """One source's `RawTable` and its validated rows in parts; `InputError` (at the end) lists all its problems.

    A large Parquet file (`in_batches`) whose numbers are numbers (no decimal
    mark to detect over the whole file) comes in batches, validated as they
    are read; any other source is read and validated here, whole.
    """
    if in_batches:
        raw, batches = parquet_batches(source, dict(column_map), chunk_rows())
        numeric = [f.name for f in schema.fields if f.kind in ("number", "integer") and f.name in raw.frame.columns]
        if all(pd.api.types.is_numeric_dtype(raw.frame[column].dtype) for column in numeric):
            validate(raw, schema, spellings)  # the header: missing columns, notes on similar names
            return raw, read_ahead(_validated_batches(raw, batches, schema, spellings))
    raw = read_table(source, dict(column_map), name=f"<holdings DataFrame {number}>")
    typed = validate(raw, schema, spellings)
    if typed.empty:
        raise InputError(Problem(raw.source, FIRST_DATA_ROW, "", "no data rows", "at least one holding"))
    return raw, iter([typed])


def _validated_batches(raw: RawTable, batches: Iterator[pd.DataFrame], schema: TableSchema,
                       spellings: Mapping[str, Mapping[str, str]]) -> Iterator[pd.DataFrame]:
    """Each batch validated as the whole file would be, its problems' rows counted from the file's first row."""
    problems: list[Problem] = []
    offset = 0
    for cells in batches:
        try:
            typed = validate(RawTable(raw.source, cells, dict(raw.dialect)), schema, spellings)
        except InputError as error:
            problems += [replace(problem, row=problem.row + offset) for problem in error.problems]
        else:
            if not problems:
                yield typed
        offset += len(cells)
    if problems:
        raise InputError(problems)


def _validated(parts: list[tuple[RawTable, Iterator[pd.DataFrame]]], found: list[Problem]) -> Iterator[ValidatedPart]:
    """Every source's typed parts with the file row of their first line; `InputError` at the end for every problem.

    `found` are the problems already found (a large book reports them with
    the rest). Once there is a problem nothing more is yielded, but every part
    is still validated, so that the error lists all of them.
    """
    problems = list(found)
    for raw, typed_parts in parts:
        rows = 0
        try:
            for typed in typed_parts:
                if not problems:
                    yield raw, typed, FIRST_DATA_ROW + rows
                rows += len(typed)
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)

"""The holdings table: one row per position per snapshot, as the data contract declares it.

Several files (one per month is usual) are validated one by one, so row
numbers refer to each file, then stacked; `holding_id` must be unique within a
snapshot across all of them. Each row keeps its file and row number
(`source_file`, `source_row`) so that any figure traces back to input lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from holdings.problems import InputError, Problem
from holdings.schema import Field, Rule, TableSchema, duplicates, validate
from holdings.tabular import FIRST_DATA_ROW, RawTable, read_table

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
                  spellings: Mapping[str, Mapping[str, str]],
                  health_purposes: Sequence[str] = ()) -> tuple[pd.DataFrame, list[RawTable]]:
    """Read, validate and stack holdings files; `InputError` lists every problem in all of them."""
    schema = holdings_schema(health_purposes)
    frames, tables, problems = [], [], []
    for number, source in enumerate(sources, start=1):
        try:
            raw = read_table(source, dict(column_map), name=f"<holdings DataFrame {number}>")
            typed = validate(raw, schema, spellings)
        except InputError as error:
            problems.extend(error.problems)
            continue
        if typed.empty:
            problems.append(Problem(raw.source, FIRST_DATA_ROW, "", "no data rows", "at least one holding"))
            continue
        typed["source_file"] = raw.source
        typed["source_row"] = range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(typed))
        frames.append(typed)
        tables.append(raw)
    if problems:
        raise InputError(problems)
    holdings = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=schema.names)
    clashes = duplicates(holdings, ["as_of", "holding_id"], holdings["source_row"], holdings["source_file"],
                         "holding_id", lambda row: row["holding_id"])
    if clashes:
        raise InputError(clashes)
    return holdings, tables

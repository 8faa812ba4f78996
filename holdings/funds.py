"""Fund composition (look-through): one row per fund, composition date and underlying line.

The shape of an insurer's TPT look-through file reduced to what the metrics
need. Weights of one fund and date summing to more than 1.005 are an input
error (reported at the group's last row); a smaller sum leaves the remainder
uncovered, which the analytics report.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from holdings.positions import ASSET_CLASSES
from holdings.problems import InputError, Problem
from holdings.schema import Field, TableSchema, at_least, validate
from holdings.tabular import FIRST_DATA_ROW, RawTable, read_table

MAX_WEIGHT_SUM = 1.005

FUNDS = TableSchema(
    name="funds",
    fields=(
        Field("fund_id", "id"),
        Field("as_of", "date"),
        Field("issuer_id", "id", nullable=True),
        Field("asset_class", "enum", allowed=ASSET_CLASSES),
        Field("weight", "number", rules=(at_least("weight", 0),)),
    ),
)


def read_funds(source: str | Path | pd.DataFrame, column_map: Mapping[str, str],
               spellings: Mapping[str, Mapping[str, str]]) -> tuple[pd.DataFrame, RawTable]:
    """Read and validate fund compositions; each row keeps its file row and its index in its fund and date."""
    raw = read_table(source, dict(column_map), name="<funds DataFrame>")
    compositions = validate(raw, FUNDS, spellings)
    compositions["source_file"] = raw.source
    compositions["source_row"] = range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(compositions))
    compositions["index"] = compositions.groupby(["fund_id", "as_of"], sort=False).cumcount()
    groups = compositions.groupby(["fund_id", "as_of"], sort=True)
    totals = groups["weight"].sum()
    last_rows = groups["source_row"].max()
    problems = [
        Problem(raw.source, int(last_rows[key]), "weight", f"weights of fund {key[0]} on {key[1]:%Y-%m-%d} "
                f"summing to {total:.6g}", f"a sum of at most {MAX_WEIGHT_SUM}")
        for key, total in totals.items() if total > MAX_WEIGHT_SUM
    ]
    if problems:
        raise InputError(problems)
    return compositions, raw

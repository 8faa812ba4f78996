"""The targets table: issuers' emission-reduction targets, for the temperature rating.

One row per issuer target, declared like the other inputs (see
`holdings.schema`). Only what makes a row unreadable is an error here: a
missing required cell (including the coverage its scope needs), an unknown
spelling, a value out of range, an end year not after the base year, a
duplicate (issuer_id, target_id). Whether a target is usable at a snapshot
(expired, achieved, too far out, unusable S1/S2 base emissions) depends on
the snapshot, so the rating decides it and says why in a warning.

Design: `intensity_metric` is read on intensity targets only; on an absolute
target the contract ignores it, so its cell is blanked before validation
(an odd spelling there is no error) and the rating never sees it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from holdings import coerce
from holdings.keyed import read_keyed_table
from holdings.schema import Field, Rule, TableSchema, at_least, between
from holdings.tabular import RawTable

TARGET_TYPES = ("absolute", "intensity")
INTENSITY_METRICS = ("revenue", "product", "cement", "oil", "steel", "aluminum", "power", "other")
TARGET_SCOPES = ("S1", "S2", "S1+S2", "S3", "S1+S2+S3")
# Which coverage each scope needs (S1+S2 reads coverage_s1 only; S1+S2+S3 without coverage_s3 has no S3 part).
REQUIRED_COVERAGE = {
    "coverage_s1": ("S1", "S1+S2", "S1+S2+S3"),
    "coverage_s2": ("S2", "S1+S2+S3"),
    "coverage_s3": ("S3",),
}
FIRST_YEAR, LAST_YEAR = 1900, 2100


def _year(column: str, required: bool = True) -> Field:
    return Field(column, "integer", required=required, nullable=not required,
                 rules=(between(column, FIRST_YEAR, LAST_YEAR),))


def _share(column: str, required: bool = False) -> Field:
    return Field(column, "number", required=required, nullable=not required, rules=(between(column, 0, 1),))


def _coverage_needed(column: str) -> Rule:
    scopes = REQUIRED_COVERAGE[column]
    return Rule(column, f"a value: a share from 0 to 1 (required for scope {', '.join(scopes)})",
                lambda frame: frame[column].notna() | ~frame["scope"].str.upper().isin(scopes))


TARGETS = TableSchema(
    name="targets",
    fields=(
        Field("issuer_id", "id"),
        Field("target_id", "id"),
        Field("target_type", "enum", allowed=TARGET_TYPES),
        Field("intensity_metric", "enum", required=False, nullable=True, allowed=INTENSITY_METRICS),
        Field("scope", "enum", allowed=tuple(scope.lower() for scope in TARGET_SCOPES)),
        *(_share(column) for column in REQUIRED_COVERAGE),
        _share("reduction_ambition", required=True),
        _year("base_year"),
        _year("start_year", required=False),
        Field("end_year", "integer", rules=(
            between("end_year", FIRST_YEAR, LAST_YEAR),
            Rule("end_year", "a year after base_year",
                 lambda frame: frame["end_year"].isna() | frame["base_year"].isna()
                 | (frame["end_year"] > frame["base_year"])),
        )),
        *(Field(f"base_year_ghg_s{scope}", "number", required=False, nullable=True,
                rules=(at_least(f"base_year_ghg_s{scope}", 0),)) for scope in (1, 2, 3)),
        Field("achieved_reduction", "number", required=False, nullable=True),
        Field("sbti_validated", "bool", required=False, nullable=True),
        Field("published_on", "date", required=False, nullable=True),
        Field("source", "text", required=False, nullable=True),
    ),
    rules=tuple(_coverage_needed(column) for column in REQUIRED_COVERAGE),
)


def read_targets(source: str | Path | pd.DataFrame, column_map: Mapping[str, str],
                 spellings: Mapping[str, Mapping[str, str]]) -> tuple[pd.DataFrame, RawTable]:
    """Read and validate the targets table; `InputError` lists every problem.

    Scopes come out in the contract's spelling (`S1+S2`); `sbti_validated`
    is a nullable boolean (empty: not said).
    """
    def ignore_metric_of_absolute(raw: RawTable) -> None:
        frame = raw.frame
        if "intensity_metric" in frame.columns and "target_type" in frame.columns:
            absolute = coerce.to_enum(frame["target_type"], spellings.get("target_type", {})) == "absolute"
            frame["intensity_metric"] = frame["intensity_metric"].where(~absolute.to_numpy(), "")

    targets, raw = read_keyed_table(
        source, TARGETS, column_map, spellings, ["issuer_id", "target_id"],
        lambda row: f"{row['issuer_id']}, {row['target_id']}", "at least one target",
        prepare=ignore_metric_of_absolute)
    targets["scope"] = targets["scope"].str.upper()
    given = raw.frame.get("sbti_validated")
    blank = np.ones(len(targets), dtype=bool) if given is None else coerce.is_blank(given)
    targets["sbti_validated"] = targets["sbti_validated"].astype("boolean").mask(blank)
    return targets, raw

"""Data gaps as warnings: which lines are uncovered and why, and run-level notices.

A gap is never an error and never a zero: the line stays in the value
denominators, out of the covered sums, and gets one warning row per reason,
with a detail that names the record it looked at (issuer file row) or the
record it could not find.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from holdings.coerce import first_rows
from holdings.problems import Problem, quote_value
from portfolio.engine.temperature import TARGET_REASONS
from portfolio.engine.exposure import (GAP_REASONS, MISSING_EVIC, MISSING_ISSUER_ID, MISSING_REVENUE, MISSING_SCOPE,
                                NO_RECORD_REASON, gap_masks)

WARNING_COLUMNS = ["as_of", "holding_id", "issuer_id", "reason", "detail"]
MISSING_BASELINE = "missing_baseline"
NO_PROJECTION = "no_projection"
FUND_WEIGHTS_INCOMPLETE = "fund_weights_incomplete"
WEIGHT_TOLERANCE = 0.005


def _record_label(rows: pd.DataFrame) -> pd.Series:
    published = rows["record_published_on"].dt.strftime("%Y-%m-%d").fillna("default date")
    return ("record " + rows["record_year"].astype("str") + " published " + published
            + " (issuers row " + rows["issuers_row"].astype("str") + ")")


# what a reason's detail names, besides a proxy estimate: its record, or the issuer and date it found none for
DETAIL_KEYS = {MISSING_ISSUER_ID: [], NO_RECORD_REASON: ["issuer_id", "as_of"], MISSING_SCOPE: ["issuers_row"],
               MISSING_EVIC: ["issuers_row"], MISSING_REVENUE: ["issuers_row"]}
PROXY_COLUMNS = ("estimated", "data_quality")


def _details(reason: str, rows: pd.DataFrame, scopes: tuple[int, ...]) -> pd.Series:
    as_of = rows["as_of"].dt.strftime("%Y-%m-%d")
    if reason == MISSING_ISSUER_ID:
        return pd.Series("eligible line without issuer_id; left uncovered", index=rows.index)
    if reason == NO_RECORD_REASON:
        return ("no record of issuer " + rows["issuer_id"] + " with year <= " + rows["as_of"].dt.year.astype("str")
                + " published by " + as_of + "; left uncovered")
    label = _record_label(rows)
    if reason == MISSING_SCOPE:
        empty = pd.Series("", index=rows.index)
        for scope in scopes:
            empty = empty + np.where(rows[f"scope{scope}_tco2e"].isna(), f"scope{scope}_tco2e ", "")
        return label + ": " + empty.str.strip().str.replace(" ", ", ") + " empty; left uncovered"
    if reason == MISSING_EVIC:
        return label + ": evic_eur empty or 0; left uncovered"
    if reason == MISSING_REVENUE:
        return label + ": revenue_eur empty or 0; out of WACI and PAI 3"
    raise ValueError(reason)


def _estimated_details(reason: str, rows: pd.DataFrame, scopes: tuple[int, ...]) -> pd.Series:
    """The details, where a proxy filled the gap saying so with its PCAF score."""
    detail = _details(reason, rows, scopes)
    if "estimated" not in rows.columns:
        return detail
    estimated = rows["estimated"].to_numpy(dtype=bool)
    quality = rows["data_quality"].astype("str")
    return detail.where(~estimated, detail.str.replace(
        "left uncovered", "estimated from sector averages (PCAF ", regex=False) + quality + ")")


def _distinct(rows: pd.DataFrame, key: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's group of equal `key` values (one group without a key), and the first row of each group."""
    codes = np.zeros(len(rows), dtype=np.int64)
    for column in key:  # factorize numbers groups as first seen; pairs of codes are factorized in turn
        part, distinct = pd.factorize(rows[column], use_na_sentinel=False)
        codes = pd.factorize(codes * len(distinct) + part)[0]
    return codes, first_rows(codes)


def gap_warnings(contributions: pd.DataFrame, scopes: tuple[int, ...]) -> pd.DataFrame:
    """One warning row per uncovered eligible line and reason.

    A detail is written once per record (or issuer and date) it names and
    laid out on the lines that share it: no text built per line.
    """
    parts = []
    proxied = [column for column in PROXY_COLUMNS if column in contributions.columns]
    needed = ["as_of", "holding_id", "issuer_id", "record_year", "record_published_on", "issuers_row",
              *(f"scope{scope}_tco2e" for scope in scopes), *proxied]
    for reason, mask in gap_masks(contributions, scopes).items():
        if not mask.any():
            continue
        rows = contributions.loc[mask, needed]  # only what the details read: a copy of a few columns
        codes, first = _distinct(rows, [*DETAIL_KEYS[reason], *proxied])
        detail = _estimated_details(reason, rows.iloc[first], scopes).array.take(codes)
        parts.append(pd.DataFrame({
            "as_of": rows["as_of"], "holding_id": rows["holding_id"], "issuer_id": rows["issuer_id"],
            "reason": reason, "detail": pd.Series(detail, index=rows.index),
        }))
    if not parts:
        return empty_warnings()
    return pd.concat(parts, ignore_index=True)


def fund_warnings(contributions: pd.DataFrame) -> pd.DataFrame:
    """One warning per looked-through fund line whose weights sum to less than 1 (within 0.5 %)."""
    if "parent_holding_id" not in contributions.columns:
        return empty_warnings()
    weight = contributions["lookthrough_weight"]
    short = (contributions["parent_holding_id"] == "") & weight.notna() & (weight < 1 - WEIGHT_TOLERANCE)
    rows = contributions.loc[short]
    if rows.empty:
        return empty_warnings()
    detail = ("composition weights sum to " + rows["lookthrough_weight"].map("{:.4f}".format)
              + ": the remaining " + (100 * (1 - rows["lookthrough_weight"])).map("{:.1f}".format)
              + " % of the line stays uncovered")
    return pd.DataFrame({"as_of": rows["as_of"], "holding_id": rows["holding_id"], "issuer_id": rows["issuer_id"],
                         "reason": FUND_WEIGHTS_INCOMPLETE, "detail": detail})


def gap_problems(contributions: pd.DataFrame, scopes: tuple[int, ...]) -> list[Problem]:
    """`gaps = "strict"`: every eligible line lacking data, as the input problem naming its row."""
    masks = gap_masks(contributions, scopes)
    lacking = masks[MISSING_ISSUER_ID] | masks[NO_RECORD_REASON] | masks[MISSING_SCOPE] | masks[MISSING_EVIC]
    rows = contributions.loc[lacking]
    return [Problem(str(row.holdings_file), int(row.holdings_row), "issuer_id", quote_value(row.issuer_id),
                    f'issuer data for this line on {row.as_of:%Y-%m-%d} (gaps = "strict"): {row.reason}')
            for row in rows.itertuples(index=False)]


def empty_warnings() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="datetime64[s]" if column == "as_of" else "str")
                         for column in WARNING_COLUMNS})


def run_warning(reason: str, detail: str) -> pd.DataFrame:
    """A warning about the run as a whole (no snapshot, no holding)."""
    frame = empty_warnings()
    frame.loc[0] = [pd.NaT, "", "", reason, detail]
    return frame


def sort_warnings(warnings: pd.DataFrame) -> pd.DataFrame:
    return warnings.sort_values(["as_of", "holding_id", "reason"], kind="stable", na_position="first",
                                ignore_index=True)


def count_by_reason(warnings: pd.DataFrame) -> dict[str, int]:
    """How many warnings of each reason, in a fixed order, for the stderr summary."""
    counts = warnings["reason"].value_counts()
    order = [*GAP_REASONS, FUND_WEIGHTS_INCOMPLETE, MISSING_BASELINE, NO_PROJECTION, *TARGET_REASONS]
    return {reason: int(counts[reason]) for reason in order if reason in counts}

"""Data gaps as warnings: which lines are uncovered and why, and run-level notices.

A gap is never an error and never a zero: the line stays in the value
denominators, out of the covered sums, and gets one warning row per reason,
with a detail that names the record it looked at (issuer file row) or the
record it could not find.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from portfolio.exposure import (GAP_REASONS, MISSING_EVIC, MISSING_ISSUER_ID, MISSING_REVENUE, MISSING_SCOPE,
                                NO_RECORD_REASON, gap_masks)

WARNING_COLUMNS = ["as_of", "holding_id", "issuer_id", "reason", "detail"]
MISSING_BASELINE = "missing_baseline"
NO_PROJECTION = "no_projection"


def _record_label(rows: pd.DataFrame) -> pd.Series:
    published = rows["record_published_on"].dt.strftime("%Y-%m-%d").fillna("default date")
    return ("record " + rows["record_year"].astype("str") + " published " + published
            + " (issuers row " + rows["issuers_row"].astype("str") + ")")


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


def gap_warnings(contributions: pd.DataFrame, scopes: tuple[int, ...]) -> pd.DataFrame:
    """One warning row per uncovered eligible line and reason."""
    parts = []
    for reason, mask in gap_masks(contributions).items():
        if not mask.any():
            continue
        rows = contributions.loc[mask]
        parts.append(pd.DataFrame({
            "as_of": rows["as_of"], "holding_id": rows["holding_id"], "issuer_id": rows["issuer_id"],
            "reason": reason, "detail": _details(reason, rows, scopes),
        }))
    if not parts:
        return empty_warnings()
    return pd.concat(parts, ignore_index=True)


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
    order = [*GAP_REASONS, MISSING_BASELINE, NO_PROJECTION]
    return {reason: int(counts[reason]) for reason in order if reason in counts}

"""The data-gap and run-notice details of the report, worded in its language from the figures behind them.

`warnings.csv` explains each gap in English for the people who fix the files
(it is an output of the contract); the report says the same in the reader's
language, from the same fields (the contributions row of the line: record
year and publication date, empty scopes, estimation, fund weights), so that
a French report is French throughout.
"""

from __future__ import annotations

import pandas as pd

from portfolio import Result, names
from reports.i18n import short_date, texts
from reports.numbers import format_number, format_percent
from reports.readings import lower_first

SCOPE_COLUMNS = ("scope1_tco2e", "scope2_tco2e", "scope3_tco2e")


def gap_detail(row: pd.Series, scopes: tuple[int, ...], lang: str) -> str:
    """One gap line's detail: what is missing and what it means for the line."""
    words = texts(lang)
    reason = row["reason"]
    if reason == "fund_weights_incomplete":
        weight = float(row.get("lookthrough_weight", float("nan")))
        return words["detail_fund_weights"].format(weights=format_number(weight, lang, 4),
                                                   rest=format_percent(1 - weight, lang, 1))
    if reason in ("missing_issuer_id", "no_issuer_record"):
        detail = words[f"detail_{reason}"].format(issuer=row["issuer_id"], year=row["as_of"].year,
                                                  date=short_date(row["as_of"], lang))
    else:
        published = row.get("record_published_on")
        record = words["detail_record"].format(
            year=int(row["record_year"]) if pd.notna(row.get("record_year")) else "",
            date=short_date(pd.Timestamp(published), lang) if pd.notna(published) else words["detail_default_date"])
        empty = ", ".join(f"scope {scope}" for scope in scopes if pd.isna(row.get(f"scope{scope}_tco2e")))
        detail = record + words[f"detail_{reason}"].format(scopes=empty)
    if bool(row.get("estimated", False)) and reason != "missing_revenue":
        return detail + words["detail_estimated"].format(quality=row.get("data_quality", ""))
    return detail + words["detail_uncovered" if reason != "missing_revenue" else "detail_out_of_waci"]


def notice_detail(result: Result, reason: str, detail: str, lang: str) -> str:
    """A run notice (missing baseline, no projection) in the report's language; other notices as written."""
    words = texts(lang)
    date = pd.Timestamp(result.settings.trajectory.baseline_date)
    snapshots = set(pd.to_datetime(result.metrics["as_of"]))
    for metric in names.TRAJECTORY_METRICS:
        if metric in detail:
            name = lower_first(words[f"metric_{metric}"])
            break
    else:
        return detail
    if reason == "missing_baseline":
        key = "notice_baseline_unknown" if date in snapshots else "notice_baseline_absent"
        return words[key].format(metric=name, date=short_date(date, lang))
    if reason == "no_projection":
        return words["notice_no_projection"].format(metric=name)
    return detail

"""Point-in-time selection: which issuer record a snapshot dated D may use.

Rule (data contract): a record's publication date is `published_on`, or 31
December of its `year` plus `publication_lag_months`. Among an issuer's records
with `year <= year(D)` and publication date `<= D`, take the greatest year,
then the latest publication date.

Design: both conditions say "the record is available from date A", with
A = max(publication date, 1 January of its year). The record chosen at D is
then the best (year, publication) among records with A <= D: a running
maximum over records ordered by A, read with an as-of join. Both steps are
plain relational operations (window `max() over (partition by issuer order by
A)`, `ASOF JOIN`), cheap on the small side (issuers x snapshot dates) before
anything touches the holdings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

NO_RECORD = -1


def publication_dates(records: pd.DataFrame, lag_months: int) -> pd.Series:
    """`published_on`, or 31 December of `year` plus the configured lag in months."""
    years = records["year"].astype("int64")
    default_by_year = {
        year: (pd.Timestamp(year=int(year), month=12, day=31) + pd.DateOffset(months=lag_months)).to_datetime64()
        for year in years.unique()
    }
    fallback = years.map(default_by_year).astype("datetime64[s]")
    return records["published_on"].fillna(fallback).astype("datetime64[s]")


@dataclass(frozen=True)
class RecordTimeline:
    """Records ready for the record rule: when each becomes available, and the best one of its issuer by then.

    Built once per run (the ranking sorts the whole file); `select` then
    answers any number of (as_of, issuer_id) requests, e.g. chunk by chunk.
    Ties on (year, publication date), possible when one row's date is given
    and another's is the default, go to the later row of the issuer file.

    The as-of join runs on one integer key per row, (issuer code, seconds
    since the earliest availability), sorted: a request's record is the last
    key at or below its own, if that key is its issuer's.
    """

    records: pd.DataFrame
    issuers: pd.Index  # the issuers that have records; a row's issuer code is its position here
    keys: np.ndarray  # issuer code x span + seconds since `first`, sorted (a key's issuer: key // span)
    key_best_rank: np.ndarray  # the best record (by rank) of the key's issuer available by then
    first: np.int64  # the earliest availability, in seconds
    span: np.int64  # seconds from the earliest to the latest availability, plus one
    position_by_rank: np.ndarray

    @classmethod
    def of(cls, records: pd.DataFrame, lag_months: int) -> RecordTimeline:
        empty = np.empty(0, dtype=np.int64)
        if records.empty:
            return cls(records, pd.Index([], dtype="str"), empty, empty, np.int64(0), np.int64(1), empty)
        published = publication_dates(records, lag_months)
        year_start = (records["year"].to_numpy(dtype="int64") - 1970).astype("datetime64[Y]").astype("datetime64[s]")
        ranked = pd.DataFrame({
            "issuer_id": records["issuer_id"].to_numpy(),
            "available": np.maximum(published.to_numpy(), year_start),
            "year": records["year"].astype("int64").to_numpy(),
            "published": published.to_numpy(),
            "position": np.arange(len(records)),
        })
        ranked = ranked.sort_values(["year", "published", "position"], kind="stable")
        ranked["rank"] = np.arange(len(ranked))
        ranked = ranked.sort_values(["issuer_id", "available", "rank"], kind="stable")
        ranked["best_rank"] = ranked.groupby("issuer_id", sort=False)["rank"].cummax()
        position_by_rank = np.empty(len(ranked), dtype=np.int64)
        position_by_rank[ranked["rank"].to_numpy()] = ranked["position"].to_numpy()
        code, issuers = pd.factorize(ranked["issuer_id"])  # ranked by issuer: codes and keys come out sorted
        seconds = ranked["available"].to_numpy(dtype="datetime64[s]").astype(np.int64)
        first, span = seconds.min(), seconds.max() - seconds.min() + 1
        return cls(records, pd.Index(issuers, dtype="str"), code * span + (seconds - first),
                   ranked["best_rank"].to_numpy(dtype=np.int64), first, span, position_by_rank)

    def select(self, requests: pd.DataFrame) -> np.ndarray:
        """For each (as_of, issuer_id) request row, the position of its record in `records`, or -1."""
        result = np.full(len(requests), NO_RECORD, dtype=np.int64)
        if self.records.empty or requests.empty:
            return result
        code = self.issuers.get_indexer(requests["issuer_id"])  # -1: an issuer without records, or ''
        seconds = requests["as_of"].to_numpy(dtype="datetime64[s]").astype(np.int64)
        # before every availability: -1, the last second of the previous issuer's range, which never matches
        offset = np.clip(seconds - self.first, -1, self.span - 1)
        at = np.searchsorted(self.keys, code * self.span + offset, side="right") - 1
        found = (code >= 0) & (at >= 0)
        found[found] = self.keys[at[found]] // self.span == code[found]
        result[found] = self.position_by_rank[self.key_best_rank[at[found]]]
        return result


def select_records(records: pd.DataFrame, requests: pd.DataFrame, lag_months: int) -> np.ndarray:
    """For each (as_of, issuer_id) request row, the position of its record in `records`, or -1 (see module doc)."""
    return RecordTimeline.of(records, lag_months).select(requests)

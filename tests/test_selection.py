"""The point-in-time record rule: greatest year <= year(D) published by D, then latest publication."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from esg_scores import NO_RECORD, publication_dates, select_records

# issuer X: FY2021 published 2022-05-01; FY2022 first published 2023-03-01, restated 2023-09-01;
# FY2023 without published_on (default 31 Dec 2023 + lag); FY2024 figures published early (2023-11-01),
# which a 2023 snapshot must not use (year > year(D)).
RECORDS = pd.DataFrame({
    "issuer_id": ["X", "X", "X", "X", "X", "Y"],
    "year": [2021, 2022, 2022, 2023, 2024, 2022],
    "published_on": pd.to_datetime(["2022-05-01", "2023-03-01", "2023-09-01", None, "2023-11-01",
                                    "2023-06-01"]).astype("datetime64[s]"),
})


def chosen(date: str, issuer: str = "X", lag: int = 0) -> int:
    requests = pd.DataFrame({"as_of": [pd.Timestamp(date)], "issuer_id": [issuer]})
    return int(select_records(RECORDS, requests, lag)[0])


@pytest.mark.parametrize(("date", "expected_row"), [
    ("2022-04-30", NO_RECORD),  # FY2021 not yet published
    ("2022-12-31", 0),          # FY2021
    ("2023-06-30", 1),          # FY2022 as first published
    ("2023-09-30", 2),          # FY2022 restated (latest publication of the greatest year)
    ("2023-11-30", 2),          # FY2024 published but year 2024 > 2023
    ("2023-12-31", 3),          # FY2023, default publication date 2023-12-31 (lag 0)
    ("2024-06-30", 4),          # FY2024
])
def test_record_for_snapshot(date: str, expected_row: int) -> None:
    assert chosen(date) == expected_row


def test_publication_lag_delays_default_dates() -> None:
    assert chosen("2023-12-31", lag=3) == 2   # FY2023 only known on 2024-03-31: the FY2022 restatement
    assert chosen("2024-01-31", lag=3) == 4   # in 2024, FY2024 (published 2023-11-01) is the greatest year
    dates = publication_dates(RECORDS, 2)
    assert dates.iloc[3] == pd.Timestamp("2024-02-29")  # 31 Dec + 2 months, end of a leap February


def test_unknown_and_empty_issuers_have_no_record() -> None:
    assert chosen("2024-12-31", issuer="Z") == NO_RECORD
    assert chosen("2024-12-31", issuer="") == NO_RECORD
    assert chosen("2023-06-01", issuer="Y") == 5


def test_many_requests_at_once_match_one_by_one() -> None:
    dates = ["2022-04-30", "2022-12-31", "2023-06-30", "2023-09-30", "2023-12-31", "2024-06-30"]
    requests = pd.DataFrame({"as_of": pd.to_datetime(dates * 2),
                             "issuer_id": ["X"] * len(dates) + ["Y"] * len(dates)})
    together = select_records(RECORDS, requests, 0).tolist()
    one_by_one = [chosen(d, i) for d, i in zip(dates * 2, requests["issuer_id"])]
    assert together == one_by_one


RECORD_ROWS = st.lists(st.tuples(st.sampled_from(["X", "Y", "Z"]), st.integers(2019, 2024),
                                 st.one_of(st.none(), st.dates(dt.date(2019, 1, 1), dt.date(2025, 12, 31)))),
                       min_size=1, max_size=12)
REQUESTS = st.lists(st.tuples(st.sampled_from(["X", "Y", "W", ""]), st.dates(dt.date(2018, 6, 30),
                                                                              dt.date(2026, 6, 30))), max_size=10)


@given(RECORD_ROWS, REQUESTS, st.integers(0, 6))
def test_the_selected_record_is_the_rule_applied_row_by_row(rows, asked, lag) -> None:
    records = pd.DataFrame({"issuer_id": [row[0] for row in rows], "year": [row[1] for row in rows],
                            "published_on": pd.to_datetime([row[2] for row in rows]).astype("datetime64[s]")})
    requests = pd.DataFrame({"as_of": pd.to_datetime([day for _, day in asked]).astype("datetime64[s]"),
                             "issuer_id": pd.Series([issuer for issuer, _ in asked], dtype="str")})
    published = publication_dates(records, lag)

    def by_the_rule(issuer: str, day: pd.Timestamp) -> int:  # greatest year <= year(D) published by D, then
        usable = [(records["year"][i], published[i], i) for i in range(len(records))  # latest publication, then
                  if records["issuer_id"][i] == issuer and records["year"][i] <= day.year and published[i] <= day]
        return max(usable)[2] if usable else NO_RECORD  # the later row

    expected = [by_the_rule(issuer, day) for issuer, day in zip(requests["issuer_id"], requests["as_of"])]
    assert select_records(records, requests, lag).tolist() == expected

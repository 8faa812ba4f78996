"""Currency conversion of issuer amounts: EVIC at the fiscal-year-end rate, revenue at the year's mean.

A record of fiscal year Y in currency C converts `evic` with the latest rate
of C dated on or before 31 December Y (a balance-sheet stock, valued at the
closing rate) and `revenue` with the mean of C's rates dated within Y (a flow
earned through the year), as the data contract says. EUR needs no rate. A
non-EUR record without such a rate is an input error naming its row.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from holdings.keyed import read_keyed_table
from holdings.problems import InputError, Problem, quote_value
from holdings.schema import Field, Rule, TableSchema
from holdings.tabular import RawTable

FX = TableSchema(
    name="fx",
    fields=(
        Field("date", "date"),
        Field("currency", "id"),
        Field("eur_per_unit", "number", rules=(Rule("eur_per_unit", "a number > 0",
                                                    lambda f: f["eur_per_unit"].isna() | (f["eur_per_unit"] > 0)),)),
    ),
)
EURO = "EUR"


def read_fx(source: str | Path | pd.DataFrame, column_map: Mapping[str, str],
            spellings: Mapping[str, Mapping[str, str]]) -> tuple[pd.DataFrame, RawTable]:
    """Read and validate the FX table (date, currency, EUR per unit)."""
    rates, raw = read_keyed_table(source, FX, column_map, spellings, ["currency", "date"],
                                  lambda row: f"{row['currency']} {row['date']:%Y-%m-%d}", "at least one rate")
    rates["currency"] = rates["currency"].str.upper()
    return rates, raw


def closing_rate(rates: pd.DataFrame, currency: str, year: int) -> float:
    """The latest rate of `currency` dated on or before 31 December of `year` (NaN if none)."""
    dates = rates["date"].to_numpy(dtype="datetime64[s]")
    mine = (rates["currency"].to_numpy(dtype=object) == currency) & (dates <= np.datetime64(f"{year:04d}-12-31"))
    return float(rates["eur_per_unit"].to_numpy()[mine][np.argmax(dates[mine])]) if mine.any() else np.nan


def mean_rate(rates: pd.DataFrame, currency: str, year: int) -> float:
    """The mean of the rates of `currency` dated within `year` (NaN if none)."""
    years = rates["date"].to_numpy(dtype="datetime64[s]").astype("datetime64[Y]").astype("int64") + 1970
    mine = (rates["currency"].to_numpy(dtype=object) == currency) & (years == year)
    return float(rates["eur_per_unit"][mine].mean()) if mine.any() else np.nan  # pandas' mean, in file order


def convert_records(records: pd.DataFrame, rates: pd.DataFrame | None, source: str) -> pd.DataFrame:
    """Fill `evic_eur` / `revenue_eur` from `evic` / `revenue` in `currency`; error without a rate.

    One rate per (currency, fiscal year) and amount, in that order; the
    problems name the rows of each in file order.
    """
    if "currency" not in records.columns:
        return records
    currency = records["currency"].str.upper().replace("", EURO).to_numpy(dtype=object)
    years = records["year"].to_numpy(dtype="int64")
    factors = {amount: np.full(len(records), np.nan) for amount in ("evic", "revenue")}
    problems = []
    for code, year in sorted(set(zip(currency, years.tolist()))):
        rows = (currency == code) & (years == year)
        for amount, rate_of in (("evic", closing_rate), ("revenue", mean_rate)):
            needed = rows & records[amount].notna().to_numpy()
            if not needed.any():
                continue
            rate = 1.0 if code == EURO else (rate_of(rates, code, year) if rates is not None else np.nan)
            if np.isnan(rate):
                when = f"on or before {year}-12-31" if amount == "evic" else f"dated in {year}"
                problems.extend(Problem(source, int(row), "currency", quote_value(code),
                                        f"a currency with an FX rate {when} (--fx), or EUR")
                                for row in records["source_row"].to_numpy()[needed])
                continue
            factors[amount][rows] = rate
    if problems:
        raise InputError(problems)
    filled = {}
    for amount, factor in factors.items():
        in_euros = records[f"{amount}_eur"].to_numpy(dtype="float64")
        filled[f"{amount}_eur"] = np.where(np.isnan(in_euros), records[amount].to_numpy(dtype="float64") * factor,
                                           in_euros)
    return records.assign(**filled)

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
    known = rates[(rates["currency"] == currency) & (rates["date"] <= pd.Timestamp(year=year, month=12, day=31))]
    return float(known.sort_values("date")["eur_per_unit"].iloc[-1]) if len(known) else np.nan


def mean_rate(rates: pd.DataFrame, currency: str, year: int) -> float:
    """The mean of the rates of `currency` dated within `year` (NaN if none)."""
    known = rates[(rates["currency"] == currency) & (rates["date"].dt.year == year)]
    return float(known["eur_per_unit"].mean()) if len(known) else np.nan


def convert_records(records: pd.DataFrame, rates: pd.DataFrame | None, source: str) -> pd.DataFrame:
    """Fill `evic_eur` / `revenue_eur` from `evic` / `revenue` in `currency`; error without a rate."""
    if "currency" not in records.columns:
        return records
    records = records.copy()
    currency = records["currency"].str.upper().replace("", EURO)
    problems = []
    for (code, year), rows in records.groupby([currency, records["year"].astype("int64")], sort=True):
        factors = {}
        for amount, rate_of in (("evic", closing_rate), ("revenue", mean_rate)):
            needed = rows[amount].notna()
            if not needed.any():
                continue
            rate = 1.0 if code == EURO else (rate_of(rates, code, int(year)) if rates is not None else np.nan)
            if np.isnan(rate):
                when = f"on or before {year}-12-31" if amount == "evic" else f"dated in {year}"
                for row in rows.loc[needed, "source_row"]:
                    problems.append(Problem(source, int(row), "currency", quote_value(code),
                                            f"a currency with an FX rate {when} (--fx), or EUR"))
                continue
            factors[amount] = rate
        for amount, rate in factors.items():
            converted = rows[amount] * rate
            records.loc[rows.index, f"{amount}_eur"] = records.loc[rows.index, f"{amount}_eur"].fillna(converted)
    if problems:
        raise InputError(problems)
    return records

"""What a rebalancing proposal reads: a run's issuers at a date, the target, prices and limits.

The book and the path come from a `Result` (in memory, or read back from a
run folder by `portfolio.load_run`); prices and limits from the user's
files, validated into
the contract's one-line problems (`FILE: row N, column C: got 'V'; expected
...`, exit 2). The `[rebalance]` table is parsed here rather than in
`portfolio.settings` so that the analysis settings stay the contract's; a
settings file may hold both, each reader taking its own tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pypfopt import risk_models

from holdings.problems import InputError, Problem, quote_value
from portfolio.engine.kernel import company_footprint, intensity
from portfolio.engine.names import FOOTPRINT
from portfolio.rebalance.optimizer import Book, Limits, Risk, SolverFailed
from portfolio.result import Result
from portfolio.setting_kinds import Schema, check_table, number, texts
from portfolio.settings import read_toml

PRICES_COLUMNS = ("date", "issuer_id", "price")
MONTHS_PER_YEAR = 12
MIN_PRICE_DATES = 3


def book_at(result: Result, as_of: pd.Timestamp) -> Book:
    """The covered listed-yield holdings of the run at `as_of`, summed by issuer."""
    rows = result.contributions
    dates = pd.to_datetime(rows["as_of"])
    if not (dates == as_of).any():
        known = ", ".join(sorted({f"{d:%Y-%m-%d}" for d in dates})[-3:])
        raise InputError(Problem("--as-of", 1, "", quote_value(f"{as_of:%Y-%m-%d}"),
                                 f"a snapshot date of the run (latest: {known})"))
    chosen = rows[(dates == as_of).to_numpy() & (rows["bucket"] == "yield").to_numpy()
                  & rows["listed"].fillna(False).to_numpy(dtype=bool) & rows["covered"].fillna(False).to_numpy(dtype=bool)]
    if chosen.empty:
        raise InputError(Problem("contributions.csv", 1, "covered", "no covered listed-yield holding at "
                                 f"{as_of:%Y-%m-%d}", "at least one issuer to re-weight"))
    return issuer_book(chosen)


def issuer_book(lines: pd.DataFrame) -> Book:
    """Covered listed-yield lines of one date (contributions columns) summed by issuer into a `Book`."""
    issuers = lines.groupby("issuer_id", sort=True).agg(
        value_eur=("market_value_eur", "sum"), sector=("sector", "first"), emissions=("emissions_tco2e", "first"),
        evic=("evic_eur", "first"), revenue=("revenue_eur", "first"))
    revenue = issuers["revenue"].where(issuers["revenue"] > 0)
    return Book(issuer_id=issuers.index.to_numpy(dtype=str), sector=issuers["sector"].astype(object).fillna("").to_numpy(dtype=str),
                value_eur=issuers["value_eur"].to_numpy(dtype="float64"),
                intensity_tco2e_per_meur=company_footprint(issuers["emissions"], issuers["evic"]).to_numpy(dtype="float64"),
                revenue_intensity_tco2e_per_meur=intensity(issuers["emissions"], revenue).to_numpy(dtype="float64"))


def target_at(result: Result, as_of: pd.Timestamp, target: str) -> float:
    """`--target`: a number in tCO2e/MEUR, or `path`, the trajectory's path value of the footprint at `as_of`."""
    if target.strip().casefold() != "path":
        try:
            value = float(target)
        except ValueError:
            value = float("nan")
        if not np.isfinite(value) or value < 0:
            raise InputError(Problem("--target", 1, "", quote_value(target), "path or a footprint >= 0 (tCO2e/MEUR)"))
        return value
    trajectory = result.trajectory
    rows = trajectory[(pd.to_datetime(trajectory["as_of"]) == as_of) & (trajectory["metric"] == FOOTPRINT)]
    if rows.empty or pd.isna(rows["path"].iloc[0]):
        raise InputError(Problem("trajectory.csv", 1, "path", f"no {FOOTPRINT} path at "
                                 f"{as_of:%Y-%m-%d}", "a snapshot on the trajectory, or --target VALUE"))
    return float(rows["path"].iloc[0])


LIMITS_SCHEMA: Schema = {
    "max_weight": number("a share in (0, 1]", lambda x: 0 < x <= 1),
    "max_sector_deviation": number("a share in [0, 1]", lambda x: 0 <= x <= 1),
    "turnover_cap": number("a share in [0, 1]", lambda x: 0 <= x <= 1),
    "exclude_issuers": texts("a list of strings"),
    "exclude_sectors": texts("a list of strings"),
}


def read_limits(config: Path | None) -> Limits:
    """The `[rebalance]` table of the settings file (other tables ignored), defaults for missing keys."""
    if config is None:
        return Limits()
    if not config.is_file():
        raise InputError(Problem(config.name, 1, "", quote_value(str(config)), "an existing TOML settings file"))
    return limits_from_table(read_toml(config).get("rebalance", {}), config.name)


def limits_from_table(table: Any, source: str) -> Limits:
    """Check a `[rebalance]` mapping against `LIMITS_SCHEMA` into `Limits`, collecting every problem before raising."""
    values, problems = check_table(table, LIMITS_SCHEMA, source, "rebalance.")
    if problems:
        raise InputError(problems)
    return Limits(**values)


def read_prices(path: Path, issuers: np.ndarray) -> pd.DataFrame:
    """`--prices`: a `date,issuer_id,price` CSV as a date x issuer frame in the book's issuer order."""
    if not path.is_file():
        raise InputError(Problem(path.name, 1, "", quote_value(str(path)), "an existing prices CSV"))
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows.columns = [str(c).strip().casefold() for c in rows.columns]
    missing = [c for c in PRICES_COLUMNS if c not in rows.columns]
    if missing:
        raise InputError([Problem(path.name, 1, c, "no such column", "a date,issuer_id,price header") for c in missing])
    dates = pd.to_datetime(rows["date"].str.strip(), format="%Y-%m-%d", errors="coerce")
    prices = pd.to_numeric(rows["price"].str.strip(), errors="coerce")
    ids = rows["issuer_id"].str.strip()
    problems = [Problem(path.name, i + 2, "date", quote_value(v), "a date as YYYY-MM-DD")
                for i, v in enumerate(rows["date"]) if pd.isna(dates.iloc[i])]
    problems += [Problem(path.name, i + 2, "price", quote_value(v), "a price > 0")
                 for i, v in enumerate(rows["price"]) if not prices.iloc[i] > 0]
    duplicated = pd.DataFrame({"date": dates, "id": ids}).duplicated()
    problems += [Problem(path.name, i + 2, "issuer_id", quote_value(ids.iloc[i]), "one price per date and issuer")
                 for i in np.flatnonzero(duplicated)]
    absent = sorted(set(issuers) - set(ids))
    problems += [Problem(path.name, 1, "issuer_id", quote_value(a), "prices for every issuer re-weighted")
                 for a in absent]
    if problems:
        raise InputError(problems)
    wide = pd.DataFrame({"date": dates, "issuer_id": ids, "price": prices}).pivot(
        index="date", columns="issuer_id", values="price").sort_index()
    gaps = wide.columns[wide.isna().any()]
    if len(gaps):
        raise InputError([Problem(path.name, 1, "price", f"no price on some dates for {quote_value(g)}",
                                  "a price at every date for every issuer") for g in gaps])
    if len(wide) < MIN_PRICE_DATES:
        raise InputError(Problem(path.name, 1, "date", f"{len(wide)} dates", f"at least {MIN_PRICE_DATES} months"))
    return wide[list(issuers)]


def ledoit_wolf(prices: pd.DataFrame) -> Risk:
    """Annualised Ledoit-Wolf covariance of monthly returns (PyPortfolioOpt), with its diagonal-plus-factor form.

    PyPortfolioOpt shrinks the sample covariance C (centred returns X, C = X'X / T)
    towards mu I, mu = trace(C) / n: S = 12 ((1 - delta) C + delta mu I). So
    S = a I + F'F with a = 12 delta mu and F = sqrt(12 (1 - delta) / T) X; checked against S.
    """
    shrinkage = risk_models.CovarianceShrinkage(prices, frequency=MONTHS_PER_YEAR)
    covariance = shrinkage.ledoit_wolf().loc[prices.columns, prices.columns].to_numpy(dtype="float64")
    returns = np.nan_to_num(shrinkage.X[prices.columns].to_numpy(dtype="float64"))
    centred = returns - returns.mean(axis=0)
    months, issuers = centred.shape
    diagonal = MONTHS_PER_YEAR * shrinkage.delta * (centred ** 2).sum() / months / issuers
    factor = np.sqrt(MONTHS_PER_YEAR * (1 - shrinkage.delta) / months) * centred
    if not np.allclose(diagonal * np.eye(issuers) + factor.T @ factor, covariance, rtol=1e-9, atol=1e-12):
        raise SolverFailed("the Ledoit-Wolf covariance does not split into diagonal plus factor")
    return Risk(covariance, float(diagonal), factor)

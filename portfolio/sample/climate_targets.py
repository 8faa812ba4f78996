"""The sample's temperature-rating inputs: ISIC codes, company values and the issuers' climate targets.

What they are. Each issuer record gains its ISIC Rev.4 class (from the
issuer's NACE division; a few vendor rows leave it empty), a market
capitalisation (listed issuers only: a sector share of EVIC, moving with it)
and total assets (a sector multiple of revenue; balance-sheet businesses
such as banks and insurers far above one), with the holes real files have.
`targets.csv` holds what CDP questionnaires and company reports would give
for about two thirds of the listed issuers and a few strategic stakes: near-
and mid-term S1+S2 targets, S3 targets on a part of the value chain, whole-
footprint S1+S2+S3 pledges up to net zero in 2050 (beyond 30 years for the
2019 snapshot), S1 and S2 targets set separately, intensity targets where a
sector uses them (power, cement, steel, oil, revenue), and the awkward rows
the rules must handle: an intensity target on `other`, expired and achieved
targets, targets published after the early snapshots.

Design: these columns and this file are drawn after the emission
calibration, from their own random stream, so the carbon figures of the
sample (and every metric computed on it) are exactly those of the book
without them. Base-year emissions are read off the issuer's calibrated
record of that year (or the earliest one, scaled back), as a company states
them in its target.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TARGET_COLUMNS = ["issuer_id", "target_id", "target_type", "intensity_metric", "scope", "coverage_s1",
                  "coverage_s2", "coverage_s3", "reduction_ambition", "base_year", "start_year", "end_year",
                  "base_year_ghg_s1", "base_year_ghg_s2", "base_year_ghg_s3", "achieved_reduction",
                  "sbti_validated", "published_on", "source"]
COMPANY_VALUE_COLUMNS = ["isic", "market_cap_eur", "total_assets_eur"]

# ISIC Rev.4 class, with its section letter, of each NACE division of the sample.
ISIC_BY_SECTOR = {
    "D35": "D3510", "E36": "E3600", "B06": "B0610", "C20": "C2011", "C23": "C2394", "C24": "C2410",
    "C17": "C1701", "C21": "C2100", "C32": "C3250", "Q86": "Q8610", "K64": "K6419", "K65": "K6512",
    "H49": "H4911", "H51": "H5110", "H52": "H5210", "C29": "C2910", "C28": "C2819", "C26": "C2610",
    "J61": "J6110", "J62": "J6201", "C10": "C1079", "G47": "G4711", "F41": "F4100", "L68": "L6810",
    "M71": "M7110", "Q87": "Q8730",
}
EQUITY_SHARE_OF_EVIC = {"K64": 0.25, "K65": 0.6, "L68": 0.5, "D35": 0.5, "E36": 0.55}  # others: 0.75
ASSETS_TO_REVENUE = {"K64": 18.0, "K65": 7.0, "L68": 11.0, "D35": 3.0, "E36": 2.8, "J61": 2.2}  # others: 1.2
MISSING_ISIC, MISSING_MARKET_CAP, MISSING_ASSETS = 0.04, 0.05, 0.04  # shares of records left empty

LISTED_WITH_TARGETS = 0.68
STRATEGIC_WITH_TARGETS = 3
INTENSITY_METRIC_OF_SECTOR = {"D35": "power", "C23": "cement", "C24": "steel", "B06": "oil"}
TARGET_SOURCES = (("CDP", 0.55), ("Company report", 0.3), ("SBTi", 0.15))


def with_company_values(records: pd.DataFrame, universe: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Records with `isic`, `market_cap_eur` (listed issuers) and `total_assets_eur`, a few left empty."""
    issuers = universe.set_index("issuer_id")
    sector = records["issuer_id"].map(issuers["sector"])
    listed = records["issuer_id"].map(issuers["listed"]).astype(bool).to_numpy()
    count = len(records)
    evic_eur = records["issuer_id"].map(issuers["evic_eur"]).to_numpy() * np.exp(rng.normal(0, 0.08, count))
    revenue_eur = records["issuer_id"].map(issuers["revenue_eur"]).to_numpy() * np.exp(rng.normal(0, 0.05, count))
    share = sector.map(EQUITY_SHARE_OF_EVIC).fillna(0.75).to_numpy() * np.exp(rng.normal(0, 0.1, count))
    market_cap = np.where(listed, evic_eur * np.minimum(share, 0.95), np.nan)
    assets = revenue_eur * sector.map(ASSETS_TO_REVENUE).fillna(1.2).to_numpy() * np.exp(rng.normal(0, 0.15, count))
    isic = sector.map(ISIC_BY_SECTOR).fillna("").to_numpy(dtype=object)
    isic[rng.random(count) < MISSING_ISIC] = ""
    market_cap[rng.random(count) < MISSING_MARKET_CAP] = np.nan
    assets[rng.random(count) < MISSING_ASSETS] = np.nan
    return records.assign(isic=isic, market_cap_eur=np.round(market_cap, -3), total_assets_eur=np.round(assets, -3))


def base_emissions(records: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each issuer's scope figures by fiscal year (the latest publication of each year)."""
    latest = records.sort_values(["issuer_id", "year", "published_on"], na_position="first", kind="stable")
    latest = latest.drop_duplicates(["issuer_id", "year"], keep="last")
    return {issuer: rows.set_index("year")[["scope1_tco2e", "scope2_tco2e", "scope3_tco2e"]]
            for issuer, rows in latest.groupby("issuer_id", sort=True)}


def _base_year_figures(history: pd.DataFrame, year: int) -> tuple[float, float, float]:
    """Scope 1, 2, 3 of a base year: its record, else the earliest one scaled back 2 % a year (NaN kept)."""
    if year in history.index:
        row = history.loc[year]
    else:
        first = history.index.min()
        row = history.loc[first] * 1.02 ** (first - year)
    return tuple(round(float(value), 1) if pd.notna(value) else np.nan for value in row)


def issuer_targets(issuer: str, sector: str, history: pd.DataFrame, rng: np.random.Generator) -> list[dict]:
    """The targets one issuer discloses, drawn from the usual profiles."""
    rows: list[dict] = []

    def add(scope: str, ambition: float, base_year: int, end_year: int, **fields: object) -> None:
        g1, g2, g3 = _base_year_figures(history, base_year)
        source = TARGET_SOURCES[int(rng.choice(len(TARGET_SOURCES), p=[p for _, p in TARGET_SOURCES]))][0]
        year = max(int(rng.choice([2019, 2020, 2021, 2022, 2023], p=[0.35, 0.2, 0.2, 0.15, 0.1])), base_year + 1)
        published = pd.Timestamp(year=year, month=int(rng.integers(3, 11)), day=int(rng.integers(1, 29)))
        row = {"issuer_id": issuer, "target_id": f"T{len(rows) + 1}", "target_type": "absolute",
               "intensity_metric": "", "scope": scope, "coverage_s1": np.nan, "coverage_s2": np.nan,
               "coverage_s3": np.nan, "reduction_ambition": round(ambition, 3), "base_year": base_year,
               "start_year": np.nan, "end_year": end_year, "base_year_ghg_s1": g1, "base_year_ghg_s2": g2,
               "base_year_ghg_s3": g3, "achieved_reduction": np.nan,
               "sbti_validated": bool(rng.random() < 0.45) if source != "Company report" else np.nan,
               "published_on": published if rng.random() < 0.8 else pd.NaT, "source": source}
        row.update(fields)
        rows.append(row)

    base = int(rng.choice([2015, 2017, 2018, 2019, 2020, 2021], p=[0.15, 0.1, 0.15, 0.35, 0.15, 0.1]))
    near = int(rng.choice([2025, 2026, 2028, 2030, 2030, 2032]))
    profile = rng.random()
    metric = INTENSITY_METRIC_OF_SECTOR.get(sector)
    if metric is not None and rng.random() < 0.5:
        add("S1+S2", rng.uniform(0.3, 0.6), base, near, target_type="intensity", intensity_metric=metric,
            coverage_s1=round(rng.uniform(0.85, 1.0), 2))
    elif profile < 0.12:  # S1 and S2 set separately, the same years
        add("S1", rng.uniform(0.25, 0.5), base, near, coverage_s1=round(rng.uniform(0.8, 1.0), 2))
        add("S2", rng.uniform(0.4, 0.9), base, near, coverage_s2=round(rng.uniform(0.9, 1.0), 2))
    elif profile < 0.27:  # a whole-footprint pledge, often net zero
        end = int(rng.choice([2040, 2050]))
        add("S1+S2+S3", 0.9 if end == 2050 else rng.uniform(0.5, 0.7), base, end,
            coverage_s1=1.0, coverage_s2=1.0, coverage_s3=round(rng.uniform(0.5, 0.9), 2))
    elif profile < 0.33:  # revenue intensity
        add("S1+S2", rng.uniform(0.3, 0.6), base, near, target_type="intensity", intensity_metric="revenue",
            coverage_s1=1.0)
    else:
        add("S1+S2", rng.uniform(0.25, 0.55), base, near, coverage_s1=round(rng.uniform(0.8, 1.0), 2))
    if rng.random() < 0.45:  # a scope-3 target on part of the value chain
        add("S3", rng.uniform(0.15, 0.35), base, int(rng.choice([2030, 2035])),
            coverage_s3=round(rng.uniform(0.3, 0.9), 2))
    if rng.random() < 0.12:  # a long-term S1+S2 ambition
        add("S1+S2", rng.uniform(0.6, 0.9), base, int(rng.choice([2040, 2045])), coverage_s1=1.0)
    if rng.random() < 0.1:  # an old target, expired by now (in force at the 2019 baseline)
        add("S1+S2", rng.uniform(0.1, 0.25), 2010, 2020, coverage_s1=1.0, published_on=pd.NaT)
    if rng.random() < 0.04:  # reached early
        add("S1+S2", rng.uniform(0.15, 0.25), 2016, 2025, coverage_s1=1.0, achieved_reduction=1.05)
    if rng.random() < 0.03:  # an intensity target on a metric the method cannot map
        add("S1+S2", rng.uniform(0.2, 0.4), base, near, target_type="intensity", intensity_metric="other",
            coverage_s1=1.0)
    return rows


def sample_targets(universe: pd.DataFrame, records: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The targets file: about two thirds of the listed issuers with records, and a few strategic stakes."""
    history = base_emissions(records)
    recorded = universe[universe["issuer_id"].isin(list(history))]
    listed = recorded[recorded["listed"]]
    chosen = listed[rng.random(len(listed)) < LISTED_WITH_TARGETS]
    strategic = recorded[~recorded["listed"]]
    chosen = pd.concat([chosen, strategic.iloc[rng.choice(len(strategic), STRATEGIC_WITH_TARGETS, replace=False)]])
    rows = [row for issuer in chosen.sort_values("issuer_id").itertuples(index=False)
            for row in issuer_targets(issuer.issuer_id, issuer.sector, history[issuer.issuer_id], rng)]
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


def targets_csv(targets: pd.DataFrame) -> bytes:
    """The targets file: `,`, `.` decimals, ISO dates, UTF-8, rows by issuer then target."""
    text = targets[TARGET_COLUMNS].copy()
    for column in ("reduction_ambition", "achieved_reduction", "coverage_s1", "coverage_s2", "coverage_s3",
                   "base_year_ghg_s1", "base_year_ghg_s2", "base_year_ghg_s3"):
        text[column] = targets[column].map(lambda v: "" if pd.isna(v) else repr(float(v)))
    text["start_year"] = targets["start_year"].map(lambda v: "" if pd.isna(v) else str(int(v)))
    text["sbti_validated"] = targets["sbti_validated"].map(lambda v: "" if pd.isna(v) else str(bool(v)).lower())
    text["published_on"] = targets["published_on"].map(lambda v: "" if pd.isna(v) else v.strftime("%Y-%m-%d"))
    return text.to_csv(index=False, lineterminator="\n").encode("utf-8")

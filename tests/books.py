"""Small synthetic books for the report tests: on track, off track, unknown baseline, one snapshot.

Twenty-four listed issuers (I01..I24) held in the yield bucket as shares and,
for every third one, a bond named as the back office names it ("... 2,75%
2035"); two strategic lines (one for health), the territorial fund, a line
without issuer id and one on an issuer without any record. Issuer figures of
year Y are published on 31 March Y+1; emissions change by `growth` a year
from 2019 on, so the footprint follows it: -10 % a year is well ahead of the
linear -50 % path (-4.5 % of the baseline a year), +2 % a year is above it.
Three issuers carry no `name`: the report labels them with their first
holding's name. Snapshots: 2019-12-31, then month ends of 2023 and 2024.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

ISSUERS = [f"I{index:02d}" for index in range(1, 25)]
SECTORS = ["C20", "D35", "K64", "C21", "H49", "J62"]
UNNAMED = {"I05", "I11", "I17"}
STEMS = ["Aster", "Boréal", "Cobalt", "Delta", "Étoile", "Fjord", "Garance", "Hélios"]
MONTHS = pd.date_range("2023-01-31", "2024-12-31", freq="ME")
BASELINE = pd.Timestamp("2019-12-31")


def issuer_name(position: int) -> str:
    return f"{STEMS[position % len(STEMS)]} {SECTORS[position % len(SECTORS)]} {'SA' if position % 2 else 'SE'}"


def issuers_frame(growth: float, first_year: int = 2018, published_late: bool = False) -> pd.DataFrame:
    """One record per issuer and year from `first_year` to 2024; `published_late`: year Y out in April Y+1."""
    rows = []
    for position, issuer in enumerate(ISSUERS):
        evic = 1e9 * (1 + position % 5)
        intensity = 100.0 + 25.0 * position  # tCO2e per MEUR of EVIC in 2019
        for year in range(first_year, 2025):
            emissions = intensity * evic / 1e6 * growth ** (year - 2019)
            rows.append({
                "issuer_id": issuer, "year": year,
                "published_on": f"{year + 1}-{'04-30' if published_late else '03-31'}",
                "scope1_tco2e": round(emissions * 0.3, 1), "scope2_tco2e": round(emissions * 0.1, 1),
                "scope3_tco2e": round(emissions * 0.6, 1), "evic_eur": evic * 1.02 ** (year - 2019),
                "revenue_eur": evic * 0.6, "data_quality": 1 + position % 4, "sector": SECTORS[position % 6],
                "name": "" if issuer in UNNAMED else issuer_name(position),
            })
    return pd.DataFrame(rows)


def holdings_frame(dates: list[pd.Timestamp], seed: int = 11) -> pd.DataFrame:
    """The lines above at each date, values drifting with a seeded market."""
    rng = np.random.default_rng(seed)
    rows = []
    for date in dates:
        market = float(np.exp(rng.normal(0, 0.02)))
        for position, issuer in enumerate(ISSUERS):
            value = 10e6 * (1 + position % 3) * market * float(np.exp(rng.normal(0, 0.01)))
            rows.append((date, f"EQ-{issuer}", issuer, "yield", "listed_equity", True, value,
                         f"{issuer_name(position)} (action)", "", ""))
            if position % 3 == 0:
                rows.append((date, f"OB-{issuer}", issuer, "yield", "corporate_bond", True, value / 2,
                             f"{issuer_name(position)} 2,75% 2035", "", ""))
        rows += [
            (date, "ST-HEALTH", "", "strategic", "unlisted_equity", False, 80e6 * market, "Clinique du Val", "",
             "patient_pathway"),
            (date, "ST-OTHER", "", "strategic", "real_estate", False, 15e6, "Siège social", "", ""),
            (date, "FD-TERR", "", "yield", "fund", False, 30e6, "Fonds Emplois Territoires", "FR-EMPLOIS", ""),
            (date, "EQ-NOID", "", "yield", "listed_equity", True, 4e6, "Ligne sans identifiant", "", ""),
            (date, "EQ-NOREC", "ZZ-NO-RECORD", "yield", "listed_equity", True, 6e6, "Émetteur sans données SA", "",
             ""),
        ]
    return pd.DataFrame(rows, columns=["as_of", "holding_id", "issuer_id", "bucket", "asset_class", "listed",
                                       "market_value_eur", "name", "fund_id", "purpose"])


def book(kind: str) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, object]]:
    """(holdings, issuers, settings) of one kind: on_track, off_track, one_snapshot."""
    if kind == "one_snapshot":
        return holdings_frame([pd.Timestamp("2024-12-31")]), issuers_frame(0.90), \
            {"trajectory": {"baseline_footprint": 400.0, "baseline_financed_emissions": 1.4e5}}
    growth = {"on_track": 0.90, "off_track": 1.02}[kind]
    return holdings_frame([BASELINE, *MONTHS]), issuers_frame(growth), {}


def write_french_export(folder: Path) -> tuple[Path, Path, Path]:
    """The unknown-baseline book as a French back office exports it: `;`, decimal comma, DD/MM/YYYY.

    The 31/12/2019 holdings' issuers published their first figures (year
    2019) on 30 April 2020, so nothing is covered at the baseline date; the
    baseline is frozen in the settings, as the mission report gives it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    holdings = holdings_frame([BASELINE, *MONTHS])
    holdings["as_of"] = holdings["as_of"].dt.strftime("%d/%m/%Y")
    holdings["listed"] = holdings["listed"].map({True: "oui", False: "non"})
    issuers = issuers_frame(0.97, first_year=2019, published_late=True)
    paths = folder / "positions.csv", folder / "emetteurs.csv", folder / "settings.toml"
    holdings.to_csv(paths[0], sep=";", decimal=",", index=False, encoding="utf-8-sig")
    issuers.to_csv(paths[1], sep=";", decimal=",", index=False)
    paths[2].write_text("[trajectory]\nbaseline_footprint = 412.0\nbaseline_financed_emissions = 160000.0\n",
                        encoding="utf-8")
    return paths

"""Gap filling: estimate a line's emissions from the sector averages of covered issuers (PCAF 4-5).

For each snapshot and sector, the averages are taken over the distinct
issuers covered by reported data at that snapshot (point in time, so an
estimate never uses figures published later): emissions per EUR of revenue
(sum E / sum revenue, i.e. the revenue-weighted mean intensity) and per EUR of
EVIC (sum E / sum EVIC). A line whose sector is unknown or has no covered
peer uses the all-sector average of its snapshot.

- revenue and EVIC known: E = revenue x sector E/revenue, financed emissions
  = value / EVIC x E; PCAF score 4 (revenue-based estimate);
- otherwise: financed emissions = value x sector E/EVIC (E = EVIC x E/EVIC
  when EVIC is known); PCAF score 5 (asset-based estimate).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from portfolio.engine.kernel import attributed, share

ALL_SECTORS = "*"
REVENUE_BASED_SCORE = 4
ASSET_BASED_SCORE = 5


def sector_averages(reported: pd.DataFrame) -> pd.DataFrame:
    """Per (as_of, sector), and (as_of, '*') for all sectors: E per EUR of revenue and of EVIC.

    `reported` holds covered lines with as_of, issuer_id, sector, emissions, evic, revenue.
    """
    issuers = reported.drop_duplicates(["as_of", "issuer_id"])
    everything = issuers.assign(sector=ALL_SECTORS)
    rows = pd.concat([issuers[issuers["sector"] != ""], everything], ignore_index=True)
    with_revenue = rows["revenue"] > 0
    grouped = rows.assign(
        emissions_with_revenue=rows["emissions"].where(with_revenue, 0.0),
        revenue=rows["revenue"].where(with_revenue, 0.0),
    ).groupby(["as_of", "sector"], sort=True)
    sums = grouped[["emissions", "evic", "emissions_with_revenue", "revenue"]].sum()
    return pd.DataFrame({
        "per_revenue": share(sums["emissions_with_revenue"].to_numpy(), sums["revenue"].to_numpy()),
        "per_evic": share(sums["emissions"].to_numpy(), sums["evic"].to_numpy()),
    }, index=sums.index)


def estimate(candidates: pd.DataFrame, averages: pd.DataFrame) -> pd.DataFrame:
    """Estimated emissions, financed emissions and PCAF score for lines lacking reported data.

    `candidates` holds as_of, sector, value, evic, revenue; rows with no usable
    average (no covered issuer at that snapshot) get NaN and no score.
    """
    own = pd.MultiIndex.from_arrays([candidates["as_of"], candidates["sector"]])
    has_own = own.isin(averages.index) & (candidates["sector"] != "").to_numpy()
    sector = np.where(has_own, candidates["sector"].to_numpy(dtype=object), ALL_SECTORS)
    chosen = averages.reindex(pd.MultiIndex.from_arrays([candidates["as_of"], sector]))
    per_revenue, per_evic = chosen["per_revenue"].to_numpy(), chosen["per_evic"].to_numpy()
    value = candidates["value"].to_numpy(dtype=float)
    evic = candidates["evic"].to_numpy(dtype=float)
    revenue = candidates["revenue"].to_numpy(dtype=float)
    by_revenue = (revenue > 0) & (evic > 0) & ~np.isnan(per_revenue)
    by_assets = ~by_revenue & ~np.isnan(per_evic)
    with np.errstate(divide="ignore", invalid="ignore"):
        emissions = np.where(by_revenue, revenue * per_revenue, np.where(by_assets & (evic > 0), evic * per_evic, np.nan))
        financed = np.where(by_revenue, attributed(value, evic, emissions), np.where(by_assets, value * per_evic, np.nan))
    score = np.where(by_revenue, REVENUE_BASED_SCORE, np.where(by_assets, ASSET_BASED_SCORE, np.nan))
    return pd.DataFrame({"emissions": emissions, "financed": financed, "quality": score}, index=candidates.index)

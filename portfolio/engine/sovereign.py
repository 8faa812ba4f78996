"""Sovereign bonds: PCAF sovereign financed emissions and the SFDR PAI 15 intensity.

A `sovereign_bond` line whose `issuer_id` is a country code uses that
country's record (same point-in-time rule as issuers). It is covered when the
record exists; its financed emissions are value / GDP (PPP) x production
emissions. Sovereign figures are separate metrics and never enter a
corporate figure (sovereign bonds are not an eligible asset class).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from esg_scores import NO_RECORD, RecordTimeline
from portfolio.engine.kernel import attributed
from portfolio.engine.record_join import gather, record_positions

SOVEREIGN_COLUMNS = ["country_emissions_tco2e", "gdp_ppp_eur", "gdp_eur", "sovereign_covered",
                     "sovereign_financed_emissions_tco2e", "sovereigns_row"]


def sovereign_exposure(lines: pd.DataFrame, timeline: RecordTimeline) -> pd.DataFrame:
    """Sovereign columns for every line (empty except on covered sovereign bonds); `timeline` of the country records."""
    countries = timeline.records
    sovereign = (lines["asset_class"] == "sovereign_bond").to_numpy()
    positions = np.full(len(lines), NO_RECORD, dtype=np.int64)
    if sovereign.any():  # only the sovereign bonds' (snapshot, country) pairs are looked up
        positions[sovereign] = record_positions(lines.loc[sovereign, ["as_of", "issuer_id"]], timeline)

    def column(name: str) -> np.ndarray:
        return gather(countries[name].to_numpy(dtype="float64", na_value=np.nan), positions, np.nan)

    emissions, gdp_ppp = column("emissions_tco2e"), column("gdp_ppp_eur")
    covered = positions != NO_RECORD
    value = lines["market_value_eur"].to_numpy(dtype="float64")
    return pd.DataFrame({
        "country_emissions_tco2e": emissions,
        "gdp_ppp_eur": gdp_ppp,
        "gdp_eur": column("gdp_eur"),
        "sovereign_covered": covered,
        "sovereign_financed_emissions_tco2e": np.where(covered, attributed(value, gdp_ppp, emissions), np.nan),
        "sovereigns_row": pd.array(column("source_row"), dtype="Int64"),
    }, index=lines.index)

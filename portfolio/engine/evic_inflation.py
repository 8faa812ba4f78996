"""Optional EVIC inflation adjustment (EU climate benchmarks, Regulation 2020/1818, Art. 7(3)).

A market rally raises every EVIC and lowers the footprint with no change in
emissions. The adjustment divides EVIC by the EVIC inflation since the
baseline: the ratio of the mean `evic_eur` of the issuers covered in
listed_yield at the latest year-end snapshot to that mean at the baseline
snapshot. Year-on-year factors telescope, so the chained factor is this one
ratio. Since financed emissions are inversely proportional to EVIC, the
adjusted footprint is the footprint times the factor. A snapshot uses the
factor of the latest year-end snapshot on or before its date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from portfolio.engine.metrics import metric_series
from portfolio.engine.names import ADJUSTED_FOOTPRINT, EVIC_FACTOR, FOOTPRINT, TRAJECTORY_PERIMETER


def mean_covered_evic(contributions: pd.DataFrame) -> pd.Series:
    """Mean EVIC over distinct issuers covered in listed_yield, by snapshot date."""
    lines = contributions[contributions["covered"] & (contributions["bucket"] == "yield")
                          & contributions["listed"].astype(bool)]
    per_issuer = lines.drop_duplicates(["as_of", "issuer_id"])
    return per_issuer.groupby("as_of")["evic_eur"].mean()


def adjusted_metrics(means: pd.Series, metrics: pd.DataFrame, baseline_date: pd.Timestamp) -> pd.DataFrame:
    """Extra listed_yield rows: the EVIC inflation factor and the adjusted footprint per snapshot.

    `means` is `mean_covered_evic` of every snapshot (of chunks, concatenated).
    """
    year_ends = means[(means.index.month == 12) & (means.index.day == 31)]
    footprint = metric_series(metrics, TRAJECTORY_PERIMETER, FOOTPRINT)
    rows = []
    base = means.get(baseline_date, np.nan)
    for date, value in footprint.items():
        known = year_ends[year_ends.index <= date]
        factor = known.iloc[-1] / base if len(known) and pd.notna(base) and base > 0 else np.nan
        rows.append((date, TRAJECTORY_PERIMETER, EVIC_FACTOR, factor))
        rows.append((date, TRAJECTORY_PERIMETER, ADJUSTED_FOOTPRINT, value * factor))
    return pd.DataFrame(rows, columns=["as_of", "perimeter", "metric", "value"])

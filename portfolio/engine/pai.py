"""SFDR principal adverse impacts 1-3: yearly means of the four quarter-end values.

SFDR asks for the average of the impacts at 31 March, 30 June, 30 September
and 31 December. A year lacking one of these snapshots, or whose value there is
empty, gets no row for that metric: a mean of three quarters would be a
different figure under the same name.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from portfolio.engine.names import EMISSIONS, FOOTPRINT_SFDR, INTENSITY_SFDR

PAI_METRICS = (EMISSIONS, FOOTPRINT_SFDR, INTENSITY_SFDR)  # SFDR PAI 1, 2, 3
QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))


def quarter_ends(year: int) -> list[pd.Timestamp]:
    """The four quarter-end dates of a calendar year."""
    return [pd.Timestamp(dt.date(year, month, day)) for month, day in QUARTER_ENDS]


def compute_pai(metrics: pd.DataFrame) -> pd.DataFrame:
    """`pai.csv` as a frame: year, perimeter, metric, value."""
    wanted = metrics[metrics["metric"].isin(PAI_METRICS)]
    by_key = wanted.set_index(["as_of", "perimeter", "metric"])["value"]
    years = sorted({date.year for date in pd.DatetimeIndex(wanted["as_of"].unique())})
    rows = []
    for year in years:
        dates = quarter_ends(year)
        for perimeter in sorted(wanted["perimeter"].unique()):
            for metric in PAI_METRICS:
                values = [by_key.get((date, perimeter, metric), np.nan) for date in dates]
                if not any(pd.isna(v) for v in values):
                    rows.append((year, perimeter, metric, (values[0] + values[1] + values[2] + values[3]) / 4))
    pai = pd.DataFrame(rows, columns=["year", "perimeter", "metric", "value"])
    pai["year"] = pai["year"].astype("int64")
    return pai.sort_values(["year", "perimeter", "metric"], kind="stable", ignore_index=True)

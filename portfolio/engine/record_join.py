"""The record join: which issuer (or country) record each line uses, shared by corporate and sovereign exposure.

The join is done on integer codes: distinct (snapshot, issuer) pairs select
their record on the small side (`esg_scores.RecordTimeline`), then every
line takes its pair's record position, which is a hash join on two integer
codes. `gather` then reads any record column for every line, with a missing
value where a line has no record.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from esg_scores import RecordTimeline


def gather(values: np.ndarray, positions: np.ndarray, missing: object) -> np.ndarray:
    """`values[positions]`, with `missing` where the position is -1 (no record)."""
    return np.append(values, np.array([missing], dtype=values.dtype))[positions]


def record_positions(holdings: pd.DataFrame, timeline: RecordTimeline) -> np.ndarray:
    """Position in `timeline.records` of the record each holding uses, -1 for none (see module doc)."""
    date_codes, dates = pd.factorize(holdings["as_of"], sort=True)
    issuer_codes, issuers = pd.factorize(holdings["issuer_id"], sort=True)
    pair_of_holding, pairs = pd.factorize(date_codes.astype(np.int64) * len(issuers) + issuer_codes, sort=True)
    requests = pd.DataFrame({
        "as_of": dates.to_numpy()[pairs // len(issuers)],
        "issuer_id": issuers.to_numpy(dtype=object)[pairs % len(issuers)],
    })
    return timeline.select(requests)[pair_of_holding]

"""One snapshot's holdings as a Parquet blob: the form in which the run history keeps them.

Only the contract's holdings columns are kept, as validated (contract values,
typed), rows sorted by `holding_id`, written without the pandas index and with
fixed options, so the same rows give the same bytes and the blob's SHA-256
identifies its content: a month analysed twice is stored once.
"""

from __future__ import annotations

import hashlib
import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from holdings.positions import holdings_schema
from portfolio.audit.store import SnapshotUse

HOLDINGS_COLUMNS = tuple(holdings_schema().names)


def given_snapshots(positions: pd.DataFrame) -> list[SnapshotUse]:
    """Validated holdings, one blob per snapshot date, as given on the command line."""
    dates = positions["as_of"].dt.strftime("%Y-%m-%d")
    snapshots = []
    for as_of, rows in positions.groupby(dates, sort=True):
        blob = parquet_bytes(rows)
        snapshots.append(SnapshotUse(str(as_of), hashlib.sha256(blob).hexdigest(), "given", len(rows), blob))
    return snapshots


def parquet_bytes(rows: pd.DataFrame) -> bytes:
    """The contract columns of `rows`, sorted by (as_of, holding_id), as deterministic Parquet bytes."""
    columns = [column for column in HOLDINGS_COLUMNS if column in rows.columns]
    ordered = rows[columns].sort_values(["as_of", "holding_id"], kind="stable", ignore_index=True)
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(ordered, preserve_index=False), sink, compression="zstd")
    return sink.getvalue()


def rows_of(blobs: list[bytes]) -> pd.DataFrame:
    """The holdings rows of several stored snapshots, stacked."""
    return pd.concat([pq.read_table(pa.BufferReader(blob)).to_pandas() for blob in blobs], ignore_index=True)

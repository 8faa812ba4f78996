"""The monthly routine: this month's holdings files, the earlier months from the run history.

`portfolio analyze --store PATH --holdings this_month.csv --issuers ...`
reads the given files first (to know their dates), then adds every snapshot
the store holds that is dated before the latest given one and is not given:
for each date, the holdings of the run currently published for it, else
those of the latest recorded run that had it. Given files win over the store
for the same date. The stored rows enter the run as one more holdings input,
the Parquet file `stored-holdings.parquet`, copied into the run folder like
any input so that `verify` re-runs it; the manifest's `stored_snapshots` says
which run each date came from. The run is then recorded with the holdings of
every snapshot it used, so next month's run finds this month's rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from holdings import read_holdings
from holdings.positions import all_lines
from portfolio.audit import workspace
from portfolio.settings import Settings
from portfolio.audit.snapshots import given_snapshots, parquet_bytes, rows_of
from portfolio.audit.store import SnapshotUse, snapshot_parquet, snapshot_sources

STORED_HOLDINGS = "stored-holdings.parquet"


@dataclass(frozen=True)
class MonthlyInputs:
    """The holdings sources of a run (None: the bundled sample) and their snapshots, given or stored."""

    holdings: list[str | Path] | None
    snapshots: list[SnapshotUse]

    @property
    def stored(self) -> list[dict[str, Any]]:
        """The manifest's `stored_snapshots`: each date taken from the store, its rows and source run."""
        return [{"as_of": s.as_of, "digest": s.digest, "rows": s.row_count, "run_id": s.run_id,
                 "input": STORED_HOLDINGS} for s in self.snapshots if s.origin == "stored"]


@contextmanager
def monthly_inputs(connection: sqlite3.Connection, holdings: Sequence[str | Path],
                   settings: Settings) -> Iterator[MonthlyInputs]:
    """The given holdings plus, while the context lasts, a Parquet file of the earlier stored snapshots."""
    positions, _ = read_holdings(holdings, settings.columns, settings.values, settings.health_purposes)
    given = given_snapshots(all_lines(positions))
    dates = {snapshot.as_of for snapshot in given}
    stored = [source for as_of, source in sorted(snapshot_sources(connection).items())
              if as_of < max(dates) and as_of not in dates]
    with workspace.scratch("portfolio-stored-") as scratch:
        sources = list(holdings)
        if stored:
            path = scratch / STORED_HOLDINGS
            path.write_bytes(parquet_bytes(rows_of([snapshot_parquet(connection, s.digest) for s in stored])))
            sources.append(path)
        yield MonthlyInputs(sources, sorted(given + stored, key=lambda snapshot: snapshot.as_of))


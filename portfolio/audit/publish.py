"""Publishing: marking a recorded run's figures as the published ones for its months (snapshots).

Per month, the run's figures (every metric of every perimeter) are compared,
bit for bit, with those of the run currently published for that month: a
month never published is published; identical figures leave it as it is
(publishing again is a no-op); different figures are a restatement, refused
unless a reason is given, in which case a new publication row carries the
reason and the earlier one stays (publication rows are append-only; the
latest per month is current). Nothing is published when any month is
refused. The comparison and the new rows share one `BEGIN IMMEDIATE`
transaction, so two people publishing at once take turns and the second sees
what the first published.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from dataclasses import dataclass, field

from portfolio.audit.history import FigureChange, figure_changes
from portfolio.audit.store import Figures, current_publications, insert_publication, run_figures, transaction

PUBLISHED, UNCHANGED, RESTATED, REFUSED = "published", "unchanged", "restated", "refused"


@dataclass(frozen=True)
class MonthOutcome:
    """What publishing did (or would do) to one month."""

    as_of: str
    status: str
    previous_run: str | None = None
    changes: list[FigureChange] = field(default_factory=list)


class RestatementRefused(Exception):
    """Some months already carry different published figures and no reason was given."""

    def __init__(self, outcomes: list[MonthOutcome]) -> None:
        super().__init__(f"{sum(o.status == REFUSED for o in outcomes)} month(s) need --restate")
        self.outcomes = outcomes


def publish_run(connection: sqlite3.Connection, run_id: str, reason: str | None = None,
                months: Collection[str] | None = None) -> list[MonthOutcome]:
    """Publish the run's figures for its months (or only `months`); raise `RestatementRefused`."""
    with transaction(connection):
        figures = run_figures(connection, run_id)
        dates = sorted({as_of for as_of, _, _ in figures if months is None or as_of in months})
        outcomes = [_outcome(connection, as_of, figures, run_id, reason) for as_of in dates]
        if any(outcome.status == REFUSED for outcome in outcomes):
            raise RestatementRefused(outcomes)
        for outcome in outcomes:
            if outcome.status in (PUBLISHED, RESTATED):
                insert_publication(connection, outcome.as_of, run_id,
                                   reason if outcome.status == RESTATED else None)
    return outcomes


def _outcome(connection: sqlite3.Connection, as_of: str, figures: Figures, run_id: str,
             reason: str | None) -> MonthOutcome:
    current = current_publications(connection, as_of)
    if not current:
        return MonthOutcome(as_of, PUBLISHED)
    previous = current[0].run_id
    mine = {key: value for key, value in figures.items() if key[0] == as_of}
    changes = figure_changes(run_figures(connection, previous, as_of), mine)
    if not changes:
        return MonthOutcome(as_of, UNCHANGED, previous)
    return MonthOutcome(as_of, RESTATED if reason else REFUSED, previous, changes)

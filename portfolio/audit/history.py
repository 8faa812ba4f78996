"""Reading the run history: the runs recorded, the published figure per month, what changed between runs.

Text tables for the terminal, built from the store's queries. Figures are
shown in full (the shortest text that reads back to the same double, as in
the CSV files), so a difference is never hidden by rounding.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from portfolio.engine import names as n
from portfolio.audit.store import Figures, current_publications, recordings, run_figures

ID_SHOWN = 12
# The headline figures of `history`: (column title, perimeter, metric).
HEADLINES = (
    ("footprint_tco2e_per_meur", n.LISTED_YIELD, n.FOOTPRINT),
    ("financed_emissions_tco2e", n.LISTED_YIELD, n.EMISSIONS),
    ("health_share_pct", n.STRATEGIC, n.HEALTH_SHARE),
    ("territorial_share_pct", n.TOTAL, n.TERRITORIAL_SHARE),
)


@dataclass(frozen=True)
class FigureChange:
    """One figure that differs between two sets of figures (None: empty, or absent from one side)."""

    as_of: str
    perimeter: str
    metric: str
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before

    def describe(self) -> str:
        change = "" if self.change is None else f" ({self.change:+})"
        return (f"{self.as_of} {self.perimeter} {self.metric}: "
                f"{_number(self.before) or 'empty'} -> {_number(self.after) or 'empty'}{change}")


def figure_changes(before: Figures, after: Figures) -> list[FigureChange]:
    """Every figure whose value differs, is emptied, appears or disappears, sorted by key."""
    return [FigureChange(*key, before.get(key), after.get(key)) for key in sorted(set(before) | set(after))
            if key not in before or key not in after or before[key] != after[key]]


def history_text(connection: sqlite3.Connection) -> str:
    """The `history` listing: recorded runs, then the published headline figures per month."""
    runs = [(r.recorded_at, r.run_id[:ID_SHOWN], f"{r.first} .. {r.last}" if r.snapshots else "",
             str(r.snapshots), r.folder) for r in recordings(connection)]
    published = []
    for publication in current_publications(connection):
        figures = run_figures(connection, publication.run_id, publication.as_of)
        published.append((publication.as_of, publication.run_id[:ID_SHOWN], publication.published_at,
                          *(_headline(figures.get((publication.as_of, perimeter, metric)), metric)
                            for _, perimeter, metric in HEADLINES),
                          f"restated: {publication.reason}" if publication.versions > 1 else ""))
    return "\n".join([
        "runs recorded",
        table(("recorded_at", "run", "snapshots", "count", "folder"), runs),
        "",
        "published figures (current version per month)",
        table(("as_of", "run", "published_at", *(title for title, _, _ in HEADLINES), "note"), published),
    ])


def diff_text(before: Figures, after: Figures, first: str, second: str) -> str:
    """The `history --diff` listing: each figure that changed from run `first` to run `second`.

    Snapshots only one of the runs has are summed up in one line each rather
    than listed figure by figure.
    """
    names = first[:ID_SHOWN], second[:ID_SHOWN]
    dates = [{as_of for as_of, _, _ in figures} for figures in (before, after)]
    lines = [f"{as_of}: only in run {names[side]}" for side in (0, 1)
             for as_of in sorted(dates[side] - dates[1 - side])]
    common = dates[0] & dates[1]
    changes = figure_changes({k: v for k, v in before.items() if k[0] in common},
                             {k: v for k, v in after.items() if k[0] in common})
    if not changes:
        return "\n".join([*lines, f"no figure of the {len(common)} common snapshots differs "
                                   f"between runs {names[0]} and {names[1]}"])
    rows = [(c.as_of, c.perimeter, c.metric, _number(c.before), _number(c.after), _number(c.change),
             _relative(c)) for c in changes]
    return "\n".join([*lines, f"{len(changes)} figures differ from run {names[0]} to run {names[1]}",
                      table(("as_of", "perimeter", "metric", *names, "change", "change_pct"), rows)])


def headlines_first(changes: Sequence[FigureChange]) -> list[FigureChange]:
    """The changes with the headline figures of `history` first, then in key order."""
    headline = {(perimeter, metric) for _, perimeter, metric in HEADLINES}
    return sorted(changes, key=lambda c: (c.as_of, (c.perimeter, c.metric) not in headline, c.perimeter, c.metric))


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns separated by two spaces; `(none)` for no rows."""
    if not rows:
        return "(none)"
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    return "\n".join("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip()
                     for row in [header, *rows])


def _headline(value: float | None, metric: str) -> str:
    """A headline figure as listed: a share as a percentage with two decimals (`81.52 %`), others exact."""
    if value is None or not metric.endswith("_share"):
        return _number(value)
    return f"{value * 100:.2f} %"


def _number(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def _relative(change: FigureChange) -> str:
    if change.change is None or not change.before:
        return ""
    return f"{change.change / abs(change.before) * 100:+.4g} %"

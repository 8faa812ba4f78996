"""One pass over the book, chunk by chunk: each chunk's contributions and what the later steps keep of them.

A chunk (whole snapshots, `holdings.snapshot_chunks`) is expanded through its
funds, joined to its issuer records and summed into its metrics; then only
small aggregates outlive it: per (snapshot, issuer) cells for the
attribution and the temperature rating, covered EVIC means, gap warnings.
Its contribution rows go to the `ContributionTable`. Every aggregate is
computed per snapshot, in the rows' order, so the figures are those of the
whole book to the bit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd

from esg_scores import RecordTimeline
from holdings.problems import InputError, Problem
from portfolio.engine.attribution import footprint_known_dates, issuer_lines
from portfolio.engine.contribution_table import ContributionTable
from portfolio.engine.evic_inflation import mean_covered_evic
from portfolio.engine.exposure import build_contributions
from portfolio.engine.gaps import fund_warnings, gap_problems, gap_warnings
from portfolio.engine.lookthrough import expand_funds
from portfolio.engine.metrics import compute_metrics
from portfolio.engine.temperature import HeldValues
from portfolio.settings import Settings


@dataclass
class Walked:
    """Everything the run keeps of its chunks."""

    contributions: ContributionTable
    metrics: pd.DataFrame
    dates: pd.DatetimeIndex  # every snapshot
    evic_means: pd.Series | None  # mean covered EVIC per snapshot, when the EVIC inflation adjustment is on
    issuer_lines: pd.DataFrame  # per (snapshot, issuer) cells of the attribution
    known: set[pd.Timestamp]  # snapshots whose footprint is known
    warnings: list[pd.DataFrame]  # gap and fund warnings
    held: HeldValues | None  # the temperature rating's input, when rated


def walk(chunks: Iterable[pd.DataFrame], issuers: RecordTimeline, settings: Settings, *,
         compositions: pd.DataFrame | None = None, countries: pd.DataFrame | None = None, rated: bool = False,
         progress: Callable[[str], None] | None = None, sink: Callable[[pd.DataFrame], None] | None = None,
         keep: bool = True) -> Walked:
    """Compute every chunk of validated positions; `InputError` lists every line refused by `gaps = "strict"`.

    `sink`, when given, receives each chunk's contributions as soon as they
    are computed (the run folder's writer renders them meanwhile); `keep=False`
    then spares keeping them (see `ContributionTable`).
    """
    step = progress or (lambda _: None)
    table = ContributionTable(keep=keep or sink is None)
    metrics, means, lines, warnings, held = [], [], [], [], []
    known: set[pd.Timestamp] = set()
    problems: list[Problem] = []
    country_records = None if countries is None else RecordTimeline.of(countries, settings.publication_lag_months)
    for number, positions in enumerate(chunks):
        if number:
            step(f"computing chunk {number + 1}")
        if compositions is not None:
            positions = expand_funds(positions, compositions)
        contributions = build_contributions(positions, issuers, settings, country_records)
        if settings.gaps == "strict":
            problems.extend(gap_problems(contributions, settings.scopes))
        if problems:
            continue  # an input error: only the remaining problems are still wanted
        metrics.append(compute_metrics(contributions))
        if settings.trajectory.evic_inflation_adjustment:
            means.append(mean_covered_evic(contributions))
        lines.append(issuer_lines(contributions))
        known |= footprint_known_dates(contributions)
        warnings += [gap_warnings(contributions, settings.scopes), fund_warnings(contributions)]
        if rated:
            held.append(HeldValues.of(contributions))
        table.append(contributions)
        if sink is not None:
            sink(contributions)
    if problems:
        raise InputError(problems)
    joined = pd.concat(metrics, ignore_index=True)
    return Walked(contributions=table,
                  metrics=joined.sort_values(["as_of", "perimeter", "metric"], kind="stable", ignore_index=True),
                  dates=pd.DatetimeIndex(joined["as_of"].drop_duplicates().sort_values()),
                  evic_means=pd.concat(means) if means else None, issuer_lines=pd.concat(lines, ignore_index=True),
                  known=known, warnings=warnings, held=HeldValues.concat(held) if rated else None)

"""What to do when the listed-yield footprint is off its 2030 path: the rebalancing proposal, from the run itself.

The report's "What to do" section needs, when the latest footprint is above
its path or the projection's median misses the target, what `portfolio
rebalance` would propose: the same solver (`portfolio.rebalance.optimizer`) on the
same issuer book, read from the run's contributions in memory rather than
from a run folder. The target is the path value at the latest snapshot; when
the book is already below it (only the projection misses), the path value a
year later, so that the proposal keeps the book on its path over the next
year. Without prices there is no covariance: the proposal minimises the
squared weight change, and no tracking error is quoted. Only the proposal is
solved (one LP and one QP, no frontier), and the solver is imported only
when the book is off track, so a run on track pays nothing for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio.engine.names import FOOTPRINT
from portfolio.engine.projection import ProjectionSummary
from portfolio.engine.trajectory import path_values, years_between
from portfolio.settings import Trajectory


@dataclass(frozen=True)
class Advice:
    """The rebalancing proposal for an off-track book (`target` None when no line is covered to re-weight)."""

    as_of: pd.Timestamp
    target: float | None               # the footprint the proposal aims at, tCO2e/MEUR
    target_date: pd.Timestamp | None   # the date whose path value that is
    trades: pd.DataFrame               # rebalance.csv's columns, every issuer of the book
    summary: dict[str, float | None] | None  # summary.json's figures, plus `weight_change`
    lowest_footprint: float | None     # when the target is out of reach under the limits: what is reachable


def standing(trajectory: pd.DataFrame, summary: ProjectionSummary | None,
             as_of: pd.Timestamp) -> tuple[bool, bool]:
    """The footprint's (above the path at `as_of`, projection's median above the target at the target date)."""
    rows = trajectory[(trajectory["metric"] == FOOTPRINT) & (trajectory["as_of"] == as_of)]
    above = bool(len(rows) and pd.notna(rows["flag"].iloc[0]) and rows["flag"].iloc[0])
    misses = bool(summary is not None and summary.projected_at_target > summary.target_value)
    return above, misses


def propose(contributions: pd.DataFrame, trajectory: pd.DataFrame, baseline: float | None,
            summary: ProjectionSummary | None, settings: Trajectory) -> Advice | None:
    """The proposal at the latest snapshot; None when on track or without a footprint baseline (no path)."""
    if baseline is None or contributions.empty:
        return None
    as_of = pd.Timestamp(contributions["as_of"].max())
    above, misses = standing(trajectory, summary, as_of)
    empty = pd.DataFrame(columns=["issuer_id", "current_weight", "proposed_weight", "current_value_eur",
                                  "proposed_value_eur", "trade_eur"])
    if not (above or misses):
        return None
    lines = contributions[(contributions["as_of"] == as_of).to_numpy() & (contributions["bucket"] == "yield").to_numpy()
                          & contributions["listed"].to_numpy(bool) & contributions["covered"].to_numpy(bool)]
    if lines.empty:
        return Advice(as_of, None, None, empty, None, None)
    from portfolio.rebalance.inputs import issuer_book  # cvxpy and PyPortfolioOpt: only for an off-track book
    from portfolio.rebalance.optimizer import Infeasible, Limits, Rebalancer, footprint, proposal_table, turnover

    book = issuer_book(lines)
    start, end = pd.Timestamp(settings.baseline_date), pd.Timestamp(settings.target_date)
    horizon = float(years_between(start, end))
    target_date = as_of if above else as_of + pd.DateOffset(years=1)
    target = float(path_values(baseline, np.array([years_between(start, target_date)]), horizon,
                               settings.reduction, settings.shape)[0])
    try:
        rebalancer = Rebalancer(book, Limits())
        proposal = rebalancer.propose(target)
    except Infeasible as error:
        return Advice(as_of, target, target_date, empty, None, error.lowest)
    weights = proposal.weights
    figures = {"footprint_before": footprint(book.weights, book), "footprint_after": footprint(weights, book),
               "turnover": turnover(weights, book.weights),
               "weight_change": rebalancer.tracking_error(weights), "tracking_error": None,
               "covered_value_eur": float(book.value_eur.sum())}
    return Advice(as_of, target, target_date, proposal_table(book, weights), figures, None)

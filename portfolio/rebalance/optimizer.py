"""Rebalancing proposals: new issuer weights whose carbon footprint meets a target, at the least tracking error.

The covered issuers of `listed_yield` are re-weighted (long only, summing to
1) to bring sum w_i * I_i, I_i = E_i / evic_eur_i * 1e6 in tCO2e/MEUR, to or
under a target while minimising (w - w0)' S (w - w0): S the Ledoit-Wolf
covariance of the issuers' returns when prices are given (the ex-ante
tracking error squared), else the identity (the squared weight change).
Limits: a weight cap per issuer (never below its current weight, so a cap
alone forces no trade), a band around each sector's current weight,
exclusions (weight 0; an excluded sector has no band) and a turnover cap.

The design choice a newcomer would puzzle over: every proposal starts with
the min-footprint LP. It decides feasibility, gives the lowest reachable
footprint for the exit-3 message and is the frontier's left end; its
allocation also stands in for the QP when the target sits on that minimum,
where an interior-point solver may call the QP infeasible by a rounding.
The QP is built once with the target as a cvxpy Parameter, so the proposal
and the ten frontier points re-solve it without compiling it again; the
covariance enters as a + F'F (diagonal plus months x issuers factor), never
as a dense n x n matrix, which keeps 2,000 issuers to seconds.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import cvxpy as cp
import numpy as np
import pandas as pd
import scipy.sparse as sp

from portfolio.engine.kernel import share, weighted_footprint

FRONTIER_POINTS = 10
SOLVED = (cp.OPTIMAL, cp.OPTIMAL_INACCURATE)
TOLERANCE = 1e-9  # feasibility slack on weights and footprint, relative to their scale


@dataclass(frozen=True)
class Limits:
    """The `[rebalance]` constraints; the defaults apply when the settings file leaves a key out."""

    max_weight: float = 0.10
    max_sector_deviation: float = 0.05
    turnover_cap: float = 0.30
    exclude_issuers: tuple[str, ...] = ()
    exclude_sectors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Book:
    """The covered listed-yield issuers at one date, aligned arrays in issuer_id order."""

    issuer_id: np.ndarray
    sector: np.ndarray  # "" when unknown: the unknown sector is one group
    value_eur: np.ndarray
    intensity_tco2e_per_meur: np.ndarray  # E / evic_eur * 1e6
    revenue_intensity_tco2e_per_meur: np.ndarray  # E / (revenue_eur / 1e6), NaN when revenue is unknown

    @property
    def weights(self) -> np.ndarray:
        """Current weights: shares of the covered value."""
        return self.value_eur / self.value_eur.sum()


@dataclass(frozen=True)
class Proposal:
    """A solved rebalancing: the proposed weights, the target and the lowest reachable footprint."""

    weights: np.ndarray
    target: float
    lowest_footprint: float


class Infeasible(Exception):
    """No allocation meets the target (or the limits alone); `lowest` is the minimum reachable, if any."""

    def __init__(self, target: float, lowest: float | None) -> None:
        self.target, self.lowest = target, lowest
        super().__init__(self.message())

    def message(self) -> str:
        """The one-line explanation for the command line."""
        if self.lowest is None:
            return "no allocation meets the [rebalance] limits together (exclusions, sector bands, turnover cap)"
        return (f"target {self.target:.6g} tCO2e/MEUR is out of reach: the lowest footprint reachable under "
                f"the constraints is {self.lowest:.6g} tCO2e/MEUR")


class SolverFailed(Exception):
    """The solver stopped without an answer (numerical trouble), as opposed to a proven infeasibility."""


def footprint(weights: np.ndarray, book: Book) -> float:
    """Carbon footprint of the weights, tCO2e/MEUR: sum w_i * E_i / evic_eur_i * 1e6."""
    return weighted_footprint(weights, book.intensity_tco2e_per_meur)


def waci(weights: np.ndarray, book: Book) -> float | None:
    """WACI over the issuers with a revenue, weights rescaled to them (TCFD practice); None without any."""
    known = ~np.isnan(book.revenue_intensity_tco2e_per_meur)
    total = weights[known].sum()
    if total <= 0:
        return None
    return float(share(weights[known] @ book.revenue_intensity_tco2e_per_meur[known], total))


def tracking_error(weights: np.ndarray, current: np.ndarray, covariance: np.ndarray) -> float:
    """Ex-ante tracking error sqrt((w - w0)' S (w - w0)), in the covariance's units (annual with monthly S * 12)."""
    change = weights - current
    return float(np.sqrt(max(change @ covariance @ change, 0.0)))


def turnover(weights: np.ndarray, current: np.ndarray) -> float:
    """One-way turnover: sum |w - w0| / 2."""
    return float(np.abs(weights - current).sum() / 2)


def _excluded(book: Book, limits: Limits) -> np.ndarray:
    """Which issuers must end at weight 0, by issuer or by sector."""
    return np.isin(book.issuer_id, limits.exclude_issuers) | np.isin(book.sector, limits.exclude_sectors)


def _upper_bounds(book: Book, limits: Limits) -> np.ndarray:
    """Per-issuer cap: max(current weight, max_weight), 0 when excluded."""
    return np.where(_excluded(book, limits), 0.0, np.maximum(book.weights, limits.max_weight))


def _sector_matrix(book: Book, limits: Limits) -> sp.csr_matrix:
    """Membership matrix (banded sectors x issuers); excluded sectors have no band, they go to 0."""
    sectors = sorted(set(book.sector) - set(limits.exclude_sectors))
    rows = {sector: row for row, sector in enumerate(sectors)}
    members = np.array([rows.get(sector, -1) for sector in book.sector])
    kept = np.flatnonzero(members >= 0)
    return sp.csr_matrix((np.ones(len(kept)), (members[kept], kept)), shape=(len(sectors), len(book.issuer_id)))


def _constraints(w: cp.Variable, book: Book, limits: Limits) -> list[cp.Constraint]:
    """Long only, caps and exclusions, full investment, sector bands and the turnover cap."""
    current = book.weights
    constraints = [w >= 0, w <= _upper_bounds(book, limits), cp.sum(w) == 1,
                   cp.norm1(w - current) <= 2 * limits.turnover_cap]
    sectors = _sector_matrix(book, limits)
    if sectors.shape[0]:
        constraints.append(cp.abs(sectors @ w - sectors @ current) <= limits.max_sector_deviation)
    return constraints


@contextmanager
def _stdout_silenced() -> Iterator[None]:
    """File descriptor 1 sent to /dev/null: HiGHS prints its banner from C when its first instance is made,
    before any option (`output_flag`) can reach it, and a command's stdout is for its results."""
    sys.stdout.flush()
    saved, sink = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    os.dup2(sink, 1)
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(sink)


def _solve(problem: cp.Problem, solver: str) -> str:
    """Solve silently, turning solver exceptions into `SolverFailed`; return the status."""
    try:
        with _stdout_silenced():
            problem.solve(solver=solver)
    except cp.error.SolverError as error:
        raise SolverFailed(f"{solver} failed: {error}") from None
    if problem.status not in SOLVED + (cp.INFEASIBLE, cp.INFEASIBLE_INACCURATE):
        raise SolverFailed(f"{solver} stopped with status {problem.status}")
    return problem.status


def _cleaned(weights: np.ndarray, book: Book, limits: Limits) -> np.ndarray:
    """Solver output made exact: clipped into [0, cap] and rescaled to sum to 1."""
    clipped = np.clip(weights, 0.0, _upper_bounds(book, limits))
    return clipped / clipped.sum()


@dataclass(frozen=True)
class Risk:
    """Ledoit-Wolf covariance S, also as S = a I + F' F (F: months x issuers) so the QP stays sparse."""

    covariance: np.ndarray
    diagonal: float
    factor: np.ndarray


def lowest_footprint(book: Book, limits: Limits) -> tuple[float, np.ndarray]:
    """The min-footprint LP: the lowest footprint the limits allow and its allocation; `Infeasible` if none."""
    w = cp.Variable(len(book.issuer_id))
    problem = cp.Problem(cp.Minimize(book.intensity_tco2e_per_meur @ w), _constraints(w, book, limits))
    if _solve(problem, "HIGHS") not in SOLVED:
        raise Infeasible(float("nan"), None)
    weights = _cleaned(w.value, book, limits)
    return footprint(weights, book), weights


class Rebalancer:
    """One book under one set of limits: the min-footprint LP solved once, the tracking QP compiled once."""

    def __init__(self, book: Book, limits: Limits, risk: Risk | None = None) -> None:
        self.book, self.limits, self.risk = book, limits, risk
        self.lowest, self.cleanest = lowest_footprint(book, limits)
        self.target = cp.Parameter()
        self.w = cp.Variable(len(book.issuer_id))
        change = self.w - book.weights
        scale = len(book.issuer_id)  # weights are ~1/n: keep the objective near 1 for the solver's tolerances
        constraints = _constraints(self.w, book, limits) + [book.intensity_tco2e_per_meur @ self.w <= self.target]
        spread = cp.sum_squares(change)
        if risk is not None:  # factor exposures as variables: the solver's P stays diagonal, not dense n x n
            exposures = cp.Variable(risk.factor.shape[0])
            constraints.append(exposures == risk.factor @ change)
            spread = risk.diagonal * spread + cp.sum_squares(exposures)
        self.problem = cp.Problem(cp.Minimize(scale * spread), constraints)

    def _solve_at(self, target: float) -> np.ndarray:
        """The least-tracking-error weights at a reachable target; no trade when the book already meets it."""
        if _feasible_as_is(self.book, self.limits, target):
            return self.book.weights
        self.target.value = target
        if _solve(self.problem, "CLARABEL") not in SOLVED:
            return self.cleanest  # the target sits on the minimum, within the solver's tolerance
        return _cleaned(self.w.value, self.book, self.limits)

    def propose(self, target: float) -> Proposal:
        """The least-tracking-error weights meeting `target`; `Infeasible` below the reachable minimum."""
        if target < self.lowest - TOLERANCE * max(abs(self.lowest), 1.0):
            raise Infeasible(target, self.lowest)
        return Proposal(self._solve_at(max(target, self.lowest)), target, self.lowest)

    def tracking_error(self, weights: np.ndarray) -> float:
        """Tracking error against the current weights, or the weight change's norm without prices."""
        change = weights - self.book.weights
        if self.risk is None:
            return float(np.sqrt(change @ change))
        return tracking_error(weights, self.book.weights, self.risk.covariance)

    def frontier(self, points: int = FRONTIER_POINTS) -> pd.DataFrame:
        """`frontier.csv`: least tracking error for targets from the lowest reachable to the current footprint.

        A higher target only widens the feasible set, so the true curve is
        non-increasing; a running minimum removes solver rounding that would say otherwise.
        """
        targets = np.linspace(self.lowest, max(footprint(self.book.weights, self.book), self.lowest), points)
        errors = [self.tracking_error(self._solve_at(float(target))) for target in targets]
        return pd.DataFrame({"target_footprint": targets, "tracking_error": np.minimum.accumulate(errors)})


def _feasible_as_is(book: Book, limits: Limits, target: float) -> bool:
    """Whether the current weights already meet the target and every limit (then: no trade)."""
    return footprint(book.weights, book) <= target and not _excluded(book, limits)[book.weights > 0].any()


def proposal_table(book: Book, weights: np.ndarray) -> pd.DataFrame:
    """`rebalance.csv`: current and proposed weights and values per issuer, same total covered value."""
    total = book.value_eur.sum()
    proposed_value = weights * total
    return pd.DataFrame({
        "issuer_id": book.issuer_id, "current_weight": book.weights, "proposed_weight": weights,
        "current_value_eur": book.value_eur, "proposed_value_eur": proposed_value,
        "trade_eur": proposed_value - book.value_eur,
    })


def summary(book: Book, proposal: Proposal, risk: Risk | None) -> dict[str, float | None]:
    """`summary.json`: target, footprint, WACI and tracking error before and after, turnover."""
    current, weights = book.weights, proposal.weights
    return {
        "target": proposal.target,
        "footprint_before": footprint(current, book), "footprint_after": footprint(weights, book),
        "waci_before": waci(current, book), "waci_after": waci(weights, book),
        "tracking_error_before": None if risk is None else 0.0,
        "tracking_error_after": None if risk is None else tracking_error(weights, current, risk.covariance),
        "turnover": turnover(weights, current),
        "lowest_footprint": proposal.lowest_footprint,
    }

"""Rebalancing benchmark: one proposal plus its 10-point frontier for a synthetic book of N issuers.

Run from the repository root:

    python benchmarks/bench_rebalance.py [--issuers 2000] [--months 36] [--repeat 3]

Builds a seeded `Book` in memory (20 sectors, lognormal values and
footprints), sets the target 30 % under the current footprint with the
default limits, and times, without and with monthly prices (Ledoit-Wolf
covariance from PyPortfolioOpt): the covariance, `Rebalancer` (the
min-footprint LP and the QP's construction), `propose` (one QP) and
`frontier` (10 QPs): everything `portfolio rebalance` solves.
Prints the median wall time of each step over the repeats; the target is
under 10 s for 2,000 issuers.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
from portfolio.rebalance.optimizer import Book, Limits, Rebalancer, footprint
from portfolio.rebalance.inputs import ledoit_wolf

SECTORS = 20
CUT = 0.30


def synthetic_book(issuers: int, seed: int = 20240601) -> Book:
    """A reproducible book: lognormal values and footprints, issuers spread over 20 sectors."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"ISS{i:05d}" for i in range(issuers)])
    return Book(issuer_id=ids, sector=np.array([f"S{i % SECTORS:02d}" for i in range(issuers)]),
                value_eur=rng.lognormal(15, 1, issuers), intensity_tco2e_per_meur=rng.lognormal(5, 1.2, issuers),
                revenue_intensity_tco2e_per_meur=rng.lognormal(5.5, 1, issuers))


def synthetic_prices(issuers: np.ndarray, months: int, seed: int = 7) -> pd.DataFrame:
    """Monthly prices from one market factor plus idiosyncratic noise."""
    rng = np.random.default_rng(seed)
    market = rng.normal(0.005, 0.04, (months, 1))
    returns = market * rng.uniform(0.5, 1.5, len(issuers)) + rng.normal(0, 0.06, (months, len(issuers)))
    dates = pd.date_range("2022-01-31", periods=months, freq="ME")
    return pd.DataFrame(100 * np.exp(np.cumsum(returns, axis=0)), index=dates, columns=issuers)


def timed(step: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median wall time of `step` over `repeat` calls, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    """Time covariance, proposal and frontier without and with prices; print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issuers", type=int, default=2000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    book, limits = synthetic_book(args.issuers), Limits()
    target = footprint(book.weights, book) * (1 - CUT)
    prices = synthetic_prices(book.issuer_id, args.months)
    print(f"{args.issuers} issuers, target {target:.1f} tCO2e/MEUR (-{CUT:.0%}), default limits, "
          f"median of {args.repeat}")
    print(f"{'case':<12}{'covariance s':>14}{'LP+build s':>12}{'propose s':>12}{'frontier s':>12}{'total s':>10}"
          f"{'turnover':>10}")
    for case in ("no prices", "prices"):
        cov_time, risk = (0.0, None) if case == "no prices" else timed(lambda: ledoit_wolf(prices), args.repeat)
        setup_time, rebalancer = timed(lambda: Rebalancer(book, limits, risk), args.repeat)
        propose_time, proposal = timed(lambda: rebalancer.propose(target), args.repeat)
        frontier_time, _ = timed(rebalancer.frontier, args.repeat)
        moved = np.abs(proposal.weights - book.weights).sum() / 2
        total = cov_time + setup_time + propose_time + frontier_time
        print(f"{case:<12}{cov_time:>14.2f}{setup_time:>12.2f}{propose_time:>12.2f}{frontier_time:>12.2f}"
              f"{total:>10.2f}{moved:>10.3f}", flush=True)


if __name__ == "__main__":
    main()

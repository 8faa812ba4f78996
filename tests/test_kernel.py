"""The kernel's formulas on numbers worked out by hand (`portfolio/engine/kernel.py`)."""

from __future__ import annotations

import math

import numpy as np

from portfolio.engine.kernel import attributed, company_footprint, footprint, intensity, share, weighted_footprint

M = 1_000_000.0


def test_attributed_emissions_are_the_owned_share_of_the_company() -> None:
    # 2 MEUR of a 100 MEUR company emitting 1,000 t: 2 % of it, 20 t
    assert attributed(np.array([2 * M]), np.array([100 * M]), np.array([1000.0]))[0] == 20.0


def test_share_is_empty_when_the_whole_is_not_positive() -> None:
    got = share(np.array([1.0, 1.0, 1.0]), np.array([4.0, 0.0, -2.0]))
    assert got[0] == 0.25 and math.isnan(got[1]) and math.isnan(got[2])


def test_footprint_is_per_million_invested() -> None:
    # 20 t financed by 2.5 MEUR: 8 t per MEUR; nothing invested: empty, not 0
    got = footprint(np.array([20.0, 20.0]), np.array([2.5 * M, 0.0]))
    assert got[0] == 8.0 and math.isnan(got[1])


def test_intensity_is_per_million_of_the_amount() -> None:
    # 1,000 t on 50 MEUR of revenue: 20 t per MEUR of revenue
    assert intensity(np.array([1000.0]), np.array([50 * M]))[0] == 20.0


def test_company_footprint_and_weights_give_the_portfolio_footprint() -> None:
    # A: 1,000 t / 100 MEUR = 10 t/MEUR, B: 200 t / 40 MEUR = 5 t/MEUR; weights 2/3, 1/3: 25/3
    per_company = company_footprint(np.array([1000.0, 200.0]), np.array([100 * M, 40 * M]))
    assert list(per_company) == [10.0, 5.0]
    assert math.isclose(weighted_footprint(np.array([2 / 3, 1 / 3]), per_company), 25 / 3, rel_tol=1e-15)
    # a zero weight never reads an unknown intensity
    assert weighted_footprint(np.array([1.0, 0.0]), np.array([10.0, np.nan])) == 10.0

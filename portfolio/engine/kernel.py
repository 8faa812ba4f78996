"""The formulas every figure is made of, written once: attributed emissions, shares, intensities, footprints.

The metrics, the sector proxies, the sovereign figures, the attribution of
change and the rebalancing all call these functions; none writes them
again. Each is elementwise over numpy arrays (or scalars), so the same
kernel serves one line, a grouped sum or a whole panel. A share or ratio
whose denominator is 0 or negative is empty (NaN), never 0 or infinite.
"""

from __future__ import annotations

import numpy as np

PER_MEUR = 1e6  # EUR in one million euros: footprints and intensities are per MEUR


def attributed(value: np.ndarray, company_value: np.ndarray, emissions: np.ndarray) -> np.ndarray:
    """The attribution kernel: the emissions a position of `value` finances, `value / company_value * emissions`."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return value / company_value * emissions


def share(part: np.ndarray, whole: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """The weighted-share kernel: `part / (whole / scale)`, empty (NaN) where `whole` <= 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(whole > 0, part / (whole / scale), np.nan)


def intensity(emissions: np.ndarray, amount_eur: np.ndarray) -> np.ndarray:
    """Emissions per million euros of an amount (revenue, EVIC, GDP): `emissions / (amount / 1e6)`."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return emissions / (amount_eur / PER_MEUR)


def company_footprint(emissions: np.ndarray, company_value: np.ndarray) -> np.ndarray:
    """tCO2e financed per million euros invested in one company: `emissions / company_value * 1e6`."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return emissions / company_value * PER_MEUR


def footprint(financed_emissions: np.ndarray, value_eur: np.ndarray) -> np.ndarray:
    """Financed emissions per million euros invested (tCO2e/MEUR), empty where the value is not positive."""
    return share(financed_emissions, value_eur, PER_MEUR)


def weighted_footprint(weights: np.ndarray, intensities: np.ndarray) -> float | np.ndarray:
    """The footprint of issuer weights: `sum w_i * E_i / (EVIC_i / 1e6)` over the weights > 0.

    Summed along the last axis: rows of weights (one portfolio each) give one footprint each.
    """
    total = np.where(weights > 0, weights * intensities, 0.0).sum(axis=-1)
    return float(total) if np.ndim(total) == 0 else total

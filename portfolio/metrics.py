"""The contract's metrics per snapshot and perimeter, from the contributions table.

Every metric is a ratio of grouped sums: first the sums (V, Ve, Vc, FE,
value-weighted intensities...) per snapshot for each perimeter, then one
`ratio` kernel that writes an empty value, never 0 or infinity, when the
denominator is 0 or negative. A sum of emissions over no holding that has them
(no covered line in the perimeter) is empty too, never 0: `known` keeps it
only where a count of the lines that carry it is positive. Sums run over rows in (as_of, holding_id) order
with `np.bincount`, a single sequential pass, so a rerun or a permuted input
gives the same bits.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

PERIMETERS = ("total", "yield", "strategic", "listed_yield")
HEALTH_PERIMETERS = ("strategic",)
TERRITORIAL_PERIMETERS = ("yield", "total")
PER_MEUR = 1e6


def perimeter_masks(contributions: pd.DataFrame) -> dict[str, np.ndarray]:
    """Which rows belong to each perimeter (they overlap: total holds them all)."""
    bucket = contributions["bucket"].to_numpy()
    in_yield = bucket == "yield"
    return {
        "total": np.ones(len(contributions), dtype=bool),
        "yield": in_yield,
        "strategic": bucket == "strategic",
        "listed_yield": in_yield & contributions["listed"].to_numpy(dtype=bool),
    }


def known(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    """A sum of emissions where at least one holding has them, else empty (NaN): unknown is never 0."""
    return np.where(count > 0, total, np.nan)


def ratio(numerator: np.ndarray, denominator: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """The weighted-share kernel: numerator / (denominator / scale), empty (NaN) when denominator <= 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / (denominator / scale), np.nan)


def compute_sums(contributions: pd.DataFrame, snapshot_codes: np.ndarray, snapshots: int,
                 rows: np.ndarray) -> dict[str, np.ndarray]:
    """Grouped sums per snapshot over the rows selected by `rows` (one perimeter)."""
    def total(values: np.ndarray, where: np.ndarray | None = None) -> np.ndarray:
        # excluded rows add an exact 0.0, so the sums are those over the kept rows, in the same order,
        # without copying the kept rows out first
        keep = rows if where is None else rows & where
        return np.bincount(snapshot_codes, weights=np.where(keep, values, 0.0), minlength=snapshots)

    value = contributions["market_value_eur"].to_numpy(dtype="float64")
    in_value = _counts_in_value(contributions)
    covered = contributions["covered"].to_numpy(dtype=bool)
    waci = contributions["waci_covered"].to_numpy(dtype=bool)
    evic = contributions["evic_eur"].to_numpy(dtype="float64")
    emissions = contributions["emissions_tco2e"].to_numpy(dtype="float64")
    revenue = contributions["revenue_eur"].to_numpy(dtype="float64")
    quality = contributions["data_quality"].to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        intensity = emissions / (revenue / PER_MEUR)
    scored = covered & ~np.isnan(quality)
    ones = np.ones(len(contributions), dtype="float64")
    sums = {
        "V": total(value, in_value),
        "nFE": total(ones, covered),
        "nW": total(ones, waci),
        "Ve": total(value, contributions["eligible"].to_numpy(dtype=bool)),
        "Vc": total(value, covered),
        "FE": total(contributions["financed_emissions_tco2e"].to_numpy(dtype="float64"), covered),
        "Vw": total(value, waci),
        "VwI": total(value * intensity, waci),
        "Vq": total(value, scored),
        "VqQ": total(value * quality, scored),
        "health": total(value, contributions["health"].to_numpy(dtype=bool)),
        "territorial": total(value, contributions["territorial"].to_numpy(dtype=bool)),
    }
    eligible_with_record = contributions["eligible"].to_numpy(dtype=bool) & (evic > 0)
    for scope in (1, 2, 3):
        scope_emissions = contributions[f"scope{scope}_tco2e"].to_numpy(dtype="float64")
        scope_covered = eligible_with_record & ~np.isnan(scope_emissions)
        with np.errstate(divide="ignore", invalid="ignore"):
            financed = value / evic * scope_emissions
        sums[f"FE{scope}"] = total(financed, scope_covered)
        sums[f"nFE{scope}"] = total(ones, scope_covered)
    sums.update(_extension_sums(contributions, value, total))
    return sums


def _counts_in_value(contributions: pd.DataFrame) -> np.ndarray:
    """Lines that count in V: all but look-through children (their fund line counts once)."""
    if "parent_holding_id" not in contributions.columns:
        return np.ones(len(contributions), dtype=bool)
    return (contributions["parent_holding_id"] == "").to_numpy()


def _extension_sums(contributions: pd.DataFrame, value: np.ndarray,
                    total: Callable[..., np.ndarray]) -> dict[str, np.ndarray]:
    """Sums for the contract's extensions, present only when their input was given."""
    sums = {}
    if "parent_holding_id" in contributions.columns:
        fund_lines = (contributions["parent_holding_id"] == "").to_numpy() \
            & contributions["lookthrough_weight"].notna().to_numpy()
        sums["lookthrough"] = total(value, fund_lines)
    if "estimated" in contributions.columns:
        estimated = contributions["estimated"].to_numpy(dtype=bool)
        sums["estimated"] = total(value, estimated)
        sums["estimated_FE"] = total(contributions["financed_emissions_tco2e"].to_numpy(dtype="float64"), estimated)
        sums["n_estimated"] = total(np.ones(len(contributions)), estimated)
    if "sovereign_covered" in contributions.columns:
        sovereign = contributions["sovereign_covered"].to_numpy(dtype=bool)
        with np.errstate(divide="ignore", invalid="ignore"):
            intensity = contributions["country_emissions_tco2e"].to_numpy(dtype="float64") \
                / (contributions["gdp_eur"].to_numpy(dtype="float64") / PER_MEUR)
        sums["sovereign"] = total(value, sovereign)
        sums["sovereign_FE"] = total(contributions["sovereign_financed_emissions_tco2e"].to_numpy(dtype="float64"),
                                     sovereign)
        sums["sovereign_VI"] = total(value * intensity, sovereign)
        sums["n_sovereign"] = total(np.ones(len(contributions)), sovereign)
    return sums


# metric name -> (formula over the sums, perimeters it is written for); extension metrics are written
# only when their sums exist (their input was given)
METRICS: dict[str, tuple[Callable[[dict[str, np.ndarray]], np.ndarray], tuple[str, ...]]] = {
    "value_eur": (lambda s: s["V"], PERIMETERS),
    "eligible_value_eur": (lambda s: s["Ve"], PERIMETERS),
    "covered_value_eur": (lambda s: s["Vc"], PERIMETERS),
    "coverage_ratio": (lambda s: ratio(s["Vc"], s["V"]), PERIMETERS),
    "coverage_eligible_ratio": (lambda s: ratio(s["Vc"], s["Ve"]), PERIMETERS),
    "financed_emissions_tco2e": (lambda s: known(s["FE"], s["nFE"]), PERIMETERS),
    "financed_emissions_scope1_tco2e": (lambda s: known(s["FE1"], s["nFE1"]), PERIMETERS),
    "financed_emissions_scope2_tco2e": (lambda s: known(s["FE2"], s["nFE2"]), PERIMETERS),
    "financed_emissions_scope3_tco2e": (lambda s: known(s["FE3"], s["nFE3"]), PERIMETERS),
    "carbon_footprint_tco2e_per_meur": (lambda s: known(ratio(s["FE"], s["Vc"], PER_MEUR), s["nFE"]), PERIMETERS),
    "carbon_footprint_sfdr_tco2e_per_meur": (lambda s: known(ratio(s["FE"], s["V"], PER_MEUR), s["nFE"]),
                                             PERIMETERS),
    "waci_tco2e_per_meur_revenue": (lambda s: known(ratio(s["VwI"], s["Vw"]), s["nW"]), PERIMETERS),
    "ghg_intensity_sfdr_tco2e_per_meur_revenue": (lambda s: known(ratio(s["VwI"], s["V"]), s["nW"]), PERIMETERS),
    "data_quality_score": (lambda s: ratio(s["VqQ"], s["Vq"]), PERIMETERS),
    "health_value_eur": (lambda s: s["health"], HEALTH_PERIMETERS),
    "health_share": (lambda s: ratio(s["health"], s["V"]), HEALTH_PERIMETERS),
    "territorial_value_eur": (lambda s: s["territorial"], TERRITORIAL_PERIMETERS),
    "territorial_share": (lambda s: ratio(s["territorial"], s["V"]), TERRITORIAL_PERIMETERS),
}
EXTENSION_METRICS: dict[str, tuple[str, Callable[[dict[str, np.ndarray]], np.ndarray]]] = {
    "lookthrough_value_eur": ("lookthrough", lambda s: s["lookthrough"]),
    "estimated_value_eur": ("estimated", lambda s: s["estimated"]),
    "estimated_financed_emissions_tco2e": ("estimated", lambda s: known(s["estimated_FE"], s["n_estimated"])),
    "sovereign_covered_value_eur": ("sovereign", lambda s: s["sovereign"]),
    "sovereign_financed_emissions_tco2e": ("sovereign", lambda s: known(s["sovereign_FE"], s["n_sovereign"])),
    "ghg_intensity_sovereign_tco2e_per_meur_gdp": ("sovereign",
                                                   lambda s: known(ratio(s["sovereign_VI"], s["V"]), s["n_sovereign"])),
}


def compute_metrics(contributions: pd.DataFrame) -> pd.DataFrame:
    """`metrics.csv` as a frame: as_of, perimeter, metric, value, sorted by the contract's key."""
    snapshot_codes, snapshots = pd.factorize(contributions["as_of"], sort=True)
    parts = []
    for perimeter, rows in perimeter_masks(contributions).items():
        sums = compute_sums(contributions, snapshot_codes, len(snapshots), rows)
        formulas = {metric: formula for metric, (formula, perimeters) in METRICS.items() if perimeter in perimeters}
        formulas.update({metric: formula for metric, (needs, formula) in EXTENSION_METRICS.items() if needs in sums})
        for metric, formula in formulas.items():
            parts.append(pd.DataFrame({"as_of": snapshots, "perimeter": perimeter, "metric": metric,
                                       "value": formula(sums)}))
    metrics = pd.concat(parts, ignore_index=True)
    return metrics.sort_values(["as_of", "perimeter", "metric"], kind="stable", ignore_index=True)


def metric_series(metrics: pd.DataFrame, perimeter: str, metric: str) -> pd.Series:
    """One metric over time for one perimeter, indexed by snapshot date."""
    rows = metrics[(metrics["perimeter"] == perimeter) & (metrics["metric"] == metric)]
    return rows.set_index("as_of")["value"]

"""The contract's metrics per snapshot and perimeter, from the contributions table.

Every metric is a ratio of grouped sums: first the sums (V, Ve, Vc, FE,
value-weighted intensities...) per snapshot for each perimeter, then the
kernel's `share` / `footprint`, which write an empty value, never 0 or
infinity, when the denominator is 0 or negative. A sum of emissions over no
holding that has them (no covered line in the perimeter) is empty too, never
0: `known` keeps it only where a count of the lines that carry it is
positive. Sums run over rows in (as_of, holding_id) order
with `np.bincount`, a single sequential pass, so a rerun or a permuted input
gives the same bits.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from portfolio.engine import names as n
from portfolio.engine.kernel import attributed, footprint, intensity, share
from portfolio.engine.names import HEALTH_PERIMETERS, PERIMETERS, TERRITORIAL_PERIMETERS



def perimeter_masks(contributions: pd.DataFrame) -> dict[str, np.ndarray]:
    """Which rows belong to each perimeter (they overlap: total holds them all)."""
    bucket = contributions["bucket"].to_numpy()
    in_yield = bucket == "yield"
    return {
        n.TOTAL: np.ones(len(contributions), dtype=bool),
        n.YIELD: in_yield,
        n.STRATEGIC: bucket == "strategic",
        n.LISTED_YIELD: in_yield & contributions["listed"].to_numpy(dtype=bool),
    }


def known(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    """A sum of emissions where at least one holding has them, else empty (NaN): unknown is never 0."""
    return np.where(count > 0, total, np.nan)


def line_terms(contributions: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each grouped sum's per-line terms, 0.0 on the lines it leaves out; made once, summed for every perimeter."""
    def term(values: np.ndarray, where: np.ndarray) -> np.ndarray:
        return np.where(where, values, 0.0)

    value = contributions["market_value_eur"].to_numpy(dtype="float64")
    covered = contributions["covered"].to_numpy(dtype=bool)
    waci = contributions["waci_covered"].to_numpy(dtype=bool)
    eligible = contributions["eligible"].to_numpy(dtype=bool)
    evic = contributions["evic_eur"].to_numpy(dtype="float64")
    emissions = contributions["emissions_tco2e"].to_numpy(dtype="float64")
    revenue = contributions["revenue_eur"].to_numpy(dtype="float64")
    quality = contributions["data_quality"].to_numpy(dtype="float64", na_value=np.nan)
    scored = covered & ~np.isnan(quality)
    ones = np.ones(len(contributions), dtype="float64")
    terms = {
        "V": term(value, _counts_in_value(contributions)),
        "nFE": term(ones, covered),
        "nW": term(ones, waci),
        "Ve": term(value, eligible),
        "Vc": term(value, covered),
        "FE": term(contributions["financed_emissions_tco2e"].to_numpy(dtype="float64"), covered),
        "Vw": term(value, waci),
        "VwI": term(value * intensity(emissions, revenue), waci),
        "Vq": term(value, scored),
        "VqQ": term(value * quality, scored),
        "health": term(value, contributions["health"].to_numpy(dtype=bool)),
        "territorial": term(value, contributions["territorial"].to_numpy(dtype=bool)),
    }
    eligible_with_record = eligible & (evic > 0)
    for scope in (1, 2, 3):
        scope_emissions = contributions[f"scope{scope}_tco2e"].to_numpy(dtype="float64")
        scope_covered = eligible_with_record & ~np.isnan(scope_emissions)
        terms[f"FE{scope}"] = term(attributed(value, evic, scope_emissions), scope_covered)
        terms[f"nFE{scope}"] = term(ones, scope_covered)
    terms.update(_extension_terms(contributions, value, term))
    return terms


def compute_sums(terms: dict[str, np.ndarray], snapshot_codes: np.ndarray, snapshots: int,
                 rows: np.ndarray) -> dict[str, np.ndarray]:
    """Grouped sums per snapshot of every term over the rows selected by `rows` (one perimeter).

    Lines outside the perimeter go to an extra bin, dropped: each sum runs
    over the perimeter's lines in row order, a line left out by a term adding
    an exact 0.0, so the bits are those of a sum over the kept lines alone.
    """
    codes = snapshot_codes if rows.all() else np.where(rows, snapshot_codes, snapshots)
    return {name: np.bincount(codes, weights=values, minlength=snapshots + 1)[:snapshots]
            for name, values in terms.items()}


def _counts_in_value(contributions: pd.DataFrame) -> np.ndarray:
    """Lines that count in V: all but look-through children (their fund line counts once)."""
    if "parent_holding_id" not in contributions.columns:
        return np.ones(len(contributions), dtype=bool)
    return (contributions["parent_holding_id"] == "").to_numpy()


def _extension_terms(contributions: pd.DataFrame, value: np.ndarray,
                     term: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> dict[str, np.ndarray]:
    """Terms of the contract's extensions' sums, present only when their input was given."""
    terms = {}
    ones = np.ones(len(contributions))
    if "parent_holding_id" in contributions.columns:
        fund_lines = (contributions["parent_holding_id"] == "").to_numpy() \
            & contributions["lookthrough_weight"].notna().to_numpy()
        terms["lookthrough"] = term(value, fund_lines)
    if "estimated" in contributions.columns:
        estimated = contributions["estimated"].to_numpy(dtype=bool)
        terms["estimated"] = term(value, estimated)
        terms["estimated_FE"] = term(contributions["financed_emissions_tco2e"].to_numpy(dtype="float64"), estimated)
        terms["n_estimated"] = term(ones, estimated)
    if "sovereign_covered" in contributions.columns:
        sovereign = contributions["sovereign_covered"].to_numpy(dtype=bool)
        gdp_intensity = intensity(contributions["country_emissions_tco2e"].to_numpy(dtype="float64"),
                                  contributions["gdp_eur"].to_numpy(dtype="float64"))
        terms["sovereign"] = term(value, sovereign)
        terms["sovereign_FE"] = term(contributions["sovereign_financed_emissions_tco2e"].to_numpy(dtype="float64"),
                                     sovereign)
        terms["sovereign_VI"] = term(value * gdp_intensity, sovereign)
        terms["n_sovereign"] = term(ones, sovereign)
    return terms


# metric name -> (formula over the sums, perimeters it is written for); extension metrics are written
# only when their sums exist (their input was given)
METRICS: dict[str, tuple[Callable[[dict[str, np.ndarray]], np.ndarray], tuple[str, ...]]] = {
    n.VALUE: (lambda s: s["V"], PERIMETERS),
    n.ELIGIBLE_VALUE: (lambda s: s["Ve"], PERIMETERS),
    n.COVERED_VALUE: (lambda s: s["Vc"], PERIMETERS),
    n.COVERAGE: (lambda s: share(s["Vc"], s["V"]), PERIMETERS),
    n.COVERAGE_ELIGIBLE: (lambda s: share(s["Vc"], s["Ve"]), PERIMETERS),
    n.EMISSIONS: (lambda s: known(s["FE"], s["nFE"]), PERIMETERS),
    n.SCOPE_EMISSIONS[0]: (lambda s: known(s["FE1"], s["nFE1"]), PERIMETERS),
    n.SCOPE_EMISSIONS[1]: (lambda s: known(s["FE2"], s["nFE2"]), PERIMETERS),
    n.SCOPE_EMISSIONS[2]: (lambda s: known(s["FE3"], s["nFE3"]), PERIMETERS),
    n.FOOTPRINT: (lambda s: known(footprint(s["FE"], s["Vc"]), s["nFE"]), PERIMETERS),
    n.FOOTPRINT_SFDR: (lambda s: known(footprint(s["FE"], s["V"]), s["nFE"]), PERIMETERS),
    n.WACI: (lambda s: known(share(s["VwI"], s["Vw"]), s["nW"]), PERIMETERS),
    n.INTENSITY_SFDR: (lambda s: known(share(s["VwI"], s["V"]), s["nW"]), PERIMETERS),
    n.DATA_QUALITY: (lambda s: share(s["VqQ"], s["Vq"]), PERIMETERS),
    n.HEALTH_VALUE: (lambda s: s["health"], HEALTH_PERIMETERS),
    n.HEALTH_SHARE: (lambda s: share(s["health"], s["V"]), HEALTH_PERIMETERS),
    n.TERRITORIAL_VALUE: (lambda s: s["territorial"], TERRITORIAL_PERIMETERS),
    n.TERRITORIAL_SHARE: (lambda s: share(s["territorial"], s["V"]), TERRITORIAL_PERIMETERS),
}
EXTENSION_METRICS: dict[str, tuple[str, Callable[[dict[str, np.ndarray]], np.ndarray]]] = {
    n.LOOKTHROUGH_VALUE: ("lookthrough", lambda s: s["lookthrough"]),
    n.ESTIMATED_VALUE: ("estimated", lambda s: s["estimated"]),
    n.ESTIMATED_EMISSIONS: ("estimated", lambda s: known(s["estimated_FE"], s["n_estimated"])),
    n.SOVEREIGN_COVERED_VALUE: ("sovereign", lambda s: s["sovereign"]),
    n.SOVEREIGN_EMISSIONS: ("sovereign", lambda s: known(s["sovereign_FE"], s["n_sovereign"])),
    n.SOVEREIGN_INTENSITY: ("sovereign", lambda s: known(share(s["sovereign_VI"], s["V"]), s["n_sovereign"])),
}


def compute_metrics(contributions: pd.DataFrame) -> pd.DataFrame:
    """`metrics.csv` as a frame: as_of, perimeter, metric, value, sorted by the contract's key."""
    snapshot_codes, snapshots = pd.factorize(contributions["as_of"], sort=True)
    terms = line_terms(contributions)
    keys, values = [], []
    for perimeter, rows in perimeter_masks(contributions).items():
        sums = compute_sums(terms, snapshot_codes, len(snapshots), rows)
        formulas = {metric: formula for metric, (formula, perimeters) in METRICS.items() if perimeter in perimeters}
        formulas.update({metric: formula for metric, (needs, formula) in EXTENSION_METRICS.items() if needs in sums})
        for metric, formula in formulas.items():
            keys.append((perimeter, metric))
            values.append(np.asarray(formula(sums), dtype="float64"))
    count = len(snapshots)
    metrics = pd.DataFrame({
        "as_of": np.tile(np.asarray(snapshots, dtype="datetime64[s]"), len(keys)),
        "perimeter": pd.array(np.repeat([perimeter for perimeter, _ in keys], count), dtype="str"),
        "metric": pd.array(np.repeat([metric for _, metric in keys], count), dtype="str"),
        "value": np.concatenate(values) if values else np.empty(0),
    })
    return metrics.sort_values(["as_of", "perimeter", "metric"], kind="stable", ignore_index=True)


def metric_series(metrics: pd.DataFrame, perimeter: str, metric: str) -> pd.Series:
    """One metric over time for one perimeter, indexed by snapshot date."""
    rows = metrics[(metrics["perimeter"] == perimeter) & (metrics["metric"] == metric)]
    return rows.set_index("as_of")["value"]

"""Why the listed-yield footprint moved between two snapshots: four additive effects.

The footprint is F = sum_i w_i * E_i / EVIC_i * 1e6 over covered issuers, w_i
being issuer i's share of the covered listed-yield value. Between snapshots 0
and 1 the change F1 - F0 splits exactly into:

- coverage: issuers held at both dates that gained or lost data (covered at
  one date only). With R the issuers that are not such changers, F^R is the
  footprint re-weighted over R; coverage = (F1 - F1^R) + (F0^R - F0).
- allocation, emissions, EVIC: the change F1^R - F0^R, issuer by issuer, is
  the change of a product w * E * (1e6 / EVIC), split between its three
  factors by their Shapley values (the average over the six orders of
  changing one factor at a time), which add up exactly. An issuer bought or
  sold outright has w = 0 at one end, so all of its term is allocation.

Chained rather than a four-factor Shapley: coverage first, because a line
whose data appears is not a portfolio decision and must not be read as one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from portfolio.metrics import PER_MEUR

EFFECTS = ("allocation", "emissions", "evic", "coverage")
ATTRIBUTION_COLUMNS = ["from_date", "to_date", "effect", "value"]


def issuer_positions(contributions: pd.DataFrame) -> pd.DataFrame:
    """Eligible listed-yield lines aggregated by snapshot and issuer: value, covered, E and EVIC."""
    lines = contributions[(contributions["bucket"] == "yield") & contributions["listed"].astype(bool)
                          & (contributions["issuer_id"] != "") & contributions["eligible"].astype(bool)]
    grouped = lines.groupby(["as_of", "issuer_id"], sort=True)
    return pd.DataFrame({
        "value": grouped["market_value_eur"].sum(),
        "covered": grouped["covered"].all(),
        "emissions": grouped["emissions_tco2e"].first(),
        "evic": grouped["evic_eur"].first(),
    })


def _at(positions: pd.DataFrame, date: pd.Timestamp) -> pd.DataFrame:
    dates = positions.index.get_level_values("as_of")
    return positions[dates == date].droplevel("as_of")


def shapley_three(x0: np.ndarray, y0: np.ndarray, z0: np.ndarray,
                  x1: np.ndarray, y1: np.ndarray, z1: np.ndarray) -> tuple[np.ndarray, ...]:
    """Shapley split of x1 y1 z1 - x0 y0 z0 between the changes of x, y and z."""
    def share(d: np.ndarray, a0: np.ndarray, b0: np.ndarray, a1: np.ndarray, b1: np.ndarray) -> np.ndarray:
        return d * ((a0 * b0 + a1 * b1) / 3 + (a0 * b1 + a1 * b0) / 6)

    return (share(x1 - x0, y0, z0, y1, z1), share(y1 - y0, x0, z0, x1, z1), share(z1 - z0, x0, y0, x1, y1))


def _footprint(weights_value: pd.Series, intensity: pd.Series) -> float:
    total = weights_value.sum()
    return float((weights_value / total * intensity).sum()) if total > 0 else 0.0


def attribute_change(positions: pd.DataFrame, start: pd.Timestamp,
                     end: pd.Timestamp) -> tuple[dict[str, float], pd.DataFrame]:
    """Effects (allocation, emissions, evic, coverage, total) and per-issuer contributions.

    `positions` is `issuer_positions(contributions)`.
    """
    before, after = _at(positions, start), _at(positions, end)
    issuers = before.index.union(after.index)
    before, after = before.reindex(issuers), after.reindex(issuers)
    covered0 = before["covered"].fillna(False).astype(bool)
    covered1 = after["covered"].fillna(False).astype(bool)
    held_both = before["value"].notna() & after["value"].notna()
    changers = held_both & (covered0 != covered1)
    kept = (covered0 | covered1) & ~changers

    intensity0 = before["emissions"] / before["evic"] * PER_MEUR
    intensity1 = after["emissions"] / after["evic"] * PER_MEUR
    value0 = before["value"].where(covered0, 0.0).fillna(0.0)
    value1 = after["value"].where(covered1, 0.0).fillna(0.0)
    f0, f1 = _footprint(value0[covered0], intensity0[covered0]), _footprint(value1[covered1], intensity1[covered1])
    f0_kept = _footprint(value0[kept & covered0], intensity0[kept & covered0])
    f1_kept = _footprint(value1[kept & covered1], intensity1[kept & covered1])

    w0 = value0.where(kept, 0.0) / value0[kept].sum() if value0[kept].sum() > 0 else value0 * 0
    w1 = value1.where(kept, 0.0) / value1[kept].sum() if value1[kept].sum() > 0 else value1 * 0
    # an issuer absent at one end keeps the other end's E and EVIC: its weight carries the change
    e0 = before["emissions"].where(covered0, after["emissions"]).fillna(0.0)
    e1 = after["emissions"].where(covered1, before["emissions"]).fillna(0.0)
    u0 = (PER_MEUR / before["evic"]).where(covered0, PER_MEUR / after["evic"]).fillna(0.0)
    u1 = (PER_MEUR / after["evic"]).where(covered1, PER_MEUR / before["evic"]).fillna(0.0)
    allocation, emissions, evic = (pd.Series(np.where(kept, part, 0.0), index=issuers) for part in
                                   shapley_three(w0.to_numpy(), e0.to_numpy(), u0.to_numpy(),
                                                 w1.to_numpy(), e1.to_numpy(), u1.to_numpy()))
    direct = pd.Series(0.0, index=issuers)
    direct[changers & covered1] = (value1 / value1[covered1].sum() * intensity1)[changers & covered1] \
        if value1[covered1].sum() > 0 else 0.0
    direct[changers & covered0] = -(value0 / value0[covered0].sum() * intensity0)[changers & covered0] \
        if value0[covered0].sum() > 0 else 0.0
    effects = {
        "allocation": float(allocation.sum()),
        "emissions": float(emissions.sum()),
        "evic": float(evic.sum()),
        "coverage": (f1 - f1_kept) + (f0_kept - f0),
        "total": f1 - f0,
    }
    by_issuer = pd.DataFrame({"allocation": allocation, "emissions": emissions, "evic": evic,
                              "coverage": direct})
    by_issuer["total"] = by_issuer.sum(axis=1)
    by_issuer = by_issuer[(by_issuer != 0).any(axis=1)].rename_axis("issuer_id").reset_index()
    return effects, by_issuer


def comparison_pairs(dates: list[pd.Timestamp], baseline: pd.Timestamp) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    """(kind, from, to) for each snapshot: month on month, year on year, since the baseline."""
    known = set(dates)
    pairs = []
    for position, date in enumerate(dates):
        if position > 0:
            pairs.append(("previous", dates[position - 1], date))
        year_before = date - pd.DateOffset(years=1)
        year_before = year_before + pd.offsets.MonthEnd(0) if date.is_month_end else year_before
        if year_before in known:
            pairs.append(("year", year_before, date))
        if baseline in known and date > baseline:
            pairs.append(("baseline", baseline, date))
    return pairs


def compute_attribution(contributions: pd.DataFrame, baseline: pd.Timestamp,
                        top: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`attribution.csv` (effects per pair) and `attribution_issuers.csv` (top issuers per pair)."""
    dates = sorted(pd.DatetimeIndex(contributions["as_of"].unique()))
    positions = issuer_positions(contributions)
    effect_rows, issuer_parts = [], []
    for kind, start, end in comparison_pairs(dates, baseline):
        effects, by_issuer = attribute_change(positions, start, end)
        for effect, value in effects.items():
            effect_rows.append((start, end, kind, effect, value))
        ranked = by_issuer.reindex(by_issuer["total"].abs().sort_values(ascending=False, kind="stable").index)
        ranked = ranked.head(top).assign(from_date=start, to_date=end, kind=kind,
                                         rank=np.arange(1, min(top, len(ranked)) + 1))
        issuer_parts.append(ranked)
    attribution = pd.DataFrame(effect_rows, columns=["from_date", "to_date", "kind", "effect", "value"])
    issuer_columns = ["from_date", "to_date", "kind", "rank", "issuer_id", "allocation", "emissions", "evic",
                      "coverage", "total"]
    issuers = pd.concat(issuer_parts, ignore_index=True)[issuer_columns] if issuer_parts else \
        pd.DataFrame(columns=issuer_columns)
    return (attribution.sort_values(["to_date", "from_date", "effect"], kind="stable", ignore_index=True),
            issuers.sort_values(["to_date", "from_date", "rank"], kind="stable", ignore_index=True))

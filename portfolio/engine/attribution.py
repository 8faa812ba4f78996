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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio.engine.kernel import PER_MEUR, company_footprint, share, weighted_footprint
from portfolio.engine.names import EFFECTS, TOTAL_EFFECT


@dataclass(frozen=True)
class IssuerPanel:
    """Eligible listed-yield lines by snapshot (rows) and issuer (columns), built once per run.

    `value` is NaN where the issuer is not held; E and EVIC come from the
    record every line of that issuer and snapshot shares (EVIC NaN when unknown).
    """

    dates: pd.DatetimeIndex
    issuers: pd.api.extensions.ExtensionArray  # text, converted once (not once per comparison)
    value: np.ndarray
    covered: np.ndarray
    emissions: np.ndarray
    evic: np.ndarray

    def row(self, date: pd.Timestamp) -> int:
        return int(self.dates.get_loc(date))


ISSUER_LINE_COLUMNS = ["as_of", "issuer_id", "value", "uncovered", "emissions", "evic"]


def issuer_lines(contributions: pd.DataFrame) -> pd.DataFrame:
    """Eligible listed-yield lines summed per (snapshot, issuer): the panel's cells, one chunk's worth.

    `value` sums the lines in row order, `uncovered` counts uncovered lines,
    E and EVIC are those of the issuer's last line (every line of a pair uses
    one record). Pairs come sorted by (as_of, issuer_id).
    """
    wanted = (contributions["bucket"] == "yield").to_numpy() & contributions["listed"].to_numpy(bool) \
        & (contributions["issuer_id"] != "").to_numpy() & contributions["eligible"].to_numpy(bool)
    lines = contributions.loc[wanted, ["as_of", "issuer_id", "market_value_eur", "covered", "emissions_tco2e",
                                       "evic_eur"]]
    date_codes, dates = pd.factorize(lines["as_of"], sort=True)
    issuer_codes, issuers = pd.factorize(lines["issuer_id"], sort=True)
    pair_of_line, pairs = pd.factorize(date_codes.astype(np.int64) * len(issuers) + issuer_codes, sort=True)
    emissions, evic = np.full(len(pairs), np.nan), np.full(len(pairs), np.nan)
    emissions[pair_of_line] = lines["emissions_tco2e"].to_numpy(float)
    evic[pair_of_line] = lines["evic_eur"].to_numpy(float)
    return pd.DataFrame({
        "as_of": np.asarray(dates, dtype="datetime64[s]")[pairs // max(len(issuers), 1)],
        "issuer_id": np.asarray(issuers, dtype=object)[pairs % max(len(issuers), 1)],
        "value": np.bincount(pair_of_line, weights=lines["market_value_eur"].to_numpy(float), minlength=len(pairs)),
        "uncovered": np.bincount(pair_of_line, weights=~lines["covered"].to_numpy(bool), minlength=len(pairs)),
        "emissions": emissions, "evic": evic}, columns=ISSUER_LINE_COLUMNS)


def issuer_panel(lines: pd.DataFrame, dates: pd.DatetimeIndex) -> IssuerPanel:
    """The `IssuerPanel` of every snapshot in `dates` from the (snapshot, issuer) cells of `issuer_lines`."""
    date_codes = dates.get_indexer(lines["as_of"])
    issuer_codes, issuers = pd.factorize(lines["issuer_id"], sort=True)
    shape = (len(dates), len(issuers))
    cell = date_codes.astype(np.int64) * len(issuers) + issuer_codes
    size = shape[0] * shape[1]
    value, uncovered = np.full(size, np.nan), np.zeros(size)
    emissions, evic = np.full(size, np.nan), np.full(size, np.nan)
    held = np.zeros(size, dtype=bool)
    held[cell] = True
    value[cell] = lines["value"].to_numpy(float)
    uncovered[cell] = lines["uncovered"].to_numpy(float)
    emissions[cell] = lines["emissions"].to_numpy(float)
    evic[cell] = lines["evic"].to_numpy(float)
    evic[~(evic > 0)] = np.nan  # 0 means unknown (contract): never divide by it
    return IssuerPanel(dates, pd.array(np.asarray(issuers, dtype=object), dtype="str"), value.reshape(shape),
                       (held & (uncovered == 0)).reshape(shape), emissions.reshape(shape), evic.reshape(shape))


def shapley_three(x0: np.ndarray, y0: np.ndarray, z0: np.ndarray,
                  x1: np.ndarray, y1: np.ndarray, z1: np.ndarray) -> tuple[np.ndarray, ...]:
    """Shapley split of x1 y1 z1 - x0 y0 z0 between the changes of x, y and z."""
    def part(d: np.ndarray, a0: np.ndarray, b0: np.ndarray, a1: np.ndarray, b1: np.ndarray) -> np.ndarray:
        return d * ((a0 * b0 + a1 * b1) / 3 + (a0 * b1 + a1 * b0) / 6)

    return (part(x1 - x0, y0, z0, y1, z1), part(y1 - y0, x0, z0, x1, z1), part(z1 - z0, x0, y0, x1, y1))


def _weights(value: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Shares of the members' total value along the last axis (zeros outside, or when the total is not positive)."""
    kept = np.where(members, value, 0.0)
    return np.nan_to_num(share(kept, kept.sum(axis=-1, keepdims=True)))


def attribute_change(panel: IssuerPanel, start: pd.Timestamp,
                     end: pd.Timestamp) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """Effects (allocation, emissions, evic, coverage, total) and per-issuer contributions.

    The contributions are arrays over the issuers that moved: `issuer` (their
    position in `panel.issuers`) and one array per effect and the total, kept
    as arrays because a run compares many pairs of snapshots.
    """
    return attribute_changes(panel, [(start, end)])[0]


def attribute_changes(panel: IssuerPanel, pairs: Sequence[tuple[pd.Timestamp, pd.Timestamp]]
                      ) -> list[tuple[dict[str, float], dict[str, np.ndarray]]]:
    """`attribute_change` of every (start, end) pair, computed at once: a row per pair, an issuer per column.

    Every operation is elementwise along a row, and each sum runs along a
    row as it would over that pair alone, so the figures are those of one
    pair at a time, to the bit.
    """
    if not pairs:
        return []
    first = np.array([panel.row(start) for start, _ in pairs])
    last = np.array([panel.row(end) for _, end in pairs])
    value0, value1 = np.nan_to_num(panel.value[first]), np.nan_to_num(panel.value[last])
    covered0, covered1 = panel.covered[first], panel.covered[last]
    held_both = ~np.isnan(panel.value[first]) & ~np.isnan(panel.value[last])
    changers = held_both & (covered0 != covered1)
    kept = (covered0 | covered1) & ~changers
    intensity0 = company_footprint(panel.emissions[first], panel.evic[first])
    intensity1 = company_footprint(panel.emissions[last], panel.evic[last])
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse0, inverse1 = PER_MEUR / panel.evic[first], PER_MEUR / panel.evic[last]

    full0, full1 = _weights(value0, covered0), _weights(value1, covered1)
    f0, f1 = weighted_footprint(full0, intensity0), weighted_footprint(full1, intensity1)
    w0, w1 = _weights(value0, kept & covered0), _weights(value1, kept & covered1)
    f0_kept, f1_kept = weighted_footprint(w0, intensity0), weighted_footprint(w1, intensity1)
    # an issuer absent at one end keeps the other end's E and EVIC: its weight carries the change
    e0 = np.nan_to_num(np.where(covered0, panel.emissions[first], panel.emissions[last]))
    e1 = np.nan_to_num(np.where(covered1, panel.emissions[last], panel.emissions[first]))
    u0 = np.nan_to_num(np.where(covered0, inverse0, inverse1))
    u1 = np.nan_to_num(np.where(covered1, inverse1, inverse0))
    allocation, emissions, evic = (np.where(kept, part, 0.0) for part in shapley_three(w0, e0, u0, w1, e1, u1))
    direct = np.where(changers & covered1, full1 * np.nan_to_num(intensity1), 0.0) \
        - np.where(changers & covered0, full0 * np.nan_to_num(intensity0), 0.0)
    sums = {"allocation": allocation.sum(axis=-1), "emissions": emissions.sum(axis=-1), "evic": evic.sum(axis=-1)}
    moved = (allocation != 0) | (emissions != 0) | (evic != 0) | (direct != 0)  # NaN counts as moved
    changes = []
    for row in range(len(pairs)):
        effects = {name: float(total[row]) for name, total in sums.items()}
        effects["coverage"] = float((f1[row] - f1_kept[row]) + (f0_kept[row] - f0[row]))
        effects[TOTAL_EFFECT] = float(f1[row] - f0[row])
        issuer = np.flatnonzero(moved[row])
        by_issuer = {"issuer": issuer, "allocation": allocation[row, issuer], "emissions": emissions[row, issuer],
                     "evic": evic[row, issuer], "coverage": direct[row, issuer]}
        by_issuer["total"] = by_issuer["allocation"] + by_issuer["emissions"] + by_issuer["evic"] \
            + by_issuer["coverage"]
        changes.append((effects, by_issuer))
    return changes


def comparison_pairs(dates: list[pd.Timestamp], baseline: pd.Timestamp,
                     known: set[pd.Timestamp] | None = None) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    """(kind, from, to) between snapshots whose footprint is known at both ends.

    For each known snapshot: `previous`, the latest earlier known snapshot; `year`,
    the snapshot a year earlier when known; `baseline`, the baseline snapshot when
    known. An unknown footprint (no covered line) is never compared as if it were 0.
    """
    known = set(dates) if known is None else set(known)
    measured = [date for date in dates if date in known]
    pairs = []
    for position, date in enumerate(measured):
        if position > 0:
            pairs.append(("previous", measured[position - 1], date))
        year_before = date - pd.DateOffset(years=1)
        year_before = year_before + pd.offsets.MonthEnd(0) if date.is_month_end else year_before
        if year_before in known:
            pairs.append(("year", year_before, date))
        if baseline in known and date > baseline:
            pairs.append(("baseline", baseline, date))
    return pairs


def footprint_known_dates(contributions: pd.DataFrame) -> set[pd.Timestamp]:
    """Snapshots where at least one listed-yield line is covered: the footprint is known there."""
    dates = contributions["as_of"].to_numpy()[(contributions["bucket"] == "yield").to_numpy()
                                              & contributions["listed"].to_numpy(bool)
                                              & contributions["covered"].to_numpy(bool)]
    return {pd.Timestamp(date) for date in np.unique(dates)}


def compute_attribution(lines: pd.DataFrame, dates: pd.DatetimeIndex, known: set[pd.Timestamp],
                        baseline: pd.Timestamp, top: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`attribution.csv` (effects per pair) and `attribution_issuers.csv` (top issuers per pair).

    `lines` are the `issuer_lines` of every snapshot, `dates` every snapshot
    and `known` those with a known footprint (`footprint_known_dates`).
    """
    panel = issuer_panel(lines, dates)
    effect_rows, issuer_parts = [], []
    compared = comparison_pairs(list(dates), baseline, known)
    changes = attribute_changes(panel, [(start, end) for _, start, end in compared])
    for (kind, start, end), (effects, by_issuer) in zip(compared, changes):
        for effect, value in effects.items():
            effect_rows.append((start, end, kind, effect, value))
        # largest |total| first, ties in issuer order, empty totals last (as a stable descending sort_values)
        order = np.argsort(-np.abs(by_issuer["total"]), kind="stable")[:top]
        issuer_parts.append({"from_date": np.full(len(order), panel.row(start)),
                             "to_date": np.full(len(order), panel.row(end)), "kind": np.full(len(order), kind, object),
                             "rank": np.arange(1, len(order) + 1),
                             **{column: values[order] for column, values in by_issuer.items()}})
    attribution = pd.DataFrame(effect_rows, columns=["from_date", "to_date", "kind", "effect", "value"])
    issuers = _top_issuers(panel, issuer_parts)
    return (attribution.sort_values(["to_date", "from_date", "effect"], kind="stable", ignore_index=True),
            issuers.sort_values(["to_date", "from_date", "rank"], kind="stable", ignore_index=True))


def _top_issuers(panel: IssuerPanel, parts: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """One frame of every pair's top issuers, built once from their arrays (dates and issuers as panel positions)."""
    if not parts:
        return pd.DataFrame(columns=["from_date", "to_date", "kind", "rank", "issuer_id", *EFFECTS, TOTAL_EFFECT])
    joined = {column: np.concatenate([part[column] for part in parts]) for column in parts[0]}
    return pd.DataFrame({
        "from_date": panel.dates.to_numpy()[joined["from_date"]], "to_date": panel.dates.to_numpy()[joined["to_date"]],
        "kind": joined["kind"], "rank": joined["rank"], "issuer_id": panel.issuers.take(joined["issuer"]),
        **{column: joined[column] for column in (*EFFECTS, TOTAL_EFFECT)}})

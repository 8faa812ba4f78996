"""What the report shows, picked out of a `Result`: selections and sums of its frames, never new metrics.

Every figure in the report comes from here, so the charts, the tables and the
sentences under them read the same numbers. The only arithmetic is grouping
and adding the contributions table (top issuers, sectors, data gaps), whose
sums are the metrics' own sums restricted to a group; ratios, paths, drifts
and attributions are read as `portfolio` computed them. "Latest" always means
the latest snapshot of the run: a figure missing at that date is missing, not
replaced by an older one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api.typing import DataFrameGroupBy

from portfolio import Baseline, ProjectionSummary, Result, kernel, names

FOOTPRINT = names.FOOTPRINT
EMISSIONS = names.EMISSIONS  # a metric and, per line, a contributions column
EFFECTS = names.EFFECTS
VALUE = "market_value_eur"
TARGET_PERIMETER = names.TRAJECTORY_PERIMETER  # listed yield assets: the perimeter of the 2030 path


@dataclass(frozen=True)
class PathPosition:
    """Where one trajectory metric stands at the latest snapshot against its 2030 path."""

    metric: str
    actual: float
    path: float
    drift: float
    flagged: bool
    years_ahead: float
    baseline: float

    @property
    def change(self) -> float:
        """Change since the baseline, as a share (-0.35 for -35 %)."""
        return self.actual / self.baseline - 1


@dataclass(frozen=True)
class Change:
    """The attribution of the footprint's change between two snapshots, effects and top issuers."""

    kind: str
    start: pd.Timestamp
    end: pd.Timestamp
    start_value: float  # the footprint at `start` (the attribution compares known footprints only)
    effects: dict[str, float]
    total: float
    issuers: pd.DataFrame


def latest_date(result: Result) -> pd.Timestamp:
    """The run's latest snapshot: the report's date, whatever day it is written."""
    return pd.Timestamp(result.metrics["as_of"].max())


def series(result: Result, perimeter: str, metric: str) -> pd.Series:
    """One metric over time for one perimeter, by snapshot date, empty values dropped."""
    return result.metric_series(perimeter, metric).sort_index().dropna()


def value_at(result: Result, perimeter: str, metric: str, date: pd.Timestamp) -> float:
    """One metric of one perimeter at one date; NaN when empty or absent."""
    return float(result.metric_series(perimeter, metric).get(date, np.nan))


def baseline_of(result: Result, metric: str) -> Baseline | None:
    """The baseline of a trajectory metric, or None when it is missing."""
    baseline = result.baseline(metric)
    return baseline if baseline is not None and baseline.value is not None else None


def trajectory_rows(result: Result, metric: str) -> pd.DataFrame:
    """The trajectory rows (actual, path, drift, flag, years ahead) of one metric, by date."""
    return result.trajectory[result.trajectory["metric"] == metric].sort_values("as_of")


def path_position(result: Result, metric: str) -> PathPosition | None:
    """The latest snapshot's position against the path; None without a baseline or a value at that date."""
    rows = trajectory_rows(result, metric)
    baseline = baseline_of(result, metric)
    if baseline is None or rows.empty or rows["as_of"].iloc[-1] != latest_date(result):
        return None
    row = rows.iloc[-1]
    return PathPosition(metric=metric, actual=float(row["actual"]), path=float(row["path"]),
                        drift=float(row["drift"]), flagged=bool(pd.notna(row["flag"]) and row["flag"]),
                        years_ahead=float(row["years_ahead"]), baseline=float(baseline.value))


def projection_rows(result: Result, metric: str) -> pd.DataFrame:
    """The projected cone of one metric (projected, 80 % and 95 % bounds), by month end."""
    return result.projection[result.projection["metric"] == metric].sort_values("as_of")


def projection_summary(result: Result, metric: str) -> ProjectionSummary | None:
    """The fitted trend of one metric, or None when too few snapshots allowed no projection."""
    return result.projection_summary(metric)


def latest_change(result: Result) -> Change | None:
    """The footprint's change over the last year, else since the baseline, else since the previous known snapshot.

    The attribution pairs only snapshots whose footprint is known at both ends,
    so each comparison here is with the latest earlier snapshot of that kind
    whose figure is known; None when the latest footprint is unknown or has
    nothing to compare with.
    """
    end = latest_date(result)
    rows = result.attribution[result.attribution["to_date"] == end]
    for kind in ("year", "baseline", "previous"):
        pair = rows[rows["kind"] == kind]
        if pair.empty:
            continue
        values = dict(zip(pair["effect"].astype(str), pair["value"].astype(float)))
        issuers = result.attribution_issuers
        issuers = issuers[(issuers["kind"] == kind) & (issuers["to_date"] == end)].sort_values("rank")
        start = pd.Timestamp(pair["from_date"].iloc[0])
        start_value = value_at(result, TARGET_PERIMETER, FOOTPRINT, start)
        return Change(kind=kind, start=start, end=end, start_value=start_value,
                      effects={effect: values.get(effect, 0.0) for effect in EFFECTS},
                      total=values[names.TOTAL_EFFECT],
                      issuers=issuers.reset_index(drop=True))
    return None


def main_effect(change: Change) -> str:
    """The effect that pushed the footprint most in the direction it moved (any direction if none did)."""
    along = [effect for effect in EFFECTS if change.effects[effect] * change.total > 0] or list(EFFECTS)
    return max(along, key=lambda effect: abs(change.effects[effect]))


def issuer_names(result: Result, issuer_ids: list[str]) -> dict[str, str]:
    """A display name per issuer: its `name` in the issuer table, else the first holding name seen, else its id.

    "First seen" is the first named line of the issuer in (as_of, holding_id)
    order, the contributions' own order. A holding name labels an issuer only
    when the issuer table names none: a bond's name ("... 2,75% 2035") is the
    name of a line, not of its issuer.
    """
    lines = result.contributions
    lines = lines.loc[lines["issuer_id"].isin(issuer_ids), [column for column in ("issuer_id", "issuer_name", "name")
                                                             if column in lines.columns]]
    names: dict[str, str] = {}
    if "issuer_name" in lines.columns:
        named = lines[lines["issuer_name"].fillna("").astype(str) != ""]
        names = dict(zip(named["issuer_id"].astype(str), named["issuer_name"].astype(str)))
    held = lines[lines["name"].fillna("").astype(str).str.strip() != ""].drop_duplicates("issuer_id")
    first_seen = dict(zip(held["issuer_id"].astype(str), held["name"].astype(str)))
    return {issuer: names.get(issuer) or first_seen.get(issuer, issuer) for issuer in issuer_ids}


def _aggregate(grouped: DataFrameGroupBy, **named: tuple[str, str]) -> pd.DataFrame:
    """`grouped.agg(**named)`, one reduction (`name=(column, "sum")`) at a time: ~5 ms less a call than pandas'."""
    return pd.DataFrame({name: getattr(grouped[column], how)() for name, (column, how) in named.items()})


def covered_target_lines(result: Result, date: pd.Timestamp) -> pd.DataFrame:
    """The covered lines of the target perimeter (listed yield assets) at one date."""
    lines = result.contributions
    return lines[(lines["as_of"] == date) & (lines["bucket"] == "yield") & lines["listed"].astype(bool)
                 & lines["covered"].astype(bool)]


def top_emitters(result: Result, date: pd.Timestamp, count: int = 10) -> pd.DataFrame:
    """The issuers with the largest financed emissions in the listed yield assets, with their share."""
    lines = covered_target_lines(result, date)
    grouped = _aggregate(lines.groupby("issuer_id", sort=True), financed=(EMISSIONS, "sum"), value=(VALUE, "sum"))
    grouped["share"] = kernel.share(grouped["financed"].to_numpy(), grouped["financed"].sum())
    grouped = grouped.reset_index().sort_values(["financed", "issuer_id"], ascending=[False, True], kind="stable")
    return grouped.head(count).reset_index(drop=True)


def breakdown(result: Result, date: pd.Timestamp, column: str, group: Callable[[str], str],
              limit: int = 10) -> pd.DataFrame:
    """Shares of financed emissions and of covered value by `group(column value)`, the smallest pooled as other."""
    lines = covered_target_lines(result, date)
    keys = lines[column].fillna("").astype(str).map(group)
    grouped = _aggregate(lines.groupby(keys, sort=True), financed=(EMISSIONS, "sum"), value=(VALUE, "sum"))
    grouped = grouped.rename_axis("key").reset_index()
    grouped = grouped.sort_values(["financed", "key"], ascending=[False, True], kind="stable")
    grouped["other"] = False
    if len(grouped) > limit:
        rest = grouped.iloc[limit - 1:]
        pooled = pd.DataFrame({"key": [""], "financed": [rest["financed"].sum()], "value": [rest["value"].sum()],
                               "other": [True]})
        grouped = pd.concat([grouped.iloc[:limit - 1], pooled], ignore_index=True)
    grouped["financed_share"] = kernel.share(grouped["financed"].to_numpy(), grouped["financed"].sum())
    grouped["value_share"] = kernel.share(grouped["value"].to_numpy(), grouped["value"].sum())
    return grouped.reset_index(drop=True)


def data_gaps(result: Result, date: pd.Timestamp) -> pd.DataFrame:
    """The line gaps of one snapshot (not the issuers' unusable targets) with each line's name and value, largest
    value first."""
    warnings = result.warnings[(result.warnings["as_of"] == date) & (result.warnings["holding_id"] != "")]
    lines = result.contributions
    wanted = ["holding_id", "name", VALUE, "record_year", "record_published_on", "scope1_tco2e", "scope2_tco2e",
              "scope3_tco2e", "data_quality", "estimated", "lookthrough_weight"]
    lines = lines.loc[lines["as_of"] == date, [column for column in wanted if column in lines.columns]]
    gaps = warnings.merge(lines, on="holding_id", how="left")
    return gaps.sort_values([VALUE, "holding_id", "reason"], ascending=[False, True, True], kind="stable",
                            na_position="last").reset_index(drop=True)


def worth_closing(result: Result, date: pd.Timestamp) -> pd.DataFrame:
    """Uncovered eligible lines of the target perimeter at one date, by issuer (id empty: one group), largest first.

    Columns issuer_id, value (their market value) and reason (the first reason
    of the largest line): the data that would widen the footprint's coverage most.
    """
    lines = result.contributions
    lines = lines[(lines["as_of"] == date).to_numpy() & (lines["bucket"] == "yield").to_numpy()
                  & lines["listed"].to_numpy(bool) & lines["eligible"].to_numpy(bool) & ~lines["covered"].to_numpy(bool)]
    if "parent_holding_id" in lines.columns:
        lines = lines[lines["parent_holding_id"] == ""]
    ordered = lines.sort_values([VALUE, "holding_id"], ascending=[False, True], kind="stable")
    grouped = _aggregate(ordered.groupby("issuer_id", sort=False), value=(VALUE, "sum"), reason=("reason", "first"))
    grouped["reason"] = grouped["reason"].astype(str).str.split("|").str[0]
    grouped = grouped.reset_index().sort_values(["value", "issuer_id"], ascending=[False, True], kind="stable")
    return grouped.reset_index(drop=True)


def coverage_split(result: Result, date: pd.Timestamp) -> pd.DataFrame:
    """Value of each perimeter by provenance of its carbon data: reported, looked through, estimated, uncovered.

    Looked through = covered value of fund children; estimated = proxied lines
    outside funds; uncovered = the rest of V (funds' uncovered remainder included).
    """
    lines = result.contributions[result.contributions["as_of"] == date]
    child = lines["parent_holding_id"].ne("").to_numpy() if "parent_holding_id" in lines else \
        np.zeros(len(lines), dtype=bool)
    estimated = lines["estimated"].to_numpy(dtype=bool) if "estimated" in lines else np.zeros(len(lines), dtype=bool)
    covered = lines["covered"].to_numpy(dtype=bool)
    value = lines[VALUE].to_numpy(dtype=float)
    bucket, listed = lines["bucket"].to_numpy(), lines["listed"].to_numpy(dtype=bool)
    members = {"total": np.ones(len(lines), dtype=bool), "yield": bucket == "yield",
               "listed_yield": (bucket == "yield") & listed, "strategic": bucket == "strategic"}
    rows = []
    for perimeter, inside in members.items():
        total = value[inside & ~child].sum()
        reported = value[inside & covered & ~estimated & ~child].sum()
        through = value[inside & covered & child].sum()
        guessed = value[inside & estimated & ~child].sum()
        rows.append((perimeter, reported, through, guessed, total - reported - through - guessed, total))
    return pd.DataFrame(rows, columns=["perimeter", "reported", "looked_through", "estimated", "uncovered", "total"])


def gaps_by_reason(gaps: pd.DataFrame) -> pd.DataFrame:
    """How many lines and how much value each reason concerns (a line may have two reasons)."""
    grouped = _aggregate(gaps.groupby("reason", sort=True), lines=("holding_id", "size"), value=(VALUE, "sum"))
    return grouped.reset_index().sort_values(["value", "reason"], ascending=[False, True], kind="stable")


def run_notices(result: Result) -> pd.DataFrame:
    """Warnings about the run as a whole (missing baseline, no projection), not tied to a snapshot."""
    return result.warnings[result.warnings["as_of"].isna()].reset_index(drop=True)


def pai_table(result: Result) -> pd.DataFrame:
    """PAI 1-3 with one row per metric and perimeter and one column per complete year."""
    if result.pai.empty:
        return pd.DataFrame()
    return result.pai.pivot_table(index=["metric", "perimeter"], columns="year", values="value", aggfunc="first")

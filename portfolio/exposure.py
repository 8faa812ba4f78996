"""Per-holding figures: the issuer record each line uses, its coverage and its financed emissions.

This is the one place where holdings meet issuer data. The result is the
contributions table: one row per holding and snapshot, with every input the
metrics need (value, record, EVIC, revenue, emissions) and every derived
flag (eligible, covered, WACI-covered, health, territorial) plus why a line
is uncovered. The metrics are grouped sums over this table and nothing else,
so an auditor can rebuild any figure from `contributions.csv` in a spreadsheet.

The join is done on integer codes: distinct (snapshot, issuer) pairs select
their record on the small side (`esg_scores.select_records`), then every
holding looks its pair up in a dense array, which is a hash join without the
hashing. Rows come out sorted by (as_of, holding_id), the order every later
sum runs in, so results do not depend on input row order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from esg_scores import NO_RECORD, SCOPE_COLUMNS, select_records
from holdings.coerce import by_distinct_value
from portfolio.settings import Settings

ELIGIBLE_ASSET_CLASSES = ("listed_equity", "corporate_bond", "unlisted_equity", "loan")

# Why a line is uncovered, in the order they are tested. The first applies alone;
# the last two can both apply to one record.
NOT_ELIGIBLE = "asset_class_not_eligible"
MISSING_ISSUER_ID = "missing_issuer_id"
NO_RECORD_REASON = "no_issuer_record"
MISSING_SCOPE = "missing_scope"
MISSING_EVIC = "missing_evic"
MISSING_REVENUE = "missing_revenue"  # WACI only: the line may still be covered
GAP_REASONS = (MISSING_ISSUER_ID, NO_RECORD_REASON, MISSING_SCOPE, MISSING_EVIC, MISSING_REVENUE)

CONTRIBUTION_COLUMNS = [
    "as_of", "holding_id", "issuer_id", "name", "bucket", "asset_class", "listed", "fund_id",
    "market_value_eur", "record_year", "record_published_on", "source", "sector", "evic_eur",
    "revenue_eur", "data_quality", "scope1_tco2e", "scope2_tco2e", "scope3_tco2e", "emissions_tco2e",
    "financed_emissions_tco2e", "eligible", "covered", "waci_covered", "health", "territorial",
    "reason", "holdings_file", "holdings_row", "issuers_row",
]


def attributed(value: np.ndarray, company_value: np.ndarray, emissions: np.ndarray) -> np.ndarray:
    """The attribution kernel: the share of a company's emissions a position finances."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return value / company_value * emissions


def configured_emissions(records: pd.DataFrame, scopes: Sequence[int]) -> np.ndarray:
    """E of each record: the sum of the configured scopes, unknown (NaN) if any is empty."""
    total = np.zeros(len(records))
    for scope in scopes:
        total = total + records[f"scope{scope}_tco2e"].to_numpy(dtype="float64")
    return total


def build_contributions(holdings: pd.DataFrame, records: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """The contributions table for every holding and snapshot, sorted by (as_of, holding_id)."""
    holdings = holdings.sort_values(["as_of", "holding_id"], kind="stable", ignore_index=True)
    record_at = _record_positions(holdings, records, settings.publication_lag_months)
    has_record = record_at != NO_RECORD

    def from_record(column: str) -> np.ndarray:
        return _gather(records[column].to_numpy(dtype="float64", na_value=np.nan), record_at, np.nan)

    value = holdings["market_value_eur"].to_numpy(dtype="float64")
    evic = from_record("evic_eur")
    revenue = from_record("revenue_eur")
    emissions = _gather(configured_emissions(records, settings.scopes), record_at, np.nan)
    eligible = holdings["asset_class"].isin(ELIGIBLE_ASSET_CLASSES).to_numpy()
    known = has_record & ~np.isnan(emissions)
    covered = eligible & known & (evic > 0)
    waci_covered = eligible & known & (revenue > 0)

    frame = pd.DataFrame({
        "as_of": holdings["as_of"],
        "holding_id": holdings["holding_id"],
        "issuer_id": holdings["issuer_id"],
        "name": holdings["name"],
        "bucket": holdings["bucket"],
        "asset_class": holdings["asset_class"],
        "listed": holdings["listed"],
        "fund_id": holdings["fund_id"],
        "market_value_eur": value,
        "record_year": pd.array(from_record("year"), dtype="Int64"),
        "record_published_on": _gather(records["published_on"].to_numpy(dtype="datetime64[s]"), record_at,
                                       np.datetime64("NaT", "s")),
        "source": _gather_text(records["source"], record_at),
        "sector": _gather_text(records["sector"], record_at),
        "evic_eur": evic,
        "revenue_eur": revenue,
        "data_quality": pd.array(from_record("data_quality"), dtype="Int64"),
        **{scope: from_record(scope) for scope in SCOPE_COLUMNS},
        "emissions_tco2e": emissions,
        "financed_emissions_tco2e": np.where(covered, attributed(value, evic, emissions), np.nan),
        "eligible": eligible,
        "covered": covered,
        "waci_covered": waci_covered,
        "health": _health(holdings["purpose"], settings.health_purposes),
        "territorial": holdings["fund_id"].isin(settings.territorial_funds).to_numpy(),
        "holdings_file": holdings["source_file"],
        "holdings_row": holdings["source_row"].astype("int64"),
        "issuers_row": pd.array(from_record("source_row"), dtype="Int64"),
    })
    frame["reason"] = _reasons(frame, has_record)
    return frame[CONTRIBUTION_COLUMNS]


def _gather(values: np.ndarray, positions: np.ndarray, missing: object) -> np.ndarray:
    """`values[positions]`, with `missing` where the position is -1 (no record)."""
    return np.append(values, np.array([missing], dtype=values.dtype))[positions]


def _gather_text(values: pd.Series, positions: np.ndarray) -> pd.Categorical:
    """A text column of the records for each holding, as a categorical (few distinct values, cheap to take)."""
    codes, categories = pd.factorize(values.fillna(""))
    return pd.Categorical.from_codes(_gather(codes, positions, -1), categories=categories)


def _record_positions(holdings: pd.DataFrame, records: pd.DataFrame, lag_months: int) -> np.ndarray:
    """Position in `records` of the record each holding uses, -1 for none (see module doc)."""
    date_codes, dates = pd.factorize(holdings["as_of"], sort=True)
    issuer_codes, issuers = pd.factorize(holdings["issuer_id"], sort=True)
    pair_of_holding, pairs = pd.factorize(date_codes.astype(np.int64) * len(issuers) + issuer_codes, sort=True)
    requests = pd.DataFrame({
        "as_of": dates.to_numpy()[pairs // len(issuers)],
        "issuer_id": issuers.to_numpy(dtype=object)[pairs % len(issuers)],
    })
    return select_records(records, requests, lag_months)[pair_of_holding]


def _health(purpose: pd.Series, health_purposes: Sequence[str]) -> np.ndarray:
    """A line serves health when at least one of its purpose tags is a configured health purpose."""
    wanted = set(health_purposes)
    return by_distinct_value(purpose, lambda tags: bool(set(str(tags).split("|")) & wanted)) \
        .fillna(False).astype(bool).to_numpy()


def gap_masks(contributions: pd.DataFrame, has_record: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """For each data-gap reason, which lines it applies to (eligible lines only)."""
    eligible = contributions["eligible"].to_numpy()
    if has_record is None:
        has_record = contributions["record_year"].notna().to_numpy()
    no_id = eligible & (contributions["issuer_id"] == "").to_numpy()
    no_record = eligible & ~no_id & ~has_record
    with_record = eligible & has_record
    return {
        MISSING_ISSUER_ID: no_id,
        NO_RECORD_REASON: no_record,
        MISSING_SCOPE: with_record & contributions["emissions_tco2e"].isna().to_numpy(),
        MISSING_EVIC: with_record & ~(contributions["evic_eur"].to_numpy() > 0),
        MISSING_REVENUE: with_record & contributions["emissions_tco2e"].notna().to_numpy()
        & ~(contributions["revenue_eur"].to_numpy() > 0),
    }


def _reasons(frame: pd.DataFrame, has_record: np.ndarray) -> np.ndarray:
    """`|`-joined reasons a line is uncovered, empty when covered; built once per distinct combination."""
    masks = gap_masks(frame, has_record)
    coverage_reasons = [NOT_ELIGIBLE, MISSING_ISSUER_ID, NO_RECORD_REASON, MISSING_SCOPE, MISSING_EVIC]
    flags = [~frame["eligible"].to_numpy()] + [masks[r] for r in coverage_reasons[1:]]
    bits = np.zeros(len(frame), dtype=np.int64)
    for position, flag in enumerate(flags):
        bits |= flag.astype(np.int64) << position
    labels = {
        combination: "|".join(r for p, r in enumerate(coverage_reasons) if combination >> p & 1)
        for combination in np.unique(bits).tolist()
    }
    codes, uniques = pd.factorize(bits)
    return np.array([labels[u] for u in uniques.tolist()], dtype=object)[codes]

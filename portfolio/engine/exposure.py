"""Per-holding figures: the issuer record each line uses, its coverage and its financed emissions.

This is the one place where holdings meet issuer data. The result is the
contributions table: one row per holding and snapshot, with every input the
metrics need (value, record, EVIC, revenue, emissions) and every derived
flag (eligible, covered, WACI-covered, health, territorial) plus why a line
is uncovered. The metrics are grouped sums over this table and nothing else,
so an auditor can rebuild any figure from `contributions.csv` in a spreadsheet.

The record join is `portfolio.engine.kernel.record_positions`. Rows come out sorted
by (as_of, holding_id), the order every later sum runs in, so results do not
depend on input row order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from esg_scores import NO_RECORD, SCOPE_COLUMNS, RecordTimeline
from portfolio.engine.proxies import estimate, sector_averages
from holdings.coerce import by_distinct_value
from holdings.snapshot_chunks import line_keys
from portfolio.engine.kernel import attributed
from portfolio.engine.record_join import gather, record_positions
from portfolio.settings import Settings
from portfolio.engine.sovereign import sovereign_exposure

ELIGIBLE_ASSET_CLASSES = ("listed_equity", "corporate_bond", "unlisted_equity", "loan")

# Why a line is uncovered, in the order they are tested. The first applies alone;
# the last two can both apply to one record.
NOT_ELIGIBLE = "asset_class_not_eligible"
LOOKED_THROUGH = "looked_through"  # a fund line whose children carry its attribution
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
    "reason", "holdings_file", "holdings_row", "issuers_row", "issuer_name",
]



def configured_emissions(records: pd.DataFrame, scopes: Sequence[int]) -> np.ndarray:
    """E of each record: the sum of the configured scopes, unknown (NaN) if any is empty."""
    total = np.zeros(len(records))
    for scope in scopes:
        total = total + records[f"scope{scope}_tco2e"].to_numpy(dtype="float64")
    return total


def issuer_names(records: pd.DataFrame) -> pd.Series:
    """Each issuer's `name` from its latest named record (greatest year, then publication, then file row).

    A label, not a figure: it is not chosen point in time, so a line held
    before the issuer's first publication is labelled by the same name.
    """
    if "name" not in records.columns:
        return pd.Series(dtype=object)
    named = records[records["name"].notna() & (records["name"].astype(str) != "")]
    named = named.sort_values(["issuer_id", "year", "published_on", "source_row"], kind="stable",
                              na_position="first")
    return named.groupby("issuer_id", sort=True)["name"].last().astype(str)


def build_contributions(holdings: pd.DataFrame, issuers: RecordTimeline, settings: Settings,
                        countries: RecordTimeline | None = None) -> pd.DataFrame:
    """The contributions table for every holding and snapshot, sorted by (as_of, holding_id).

    Extensions join in when present: look-through children (holdings with a
    `parent_holding_id` column, see `portfolio.engine.lookthrough`), sector proxies
    (`gaps = "proxy"`) and sovereign records (`countries`).
    """
    holdings = holdings.take(np.argsort(line_keys(holdings), kind="stable")).reset_index(drop=True)
    records = issuers.records
    record_at = record_positions(holdings, issuers)
    has_record = record_at != NO_RECORD

    def from_record(column: str) -> np.ndarray:
        return gather(records[column].to_numpy(dtype="float64", na_value=np.nan), record_at, np.nan)

    value = holdings["market_value_eur"].to_numpy(dtype="float64")
    evic = from_record("evic_eur")
    revenue = from_record("revenue_eur")
    emissions = gather(configured_emissions(records, settings.scopes), record_at, np.nan)
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
        "record_published_on": gather(records["published_on"].to_numpy(dtype="datetime64[s]"), record_at,
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
        "issuer_name": _issuer_name(holdings["issuer_id"], issuer_names(records)),
    }, copy=False)  # not copied into one block per dtype: no column is changed in place (`_replaced`)
    columns = list(CONTRIBUTION_COLUMNS)
    if "parent_holding_id" in holdings.columns:
        child = (holdings["parent_holding_id"] != "").to_numpy()
        frame["health"] = frame["health"].to_numpy() & ~child
        frame["territorial"] = frame["territorial"].to_numpy() & ~child
        frame["parent_holding_id"] = holdings["parent_holding_id"]
        frame["lookthrough_weight"] = holdings["lookthrough_weight"].to_numpy(dtype="float64")
        columns += ["parent_holding_id", "lookthrough_weight"]
    if settings.gaps == "proxy":
        frame["estimated"] = _apply_proxies(frame, holdings)
        columns.append("estimated")
    if countries is not None:
        sovereign = sovereign_exposure(frame, countries)
        frame[sovereign.columns] = sovereign
        columns += list(sovereign.columns)
    frame["reason"] = _reasons(frame, has_record, holdings.get("lookthrough"), settings.scopes)
    return frame[columns]


def _apply_proxies(frame: pd.DataFrame, holdings: pd.DataFrame) -> np.ndarray:
    """Estimate uncovered eligible lines (and funds without composition) in place; return the mask."""
    covered = frame["covered"].to_numpy()
    unlooked_fund = (frame["asset_class"] == "fund").to_numpy()
    if "lookthrough" in holdings.columns:
        unlooked_fund = unlooked_fund & ~holdings["lookthrough"].to_numpy(dtype=bool)  # pandas arrays are read-only
    candidates = ~covered & (frame["eligible"].to_numpy() | unlooked_fund)
    reported = frame.loc[covered]
    averages = sector_averages(pd.DataFrame({
        "as_of": reported["as_of"], "issuer_id": reported["issuer_id"], "sector": reported["sector"].astype("str"),
        "emissions": reported["emissions_tco2e"], "evic": reported["evic_eur"], "revenue": reported["revenue_eur"],
    }))
    lines = frame.loc[candidates]
    estimates = estimate(pd.DataFrame({
        "as_of": lines["as_of"], "sector": lines["sector"].astype("str"), "value": lines["market_value_eur"],
        "evic": lines["evic_eur"], "revenue": lines["revenue_eur"],
    }), averages)
    done = estimates["quality"].notna()
    at = frame.index.get_indexer(estimates.index[done])
    frame["emissions_tco2e"] = _replaced(frame["emissions_tco2e"], at, estimates.loc[done, "emissions"])
    financed = estimates.loc[done, "financed"]
    frame["financed_emissions_tco2e"] = _replaced(frame["financed_emissions_tco2e"], at, financed)
    frame["data_quality"] = _replaced(frame["data_quality"], at, estimates.loc[done, "quality"].astype("int64"))
    frame["eligible"] = _replaced(frame["eligible"], at, True)  # a proxied fund line enters Ve so that Vc <= Ve
    frame["covered"] = _replaced(frame["covered"], at, True)
    frame["waci_covered"] = frame["eligible"].to_numpy() & frame["emissions_tco2e"].notna().to_numpy() \
        & (frame["revenue_eur"].to_numpy() > 0)
    estimated = np.zeros(len(frame), dtype=bool)
    estimated[at] = True
    return estimated


def _replaced(column: pd.Series, at: np.ndarray, values: object) -> pd.api.extensions.ExtensionArray:
    """A copy of the column's values with the cells at positions `at` replaced: columns are never written in place.

    The contributions frame shares the arrays it was built from (some are
    read-only views of the holdings), so a change makes a new column.
    """
    replaced = column.array.copy()
    replaced[at] = np.asarray(values)
    return replaced



def _issuer_name(issuer_ids: pd.Series, names: pd.Series) -> pd.Series:
    """Each line's issuer name ('' when none), looked up by hash and laid out by Arrow (no Python string per line)."""
    known = pa.array([*names.astype(str).tolist(), ""], pa.large_string())
    found = names.index.get_indexer(issuer_ids)
    return pd.Series(pd.array(known.take(pa.array(np.where(found < 0, len(names), found))), dtype="str"),
                     index=issuer_ids.index)


def _gather_text(values: pd.Series, positions: np.ndarray) -> pd.Categorical:
    """A text column of the records for each line, as a categorical (cheap to take); '' without a record."""
    codes, categories = pd.factorize(values.fillna(""))
    categories = pd.Index(categories, dtype="str")  # as read back from a spilled chunk (Arrow text)
    if "" not in categories:
        categories = categories.append(pd.Index([""], dtype="str"))
    empty = categories.get_loc("")
    return pd.Categorical.from_codes(gather(codes, positions, empty), categories=categories)



def _health(purpose: pd.Series, health_purposes: Sequence[str]) -> np.ndarray:
    """A line serves health when at least one of its purpose tags is a configured health purpose."""
    wanted = set(health_purposes)
    return by_distinct_value(purpose, lambda tags: bool(set(str(tags).split("|")) & wanted)) \
        .fillna(False).astype(bool).to_numpy()


def gap_masks(contributions: pd.DataFrame, scopes: Sequence[int],
              has_record: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """For each data-gap reason, the lines of an eligible asset class it applies to.

    Read from the reported figures (scopes, EVIC, revenue), so that a proxy
    estimate never hides the gap it fills.
    """
    eligible = contributions["asset_class"].isin(ELIGIBLE_ASSET_CLASSES).to_numpy()
    if has_record is None:
        has_record = contributions["record_year"].notna().to_numpy()
    no_id = eligible & (contributions["issuer_id"] == "").to_numpy()
    no_record = eligible & ~no_id & ~has_record
    with_record = eligible & has_record
    reported = np.ones(len(contributions), dtype=bool)
    for scope in scopes:
        reported &= contributions[f"scope{scope}_tco2e"].notna().to_numpy()
    return {
        MISSING_ISSUER_ID: no_id,
        NO_RECORD_REASON: no_record,
        MISSING_SCOPE: with_record & ~reported,
        MISSING_EVIC: with_record & ~(contributions["evic_eur"].to_numpy() > 0),
        MISSING_REVENUE: with_record & reported & ~(contributions["revenue_eur"].to_numpy() > 0),
    }


def _reasons(frame: pd.DataFrame, has_record: np.ndarray, looked_through: pd.Series | None,
             scopes: Sequence[int]) -> pd.api.extensions.ExtensionArray:
    """`|`-joined reasons a line is uncovered, empty when covered; built once per distinct combination."""
    covered = frame["covered"].to_numpy()
    masks = {reason: mask & ~covered for reason, mask in gap_masks(frame, scopes, has_record).items()}
    fund_line = np.zeros(len(frame), dtype=bool) if looked_through is None else looked_through.to_numpy(dtype=bool)
    coverage_reasons = [LOOKED_THROUGH, NOT_ELIGIBLE, MISSING_ISSUER_ID, NO_RECORD_REASON, MISSING_SCOPE, MISSING_EVIC]
    flags = [fund_line, ~frame["eligible"].to_numpy() & ~fund_line & ~covered] \
        + [masks[r] for r in coverage_reasons[2:]]
    bits = np.zeros(len(frame), dtype=np.int64)
    for position, flag in enumerate(flags):
        bits |= flag.astype(np.int64) << position
    labels = {
        combination: "|".join(r for p, r in enumerate(coverage_reasons) if combination >> p & 1)
        for combination in np.unique(bits).tolist()
    }
    codes, uniques = pd.factorize(bits)
    # text taken from the few distinct labels in Arrow: no Python string object per line
    text = pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)),
                                          pa.array([labels[u] for u in uniques.tolist()], pa.large_string()))
    return pd.array(text.cast(pa.large_string()), dtype="str")

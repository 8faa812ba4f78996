"""The temperature rating: CDP-WWF Temperature Rating Methodology v1, as the SBTi finance tool applies it.

Company targets -> one target per box (issuer, time frame, scope) -> annual
reduction rate -> the regression of model 4 on IPCC SR15 scenarios -> a
temperature per company, scope and time frame (3.2 °C by default) -> a
portfolio figure per weighting (WATS, TETS, ECOTS, ROTS, MOTS, AOTS). The
data contract ("Extension: temperature rating") fixes every rule; this
module follows it step by step, and its four departures from the tool
(one row per issuer, not per line; issuers lacking a weighting's data left
out and counted in coverage_ratio; each scope weighted by its own emissions;
S = 0 taking the S1+S2 box) are deliberate.

Design: the tool validates and scores target by target, in Python; here
each rule is one set-based step over every (snapshot, issuer, target) row
at once (a merge, a mask, a sort-and-take-first per group), so the whole
targets file goes through a handful of vectorised steps. File order is
carried as a column and every tie is broken by it, so the result does not
depend on how pandas orders equal keys. Portfolio sums run in a fixed row
order (`np.bincount`), so reruns give the same bits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from esg_scores import select_records
from portfolio.engine.exposure import ELIGIBLE_ASSET_CLASSES
from portfolio.engine.kernel import attributed, share
from portfolio.engine.record_join import gather
from portfolio.engine.metrics import perimeter_masks
from portfolio.engine.names import PERIMETERS
from portfolio.settings import TEMPERATURE_METHODS

METHODOLOGY = "CDP-WWF Temperature Rating v1 (SBTi finance tool 1.3.1 rules)"
REGRESSION_MODEL = 4
DEFAULT_SCORE_C = 3.2  # the tool's fallback score, for a box without a usable target
FLOOR_C = 0.0  # the tool's TEMPERATURE_FLOOR
FULL_COVERAGE = {"S1+S2": 0.95, "S3": 0.67}  # below this boundary coverage the ambition is scaled down
SCOPE3_MATERIALITY = 0.4  # E3 / (E12 + E3) below this: the S1+S2+S3 score is the S1+S2 score
TIME_FRAME_LIMITS = (("short", 4), ("mid", 15), ("long", 30))  # years from Y to end_year, at most
SLOPES = {"short": "slope5", "mid": "slope15", "long": "slope30"}
TIME_FRAMES = ("short", "mid", "long")
BOX_SCOPES = ("S1+S2", "S3")
SCOPES = ("S1+S2", "S3", "S1+S2+S3")
METHODS = TEMPERATURE_METHODS
# The company value each owned-emissions weighting divides by (EOTS, EV without cash, is not offered).
METHOD_VALUES = {"ECOTS": "evic_eur", "ROTS": "revenue_eur", "MOTS": "market_cap_eur", "AOTS": "total_assets_eur"}

KYOTO, ENERGY_CO2 = "Emissions|Kyoto Gases", "Emissions|CO2|Energy and Industrial Processes"
INTENSITY_VARIABLES = {"revenue": "INT.emKyoto_gdp", "product": "INT.emKyoto_gdp", "cement": "INT.emKyoto_gdp",
                       "steel": "INT.emKyoto_gdp", "aluminum": "INT.emKyoto_gdp", "oil": "INT.emCO2EI_PE",
                       "power": "INT.emCO2EI_elecGen"}
ENERGY_ISIC_PREFIXES = ("C23", "C24", "D35")  # absolute S1+S2 targets of these ISIC groups: energy CO2

# Why a target is not used at a snapshot (warnings.csv), in the order step 1 tests them, then later steps.
INTENSITY_METRIC = "target_intensity_metric"
ACHIEVED = "target_achieved"
START_NOT_BEFORE_END = "target_start_not_before_end"
EXPIRED = "target_expired"
BASE_EMISSIONS_MISSING = "target_base_emissions_missing"
NOT_SPLITTABLE = "target_not_splittable"
BASE_EMISSIONS_ZERO = "target_base_emissions_zero"
BEYOND_30_YEARS = "target_beyond_30_years"
TARGET_REASONS = (INTENSITY_METRIC, ACHIEVED, START_NOT_BEFORE_END, EXPIRED, BASE_EMISSIONS_MISSING,
                  NOT_SPLITTABLE, BASE_EMISSIONS_ZERO, BEYOND_30_YEARS)

COMPANY_COLUMNS = ["as_of", "issuer_id", "scope", "time_frame", "temperature_c", "default_share", "from_default",
                   "target_id", "target_type", "sr15_variable", "annual_reduction_rate", "sbti_validated",
                   "ghg_s1s2_tco2e", "ghg_s3_tco2e"]
PORTFOLIO_COLUMNS = ["as_of", "perimeter", "method", "scope", "time_frame", "temperature_c", "default_share",
                     "issuers", "coverage_ratio"]


@dataclass
class TemperatureRating:
    """The rating of one run: company scores, portfolio scores, why targets went unused, and (for the
    report) each issuer's pull on the listed-yield temperature at the latest snapshot."""

    company: pd.DataFrame
    portfolio: pd.DataFrame
    warnings: pd.DataFrame
    contributions: pd.DataFrame


def rate_temperature(contributions: pd.DataFrame, records: pd.DataFrame, targets: pd.DataFrame,
                     regression: pd.DataFrame, lag_months: int, method: str = "WATS") -> TemperatureRating:
    """Company and portfolio temperatures for every snapshot of `contributions`.

    `records` are the issuer records (after FX conversion), `targets` the
    validated targets table, `regression` the bundled regression table
    (`variable, slope, param, intercept`, model 4 rows); `method` is the
    weighting whose issuer contributions the report shows (no CSV depends on it).
    """
    snapshots = pd.DatetimeIndex(np.unique(contributions["as_of"].to_numpy(dtype="datetime64[s]")))
    lines = temperature_lines(contributions)
    pairs, values = issuer_values(lines)
    pairs = issuer_figures(pairs, records, lag_months)
    candidates = targets_at(pairs, targets)
    boxes, warnings = choose_boxes(candidates)
    company = company_scores(pairs, score_boxes(boxes, pairs, regression))
    portfolio = portfolio_scores(company, pairs, values, snapshots)
    return TemperatureRating(company=company[COMPANY_COLUMNS].reset_index(drop=True), portfolio=portfolio,
                             warnings=warnings, contributions=issuer_contributions(company, pairs, values, method))


# ---------------------------------------------------------------- the temperature portfolio

def temperature_lines(contributions: pd.DataFrame) -> pd.DataFrame:
    """Eligible lines with an issuer_id (look-through children, not their fund line), with perimeter flags."""
    keep = contributions["asset_class"].isin(ELIGIBLE_ASSET_CLASSES).to_numpy() \
        & (contributions["issuer_id"] != "").to_numpy()
    masks = perimeter_masks(contributions)
    return pd.DataFrame({
        "as_of": contributions["as_of"].to_numpy()[keep],
        "issuer_id": contributions["issuer_id"].to_numpy(dtype=object)[keep],
        "value": contributions["market_value_eur"].to_numpy(dtype="float64")[keep],
        **{perimeter: masks[perimeter][keep] for perimeter in PERIMETERS},
    })


def issuer_values(lines: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The (snapshot, issuer) pairs of `total`, sorted, and each pair's value v_i and membership per perimeter.

    Values are summed in the lines' order (as_of, holding_id), one sequential pass per perimeter.
    """
    date_codes, dates = pd.factorize(lines["as_of"], sort=True)
    issuer_codes, issuers = pd.factorize(lines["issuer_id"], sort=True)
    pair_of_line, pair_codes = pd.factorize(date_codes.astype(np.int64) * len(issuers) + issuer_codes, sort=True)
    pairs = pd.DataFrame({"as_of": np.asarray(dates, dtype="datetime64[s]")[pair_codes // len(issuers)],
                          "issuer_id": np.asarray(issuers, dtype=object)[pair_codes % len(issuers)]})
    count = len(pairs)
    value = lines["value"].to_numpy()
    columns = {}
    for perimeter in PERIMETERS:
        inside = lines[perimeter].to_numpy(dtype=bool)
        columns[f"v_{perimeter}"] = np.bincount(pair_of_line, weights=np.where(inside, value, 0.0), minlength=count)
        columns[f"in_{perimeter}"] = np.bincount(pair_of_line, weights=inside, minlength=count) > 0
    return pairs, pd.DataFrame(columns)


def issuer_figures(pairs: pd.DataFrame, records: pd.DataFrame, lag_months: int) -> pd.DataFrame:
    """Each pair's record at D (the record rule): E12, E3, company values and ISIC; unknown as NaN / ''."""
    position = select_records(records, pairs, lag_months)

    def figure(column: str) -> np.ndarray:
        if column not in records.columns:
            return np.full(len(pairs), np.nan)
        return gather(records[column].to_numpy(dtype="float64", na_value=np.nan), position, np.nan)

    def company_value(column: str) -> np.ndarray:
        amount = figure(column)
        return np.where(amount > 0, amount, np.nan)  # 0 or empty: unknown

    isic = records["isic"].fillna("").to_numpy(dtype=object) if "isic" in records.columns \
        else np.full(len(records), "", dtype=object)
    return pairs.assign(
        year=pairs["as_of"].dt.year.to_numpy(),
        e12=figure("scope1_tco2e") + figure("scope2_tco2e"),
        e3=figure("scope3_tco2e"),
        **{column: company_value(column) for column in METHOD_VALUES.values()},
        isic=gather(isic, position, ""),
    )


# ---------------------------------------------------------------- company scores, steps 1 to 7

def targets_at(pairs: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Every (pair, target) row of the targets of D of the pair's issuer, in (pair, file order)."""
    table = targets.assign(order=np.arange(len(targets)),
                           start=targets["start_year"].fillna(targets["base_year"]).astype("int64"),
                           base_year=targets["base_year"].astype("int64"),
                           end_year=targets["end_year"].astype("int64"))
    joined = pairs[["as_of", "issuer_id", "year"]].reset_index(names="pair").merge(table, on="issuer_id")
    published = joined["published_on"]
    joined = joined[(published.isna() | (published <= joined["as_of"])).to_numpy()]
    return joined.sort_values(["pair", "order"], kind="stable", ignore_index=True)


def choose_boxes(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Steps 1 to 7: drop, split, combine, convert, scale by coverage, time frame, one target per box.

    Returns the chosen target per (pair, time_frame, scope) with its coverage
    `c` and ambition `a` after every step, and one warning row per unused
    target and reason.
    """
    dropped = drop_reasons(rows)
    warnings = [_warnings(rows, dropped)]
    kept = rows[dropped == ""]
    parts, unsplittable = split_s1s2s3(kept)
    warnings.append(_warnings(unsplittable, NOT_SPLITTABLE))
    parts = combine_s1_s2(parts)
    zero = parts["scope"].isin(["S1", "S2"]).to_numpy() & (parts["g1"] + parts["g2"] == 0).to_numpy()
    warnings.append(_warnings(parts[zero], BASE_EMISSIONS_ZERO))
    parts = convert_s1_s2(parts[~zero])
    parts = parts.assign(a=np.where(parts["c"] < parts["scope"].map(FULL_COVERAGE), parts["a"] * parts["c"],
                                    parts["a"]))
    horizon = (parts["end_year"] - parts["year"]).to_numpy()
    time_frame = np.select([horizon <= limit for _, limit in TIME_FRAME_LIMITS],
                           [name for name, _ in TIME_FRAME_LIMITS], default="")
    warnings.append(_warnings(parts[time_frame == ""], BEYOND_30_YEARS))
    parts = parts.assign(time_frame=time_frame)[time_frame != ""]
    chosen = parts.assign(intensity=(parts["target_type"] != "absolute")).sort_values(
        ["pair", "time_frame", "scope", "c", "end_year", "base_year", "intensity", "a", "order"],
        ascending=[True, True, True, False, False, False, True, False, True], kind="stable")
    chosen = chosen.drop_duplicates(["pair", "time_frame", "scope"], keep="first")
    return chosen, _sorted_warnings(pd.concat(warnings, ignore_index=True))


def drop_reasons(rows: pd.DataFrame) -> np.ndarray:
    """Step 1: the first reason that applies to each row, '' when the target is kept."""
    intensity = (rows["target_type"] == "intensity").to_numpy()
    g_missing = rows["base_year_ghg_s1"].isna().to_numpy() | rows["base_year_ghg_s2"].isna().to_numpy()
    conditions = [
        intensity & rows["intensity_metric"].isin(["", "other"]).to_numpy(),
        (rows["achieved_reduction"].fillna(0.0) >= 1).to_numpy(),
        (rows["start"] >= rows["end_year"]).to_numpy(),
        (rows["end_year"] < rows["year"]).to_numpy(),
        rows["scope"].isin(["S1", "S2"]).to_numpy() & g_missing,
    ]
    reasons = [INTENSITY_METRIC, ACHIEVED, START_NOT_BEFORE_END, EXPIRED, BASE_EMISSIONS_MISSING]
    return np.select(conditions, reasons, default="").astype(object)


def split_s1s2s3(kept: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Step 2: S1+S2+S3 targets become an S1+S2 part and an S3 part; other targets pass with their coverage `c`.

    Adds `c` (the coverage step 5 and 7 read), `a` (the ambition), `g1`,
    `g2` and `part` (0, or 1 for an S3 part, so that parts keep their row's
    place). Returns the parts and the S1+S2+S3 rows without an S1+S2 part.
    """
    scope = kept["scope"].to_numpy()
    c1, c2, c3 = (kept[f"coverage_s{s}"].to_numpy(dtype="float64") for s in (1, 2, 3))
    g1, g2 = (kept[f"base_year_ghg_s{s}"].to_numpy(dtype="float64") for s in (1, 2))
    own = {"S1": c1, "S2": c2, "S1+S2": c1, "S3": c3}
    coverage = np.select([scope == name for name in own], list(own.values()), default=np.nan)
    base = kept.assign(c=coverage, a=kept["reduction_ambition"].to_numpy(dtype="float64"), g1=g1, g2=g2, part=0)
    whole = scope == "S1+S2+S3"
    both = ~np.isnan(g1) & ~np.isnan(g2)
    splittable = both | (c1 == c2)
    with np.errstate(divide="ignore", invalid="ignore"):
        weighted = np.where(both & (g1 + g2 != 0), (c1 * g1 + c2 * g2) / (g1 + g2), c1)
    s12 = base[whole & splittable].assign(scope="S1+S2", c=weighted[whole & splittable])
    s3 = base[whole & ~np.isnan(c3)].assign(scope="S3", c=c3[whole & ~np.isnan(c3)], part=1)
    parts = pd.concat([base[~whole], s12, s3], ignore_index=True)
    return parts.sort_values(["pair", "order", "part"], kind="stable", ignore_index=True), kept[whole & ~splittable]


MATCH_KEY = ["pair", "base_year", "start", "end_year", "target_type", "intensity_metric"]


def combine_s1_s2(parts: pd.DataFrame) -> pd.DataFrame:
    """Step 3: each S1 target with the best matching S2 target (as given) becomes an S1+S2 target.

    The best S2 target of a match key: highest coverage_s2, then highest
    ambition, then earliest row. The S2 target stays a target of its own.
    """
    s2 = parts[parts["scope"] == "S2"].sort_values(MATCH_KEY + ["c", "a", "order"],
                                                   ascending=[True] * len(MATCH_KEY) + [False, False, True],
                                                   kind="stable")
    best = s2.drop_duplicates(MATCH_KEY, keep="first")[MATCH_KEY + ["c", "a", "g2"]]
    s1 = (parts["scope"] == "S1").to_numpy()
    matched = parts.loc[s1, MATCH_KEY].merge(best, on=MATCH_KEY, how="left", suffixes=("", "_s2"))
    c1, a1, g1 = (parts.loc[s1, column].to_numpy() for column in ("c", "a", "g1"))
    c2, a2, g2 = (matched[column].to_numpy(dtype="float64") for column in ("c", "a", "g2"))
    total, weight = g1 + g2, c1 * g1 + c2 * g2
    combined = ~np.isnan(c2) & (total != 0) & (weight != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage = np.where(combined, weight / total, c1)
        ambition = np.where(combined, (a1 * c1 * g1 + a2 * c2 * g2) / weight, a1)
    parts = parts.copy()
    rows = np.flatnonzero(s1)
    parts.loc[rows, "c"] = coverage
    parts.loc[rows, "a"] = ambition
    parts.loc[rows[combined], "scope"] = "S1+S2"
    return parts


def convert_s1_s2(parts: pd.DataFrame) -> pd.DataFrame:
    """Step 4: every other S1 or S2 target counts as S1+S2 with its share of base-year S1+S2 emissions."""
    single = parts["scope"].isin(["S1", "S2"]).to_numpy()
    own = np.where(parts["scope"] == "S1", parts["g1"], parts["g2"])
    with np.errstate(divide="ignore", invalid="ignore"):
        converted = parts["c"].to_numpy() * own / (parts["g1"] + parts["g2"]).to_numpy()
    return parts.assign(c=np.where(single, converted, parts["c"]),
                        scope=np.where(single, "S1+S2", parts["scope"]).astype(object))


def _warnings(rows: pd.DataFrame, reason: str | np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame({"as_of": rows["as_of"].to_numpy(), "holding_id": "",
                          "issuer_id": rows["issuer_id"].to_numpy(dtype=object),
                          "reason": reason,
                          "detail": "target_id=" + rows["target_id"].astype("str").to_numpy(dtype=object)})
    return frame[frame["reason"] != ""]


def _sorted_warnings(warnings: pd.DataFrame) -> pd.DataFrame:
    """One row per snapshot, target and reason, by (as_of, reason, issuer_id, detail)."""
    warnings = warnings.drop_duplicates(["as_of", "issuer_id", "reason", "detail"])
    return warnings.sort_values(["as_of", "reason", "issuer_id", "detail"], kind="stable", ignore_index=True)


# ---------------------------------------------------------------- company scores, steps 8 to 10

def score_boxes(boxes: pd.DataFrame, pairs: pd.DataFrame, regression: pd.DataFrame) -> pd.DataFrame:
    """Step 8 for the boxes with a target: SR15 variable, annual reduction rate, unrounded temperature."""
    isic = pairs["isic"].to_numpy(dtype=object)[boxes["pair"].to_numpy()]
    energy = pd.Series(isic).str[:3].isin(ENERGY_ISIC_PREFIXES).to_numpy()
    intensity = (boxes["target_type"] == "intensity").to_numpy()
    absolute_variable = np.where(energy & (boxes["scope"] == "S1+S2").to_numpy(), ENERGY_CO2, KYOTO)
    variable = np.where(intensity, boxes["intensity_metric"].map(INTENSITY_VARIABLES).to_numpy(dtype=object),
                        absolute_variable)
    table = regression.assign(time_frame=regression["slope"].map({v: k for k, v in SLOPES.items()}))
    scored = boxes.assign(sr15_variable=variable).merge(
        table[["variable", "time_frame", "param", "intercept"]].rename(columns={"variable": "sr15_variable"}),
        on=["sr15_variable", "time_frame"], how="left", validate="many_to_one")
    rate = scored["a"].to_numpy() / (scored["end_year"] - scored["base_year"]).to_numpy(dtype="float64")
    temperature = np.maximum(scored["param"].to_numpy() * rate * 100 + scored["intercept"].to_numpy(), FLOOR_C)
    return scored.assign(annual_reduction_rate=rate, t=temperature)


def company_scores(pairs: pd.DataFrame, scored: pd.DataFrame) -> pd.DataFrame:
    """Steps 8 to 10 on the full grid: 9 rows per pair, sorted by the file's key."""
    count = len(pairs)
    grid = pd.DataFrame({
        "pair": np.repeat(np.arange(count), len(TIME_FRAMES) * len(BOX_SCOPES)),
        "time_frame": np.tile(np.repeat(TIME_FRAMES, len(BOX_SCOPES)), count),
        "scope": np.tile(BOX_SCOPES, len(TIME_FRAMES) * count),
    })
    target_columns = ["target_id", "target_type", "sr15_variable", "annual_reduction_rate", "sbti_validated", "t"]
    boxes = grid.merge(scored[["pair", "time_frame", "scope", *target_columns]],
                       on=["pair", "time_frame", "scope"], how="left", validate="one_to_one")
    has_target = boxes["t"].notna().to_numpy()
    boxes["t"] = np.where(has_target, boxes["t"], DEFAULT_SCORE_C)
    boxes["default_share"] = np.where(has_target, 0.0, 1.0)
    whole = total_scope_scores(boxes, pairs)
    scores = pd.concat([boxes, whole], ignore_index=True)
    pair = scores["pair"].to_numpy()
    scores["as_of"] = pairs["as_of"].to_numpy()[pair]
    scores["issuer_id"] = pairs["issuer_id"].to_numpy(dtype=object)[pair]
    scores["ghg_s1s2_tco2e"] = pairs["e12"].to_numpy()[pair]
    scores["ghg_s3_tco2e"] = pairs["e3"].to_numpy()[pair]
    scores["temperature_c"] = round_temperature(scores["t"].to_numpy())
    scores["from_default"] = scores["default_share"].to_numpy() == 1
    scores["target_type"] = scores["target_type"].fillna("")
    scores["target_id"] = scores["target_id"].fillna("")
    scores["sr15_variable"] = scores["sr15_variable"].fillna("")
    scores["sbti_validated"] = scores["sbti_validated"].astype("boolean")
    return scores.sort_values(["as_of", "issuer_id", "scope", "time_frame"], kind="stable", ignore_index=True)


def round_temperature(t: np.ndarray) -> np.ndarray:
    """Step 10: `rint(T * 100) / 100`, half to even on the double T * 100 (2.685 -> 2.68, as pandas `round(2)`)."""
    return np.rint(t * 100) / 100


def total_scope_scores(boxes: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Step 9: the S1+S2+S3 box from the unrounded S1+S2 and S3 boxes, weighted by E12 and E3."""
    s12 = boxes[boxes["scope"] == "S1+S2"].sort_values(["pair", "time_frame"], kind="stable")
    s3 = boxes[boxes["scope"] == "S3"].sort_values(["pair", "time_frame"], kind="stable")
    pair = s12["pair"].to_numpy()
    e12, e3 = pairs["e12"].to_numpy()[pair], pairs["e3"].to_numpy()[pair]
    t12, d12 = s12["t"].to_numpy(), s12["default_share"].to_numpy()
    t3, d3 = s3["t"].to_numpy(), s3["default_share"].to_numpy()
    total = e12 + e3
    unknown = np.isnan(total)
    only_s12 = ~unknown & ((total == 0) | (e3 / np.where(total == 0, 1.0, total) < SCOPE3_MATERIALITY))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.select([unknown, only_s12], [DEFAULT_SCORE_C, t12], default=(t12 * e12 + t3 * e3) / total)
        d = np.select([unknown, only_s12], [1.0, d12], default=(d12 * e12 + d3 * e3) / total)
    return pd.DataFrame({"pair": pair, "time_frame": s12["time_frame"].to_numpy(), "scope": "S1+S2+S3",
                         "t": t, "default_share": d})


# ---------------------------------------------------------------- portfolio scores

def portfolio_scores(company: pd.DataFrame, pairs: pd.DataFrame, values: pd.DataFrame,
                     snapshots: pd.DatetimeIndex) -> pd.DataFrame:
    """216 rows per snapshot: every perimeter x method x scope x time frame, sorted by the file's key."""
    snapshot = snapshots.get_indexer(pairs["as_of"])
    boxes = _boxes(company, len(pairs))
    parts = []
    for perimeter in PERIMETERS:
        inside = values[f"in_{perimeter}"].to_numpy()
        value, codes = values[f"v_{perimeter}"].to_numpy()[inside], snapshot[inside]
        held = np.bincount(codes, weights=value, minlength=len(snapshots))
        for scope in SCOPES:
            weights = method_weights(pairs[inside], value, scope)
            for time_frame in TIME_FRAMES:
                t, d = (boxes[(scope, time_frame, column)][inside] for column in ("temperature_c", "default_share"))
                for method in METHODS:
                    parts.append(_weighted(snapshots, codes, weights[method], t, d, value, held)
                                 .assign(perimeter=perimeter, method=method, scope=scope, time_frame=time_frame))
    table = pd.concat(parts, ignore_index=True)
    return table.sort_values(["as_of", "perimeter", "method", "scope", "time_frame"], kind="stable",
                             ignore_index=True)[PORTFOLIO_COLUMNS]


def method_weights(pairs: pd.DataFrame, value: np.ndarray, scope: str) -> dict[str, np.ndarray]:
    """w_i of every weighting for one scope; NaN where the issuer is left out (its e_i or company value unknown)."""
    e = {"S1+S2": pairs["e12"].to_numpy(), "S3": pairs["e3"].to_numpy(),
         "S1+S2+S3": (pairs["e12"] + pairs["e3"]).to_numpy()}[scope]
    weights = {"WATS": value, "TETS": e}
    for method, column in METHOD_VALUES.items():
        weights[method] = attributed(value, pairs[column].to_numpy(), e)
    return weights


def issuer_contributions(company: pd.DataFrame, pairs: pd.DataFrame, values: pd.DataFrame, method: str,
                         perimeter: str = "listed_yield") -> pd.DataFrame:
    """At the latest snapshot, each kept issuer's pull on the portfolio temperature, per scope and time frame.

    contribution_c = w_i * (T_i - T) / sum(w): positive for issuers that
    raise the portfolio figure T; they sum to 0. For the report.
    """
    columns = ["as_of", "issuer_id", "scope", "time_frame", "weight_share", "temperature_c", "default_share",
               "contribution_c"]
    inside = values[f"in_{perimeter}"].to_numpy() & (pairs["as_of"] == pairs["as_of"].max()).to_numpy()
    boxes = _boxes(company, len(pairs))
    parts = []
    for scope in SCOPES:
        w = method_weights(pairs[inside], values[f"v_{perimeter}"].to_numpy()[inside], scope)[method]
        kept = ~np.isnan(w)
        total = float(np.sum(w[kept]))
        for time_frame in TIME_FRAMES:
            t, d = (boxes[(scope, time_frame, column)][inside] for column in ("temperature_c", "default_share"))
            if total <= 0:
                continue
            weight_share = share(w[kept], total)
            portfolio = float(share(np.sum(w[kept] * t[kept]), total))
            parts.append(pd.DataFrame({
                "as_of": pairs["as_of"].to_numpy()[inside][kept],
                "issuer_id": pairs["issuer_id"].to_numpy(dtype=object)[inside][kept],
                "scope": scope, "time_frame": time_frame, "weight_share": weight_share, "temperature_c": t[kept],
                "default_share": d[kept], "contribution_c": weight_share * (t[kept] - portfolio)}))
    if not parts:
        return pd.DataFrame({column: pd.Series(dtype="float64") for column in columns})
    return pd.concat(parts, ignore_index=True)[columns]


def _boxes(company: pd.DataFrame, count: int) -> dict[tuple[str, str, str], np.ndarray]:
    """temperature_c and default_share of every (scope, time frame), laid out by pair position."""
    boxes = {}
    for scope in SCOPES:
        for time_frame in TIME_FRAMES:
            rows = company[(company["scope"] == scope).to_numpy() & (company["time_frame"] == time_frame).to_numpy()]
            for column in ("temperature_c", "default_share"):
                boxes[(scope, time_frame, column)] = _by_pair(rows, column, count)
    return boxes


def _by_pair(rows: pd.DataFrame, column: str, count: int) -> np.ndarray:
    """A column of company rows (one per pair) laid out by pair position."""
    out = np.full(count, np.nan)
    out[rows["pair"].to_numpy()] = rows[column].to_numpy(dtype="float64")
    return out


def _weighted(snapshots: pd.DatetimeIndex, codes: np.ndarray, w: np.ndarray, t: np.ndarray, d: np.ndarray,
              value: np.ndarray, held: np.ndarray) -> pd.DataFrame:
    """One weighting's figures per snapshot: weighted means of T and d, issuers kept, coverage of value."""
    count = len(snapshots)
    kept = ~np.isnan(w)
    w0 = np.where(kept, w, 0.0)

    def total(x: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=x, minlength=count)

    weight = total(w0)
    temperature, default_share = share(total(w0 * t), weight), share(total(w0 * d), weight)
    coverage = share(total(np.where(kept, value, 0.0)), held)
    return pd.DataFrame({"as_of": snapshots.to_numpy(), "temperature_c": temperature, "default_share": default_share,
                         "issuers": np.bincount(codes, weights=kept, minlength=count).astype("int64"),
                         "coverage_ratio": coverage})

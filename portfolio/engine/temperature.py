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
import pyarrow as pa
import pyarrow.compute as pc

from esg_scores import RecordTimeline
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
SCOPES = ("S1+S2", "S3", "S1+S2+S3")
GRID_SCOPES, GRID_TIME_FRAMES = tuple(sorted(SCOPES)), tuple(sorted(TIME_FRAMES))  # company rows, as the file sorts
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
# The portfolio rows' labels, sorted as the file sorts them: the figures are laid out on these axes.
PORTFOLIO_AXES = {"perimeter": tuple(sorted(PERIMETERS)), "method": tuple(sorted(METHODS)), "scope": GRID_SCOPES,
                  "time_frame": GRID_TIME_FRAMES}


@dataclass
class TemperatureRating:
    """The rating of one run: company scores, portfolio scores, why targets went unused, and (for the
    report) each issuer's pull on the listed-yield temperature at the latest snapshot."""

    company: pd.DataFrame
    portfolio: pd.DataFrame
    warnings: pd.DataFrame
    contributions: pd.DataFrame


@dataclass(frozen=True)
class HeldValues:
    """What the rating needs of the holdings: every snapshot, and each (snapshot, issuer) pair's values."""

    snapshots: pd.DatetimeIndex
    pairs: pd.DataFrame
    values: pd.DataFrame

    @classmethod
    def of(cls, contributions: pd.DataFrame) -> HeldValues:
        """The held values of a contributions table (or of one chunk of whole snapshots of it)."""
        pairs, values = issuer_values(temperature_lines(contributions))
        return cls(pd.DatetimeIndex(np.unique(contributions["as_of"].to_numpy(dtype="datetime64[s]"))), pairs, values)

    @classmethod
    def concat(cls, parts: list[HeldValues]) -> HeldValues:
        """The held values of consecutive chunks, as those of the whole table (pairs stay sorted)."""
        return cls(pd.DatetimeIndex(np.concatenate([part.snapshots.to_numpy() for part in parts])),
                   pd.concat([part.pairs for part in parts], ignore_index=True),
                   pd.concat([part.values for part in parts], ignore_index=True))


def rate_temperature(held: HeldValues, issuers: RecordTimeline, targets: pd.DataFrame,
                     regression: pd.DataFrame, method: str = "WATS") -> TemperatureRating:
    """Company and portfolio temperatures for every snapshot of `held` (see `HeldValues.of`).

    `records` are the issuer records (after FX conversion), `targets` the
    validated targets table, `regression` the bundled regression table
    (`variable, slope, param, intercept`, model 4 rows); `method` is the
    weighting whose issuer contributions the report shows (no CSV depends on it).
    """
    pairs, values = held.pairs, held.values
    pairs = issuer_figures(pairs, issuers)
    candidates = targets_at(pairs, targets)
    boxes, warnings = choose_boxes(candidates)
    company = company_scores(pairs, score_boxes(boxes, pairs, regression))
    grid = _grid(company, len(pairs))
    return TemperatureRating(company=company, portfolio=portfolio_scores(grid, pairs, values, held.snapshots),
                             warnings=warnings, contributions=issuer_contributions(grid, pairs, values, method))


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


def issuer_figures(pairs: pd.DataFrame, issuers: RecordTimeline) -> pd.DataFrame:
    """Each pair's record at D (the record rule): E12, E3, company values and ISIC; unknown as NaN / ''."""
    records = issuers.records
    position = issuers.select(pairs)

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

# The targets' columns steps 1 to 8 read (the rest, e.g. source, stays out of their many row copies).
RATED_COLUMNS = ("issuer_id", "target_id", "target_type", "intensity_metric", "scope", "coverage_s1", "coverage_s2",
                 "coverage_s3", "reduction_ambition", "base_year", "end_year", "base_year_ghg_s1", "base_year_ghg_s2",
                 "achieved_reduction", "sbti_validated", "published_on")


def targets_at(pairs: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Every (pair, target) row of the targets of D of the pair's issuer, in (pair, file order)."""
    table = targets[list(RATED_COLUMNS)].assign(
        order=np.arange(len(targets)), start=targets["start_year"].fillna(targets["base_year"]).astype("int64"),
        base_year=targets["base_year"].astype("int64"), end_year=targets["end_year"].astype("int64"))
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
    return best_per_box(parts), _sorted_warnings(pd.concat(warnings, ignore_index=True))


def best_per_box(parts: pd.DataFrame) -> pd.DataFrame:
    """Step 7: one target per box, with the box's company grid row `box` (`_box_positions`).

    Highest coverage, then latest end year, latest base year, absolute
    before intensity, highest ambition, earliest row: one `np.lexsort` on
    numbers (a descending key negated; NaN sorts last either way).
    """
    box = _box_positions(parts["pair"].to_numpy(), parts["scope"], parts["time_frame"])
    ranking = np.lexsort((parts["order"].to_numpy(), -parts["a"].to_numpy(),
                          (parts["target_type"] != "absolute").to_numpy(), -parts["base_year"].to_numpy(),
                          -parts["end_year"].to_numpy(), -parts["c"].to_numpy(), box))
    first = np.ones(len(ranking), dtype=bool)
    first[1:] = box[ranking][1:] != box[ranking][:-1]
    return parts.iloc[ranking[first]].assign(box=box[ranking[first]])


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
    ambition, then earliest row (an unknown coverage or ambition ranks last).
    The S2 target stays a target of its own. Match keys are numbered once;
    the best S2 of each is the first of one `np.lexsort`.
    """
    scope = parts["scope"].to_numpy(dtype=object)
    key = parts.groupby(MATCH_KEY, sort=False, dropna=False).ngroup().to_numpy()
    c, a, g1_all, g2_all = (parts[column].to_numpy(dtype="float64") for column in ("c", "a", "g1", "g2"))
    s2 = np.flatnonzero(scope == "S2")
    ranking = s2[np.lexsort((parts["order"].to_numpy()[s2], -a[s2], -c[s2], key[s2]))]
    first = np.ones(len(ranking), dtype=bool)
    first[1:] = key[ranking][1:] != key[ranking][:-1]
    best = np.full(len(parts) + 1, len(parts))  # by match key: its best S2 row, or the last slot (none)
    best[key[ranking[first]]] = ranking[first]
    rows = np.flatnonzero(scope == "S1")
    chosen = best[key[rows]]
    c1, a1, g1 = c[rows], a[rows], g1_all[rows]
    c2, a2, g2 = (np.append(values, np.nan)[chosen] for values in (c, a, g2_all))
    total, weight = g1 + g2, c1 * g1 + c2 * g2
    combined = ~np.isnan(c2) & (total != 0) & (weight != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage = np.where(combined, weight / total, c1)
        ambition = np.where(combined, (a1 * c1 * g1 + a2 * c2 * g2) / weight, a1)
    c, a, scope = c.copy(), a.copy(), scope.copy()
    c[rows], a[rows] = coverage, ambition
    scope[rows[combined]] = "S1+S2"
    return parts.assign(c=c, a=a, scope=scope)


def convert_s1_s2(parts: pd.DataFrame) -> pd.DataFrame:
    """Step 4: every other S1 or S2 target counts as S1+S2 with its share of base-year S1+S2 emissions."""
    single = parts["scope"].isin(["S1", "S2"]).to_numpy()
    own = np.where(parts["scope"] == "S1", parts["g1"], parts["g2"])
    with np.errstate(divide="ignore", invalid="ignore"):
        converted = parts["c"].to_numpy() * own / (parts["g1"] + parts["g2"]).to_numpy()
    return parts.assign(c=np.where(single, converted, parts["c"]),
                        scope=np.where(single, "S1+S2", parts["scope"]).astype(object))


def _warnings(rows: pd.DataFrame, reason: str | np.ndarray) -> pd.DataFrame:
    """One warning per row of `rows` with a reason ('' for none): its target is not used at that snapshot."""
    flagged = np.broadcast_to(np.asarray(reason, dtype=object) != "", len(rows))
    rows = rows[flagged]
    return pd.DataFrame({"as_of": rows["as_of"].to_numpy(), "holding_id": "",
                         "issuer_id": rows["issuer_id"].to_numpy(dtype=object),
                         "reason": np.broadcast_to(reason, flagged.shape)[flagged],
                         "detail": "target_id=" + rows["target_id"].astype("str").to_numpy(dtype=object)})


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
    """Steps 8 to 10 on the full grid: 9 rows per pair, in the file's key order (`_box_positions`)."""
    count = len(pairs)
    shape = (count, len(GRID_SCOPES), len(GRID_TIME_FRAMES))
    rows = np.full(int(np.prod(shape)), -1)  # each grid row's scored box, -1 for a box without a target
    rows[scored["box"].to_numpy()] = np.arange(len(scored))
    t = np.asarray(scored["t"].array.take(rows, allow_fill=True), dtype="float64")
    has_target = ~np.isnan(t)
    t = np.where(has_target, t, DEFAULT_SCORE_C).reshape(shape)
    d = np.where(has_target, 0.0, 1.0).reshape(shape)
    whole, s12, s3 = (GRID_SCOPES.index(scope) for scope in ("S1+S2+S3", "S1+S2", "S3"))
    t[:, whole], d[:, whole] = total_scope_scores(t[:, s12], d[:, s12], t[:, s3], d[:, s3], pairs)
    t, d, pair = t.ravel(), d.ravel(), _axis_codes(shape, 0)
    return pd.DataFrame({
        "as_of": pairs["as_of"].to_numpy()[pair],
        "issuer_id": pairs["issuer_id"].array.take(pair),
        "scope": _labels(GRID_SCOPES, _axis_codes(shape, 1)),
        "time_frame": _labels(GRID_TIME_FRAMES, _axis_codes(shape, 2)),
        "temperature_c": round_temperature(t),
        "default_share": d,
        "from_default": d == 1,
        **{column: _take_text(scored[column], rows) for column in ("target_id", "target_type", "sr15_variable")},
        "annual_reduction_rate": scored["annual_reduction_rate"].array.take(rows, allow_fill=True),
        "sbti_validated": scored["sbti_validated"].astype("boolean").array.take(rows, allow_fill=True),
        "ghg_s1s2_tco2e": pairs["e12"].to_numpy()[pair],
        "ghg_s3_tco2e": pairs["e3"].to_numpy()[pair],
    }, columns=COMPANY_COLUMNS)


def _take_text(column: pd.Series, rows: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """`column`'s text at `rows`, '' where it is missing or the row is -1: one Arrow take, no string per row."""
    taken = pc.take(pa.array(column, type=pa.large_string(), from_pandas=True), pa.array(rows, mask=rows < 0))
    return pd.array(pc.fill_null(taken, ""), dtype="str")


def _box_positions(pair: np.ndarray, scope: pd.Series, time_frame: pd.Series) -> np.ndarray:
    """Row of each (pair, scope, time frame) in the company grid: pair by pair, scopes then time frames sorted.

    Pairs come sorted by (as_of, issuer_id), so this layout is the file's
    sort key (as_of, issuer_id, scope, time_frame) without sorting.
    """
    scope_code = pd.Index(GRID_SCOPES).get_indexer(scope)
    time_frame_code = pd.Index(GRID_TIME_FRAMES).get_indexer(time_frame)
    return (pair * len(GRID_SCOPES) + scope_code) * len(GRID_TIME_FRAMES) + time_frame_code


def _axis_codes(shape: tuple[int, ...], axis: int) -> np.ndarray:
    """Each element's index along `axis` when an array of `shape` is read in row-major order."""
    view = [1] * len(shape)
    view[axis] = shape[axis]
    return np.broadcast_to(np.arange(shape[axis]).reshape(view), shape).ravel()


def _labels(names: tuple[str, ...], codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """A text column `names[code]`, taken from the few names converted once (no Python string per row)."""
    return pd.array(list(names), dtype="str").take(codes)


def round_temperature(t: np.ndarray) -> np.ndarray:
    """Step 10: `rint(T * 100) / 100`, half to even on the double T * 100 (2.685 -> 2.68, as pandas `round(2)`)."""
    return np.rint(t * 100) / 100


def total_scope_scores(t12: np.ndarray, d12: np.ndarray, t3: np.ndarray, d3: np.ndarray,
                       pairs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Step 9: the S1+S2+S3 boxes' T and d from the unrounded S1+S2 and S3 boxes (pair x time frame), by E12 and E3."""
    e12, e3 = pairs["e12"].to_numpy()[:, None], pairs["e3"].to_numpy()[:, None]
    total = e12 + e3
    unknown = np.isnan(total)
    only_s12 = ~unknown & ((total == 0) | (e3 / np.where(total == 0, 1.0, total) < SCOPE3_MATERIALITY))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.select([unknown, only_s12], [DEFAULT_SCORE_C, t12], default=(t12 * e12 + t3 * e3) / total)
        d = np.select([unknown, only_s12], [1.0, d12], default=(d12 * e12 + d3 * e3) / total)
    return t, d


# ---------------------------------------------------------------- portfolio scores

def portfolio_scores(grid: dict[str, np.ndarray], pairs: pd.DataFrame, values: pd.DataFrame,
                     snapshots: pd.DatetimeIndex) -> pd.DataFrame:
    """216 rows per snapshot: every perimeter x method x scope x time frame, in the file's key order."""
    snapshot = snapshots.get_indexer(pairs["as_of"])
    shape = (len(snapshots), *(len(labels) for labels in PORTFOLIO_AXES.values()))
    figures = {}
    for perimeter in PERIMETERS:
        inside = values[f"in_{perimeter}"].to_numpy()
        value, codes, members = values[f"v_{perimeter}"].to_numpy()[inside], snapshot[inside], pairs[inside]
        held = np.bincount(codes, weights=value, minlength=len(snapshots))
        for scope in SCOPES:
            weights = method_weights(members, value, scope)
            scope_at = GRID_SCOPES.index(scope)
            t, d = (grid[column][inside, scope_at] for column in ("temperature_c", "default_share"))
            by_method = _weighted(len(snapshots), codes, np.stack([weights[method] for method in METHODS]), t, d,
                                  value, held)
            for row, method in enumerate(METHODS):
                at = (slice(None), PORTFOLIO_AXES["perimeter"].index(perimeter),
                      PORTFOLIO_AXES["method"].index(method), scope_at)
                for name, figure in by_method.items():
                    figures.setdefault(name, np.empty(shape, dtype=figure.dtype))[at] = figure[row]
    return _portfolio_table(snapshots, figures)


def _portfolio_table(snapshots: pd.DatetimeIndex, figures: dict[str, np.ndarray]) -> pd.DataFrame:
    """Figures by (snapshot, perimeter, method, scope, time frame) as rows: the sorted labels give the file's order."""
    shape = next(iter(figures.values())).shape
    columns = {"as_of": snapshots.to_numpy()[_axis_codes(shape, 0)]}
    for axis, (name, labels) in enumerate(PORTFOLIO_AXES.items(), start=1):
        columns[name] = _labels(labels, _axis_codes(shape, axis))
    columns.update({name: figure.ravel() for name, figure in figures.items()})
    return pd.DataFrame(columns, columns=PORTFOLIO_COLUMNS)


def method_weights(pairs: pd.DataFrame, value: np.ndarray, scope: str) -> dict[str, np.ndarray]:
    """w_i of every weighting for one scope; NaN where the issuer is left out (its e_i or company value unknown)."""
    e12, e3 = pairs["e12"].to_numpy(), pairs["e3"].to_numpy()
    e = e12 if scope == "S1+S2" else e3 if scope == "S3" else e12 + e3
    weights = {"WATS": value, "TETS": e}
    for method, column in METHOD_VALUES.items():
        weights[method] = attributed(value, pairs[column].to_numpy(), e)
    return weights


def issuer_contributions(grid: dict[str, np.ndarray], pairs: pd.DataFrame, values: pd.DataFrame, method: str,
                         perimeter: str = "listed_yield") -> pd.DataFrame:
    """At the latest snapshot, each kept issuer's pull on the portfolio temperature, per scope and time frame.

    contribution_c = w_i * (T_i - T) / sum(w): positive for issuers that
    raise the portfolio figure T; they sum to 0. For the report.
    """
    columns = ["as_of", "issuer_id", "scope", "time_frame", "weight_share", "temperature_c", "default_share",
               "contribution_c"]
    inside = values[f"in_{perimeter}"].to_numpy() & (pairs["as_of"] == pairs["as_of"].max()).to_numpy()
    members, value = pairs[inside], values[f"v_{perimeter}"].to_numpy()[inside]
    parts = []
    for scope in SCOPES:
        w = method_weights(members, value, scope)[method]
        kept = ~np.isnan(w)
        total = float(np.sum(w[kept]))
        if total <= 0:
            continue
        weight_share = share(w[kept], total)
        boxes = {column: grid[column][inside][kept][:, GRID_SCOPES.index(scope)] for column in grid}
        for time_frame in TIME_FRAMES:
            frame_at = GRID_TIME_FRAMES.index(time_frame)
            t, d = (boxes[column][:, frame_at] for column in ("temperature_c", "default_share"))
            portfolio = float(share(np.sum(w[kept] * t), total))
            parts.append({"as_of": members["as_of"].to_numpy()[kept],
                          "issuer_id": members["issuer_id"].to_numpy(dtype=object)[kept],
                          "scope": np.full(len(t), scope, dtype=object),
                          "time_frame": np.full(len(t), time_frame, dtype=object), "weight_share": weight_share,
                          "temperature_c": t, "default_share": d, "contribution_c": weight_share * (t - portfolio)})
    if not parts:
        return pd.DataFrame({column: pd.Series(dtype="float64") for column in columns})
    return pd.DataFrame({column: np.concatenate([part[column] for part in parts]) for column in columns})


def _grid(company: pd.DataFrame, count: int) -> dict[str, np.ndarray]:
    """temperature_c and default_share by (pair, scope, time frame): the company rows' layout (`_box_positions`)."""
    shape = (count, len(GRID_SCOPES), len(GRID_TIME_FRAMES))
    return {column: company[column].to_numpy(dtype="float64").reshape(shape)
            for column in ("temperature_c", "default_share")}


def _weighted(count: int, codes: np.ndarray, w: np.ndarray, t: np.ndarray, d: np.ndarray,
              value: np.ndarray, held: np.ndarray) -> dict[str, np.ndarray]:
    """Each weighting's figures (a row of `w` each) by snapshot (rows) and time frame (the columns of `t`, `d`).

    Weighted means of T and d, issuers kept, coverage of value. Every sum
    runs over the issuers in row order (`np.bincount`), whatever the layout:
    the weightings share one count, each in bins of its own.
    """
    kept = ~np.isnan(w)
    w0 = np.where(kept, w, 0.0)
    methods, frames = len(w), t.shape[1]
    bins = np.arange(methods)[:, None] * count + codes  # (weighting, snapshot) of each weighting's issuer
    cells = (bins[:, :, None] * frames + np.arange(frames)).ravel()

    def total(x: np.ndarray) -> np.ndarray:
        return np.bincount(bins.ravel(), weights=x.ravel(), minlength=methods * count).reshape(methods, count, 1)

    def weighted_total(x: np.ndarray) -> np.ndarray:
        return np.bincount(cells, weights=(w0[:, :, None] * x).ravel(),
                           minlength=methods * count * frames).reshape(methods, count, frames)

    weight = total(w0)
    return {"temperature_c": share(weighted_total(t), weight), "default_share": share(weighted_total(d), weight),
            "issuers": total(kept).astype("int64"),
            "coverage_ratio": share(total(np.where(kept, value, 0.0)), held[:, None])}

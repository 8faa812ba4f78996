"""`analyze()`: read the inputs, compute every figure, return a `Result` of frames.

This is the public entry point the CLI wraps. It reads (holdings/,
esg_scores/), computes (`portfolio.engine`, frames in and frames out) and
returns; it never writes or draws. Writing the run folder is
`portfolio.audit.rundir.write_run`; rendering is `reports/`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from esg_scores import RecordTimeline, read_issuers
from esg_scores.fx import convert_records, read_fx
from esg_scores.sovereigns import read_sovereigns
from esg_scores.targets import read_targets
from holdings import read_holdings
from holdings.funds import read_funds
from holdings.spill import PositionStore
from holdings.stream import PositionStream
from portfolio.engine.attribution import compute_attribution
from portfolio.engine.drift import explain_drift
from portfolio.engine.evic_inflation import adjusted_metrics
from portfolio.engine.finite import check_finite
from portfolio.engine.temperature import REGRESSION_MODEL, rate_temperature
from holdings.snapshot_chunks import frame_chunks
from portfolio.engine.gaps import MISSING_BASELINE, NO_PROJECTION, run_warning, sort_warnings
from portfolio.engine.metrics import metric_series
from portfolio.engine.pai import compute_pai
from portfolio.engine.projection import (MIN_SNAPSHOTS, PROJECTION_COLUMNS, monthly_log_series, observed_months,
                                         project, usable)
from portfolio.settings import Settings, load_settings
from portfolio.engine.names import TRAJECTORY_PERIMETER
from portfolio.engine.trajectory import Baseline, compute_trajectory, find_baselines
from portfolio.engine.walk import walk
from portfolio.result import InputRecord, Result

Table = str | Path | pd.DataFrame
SAMPLE_PACKAGE = "portfolio.sample"
SAMPLE_HOLDINGS = "holdings.csv"
SAMPLE_ISSUERS = "issuers.csv"
SAMPLE_EXTENSIONS = {"funds": "funds.csv", "sovereigns": "sovereigns.csv", "fx": "fx.csv", "targets": "targets.csv"}
REGRESSION_PACKAGE = "portfolio.engine"
REGRESSION_TABLE = "cdp_wwf_regression_model4.csv"  # model 4 of the CDP-WWF regressions, as the SBTi tool ships it


def sample_paths() -> tuple[Path, Path]:
    """The bundled sample book: holdings and issuer files shipped inside the package."""
    folder = resources.files(SAMPLE_PACKAGE)
    return Path(str(folder / SAMPLE_HOLDINGS)), Path(str(folder / SAMPLE_ISSUERS))


def sample_extensions() -> dict[str, Path]:
    """The sample's fund composition, sovereign and FX files (those that are shipped)."""
    folder = resources.files(SAMPLE_PACKAGE)
    paths = {role: Path(str(folder / name)) for role, name in SAMPLE_EXTENSIONS.items()}
    return {role: path for role, path in paths.items() if path.is_file()}


def regression_table_path() -> Path:
    """The bundled regression table of the temperature rating."""
    return Path(str(resources.files(REGRESSION_PACKAGE) / REGRESSION_TABLE))


def regression_table() -> pd.DataFrame:
    """The model-4 rows of the bundled regression table (variable, slope, param, intercept, ...)."""
    table = pd.read_csv(regression_table_path())
    return table[table["model"] == REGRESSION_MODEL].reset_index(drop=True)


def analyze(holdings: Table | Sequence[Table] | None = None, issuers: Table | None = None,
            settings: Settings | str | Path | dict[str, Any] | None = None,
            progress: Callable[[str], None] | None = None, *, funds: Table | None = None,
            sovereigns: Table | None = None, fx: Table | None = None, targets: Table | None = None,
            contributions_sink: Callable[[pd.DataFrame], None] | None = None,
            keep_contributions: bool = True) -> Result:
    """Compute every figure of the data contract from holdings and issuer tables.

    `holdings` is one table or a list of them (paths to CSV/XLSX/Parquet or
    DataFrames); with neither `holdings` nor `issuers`, the bundled sample is
    used. The contract's extensions: `funds` (fund composition for
    look-through), `sovereigns` (country emissions and GDP), `fx` (rates for
    issuer amounts in other currencies), `targets` (issuer targets: the
    temperature rating). `contributions_sink` receives the contribution rows
    chunk by chunk as they are computed (a writer streams them to disk); with
    it, `keep_contributions=False` keeps none of a large book's rows (then
    `Result.contributions` is not available: a run without reports). Raises
    `holdings.InputError` listing every input problem.
    """
    step = progress or (lambda _: None)
    if (holdings is None) != (issuers is None):
        raise ValueError("give both holdings and issuers, or neither for the bundled sample")
    sample = holdings is None
    if sample and targets is not None:
        raise ValueError("targets need holdings and issuers (the bundled sample brings its own)")
    if sample:
        holdings, issuers = sample_paths()
        extensions = sample_extensions()
        funds, sovereigns, fx, targets = (extensions.get(role) for role in ("funds", "sovereigns", "fx", "targets"))
    sources = list(holdings) if isinstance(holdings, (list, tuple)) else [holdings]
    config = load_settings(settings)

    step("reading holdings")
    positions, holding_tables = read_holdings(sources, config.columns, config.values, config.health_purposes)
    step("reading issuers")
    records, issuer_table = read_issuers(issuers, config.columns, config.values)
    inputs = [InputRecord.of("holdings", table) for table in holding_tables]
    inputs.append(InputRecord.of("issuers", issuer_table))
    rates = None
    if fx is not None:
        rates, fx_table = read_fx(fx, config.columns, config.values)
        inputs.append(InputRecord.of("fx", fx_table))
    records = convert_records(records, rates, issuer_table.source)
    compositions = countries = None
    if funds is not None:
        compositions, funds_table = read_funds(funds, config.columns, config.values)
        inputs.append(InputRecord.of("funds", funds_table))
    if sovereigns is not None:
        countries, sovereigns_table = read_sovereigns(sovereigns, config.columns, config.values)
        inputs.append(InputRecord.of("sovereigns", sovereigns_table))
    goals = None
    if targets is not None:
        step("reading targets")
        goals, targets_table = read_targets(targets, config.columns, config.values)
        inputs.append(InputRecord.of("targets", targets_table))
    return compute(positions, records, config, compositions=compositions, countries=countries, inputs=inputs,
                   sample=sample, progress=step, targets=goals, contributions_sink=contributions_sink,
                   keep_contributions=keep_contributions)


@np.errstate(over="ignore")  # an overflow becomes inf, which `check_finite` traces back to its input
def compute(positions: pd.DataFrame | PositionStream | PositionStore, records: pd.DataFrame, settings: Settings, *,
            compositions: pd.DataFrame | None = None, countries: pd.DataFrame | None = None,
            inputs: list[InputRecord] | None = None, sample: bool = False,
            progress: Callable[[str], None] | None = None, targets: pd.DataFrame | None = None,
            contributions_sink: Callable[[pd.DataFrame], None] | None = None,
            keep_contributions: bool = True) -> Result:
    """Every figure from validated frames (frames in, frames out); `targets` adds the temperature rating.

    `positions` is what `holdings.read_holdings` gives: a frame, or for a
    large book a `PositionStream` or `PositionStore`; each is computed in
    chunks of whole snapshots (`holdings.snapshot_chunks`).
    """
    step = progress or (lambda _: None)
    step("computing contributions")
    chunks = frame_chunks(positions) if isinstance(positions, pd.DataFrame) else positions.chunks()
    issuers = RecordTimeline.of(records, settings.publication_lag_months)  # ranked once, used by every step
    walked = walk(chunks, issuers, settings, compositions=compositions, countries=countries,
                  rated=targets is not None, progress=step, sink=contributions_sink, keep=keep_contributions)
    metrics = walked.metrics
    baseline_date = pd.Timestamp(settings.trajectory.baseline_date)
    if settings.trajectory.evic_inflation_adjustment:
        metrics = pd.concat([metrics, adjusted_metrics(walked.evic_means, metrics, baseline_date)], ignore_index=True)
        metrics = metrics.sort_values(["as_of", "perimeter", "metric"], kind="stable", ignore_index=True)
    pai = compute_pai(metrics)
    baselines = find_baselines(metrics, settings.trajectory)
    trajectory = compute_trajectory(metrics, settings.trajectory, baselines)
    step("attributing changes")
    attribution, attribution_issuers = compute_attribution(walked.issuer_lines, walked.dates, walked.known,
                                                           baseline_date)
    drift = explain_drift(trajectory, attribution, metrics)
    warnings = list(walked.warnings)
    rating = None
    if walked.held is not None:
        step("rating temperatures")
        rating = rate_temperature(walked.held, issuers, targets, regression_table(), settings.temperature.method)
        warnings.append(rating.warnings)
    projections, summaries = [], []
    for baseline in baselines:
        if baseline.value is None:
            detail = _missing_baseline_detail(baseline, settings, metrics["as_of"])
            warnings.append(run_warning(MISSING_BASELINE, detail))
            continue
        series = metric_series(metrics, TRAJECTORY_PERIMETER, baseline.metric)
        projected = project(series, baseline.metric, baseline.value, settings.trajectory)
        if projected is None:
            warnings.append(run_warning(NO_PROJECTION, f"no projection of {baseline.metric}: "
                                        f"{observed_months(monthly_log_series(usable(series)))} month ends "
                                        f"with a value above 0, at least {MIN_SNAPSHOTS} needed"))
            continue
        projections.append(projected[0])
        summaries.append(projected[1])
    projection = pd.concat(projections, ignore_index=True) if projections else \
        pd.DataFrame({column: pd.Series(dtype="float64") for column in PROJECTION_COLUMNS})
    result = Result(metrics=metrics, trajectory=trajectory, pai=pai, contribution_table=walked.contributions,
                    warnings=sort_warnings(pd.concat(warnings, ignore_index=True)), attribution=attribution,
                    attribution_issuers=attribution_issuers, drift=drift,
                    projection=projection.sort_values(["as_of", "metric"], kind="stable", ignore_index=True),
                    projection_summaries=summaries, settings=settings, baselines=baselines,
                    inputs=inputs or [], sample=sample,
                    temperature=None if rating is None else rating.company,
                    temperature_portfolio=None if rating is None else rating.portfolio,
                    temperature_contributions=None if rating is None else rating.contributions)
    check_finite(result)
    return result


def _missing_baseline_detail(baseline: Baseline, settings: Settings, snapshots: pd.Series) -> str:
    key = "baseline_footprint" if baseline.metric.startswith("carbon") else "baseline_financed_emissions"
    date = settings.trajectory.baseline_date.isoformat()
    if (snapshots == pd.Timestamp(date)).any():
        return (f"no baseline for {baseline.metric}: the {date} snapshot has no covered listed_yield line (its "
                f"issuer figures were published later?), so its value is unknown; freeze the figure with "
                f"[trajectory] {key} in the settings")
    return (f"no baseline for {baseline.metric}: no snapshot dated {date} and no [trajectory] {key} setting; "
            "add the baseline snapshot to the holdings or freeze the figure in the settings")

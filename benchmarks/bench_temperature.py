"""Temperature rating benchmark: the whole rating on a synthetic book of 1M holdings and ~20k issuers.

Run from the repository root:

    python benchmarks/bench_temperature.py [--holdings 1000000] [--issuers 20000] [--snapshots 1]
                                           [--repeat 3] [--write-book DIR] [--tool-seconds S]

Builds a seeded book in memory: `--holdings` eligible lines spread over
`--snapshots` month ends and `--issuers` issuers (lognormal values, several
lines per issuer, four perimeters), one issuer record each (a few gaps in
scope 3, EVIC, market cap), and about two targets per issuer in the usual
mix (S1+S2, S1 and S2 apart, S3, S1+S2+S3, intensity, expired, achieved).
Times `portfolio.engine.temperature.rate_temperature` (company scores, 216
portfolio rows per snapshot, warnings, issuer contributions) in a child
process: median wall time, CPU time and peak RSS over `--repeat` runs.

The SBTi finance tool is not run from here (it is not a dependency):
`--write-book DIR` writes the same book as CSV (`holdings.csv`,
`companies.csv`, `targets.csv`) for an outside script to time it, and
`--tool-seconds` prints that time beside ours; otherwise the reference is
PERFORMANCE.md's 92.5 s for 1M holdings.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20231231
TOOL_REFERENCE_SECONDS = 92.5  # PERFORMANCE.md: SBTi finance tool 1.3.1, 1M holdings, end to end
FIRST_SNAPSHOT = pd.Timestamp("2023-12-31")


def synthetic_book(holdings: int, issuers: int, snapshots: int) -> dict[str, pd.DataFrame]:
    """Lines (contributions-like), issuer records and targets, all from one seed."""
    rng = np.random.default_rng(SEED)
    ids = np.array([f"ISS{i:06d}" for i in range(issuers)], dtype=object)
    dates = pd.date_range(FIRST_SNAPSHOT, periods=snapshots, freq="ME") if snapshots > 1 \
        else pd.DatetimeIndex([FIRST_SNAPSHOT])
    owner = rng.integers(0, issuers, holdings)
    lines = pd.DataFrame({
        "as_of": np.asarray(dates, dtype="datetime64[s]")[rng.integers(0, len(dates), holdings)],
        "holding_id": np.char.add("H", np.arange(holdings).astype(str)).astype(object),
        "issuer_id": ids[owner],
        "asset_class": np.where(rng.random(holdings) < 0.6, "listed_equity", "corporate_bond").astype(object),
        "market_value_eur": np.round(rng.lognormal(13, 1.2, holdings), 2),
        "bucket": np.where(rng.random(holdings) < 0.8, "yield", "strategic").astype(object),
        "listed": rng.random(holdings) < 0.85,
    }).sort_values(["as_of", "holding_id"], ignore_index=True)
    revenue = rng.lognormal(20, 1.3, issuers)
    e12 = revenue / 1e6 * rng.lognormal(3, 1.5, issuers)
    records = pd.DataFrame({
        "issuer_id": ids, "year": 2022, "published_on": pd.Series(pd.NaT, index=range(issuers), dtype="datetime64[s]"),
        "scope1_tco2e": np.round(e12 * 0.8, 1), "scope2_tco2e": np.round(e12 * 0.2, 1),
        "scope3_tco2e": np.where(rng.random(issuers) < 0.1, np.nan, np.round(e12 * rng.lognormal(1, 1, issuers), 1)),
        "evic_eur": np.where(rng.random(issuers) < 0.05, np.nan, revenue * rng.lognormal(0.5, 0.5, issuers)),
        "revenue_eur": revenue,
        "isic": rng.choice(np.array(["D3510", "C2394", "C2410", "K6419", "J6201", "C2910", ""], dtype=object),
                           issuers),
        "market_cap_eur": np.where(rng.random(issuers) < 0.1, np.nan, revenue * rng.lognormal(0, 0.5, issuers)),
        "total_assets_eur": revenue * rng.lognormal(0.5, 0.7, issuers),
    })
    return {"lines": lines, "records": records, "targets": synthetic_targets(ids, records, rng)}


def synthetic_targets(ids: np.ndarray, records: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """About two targets per issuer with targets (70 % of them), in the usual mix of scopes and types."""
    holders = ids[rng.random(len(ids)) < 0.7]
    per_issuer = rng.integers(1, 4, len(holders))
    issuer = np.repeat(holders, per_issuer)
    count = len(issuer)
    scope = rng.choice(np.array(["S1+S2", "S1", "S2", "S3", "S1+S2+S3"], dtype=object), count,
                       p=[0.45, 0.1, 0.1, 0.25, 0.1])
    intensity = rng.random(count) < 0.15
    metric = np.where(intensity, rng.choice(np.array(["revenue", "power", "cement", "oil", "other"], dtype=object),
                                            count), "")
    base = rng.choice([2015, 2017, 2019, 2020, 2021], count)
    g = records.set_index("issuer_id").loc[issuer]
    needs = {"coverage_s1": np.isin(scope, ["S1", "S1+S2", "S1+S2+S3"]), "coverage_s2": np.isin(scope, ["S2", "S1+S2+S3"]),
             "coverage_s3": np.isin(scope, ["S3"]) | ((scope == "S1+S2+S3") & (rng.random(count) < 0.8))}
    frame = pd.DataFrame({
        "issuer_id": issuer,
        "target_id": np.char.add("T", (np.arange(count) - np.repeat(np.cumsum(per_issuer) - per_issuer,
                                                                      per_issuer)).astype(str)).astype(object),
        "target_type": np.where(intensity, "intensity", "absolute").astype(object),
        "intensity_metric": metric.astype(object), "scope": scope,
        **{column: np.where(mask, np.round(rng.uniform(0.5, 1.0, count), 2), np.nan) for column, mask in needs.items()},
        "reduction_ambition": np.round(rng.uniform(0.1, 0.9, count), 3),
        "base_year": pd.array(base, dtype="Int64"), "start_year": pd.array([pd.NA] * count, dtype="Int64"),
        "end_year": pd.array(base + rng.choice([4, 8, 11, 15, 25, 35], count), dtype="Int64"),
        "base_year_ghg_s1": np.where(rng.random(count) < 0.05, np.nan, g["scope1_tco2e"].to_numpy()),
        "base_year_ghg_s2": g["scope2_tco2e"].to_numpy(), "base_year_ghg_s3": g["scope3_tco2e"].to_numpy(),
        "achieved_reduction": np.where(rng.random(count) < 0.03, 1.0, np.nan),
        "sbti_validated": pd.array(rng.random(count) < 0.4, dtype="boolean"),
        "published_on": pd.Series(pd.NaT, index=range(count), dtype="datetime64[s]"), "source": "bench",
    })
    return frame


def child(folder: str) -> None:
    """Load the book, time one rating, print wall, CPU and peak RSS as JSON."""
    from esg_scores import RecordTimeline
    from portfolio.engine.temperature import HeldValues, rate_temperature
    from portfolio.run import regression_table

    book = {name: pd.read_pickle(Path(folder) / f"{name}.pkl") for name in ("lines", "records", "targets")}
    regression = regression_table()
    started, started_cpu = time.perf_counter(), time.process_time()
    issuers = RecordTimeline.of(book["records"], 0)
    rating = rate_temperature(HeldValues.of(book["lines"]), issuers, book["targets"], regression)
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    print(json.dumps({"wall": wall, "cpu": cpu, "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      "company_rows": len(rating.company), "portfolio_rows": len(rating.portfolio),
                      "warnings": len(rating.warnings)}))


def write_book(book: dict[str, pd.DataFrame], folder: Path) -> None:
    """The book as CSV for an outside run of the SBTi tool: one row per holding, one per company, targets."""
    folder.mkdir(parents=True, exist_ok=True)
    book["lines"].to_csv(folder / "holdings.csv", index=False)
    book["records"].to_csv(folder / "companies.csv", index=False)
    book["targets"].to_csv(folder / "targets.csv", index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holdings", type=int, default=1_000_000)
    parser.add_argument("--issuers", type=int, default=20_000)
    parser.add_argument("--snapshots", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write-book", type=Path, metavar="DIR")
    parser.add_argument("--tool-seconds", type=float, help="the SBTi tool's time on the same book, measured outside")
    parser.add_argument("--child", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    started = time.perf_counter()
    book = synthetic_book(args.holdings, args.issuers, args.snapshots)
    print(f"book: {len(book['lines']):,} holdings, {args.issuers:,} issuers, {len(book['targets']):,} targets, "
          f"{args.snapshots} snapshot(s); built in {time.perf_counter() - started:.1f} s")
    if args.write_book:
        write_book(book, args.write_book)
        print(f"wrote {args.write_book}/holdings.csv, companies.csv, targets.csv")
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-temperature-") as folder:
        for name, frame in book.items():
            frame.to_pickle(Path(folder) / f"{name}.pkl")
        for _ in range(args.repeat):
            output = subprocess.run([sys.executable, __file__, "--child", folder], check=True, capture_output=True,
                                    text=True).stdout
            runs.append(json.loads(output.strip().splitlines()[-1]))
    wall = statistics.median(run["wall"] for run in runs)
    cpu = statistics.median(run["cpu"] for run in runs)
    peak = max(run["peak_rss_kib"] for run in runs) / 2**20
    last = runs[-1]
    print(f"our rating: wall {wall:.2f} s (median of {len(runs)}), CPU {cpu:.2f} s, peak RSS {peak:.2f} GiB "
          f"(process, book loaded); {last['company_rows']:,} company rows, {last['portfolio_rows']:,} portfolio "
          f"rows, {last['warnings']:,} warnings")
    tool = args.tool_seconds if args.tool_seconds is not None else TOOL_REFERENCE_SECONDS
    origin = "measured on this book" if args.tool_seconds is not None else "PERFORMANCE.md, 1M holdings"
    print(f"SBTi finance tool 1.3.1: {tool:.1f} s ({origin}); ratio tool / ours: {tool / wall:.0f}x")


if __name__ == "__main__":
    main()

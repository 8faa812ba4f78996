"""Core benchmark: the engine end to end, its compute step, and a plain DuckDB query.

Run from the repository root:

    python benchmarks/bench_core.py [--rows 2000000 10000000] [--issuers 20000] [--repeat 1]

For each book size N it generates (once; cached under benchmarks/data/) a
synthetic holdings Parquet file in the data contract's shape plus its issuer
file, then measures, each in a fresh subprocess:

(a) `portfolio analyze --no-report --quiet` end to end (wall time, peak RSS);
(b) the compute step alone: inputs read untimed with the project readers,
    then `build_contributions` + `compute_metrics` + PAI + trajectory timed
    (wall time, peak RSS increase over the RSS after reading);
(c) a plain DuckDB SQL query over the same Parquet files computing value,
    covered value and financed emissions per snapshot with the contract's
    point-in-time record rule (wall time, peak RSS);
(d) a per-step breakdown of the end-to-end run (read, validate, compute,
    each CSV written, hashes) using the engine's own progress hook.

It prints a markdown table and writes it to benchmarks/results.md, with a
cross-check that DuckDB's per-snapshot figures match the engine's
metrics.csv (perimeter `total`) to a relative 1e-9.

Peak memory is the child's peak resident set size: each measured process is
started by a fresh wrapper process that reports `getrusage(RUSAGE_CHILDREN)`
once its only child has exited.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
RESULTS = HERE / "results.md"

GENERATOR_VERSION = 2
SEED = 20240601
SNAPSHOTS = 72                      # month-ends 2019-01-31 .. 2024-12-31
FIRST_SNAPSHOT = (2019, 1)
FISCAL_YEARS = tuple(range(2017, 2023))  # 6 fiscal years of issuer records
ROW_GROUP_ROWS = 128_000            # <= 128k rows per Parquet row group
GIB = 1024 ** 3
REL_TOLERANCE = 1e-9

TARGETS = {
    "compute_over_duckdb": 1.5,
    "e2e_over_duckdb": 3.0,
    "e2e_10m_seconds": 60.0,
    "e2e_10m_gib": 8.0,
}

ASSET_CLASSES = ("listed_equity", "corporate_bond", "sovereign_bond", "fund", "unlisted_equity",
                 "real_estate", "loan", "cash", "other")
ASSET_CLASS_SHARES = (0.34, 0.30, 0.08, 0.07, 0.05, 0.04, 0.05, 0.04, 0.03)
LISTED_SHARE = {"listed_equity": 1.0, "corporate_bond": 0.9, "sovereign_bond": 1.0, "fund": 0.5,
                "unlisted_equity": 0.0, "real_estate": 0.0, "loan": 0.0, "cash": 0.0, "other": 0.3}
ELIGIBLE = ("listed_equity", "corporate_bond", "unlisted_equity", "loan")
COUNTRIES = ("FR", "DE", "IT", "ES", "NL", "BE", "AT", "US", "GB", "JP")
FUNDS = ("FR-EMPLOIS", "FUND-GREEN", "FUND-EM-EQ", "FUND-HY", "FUND-INFRA")
PURPOSES = ("", "patient_pathway", "coverage", "medical_innovation", "access_to_care",
            "patient_pathway|coverage", "coverage|access_to_care", "medical_innovation|Patient_Pathway")
SECTORS = ("C20.1", "C24.1", "D35.1", "B06", "C29.1", "H49", "K64.1", "J61", "G47", "F41")
SOURCES = ("vendor_a", "vendor_b", "company_report", "estimate")


# ---------------------------------------------------------------- helpers

def human_gib(kib: float) -> float:
    return kib * 1024 / GIB


def project_revision() -> str:
    """The project's commit and whether the work tree differs from it (read-only git calls)."""
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return commit + (" with uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine_info() -> dict[str, str]:
    mem_kib = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    except OSError:
        pass
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for name in ("mission-portfolio", "numpy", "pandas", "pyarrow", "pandera", "duckdb"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "cores": str(os.cpu_count()),
        "ram": f"{mem_kib / 1024 ** 2:.1f} GiB",
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "revision": project_revision(),
        **versions,
    }


def rss_kib(field: str = "VmRSS") -> int:
    """Current (VmRSS) or peak (VmHWM) resident set size of this process, KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def cpu_seconds() -> float:
    """CPU time (user + system, every thread) of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False where unsupported."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


# ---------------------------------------------------------------- data generation

def dataset_paths(rows: int, issuers: int) -> tuple[Path, Path, Path]:
    folder = DATA / f"book_r{rows}_i{issuers}_s{SEED}_v{GENERATOR_VERSION}"
    return folder, folder / "holdings.parquet", folder / "issuers.parquet"


def snapshot_dates():
    import numpy as np

    months = np.arange(SNAPSHOTS) + (FIRST_SNAPSHOT[0] * 12 + FIRST_SNAPSHOT[1] - 1)
    first_of_next = (months + 1)
    starts = np.array([f"{m // 12:04d}-{m % 12 + 1:02d}-01" for m in first_of_next], dtype="datetime64[D]")
    return starts - np.timedelta64(1, "D")


def _ids(prefix: str, numbers, width: int):
    import pyarrow as pa
    import pyarrow.compute as pc

    digits = pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def generate_issuers(rng, issuers: int):
    """One row per issuer, fiscal year and publication; gaps and restatements included."""
    import numpy as np
    import pyarrow as pa

    ids = np.array([f"LEI{n:06d}" for n in range(issuers)], dtype=object)
    without_records = rng.random(issuers) < 0.01                      # issuers unknown to the vendor
    years = np.array(FISCAL_YEARS)
    issuer = np.repeat(np.arange(issuers), len(years))
    year = np.tile(years, issuers)
    keep = ~without_records[issuer] & (rng.random(len(issuer)) < 0.97)  # a few missing issuer-years
    issuer, year = issuer[keep], year[keep]
    # Publication: mostly in the first half of the next year; 15% empty (default 31 Dec of year).
    jan1_next = np.array([f"{y + 1}-01-01" for y in year], dtype="datetime64[D]")
    published = jan1_next + rng.integers(40, 180, len(year)).astype("timedelta64[D]")
    empty_pub = rng.random(len(year)) < 0.15
    # Restatements: 5% of issuer-years get a later second publication.
    restated = np.flatnonzero(rng.random(len(year)) < 0.05)
    issuer = np.concatenate([issuer, issuer[restated]])
    year = np.concatenate([year, year[restated]])
    base_pub = np.where(empty_pub, np.array([f"{y}-12-31" for y in year[:len(empty_pub)]],
                                            dtype="datetime64[D]"), published)
    published = np.concatenate([published, base_pub[restated] + rng.integers(60, 300, len(restated))
                                .astype("timedelta64[D]")])
    empty_pub = np.concatenate([empty_pub, np.zeros(len(restated), dtype=bool)])
    n = len(issuer)
    size = rng.lognormal(0, 1.5, issuers)[issuer] * rng.uniform(0.9, 1.1, n)
    scope1 = rng.lognormal(9, 2, n) * size
    scope2 = rng.lognormal(8, 1.5, n) * size
    scope3 = rng.lognormal(11, 2, n) * size
    evic = rng.lognormal(21, 1.5, n) * size
    revenue = rng.lognormal(20.5, 1.5, n) * size
    scope1[rng.random(n) < 0.005] = np.nan
    scope2[rng.random(n) < 0.005] = np.nan
    scope3[rng.random(n) < 0.04] = np.nan
    evic[rng.random(n) < 0.02] = np.nan
    evic[rng.random(n) < 0.005] = 0.0
    revenue[rng.random(n) < 0.03] = np.nan
    quality = rng.integers(1, 6, n).astype("float64")
    quality[rng.random(n) < 0.10] = np.nan
    esg = np.round(rng.uniform(0, 100, n), 1)
    esg[rng.random(n) < 0.05] = np.nan
    order = np.lexsort((issuer, year))  # vendor files come year by year
    table = pa.table({
        "issuer_id": pa.array(ids[issuer[order]], pa.string()),
        "year": pa.array(year[order], pa.int64()),
        "published_on": pa.array(published[order], pa.date32(), mask=empty_pub[order]),
        "scope1_tco2e": pa.array(scope1[order], mask=np.isnan(scope1[order])),
        "scope2_tco2e": pa.array(scope2[order], mask=np.isnan(scope2[order])),
        "scope3_tco2e": pa.array(scope3[order], mask=np.isnan(scope3[order])),
        "evic_eur": pa.array(evic[order], mask=np.isnan(evic[order])),
        "revenue_eur": pa.array(revenue[order], mask=np.isnan(revenue[order])),
        "data_quality": pa.array(quality[order], mask=np.isnan(quality[order])).cast(pa.int64()),
        "sector": pa.array(np.array(SECTORS, dtype=object)[rng.integers(0, len(SECTORS), issuers)][issuer[order]],
                           pa.string()),
        "source": pa.array(np.array(SOURCES, dtype=object)[rng.integers(0, len(SOURCES), n)][order], pa.string()),
        "esg_score": pa.array(esg[order], mask=np.isnan(esg[order])),
    })
    return table, ids


def generate_holdings(rng, rows: int, issuer_ids, writer) -> None:
    """Monthly snapshots of a mostly stable book; rows shuffled within each snapshot."""
    import numpy as np
    import pyarrow as pa

    issuers = len(issuer_ids)
    dates = snapshot_dates()
    per_snapshot = np.full(SNAPSHOTS, rows // SNAPSHOTS)
    per_snapshot[: rows % SNAPSHOTS] += 1
    positions = int(per_snapshot.max())

    # Fixed attributes of each position (a line of the book that persists over time).
    asset = rng.choice(len(ASSET_CLASSES), positions, p=ASSET_CLASS_SHARES)
    asset_names = np.array(ASSET_CLASSES, dtype=object)[asset]
    listed = rng.random(positions) < np.array([LISTED_SHARE[a] for a in ASSET_CLASSES])[asset]
    bucket = np.where(rng.random(positions) < 0.8, "yield", "strategic").astype(object)
    weights = 1.0 / (np.arange(issuers) + 10.0) ** 0.8  # a few big issuers, a long tail
    issuer_code = rng.choice(issuers, positions, p=weights / weights.sum())
    issuer = np.asarray(issuer_ids, dtype=object)[issuer_code]
    eligible = np.isin(asset_names, ELIGIBLE)
    roll = rng.random(positions)
    issuer = np.where(eligible & (roll < 0.01), "", issuer)                          # missing issuer_id
    issuer = np.where(eligible & (roll >= 0.01) & (roll < 0.015),
                      np.array([f"UNKNOWN{n:05d}" for n in range(positions)], dtype=object), issuer)
    sovereign = asset_names == "sovereign_bond"
    issuer = np.where(sovereign, np.array(COUNTRIES, dtype=object)[rng.integers(0, len(COUNTRIES), positions)],
                      issuer)
    no_issuer = np.isin(asset_names, ("cash", "fund", "real_estate")) | ((asset_names == "other") & (roll < 0.5))
    issuer = np.where(no_issuer, "", issuer)
    fund = np.where(asset_names == "fund", np.array(FUNDS, dtype=object)[rng.integers(0, len(FUNDS), positions)], "")
    purpose = np.where((bucket == "strategic") & (rng.random(positions) < 0.4),
                       np.array(PURPOSES, dtype=object)[rng.integers(1, len(PURPOSES), positions)], "")
    plain = np.array([f"Issuer {code} SA" for code in range(issuers)], dtype=object)
    quirky = rng.random(issuers) < 0.02
    plain[quirky] = [f'Société "{code}", Groupe; Paris' for code in np.flatnonzero(quirky)]
    name = np.where(issuer_code >= 0, plain[issuer_code], "")
    name = np.where(asset_names == "cash", "Compte courant EUR", name)
    name = np.where(asset_names == "fund", "Fonds " + fund, name)
    name = np.where(asset_names == "real_estate", "Immeuble, Lyon 3e", name)
    name = np.where(sovereign, "OAT / Bund " + issuer, name)
    base_value = rng.lognormal(np.log(1.5e6), 1.3, positions)
    cash_sign = np.where((asset_names == "cash") & (rng.random(positions) < 0.15), -1.0, 1.0)

    string_columns = {"issuer_id": issuer, "bucket": bucket, "asset_class": asset_names, "name": name,
                      "fund_id": fund, "purpose": purpose}
    arrays = {key: pa.array(value, pa.string()) for key, value in string_columns.items()}
    listed_array = pa.array(listed, pa.bool_())
    for snapshot, (date, count) in enumerate(zip(dates, per_snapshot)):
        # Position k exists from snapshot onwards mostly; shuffle file order within the snapshot.
        taken = rng.permutation(count)
        growth = np.exp(0.004 * snapshot + rng.normal(0, 0.05, count))
        value = base_value[taken] * growth * cash_sign[taken]
        take = pa.array(taken)
        table = pa.table({
            "as_of": pa.array(np.full(count, date), pa.date32()),
            "holding_id": _ids("H", taken, 8),
            "issuer_id": arrays["issuer_id"].take(take),
            "bucket": arrays["bucket"].take(take),
            "asset_class": arrays["asset_class"].take(take),
            "listed": listed_array.take(take),
            "market_value_eur": pa.array(np.round(value, 2)),
            "name": arrays["name"].take(take),
            "fund_id": arrays["fund_id"].take(take),
            "purpose": arrays["purpose"].take(take),
        })
        writer(table)


def ensure_dataset(rows: int, issuers: int) -> tuple[Path, Path]:
    """Generate the book for (rows, issuers) unless cached; return the two Parquet paths."""
    import numpy as np
    import pyarrow.parquet as pq

    folder, holdings_path, issuers_path = dataset_paths(rows, issuers)
    done = folder / "meta.json"
    if done.is_file():
        return holdings_path, issuers_path
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    # The issuer file depends on the issuer count only, so every book size shares the same one.
    issuer_table, ids = generate_issuers(np.random.default_rng([SEED, issuers]), issuers)
    rng = np.random.default_rng([SEED, rows, issuers])
    pq.write_table(issuer_table, issuers_path, row_group_size=ROW_GROUP_ROWS)
    writer = None
    pending = []
    pending_rows = 0

    def flush(final: bool = False) -> None:
        nonlocal writer, pending, pending_rows
        import pyarrow as pa
        if not pending:
            return
        table = pa.concat_tables(pending)
        cut = (len(table) // ROW_GROUP_ROWS) * ROW_GROUP_ROWS if not final else len(table)
        if cut == 0:
            return
        head = table.slice(0, cut)
        if writer is None:
            writer = pq.ParquetWriter(holdings_path, head.schema)
        writer.write_table(head, row_group_size=ROW_GROUP_ROWS)
        rest = table.slice(cut)
        pending, pending_rows = ([rest] if len(rest) else []), len(rest)

    def add(table) -> None:
        nonlocal pending_rows
        pending.append(table)
        pending_rows += len(table)
        if pending_rows >= ROW_GROUP_ROWS:
            flush()

    generate_holdings(rng, rows, ids, add)
    flush(final=True)
    writer.close()
    meta = pq.ParquetFile(holdings_path).metadata
    info = {"rows": rows, "issuers": issuers, "seed": SEED, "generator_version": GENERATOR_VERSION,
            "holdings_rows": meta.num_rows, "row_groups": meta.num_row_groups,
            "max_row_group_rows": max(meta.row_group(i).num_rows for i in range(meta.num_row_groups)),
            "issuer_records": issuer_table.num_rows,
            "holdings_bytes": holdings_path.stat().st_size, "issuers_bytes": issuers_path.stat().st_size,
            "seconds": round(time.perf_counter() - started, 1)}
    done.write_text(json.dumps(info, indent=2))
    return holdings_path, issuers_path


# ---------------------------------------------------------------- children

def child_wrap(out: str, command: list[str]) -> int:
    """Run `command` as the only child; write its wall time, exit status and peak RSS to `out`."""
    started = time.perf_counter()
    completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = usage.ru_maxrss  # KiB on Linux
    Path(out).write_text(json.dumps({"wall": wall, "peak_kib": peak, "cpu": usage.ru_utime + usage.ru_stime,
                                     "load_after": os.getloadavg()[0], "returncode": completed.returncode,
                                     "stderr": completed.stderr.decode("utf-8", "replace")[-4000:]}))
    return 0


def child_compute(holdings: str, issuers: str, out: str) -> int:
    """Read with the project readers (untimed), then time the compute step alone."""
    from esg_scores import RecordTimeline, read_issuers
    from holdings import read_holdings
    from holdings.positions import all_lines
    from portfolio.engine.exposure import build_contributions
    from portfolio.engine.gaps import gap_warnings
    from portfolio.engine.metrics import compute_metrics
    from portfolio.engine.pai import compute_pai
    from portfolio.settings import Settings
    from portfolio.engine.trajectory import compute_trajectory, find_baselines

    config = Settings()
    started = time.perf_counter()
    positions, _ = read_holdings([holdings], config.columns, config.values, config.health_purposes)
    positions = all_lines(positions)  # a large book is read as the engine walks it: here, all of it at once
    read_holdings_s = time.perf_counter() - started
    started = time.perf_counter()
    records, _ = read_issuers(issuers, config.columns, config.values)
    read_issuers_s = time.perf_counter() - started
    gc.collect()
    before = rss_kib("VmRSS")
    reset_ok = reset_peak_rss()
    peak_before = rss_kib("VmHWM")
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    contributions = build_contributions(positions, RecordTimeline.of(records, config.publication_lag_months), config)
    t1 = time.perf_counter()
    metrics = compute_metrics(contributions)
    t2 = time.perf_counter()
    pai = compute_pai(metrics)
    baselines = find_baselines(metrics, config.trajectory)
    trajectory = compute_trajectory(metrics, config.trajectory, baselines)
    t3 = time.perf_counter()
    cpu3 = cpu_seconds()
    peak = rss_kib("VmHWM")
    warnings = gap_warnings(contributions, config.scopes)  # informational, outside the compute total
    t4 = time.perf_counter()
    Path(out).write_text(json.dumps({
        "read_holdings": read_holdings_s, "read_issuers": read_issuers_s,
        "build_contributions": t1 - t0, "compute_metrics": t2 - t1, "pai_trajectory": t3 - t2,
        "compute": t3 - t0, "compute_cpu": cpu3 - cpu0, "gap_warnings": t4 - t3,
        "rss_before_kib": before, "peak_kib": peak if reset_ok else max(peak, peak_before),
        "peak_increase_kib": peak - before, "peak_reset": reset_ok,
        "rows": len(contributions), "metrics_rows": len(metrics), "pai_rows": len(pai),
        "trajectory_rows": len(trajectory), "warnings_rows": len(warnings),
    }))
    return 0


def duckdb_query(holdings: str, issuers: str, lag_months: int = 0) -> str:
    """Value, covered value and financed emissions per snapshot, with the contract's record rule.

    Record for (D, issuer): among rows with year <= year(D) and publication date <= D
    (publication date = published_on, else 31 December of year + lag), the greatest year,
    then the latest publication, then (ties) the later row of the issuer file.
    E = scope1 + scope2 + scope3 (NULL if any is NULL); covered = eligible asset class,
    a record, E known and evic_eur > 0; FE = mv / evic_eur * E.
    """
    holdings = holdings.replace("'", "''")
    issuers = issuers.replace("'", "''")
    eligible = ", ".join(f"'{a}'" for a in ELIGIBLE)
    return f"""
    WITH h AS (
        SELECT as_of, trim(issuer_id) AS issuer_id, lower(trim(asset_class)) AS asset_class, market_value_eur
        FROM read_parquet('{holdings}')
    ),
    rec AS (
        SELECT trim(issuer_id) AS issuer_id, year,
               coalesce(published_on, (make_date(year, 12, 31) + INTERVAL ({lag_months}) MONTH)::DATE) AS pub,
               scope1_tco2e + scope2_tco2e + scope3_tco2e AS e,
               evic_eur, file_row_number AS r
        FROM read_parquet('{issuers}', file_row_number = true)
    ),
    wanted AS (SELECT DISTINCT as_of, issuer_id FROM h WHERE issuer_id <> ''),
    chosen AS (
        SELECT w.as_of, w.issuer_id,
               arg_max({{'e': rec.e, 'evic': rec.evic_eur}}, (rec.year, rec.pub, rec.r)) AS pick
        FROM wanted w JOIN rec
          ON rec.issuer_id = w.issuer_id AND rec.year <= year(w.as_of) AND rec.pub <= w.as_of
        GROUP BY ALL
    ),
    lines AS (
        SELECT h.as_of, h.market_value_eur AS mv, c.pick.e AS e, c.pick.evic AS evic,
               h.asset_class IN ({eligible}) AND c.pick.e IS NOT NULL AND c.pick.evic > 0 AS covered
        FROM h LEFT JOIN chosen c ON c.as_of = h.as_of AND c.issuer_id = h.issuer_id
    )
    SELECT as_of,
           count(*) AS lines,
           sum(mv) AS value_eur,
           coalesce(sum(mv) FILTER (WHERE covered), 0) AS covered_value_eur,
           coalesce(sum(mv / evic * e) FILTER (WHERE covered), 0) AS financed_emissions_tco2e
    FROM lines GROUP BY as_of ORDER BY as_of
    """


def child_duckdb(holdings: str, issuers: str, out: str) -> int:
    import duckdb

    connection = duckdb.connect()
    threads = connection.execute("SELECT current_setting('threads')").fetchone()[0]
    query = duckdb_query(holdings, issuers)
    gc.collect()
    before = rss_kib("VmRSS")
    cpu0 = cpu_seconds()
    started = time.perf_counter()
    rows = connection.execute(query).fetchall()
    wall = time.perf_counter() - started
    cpu = cpu_seconds() - cpu0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    Path(out).write_text(json.dumps({
        "wall": wall, "cpu": cpu, "peak_kib": peak, "rss_before_kib": before, "peak_increase_kib": peak - before,
        "threads": threads,
        "snapshots": [{"as_of": str(r[0]), "lines": r[1], "value_eur": r[2], "covered_value_eur": r[3],
                       "financed_emissions_tco2e": r[4]} for r in rows],
    }))
    return 0


def child_steps(holdings: str, issuers: str, out_dir: str, out: str) -> int:
    """The end-to-end run in-process, timing each step the engine reports to its progress hook."""
    started, started_cpu = time.perf_counter(), time.process_time()
    from portfolio.audit.rundir import write_run
    from portfolio.run import analyze
    imported, imported_cpu = time.perf_counter(), time.process_time()
    marks: list[tuple[str, float, float]] = [("imports", started, started_cpu)]

    def step(name: str) -> None:
        marks.append((name, time.perf_counter(), time.process_time()))

    result = analyze([Path(holdings)], Path(issuers), None, progress=step)
    step("analyze returned")
    # write_run reports "writing X" before each file; hashes and manifest follow the last one.
    write_run(result, out_dir, force=True, progress=step)
    step("end")
    steps = []
    labels = {"imports": "import project modules", "reading holdings": "read + validate holdings",
              "reading issuers": "read + validate issuers", "computing contributions": "build_contributions",
              "computing metrics": "metrics, PAI, trajectory, gap warnings, sort warnings (until next step)",
              "analyze returned": "(analyze returned)", "writing manifest": "hash outputs + manifest"}
    marks.insert(1, ("(imported)", imported, imported_cpu))
    intervals = list(zip(marks, marks[1:]))
    for number, ((name, at, cpu_at), (_, until, cpu_until)) in enumerate(intervals):
        if name == "(imported)":
            name = "set-up: load settings"
        label = labels.get(name, name)
        if number == len(intervals) - 1:  # the last file written, then hashes, manifest and rename
            label += " + hash every output + manifest + rename"
        steps.append({"step": label, "seconds": until - at, "cpu": cpu_until - cpu_at})
    Path(out).write_text(json.dumps({"steps": steps, "total": marks[-1][1] - started,
                                     "total_cpu": marks[-1][2] - started_cpu,
                                     "contributions_bytes": (Path(out_dir) / "contributions.csv").stat().st_size,
                                     "warnings_rows": len(result.warnings)}))
    return 0


# ---------------------------------------------------------------- orchestration

def portfolio_command() -> str:
    beside = Path(sys.executable).with_name("portfolio")
    if beside.exists():
        return str(beside)
    found = shutil.which("portfolio")
    if not found:
        raise SystemExit("the `portfolio` command is not installed in this environment")
    return found


def wrapped(command: list[str], tag: str) -> dict:
    """Run a command under a fresh wrapper process; return its wall time and peak RSS."""
    report = DATA / f".wrap-{tag}-{os.getpid()}.json"
    subprocess.run([sys.executable, __file__, "--child", "wrap", str(report), "--", *command], check=True)
    measured = json.loads(report.read_text())
    report.unlink()
    if measured["returncode"] != 0:
        raise SystemExit(f"command failed ({measured['returncode']}): {' '.join(command)}\n{measured['stderr']}")
    return measured


def run_child(kind: str, holdings: Path, issuers: Path, tag: str, *extra: str) -> tuple[dict, dict]:
    """Run one of this script's child modes under the wrapper; return (its report, the wrapper's)."""
    report = DATA / f".{kind}-{tag}-{os.getpid()}.json"
    outer = wrapped([sys.executable, __file__, "--child", kind, str(holdings), str(issuers), *extra, str(report)],
                    f"{kind}-{tag}")
    inner = json.loads(report.read_text())
    report.unlink()
    return inner, outer


def read_engine_totals(out_dir: Path) -> dict[str, dict[str, float]]:
    wanted = {"value_eur", "covered_value_eur", "financed_emissions_tco2e"}
    totals: dict[str, dict[str, float]] = {}
    with (out_dir / "metrics.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["perimeter"] == "total" and row["metric"] in wanted:
                totals.setdefault(row["as_of"], {})[row["metric"]] = float(row["value"]) if row["value"] else math.nan
    return totals


def cross_check(duck: dict, engine: dict[str, dict[str, float]]) -> dict:
    worst = 0.0
    worst_at = ""
    mismatches = []
    dates = {s["as_of"] for s in duck["snapshots"]}
    if dates != set(engine):
        mismatches.append(f"snapshot dates differ: {len(dates)} in DuckDB, {len(engine)} in metrics.csv")
    for snap in duck["snapshots"]:
        theirs = engine.get(snap["as_of"], {})
        for metric in ("value_eur", "covered_value_eur", "financed_emissions_tco2e"):
            ours, other = snap[metric], theirs.get(metric, math.nan)
            scale = max(abs(ours), abs(other), 1e-300)
            error = abs(ours - other) / scale if not (math.isnan(ours) or math.isnan(other)) else math.inf
            if error > worst:
                worst, worst_at = error, f"{snap['as_of']} {metric}"
            if error > REL_TOLERANCE:
                mismatches.append(f"{snap['as_of']} {metric}: DuckDB {ours!r}, engine {other!r} (rel {error:.2e})")
    return {"agree": not mismatches, "worst_relative_error": worst, "worst_at": worst_at,
            "mismatches": mismatches[:10], "snapshots": len(duck["snapshots"])}


def median(values: list[float]) -> float:
    return statistics.median(values)


def measure(rows: int, issuers: int, repeat: int, steps: bool, keep_runs: bool) -> dict:
    log(f"[{rows:,} rows] preparing data ...")
    started = time.perf_counter()
    holdings, issuers_path = ensure_dataset(rows, issuers)
    meta = json.loads((holdings.parent / "meta.json").read_text())
    log(f"[{rows:,} rows] data ready ({time.perf_counter() - started:.1f} s; "
        f"holdings {meta['holdings_bytes'] / 2 ** 20:.0f} MiB, {meta['row_groups']} row groups, "
        f"{meta['issuer_records']:,} issuer records)")
    for path in (holdings, issuers_path):  # warm the page cache: every measurement reads warm files
        with path.open("rb") as handle:
            while handle.read(1 << 24):
                pass
    portfolio = portfolio_command()
    e2e, compute, duck = [], [], []
    out_dir = DATA / "runs" / f"r{rows}"
    for attempt in range(repeat):
        log(f"[{rows:,} rows] run {attempt + 1}/{repeat}: DuckDB ...")
        inner, outer = run_child("duckdb", holdings, issuers_path, f"{rows}-{attempt}")
        inner["process_peak_kib"] = outer["peak_kib"]
        duck.append(inner)
        log(f"    DuckDB {inner['wall']:.2f} s, peak {human_gib(outer['peak_kib']):.2f} GiB")
        log(f"[{rows:,} rows] run {attempt + 1}/{repeat}: compute step ...")
        inner, outer = run_child("compute", holdings, issuers_path, f"{rows}-{attempt}")
        inner["process_peak_kib"] = outer["peak_kib"]
        compute.append(inner)
        log(f"    compute {inner['compute']:.2f} s (contributions {inner['build_contributions']:.2f} s, "
            f"metrics {inner['compute_metrics']:.2f} s), +{human_gib(inner['peak_increase_kib']):.2f} GiB")
        log(f"[{rows:,} rows] run {attempt + 1}/{repeat}: end to end ...")
        shutil.rmtree(out_dir, ignore_errors=True)
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        measured = wrapped([portfolio, "analyze", "--no-report", "--quiet", "--holdings", str(holdings),
                            "--issuers", str(issuers_path), "--out", str(out_dir)], f"e2e-{rows}")
        e2e.append(measured)
        log(f"    end to end {measured['wall']:.2f} s, peak {human_gib(measured['peak_kib']):.2f} GiB")
    check = cross_check(duck[-1], read_engine_totals(out_dir))
    log(f"[{rows:,} rows] cross-check: {'agree' if check['agree'] else 'DISAGREE'} "
        f"(worst relative error {check['worst_relative_error']:.2e})")
    out_bytes = {p.name: p.stat().st_size for p in sorted(out_dir.iterdir())}
    breakdown = None
    if steps:
        log(f"[{rows:,} rows] step breakdown of the end-to-end run ...")
        steps_dir = DATA / "runs" / f"r{rows}-steps"
        inner, outer = run_child("steps", holdings, issuers_path, f"{rows}", str(steps_dir))
        inner["peak_kib"] = outer["peak_kib"]
        inner["wall"] = outer["wall"]
        breakdown = inner
        shutil.rmtree(steps_dir, ignore_errors=True)
    if not keep_runs:
        shutil.rmtree(out_dir, ignore_errors=True)
    result = {
        "rows": rows, "issuers": issuers, "meta": meta, "repeat": repeat,
        "e2e_s": median([m["wall"] for m in e2e]), "e2e_peak_kib": max(m["peak_kib"] for m in e2e),
        "e2e_cpu_s": median([m["cpu"] for m in e2e]),
        "compute_cpu_s": median([m["compute_cpu"] for m in compute]),
        "duckdb_cpu_s": median([m["cpu"] for m in duck]),
        "load": [round(os.getloadavg()[0], 2)] + [round(m["load_after"], 2) for m in e2e],
        "compute_s": median([m["compute"] for m in compute]),
        "build_contributions_s": median([m["build_contributions"] for m in compute]),
        "compute_metrics_s": median([m["compute_metrics"] for m in compute]),
        "pai_trajectory_s": median([m["pai_trajectory"] for m in compute]),
        "gap_warnings_s": median([m["gap_warnings"] for m in compute]),
        "read_holdings_s": median([m["read_holdings"] for m in compute]),
        "read_issuers_s": median([m["read_issuers"] for m in compute]),
        "compute_peak_increase_kib": max(m["peak_increase_kib"] for m in compute),
        "compute_rss_before_kib": max(m["rss_before_kib"] for m in compute),
        "compute_process_peak_kib": max(m["process_peak_kib"] for m in compute),
        "duckdb_s": median([m["wall"] for m in duck]),
        "duckdb_peak_kib": max(m["process_peak_kib"] for m in duck),
        "duckdb_peak_increase_kib": max(m["peak_increase_kib"] for m in duck),
        "duckdb_threads": duck[-1]["threads"],
        "check": check, "outputs": out_bytes, "breakdown": breakdown,
    }
    result["compute_over_duckdb"] = result["compute_s"] / result["duckdb_s"]
    result["e2e_over_duckdb"] = result["e2e_s"] / result["duckdb_s"]
    return result


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def verdict(ok: bool) -> str:
    return "yes" if ok else "**NO**"


def render(results: list[dict], info: dict[str, str], args: argparse.Namespace) -> str:
    lines = []
    lines.append("# Core benchmark results\n")
    lines.append(f"Date: {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}  ")
    lines.append(f"Machine: {info['cores']} cores ({info['cpu']}), {info['ram']} RAM, {info['os']}  ")
    lines.append(f"Python {info['python']}; mission-portfolio {info['mission-portfolio']}, numpy {info['numpy']}, "
                 f"pandas {info['pandas']}, pyarrow {info['pyarrow']}, pandera {info['pandera']}, "
                 f"duckdb {info['duckdb']}  ")
    lines.append(f"Project revision: {info['revision']}  ")
    lines.append(f"Command: `python benchmarks/bench_core.py --rows {' '.join(map(str, args.rows))} "
                 f"--issuers {args.issuers} --repeat {args.repeat}` (times: median of {args.repeat}; "
                 f"memory: max)\n")
    lines.append("Book: monthly snapshots over 6 years (72), N / 72 lines each, "
                 f"{args.issuers:,} issuers with records over 6 fiscal years; Parquet, "
                 f"row groups of at most {ROW_GROUP_ROWS:,} rows.\n")

    lines.append("## Figures\n")
    header = "| | " + " | ".join(f"{r['rows']:,} rows" for r in results) + " |"
    lines.append(header)
    lines.append("|---|" + "---:|" * len(results))

    def row(label: str, cells: list[str]) -> None:
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    row("holdings Parquet size", [f"{r['meta']['holdings_bytes'] / 2 ** 20:.0f} MiB" for r in results])
    row("(a) end to end `portfolio analyze --no-report`: wall", [f"{r['e2e_s']:.2f} s" for r in results])
    row("(a) end to end: CPU time (user + sys)", [f"{r['e2e_cpu_s']:.1f} s" for r in results])
    row("(a) end to end: peak RSS", [f"{human_gib(r['e2e_peak_kib']):.2f} GiB" for r in results])
    row("(b) compute step (contributions + metrics + PAI + trajectory): wall",
        [f"{r['compute_s']:.2f} s" for r in results])
    row("(b) compute step: CPU time", [f"{r['compute_cpu_s']:.2f} s" for r in results])
    row("&nbsp;&nbsp;build_contributions", [f"{r['build_contributions_s']:.2f} s" for r in results])
    row("&nbsp;&nbsp;compute_metrics", [f"{r['compute_metrics_s']:.2f} s" for r in results])
    row("&nbsp;&nbsp;PAI + trajectory", [f"{r['pai_trajectory_s']:.3f} s" for r in results])
    row("(b) compute step: peak RSS increase",
        [f"{human_gib(r['compute_peak_increase_kib']):.2f} GiB" for r in results])
    row("(b) RSS after reading the inputs (before compute)",
        [f"{human_gib(r['compute_rss_before_kib']):.2f} GiB" for r in results])
    row("(info) project readers: read + validate holdings", [f"{r['read_holdings_s']:.2f} s" for r in results])
    row("(info) project readers: read + validate issuers", [f"{r['read_issuers_s']:.2f} s" for r in results])
    row("(info) gap_warnings (outside the compute total)", [f"{r['gap_warnings_s']:.2f} s" for r in results])
    row("(c) DuckDB SQL (read Parquet + record rule + sums): wall",
        [f"{r['duckdb_s']:.2f} s ({r['duckdb_threads']} threads)" for r in results])
    row("(c) DuckDB: CPU time (both threads)", [f"{r['duckdb_cpu_s']:.2f} s" for r in results])
    row("(c) DuckDB: peak RSS of the process", [f"{human_gib(r['duckdb_peak_kib']):.2f} GiB" for r in results])
    row("compute / DuckDB (target <= 1.5)",
        [f"{r['compute_over_duckdb']:.1f}x {verdict(r['compute_over_duckdb'] <= TARGETS['compute_over_duckdb'])}"
         for r in results])
    row("end to end / DuckDB (target <= 3)",
        [f"{r['e2e_over_duckdb']:.1f}x {verdict(r['e2e_over_duckdb'] <= TARGETS['e2e_over_duckdb'])}"
         for r in results])
    row("DuckDB vs metrics.csv (total: value, covered value, FE per snapshot, rel 1e-9)",
        [("agree" if r["check"]["agree"] else "**DISAGREE**") + f" (worst {r['check']['worst_relative_error']:.1e})"
         for r in results])
    lines.append("")
    loads = ", ".join(f"{r['rows']:,} rows: " + " / ".join(f"{x:.1f}" for x in r["load"]) for r in results)
    lines.append(f"1-minute load average at the end of the end-to-end runs ({loads}) on {info['cores']} cores: "
                 "above the core count, other processes shared the machine and wall times are inflated; "
                 "CPU times are less sensitive to that.\n")

    lines.append("## Targets\n")
    lines.append("| target | value | met |")
    lines.append("|---|---:|:---:|")
    for r in results:
        lines.append(f"| {r['rows']:,} rows: compute <= 1.5x DuckDB | {r['compute_over_duckdb']:.1f}x | "
                     f"{verdict(r['compute_over_duckdb'] <= TARGETS['compute_over_duckdb'])} |")
        lines.append(f"| {r['rows']:,} rows: end to end <= 3x DuckDB | {r['e2e_over_duckdb']:.1f}x | "
                     f"{verdict(r['e2e_over_duckdb'] <= TARGETS['e2e_over_duckdb'])} |")
    big = [r for r in results if r["rows"] >= 10_000_000]
    for r in big:
        lines.append(f"| {r['rows']:,} rows end to end under 60 s | {r['e2e_s']:.1f} s | "
                     f"{verdict(r['e2e_s'] < TARGETS['e2e_10m_seconds'])} |")
        lines.append(f"| {r['rows']:,} rows end to end under 8 GiB | {human_gib(r['e2e_peak_kib']):.2f} GiB | "
                     f"{verdict(human_gib(r['e2e_peak_kib']) < TARGETS['e2e_10m_gib'])} |")
    lines.append("")

    for r in results:
        if r["check"]["mismatches"]:
            lines.append(f"Cross-check mismatches at {r['rows']:,} rows (first 10):\n")
            lines.extend(f"- {m}" for m in r["check"]["mismatches"])
            lines.append("")

    with_steps = [r for r in results if r["breakdown"]]
    if with_steps:
        lines.append("## Where the end-to-end time goes (one in-process run, engine progress hook)\n")
        names: list[str] = []
        for r in with_steps:
            for s in r["breakdown"]["steps"]:
                if s["step"] not in names and not s["step"].startswith("("):
                    names.append(s["step"])
        lines.append("| step (wall s / CPU s) | " + " | ".join(f"{r['rows']:,} rows" for r in with_steps) + " |")
        lines.append("|---|" + "---:|" * len(with_steps))
        for name in names:
            cells = []
            for r in with_steps:
                found = [s for s in r["breakdown"]["steps"] if s["step"] == name]
                cells.append(f"{found[0]['seconds']:.2f} / {found[0]['cpu']:.2f}" if found else "")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("| total (in-process, excluding interpreter start) | "
                     + " | ".join(f"{r['breakdown']['total']:.2f} / {r['breakdown']['total_cpu']:.2f}"
                                  for r in with_steps) + " |")
        lines.append("| contributions.csv size | "
                     + " | ".join(f"{r['breakdown']['contributions_bytes'] / 2 ** 20:.0f} MiB" for r in with_steps)
                     + " |")
        lines.append("")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        kind, rest = argv[1], argv[2:]
        if kind == "wrap":
            return child_wrap(rest[0], rest[2:] if rest[1] == "--" else rest[1:])
        if kind == "compute":
            return child_compute(*rest)
        if kind == "duckdb":
            return child_duckdb(*rest)
        if kind == "steps":
            return child_steps(*rest)
        raise SystemExit(f"unknown child {kind}")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[2_000_000, 10_000_000],
                        help="book sizes (holdings rows) to measure")
    parser.add_argument("--issuers", type=int, default=20_000, help="distinct issuers")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement (median time, max memory)")
    parser.add_argument("--no-steps", action="store_true", help="skip the per-step breakdown run")
    parser.add_argument("--keep-runs", action="store_true",
                        help="keep the run folders under benchmarks/data/runs/")
    parser.add_argument("--generate-only", action="store_true", help="only generate (or find) the data")
    parser.add_argument("--no-results-file", action="store_true", help="print only; do not write results.md")
    args = parser.parse_args(argv)
    DATA.mkdir(parents=True, exist_ok=True)
    if args.generate_only:
        for rows in args.rows:
            print(ensure_dataset(rows, args.issuers))
        return 0
    try:
        import duckdb  # noqa: F401
    except ImportError:
        raise SystemExit("duckdb is needed: pip install -e '.[bench]'") from None
    results = [measure(rows, args.issuers, args.repeat, not args.no_steps, args.keep_runs)
               for rows in args.rows]
    text = render(results, machine_info(), args)
    print(text)
    (DATA / "results.json").write_text(json.dumps(results, indent=2, default=str))
    if not args.no_results_file:
        RESULTS.write_text(text)
    return 0 if all(r["check"]["agree"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

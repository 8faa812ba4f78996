"""The engine against the yardstick: `portfolio analyze --no-report` and DuckDB on the same files, same run.

Run from the repository root with the project's virtualenv:

    python benchmarks/bench_engine.py [--rows 2000000 10000000] [--csv-rows 1000000] [--repeat 1]
                                      [--yardstick ../shared/bench/duckdb_full_job.py]

For each book (the synthetic Parquet books of `bench_core.py`, 20,000
issuers, and one French back-office CSV of `--csv-rows` rows: `;`, decimal
commas, DD/MM/YYYY dates, oui/non, UTF-8 with BOM) it runs, each in a fresh
process, alternating:

- the yardstick (`duckdb_full_job.py HOLDINGS.parquet ISSUERS.parquet OUT`:
  the record rule, contributions.csv and every metric of the four
  perimeters in DuckDB); for the CSV book it reads the Parquet twin of the
  same rows (the yardstick reads Parquet only);
- `portfolio analyze --no-report --quiet` on the same files.

It prints, for each, wall time, CPU time (user + system of the process and
its threads), peak RSS and the ratio of the project's wall time to the
yardstick's, plus the 1-, 5- and 15-minute load averages (the machine may
be shared: only ratios measured in the same run hold). It also times the
bundled sample without reports: first, on the idle machine, as a user's
monthly run finds it (the target's condition), and again right after the
books, informational (this VM slows down after minutes at full load on
both cores: results.md). The figures are copied into benchmarks/results.md
by hand, with the load averages printed beside them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_core  # noqa: E402  (the book generator)

ROOT = HERE.parent
RUNS = bench_core.DATA / "runs"
DEFAULT_YARDSTICK = ROOT.parent / "shared" / "bench" / "duckdb_full_job.py"
GIB = 1024 ** 3
TARGET_RATIO = 1.5
TARGET_PEAK_GIB = 2.0
TARGET_SAMPLE_SECONDS = 1.0


@dataclass(frozen=True)
class Measure:
    """One process: wall seconds, CPU seconds (user + system), peak RSS in bytes, exit status."""

    wall: float
    cpu: float
    peak: int
    status: int


def measure(command: list[str]) -> Measure:
    """Run `command` in a fresh process; its own rusage comes from wait4 (not the other children's)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{error[-2000:]}")
    return Measure(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, process.returncode)


def portfolio_command() -> list[str]:
    script = Path(sys.executable).with_name("portfolio")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "portfolio"]


def french_csv(rows: int, issuers: int) -> tuple[Path, Path, Path]:
    """The `rows` book as a French back-office CSV; returns (csv, parquet twin, issuers)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    holdings, issuer_file = bench_core.ensure_dataset(rows, issuers)
    target = holdings.with_name("holdings_fr.csv")
    if target.is_file():
        return target, holdings, issuer_file
    table = pq.read_table(holdings)
    columns = {}
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_date(column.type):
            column = pc.strftime(column, "%d/%m/%Y")
        elif pa.types.is_boolean(column.type):
            column = pc.if_else(column, "oui", "non")
        elif pa.types.is_floating(column.type):
            column = pc.replace_substring(pc.cast(column, pa.string()), ".", ",")
        columns[name] = column
    partial = target.with_suffix(".part")
    with partial.open("wb") as handle:
        handle.write(b"\xef\xbb\xbf")
        pacsv.write_csv(pa.table(columns), handle, pacsv.WriteOptions(delimiter=";", quoting_style="needed"))
    partial.rename(target)
    return target, holdings, issuer_file


def run_pair(label: str, project_holdings: Path, yardstick_holdings: Path, issuers: Path,
             yardstick: Path, repeat: int) -> dict[str, object]:
    """Alternate yardstick and project runs `repeat` times; medians of wall and CPU, max of peak RSS."""
    yard, project = [], []
    for attempt in range(repeat):
        out = RUNS / f"yardstick-{label}"
        shutil.rmtree(out, ignore_errors=True)
        yard.append(measure([sys.executable, str(yardstick), str(yardstick_holdings), str(issuers), str(out)]))
        shutil.rmtree(out, ignore_errors=True)
        out = RUNS / f"project-{label}"
        shutil.rmtree(out, ignore_errors=True)
        project.append(measure([*portfolio_command(), "analyze", "--no-report", "--quiet", "--holdings",
                                str(project_holdings), "--issuers", str(issuers), "--out", str(out)]))
        shutil.rmtree(out, ignore_errors=True)
        print(f"  {label} run {attempt + 1}: yardstick {yard[-1].wall:.2f} s, project {project[-1].wall:.2f} s, "
              f"load {os.getloadavg()[0]:.1f}", file=sys.stderr)
    summary = {
        "book": label,
        "yardstick_wall": statistics.median(m.wall for m in yard),
        "yardstick_cpu": statistics.median(m.cpu for m in yard),
        "yardstick_peak": max(m.peak for m in yard),
        "project_wall": statistics.median(m.wall for m in project),
        "project_cpu": statistics.median(m.cpu for m in project),
        "project_peak": max(m.peak for m in project),
        "load": os.getloadavg(),
    }
    summary["ratio"] = summary["project_wall"] / summary["yardstick_wall"]
    summary["cpu_ratio"] = summary["project_cpu"] / summary["yardstick_cpu"]
    return summary


@dataclass(frozen=True)
class SampleRuns:
    """The bundled sample's runs: the median one, the fastest and slowest walls, the load averages after them."""

    median: Measure
    fastest: float
    slowest: float
    load: str


def sample_run(repeat: int) -> SampleRuns:
    """The bundled sample without reports, `repeat` times."""
    runs = []
    for _ in range(repeat):
        out = RUNS / "sample"
        shutil.rmtree(out, ignore_errors=True)
        runs.append(measure([*portfolio_command(), "analyze", "--no-report", "--quiet", "--out", str(out)]))
        shutil.rmtree(out, ignore_errors=True)
    runs.sort(key=lambda m: m.wall)
    return SampleRuns(runs[len(runs) // 2], runs[0].wall, runs[-1].wall,
                      "/".join(f"{value:.1f}" for value in os.getloadavg()))


def table(rows: list[dict[str, object]], samples: dict[str, SampleRuns]) -> str:
    lines = ["| book | yardstick wall / CPU / peak | `analyze --no-report` wall / CPU / peak | ratio (wall) "
             "| ratio (CPU) | load 1/5/15 min |", "|---|---:|---:|---:|---:|---|"]
    for row in rows:
        load = "/".join(f"{value:.1f}" for value in row["load"])
        lines.append(
            f"| {row['book']} | {row['yardstick_wall']:.2f} s / {row['yardstick_cpu']:.2f} s / "
            f"{row['yardstick_peak'] / GIB:.2f} GiB | {row['project_wall']:.2f} s / {row['project_cpu']:.2f} s / "
            f"{row['project_peak'] / GIB:.2f} GiB | {row['ratio']:.2f} | {row['cpu_ratio']:.2f} | {load} |")
    for when, runs in samples.items():
        sample = runs.median
        lines.append(f"| bundled sample, no reports ({when}; runs {runs.fastest:.2f}-{runs.slowest:.2f} s) | - | "
                     f"{sample.wall:.2f} s / {sample.cpu:.2f} s / {sample.peak / GIB:.2f} GiB | - | - | {runs.load} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[2_000_000, 10_000_000])
    parser.add_argument("--csv-rows", type=int, default=1_000_000, help="French CSV book size (0: none)")
    parser.add_argument("--issuers", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--sample-repeat", type=int, default=3)
    parser.add_argument("--yardstick", type=Path, default=DEFAULT_YARDSTICK)
    args = parser.parse_args()
    RUNS.mkdir(parents=True, exist_ok=True)
    samples = {"first, idle machine": sample_run(args.sample_repeat)}
    rows = []
    if args.csv_rows:
        csv_file, twin, issuers = french_csv(args.csv_rows, args.issuers)
        rows.append(run_pair(f"{args.csv_rows:,} rows, French CSV", csv_file, twin, issuers, args.yardstick,
                             args.repeat))
    for size in args.rows:
        holdings, issuers = bench_core.ensure_dataset(size, args.issuers)
        rows.append(run_pair(f"{size:,} rows, Parquet", holdings, holdings, issuers, args.yardstick, args.repeat))
    if rows:
        samples["right after the books, informational"] = sample_run(args.sample_repeat)
    print(table(rows, samples))
    for row in rows:
        if "Parquet" in str(row["book"]):
            print(f"{row['book']}: ratio {row['ratio']:.2f} (target <= {TARGET_RATIO}), "
                  f"peak {row['project_peak'] / GIB:.2f} GiB (target <= {TARGET_PEAK_GIB} at 10M)")
    for when, runs in samples.items():
        print(f"sample without reports, {when}: median {runs.median.wall:.2f} s of {args.sample_repeat} runs "
              f"({runs.fastest:.2f}-{runs.slowest:.2f} s; target <= {TARGET_SAMPLE_SECONDS})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

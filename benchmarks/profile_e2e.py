"""Profile one end-to-end run (`analyze` + `write_run`) with cProfile.

    python benchmarks/profile_e2e.py --rows 10000000 [--top 40] [--sort tottime]

Uses the book `bench_core.py` generates (and generates it if needed). Writes
the raw profile to benchmarks/data/profile_r{ROWS}.prof (open it with
`python -m pstats` or snakeviz) and a text summary to
benchmarks/data/profile_r{ROWS}.txt, which it also prints. cProfile adds
overhead to Python-level calls, so absolute times run higher than in
bench_core.py; use it for where the time goes, bench_core.py for how much.

By default the profiler's clock is this process's CPU time
(`time.process_time`, all threads), so the profile stays meaningful on a
machine shared with other work; `--clock wall` uses wall time instead. Each
step of the progress hook is reported in both.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_core  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--issuers", type=int, default=20_000)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative"))
    parser.add_argument("--clock", default="cpu", choices=("cpu", "wall"),
                        help="profiler clock: process CPU time (default) or wall time")
    args = parser.parse_args()
    bench_core.DATA.mkdir(parents=True, exist_ok=True)
    holdings, issuers = bench_core.ensure_dataset(args.rows, args.issuers)

    from portfolio.audit.rundir import write_run
    from portfolio.run import analyze

    out = bench_core.DATA / "runs" / f"profile-r{args.rows}"
    shutil.rmtree(out, ignore_errors=True)
    marks: list[tuple[str, float, float]] = []

    def mark(name: str) -> None:
        marks.append((name, time.perf_counter(), time.process_time()))

    profiler = cProfile.Profile(time.process_time) if args.clock == "cpu" else cProfile.Profile()
    started, started_cpu = time.perf_counter(), time.process_time()
    profiler.enable()
    result = analyze([holdings], issuers, None, progress=mark)
    write_run(result, out, force=True, progress=mark)
    profiler.disable()
    mark("end")
    total, total_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    shutil.rmtree(out, ignore_errors=True)

    prof_path = bench_core.DATA / f"profile_r{args.rows}.prof"
    profiler.dump_stats(prof_path)
    text = io.StringIO()
    text.write(f"# cProfile of analyze + write_run, {args.rows:,} rows, clock: {args.clock}\n\n"
               f"Under the profiler: {total:.1f} s wall, {total_cpu:.1f} s CPU; "
               f"1-minute load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.\n\n")
    text.write("## steps (progress hook): wall s, CPU s\n")
    for (name, at, cpu_at), (_, until, cpu_until) in zip(marks, marks[1:]):
        text.write(f"{until - at:8.2f} {cpu_until - cpu_at:8.2f}  {name}\n")
    for order in ("tottime", "cumulative"):
        text.write(f"\n## top {args.top} by {order}\n")
        stats = pstats.Stats(profiler, stream=text)
        stats.strip_dirs().sort_stats(order).print_stats(args.top)
    summary = text.getvalue()
    (bench_core.DATA / f"profile_r{args.rows}.txt").write_text(summary)
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The bundled sample's full run, reports included: wall and CPU time of `portfolio analyze`, as a user runs it.

Each repeat runs `portfolio analyze --out TMP --force` (the sample book, both
reports: report.html and report.xlsx) in a fresh process, so Python start-up
and imports count, as they do for the user. Prints each run's wall time and
CPU time (user + system of the child process), then the medians. The
target (../shared/PERFORMANCE.md): at most 2.5 s wall on this machine kind.
The machine is shared: compare medians, and CPU time when the wall time is
inflated by other work.

Run: `python benchmarks/bench_sample.py [--repeat 5]`.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_once(out: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one `portfolio analyze` on the sample into `out`."""
    script = Path(sys.executable).with_name("portfolio")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([str(script), "analyze", "--out", str(out), "--force", "--quiet"], check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs (default 3)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-sample-"))
    walls, cpus = [], []
    try:
        for index in range(args.repeat):
            wall, cpu = run_once(folder / "run")
            walls.append(wall)
            cpus.append(cpu)
            print(f"run {index + 1}: wall {wall:.2f} s, CPU {cpu:.2f} s", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"median: wall {statistics.median(walls):.2f} s, CPU {statistics.median(cpus):.2f} s "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; target 2.5 s wall)")


if __name__ == "__main__":
    main()

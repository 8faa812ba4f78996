"""How fast `portfolio --help` answers, against `python -c "import numpy"` (the target: at most 2 x).

Both are timed as fresh processes, several times each, in alternation (the
machine is shared: the median of each, measured in the same run, is what
holds). Run from the repository root with the project's virtual environment:

    python benchmarks/bench_startup.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

TARGET_RATIO = 2.0


def wall(command: list[str]) -> float:
    """Wall time of one fresh process running `command`, its output discarded."""
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    script = shutil.which("portfolio") or sys.exit("no `portfolio` script on PATH: activate the project's venv")
    commands = {"python -c 'import numpy'": [sys.executable, "-c", "import numpy"],
                "portfolio --help": [script, "--help"],
                "python -m portfolio --help": [sys.executable, "-m", "portfolio", "--help"]}
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, command in commands.items():
            times[name].append(wall(command))
    numpy_median = statistics.median(times["python -c 'import numpy'"])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<28} median {median * 1000:7.1f} ms  (min {min(values) * 1000:.1f}, "
              f"max {max(values) * 1000:.1f}, n={len(values)})  ratio to numpy {median / numpy_median:.2f}")
    ratio = statistics.median(times["portfolio --help"]) / numpy_median
    print(f"portfolio --help / import numpy = {ratio:.2f} (target <= {TARGET_RATIO:g}): "
          f"{'met' if ratio <= TARGET_RATIO else 'MISSED'}")


if __name__ == "__main__":
    main()

"""A longer fuzz campaign: the suite's strategies, many more examples, for a time budget or a number of cases.

    nice -n 10 python benchmarks/fuzz_campaign.py --minutes 15 [--cases 50000] [--failures DIR]

Runs every hypothesis test of `tests/test_fuzz_readers.py` (every table reader
on CSV, XLSX and Parquet; settings; `portfolio analyze` end to end) in rounds
of `--examples` examples (new random seeds each round) until the budget is
spent. Each input that raises anything but `InputError` (a traceback, an exit
status other than 0 or 2, inf in an output) is saved to `--failures` (named
by exception type and the line that raised it; a book as a folder), ready to
be moved into `tests/fuzz_corpus/` once fixed. Prints cases tried, by kind,
and distinct failures.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

tried: Counter[str] = Counter()
failures: dict[str, Path] = {}


def recording(exercise, folder: Path):
    """Wrap the suite's `exercise`: count each case, save each input that fails."""
    def run(path: Path, *checks) -> None:
        tried["book" if path.is_dir() else path.suffix] += 1
        try:
            exercise(path, *checks)
        except Exception as error:
            frame = traceback.extract_tb(error.__traceback__)[-1]
            signature = f"{type(error).__name__}@{Path(frame.filename).name}:{frame.lineno}"
            if signature not in failures:
                saved = folder / f"{signature.replace(':', '_')}-{_digest(path)}{path.suffix}"
                if path.is_dir():
                    shutil.copytree(path, saved, dirs_exist_ok=True)
                else:
                    saved.write_bytes(path.read_bytes())
                failures[signature] = saved
                print(f"new failure {signature}: {saved}", flush=True)
            raise
    return run


def _digest(path: Path) -> str:
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    return hashlib.sha256(b"".join(f.read_bytes() for f in files if f.is_file())).hexdigest()[:8]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=15)
    parser.add_argument("--cases", type=int, default=0, help="stop after this many cases (0: time budget only)")
    parser.add_argument("--examples", type=int, default=500, help="examples per test and round")
    parser.add_argument("--failures", type=Path, default=ROOT / "benchmarks" / "data" / "fuzz_failures")
    args = parser.parse_args()
    args.failures.mkdir(parents=True, exist_ok=True)
    os.environ["FUZZ_EXAMPLES"] = str(args.examples)
    from tests import test_fuzz_readers as suite  # after FUZZ_EXAMPLES: the suite reads it on import

    suite.exercise = recording(suite.exercise, args.failures)
    tests = [getattr(suite, name) for name in dir(suite)
             if name.startswith("test_") and hasattr(getattr(suite, name), "hypothesis")]
    scratch = Path(tempfile.mkdtemp(prefix="fuzz-campaign-"))
    end = time.monotonic() + args.minutes * 60
    rounds = 0
    def spent() -> bool:
        return time.monotonic() >= end or 0 < args.cases <= sum(tried.values())

    while not spent():
        rounds += 1
        for test in tests:
            if spent():
                break
            try:
                test(scratch=scratch)
            except Exception as error:  # the failure is saved by `recording`; shrinking may raise others
                print(f"{test.__name__}: {type(error).__name__}: {str(error).splitlines()[0][:200]}", flush=True)
        print(f"round {rounds}: {sum(tried.values())} cases, {len(failures)} distinct failures", flush=True)
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"cases tried: {sum(tried.values())} ({dict(tried)}); distinct failures: {len(failures)}")
    for signature, saved in sorted(failures.items()):
        print(f"  {signature}: {saved}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

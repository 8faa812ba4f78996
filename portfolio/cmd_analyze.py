"""`portfolio analyze`: compute every figure into a new run folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from portfolio.gaps import count_by_reason
from portfolio.progress import Progress
from portfolio.run import analyze
from portfolio.rundir import check_out_dir, write_run

EPILOG = """\
inputs: CSV (',' or ';', decimal point or comma, UTF-8 or Windows-1252),
XLSX (first sheet, or book.xlsx#Sheet) or Parquet; see README.md.
With neither --holdings nor --issuers, runs on the bundled sample book.

outputs in --out: metrics.csv, trajectory.csv, pai.csv, contributions.csv,
warnings.csv, manifest.json (the data contract), and attribution.csv,
attribution_issuers.csv, drift.csv, projection.csv, projection_summary.json.

exit status: 0 success (also with warnings), 2 bad input (one line per
problem on stderr: FILE: row N, column C: got 'V'; expected ...).
"""


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "analyze", help="compute every figure from holdings and issuer files into a run folder",
        description="Compute every figure of the data contract into a new run folder.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--holdings", nargs="+", action="extend", metavar="H", type=Path,
                        help="holdings file(s), one per month is usual; may be repeated")
    parser.add_argument("--issuers", type=Path, metavar="I", help="issuer carbon/ESG file")
    parser.add_argument("--config", type=Path, metavar="C", help="settings file (TOML)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="run folder to create (must be new or empty)")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    parser.add_argument("--no-report", action="store_true",
                        help="skip the HTML and workbook reports (CSV and manifest only)")
    parser.add_argument("--quiet", action="store_true", help="no progress or notes on stderr")
    parser.set_defaults(handler=run, command_parser=parser)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if (args.holdings is None) != (args.issuers is None):
        parser.error("give both --holdings and --issuers, or neither to run on the bundled sample")
    check_out_dir(args.out, args.force)
    progress = Progress(quiet=args.quiet)
    if args.holdings is None and not args.quiet:
        print("portfolio: no --holdings/--issuers given: running on the bundled sample book "
              "(synthetic, calibrated on the 2023 mission report)", file=sys.stderr)
    with progress:
        result = analyze(args.holdings, args.issuers, args.config, progress=progress.step)
        write_run(result, args.out, force=args.force, progress=progress.step)
    counts = count_by_reason(result.warnings)
    if counts:
        detail = ", ".join(f"{reason} {count}" for reason, count in counts.items())
        print(f"portfolio: {sum(counts.values())} warnings ({detail}); see {args.out / 'warnings.csv'}",
              file=sys.stderr)
    return 0

"""The `portfolio` command: a thin layer over `portfolio.analyze` and `portfolio.rundir`.

argparse rather than click/typer: the contract's `--holdings H [H ...]`,
repeatable, is a variadic option, which click cannot express and argparse
does with `nargs="+"` and `action="extend"`. Exit status: 0 success (also
with warnings), 2 bad input or usage, nothing written on failure.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from holdings.problems import InputError
from portfolio._version import VERSION
from portfolio.gaps import count_by_reason
from portfolio.progress import Progress
from portfolio.rundir import check_out_dir, write_run
from portfolio.run import analyze
from portfolio.status import trajectory_table

EXIT_OK, EXIT_INPUT = 0, 2

DESCRIPTION = """\
Carbon footprint, SFDR PAI 1-3, coverage, health and territorial shares of an
insurer's book, and its position against the 2030 climate path.
"""

ANALYZE_EPILOG = """\
inputs: CSV (',' or ';', decimal point or comma, UTF-8 or Windows-1252),
XLSX (first sheet, or book.xlsx#Sheet) or Parquet; see README.md.
With neither --holdings nor --issuers, runs on the bundled sample book.

outputs in --out: metrics.csv, trajectory.csv, pai.csv, contributions.csv,
warnings.csv, manifest.json.

exit status: 0 success (also with warnings), 2 bad input (one line per
problem on stderr: FILE: row N, column C: got 'V'; expected ...).
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portfolio", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"portfolio {VERSION}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    analyze_parser = commands.add_parser(
        "analyze", help="compute every figure from holdings and issuer files into a run folder",
        description="Compute every figure of the data contract into a new run folder.",
        epilog=ANALYZE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    analyze_parser.add_argument("--holdings", nargs="+", action="extend", metavar="H", type=Path,
                                help="holdings file(s), one per month is usual; may be repeated")
    analyze_parser.add_argument("--issuers", type=Path, metavar="I", help="issuer carbon/ESG file")
    analyze_parser.add_argument("--config", type=Path, metavar="C", help="settings file (TOML)")
    analyze_parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                                help="run folder to create (must be new or empty)")
    analyze_parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    analyze_parser.add_argument("--no-report", action="store_true",
                                help="skip the HTML and workbook reports (CSV and manifest only)")
    analyze_parser.add_argument("--quiet", action="store_true", help="no progress or notes on stderr")
    trajectory_parser = commands.add_parser(
        "trajectory", help="print the latest snapshot against the 2030 path from a run folder",
        description="Status, years ahead, projection and drift of the latest snapshot of a run folder.")
    trajectory_parser.add_argument("--run", type=Path, required=True, metavar="DIR",
                                   help="a run folder written by `portfolio analyze`")
    return parser


def run_analyze(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
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
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "analyze":
            return run_analyze(args, parser)
        if args.command == "trajectory":
            print(trajectory_table(args.run))
            return EXIT_OK
    except InputError as error:
        for line in error.lines():
            print(line, file=sys.stderr)
        return EXIT_INPUT
    parser.error(f"unknown command {args.command}")
    return EXIT_INPUT

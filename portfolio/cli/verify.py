"""`portfolio verify DIR`: re-run a run folder from its own copies and compare every output."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from portfolio.cli.progress import Progress
from portfolio.audit.report_files import REPORT_WRITERS
from portfolio.audit.verify import verify_run

EXIT_MISMATCH = 1

DESCRIPTION = "Re-run a run folder from its own input copies and settings and compare every output."
EPILOG = """\
The run is recomputed from the copies of its inputs (DIR/inputs/) with the
settings recorded in DIR/manifest.json, into a temporary folder; every output
file must come out byte-identical. run.json (when, which command) is not
compared. report.html and report.xlsx are re-rendered and compared when the
run has them.

exit status: 0 every file matches; 1 a file differs or an input copy does
not match its recorded SHA-256 (each named on stdout, for CSV files with the
first differing figures: row, column, expected, found); 2 DIR is not a run
folder.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `portfolio verify` (its parser is built by `portfolio.cli.build_parser`)."""
    parser.add_argument("folder", type=Path, metavar="DIR", help="a run folder written by `portfolio analyze`")
    parser.add_argument("--quiet", action="store_true", help="no progress or notes on stderr")


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    with Progress(quiet=args.quiet) as progress:
        verification = verify_run(args.folder, extra_writers=REPORT_WRITERS, progress=progress.step)
    for finding in verification.findings:
        print("\n".join(finding.lines()))
    if not args.quiet:
        for note in verification.notes:
            print(f"portfolio verify: note: {note}", file=sys.stderr)
    if not verification.ok:
        print(f"portfolio verify: {args.folder}: {len(verification.findings)} file(s) do not match")
        return EXIT_MISMATCH
    print(f"portfolio verify: {args.folder}: all {verification.compared} output files match the re-run")
    return 0

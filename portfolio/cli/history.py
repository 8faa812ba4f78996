"""`portfolio history --store PATH [--diff RUN_A RUN_B]`: the recorded runs, the published figures, changes."""

from __future__ import annotations

import argparse
from contextlib import closing
from pathlib import Path

from portfolio.audit.history import diff_text, history_text
from portfolio.audit.store import open_store, resolve_run, run_figures

DESCRIPTION = "The runs recorded in the run history and the published figure per month."
EPILOG = """\
Without --diff: every recorded run (when, id, snapshots, folder), then per
month the published figures: listed_yield carbon footprint and financed
emissions, strategic health share, total territorial share, and whether the
month was restated. With --diff: every figure (metrics.csv row) that differs
from RUN_A to RUN_B, with the change. A run is named by its folder or by the
first characters of its id.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `portfolio history` (its parser is built by `portfolio.cli.build_parser`)."""
    parser.add_argument("--store", type=Path, required=True, metavar="PATH", help="run history (SQLite file)")
    parser.add_argument("--diff", nargs=2, metavar=("RUN_A", "RUN_B"),
                        help="show the figures that changed from RUN_A to RUN_B")


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    with closing(open_store(args.store, create=False)) as store:
        if args.diff is None:
            print(history_text(store))
            return 0
        first, second = (resolve_run(store, reference) for reference in args.diff)
        print(diff_text(run_figures(store, first), run_figures(store, second), first, second))
    return 0

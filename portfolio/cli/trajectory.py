"""`portfolio trajectory --run DIR`: the latest snapshot against the 2030 path."""

from __future__ import annotations

import argparse
from pathlib import Path

from portfolio.audit.load import load_run

DESCRIPTION = "Status, years ahead, projection and drift of the latest snapshot of a run\nfolder."  # wrapped by hand, like every raw help text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `portfolio trajectory` (its parser is built by `portfolio.cli.build_parser`)."""
    parser.add_argument("--run", type=Path, required=True, metavar="DIR",
                        help="a run folder written by `portfolio analyze`")


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    result = load_run(args.run, tables=("trajectory", "drift", "projection", "warnings"))
    print(result.summary(str(args.run)))
    return 0

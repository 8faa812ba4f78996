"""`portfolio trajectory --run DIR`: the latest snapshot against the 2030 path."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from portfolio.audit.load import load_run


def register(commands: Any, help_line: str) -> None:
    parser = commands.add_parser(
        "trajectory", help=help_line,
        description="Status, years ahead, projection and drift of the latest snapshot of a run folder.")
    parser.add_argument("--run", type=Path, required=True, metavar="DIR",
                        help="a run folder written by `portfolio analyze`")
    parser.set_defaults(handler=run, command_parser=parser)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    result = load_run(args.run, tables=("trajectory", "drift", "projection", "warnings"))
    print(result.summary(str(args.run)))
    return 0

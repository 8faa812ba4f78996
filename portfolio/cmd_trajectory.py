"""`portfolio trajectory --run DIR`: the latest snapshot against the 2030 path."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from portfolio.status import trajectory_table


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "trajectory", help="print the latest snapshot against the 2030 path from a run folder",
        description="Status, years ahead, projection and drift of the latest snapshot of a run folder.")
    parser.add_argument("--run", type=Path, required=True, metavar="DIR",
                        help="a run folder written by `portfolio analyze`")
    parser.set_defaults(handler=run, command_parser=parser)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    print(trajectory_table(args.run))
    return 0

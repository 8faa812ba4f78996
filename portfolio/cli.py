"""The `portfolio` command: a thin layer over the Python API, one module per subcommand.

argparse rather than click/typer: the contract's `--holdings H [H ...]`,
repeatable, is a variadic option, which click cannot express and argparse
does with `nargs="+"` and `action="extend"`. Each subcommand module offers
`register(commands)` (its parser, with `run(args, parser) -> int` as default
`handler`, and itself as `command_parser`). Exit status: 0 success (also with warnings), 2 bad input or
usage (nothing written), 1 when a check fails (verify).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from holdings.problems import InputError
from portfolio import cmd_analyze, cmd_history, cmd_publish, cmd_rebalance, cmd_trajectory, cmd_verify
from portfolio._version import VERSION

EXIT_INPUT = 2
EXIT_PIPE = 141  # 128 + SIGPIPE, as shells report a reader that stopped early (`| head -1`)
COMMANDS = (cmd_analyze, cmd_trajectory, cmd_verify, cmd_publish, cmd_history, cmd_rebalance)

DESCRIPTION = """\
Carbon footprint, SFDR PAI 1-3, coverage, health and territorial shares of an
insurer's book, and its position against the 2030 climate path.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portfolio", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"portfolio {VERSION}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = args.handler(args, args.command_parser)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler's try, not at interpreter exit
        return code
    except InputError as error:
        for line in error.lines():
            print(line, file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        # the reader stopped (`portfolio history ... | head -1`): what it wanted was printed; no traceback,
        # and stdout pointed at /dev/null so that the interpreter's own final flush does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PIPE

"""The `portfolio` command: a thin layer over the Python API, one module per subcommand.

argparse rather than click/typer: the contract's `--holdings H [H ...]`,
repeatable, is a variadic option, which click cannot express and argparse
does with `nargs="+"` and `action="extend"`. Each subcommand module offers
`DESCRIPTION`, an optional `EPILOG`, `add_arguments(parser)` and `run(args,
parser) -> int`; `build_parser` makes the subcommand's parser from them, with
`run` as its `handler` and the parser itself as `command_parser`. Only the
command being run is imported: `portfolio --help` lists the commands from `COMMANDS` alone and
loads no engine. Exit status: 0
success (also with warnings), 2 bad input or usage (nothing written), 1 when
a check fails (verify).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from typing import Any

from importlib import import_module

from portfolio._version import VERSION

EXIT_INPUT = 2
EXIT_PIPE = 141  # 128 + SIGPIPE, as shells report a reader that stopped early (`| head -1`)
# command -> its one-line help; the module portfolio.cli.<command> builds its parser and runs it
COMMANDS = {
    "analyze": "compute every figure from holdings and issuer files into a run folder",
    "trajectory": "print the latest snapshot against the 2030 path from a run folder",
    "verify": "re-run a run folder from its input copies and check every output matches",
    "publish": "make a recorded run's figures the published ones for its months",
    "history": "list recorded runs and published figures, or compare two runs",
    "rebalance": "propose issuer weights that bring the listed-yield footprint to a target",
}

DESCRIPTION = """\
Carbon footprint, SFDR PAI 1-3, coverage, health and territorial shares of an
insurer's book, and its position against the 2030 climate path.
"""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line; only `command`'s module is imported to build its full parser."""
    parser = argparse.ArgumentParser(prog="portfolio", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"portfolio {VERSION}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_line in COMMANDS.items():
        if name == command:
            _command_parser(commands, name, help_line)
        else:
            commands.add_parser(name, help=help_line, add_help=False)
    return parser


def _command_parser(commands: Any, name: str, help_line: str) -> argparse.ArgumentParser:
    """The full parser of one subcommand, from its module `portfolio.cli.<name>`."""
    module = import_module(f"portfolio.cli.{name}")
    parser = commands.add_parser(name, help=help_line, description=module.DESCRIPTION,
                                 epilog=getattr(module, "EPILOG", None),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    module.add_arguments(parser)
    parser.set_defaults(handler=module.run, command_parser=parser)
    return parser


def _command(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line: its first word that is not an option (the top level takes none
    with a value), if it is a command."""
    word = next((word for word in argv if not word.startswith("-")), None)
    return word if word in COMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command(words))
    args = parser.parse_args(words)
    from holdings.problems import InputError  # after parsing: --help never loads the readers

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


def console() -> None:
    """The `portfolio` program (console script and `python -m portfolio`): `main`, then the process exits.

    Before exiting, every live object is frozen out of the garbage collector's
    reach (`gc.freeze`): the interpreter's shutdown would otherwise walk every
    object pandas, numpy and Arrow created, several times over, to free memory
    the operating system reclaims anyway (0.1-0.15 s, an eighth of a run on the
    sample). Files and thread pools are closed by then; atexit handlers still run.

    numpy's BLAS runs on one thread unless the user says otherwise: the
    engine's matrix work is a regression on a few dozen points, and
    OpenBLAS's extra thread would only spin while the libraries load (0.1 s
    of CPU taken from the other core, where the writers and Arrow work).
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads: see below
    code = main()
    gc.freeze()
    sys.exit(code)

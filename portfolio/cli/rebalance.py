"""`portfolio rebalance --run DIR --as-of DATE ...`: a proposal bringing the listed-yield footprint to a target.

Reads the run folder, solves (`portfolio.rebalance.optimizer`), writes OUT atomically
(a hidden sibling renamed into place, as `portfolio.audit.rundir` does). Exit 0
with a proposal, 2 bad input, 3 target out of reach (one line with the lowest
reachable footprint), 1 when the solver itself fails; never a traceback for
either of the last two.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from holdings.problems import InputError, Problem, quote_value
from portfolio.audit.load import load_run
from portfolio.audit.manifest import json_bytes
from portfolio.audit.rundir import check_out_dir, write_folder
from portfolio.rebalance.inputs import book_at, ledoit_wolf, read_limits, read_prices, target_at
from portfolio.rebalance.optimizer import Infeasible, Rebalancer, SolverFailed, proposal_table, summary
from portfolio.settings import LANGUAGES
from reports.csv_files import format_csv
from reports.frontier import frontier_html

EXIT_SOLVER, EXIT_INFEASIBLE = 1, 3
DESCRIPTION = "Least-tracking-error issuer weights whose carbon footprint meets a target."
EPILOG = """\
works on the covered holdings of listed_yield (bucket yield, listed, covered)
at DATE, by issuer (look-through lines of a fund count under their issuer);
everything else (uncovered lines, sovereigns, the territorial fund,
strategic holdings) stays as it is. Limits come from the
[rebalance] table of --config: max_weight (0.10; never below an issuer's
current weight), max_sector_deviation (0.05), turnover_cap (0.30),
exclude_issuers, exclude_sectors. With --prices (date,issuer_id,price, monthly)
the tracking error uses the Ledoit-Wolf covariance; without, the proposal
minimises the squared weight change.

outputs in --out: rebalance.csv, summary.json, frontier.csv, frontier.html.
exit status: 0 done, 2 bad input, 3 target out of reach, 1 solver failure.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `portfolio rebalance` (its parser is built by `portfolio.cli.build_parser`)."""
    parser.add_argument("--run", type=Path, required=True, metavar="DIR", help="a run folder of `portfolio analyze`")
    parser.add_argument("--as-of", required=True, metavar="DATE", help="the snapshot date, YYYY-MM-DD")
    parser.add_argument("--target", default="path", metavar="path|VALUE",
                        help="footprint target in tCO2e/MEUR, or `path` (default): the 2030 path at DATE")
    parser.add_argument("--prices", type=Path, metavar="FILE", help="monthly prices: date,issuer_id,price")
    parser.add_argument("--config", type=Path, metavar="C", help="settings TOML with a [rebalance] table")
    parser.add_argument("--out", type=Path, required=True, metavar="OUT", help="a new or empty output folder")
    parser.add_argument("--lang", choices=LANGUAGES, default="fr", help="language of frontier.html (default fr)")


def _as_of(text: str) -> pd.Timestamp:
    """`--as-of` as a date, or an input error."""
    try:
        return pd.Timestamp(pd.to_datetime(text, format="%Y-%m-%d"))
    except ValueError:
        raise InputError(Problem("--as-of", 1, "", quote_value(text), "a date as YYYY-MM-DD")) from None


def _write(out: Path, files: dict[str, bytes]) -> None:
    """Write the files into a hidden sibling, then rename it into place."""
    def fill(work: Path) -> None:
        for name, content in files.items():
            (work / name).write_bytes(content)

    write_folder(out, fill, can_force=False)  # rebalance has no --force


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Read, solve, write; the exit status."""
    check_out_dir(args.out, force=False, can_force=False)
    as_of = _as_of(args.as_of)
    limits = read_limits(args.config)
    result = load_run(args.run, tables=("contributions", "trajectory"))
    book = book_at(result, as_of)
    target = target_at(result, as_of, args.target)
    try:
        risk = ledoit_wolf(read_prices(args.prices, book.issuer_id)) if args.prices else None
        rebalancer = Rebalancer(book, limits, risk)
        proposal = rebalancer.propose(target)
        curve = rebalancer.frontier()
    except Infeasible as error:
        print(f"portfolio rebalance: {error.message()}", file=sys.stderr)
        return EXIT_INFEASIBLE
    except SolverFailed as error:
        print(f"portfolio rebalance: the solver failed ({error}); no proposal written", file=sys.stderr)
        return EXIT_SOLVER
    figures = summary(book, proposal, risk)
    _write(args.out, {
        "rebalance.csv": format_csv(proposal_table(book, proposal.weights)),
        "summary.json": json_bytes(figures),
        "frontier.csv": format_csv(curve),
        "frontier.html": frontier_html(curve, figures, risk is not None, args.lang),
    })
    return 0

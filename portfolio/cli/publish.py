"""`portfolio publish RUN_DIR --store PATH [--restate REASON]`: make a run's figures the published ones."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from contextlib import closing
from pathlib import Path

from holdings.problems import InputError, Problem, quote_value
from portfolio.audit.history import ID_SHOWN, headlines_first
from portfolio.audit.publish import PUBLISHED, REFUSED, RESTATED, MonthOutcome, RestatementRefused, publish_run
from portfolio.audit.store import open_store, resolve_run, run_figures
from portfolio.audit.verify import integrity_findings

EXIT_ALTERED = 1
EXIT_REFUSED = 2
SHOWN_CHANGES = 10

DESCRIPTION = "Mark a recorded run's figures as the published figures of its months."
EPILOG = """\
The run must have been recorded in the store (`portfolio analyze --store
PATH`) and its folder must be intact (outputs and input copies matching
their recorded SHA-256). Per month (snapshot) of the run: a month never
published is published; identical figures leave it as it is; different
figures are a restatement, refused unless --restate gives a reason, and
then the earlier publication is kept beside the new one.

exit status: 0 published or nothing to do; 1 the run folder was altered
(run `portfolio verify`); 2 a month needs --restate (the months and figures
that differ are listed on stderr), or the run is not in the store.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `portfolio publish` (its parser is built by `portfolio.cli.build_parser`)."""
    parser.add_argument("folder", type=Path, metavar="RUN_DIR", help="a run folder recorded in the store")
    parser.add_argument("--store", type=Path, required=True, metavar="PATH", help="run history (SQLite file)")
    parser.add_argument("--restate", type=_reason, metavar="REASON",
                        help="publish over different published figures, for this reason (kept with them)")
    parser.add_argument("--as-of", action="append", type=_date, metavar="DATE", dest="months",
                        help="publish only this snapshot (YYYY-MM-DD); may be repeated")


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    with closing(open_store(args.store, create=False)) as store:
        run_id = resolve_run(store, str(args.folder))
        altered = integrity_findings(args.folder)
        if altered:
            print(f"portfolio publish: {args.folder} changed since it was written; not published "
                  "(see `portfolio verify`):", file=sys.stderr)
            print("\n".join(line for finding in altered for line in finding.lines()), file=sys.stderr)
            return EXIT_ALTERED
        missing = sorted(set(args.months or ()) - {as_of for as_of, _, _ in run_figures(store, run_id)})
        if missing:
            raise InputError(Problem(str(args.folder), 1, "--as-of", quote_value(", ".join(missing)),
                                     "snapshot dates of the run"))
        try:
            outcomes = publish_run(store, run_id, args.restate, args.months)
        except RestatementRefused as refused:
            _print_refusal(refused.outcomes)
            return EXIT_REFUSED
    for outcome in outcomes:
        print(f"{outcome.as_of}: {_said(outcome, run_id)}")
    return 0


def _said(outcome: MonthOutcome, run_id: str) -> str:
    previous = (outcome.previous_run or "")[:ID_SHOWN]
    if outcome.status == PUBLISHED:
        return f"published (run {run_id[:ID_SHOWN]})"
    if outcome.status == RESTATED:
        return f"restated (run {run_id[:ID_SHOWN]} over run {previous}; {len(outcome.changes)} figures differ)"
    return f"already published with identical figures (run {previous}); nothing to do"


def _print_refusal(outcomes: list[MonthOutcome]) -> None:
    for outcome in outcomes:
        if outcome.status != REFUSED:
            continue
        print(f"portfolio publish: {outcome.as_of} is published with different figures "
              f"(run {(outcome.previous_run or '')[:ID_SHOWN]}); give --restate \"reason\" to restate it. "
              f"{len(outcome.changes)} figures differ (published -> this run):", file=sys.stderr)
        for change in headlines_first(outcome.changes)[:SHOWN_CHANGES]:
            print(f"  {change.describe()}", file=sys.stderr)
        if len(outcome.changes) > SHOWN_CHANGES:
            print(f"  ... and {len(outcome.changes) - SHOWN_CHANGES} more", file=sys.stderr)
    print("portfolio publish: nothing was published", file=sys.stderr)


def _reason(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("give the reason for the restatement")
    return text.strip()


def _date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None

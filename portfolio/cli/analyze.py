"""`portfolio analyze`: compute every figure into a new run folder, optionally recorded in the run history."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from holdings.tabular import split_sheet
from portfolio.audit.report_files import REPORT_WRITERS
from portfolio.audit.workspace import out_lock
from portfolio.cli.allocator import use_pool_for
from portfolio.cli.progress import Progress
from portfolio.engine.gaps import count_by_reason
from portfolio.settings import LANGUAGES
from reports.pdf import find_chromium, write_pdf
from portfolio.run import analyze
from portfolio.audit.rundir import analyze_into, check_out_dir
from portfolio.settings import load_settings

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM

DESCRIPTION = "Compute every figure of the data contract into a new run folder."
EPILOG = """\
inputs: CSV (',' or ';', decimal point or comma, UTF-8 or Windows-1252),
XLSX (first sheet, or book.xlsx#Sheet) or Parquet; see README.md.
With neither --holdings nor --issuers, runs on the bundled sample book.

outputs in --out: metrics.csv, trajectory.csv, pai.csv, contributions.csv,
warnings.csv, manifest.json (the data contract), and attribution.csv,
attribution_issuers.csv, drift.csv, projection.csv, projection_summary.json,
report.html and report.xlsx (unless --no-report); inputs/ (copies of the
inputs, for `portfolio verify`) and run.json (when, and by which command
line, the folder was written). With --targets (and on the bundled sample):
temperature.csv and temperature_portfolio.csv, the temperature rating.

run history: with --store PATH (an SQLite file, created if needed), earlier
snapshots recorded there are added to the given holdings (those dated before
the latest given one; a given file wins for the same date), and the run is
recorded with its figures and holdings. Publish it with `portfolio publish`.
With --store, --force never replaces the folder of a run that was published.

exit status: 0 success (also with warnings), 2 bad input (one line per
problem on stderr: FILE: row N, column C: got 'V'; expected ...), 130
interrupted (Ctrl-C) or 143 terminated (SIGTERM): the message says what
exists (nothing in --out, or a complete folder not yet recorded in --store).

--force replaces only a run folder (its manifest.json, and nothing in it a
run does not write), never one holding an input of this run or the --store
file. Two runs to one --out at once: the second exits 2.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `portfolio analyze` (its parser is built by `portfolio.cli.build_parser`)."""
    parser.add_argument("--holdings", nargs="+", action="extend", metavar="H", type=Path,
                        help="holdings file(s), one per month is usual; may be repeated")
    parser.add_argument("--issuers", type=Path, metavar="I", help="issuer carbon/ESG file")
    parser.add_argument("--config", type=Path, metavar="C", help="settings file (TOML)")
    parser.add_argument("--funds", type=Path, metavar="F", help="fund compositions, for look-through")
    parser.add_argument("--sovereigns", type=Path, metavar="F", help="country emissions and GDP, for sovereign bonds")
    parser.add_argument("--fx", type=Path, metavar="F", help="exchange rates, for issuer amounts in other currencies")
    parser.add_argument("--targets", type=Path, metavar="F",
                        help="issuers' emission-reduction targets, for the temperature rating (needs --holdings)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="run folder to create (must be new or empty)")
    parser.add_argument("--force", action="store_true",
                        help="replace --out if it exists (with --store, never the folder of a published run)")
    parser.add_argument("--store", type=Path, metavar="PATH",
                        help="run history (SQLite file): take earlier snapshots from it and record this run")
    parser.add_argument("--no-report", action="store_true",
                        help="skip the HTML and workbook reports (CSV and manifest only)")
    parser.add_argument("--lang", choices=LANGUAGES, help="report language (default: [report] lang, else fr)")
    parser.add_argument("--pdf", action="store_true",
                        help="also print report.html to report.pdf with a local headless Chromium")
    parser.add_argument("--quiet", action="store_true", help="print nothing on success (no progress, notes or warnings count)")


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every clean-up (the run folder's hidden sibling) runs."""


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated()


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises `Terminated` (main thread only; elsewhere signals stay as they are)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@dataclass
class Written:
    """How far a run got, so that an interrupted one says truthfully what exists."""

    placed: bool = False
    recorded: bool = False

    def after_interruption(self, args: argparse.Namespace) -> str:
        if not self.placed:
            return f"nothing was written to {args.out}"
        if args.store is not None and not self.recorded:
            return (f"{args.out} was written, complete, but not recorded in {args.store} "
                    "(run again with --force to record it)")
        return f"{args.out} was written" + (f" and recorded in {args.store}" if args.store is not None else "")


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Analyze; on Ctrl-C or SIGTERM, say what was written and exit 130 or 143."""
    written = Written()
    try:
        with sigterm_as_interrupt():
            return _analyze(args, parser, written)
    except KeyboardInterrupt as stop:
        print(f"portfolio: interrupted; {written.after_interruption(args)}", file=sys.stderr)
        return EXIT_TERMINATED if isinstance(stop, Terminated) else EXIT_INTERRUPTED


def _analyze(args: argparse.Namespace, parser: argparse.ArgumentParser, written: Written) -> int:
    if (args.holdings is None) != (args.issuers is None):
        parser.error("give both --holdings and --issuers, or neither to run on the bundled sample")
    if args.targets is not None and args.holdings is None:
        parser.error("--targets needs --holdings and --issuers (the bundled sample brings its own targets)")
    if args.store is not None and args.holdings is None:
        parser.error("--store records real books only: give --holdings and --issuers")
    protected = [split_sheet(path)[0] for path in (*(args.holdings or []), args.issuers, args.config, args.funds,
                                                   args.sovereigns, args.fx, args.targets, args.store)
                 if path is not None]
    if args.pdf and (args.no_report or find_chromium() is None):
        parser.error("--pdf needs the HTML report (no --no-report) and a local Chromium "
                     "(Debian: apt-get install chromium)")
    use_pool_for(split_sheet(path)[0] for path in args.holdings or [])
    progress = Progress(quiet=args.quiet)
    if args.holdings is None and not args.quiet:
        print("portfolio: no --holdings/--issuers given: running on the bundled sample book "
              "(synthetic, calibrated on the 2023 mission report)", file=sys.stderr)
    with out_lock(args.out), progress, ExitStack() as stack:
        check_out_dir(args.out, args.force, protected)
        settings = load_settings(args.config)
        if args.lang:
            settings = settings.with_report(lang=args.lang)
        store, holdings, stored = None, args.holdings, []
        if args.store is not None:  # the run history: only a --store run loads it
            from portfolio.audit.monthly import monthly_inputs
            from portfolio.audit.store import check_not_published, open_store
            store = stack.enter_context(closing(open_store(args.store)))
            if args.force:
                check_not_published(store, args.out)
            inputs = stack.enter_context(monthly_inputs(store, args.holdings, settings))
            holdings, stored = inputs.holdings, inputs.stored
        result = analyze_into(
            args.out, lambda sink: analyze(holdings, args.issuers, settings, progress=progress.step,
                                           funds=args.funds, sovereigns=args.sovereigns, fx=args.fx,
                                           targets=args.targets, contributions_sink=sink,
                                           keep_contributions=not args.no_report),
            force=args.force, extra_writers={} if args.no_report else REPORT_WRITERS, progress=progress.step,
            stored_snapshots=stored, protected=protected)
        written.placed = True
        if args.pdf:
            progress.step("printing report.pdf")
            write_pdf(args.out / "report.html", args.out / "report.pdf")
        if store is not None:
            from portfolio.audit.store import record_run
            progress.step("recording the run")
            record_run(store, args.out, result.metrics, inputs.snapshots, sys.argv)
            written.recorded = True
    if args.quiet:
        return 0
    for record in result.inputs:
        for note in record.dialect.get("notes", []):
            print(f"portfolio: note: {record.file}: {note}", file=sys.stderr)
    counts = count_by_reason(result.warnings)
    if counts:
        detail = ", ".join(f"{reason} {count}" for reason, count in counts.items())
        print(f"portfolio: {sum(counts.values())} warnings ({detail}); see {args.out / 'warnings.csv'}",
              file=sys.stderr)
    return 0

"""The rendered reports a run folder carries besides the contract's files, by file name.

One table, shared by `analyze` (which writes them, unless `--no-report`)
and `verify` (which re-renders those a run recorded and compares their bytes
like any other output: both renderers are deterministic).
"""

from __future__ import annotations

from pathlib import Path

from portfolio.audit.rundir import Writer
from portfolio.result import Result


def _html(result: Result, path: Path) -> None:
    from reports.html import write_html  # imported here: `--no-report` runs never load the renderers

    write_html(result, path, result.settings.report.lang, result.settings.report.coverage_floor)


def _workbook(result: Result, path: Path) -> None:
    from reports.workbook import write_workbook

    write_workbook(result, path, result.settings.report.lang)


# the language and coverage floor come from the recorded settings, so `verify` renders the same bytes
REPORT_WRITERS: dict[str, Writer] = {"report.html": _html, "report.xlsx": _workbook}

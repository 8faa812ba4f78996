"""Shared test helpers: write small input tables, run the command line."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# CI (CI=true) explores the same examples every run, so a red build is reproducible;
# locally, hypothesis keeps exploring new ones.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

HOLDINGS_HEADER = ["as_of", "holding_id", "issuer_id", "bucket", "asset_class", "listed", "market_value_eur"]
ISSUERS_HEADER = ["issuer_id", "year", "scope1_tco2e", "scope2_tco2e", "scope3_tco2e", "evic_eur",
                  "revenue_eur"]


def write_csv(path: Path, rows: Sequence[Sequence[object]], delimiter: str = ",",
              encoding: str = "utf-8") -> Path:
    """Write `rows` (header first) as CSV, quoting only where needed; return the path."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def holding(holding_id: str = "H1", **fields: object) -> list[object]:
    """One valid holdings row in HOLDINGS_HEADER order; keyword arguments replace cells."""
    row = {"as_of": "2023-12-31", "holding_id": holding_id, "issuer_id": "I1", "bucket": "yield",
           "asset_class": "listed_equity", "listed": "true", "market_value_eur": "1000"}
    row.update(fields)
    return [row[name] for name in HOLDINGS_HEADER]


def issuer(issuer_id: str = "I1", **fields: object) -> list[object]:
    """One valid issuers row in ISSUERS_HEADER order; keyword arguments replace cells."""
    row = {"issuer_id": issuer_id, "year": "2022", "scope1_tco2e": "100", "scope2_tco2e": "50",
           "scope3_tco2e": "850", "evic_eur": "1000000", "revenue_eur": "500000"}
    row.update(fields)
    return [row[name] for name in ISSUERS_HEADER]


class Tables:
    """The builders above, handed to tests by the `tables` fixture."""

    holdings_header = HOLDINGS_HEADER
    issuers_header = ISSUERS_HEADER
    write_csv = staticmethod(write_csv)
    holding = staticmethod(holding)
    issuer = staticmethod(issuer)


@pytest.fixture
def tables() -> type[Tables]:
    """Builders of small holdings/issuers CSV files: rows as lists, header first."""
    return Tables


@dataclass
class CliRun:
    """What one command-line run gave: exit status and stderr, split in lines."""

    code: int
    stderr: str

    @property
    def lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[[Sequence[str]], CliRun]:
    """Run `portfolio.cli.main(argv)`; usage errors (SystemExit) count as exit statuses."""
    from portfolio.cli import main

    def run(argv: Sequence[str]) -> CliRun:
        capsys.readouterr()
        try:
            code = main([str(arg) for arg in argv])
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
        return CliRun(code, capsys.readouterr().err)

    return run

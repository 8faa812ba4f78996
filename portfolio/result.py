"""`Result`: every figure of one run as frames, with the settings, baselines and inputs that made them.

A renderer (the reports, the CLI's text) needs nothing else: the frames of
the contract's files, the dense 2030 path and its constants, the projection
and its summary, and the vocabulary through `portfolio.names`. Like a
statsmodels results object it computes nothing when printed: `summary()`
renders the text `portfolio trajectory` prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from portfolio.engine.contribution_table import ContributionTable
from portfolio.engine.metrics import metric_series
from portfolio.engine.names import FOOTPRINT
from portfolio.engine.projection import ProjectionSummary
from portfolio.engine.trajectory import Baseline, dense_path
from portfolio.rebalance.advice import Advice, propose, standing
from portfolio.settings import Settings
from portfolio.summary import summary_text


@dataclass
class InputRecord:
    """What was read from one input: its role, name, hash and the detected dialect."""

    role: str
    file: str
    sha256: str | None
    dialect: dict[str, Any]
    path: Path | None = None

    @classmethod
    def of(cls, role: str, table: Any) -> InputRecord:
        """The record of a `holdings.RawTable` read for `role`."""
        return cls(role, table.source, table.sha256, dict(table.dialect), table.path)


@dataclass
class Result:
    """Every figure of one run, as frames, with the settings and inputs that made them."""

    metrics: pd.DataFrame
    trajectory: pd.DataFrame
    pai: pd.DataFrame
    contribution_table: ContributionTable  # contributions.csv's rows, chunk by chunk (on disk for a large book)
    warnings: pd.DataFrame
    attribution: pd.DataFrame
    attribution_issuers: pd.DataFrame
    drift: pd.DataFrame
    projection: pd.DataFrame
    projection_summaries: list[ProjectionSummary]
    settings: Settings
    baselines: list[Baseline]
    inputs: list[InputRecord] = field(default_factory=list)
    sample: bool = False
    temperature: pd.DataFrame | None = None  # company scores (temperature.csv), when targets were given
    temperature_portfolio: pd.DataFrame | None = None  # temperature_portfolio.csv, likewise
    temperature_contributions: pd.DataFrame | None = None  # issuers' pull on it (latest, listed_yield; report)

    def footprint_standing(self) -> tuple[bool, bool]:
        """Whether the listed-yield footprint is (above its path at the latest snapshot, projected to miss the target)."""
        return standing(self.trajectory, self.projection_summary(FOOTPRINT), pd.Timestamp(self.metrics["as_of"].max()))

    def metric_series(self, perimeter: str, metric: str) -> pd.Series:
        """One metric over time for one perimeter, indexed by snapshot date (NaN where empty)."""
        return metric_series(self.metrics, perimeter, metric)

    def latest(self, perimeter: str, metric: str) -> float:
        """The value of one metric at the latest snapshot (NaN when empty)."""
        values = self.metric_series(perimeter, metric).sort_index()
        return float(values.iloc[-1]) if len(values) else float("nan")

    def baseline(self, metric: str) -> Baseline | None:
        """The baseline of a trajectory metric (its value is None when unknown), or None if not a path metric."""
        return next((baseline for baseline in self.baselines if baseline.metric == metric), None)

    def projection_summary(self, metric: str) -> ProjectionSummary | None:
        """The fitted trend of a trajectory metric, or None when it was not projected."""
        return next((summary for summary in self.projection_summaries if summary.metric == metric), None)

    @cached_property
    def contributions(self) -> pd.DataFrame:
        """contributions.csv as one frame, built on first use (a large book's chunks are read back from disk)."""
        return self.contribution_table.frame()

    @cached_property
    def advice(self) -> Advice | None:
        """The rebalancing proposal when the footprint is off track (the reports' "What to do"), None on track.

        Solved on first use: only the reports read it, so a `--no-report` run
        never loads the solver nor solves (3.5 s of a 2M-row off-track book).
        """
        return propose(self.contribution_table.latest(), self.trajectory, self.baseline(FOOTPRINT).value,
                       self.projection_summary(FOOTPRINT), self.settings.trajectory)

    @cached_property
    def path(self) -> pd.DataFrame:
        """The 2030 path at every month end from the baseline to the target date: as_of, metric, path."""
        return dense_path(self.settings.trajectory, self.baselines)

    def summary(self, label: str = "") -> str:
        """The latest snapshot against the path, the projection and the drift reasons, as plain text."""
        return summary_text(self.trajectory, self.drift, self.projection_summaries, self.warnings,
                            self.settings.trajectory, label)

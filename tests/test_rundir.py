"""The run folder as an archive: input copies, settings, run-time facts apart, and atomic writing.

Complements test_output_files.py (the contract's files) with what makes a
folder re-runnable and safe: `inputs/`, `run.json`, a killed run, a race.
"""

from __future__ import annotations

import gzip
import json
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import portfolio
from portfolio.settings import Settings, Trajectory, settings_from_mapping
from test_verify import write_book


def test_inputs_are_copied_by_base_name_deterministically(tmp_path: Path) -> None:
    holdings, issuers = write_book(tmp_path / "in")
    first = portfolio.write_run(portfolio.analyze(str(holdings), str(issuers)), tmp_path / "a")
    second = portfolio.write_run(portfolio.analyze(str(holdings), str(issuers)), tmp_path / "b")
    assert sorted(p.name for p in (first / "inputs").iterdir()) == ["holdings.csv.gz", "issuers.csv.gz"]
    for name in ("holdings.csv.gz", "issuers.csv.gz"):
        assert (first / "inputs" / name).read_bytes() == (second / "inputs" / name).read_bytes()
    assert gzip.decompress((first / "inputs" / "holdings.csv.gz").read_bytes()) == holdings.read_bytes()
    assert (first / "manifest.json").read_bytes() == (second / "manifest.json").read_bytes()
    assert str(tmp_path) not in (first / "manifest.json").read_text()


def test_run_time_facts_are_kept_apart_in_run_json(tmp_path: Path) -> None:
    holdings, issuers = write_book(tmp_path / "in")
    out = portfolio.write_run(portfolio.analyze(str(holdings), str(issuers)), tmp_path / "run")
    info = json.loads((out / "run.json").read_text())
    assert sorted(info) == ["command", "run_id", "written_at"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert "run.json" not in manifest["outputs"] and "inputs" not in manifest["outputs"]


def test_the_recorded_settings_read_back_to_the_same_settings() -> None:
    settings = Settings(scopes=(1, 2), territorial_funds=("FR-EMPLOIS", "X"), publication_lag_months=3,
                        trajectory=Trajectory(reduction=0.4, shape="geometric", baseline_footprint=412.0,
                                              evic_inflation_adjustment=True),
                        columns={"Valeur": "market_value_eur"}, values={"bucket": {"rendement": "yield"}})
    assert settings_from_mapping(json.loads(json.dumps(settings.to_dict())), "manifest.json") == settings


def test_a_folder_filled_meanwhile_is_never_replaced_without_force(tmp_path: Path) -> None:
    holdings, issuers = write_book(tmp_path / "in")
    out = tmp_path / "run"

    def another_run_finishes_first(_result: portfolio.Result, path: Path) -> None:
        out.mkdir()
        (out / "metrics.csv").write_text("the other run's figures")
        path.write_text("report")

    with pytest.raises(portfolio.InputError):
        portfolio.write_run(portfolio.analyze(str(holdings), str(issuers)), out,
                            extra_writers={"report.html": another_run_finishes_first})
    assert (out / "metrics.csv").read_text() == "the other run's figures"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "run"]


def test_an_input_changed_during_the_run_is_refused(tmp_path: Path) -> None:
    holdings, issuers = write_book(tmp_path / "in")
    result = portfolio.analyze(str(holdings), str(issuers))
    holdings.write_text(holdings.read_text() + "\n")  # after it was read: its copy would not be what was read
    with pytest.raises(portfolio.InputError, match="changed during the run"):
        portfolio.write_run(result, tmp_path / "run")
    assert not (tmp_path / "run").exists()


def big_book(folder: Path, rows: int = 200_000, snapshots: int = 10, issuers: int = 2_000) -> tuple[Path, Path]:
    """A generated book of `rows` holdings over month-ends of 2023, big enough to take a second or two."""
    folder.mkdir()
    per_snapshot = rows // snapshots
    rng = np.random.default_rng(20240601)
    dates = pd.date_range("2023-01-31", periods=snapshots, freq="ME").strftime("%Y-%m-%d")
    pd.DataFrame({
        "as_of": np.repeat(dates, per_snapshot),
        "holding_id": np.tile(np.char.add("H", np.arange(per_snapshot).astype(str)), snapshots),
        "issuer_id": np.char.add("I", rng.integers(0, issuers, per_snapshot * snapshots).astype(str)),
        "bucket": "yield", "asset_class": "listed_equity", "listed": "true",
        "market_value_eur": rng.integers(1_000, 1_000_000, per_snapshot * snapshots),
    }).to_csv(folder / "holdings.csv", index=False)
    pd.DataFrame({"issuer_id": np.char.add("I", np.arange(issuers).astype(str)), "year": 2022,
                  "scope1_tco2e": 100.0, "scope2_tco2e": 50.0, "scope3_tco2e": 500.0, "evic_eur": 1e9,
                  "revenue_eur": 5e8}).to_csv(folder / "issuers.csv", index=False)
    return folder / "holdings.csv", folder / "issuers.csv"


def test_a_run_killed_mid_write_leaves_no_folder_and_no_record(tmp_path: Path) -> None:
    holdings, issuers = big_book(tmp_path / "in")
    out, store = tmp_path / "run", tmp_path / "history.db"
    child = subprocess.Popen([sys.executable, "-m", "portfolio", "analyze", "--holdings", str(holdings),
                              "--issuers", str(issuers), "--store", str(store), "--out", str(out), "--no-report",
                              "--quiet"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".run.tmp-*")):
        assert child.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert not out.exists()
    assert list(tmp_path.glob(".run.tmp-*"))  # the killed run's work, hidden
    with closing(sqlite3.connect(store)) as connection:
        assert connection.execute("SELECT count(*) FROM recordings").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM runs").fetchone() == (0,)
    small, small_issuers = write_book(tmp_path / "small")
    portfolio.write_run(portfolio.analyze(str(small), str(small_issuers)), out)
    assert not list(tmp_path.glob(".run.tmp-*"))  # the next run cleared it
    assert (out / "metrics.csv").is_file()

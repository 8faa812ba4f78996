"""What the commands say: advice that fits the run, hints that name the setting to write, no noise.

Each test is one defect a new user met: advice to include a snapshot that was
included, a `--force` suggested by a command that has none, a traceback when
the reader of a pipe stops early, warnings printed under `--quiet`, a renamed
optional column silently ignored, `'5\\xa0983'` in a message, `1.5` refused
without a reason, no hint of `[columns]` / `[values]`, shares printed as raw
floats, a solver banner, an untitled English-only frontier page.
"""

from __future__ import annotations

import gc
import io
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest

import portfolio
from holdings.problems import quote_value
import portfolio.cli
from portfolio.cli import EXIT_PIPE, main
from portfolio.cli.allocator import ARROW_DEFAULT_POOL, SMALL_BOOK_BYTES, pool_for
from test_metrics import holdings_frame, issuers_frame
from test_store import analyze as store_analyze
from test_store import cli
from test_verify import write_book


def test_trajectory_does_not_advise_a_snapshot_that_was_included(tmp_path: Path, capsys) -> None:
    # the 2019-12-31 snapshot is there, but its issuers published nothing before 2020: footprint unknown
    holdings = holdings_frame().assign(as_of="2019-12-31")
    portfolio.write_run(portfolio.analyze(holdings, issuers_frame()), tmp_path / "run")
    code, out, _ = cli(["trajectory", "--run", tmp_path / "run"], capsys)
    assert code == 0
    assert "add the baseline snapshot" not in out
    assert "the 2019-12-31 snapshot has no covered listed_yield line" in out and "baseline_footprint" in out
    warnings = pd.read_csv(tmp_path / "run" / "warnings.csv", dtype=str, keep_default_na=False)
    details = " ".join(warnings.loc[warnings["reason"] == "missing_baseline", "detail"])
    assert "add the baseline snapshot" not in details and "the 2019-12-31 snapshot has no covered" in details


def test_trajectory_advises_the_snapshot_when_it_is_absent(tmp_path: Path, capsys) -> None:
    portfolio.write_run(portfolio.analyze(holdings_frame(), issuers_frame()), tmp_path / "run")
    _, out, _ = cli(["trajectory", "--run", tmp_path / "run"], capsys)
    assert "no snapshot dated 2019-12-31" in out and "add the baseline snapshot to the holdings" in out


def test_rebalance_does_not_suggest_a_force_it_lacks(tmp_path: Path, capsys) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("x")
    code, _, err = cli(["rebalance", "--run", tmp_path / "run", "--as-of", "2023-12-31", "--out", tmp_path / "out"],
                       capsys)
    assert code == 2 and "not empty" in err and "--force" not in err


class ClosedPipe(io.TextIOBase):
    """A stdout whose reader has gone (`| head -1` after its line): every write or flush fails."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        return self.fd


@pytest.mark.parametrize("command", [["history"], ["trajectory"]])
def test_a_closed_pipe_ends_quietly(tmp_path: Path, capsys, monkeypatch, command: Sequence[str]) -> None:
    assert cli(store_analyze(tmp_path, "dec", "2023-12-31"), capsys)[0] == 0
    argv = [*command, "--store", tmp_path / "history.db"] if command == ["history"] else \
        [*command, "--run", tmp_path / "dec"]
    read_end, write_end = os.pipe()
    saved = os.dup(write_end)
    monkeypatch.setattr("sys.stdout", ClosedPipe(write_end))
    try:
        code = main([str(arg) for arg in argv])  # no BrokenPipeError raised out of main: no traceback
    finally:
        for fd in (read_end, write_end, saved):
            os.close(fd)
    assert code == EXIT_PIPE


def test_the_program_exits_with_the_command_status_and_leaves_shutdown_nothing_to_collect(monkeypatch) -> None:
    monkeypatch.setattr(portfolio.cli, "main", lambda: EXIT_PIPE)
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    try:
        with pytest.raises(SystemExit) as stop:
            portfolio.cli.console()
        assert stop.value.code == EXIT_PIPE
        assert gc.get_freeze_count() > 0  # what lives at exit is out of the collector's reach
    finally:
        gc.unfreeze()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"  # numpy's BLAS on one thread, unless the user chose
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    with pytest.raises(SystemExit):
        portfolio.cli.console()
    gc.unfreeze()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "2"
    usage = subprocess.run([sys.executable, "-m", "portfolio", "analyze"], capture_output=True, text=True)
    assert usage.returncode == 2 and "the following arguments are required: --out" in usage.stderr


def test_arrow_allocates_from_the_system_for_a_small_book_and_from_its_own_pool_for_a_large_one(monkeypatch) -> None:
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    assert pool_for(1_544_871).backend_name == "system"  # the bundled sample's holdings.csv
    assert pool_for(SMALL_BOOK_BYTES + 1) is ARROW_DEFAULT_POOL
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")  # the user's choice stands
    assert pool_for(1) is ARROW_DEFAULT_POOL


def test_quiet_prints_nothing_even_with_warnings(tmp_path: Path, capsys) -> None:
    holdings, issuers = write_book(tmp_path / "in")  # H3 and H4 are data gaps: warnings
    code, out, err = cli(["analyze", "--holdings", holdings, "--issuers", issuers, "--out", tmp_path / "run",
                          "--no-report", "--quiet"], capsys)
    assert code == 0 and (out, err) == ("", "")
    code, _, err = cli(["analyze", "--holdings", holdings, "--issuers", issuers, "--out", tmp_path / "loud",
                        "--no-report"], capsys)
    assert "warnings (" in err  # the same run without --quiet does count them


def test_a_renamed_optional_column_is_named_in_a_note(tmp_path: Path, capsys) -> None:
    holdings, issuers = write_book(tmp_path / "in")
    frame = pd.read_csv(issuers).rename(columns={"evic_eur": "EVIC (EUR)"})
    frame.to_csv(issuers, index=False)
    code, _, err = cli(["analyze", "--holdings", holdings, "--issuers", issuers, "--out", tmp_path / "run",
                        "--no-report"], capsys)
    assert code == 0
    note = next(line for line in err.splitlines() if "note" in line)
    assert "'evic (eur)'" in note and "evic_eur" in note and "[columns]" in note
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    detected = next(entry["detected"] for entry in manifest["inputs"] if entry["role"] == "issuers")
    assert any("evic_eur" in line for line in detected["notes"])


def test_spaces_in_values_are_shown_readably() -> None:
    assert quote_value("5\u00a0983") == "'5 983'"
    assert quote_value("1\u202f234,5") == "'1 234,5'"
    assert quote_value("a\x1eb") == "'a\\x1eb'"  # control characters stay escaped (contract)


def test_a_dot_in_a_decimal_comma_file_is_refused_with_the_reason(tmp_path: Path, capsys) -> None:
    holdings, issuers = write_book(tmp_path / "in")
    text = holdings.read_text().replace(",", ";")
    text = text.replace(";2000000;", ";2000000,5;")  # H1: a decimal comma, so the file's mark is ','
    text = text.replace(";1000000;", ";1.5;", 1)  # H2: 1,5 or 15?
    holdings.write_text(text)
    code, _, err = cli(["analyze", "--holdings", holdings, "--issuers", issuers, "--out", tmp_path / "run"], capsys)
    assert code == 2
    assert "got '1.5'; expected" in err and "ambiguous" in err and "decimal mark is ','" in err


def test_unknown_column_and_value_hint_at_the_settings(tmp_path: Path, capsys) -> None:
    holdings, issuers = write_book(tmp_path / "in")
    frame = pd.read_csv(holdings)
    frame.rename(columns={"market_value_eur": "Valeur de marche"}).assign(bucket="rendement").to_csv(holdings,
                                                                                                  index=False)
    _, _, err = cli(["analyze", "--holdings", holdings, "--issuers", issuers, "--out", tmp_path / "run"], capsys)
    assert '[columns]: "your name" = "market_value_eur"' in err
    frame.assign(bucket="rendement").to_csv(holdings, index=False)
    _, _, err = cli(["analyze", "--holdings", holdings, "--issuers", issuers, "--out", tmp_path / "run"], capsys)
    assert "got 'rendement'; expected one of yield, strategic (or map this spelling under [values] bucket)" in err


def test_history_prints_shares_as_percentages(tmp_path: Path, capsys) -> None:
    assert cli(store_analyze(tmp_path, "dec", "2023-12-31"), capsys)[0] == 0
    assert cli(["publish", tmp_path / "dec", "--store", tmp_path / "history.db"], capsys)[0] == 0
    _, out, _ = cli(["history", "--store", tmp_path / "history.db"], capsys)
    header, row = out.split("published figures")[1].splitlines()[1:3]
    assert "health_share_pct" in header
    strategic = holdings_frame().query("bucket == 'strategic'")
    health = strategic.loc[strategic["purpose"] != "", "market_value_eur"].sum() / strategic["market_value_eur"].sum()
    assert f"{health * 100:.2f} %" in row


def test_rebalance_prints_no_solver_banner_and_titles_its_page(tmp_path: Path, capfd) -> None:
    # capfd: the banner is written by the solver's C code to file descriptor 1, which capsys would not see
    from test_rebalance import LIMITS_TOML, _hand_inputs

    holdings, issuers = _hand_inputs()
    settings = {"trajectory": {"baseline_footprint": 400.0, "baseline_financed_emissions": 1.0}}
    portfolio.write_run(portfolio.analyze(holdings, issuers, settings), tmp_path / "run")
    (tmp_path / "limits.toml").write_text(LIMITS_TOML)
    for lang, title in (("fr", "<title>Rééquilibrage"), ("en", "<title>Rebalancing")):
        code, out, err = cli(["rebalance", "--run", tmp_path / "run", "--as-of", "2024-12-31", "--target", "200",
                              "--config", tmp_path / "limits.toml", "--out", tmp_path / lang, "--lang", lang],
                             capfd)
        assert code == 0 and out == "" and "HiGHS" not in err
        assert title in (tmp_path / lang / "frontier.html").read_text(encoding="utf-8")

"""`--out` and `--force` never lose data: only a run folder is replaced, `--out` is a literal path, runs race safely.

Also what killed runs leave: hidden working folders and scratch folders of
dead processes are cleared by the next run, and only those.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from test_rundir import big_book
from test_verify import write_book


def cli(*args: object, tmp: Path | None = None, **options: object) -> subprocess.Popen:
    """`portfolio ARGS` in a child process (its temporary directory `tmp`, if given)."""
    env = dict(os.environ, **({"TMPDIR": str(tmp)} if tmp else {}))
    return subprocess.Popen([sys.executable, "-m", "portfolio", *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options)


def hidden(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


@pytest.fixture
def book(tmp_path: Path) -> tuple[Path, Path]:
    return write_book(tmp_path / "in")


def analyze(run_cli, book, out: Path, *extra: object):
    return run_cli(["analyze", "--holdings", book[0], "--issuers", book[1], "--out", out, "--no-report", *extra])


def test_force_refuses_a_folder_that_is_not_a_run_folder_and_touches_nothing(run_cli, book, tmp_path):
    out = tmp_path / "notes"
    (out / "sub").mkdir(parents=True)
    (out / "notes.txt").write_text("mine")
    (out / "manifest.json").write_text("{}")

    result = analyze(run_cli, book, out, "--force")

    assert result.code == 2
    assert result.lines == [f"{out}: row 1: got a folder without the manifest.json of a run; expected a run folder "
                            "written by portfolio analyze, holding nothing else and no input of this run "
                            "(--force replaces only those)"]
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "notes.txt", "sub"]
    assert hidden(tmp_path) == []


def test_force_refuses_a_run_folder_with_a_file_added(run_cli, book, tmp_path):
    out = tmp_path / "run"
    assert analyze(run_cli, book, out).code == 0
    (out / "inputs" / "notes.txt").write_text("mine")

    result = analyze(run_cli, book, out, "--force")

    assert result.code == 2 and "got a folder holding 'inputs/notes.txt', which no run writes" in result.stderr
    assert (out / "inputs" / "notes.txt").read_text() == "mine"


def test_force_refuses_a_run_folder_holding_an_input_of_the_run(run_cli, book, tmp_path):
    out = tmp_path / "run"
    assert analyze(run_cli, book, out).code == 0
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}

    result = run_cli(["analyze", "--holdings", book[0], "--issuers", out / "metrics.csv", "--out", out, "--force"])

    assert result.code == 2
    assert result.lines[0].startswith(f"{out}: row 1: got a folder holding '{out / 'metrics.csv'}', read by this run")
    assert {path: path.read_bytes() for path in out.rglob("*") if path.is_file()} == before


def test_force_never_removes_the_store(run_cli, book, tmp_path):
    out = tmp_path / "S"
    out.mkdir()
    store = out / "history.db"
    assert analyze(run_cli, book, tmp_path / "first", "--store", store).code == 0

    result = analyze(run_cli, book, out, "--store", store, "--force")

    assert result.code == 2
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith("history.db-")) == ["history.db"]
    with closing(sqlite3.connect(store)) as connection:
        assert connection.execute("SELECT count(*) FROM recordings").fetchone() == (1,)


def test_out_is_a_literal_path_and_other_runs_work_is_never_touched(run_cli, book, tmp_path):
    runs = tmp_path / "runs"
    other = runs / f".other.tmp-{os.getpid()}-{'0' * 32}"  # a live run's working folder
    other.mkdir(parents=True)
    (other / ".portfolio-work").write_text(str(os.getpid()))
    (runs / ".other.tmp-x").mkdir()

    result = analyze(run_cli, book, runs / "*")

    assert result.code == 0, result.stderr
    assert (runs / "*" / "metrics.csv").is_file()
    assert sorted(p.name for p in runs.iterdir()) == sorted(["*", other.name, ".other.tmp-x"])


def test_a_dead_runs_working_folder_is_cleared_but_not_one_without_its_marker(run_cli, book, tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".run.tmp-{dead.pid}-{'a' * 32}"
    stale.mkdir()
    (stale / ".portfolio-work").write_text(str(dead.pid))
    unmarked = tmp_path / f".run.tmp-{dead.pid}-{'b' * 32}"
    unmarked.mkdir()
    (unmarked / "not ours").write_text("kept")
    empty = tmp_path / f".run.tmp-{dead.pid}-{'c' * 32}"  # killed before its marker was written
    empty.mkdir()

    assert analyze(run_cli, book, tmp_path / "run").code == 0

    assert hidden(tmp_path) == [unmarked.name]


@pytest.mark.parametrize("out", ["under-a-file/run", "/proc/portfolio-run"])
def test_an_out_that_cannot_be_written_is_an_input_error(run_cli, book, tmp_path, out):
    (tmp_path / "under-a-file").write_text("x")
    target = Path(out) if out.startswith("/") else tmp_path / out

    result = analyze(run_cli, book, target)

    assert result.code == 2 and len(result.lines) == 1 and result.lines[0].startswith(f"{target}: row 1: got ")


def test_two_analyses_racing_to_one_out(tmp_path):
    holdings, issuers = big_book(tmp_path / "in")
    out = tmp_path / "run"
    runs = [cli("analyze", "--holdings", holdings, "--issuers", issuers, "--out", out, "--no-report", "--quiet")
            for _ in range(2)]
    results = [(run.wait(timeout=600), run.stderr.read()) for run in runs]

    assert sorted(code for code, _ in results) == [0, 2], results
    loser = next(stderr for code, stderr in results if code == 2)
    assert "Traceback" not in loser and loser.strip().endswith(
        "got a folder another run is writing at this moment; expected one run at a time per --out folder "
        "(wait for it, or choose another)")
    assert (out / "manifest.json").is_file() and hidden(tmp_path) == []
    verify = cli("verify", out, "--quiet")
    assert verify.wait(timeout=600) == 0, verify.stdout.read()


def test_sigkill_then_a_rerun_leaves_no_working_folder_or_temporary_file(tmp_path):
    holdings, issuers = big_book(tmp_path / "in")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    out = tmp_path / "run"
    args = ("analyze", "--holdings", holdings, "--issuers", issuers, "--out", out, "--no-report", "--quiet")
    killed = cli(*args, tmp=scratch)
    deadline = time.monotonic() + 120
    while not hidden(tmp_path):
        assert killed.poll() is None and time.monotonic() < deadline
        time.sleep(0.005)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert hidden(tmp_path) and os.listdir(scratch)  # its working folder and its lock file

    rerun = cli(*args, tmp=scratch)
    assert rerun.wait(timeout=600) == 0, rerun.stderr.read()
    assert hidden(tmp_path) == [] and os.listdir(scratch) == []

    verify = cli("verify", out, "--quiet", tmp=scratch)
    while not any(name.startswith("portfolio-verify-") for name in os.listdir(scratch)):
        assert verify.poll() is None
        time.sleep(0.005)
    verify.send_signal(signal.SIGKILL)
    verify.wait()
    again = cli("verify", out, "--quiet", tmp=scratch)
    assert again.wait(timeout=600) == 0, again.stdout.read()
    assert os.listdir(scratch) == [] and hidden(tmp_path) == []


def test_sigterm_while_recording_says_the_folder_exists_but_is_not_recorded(run_cli, book, tmp_path, monkeypatch):
    from portfolio.audit import store as store_module
    from portfolio.cli import analyze as cmd_analyze

    def terminated_while_recording(connection, *args):
        with store_module.transaction(connection):
            connection.execute("INSERT INTO recordings (run_id, recorded_at, folder, command) "
                               "SELECT run_id, 'now', 'x', '[]' FROM runs LIMIT 1")
            raise cmd_analyze.Terminated()

    monkeypatch.setattr(store_module, "record_run", terminated_while_recording)  # imported when a run records
    out, store = tmp_path / "run", tmp_path / "history.db"

    result = analyze(run_cli, book, out, "--store", store)

    assert result.code == 143
    assert result.lines == [f"portfolio: interrupted; {out} was written, complete, but not recorded in {store} "
                            "(run again with --force to record it)"]
    assert (out / "manifest.json").is_file() and hidden(tmp_path) == []
    with closing(sqlite3.connect(store)) as connection:
        assert connection.execute("SELECT count(*) FROM recordings").fetchone() == (0,)


def test_quiet_prints_nothing_on_success_even_with_warnings(run_cli, book, tmp_path):
    result = analyze(run_cli, book, tmp_path / "run", "--quiet")

    assert result.code == 0 and result.stderr == ""
    assert "missing_baseline" in (tmp_path / "run" / "warnings.csv").read_text()

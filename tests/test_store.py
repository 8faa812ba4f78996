"""The run history: recording runs, the monthly routine, publishing and restating, kills and concurrency.

The book is test_metrics.py's (see test_verify.write_book). Its listed-yield
financed emissions at 2023-12-31 are H1 2 M / 100 M * 1000 t = 20 t plus
H2 1 M / 40 M * 200 t = 5 t: 25 t. Raising H1 to 2.5 M adds
0.5 M / 100 M * 1000 t = 5 t: 30 t.
"""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import time
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

import pytest

from portfolio.audit import store as store_module
from portfolio.cli import main
from portfolio.audit.manifest import run_id
from portfolio.audit.store import open_store
from portfolio.audit.verify import verify_run
from test_verify import write_book

FORK = multiprocessing.get_context("fork")


def cli(argv: Sequence[object], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the command line in-process: exit status, stdout, stderr."""
    capsys.readouterr()
    try:
        code = main([str(arg) for arg in argv])
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def analyze(tmp_path: Path, name: str, as_of: str, h1_value: float = 2_000_000, store: str = "history.db") -> list:
    """The argv of `analyze --store` on the book dated `as_of`, into tmp_path/name."""
    holdings, issuers = write_book(tmp_path / f"in-{name}", as_of, h1_value, name=f"{name}.csv")
    return ["analyze", "--store", tmp_path / store, "--holdings", holdings, "--issuers", issuers,
            "--out", tmp_path / name, "--no-report", "--quiet"]


def rows(tmp_path: Path, query: str, store: str = "history.db") -> list[tuple]:
    with closing(sqlite3.connect(tmp_path / store)) as connection:
        return connection.execute(query).fetchall()


def figure(folder: Path, as_of: str, perimeter: str, metric: str) -> str:
    prefix = f"{as_of},{perimeter},{metric},"
    return next(line[len(prefix):] for line in (folder / "metrics.csv").read_text().splitlines()
                if line.startswith(prefix))


def test_the_store_is_wal_append_only_and_opt_in(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    holdings, issuers = write_book(tmp_path / "in")
    assert cli(["analyze", "--holdings", holdings, "--issuers", issuers, "--out", tmp_path / "plain", "--no-report"],
               capsys)[0] == 0
    assert not list(tmp_path.rglob("*.db"))  # without --store nothing is recorded
    assert cli(analyze(tmp_path, "dec", "2023-12-31"), capsys)[0] == 0
    assert cli(["publish", tmp_path / "dec", "--store", tmp_path / "history.db"], capsys)[0] == 0
    with closing(open_store(tmp_path / "history.db")) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert connection.execute("PRAGMA busy_timeout").fetchone()[0] > 0
        for statement in ("UPDATE figures SET value = 0", "DELETE FROM publications",
                          "UPDATE runs SET manifest = ''", "DELETE FROM holdings_snapshots"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                connection.execute(statement)
    assert rows(tmp_path, "SELECT count(*) FROM publications") == [(1,)]


@pytest.mark.parametrize("verb", ["INSERT OR REPLACE INTO", "REPLACE INTO", "INSERT INTO"])
def test_no_recorded_row_can_be_replaced_in_any_table(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      verb: str) -> None:
    assert cli(analyze(tmp_path, "dec", "2023-12-31"), capsys)[0] == 0
    assert cli(["publish", tmp_path / "dec", "--store", tmp_path / "history.db"], capsys)[0] == 0
    with closing(open_store(tmp_path / "history.db")) as connection:
        for table, key in store_module.KEYS.items():
            before = connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
            first = dict(zip(columns, before[0]))
            changed = {column: (value if column in key else _other(value)) for column, value in first.items()}
            upsert = f" ON CONFLICT DO UPDATE SET {columns[-1]} = excluded.{columns[-1]}" if verb == "INSERT INTO" else ""
            with pytest.raises(sqlite3.IntegrityError, match=f"{table} is append-only"):
                connection.execute(f"{verb} {table} ({', '.join(changed)}) VALUES ({', '.join('?' * len(changed))})"
                                   f"{upsert}", list(changed.values()))
            assert connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() == before, table


def _other(value: object) -> object:
    """A different value of the same kind, for a column that is not part of the key."""
    if isinstance(value, bytes):
        return value + b"x"
    if isinstance(value, (int, float)):
        return value + 1
    return "changed" if value != "changed" else "other"


def test_a_store_of_schema_1_gains_the_no_replace_triggers(tmp_path: Path) -> None:
    with closing(sqlite3.connect(tmp_path / "old.db", isolation_level=None)) as connection:
        for statement in store_module.SCHEMA:
            if "_no_replace" not in statement:
                connection.execute(statement)
        connection.execute("PRAGMA user_version = 1")
        connection.execute("INSERT INTO publications (as_of, run_id, published_at) VALUES ('2023-12-31', 'x', 't')")
    with closing(open_store(tmp_path / "old.db")) as connection:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute("REPLACE INTO publications (publication_id, as_of, run_id, published_at) "
                               "VALUES (1, '2023-12-31', 'y', 't')")
        assert connection.execute("PRAGMA user_version").fetchone() == (2,)


def test_a_run_records_its_id_inputs_settings_figures_and_holdings(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(analyze(tmp_path, "dec", "2023-12-31"), capsys)[0] == 0
    identifier = run_id(tmp_path / "dec")
    [(settings, inputs)] = rows(tmp_path, "SELECT settings, inputs FROM runs")
    assert json.loads(settings)["scopes"] == [1, 2, 3]
    assert [i["file"] for i in json.loads(inputs)] == ["dec.csv", "issuers.csv"]
    assert rows(tmp_path, "SELECT value FROM figures WHERE as_of = '2023-12-31' AND perimeter = 'listed_yield' "
                          "AND metric = 'financed_emissions_tco2e'") == [(25.0,)]
    assert rows(tmp_path, "SELECT run_id, folder FROM recordings") == [(identifier, str(tmp_path / "dec"))]
    assert rows(tmp_path, "SELECT s.as_of, s.origin, h.row_count FROM run_snapshots s "
                          "JOIN holdings_snapshots h USING (digest)") == [("2023-12-31", "given", 9)]
    # The same run again: one run, two recordings.
    argv = analyze(tmp_path, "dec", "2023-12-31")
    assert cli([*argv, "--force"], capsys)[0] == 0
    assert rows(tmp_path, "SELECT count(*) FROM runs") == [(1,)]
    assert rows(tmp_path, "SELECT count(*) FROM recordings") == [(2,)]


def test_the_monthly_run_takes_earlier_months_from_the_store(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(analyze(tmp_path, "dec", "2023-12-31"), capsys)[0] == 0
    assert cli(analyze(tmp_path, "jan", "2024-01-31", h1_value=2_500_000), capsys)[0] == 0
    jan = tmp_path / "jan"
    assert figure(jan, "2023-12-31", "listed_yield", "financed_emissions_tco2e") == "25"
    assert figure(jan, "2024-01-31", "listed_yield", "financed_emissions_tco2e") == "30"
    dec_lines = [line for line in (tmp_path / "dec" / "metrics.csv").read_text().splitlines()[1:]]
    assert set(dec_lines) <= set((jan / "metrics.csv").read_text().splitlines())  # same December figures
    manifest = json.loads((jan / "manifest.json").read_text())
    assert [(s["as_of"], s["run_id"], s["rows"]) for s in manifest["stored_snapshots"]] == [
        ("2023-12-31", run_id(tmp_path / "dec"), 9)]
    assert (jan / "inputs" / "stored-holdings.parquet").is_file()
    assert verify_run(jan).ok
    assert rows(tmp_path, "SELECT as_of, origin FROM run_snapshots WHERE run_id = "
                          f"'{run_id(jan)}' ORDER BY as_of") == [("2023-12-31", "stored"), ("2024-01-31", "given")]
    code, out, _ = cli(["history", "--store", tmp_path / "history.db", "--diff", tmp_path / "dec", jan], capsys)
    assert (code, out.splitlines()) == (0, [
        f"2024-01-31: only in run {run_id(jan)[:12]}",
        f"no figure of the 1 common snapshots differs between runs {run_id(tmp_path / 'dec')[:12]} "
        f"and {run_id(jan)[:12]}"])


def test_given_files_win_and_published_months_are_the_ones_taken(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(analyze(tmp_path, "dec", "2023-12-31"), capsys)[0] == 0
    assert cli(["publish", tmp_path / "dec", "--store", tmp_path / "history.db"], capsys)[0] == 0
    # A later, unpublished December (H1 at 2.5 M: 30 t) is recorded but not taken by the January run...
    assert cli(analyze(tmp_path, "dec-draft", "2023-12-31", h1_value=2_500_000), capsys)[0] == 0
    assert cli(analyze(tmp_path, "jan", "2024-01-31"), capsys)[0] == 0
    assert figure(tmp_path / "jan", "2023-12-31", "listed_yield", "financed_emissions_tco2e") == "25"
    # ... while a December file given on the command line wins over the stored one.
    holdings, issuers = write_book(tmp_path / "in-both", "2023-12-31", 2_500_000, name="dec.csv")
    january, _ = write_book(tmp_path / "in-both", "2024-01-31", name="jan.csv")
    assert cli(["analyze", "--store", tmp_path / "history.db", "--holdings", holdings, january,
                "--issuers", issuers, "--out", tmp_path / "both", "--no-report", "--quiet"], capsys)[0] == 0
    assert figure(tmp_path / "both", "2023-12-31", "listed_yield", "financed_emissions_tco2e") == "30"
    assert json.loads((tmp_path / "both" / "manifest.json").read_text())["stored_snapshots"] == []
    # Its December differs from the published one: publishing it all is refused, January alone is not.
    publish = ["publish", tmp_path / "both", "--store", tmp_path / "history.db"]
    assert cli(publish, capsys)[0] == 2
    code, out, _ = cli([*publish, "--as-of", "2024-01-31"], capsys)
    assert (code, out) == (0, f"2024-01-31: published (run {run_id(tmp_path / 'both')[:12]})\n")


def test_publish_restate_history_and_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "history.db"
    assert cli(analyze(tmp_path, "dec", "2023-12-31"), capsys)[0] == 0
    dec = run_id(tmp_path / "dec")[:12]
    code, out, _ = cli(["publish", tmp_path / "dec", "--store", store], capsys)
    assert (code, out) == (0, f"2023-12-31: published (run {dec})\n")
    code, out, _ = cli(["publish", tmp_path / "dec", "--store", store], capsys)
    assert (code, out) == (0, f"2023-12-31: already published with identical figures (run {dec}); nothing to do\n")
    code, _, err = cli([*analyze(tmp_path, "dec", "2023-12-31", h1_value=2_500_000), "--force"], capsys)
    assert code == 2 and "the folder of a run published for 2023-12-31" in err  # never replaced

    assert cli(analyze(tmp_path, "fix", "2023-12-31", h1_value=2_500_000), capsys)[0] == 0
    fix = run_id(tmp_path / "fix")[:12]
    code, _, err = cli(["publish", tmp_path / "fix", "--store", store], capsys)
    assert code == 2
    assert f"2023-12-31 is published with different figures (run {dec}); give --restate" in err
    assert "  2023-12-31 listed_yield carbon_footprint_tco2e_per_meur: " in err
    assert "  2023-12-31 listed_yield financed_emissions_tco2e: 25.0 -> 30.0 (+5.0)" in err
    assert rows(tmp_path, "SELECT count(*) FROM publications") == [(1,)]

    code, out, _ = cli(["publish", tmp_path / "fix", "--store", store, "--restate", "H1 value corrected"], capsys)
    assert (code, out) == (0, f"2023-12-31: restated (run {fix} over run {dec}; 44 figures differ)\n")
    assert rows(tmp_path, "SELECT run_id, reason FROM publications ORDER BY publication_id") == [
        (run_id(tmp_path / "dec"), None), (run_id(tmp_path / "fix"), "H1 value corrected")]

    code, out, _ = cli(["history", "--store", store], capsys)
    assert code == 0
    published = out.split("published figures")[1].splitlines()
    assert published[1].split()[:3] == ["as_of", "run", "published_at"]
    assert published[2].split()[:2] == ["2023-12-31", fix]
    assert published[2].split()[4] == "30.0" and published[2].endswith("restated: H1 value corrected")
    assert f"{dec}  2023-12-31 .. 2023-12-31" in out and str(tmp_path / "fix") in out

    code, out, _ = cli(["history", "--store", store, "--diff", dec, tmp_path / "fix"], capsys)
    assert code == 0 and out.startswith(f"44 figures differ from run {dec} to run {fix}\n")
    line = next(line for line in out.splitlines() if "listed_yield  financed_emissions_tco2e " in line)
    assert line.split()[3:] == ["25.0", "30.0", "5.0", "+20", "%"]


def test_publish_refuses_altered_and_unrecorded_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "history.db"
    assert cli(analyze(tmp_path, "dec", "2023-12-31"), capsys)[0] == 0
    metrics = tmp_path / "dec" / "metrics.csv"
    metrics.write_text(metrics.read_text().replace("listed_yield,financed_emissions_tco2e,25\n",
                                                   "listed_yield,financed_emissions_tco2e,26\n"))
    code, _, err = cli(["publish", tmp_path / "dec", "--store", store], capsys)
    assert code == 1 and "metrics.csv: does not match its recorded SHA-256" in err
    holdings, issuers = write_book(tmp_path / "in-plain")
    assert cli(["analyze", "--holdings", holdings, "--issuers", issuers, "--out", tmp_path / "plain", "--no-report"],
               capsys)[0] == 0
    code, _, err = cli(["publish", tmp_path / "plain", "--store", store], capsys)
    assert code == 2 and "not in the run history" in err
    assert rows(tmp_path, "SELECT count(*) FROM publications") == [(0,)]


def _record_then_hang(argv: list, ready: Path) -> None:
    """In a child process: run `analyze --store`, but stop for good half-way through recording the run."""
    inserted = store_module._insert_figures

    def hang(*args: object) -> None:
        inserted(*args)
        ready.touch()
        time.sleep(600)

    store_module._insert_figures = hang
    main([str(arg) for arg in argv])


def test_a_run_killed_while_recording_leaves_nothing_in_the_store(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(analyze(tmp_path, "dec", "2023-12-31"), capsys)[0] == 0
    argv = analyze(tmp_path, "jan", "2024-01-31")
    child = FORK.Process(target=_record_then_hang, args=(argv, tmp_path / "ready"))
    child.start()
    deadline = time.monotonic() + 60
    while not (tmp_path / "ready").exists():
        assert child.is_alive() and time.monotonic() < deadline
        time.sleep(0.01)
    child.kill()  # SIGKILL, figures inserted, snapshots and recording not yet
    child.join()
    assert rows(tmp_path, "PRAGMA integrity_check") == [("ok",)]
    assert rows(tmp_path, "SELECT count(*) FROM runs") == [(1,)]
    assert rows(tmp_path, f"SELECT count(*) FROM figures WHERE run_id = '{run_id(tmp_path / 'jan')}'") == [(0,)]
    assert rows(tmp_path, "SELECT count(*) FROM recordings") == [(1,)]
    assert cli([*argv, "--force"], capsys)[0] == 0  # the lock died with the process
    assert rows(tmp_path, "SELECT count(*) FROM recordings") == [(2,)]


def _main_after(barrier: multiprocessing.synchronize.Barrier, argv: list) -> None:
    barrier.wait()
    raise SystemExit(main([str(arg) for arg in argv]))


def _all_at_once(commands: list[list]) -> list[int | None]:
    barrier = FORK.Barrier(len(commands))
    children = [FORK.Process(target=_main_after, args=(barrier, argv)) for argv in commands]
    for child in children:
        child.start()
    for child in children:
        child.join(120)
    return [child.exitcode for child in children]


def test_concurrent_analyses_and_publications_are_all_recorded(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    # Two analyses start at once on a store that does not exist yet.
    first, second = analyze(tmp_path, "dec", "2023-12-31"), analyze(tmp_path, "jan", "2024-01-31")
    assert _all_at_once([first, second]) == [0, 0]
    assert rows(tmp_path, "SELECT count(*) FROM recordings") == [(2,)]
    assert rows(tmp_path, "SELECT count(DISTINCT run_id) FROM figures") == [(2,)]
    # Two publications at once; the January run may hold December too (stored): it is published once.
    store = tmp_path / "history.db"
    assert _all_at_once([["publish", tmp_path / "dec", "--store", store],
                         ["publish", tmp_path / "jan", "--store", store]]) == [0, 0]
    assert rows(tmp_path, "SELECT as_of, count(*) FROM publications GROUP BY as_of") == [
        ("2023-12-31", 1), ("2024-01-31", 1)]

"""A run never touches its inputs, and an interrupted run (Ctrl-C, SIGTERM) cleans up after itself and says so."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

ROWS = 200_000
ISSUERS = 2_000
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


def write_big_book(folder: Path, rows: int = ROWS) -> tuple[Path, Path]:
    """A valid book of `rows` holdings over four quarter-ends, as Parquet; (holdings, issuers)."""
    rng = np.random.default_rng(7)
    dates = np.array(["2023-03-31", "2023-06-30", "2023-09-30", "2023-12-31"])
    holdings = pa.table({
        "as_of": pa.array(dates[np.arange(rows) % 4]).cast(pa.date32()),
        "holding_id": [f"H{n // 4}" for n in range(rows)],
        "issuer_id": [f"I{n}" for n in rng.integers(0, ISSUERS, rows)],
        "bucket": np.where(rng.random(rows) < 0.8, "yield", "strategic"),
        "asset_class": np.where(rng.random(rows) < 0.5, "listed_equity", "corporate_bond"),
        "listed": rng.random(rows) < 0.7,
        "market_value_eur": rng.uniform(1e3, 1e7, rows),
        "name": [f"Position {n}" for n in range(rows)],
    })
    issuers = pa.table({
        "issuer_id": [f"I{n}" for n in range(ISSUERS)], "year": [2022] * ISSUERS,
        "scope1_tco2e": rng.uniform(0, 1e5, ISSUERS), "scope2_tco2e": rng.uniform(0, 1e4, ISSUERS),
        "scope3_tco2e": rng.uniform(0, 1e6, ISSUERS), "evic_eur": rng.uniform(1e8, 1e11, ISSUERS),
        "revenue_eur": rng.uniform(1e7, 1e10, ISSUERS),
    })
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(holdings, folder / "holdings.parquet")
    pq.write_table(issuers, folder / "issuers.parquet")
    return folder / "holdings.parquet", folder / "issuers.parquet"


@pytest.fixture(scope="module")
def big_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_big_book(tmp_path_factory.mktemp("big"))


def default_interrupt() -> None:
    """In the child: Ctrl-C interrupts, even when the tests run as a background job (which ignores SIGINT)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def fingerprint(path: Path) -> tuple[int, int, str]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size, hashlib.sha256(path.read_bytes()).hexdigest()


def spill_folders() -> set[Path]:
    """The temporary folders of the DuckDB store and of spilled contribution rows."""
    folder = Path(tempfile.gettempdir())
    return {*folder.glob("portfolio-positions-*"), *folder.glob("portfolio-contributions-*")}


def leftovers(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.tmp-*"))


# the book in lines of one chunk (read whole), or in chunks of 50,000 lines: the holdings file is not in
# date order, so its lines go through DuckDB, whose statements must not swallow the signal
CHUNKED = "import sys, holdings.snapshot_chunks as c; c.CHUNK_ROWS = 50_000; from portfolio.cli import main; " \
          "sys.exit(main(sys.argv[1:]))"


@pytest.mark.parametrize("chunked", [False, True], ids=["whole", "stored"])
@pytest.mark.parametrize("sent, status", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_interrupted_run_cleans_up_and_says_so(big_book, tmp_path, sent, status, chunked):
    holdings, issuers = big_book
    out = tmp_path / "run"
    before = spill_folders()
    program = ["-c", CHUNKED] if chunked else ["-m", "portfolio"]
    process = subprocess.Popen([sys.executable, *program, "analyze", "--holdings", str(holdings),
                                "--issuers", str(issuers), "--out", str(out), "--quiet"],
                               stderr=subprocess.PIPE, text=True, preexec_fn=default_interrupt)
    deadline = time.monotonic() + 120
    while not leftovers(out) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)  # wait until the run is writing its hidden work folder
    assert process.poll() is None, "the run ended before it could be interrupted: use a bigger book"
    process.send_signal(sent)
    _, stderr = process.communicate(timeout=120)

    assert process.returncode == status, stderr
    assert stderr.strip().splitlines() == [f"portfolio: interrupted; nothing was written to {out}"]
    assert not out.exists()
    assert leftovers(out) == []
    assert spill_folders() == before


def test_inputs_are_never_modified_nor_opened_for_writing(tables, tmp_path, run_cli):
    holdings = tables.write_csv(tmp_path / "holdings.csv", [tables.holdings_header, tables.holding("H1")])
    issuers = tables.write_csv(tmp_path / "issuers.csv", [tables.issuers_header, tables.issuer("I1")])
    inputs = {holdings.resolve(): fingerprint(holdings), issuers.resolve(): fingerprint(issuers)}
    opened: list[tuple[str, object, int]] = []
    watching = [True]

    def audit(event: str, args: tuple) -> None:
        if watching and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            if Path(os.fsdecode(args[0])).resolve() in inputs:
                opened.append(args)

    sys.addaudithook(audit)  # hooks cannot be removed: `watching` switches this one off
    try:
        result = run_cli(["analyze", "--holdings", holdings, "--issuers", issuers, "--out", tmp_path / "run",
                          "--quiet"])
    finally:
        watching.clear()

    assert result.code == 0, result.stderr
    assert {path: fingerprint(path) for path in inputs} == inputs
    assert opened, "the audit hook saw no input being opened"
    for _, mode, flags in opened:
        assert mode in (None, "r", "rb") and not flags & WRITE_FLAGS, (mode, flags)


def test_an_interruption_while_the_working_folder_is_being_created_leaves_nothing(tmp_path, monkeypatch):
    # the signal lands between the folder's mkdir and its marker: the clean-up block must already own it
    from portfolio.audit import rundir

    def interrupted(folder: Path) -> Path:
        folder.mkdir()
        raise KeyboardInterrupt

    monkeypatch.setattr(rundir, "own", interrupted)
    out = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt):
        rundir.write_folder(out, lambda work: None)
    assert not out.exists() and leftovers(out) == []

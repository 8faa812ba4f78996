"""The run history: one SQLite file recording every run, its figures, its holdings and the publications.

Why SQLite rather than DuckDB: the history has several writers (a monthly
run finishing while someone publishes, two analyses started by two people),
and DuckDB lets a single process open a database file for writing, while
SQLite in WAL mode lets any number of processes read while writers take
turns (`busy_timeout` makes a writer wait for its turn instead of failing).
Its transactions are atomic and durable: a run is recorded in one
`BEGIN IMMEDIATE ... COMMIT`, so a process killed while recording leaves
nothing of it (the journal rolls it back at the next open). It ships with
Python, and any SQLite client can read the file. The file must sit on a
local disk: WAL needs shared memory, which network file systems do not give.

Append-only: rows are only inserted; triggers refuse UPDATE and DELETE on
every table, and an INSERT whose key is already recorded (so `INSERT OR
REPLACE`, `REPLACE`, and `ON CONFLICT DO UPDATE`, whose implicit delete fires
no delete trigger), so a restatement is a new publication row (the latest per
month is the current one) and nothing recorded can be rewritten, even by hand.
The code itself never inserts a key twice: it looks first, in the same
transaction.

Run ids are the SHA-256 of the run folder's `manifest.json` (see
`portfolio.audit.manifest`): a content address, so the same inputs, settings and
code give the same id wherever and whenever they run, anyone can recompute it
from a folder with `sha256sum`, and `publish RUN_DIR` finds the run without
trusting paths. The content of a run (figures, holdings) is stored once per
id; each execution adds a `recordings` row (when, where, which command).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from holdings.problems import InputError, Problem, quote_value
from portfolio.audit.manifest import MANIFEST, run_id

SCHEMA_VERSION = 2
WAL_RETRY_SECONDS = 0.05
BUSY_TIMEOUT_SECONDS = 120
KEYS = {"runs": ("run_id",), "figures": ("run_id", "as_of", "perimeter", "metric"),
        "holdings_snapshots": ("digest",), "run_snapshots": ("run_id", "as_of"), "recordings": ("recording_id",),
        "publications": ("publication_id",)}
TABLES = tuple(KEYS)
APPEND_ONLY = "is append-only: rows are never changed or removed"
NO_REPLACE = tuple(
    f"""CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}
        WHEN EXISTS (SELECT 1 FROM {table} WHERE ({', '.join(key)}) = ({', '.join('NEW.' + c for c in key)}))
        BEGIN SELECT RAISE(ABORT, '{table} {APPEND_ONLY}: this key is recorded already'); END"""
    for table, key in KEYS.items())
SCHEMA = (
    """CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,              -- SHA-256 of the run folder's manifest.json
        package_version TEXT NOT NULL,
        methodology_version TEXT NOT NULL,
        settings TEXT NOT NULL,               -- JSON: the complete settings in force
        inputs TEXT NOT NULL,                 -- JSON: role, file, SHA-256, detected dialect of each input
        manifest TEXT NOT NULL                -- the manifest.json text itself
    )""",
    """CREATE TABLE figures (                 -- every row of the run's metrics.csv
        run_id TEXT NOT NULL REFERENCES runs (run_id),
        as_of TEXT NOT NULL,
        perimeter TEXT NOT NULL,
        metric TEXT NOT NULL,
        value REAL,                           -- NULL: an empty figure
        PRIMARY KEY (run_id, as_of, perimeter, metric)
    ) WITHOUT ROWID""",
    """CREATE TABLE holdings_snapshots (      -- validated holdings rows of one snapshot
        digest TEXT PRIMARY KEY,              -- SHA-256 of the Parquet bytes
        as_of TEXT NOT NULL,
        row_count INTEGER NOT NULL,
        parquet BLOB NOT NULL
    )""",
    """CREATE TABLE run_snapshots (           -- which holdings each run used for each snapshot
        run_id TEXT NOT NULL REFERENCES runs (run_id),
        as_of TEXT NOT NULL,
        digest TEXT NOT NULL REFERENCES holdings_snapshots (digest),
        origin TEXT NOT NULL CHECK (origin IN ('given', 'stored')),
        PRIMARY KEY (run_id, as_of)
    ) WITHOUT ROWID""",
    """CREATE TABLE recordings (              -- one row per `analyze --store` that wrote a folder
        recording_id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL REFERENCES runs (run_id),
        recorded_at TEXT NOT NULL,            -- UTC, ISO 8601
        folder TEXT NOT NULL,                 -- absolute path of the run folder when recorded
        command TEXT NOT NULL                 -- JSON: the command line
    )""",
    """CREATE TABLE publications (            -- the latest row per as_of is the published figure
        publication_id INTEGER PRIMARY KEY AUTOINCREMENT,
        as_of TEXT NOT NULL,
        run_id TEXT NOT NULL REFERENCES runs (run_id),
        published_at TEXT NOT NULL,           -- UTC, ISO 8601
        reason TEXT                           -- why it restates the previous one; NULL for a first one
    )""",
    "CREATE INDEX publications_by_month ON publications (as_of, publication_id)",
    *(f"""CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table}
          BEGIN SELECT RAISE(ABORT, '{table} {APPEND_ONLY}'); END"""
      for table in TABLES for verb in ("update", "delete")),
    *NO_REPLACE,
)
MIGRATIONS = {1: NO_REPLACE}  # schema version -> statements that bring it to the next one


@dataclass(frozen=True)
class SnapshotUse:
    """The holdings one run used for one snapshot: given on the command line, or taken from the store."""

    as_of: str
    digest: str
    origin: str
    row_count: int
    parquet: bytes | None = None  # the rows, for given snapshots (stored ones are in the store already)
    run_id: str | None = None     # for stored snapshots: the run whose holdings were taken


@dataclass(frozen=True)
class Publication:
    """The current publication of one month, and how many versions it has had."""

    as_of: str
    run_id: str
    published_at: str
    reason: str | None
    versions: int


@dataclass(frozen=True)
class Recording:
    """One recorded execution of a run, with the snapshots the run covers."""

    recording_id: int
    run_id: str
    recorded_at: str
    folder: str
    first: str
    last: str
    snapshots: int


Figures = dict[tuple[str, str, str], float | None]  # (as_of, perimeter, metric) -> value


def open_store(path: str | Path, create: bool = True) -> sqlite3.Connection:
    """Open the history at `path` (created if missing and `create`): WAL, busy timeout, schema checked."""
    if not create and not Path(path).is_file():
        raise InputError(Problem(str(path), 1, "", "no such file", "an existing run history file (--store)"))
    try:
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
        _enable_wal(connection)
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("PRAGMA foreign_keys = ON")
        _create_schema(connection)
    except sqlite3.DatabaseError as error:
        raise InputError(Problem(str(path), 1, "", quote_value(str(error)),
                                 "a run history file (SQLite) this version can write (--store)")) from None
    return connection


def _enable_wal(connection: sqlite3.Connection) -> None:
    """Switch to WAL, retrying while another process holds the lock.

    The switch needs an exclusive lock, and SQLite may answer "database is
    locked" at once instead of calling the busy handler (two processes
    creating one store at the same moment), so wait here up to the busy timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(WAL_RETRY_SECONDS)


def _create_schema(connection: sqlite3.Connection) -> None:
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    with transaction(connection):
        version = connection.execute("PRAGMA user_version").fetchone()[0]  # another process may have won
        if version == 0:
            for statement in SCHEMA:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        elif version in MIGRATIONS:
            for upgrade in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[upgrade]:
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        elif version != SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"schema version {version}, this version reads {SCHEMA_VERSION}")


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: taken at once (`BEGIN IMMEDIATE`), committed whole or rolled back."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def now() -> str:
    """The current UTC time as recorded in the store."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def record_run(connection: sqlite3.Connection, folder: Path, figures: pd.DataFrame,
               snapshots: Sequence[SnapshotUse], command: Sequence[str]) -> str:
    """Record a written run folder, its figures (`metrics`) and its holdings, in one transaction; its id."""
    manifest_text = (folder / MANIFEST).read_text(encoding="utf-8")
    identifier = run_id(folder)
    with transaction(connection):
        if _insert_run(connection, identifier, manifest_text):
            _insert_figures(connection, identifier, figures)
            _insert_snapshots(connection, identifier, snapshots)
        connection.execute("INSERT INTO recordings (run_id, recorded_at, folder, command) VALUES (?, ?, ?, ?)",
                           (identifier, now(), str(folder.resolve()), json.dumps(list(command))))
    return identifier


def _insert_run(connection: sqlite3.Connection, identifier: str, manifest_text: str) -> bool:
    """Insert the run's content row; False when the same run (same manifest) is recorded already."""
    if connection.execute("SELECT 1 FROM runs WHERE run_id = ?", (identifier,)).fetchone():
        return False
    manifest = json.loads(manifest_text)
    connection.execute(
        "INSERT INTO runs (run_id, package_version, methodology_version, settings, inputs, manifest) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (identifier, manifest["package_version"], manifest["methodology_version"],
         json.dumps(manifest["settings"], sort_keys=True),
         json.dumps([{key: entry[key] for key in ("role", "file", "sha256", "detected")}
                     for entry in manifest["inputs"]], sort_keys=True), manifest_text))
    return True


def _insert_figures(connection: sqlite3.Connection, identifier: str, figures: pd.DataFrame) -> None:
    dates = figures["as_of"].dt.strftime("%Y-%m-%d")
    values = figures["value"].astype("float64")
    connection.executemany(
        "INSERT INTO figures (run_id, as_of, perimeter, metric, value) VALUES (?, ?, ?, ?, ?)",
        ((identifier, as_of, perimeter, metric, None if pd.isna(value) else float(value))
         for as_of, perimeter, metric, value in zip(dates, figures["perimeter"], figures["metric"], values)))


def _insert_snapshots(connection: sqlite3.Connection, identifier: str, snapshots: Sequence[SnapshotUse]) -> None:
    for snapshot in snapshots:
        if snapshot.parquet is not None and not connection.execute(
                "SELECT 1 FROM holdings_snapshots WHERE digest = ?", (snapshot.digest,)).fetchone():
            connection.execute("INSERT INTO holdings_snapshots (digest, as_of, row_count, parquet) "
                               "VALUES (?, ?, ?, ?)",
                               (snapshot.digest, snapshot.as_of, snapshot.row_count, snapshot.parquet))
        connection.execute("INSERT INTO run_snapshots (run_id, as_of, digest, origin) VALUES (?, ?, ?, ?)",
                           (identifier, snapshot.as_of, snapshot.digest, snapshot.origin))


def run_figures(connection: sqlite3.Connection, identifier: str, as_of: str | None = None) -> Figures:
    """The figures of one recorded run (of one snapshot, if `as_of` is given)."""
    rows = connection.execute(
        "SELECT as_of, perimeter, metric, value FROM figures WHERE run_id = ? AND (? IS NULL OR as_of = ?)",
        (identifier, as_of, as_of))
    return {(day, perimeter, metric): value for day, perimeter, metric, value in rows}


def resolve_run(connection: sqlite3.Connection, reference: str) -> str:
    """The id of a recorded run named by a run folder or by the first characters of its id."""
    folder = Path(reference)
    if (folder / MANIFEST).is_file():
        identifier = run_id(folder)
        if connection.execute("SELECT 1 FROM runs WHERE run_id = ?", (identifier,)).fetchone():
            return identifier
        raise InputError(Problem(reference, 1, "", f"run {identifier[:12]}, not in the run history",
                                 "a run folder written by `portfolio analyze --store` with this store"))
    if re.fullmatch(r"[0-9a-f]{4,64}", reference.lower()):
        found = [row[0] for row in connection.execute(
            "SELECT run_id FROM runs WHERE substr(run_id, 1, ?) = ?", (len(reference), reference.lower()))]
        if len(found) == 1:
            return found[0]
        if found:
            raise InputError(Problem(reference, 1, "", f"{len(found)} runs starting so",
                                     "more characters of the run id"))
    raise InputError(Problem(reference, 1, "", quote_value(reference),
                             "a recorded run: a run folder or the first characters (4 or more) of its id"))


def current_publications(connection: sqlite3.Connection, as_of: str | None = None) -> list[Publication]:
    """The current (latest) publication of every published month, or of `as_of` alone."""
    rows = connection.execute(
        "SELECT p.as_of, p.run_id, p.published_at, p.reason, c.versions FROM publications p "
        "JOIN (SELECT as_of, max(publication_id) AS latest, count(*) AS versions FROM publications "
        "      WHERE ? IS NULL OR as_of = ? GROUP BY as_of) c ON p.publication_id = c.latest "
        "ORDER BY p.as_of", (as_of, as_of))
    return [Publication(*row) for row in rows]


def insert_publication(connection: sqlite3.Connection, as_of: str, identifier: str, reason: str | None) -> None:
    """Append one publication row (inside the caller's transaction)."""
    connection.execute("INSERT INTO publications (as_of, run_id, published_at, reason) VALUES (?, ?, ?, ?)",
                       (as_of, identifier, now(), reason))


def check_not_published(connection: sqlite3.Connection, folder: Path) -> None:
    """Refuse to replace a run folder whose run was ever published: the folder is its audit trail."""
    if not (folder / MANIFEST).is_file():
        return
    months = [row[0] for row in connection.execute(
        "SELECT DISTINCT as_of FROM publications WHERE run_id = ? ORDER BY as_of", (run_id(folder),))]
    if months:
        raise InputError(Problem(str(folder), 1, "", f"the folder of a run published for {', '.join(months)}",
                                 "another --out folder (published runs are never replaced)"))


def recordings(connection: sqlite3.Connection) -> list[Recording]:
    """Every recorded execution, oldest first, with the range of snapshots its run covers."""
    rows = connection.execute(
        "SELECT r.recording_id, r.run_id, r.recorded_at, r.folder, min(s.as_of), max(s.as_of), count(s.as_of) "
        "FROM recordings r LEFT JOIN run_snapshots s ON s.run_id = r.run_id "
        "GROUP BY r.recording_id ORDER BY r.recording_id")
    return [Recording(*row) for row in rows]


def snapshot_sources(connection: sqlite3.Connection) -> dict[str, SnapshotUse]:
    """For each stored snapshot date, the holdings a new run should take from the store.

    Those of the run currently published for that date; for a date never
    published, those of the latest recorded run that had it.
    """
    published = {publication.as_of: publication.run_id for publication in current_publications(connection)}
    rows = connection.execute(
        "SELECT s.as_of, s.digest, s.run_id, h.row_count FROM run_snapshots s "
        "JOIN holdings_snapshots h ON h.digest = s.digest "
        "JOIN (SELECT run_id, max(recording_id) AS latest FROM recordings GROUP BY run_id) r "
        "ON r.run_id = s.run_id ORDER BY r.latest")
    sources: dict[str, SnapshotUse] = {}
    for as_of, digest, identifier, row_count in rows:
        if as_of not in published or published[as_of] == identifier:
            sources[as_of] = SnapshotUse(as_of, digest, "stored", row_count, run_id=identifier)
    return sources


def snapshot_parquet(connection: sqlite3.Connection, digest: str) -> bytes:
    """The Parquet bytes of one stored snapshot's holdings."""
    return connection.execute("SELECT parquet FROM holdings_snapshots WHERE digest = ?", (digest,)).fetchone()[0]


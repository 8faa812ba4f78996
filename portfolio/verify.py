"""`verify`: re-run a run folder from its own input copies and settings, and compare every output.

The re-run goes into a temporary folder through the same `analyze` and
`write_run` as the original, so every CSV and JSON output must come out
byte-identical. A difference is named by file and, for CSV files, by the
first differing figures (row, column, expected = re-run, found = folder);
for JSON files by key. `run.json` (run-time facts) is not compared. In
`manifest.json` the versions of the code (package, methodology,
dependencies) are reported as notes, not failures: they say why a re-run
elsewhere might differ, while the files themselves decide. Files written by
report writers the re-run was not given (`report.html`, `report.xlsx`) are
checked against their recorded SHA-256 only.
"""

from __future__ import annotations

import csv
import dataclasses
import inspect
import itertools
import json
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from holdings.problems import InputError, Problem
from portfolio.archive import check_copies, restore_inputs
from portfolio.manifest import ENVIRONMENT_KEYS, MANIFEST, read_manifest, sha256_file
from portfolio.run import Result, analyze
from portfolio.rundir import Writer, write_run
from portfolio.settings import settings_from_mapping

SHOWN_DIFFERENCES = 5
# The contract's row keys, to name a differing row by its key as well as its number.
ROW_KEYS = {
    "metrics.csv": ("as_of", "perimeter", "metric"),
    "trajectory.csv": ("as_of", "metric"),
    "pai.csv": ("year", "perimeter", "metric"),
    "contributions.csv": ("as_of", "holding_id"),
    "warnings.csv": ("as_of", "holding_id", "reason"),
    "temperature.csv": ("as_of", "issuer_id", "scope", "time_frame"),
    "temperature_portfolio.csv": ("as_of", "perimeter", "method", "scope", "time_frame"),
}


@dataclass
class Finding:
    """One file that does not match, with the first differences found in it."""

    file: str
    problem: str
    details: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"{self.file}: {self.problem}", *(f"  {detail}" for detail in self.details)]


@dataclass
class Verification:
    """The outcome of `verify_run`: the files that differ, and notes that do not fail it."""

    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    compared: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings


def verify_run(folder: str | Path, extra_writers: Mapping[str, Writer] | None = None,
               progress: Callable[[str], None] | None = None) -> Verification:
    """Re-run `folder` from its copies and compare every recorded output with the re-run's."""
    folder = Path(folder)
    if not (folder / MANIFEST).is_file():
        raise InputError(Problem(str(folder), 1, "", f"a folder without {MANIFEST}",
                                 "a run folder written by portfolio analyze"))
    try:
        manifest = read_manifest(folder)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return Verification([Finding(MANIFEST, f"not readable as JSON: {error}")])
    problems = check_copies(manifest, folder)
    if problems:
        return Verification([Finding("inputs", "not re-run: the input copies cannot be trusted", problems)])
    writers = {name: writer for name, writer in (extra_writers or {}).items() if name in manifest["outputs"]}
    with tempfile.TemporaryDirectory(prefix="portfolio-verify-") as scratch:
        try:
            result = rerun(manifest, folder, Path(scratch) / "inputs", progress)
        except InputError as error:
            return Verification([Finding("inputs", "the re-run refused its inputs", error.lines())])
        again = write_run(result, Path(scratch) / "run", extra_writers=writers, progress=progress,
                          stored_snapshots=manifest.get("stored_snapshots", []))
        return compare_runs(folder, again)


def rerun(manifest: Mapping[str, Any], folder: Path, scratch: Path,
          progress: Callable[[str], None] | None = None) -> Result:
    """The run recomputed from its input copies (restored into `scratch`) and recorded settings.

    Holdings inputs go, in order, to `analyze`'s `holdings`; every other input
    to the keyword named by its role (`issuers=...`).
    """
    holdings, others = [], {}
    for role, location in restore_inputs(manifest, folder, scratch):
        if role == "holdings":
            holdings.append(location)
        elif role in inspect.signature(analyze).parameters:
            others[role] = location
        else:
            raise InputError(Problem(Path(location).name, 1, "", f"an input of role {role!r}",
                                     "an input this version of analyze() reads"))
    settings = settings_from_mapping(manifest["settings"], MANIFEST)
    result = analyze(holdings, settings=settings, progress=progress, **others)
    return dataclasses.replace(result, sample=manifest["sample"])


def compare_runs(folder: Path, again: Path) -> Verification:
    """Compare the recorded run `folder` with its re-run `again`, file by file, then the manifests."""
    recorded, rerun_manifest = read_manifest(folder), read_manifest(again)
    expected = rerun_manifest["outputs"]
    verification = Verification()
    for name in sorted(set(recorded["outputs"]) | set(expected)):
        finding = _compare_file(name, folder, again, recorded["outputs"], expected)
        verification.compared += 1
        if finding is not None:
            verification.findings.append(finding)
        elif name not in expected:
            verification.notes.append(f"{name}: not re-run (no writer given); matches its recorded SHA-256")
    rerun_manifest["outputs"] = {**recorded["outputs"], **expected}
    code, rerun_code = ({key: document.pop(key, None) for key in ENVIRONMENT_KEYS}
                        for document in (recorded, rerun_manifest))
    verification.notes.extend(f"{MANIFEST}: {difference}" for difference
                              in json_differences(code, rerun_code, labels=("recorded", "re-run with")))
    differences = json_differences(rerun_manifest, recorded)
    if differences:
        verification.findings.append(Finding(MANIFEST, "differs from the re-run's",
                                             differences[:SHOWN_DIFFERENCES]))
    return verification


def integrity_findings(folder: Path) -> list[Finding]:
    """Without re-running: recorded outputs missing or altered, and input copies that no longer match."""
    manifest = read_manifest(folder)
    findings = [finding for name, digest in sorted(manifest["outputs"].items())
                if (finding := _hash_finding(name, folder, digest)) is not None]
    problems = check_copies(manifest, folder)
    return findings + ([Finding("inputs", "input copies do not match the manifest", problems)] if problems else [])


def _hash_finding(name: str, folder: Path, recorded: str) -> Finding | None:
    if not (folder / name).is_file():
        return Finding(name, "missing from the run folder")
    found = sha256_file(folder / name)
    return None if found == recorded else \
        Finding(name, f"does not match its recorded SHA-256 (expected {recorded}, found {found})")


def _compare_file(name: str, folder: Path, again: Path, recorded: Mapping[str, str],
                  expected: Mapping[str, str]) -> Finding | None:
    if name not in recorded:
        return Finding(name, "written by the re-run but not recorded in the run's manifest")
    if name not in expected or not (folder / name).is_file():
        return _hash_finding(name, folder, recorded[name])
    if sha256_file(folder / name) == expected[name]:
        return None
    return Finding(name, "differs from the re-run", file_differences(again / name, folder / name))


def file_differences(expected: Path, found: Path) -> list[str]:
    """The first differences between two versions of an output, in words."""
    if expected.suffix == ".csv":
        return csv_differences(expected, found)
    if expected.suffix == ".json":
        try:
            document = json.loads(found.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            return [f"not readable as JSON: {error}"]
        return json_differences(json.loads(expected.read_text(encoding="utf-8")), document)[:SHOWN_DIFFERENCES]
    return [f"SHA-256 expected {sha256_file(expected)}, found {sha256_file(found)}"]


def csv_differences(expected: Path, found: Path) -> list[str]:
    """The first differing cells of two CSV files (the header is row 1), and how many rows differ."""
    keys = ROW_KEYS.get(expected.name, ())
    shown: list[str] = []
    differing, counts, header = 0, [0, 0], []
    try:
        with _csv_rows(expected) as left, _csv_rows(found) as right:
            for number, (want, got) in enumerate(itertools.zip_longest(left, right), start=1):
                header = header or want or []
                counts[0] += want is not None
                counts[1] += got is not None
                if want == got:
                    continue
                differing += 1
                if len(shown) < SHOWN_DIFFERENCES:
                    shown.extend(_row_differences(number, header, keys, want, got)[:SHOWN_DIFFERENCES - len(shown)])
    except csv.Error as error:
        return [*shown, f"not readable as CSV: {error}"]
    summary = f"{differing} row{' differs' if differing == 1 else 's differ'} in all"
    if counts[0] != counts[1]:
        summary += f"; {counts[0]} rows expected, {counts[1]} found"
    return [*shown, summary]


def _row_differences(number: int, header: list[str], keys: tuple[str, ...],
                     want: list[str] | None, got: list[str] | None) -> list[str]:
    if want is None or got is None:
        return [f"row {number}: {'an extra row' if want is None else 'missing'}"]
    label = " (header)" if number == 1 else _row_label(header, keys, want)
    width = max(len(want), len(got), len(header))
    cells = [(header[i] if i < len(header) else f"column {i + 1}",
              want[i] if i < len(want) else None, got[i] if i < len(got) else None) for i in range(width)]
    return [f"row {number}{label}, column {column}: expected {_shown(a)}, found {_shown(b)}"
            for column, a, b in cells if a != b]


def _row_label(header: list[str], keys: tuple[str, ...], row: list[str]) -> str:
    values = [row[header.index(key)] for key in keys if key in header and header.index(key) < len(row)]
    return f" ({', '.join(values)})" if values else ""


def _shown(cell: str | None) -> str:
    return "no cell" if cell is None else repr(cell)


@contextmanager
def _csv_rows(path: Path) -> Iterator[Iterator[list[str]]]:
    """Rows of a CSV output file, read lazily (undecodable bytes shown as U+FFFD)."""
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        yield csv.reader(handle)


def json_differences(expected: Any, found: Any, path: str = "",
                     labels: tuple[str, str] = ("expected", "found")) -> list[str]:
    """Every differing key of two JSON documents, as `a.b: expected X, found Y`."""
    if isinstance(expected, dict) and isinstance(found, dict):
        return [difference for key in sorted(set(expected) | set(found))
                for difference in json_differences(expected.get(key, _ABSENT), found.get(key, _ABSENT),
                                                   f"{path}.{key}" if path else str(key), labels)]
    if expected == found and type(expected) is type(found):
        return []
    return [f"{path or '(document)'}: {labels[0]} {_json_shown(expected)}, {labels[1]} {_json_shown(found)}"]


_ABSENT = object()


def _json_shown(value: Any) -> str:
    return "no such key" if value is _ABSENT else json.dumps(value, ensure_ascii=False, sort_keys=True)

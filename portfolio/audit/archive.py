"""Copies of a run's inputs under `inputs/`, so that the run folder alone can be re-run.

Each input file is copied under its base name (a second file of the same name
becomes `holdings-2.csv`). CSV copies are gzip-compressed, deterministically
(no file name, mtime 0), as text shrinks several-fold (level 1: three times
as fast as the default for a fifth more bytes); XLSX and Parquet are
compressed formats already and are copied as they are. The manifest names
each copy and keeps the original file's SHA-256, which is checked when
copying (the file must not have changed since it was read) and before a
re-run. The re-run restores every copy under its original base name, because
that name is part of the outputs (`contributions.csv` cites it). Inputs given
as DataFrames have no file and no copy: the manifest says the run cannot be
re-run.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from holdings.problems import InputError, Problem
from holdings.tabular import split_sheet
from portfolio.audit.manifest import sha256_blocks
from portfolio.result import InputRecord

INPUTS = "inputs"
GZIP = ".gz"
BLOCK = 1 << 20


def copy_inputs(records: Sequence[InputRecord], folder: Path) -> list[str | None]:
    """Copy every input file into `folder/inputs/`; return each copy's path relative to `folder`."""
    copies: list[str | None] = []
    taken: set[str] = set()
    for record in records:
        if record.path is None:
            copies.append(None)
            continue
        compress = record.dialect.get("format") == "csv"
        name = _unique(record.path.name, taken) + (GZIP if compress else "")
        (folder / INPUTS).mkdir(exist_ok=True)
        with record.path.open("rb") as source, (folder / INPUTS / name).open("wb") as target:
            digest = _copy(source, target, compress)
        if digest != record.sha256:
            raise InputError(Problem(record.file, 1, "", "a file that changed during the run",
                                     "input files left unchanged until the run folder is written"))
        copies.append(f"{INPUTS}/{name}")
    return copies


def check_copies(manifest: Mapping[str, Any], folder: Path) -> list[str]:
    """Problems with the input copies: missing, or no longer matching their recorded SHA-256."""
    problems = []
    for entry in manifest["inputs"]:
        if entry.get("copy") is None:
            problems.append(f"{entry['file']}: no copy in the run folder (given as a DataFrame, or written "
                            "by a version that kept none): the run cannot be re-run")
        elif not (folder / entry["copy"]).is_file():
            problems.append(f"{entry['copy']}: missing (copy of input {entry['file']})")
        else:
            with (folder / entry["copy"]).open("rb") as source:
                try:
                    found = sha256_blocks(_restored_blocks(source, entry["copy"]))
                except (OSError, EOFError, zlib.error) as error:
                    found = f"a damaged copy ({error})"
            if found != entry["sha256"]:
                problems.append(f"{entry['copy']}: does not match the SHA-256 recorded for input {entry['file']} "
                                f"(expected {entry['sha256']}, found {found})")
    return problems


def restore_inputs(manifest: Mapping[str, Any], folder: Path, into: Path) -> list[tuple[str, str]]:
    """Restore each input copy under its original name in `into`; (role, location to read) per input."""
    sources = []
    for position, entry in enumerate(manifest["inputs"], start=1):
        place = into / str(position)
        place.mkdir(parents=True)
        original = split_sheet(entry["file"])[0].name
        with (folder / entry["copy"]).open("rb") as source, (place / original).open("wb") as target:
            for block in _restored_blocks(source, entry["copy"]):
                target.write(block)
        sources.append((entry["role"], str(place / entry["file"])))
    return sources


def _unique(name: str, taken: set[str]) -> str:
    """`name`, or `stem-N.suffix` with the smallest N >= 2 not yet taken (case-insensitively)."""
    path, candidate, number = Path(name), name, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{path.stem}-{number}{path.suffix}"
    taken.add(candidate.casefold())
    return candidate


def _copy(source: BinaryIO, target: BinaryIO, compress: bool) -> str:
    """Copy `source` to `target` (gzip-compressed if asked); return the SHA-256 of the bytes read."""
    digest = hashlib.sha256()
    sink = gzip.GzipFile(filename="", mode="wb", fileobj=target, compresslevel=1, mtime=0) if compress else target
    for block in iter(lambda: source.read(BLOCK), b""):
        digest.update(block)
        sink.write(block)
    if compress:
        sink.close()
    return digest.hexdigest()


def _restored_blocks(source: BinaryIO, name: str) -> Iterator[bytes]:
    """The original bytes of a copy, block by block (decompressed if it is a `.gz` copy)."""
    reader: BinaryIO = gzip.GzipFile(fileobj=source, mode="rb") if name.endswith(GZIP) else source
    yield from iter(lambda: reader.read(BLOCK), b"")


"""What a run folder must look like to be trusted: the manifest's shape, its canonical bytes, no stray file.

`verify` and `--force` both decide from here whether a folder is one this
tool wrote. A manifest is trusted only in the exact bytes `json_bytes`
writes (a whitespace byte changes the run id, so it is a different run), with
every key of the expected type (a forged `"outputs": []` is reported, never
crashes), and names that stay inside the folder. A file the manifest does not
name (also under `inputs/`) is foreign: a run never writes it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from portfolio.audit.archive import INPUTS
from portfolio.audit.manifest import MANIFEST, json_bytes
from portfolio.outputs import RUN_INFO


WRITTEN_AFTER_MANIFEST = ("report.pdf",)  # `--pdf` prints it once the folder is complete
SHA256 = re.compile(r"[0-9a-f]{64}")
PLAIN_NAME = re.compile(r"(?!\.\.?$)[^/\\\x00]+")  # a file name, not a path
COPY = re.compile(rf"{INPUTS}/(?!\.\.?$)[^/\\\x00]+")


def shape_problems(manifest: Any) -> list[str]:
    """What is missing or of the wrong type in a parsed manifest (nothing: it can be used)."""
    if not isinstance(manifest, dict):
        return ["not a JSON object"]
    problems = [f"{key}: expected {what}" for key, what, holds in (
        ("package", '"portfolio"', lambda v: v == "portfolio"),
        ("outputs", "an object of file name: SHA-256",
         lambda v: isinstance(v, dict) and all(_plain(k) and _sha256(d) for k, d in v.items())),
        ("inputs", "a list of inputs (role, file, sha256, copy)",
         lambda v: isinstance(v, list) and all(_input(entry) for entry in v)),
        ("settings", "an object", lambda v: isinstance(v, dict)),
        ("sample", "true or false", lambda v: isinstance(v, bool)),
        ("stored_snapshots", "a list of objects", lambda v: isinstance(v, list) and all(isinstance(e, dict) for e in v)),
    ) if not holds(manifest.get(key))]
    return problems


def _plain(name: Any) -> bool:
    return isinstance(name, str) and PLAIN_NAME.fullmatch(name) is not None


def _sha256(digest: Any) -> bool:
    return isinstance(digest, str) and SHA256.fullmatch(digest) is not None


def _input(entry: Any) -> bool:
    return (isinstance(entry, dict) and isinstance(entry.get("role"), str) and _plain(entry.get("file"))
            and (entry.get("sha256") is None or _sha256(entry.get("sha256")))
            and (entry.get("copy") is None or (isinstance(entry["copy"], str) and COPY.fullmatch(entry["copy"])))
            and isinstance(entry.get("detected", {}), dict))


def canonical(manifest: Mapping[str, Any], data: bytes) -> bool:
    """Whether `data` are exactly the bytes this tool writes for `manifest`."""
    try:
        return json_bytes(manifest) == data
    except (TypeError, ValueError):
        return False


def stray_files(folder: Path, manifest: Mapping[str, Any]) -> list[str]:
    """Entries of `folder` (and of its `inputs/`) that the manifest does not name, by relative path."""
    known = {MANIFEST, RUN_INFO, *WRITTEN_AFTER_MANIFEST, *manifest["outputs"]}
    copies = {entry["copy"] for entry in manifest["inputs"] if entry.get("copy")}
    strays = []
    for entry in sorted(folder.iterdir()):
        if entry.name == INPUTS and entry.is_dir() and not entry.is_symlink():
            strays += [f"{INPUTS}/{child.name}" for child in sorted(entry.iterdir())
                       if f"{INPUTS}/{child.name}" not in copies or not child.is_file() or child.is_symlink()]
        elif entry.name not in known or not entry.is_file() or entry.is_symlink():
            strays.append(entry.name)
    return strays

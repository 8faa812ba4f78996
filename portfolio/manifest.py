"""`manifest.json`: what a run read, with which settings and code, and what it wrote.

Everything in it is a function of the inputs and settings (no clock, no host,
no absolute path), so the same run gives the same bytes and an auditor can
check any file in the folder against its recorded SHA-256.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import Any

from portfolio._version import METHODOLOGY_VERSION, VERSION
from portfolio.run import Result

DEPENDENCIES = ("numpy", "pandas", "pyarrow", "pandera", "openpyxl")


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def build_manifest(result: Result, outputs: dict[str, str]) -> dict[str, Any]:
    """The manifest as a JSON-ready mapping; `outputs` maps file names to their SHA-256."""
    return {
        "package": "portfolio",
        "package_version": VERSION,
        "methodology_version": METHODOLOGY_VERSION,
        "dependencies": {name: _installed(name) for name in DEPENDENCIES},
        "sample": result.sample,
        "settings": result.settings.to_dict(),
        "baselines": [{"metric": b.metric, "value": b.value, "origin": b.origin} for b in result.baselines],
        "inputs": [{"role": i.role, "file": i.file, "sha256": i.sha256, "detected": i.dialect}
                   for i in result.inputs],
        "outputs": dict(sorted(outputs.items())),
    }


def json_bytes(document: dict[str, Any]) -> bytes:
    """Stable JSON: sorted keys, two-space indent, UTF-8, final newline, no NaN (null instead)."""
    return (json.dumps(_no_nan(document), indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
            + "\n").encode("utf-8")


def _no_nan(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {key: _no_nan(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_no_nan(item) for item in value]
    return value

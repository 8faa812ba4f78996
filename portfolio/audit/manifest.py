"""`manifest.json`: what a run read, with which settings and code, and what it wrote.

Everything in it is a function of the inputs, settings and installed versions
(no clock, no host, no absolute path), so the same run gives the same bytes
and an auditor can check any file in the folder against its recorded
SHA-256. That also makes the SHA-256 of `manifest.json` itself a content
address for the whole run: it is the run id of the run history. Run-time
facts (when, which command line) live apart, in `run.json`.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Iterable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from portfolio._version import METHODOLOGY_VERSION, VERSION
from portfolio.engine.temperature import METHODOLOGY as TEMPERATURE_METHODOLOGY
from portfolio.result import Result
from portfolio.run import REGRESSION_TABLE, regression_table_path

MANIFEST = "manifest.json"
DEPENDENCIES = ("numpy", "pandas", "pyarrow", "openpyxl", "pyportfolioopt", "plotly", "xlsxwriter")
# Keys describing the code that ran rather than the run: a re-run elsewhere may differ there alone.
ENVIRONMENT_KEYS = ("package_version", "methodology_version", "dependencies")


def sha256_blocks(blocks: Iterable[bytes]) -> str:
    """SHA-256 of bytes arriving block by block (a file, a decompressed copy)."""
    digest = hashlib.sha256()
    for block in blocks:
        digest.update(block)
    return digest.hexdigest()


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks."""
    with path.open("rb") as handle:
        return sha256_blocks(iter(lambda: handle.read(1 << 20), b""))


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def build_manifest(result: Result, outputs: Mapping[str, str], copies: Sequence[str | None],
                   stored_snapshots: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """The manifest as a JSON-ready mapping.

    `outputs` maps file names to their SHA-256; `copies` gives, per input, the
    path of its copy in the run folder (None: given as a DataFrame, no copy);
    `stored_snapshots` lists the earlier snapshots taken from the run history.
    """
    document = {
        "package": "portfolio",
        "package_version": VERSION,
        "methodology_version": METHODOLOGY_VERSION,
        "dependencies": {"python": platform.python_version(),
                         **{name: _installed(name) for name in DEPENDENCIES}},
        "sample": result.sample,
        "settings": result.settings.to_dict(),
        "baselines": [{"metric": b.metric, "value": b.value, "origin": b.origin} for b in result.baselines],
        "inputs": [{"role": i.role, "file": i.file, "sha256": i.sha256, "detected": i.dialect, "copy": copy}
                   for i, copy in zip(result.inputs, copies, strict=True)],
        "rerunnable": all(copy is not None for copy in copies),
        "stored_snapshots": [dict(entry) for entry in stored_snapshots],
        "outputs": dict(sorted(outputs.items())),
    }
    if result.temperature is not None:
        document["temperature"] = {"methodology": TEMPERATURE_METHODOLOGY, "regression_table": REGRESSION_TABLE,
                                   "regression_table_sha256": sha256_file(regression_table_path())}
    return document


def read_manifest(folder: Path) -> dict[str, Any]:
    """The parsed `manifest.json` of a run folder."""
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def run_id(folder: Path) -> str:
    """The run id: SHA-256 of the folder's `manifest.json` (same inputs, settings and code: same id)."""
    return sha256_file(folder / MANIFEST)


def json_bytes(document: Mapping[str, Any]) -> bytes:
    """Stable JSON: sorted keys, two-space indent, UTF-8, final newline, no NaN (null instead)."""
    return (json.dumps(_no_nan(document), indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
            + "\n").encode("utf-8")


def _no_nan(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, Mapping):
        return {key: _no_nan(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_no_nan(item) for item in value]
    return value

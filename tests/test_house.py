"""The house rules of the architecture, on the imports of the checkout: who may import whom.

- `holdings/` and `esg_scores/` import nothing from `portfolio` or `reports`;
- `portfolio/engine/` nothing from `reports`, `portfolio.audit` or `portfolio.cli`;
- `reports/` only names of the public face (`portfolio.__all__`);
- `portfolio --help` loads no engine library (pandas, numpy).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import portfolio

ROOT = Path(__file__).resolve().parents[1]


def imported(folder: str) -> list[tuple[str, str]]:
    """(file, imported name) for every import in the Python files under `folder` (absolute names)."""
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        module = path.relative_to(ROOT).with_suffix("").parts
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [(str(path), alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join([*module[:-node.level], *([base] if base else [])])
                found += [(str(path), f"{base}.{alias.name}") for alias in node.names]
    return found


def test_readers_import_nothing_above_them() -> None:
    offenders = [(f, name) for folder in ("holdings", "esg_scores") for f, name in imported(folder)
                 if name.startswith(("portfolio", "reports"))]
    assert offenders == []


def test_engine_imports_no_renderer_audit_or_cli() -> None:
    offenders = [(f, name) for f, name in imported("portfolio/engine")
                 if name.startswith(("reports", "portfolio.audit", "portfolio.cli"))]
    assert offenders == []


def test_reports_use_the_public_face_only() -> None:
    offenders = [(f, name) for f, name in imported("reports") if name.startswith("portfolio")
                 and not (name.count(".") == 1 and name.split(".")[1] in portfolio.__all__)]
    assert offenders == []


def test_help_loads_no_engine_library() -> None:
    probe = ("import sys\nfrom portfolio.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in ('pandas', 'numpy', 'pyarrow', 'statsmodels', 'cvxpy', 'pandera') "
             "if m in sys.modules))")
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert shown.splitlines()[-1] == "[]"

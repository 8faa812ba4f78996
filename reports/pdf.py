"""`report.pdf`: the HTML report printed by a local headless Chromium, the only engine that runs its charts.

Plotly draws in the browser, so a PDF of the report needs one; a local
Chromium (Debian package `chromium`) is used with a new empty profile, no
network (host names resolve to nothing) and no header or footer (which would
print the file's path and today's date). The page is laid out at screen width
before printing, so the charts are drawn at the width the print stylesheet
expects (`reports.style`).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--no-pdf-header-footer", "--window-size=1100,1400",
         "--virtual-time-budget=10000")
TIMEOUT_SECONDS = 300


def find_chromium() -> str | None:
    """The first Chromium-family browser on PATH, or None."""
    return next((path for path in map(shutil.which, BROWSERS) if path), None)


def write_pdf(html_path: Path, pdf_path: Path) -> None:
    """Print the report at `html_path` to `pdf_path` (A4) with a local headless Chromium.

    Raises RuntimeError when no Chromium is installed or when it fails to write the PDF.
    """
    browser = find_chromium()
    if browser is None:
        raise RuntimeError("cannot print the report to PDF: no local Chromium found; install the Debian package "
                           "chromium (or put chromium, chromium-browser or google-chrome on PATH)")
    pdf_path = Path(pdf_path).resolve()
    pdf_path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="report-pdf-") as profile:
        run = subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf_path}",
                              Path(html_path).resolve().as_uri()],
                             capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    if not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        detail = run.stderr.strip().splitlines()[-1:] or [f"exit status {run.returncode}"]
        raise RuntimeError(f"Chromium ({browser}) did not write {pdf_path}: {detail[0]}")

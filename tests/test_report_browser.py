"""The committee report in a real browser: every chart draws, the console stays silent, nothing leaves the machine.

One headless Chromium run per page (Debian package `chromium`) does it all:
`--dump-dom` gives the DOM after the scripts ran (`--virtual-time-budget`
lets plotly finish drawing), `--screenshot` keeps a picture in the test's
temporary folder, `--enable-logging=stderr` prints every console message and
uncaught error as a `:CONSOLE` line, and `--log-net-log` records every request
the browser made. Host names resolve to nothing, so a slip could not reach a
network anyway; the net log says whether the page tried. The browser's own
background requests (updates, clock) carry no initiator origin and are left
out. Skipped, with the reason, when no Chromium is installed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

import portfolio
from reports.html import write_html
from reports.pdf import write_pdf
from test_report_html import AMPERSAND, CHARTS, HOSTILE, small_result

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0", "--hide-scrollbars",
         "--window-size=1280,4000", "--virtual-time-budget=10000"]
BROWSER_ORIGIN = "not an origin"  # the initiator of requests the browser makes for itself
CHROMIUM = next((path for path in map(shutil.which, BROWSERS) if path), None)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no local Chromium (chromium, chromium-browser or "
                                "google-chrome on PATH); install the Debian package chromium")


class RenderedDom(HTMLParser):
    """The rendered page: its tags, the text of its SVG `<text>` elements, its scripts and its visible text."""

    def __init__(self, dom: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.svg_text: list[str] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._open: list[str] = []
        self.feed(dom)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in ("text", "script", "style"):
            self._open.append(tag)
            if tag == "script":
                self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        where = self._open[-1] if self._open else ""
        if where == "text":
            self.svg_text.append(data)
        elif where == "script":
            self.scripts[-1] += data
        elif where != "style":
            self.text.append(data)


@dataclass
class Rendered:
    """What Chromium made of one page."""

    dom: str
    console: list[str]
    page_requests: list[str]
    screenshot: Path

    def charts_drawn(self) -> dict[str, int]:
        """Plotly `main-svg` elements inside each chart div, the divs being in page order."""
        parts = re.split(r'<div id="(chart-[^"]+)"', self.dom)
        return {chart: body.count('class="main-svg"') for chart, body in zip(parts[1::2], parts[2::2])}


def page_requests(net_log: Path) -> list[str]:
    """URLs the page (not the browser itself) asked for, from Chromium's net log."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    assert log["events"], "empty net log: the network check would prove nothing"
    starts = [event.get("params", {}) for event in log["events"] if event["type"] == start_job]
    return [params["url"] for params in starts if "url" in params and params.get("initiator") != BROWSER_ORIGIN]


def open_in_chromium(page: Path, folder: Path) -> Rendered:
    """Load `page` from disk in headless Chromium with a new empty profile; keep DOM, console, requests, picture."""
    profile, net_log, screenshot = folder / "profile", folder / "netlog.json", folder / "report.png"
    profile.mkdir()
    run = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--log-net-log={net_log}",
                          f"--screenshot={screenshot}", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=180, check=True)
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
    return Rendered(run.stdout, console, page_requests(net_log), screenshot)


def assert_clean_render(rendered: Rendered, charts: list[str] = CHARTS) -> None:
    """Every chart drew, nothing was logged, nothing was requested, and a screenshot was taken."""
    drawn = rendered.charts_drawn()
    assert list(drawn) == charts
    assert all(count >= 1 for count in drawn.values()), drawn
    assert rendered.console == []
    assert [url for url in rendered.page_requests if not url.startswith(("file:", "data:"))] == []
    assert rendered.screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = tmp_path_factory.mktemp("hostile") / "report.html"
    write_html(small_result(), page)
    return page


@pytest.fixture(scope="module")
def hostile(hostile_page: Path) -> Rendered:
    return open_in_chromium(hostile_page, hostile_page.parent)


def test_small_book_renders_cleanly(hostile: Rendered) -> None:
    assert_clean_render(hostile)


def test_hostile_names_show_as_text(hostile: Rendered) -> None:
    dom = RenderedDom(hostile.dom)
    assert "b" not in dom.tags and "img" not in dom.tags  # no element came out of a name
    assert not [script for script in dom.scripts if "alert(" in script and "Plotly" not in script]
    axis_labels = " ".join(dom.svg_text)
    assert HOSTILE in axis_labels and AMPERSAND in axis_labels  # plotly drew the names, not their markup
    assert HOSTILE in " ".join(dom.text)


def test_sample_report_renders_cleanly(tmp_path: Path) -> None:
    write_html(portfolio.analyze(), tmp_path / "report.html")  # the sample brings targets: the temperature chart
    assert_clean_render(open_in_chromium(tmp_path / "report.html", tmp_path), CHARTS + ["chart-temperature"])


def test_pdf_is_printed_on_a4(hostile_page: Path, tmp_path: Path) -> None:
    write_pdf(hostile_page, tmp_path / "report.pdf")
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert re.search(rb"/MediaBox \[0 0 59[45](\.\d+)? 84[12](\.\d+)?\]", pdf)  # A4: 595 x 842 points

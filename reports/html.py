"""`report.html`: the investment committee's one-file report, rendered from a `Result`.

The page opens with the status sentence (is the footprint on its 2030 path,
and why did it move), then nine numbered sections (ten with a temperature
rating). It is one self-contained file (inline CSS, plotly.js inlined once, no font, image or script fetched)
so that it opens from a USB stick, and it is deterministic: fixed chart ids,
no clock, the document dated by its latest snapshot, so two renders of one
`Result` are byte-identical. Rendering only selects and sums the `Result`'s
frames (`reports.selections`); it never reads input files.
"""

from __future__ import annotations

from pathlib import Path

from portfolio import METHODOLOGY_VERSION, Result, __version__
from reports.action import action_section
from reports.cards import headline_section, report_header
from reports.embed import ChartWriter, with_plotly_js
from reports.i18n import long_date, texts
from reports.markup import esc
from reports.sections import (attribution_section, contributors_section, methodology_section, mission_section,
                              pai_section, quality_section, trajectory_section)
from reports.selections import latest_date
from reports.temperature_section import temperature_section
from reports.style import CSS

HEALTH_COMMITMENT = 0.80  # "plus de 80 % de nos participations stratégiques" (mission report 2023)


def render_html(result: Result, lang: str = "fr", coverage_floor: float = 0.80) -> str:
    """The whole report as one HTML string (French by default, `lang="en"` for English)."""
    return with_plotly_js(_page(result, lang, coverage_floor)).decode("utf-8")


def _page(result: Result, lang: str, coverage_floor: float) -> str:
    """The report's markup, plotly.js left as its slot in the first chart."""
    words = texts(lang)
    charts = ChartWriter()
    body = "".join([
        report_header(result, coverage_floor, lang),
        headline_section(result, coverage_floor, HEALTH_COMMITMENT, lang),
        trajectory_section(result, charts, lang),
        attribution_section(result, charts, lang),
        action_section(result, 4, lang),
        contributors_section(result, charts, lang),
        mission_section(result, charts, HEALTH_COMMITMENT, lang),
        quality_section(result, charts, coverage_floor, lang),
        pai_section(result, lang),
        temperature_section(result, charts, 9, lang),
        methodology_section(result, lang, 9 if result.temperature_portfolio is None else 10),
    ])
    date = long_date(latest_date(result), lang)
    footer = words["footer"].format(version=__version__, methodology=METHODOLOGY_VERSION, date=date)
    return (f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(words['title'])} · {esc(date)}</title>\n<style>{CSS}</style>\n</head>\n"
            f"<body>\n<main>\n{body}\n<footer>{esc(footer)}</footer>\n</main>\n</body>\n</html>\n")


def write_html(result: Result, path: Path, lang: str = "fr", coverage_floor: float = 0.80) -> None:
    """Write the committee report of `result` to `path` as one self-contained UTF-8 HTML file.

    `coverage_floor`: below this covered share of eligible listed yield assets,
    the footprint is flagged as not representative.
    """
    Path(path).write_bytes(with_plotly_js(_page(result, lang, coverage_floor)))

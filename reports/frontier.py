"""The rebalancing frontier chart: least tracking error against the footprint target, as a standalone page.

One self-contained HTML file (plotly.js inlined, fixed div id, no mode bar,
nothing fetched), so the same frontier always gives the same bytes and the
page opens offline; it renders figures `portfolio.rebalance.optimizer` computed. The
page has a title, a heading and one sentence in the reader's language (the
`frontier_*` words of `reports.i18n`), like the committee report.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from reports.chart_style import GREY, NAVY, RED, base_layout
from reports.embed import CONFIG
from reports.i18n import texts
from reports.markup import esc
from reports.numbers import format_number
from reports.style import CSS

DIV_ID = "rebalance-frontier"
HEIGHT = 420


def frontier_figure(frontier: pd.DataFrame, summary: Mapping[str, float | None], measure: str,
                    lang: str = "fr") -> go.Figure:
    """The frontier line, the proposal as a point and the target as a vertical line."""
    words = texts(lang)
    figure = go.Figure(layout=base_layout(lang, HEIGHT))
    figure.add_trace(go.Scatter(x=frontier["target_footprint"], y=frontier["tracking_error"], mode="lines+markers",
                                name=words["frontier_trace"].format(measure=measure), line={"color": NAVY}))
    figure.add_vline(x=float(summary["target"]), line={"color": RED, "dash": "dash"})
    figure.add_vline(x=float(summary["footprint_before"]), line={"color": GREY, "dash": "dot"})
    figure.update_layout(xaxis_title=words["frontier_x"].format(unit=words["unit_footprint"]), yaxis_title=measure,
                         yaxis_tickformat=".2%", margin={"l": 70, "r": 20, "t": 40, "b": 50})
    return figure


def frontier_html(frontier: pd.DataFrame, summary: Mapping[str, float | None], tracking: bool,
                  lang: str = "fr") -> bytes:
    """The chart as a complete, self-contained HTML page; `tracking`: the measure is a tracking error
    (prices were given), else the weight change."""
    words = texts(lang)
    measure = words["frontier_measure_tracking" if tracking else "frontier_measure_weights"]
    chart = pio.to_html(frontier_figure(frontier, summary, measure, lang), config=CONFIG, include_plotlyjs=True,
                        include_mathjax=False, full_html=False, div_id=DIV_ID, default_height=f"{HEIGHT}px")
    intro = words["frontier_intro"].format(
        before=format_number(summary["footprint_before"], lang, 1), target=format_number(summary["target"], lang, 1),
        after=format_number(summary["footprint_after"], lang, 1), unit=words["unit_footprint"], measure=measure)
    page = (f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{esc(words['frontier_title'])}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
            f"<h1>{esc(words['frontier_title'])}</h1>\n<p>{esc(intro)}</p>\n{chart}\n</main>\n</body>\n</html>\n")
    return page.encode("utf-8")

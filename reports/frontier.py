"""The rebalancing frontier chart: least tracking error against the footprint target, as a standalone page.

One self-contained HTML file (plotly.js inlined, fixed div id, no mode bar,
nothing fetched), so the same frontier always gives the same bytes and the
page opens offline; it renders figures `portfolio.rebalance.optimizer` computed.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from reports.chart_style import GREY, NAVY, RED, base_layout
from reports.embed import CONFIG

DIV_ID = "rebalance-frontier"
HEIGHT = 420


def frontier_figure(frontier: pd.DataFrame, summary: Mapping[str, float | None], measure: str) -> go.Figure:
    """The frontier line, the proposal as a point and the target as a vertical line."""
    figure = go.Figure(layout=base_layout("en", HEIGHT))
    figure.add_trace(go.Scatter(x=frontier["target_footprint"], y=frontier["tracking_error"], mode="lines+markers",
                                name="least " + measure, line={"color": NAVY}))
    figure.add_vline(x=float(summary["target"]), line={"color": RED, "dash": "dash"})
    figure.add_vline(x=float(summary["footprint_before"]), line={"color": GREY, "dash": "dot"})
    figure.update_layout(xaxis_title="footprint target (tCO2e/MEUR)", yaxis_title=measure,
                         yaxis_tickformat=".2%", margin={"l": 70, "r": 20, "t": 40, "b": 50})
    return figure


def frontier_html(frontier: pd.DataFrame, summary: Mapping[str, float | None], measure: str) -> bytes:
    """The chart as a complete, self-contained HTML page."""
    markup = pio.to_html(frontier_figure(frontier, summary, measure), config=CONFIG, include_plotlyjs=True,
                         include_mathjax=False, full_html=True, div_id=DIV_ID, default_height=f"{HEIGHT}px")
    return markup.encode("utf-8")

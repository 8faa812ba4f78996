"""Plotly figures as page markup: fixed div ids, plotly.js inlined once, nothing fetched from a network.

`plotly.io.to_html` invents a random div id unless given one, and loads
plotly.js from a CDN unless told to inline it; either would break a report
that must be byte-identical from one run to the next and open from a USB
stick. So every chart gets its id from the report, the first chart carries
the whole plotly.js bundle and the others reuse it, MathJax is never
referenced, and the mode bar (whose logo links to plotly.com, and whose
buttons cover the top of a chart in print) is left out: zooming by dragging
and double-click to reset still work.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

CONFIG = {"displaylogo": False, "displayModeBar": False, "responsive": True}


class ChartWriter:
    """Turns figures into `<div>` markup in page order, inlining plotly.js with the first one only."""

    def __init__(self) -> None:
        self._plotly_inlined = False
        self.ids: list[str] = []

    def __call__(self, figure: go.Figure, div_id: str) -> str:
        """The markup of one figure under the fixed id `div_id` (unique within the page)."""
        if div_id in self.ids:
            raise ValueError(f"chart id {div_id!r} used twice")
        markup = pio.to_html(figure, config=CONFIG, include_plotlyjs=not self._plotly_inlined,
                             include_mathjax=False, full_html=False, div_id=div_id,
                             default_height=f"{int(figure.layout.height)}px")
        self._plotly_inlined = True
        self.ids.append(div_id)
        return markup

"""The look every chart shares, and the one safe way to put a user's text into a chart.

Plotly renders a small HTML subset inside any text it draws (`<b>`, `<br>`,
`<a href>`), so an issuer called `<b>SA</b>` would come out bold, and a
crafted one as a link. `label()` escapes `&`, `<` and `>` first; plotly turns
the entities back into plain characters, so the name reads exactly as typed.
Hover texts are built here from already formatted pieces and joined with
`<br>`, the only markup the report itself puts in a chart. The layout's
`template` only whitens the backgrounds: the report's figures
(`reports.figures.figure`) lay it over plotly's default template, as
`update_layout` did, while the frontier page (`go.Figure(layout=...)`) takes
it as its whole template.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from reports.numbers import percent_suffix, plotly_separators

FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
INK = "#1f2933"
GRID = "#e4e7eb"
NAVY = "#1f3a5f"
GREY = "#7b8794"
LIGHT = "#cbd2d9"
GREEN = "#2f7d4f"
RED = "#b42318"
BLUE = "#3e7cb1"
AMBER = "#b7791f"
EFFECT_COLORS = {"allocation": NAVY, "emissions": AMBER, "evic": BLUE, "coverage": GREY}


def label(text: object, limit: int | None = None) -> str:
    """A user's text as plotly must receive it: shortened to `limit` characters, then `&<>` escaped."""
    value = "" if text is None else str(text)
    if limit is not None and len(value) > limit:
        value = value[:limit - 1] + "…"
    return html.escape(value, quote=False)


def hover(*lines: str) -> str:
    """Hover text from lines that are already escaped or formatted."""
    return "<br>".join(lines)


def base_layout(lang: str, height: int, **changes: Any) -> dict[str, Any]:
    """The shared layout: system fonts, the reader's number marks, the legend above the plot, no title."""
    layout: dict[str, Any] = {
        "template": {"layout": {"paper_bgcolor": "white", "plot_bgcolor": "white"}},
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 10, "b": 40},
        "font": {"family": FONT, "size": 12, "color": INK},
        "separators": plotly_separators(lang),
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "hoverlabel": {"font": {"family": FONT}},
        "xaxis": {"gridcolor": GRID, "linecolor": LIGHT, "zeroline": False, "tickformat": ",.0f"},
        "yaxis": {"gridcolor": GRID, "linecolor": LIGHT, "zeroline": False, "tickformat": ",.0f"},
    }
    for key, value in changes.items():
        layout[key] = {**layout[key], **value} if isinstance(layout.get(key), dict) else value
    return layout


def year_axis(dates: list[pd.Timestamp]) -> dict[str, Any]:
    """A date axis over whole years, each year's label in its middle, so a 31 December point sits in its year.

    Years need no month names, which plotly would write in English; the range
    starts on 1 January of the first year so that its label shows, and ends
    just after the last date so that a point there is not cut in half.
    """
    axis: dict[str, Any] = {"type": "date", "tickformat": "%Y", "dtick": "M12", "ticklabelmode": "period"}
    if dates:
        axis["range"] = [pd.Timestamp(min(dates).year, 1, 1), max(dates) + pd.Timedelta(days=45)]
    return axis


def percent_axis(lang: str, **changes: Any) -> dict[str, Any]:
    """An axis of values already multiplied by 100, suffixed the reader's way (`40 %` / `40%`)."""
    return {"ticksuffix": percent_suffix(lang), "tickformat": ",.0f", "rangemode": "tozero", **changes}


def category_axis(**changes: Any) -> dict[str, Any]:
    """A category axis: names such as "2024" or a GICS code must not be read as numbers."""
    return {"type": "category", "automargin": True, **changes}

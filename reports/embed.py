"""Plotly figures as page markup: fixed div ids, plotly.js inlined once, nothing fetched from a network.

`plotly.io.to_html` invents a random div id unless given one, and loads
plotly.js from a CDN unless told to inline it; either would break a report
that must be byte-identical from one run to the next and open from a USB
stick. So every chart gets its id from the report, the first chart carries
the whole plotly.js bundle and the others reuse it, MathJax is never
referenced, and the mode bar (whose logo links to plotly.com, and whose
buttons cover the top of a chart in print) is left out: zooming by dragging
and double-click to reset still work.

The markup and the JSON are written here the way `plotly.io.to_html` wrote
them (same whitespace, same JSON encoding), without importing it: its JSON
encoder loads plotly's validators and narwhals (~50 ms) for figures
(`reports.figures`) that need neither. The bundle (4.8 MB) goes into the
first chart's markup as the `PLOTLY_JS` slot and is put in place once, as
bytes, when the page is complete (`with_plotly_js`): copied through every
string the page is built from, it cost ~10 ms a copy.
"""

from __future__ import annotations

import base64
import json
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from reports.figures import Figure

CONFIG = {"displaylogo": False, "displayModeBar": False, "responsive": True}
PLOTLY_JS = "<plotly.js>"  # the bundle's slot: page text and chart JSON never hold a raw `<`
TYPED_ARRAYS = {"float64": "f8", "float32": "f4"}  # plotly.js typed-array codes of the arrays the charts pass
SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("/", "\\u002f"))  # no `</script>` inside a script


@cache
def _plotly_js() -> bytes:
    """The plotly.js bundle plotly ships (UTF-8), the file `plotly.offline.get_plotlyjs` reads."""
    return resources.files("plotly").joinpath("package_data/plotly.min.js").read_bytes()


def with_plotly_js(page: str) -> bytes:
    """The page as UTF-8, plotly.js in its slot (if a chart asked for it)."""
    return _plotly_js().join(part.encode("utf-8") for part in page.split(PLOTLY_JS))


def _plain(value: Any) -> Any:
    """What plotly's encoder wrote for a value `json` cannot: float arrays base64-typed, dates in ISO text."""
    if isinstance(value, (pd.Series, pd.Index)):
        value = value.to_numpy()
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "M":
            return np.datetime_as_string(value).tolist()
        if value.dtype.name in TYPED_ARRAYS and value.size:
            return {"dtype": TYPED_ARRAYS[value.dtype.name],
                    "bdata": base64.b64encode(np.ascontiguousarray(value)).decode("ascii")}
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value.isoformat()  # a Timestamp or datetime


def _json(value: Any) -> str:
    """`value` as plotly's `to_json_plotly` wrote it: compact, NaN and infinities as null, `<>/` escaped."""
    text = json.dumps(value, separators=(",", ":"), default=_plain)
    if "NaN" in text or "Infinity" in text:
        text = json.dumps(json.loads(text, parse_constant=lambda _: None), separators=(",", ":"))
    for unsafe, safe in SCRIPT_SAFE:
        text = text.replace(unsafe, safe)
    return text


def _bundle_markup() -> str:
    """The script tags that load plotly.js, put before the first chart."""
    return ("        <script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>\n"
            f"        <script>{PLOTLY_JS}</script>    ")


def _chart_markup(figure: Figure, div_id: str, bundle: bool) -> str:
    """One figure's `<div>`, byte for byte what `plotly.io.to_html(..., full_html=False)` returned."""
    script = (f'                if (document.getElementById("{div_id}")) {{'
              f'                    Plotly.newPlot(                        "{div_id}",'
              f'                        {_json(figure["data"])},'
              f'                        {_json(figure["layout"])},'
              f'                        {json.dumps(CONFIG)}                    )                }}')
    return (f'<div style="height:{figure["layout"]["height"]}px; width:100%;">        '
            f'        {_bundle_markup() if bundle else ""}'
            f'            <div id="{div_id}" class="plotly-graph-div" style="height:100%; width:100%;"></div>'
            '            <script>                window.PLOTLYENV=window.PLOTLYENV || {};'
            f"                {script};            </script>        </div>")


class ChartWriter:
    """Turns figures into `<div>` markup in page order, inlining plotly.js with the first one only."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    def __call__(self, figure: Figure, div_id: str) -> str:
        """The markup of one figure under the fixed id `div_id` (unique within the page)."""
        if div_id in self.ids:
            raise ValueError(f"chart id {div_id!r} used twice")
        markup = _chart_markup(figure, div_id, bundle=not self.ids)
        self.ids.append(div_id)
        return markup

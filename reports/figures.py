"""The report's charts as plain plotly.js figures (dicts), built without `plotly.graph_objects`.

graph_objects validates every attribute of every trace against the
plotly.js schema as it is set, which cost more than half of the report's
rendering time, for attributes that are all written by hand in
`reports.charts`. So the charts are dicts in the plotly.js schema, built in
the exact shape `go.Figure(...).to_dict()` gave, so that report.html keeps
its bytes: trace attributes in alphabetical order with `type` last, plotly's
default template ("plotly") under the report's own changes, layout objects
before plain values. plotly.js still draws them; `reports.embed` writes them
into the page the way `plotly.io.to_html` did.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

Trace = dict[str, Any]
Figure = dict[str, Any]  # {"data": [Trace, ...], "layout": {...}}, as plotly.js's Plotly.newPlot takes them

NEW_AXIS = re.compile(r"[xy]axis[2-9]\d*")  # a subplot axis the layout does not start with


def trace(kind: str, **attributes: Any) -> Trace:
    """A trace of type `kind`: attributes (nested ones too) by name, `None` left out, `type` last, as plotly wrote it."""
    return {**_by_name(attributes), "type": kind}


def _by_name(attributes: dict[str, Any]) -> dict[str, Any]:
    """Attributes sorted by name, nested objects too, unset (`None`) ones dropped."""
    return {name: _by_name(value) if isinstance(value, dict) else value
            for name, value in sorted(attributes.items()) if value is not None}


def figure(traces: list[Trace], layout: dict[str, Any]) -> Figure:
    """The figure `go.Figure(traces).update_layout(**layout)` made: `layout` over plotly's default template."""
    changes = {key: value for key, value in layout.items() if key != "template"}
    template = _merged(default_template(), layout.get("template", {}))
    return {"data": traces, "layout": {"template": template, **_objects_first(changes)}}


def _objects_first(layout: dict[str, Any]) -> dict[str, Any]:
    """Nested objects before plain values, at every level but inside an added axis (`yaxis2`): plotly's order.

    `update_layout` set plain values after the objects of the layout it
    updated, while an axis it had to create kept the order it was given.
    """
    objects = {key: value if NEW_AXIS.fullmatch(key) else _objects_first(value)
               for key, value in layout.items() if isinstance(value, dict)}
    return {**objects, **{key: value for key, value in layout.items() if not isinstance(value, dict)}}


def _merged(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """`base` with `changes` merged in, nested objects merged key by key, `base`'s order kept."""
    merged = dict(base)
    for key, value in changes.items():
        merged[key] = _merged(base[key], value) if isinstance(base.get(key), dict) else value
    return merged


@cache
def default_template() -> dict[str, Any]:
    """plotly's default template ("plotly"), read from plotly's package data: what `go.Figure()` starts from."""
    text = resources.files("plotly").joinpath("package_data/templates/plotly.json").read_text(encoding="utf-8")
    template = json.loads(text)
    return {"data": template["data"], "layout": template["layout"]}

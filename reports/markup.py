"""The few HTML shapes the report is made of, each escaping its text where it writes it.

Every function takes plain text and returns markup, so escaping happens in
exactly one place: a caller never pre-escapes, and no text reaches the page
without `esc()`. Functions that take markup say so in their parameter name
(`body`, `cells_html`).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def esc(text: object) -> str:
    """Plain text made safe for HTML content and attribute values."""
    return html.escape("" if text is None else str(text), quote=True)


@dataclass(frozen=True)
class Column:
    """A table column: its heading and whether it holds numbers (right-aligned, no wrap)."""

    heading: str
    numeric: bool = False
    css: str = ""


def paragraph(text: str, css: str = "") -> str:
    """One paragraph of plain text."""
    return f'<p class="{esc(css)}">{esc(text)}</p>' if css else f"<p>{esc(text)}</p>"


def table(columns: Sequence[Column], rows: Iterable[Sequence[object]], css: str = "") -> str:
    """A table of plain-text cells."""
    def cell(tag: str, column: Column, text: object) -> str:
        classes = " ".join(part for part in ("num" if column.numeric else "", column.css) if part)
        return f'<{tag} class="{classes}">{esc(text)}</{tag}>' if classes else f"<{tag}>{esc(text)}</{tag}>"

    head = "".join(cell("th", column, column.heading) for column in columns)
    body = "".join("<tr>" + "".join(cell("td", column, text) for column, text in zip(columns, row)) + "</tr>"
                   for row in rows)
    opening = f'<table class="{esc(css)}">' if css else "<table>"
    return f"{opening}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def definitions(pairs: Iterable[tuple[str, str]]) -> str:
    """A definition list of plain-text terms and values."""
    items = "".join(f"<dt>{esc(term)}</dt><dd>{esc(value)}</dd>" for term, value in pairs)
    return f"<dl>{items}</dl>"


def bullets(items: Iterable[str]) -> str:
    """A bulleted list of plain-text items."""
    return "<ul>" + "".join(f"<li>{esc(item)}</li>" for item in items) + "</ul>"


def section(anchor: str, number: int, title: str, body: str) -> str:
    """A numbered report section around already built `body` markup."""
    return (f'<section id="{esc(anchor)}"><h2><span class="number">{number}.</span> {esc(title)}</h2>'
            f"{body}</section>")


def chart_block(title: str, chart_html: str, reading: str) -> str:
    """A chart under its title with its one-sentence reading below (`chart_html` is plotly's markup)."""
    return (f'<figure class="chart"><h3>{esc(title)}</h3>{chart_html}'
            f'<figcaption class="reading">{esc(reading)}</figcaption></figure>')

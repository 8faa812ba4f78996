"""Numbers as the reader writes them: `1 234,5` and `12,3 %` in French, `1,234.5` and `12.3%` in English.

One convention per language (decimal mark, thousands separator, how `%` is
attached); every figure of the report, in text, tables and chart hovers, goes
through these functions, and plotly's own tick labels get the same marks from
`plotly_separators`. French groups thousands with a narrow no-break space
(U+202F) and puts one before `%`, as French typography does, so a figure never
breaks across lines. Negative numbers take the true minus sign (U+2212), as
plotly's tick labels do, so text and charts match.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

NARROW_NBSP = "\u202f"
MINUS = "\u2212"
EMPTY = "\u2013"  # an en dash for an empty value: never a 0


@dataclass(frozen=True)
class Convention:
    """How one language writes a number: decimal mark, thousands separator, percent suffix."""

    decimal: str
    thousands: str
    percent: str


CONVENTIONS = {
    "fr": Convention(decimal=",", thousands=NARROW_NBSP, percent=NARROW_NBSP + "%"),
    "en": Convention(decimal=".", thousands=",", percent="%"),
}


def convention(lang: str) -> Convention:
    """The number convention of `lang`; an unknown language is a programming error."""
    try:
        return CONVENTIONS[lang]
    except KeyError:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(CONVENTIONS)}") from None


def is_empty(value: float | None) -> bool:
    """True for a missing value (None, NaN or pandas' NA), which is shown as a dash."""
    if value is None:
        return True
    try:
        return math.isnan(value)
    except TypeError:  # pandas.NA refuses conversion
        return True


def format_number(value: float | None, lang: str, decimals: int = 1, signed: bool = False) -> str:
    """`1234.5` as `1 234,5` (fr) or `1,234.5` (en); `signed` adds `+` to positive values."""
    if is_empty(value):
        return EMPTY
    marks = convention(lang)
    digits = f"{abs(float(value)):,.{decimals}f}"
    digits = digits.translate(str.maketrans({",": marks.thousands, ".": marks.decimal}))
    if not any(character in "123456789" for character in digits):
        return digits  # rounds to zero: no sign, never "-0,0"
    if value < 0:
        return MINUS + digits
    return "+" + digits if signed else digits


def format_percent(share: float | None, lang: str, decimals: int = 1, signed: bool = False) -> str:
    """A share (0.123) as `12,3 %` (fr) or `12.3%` (en)."""
    if is_empty(share):
        return EMPTY
    return format_number(float(share) * 100, lang, decimals, signed) + convention(lang).percent


def format_meur(value_eur: float | None, lang: str, decimals: int = 1) -> str:
    """An amount in euros, shown in millions: `212,1 M€` (fr) or `€212.1m` (en), `−€19.3m` when negative."""
    if is_empty(value_eur):
        return EMPTY
    number = format_number(float(value_eur) / 1e6, lang, decimals)
    if lang == "fr":
        return f"{number}{NARROW_NBSP}M€"
    sign, digits = (MINUS, number[1:]) if number.startswith(MINUS) else ("", number)
    return f"{sign}€{digits}m"  # -€19.3m, as English writes a negative amount


def percent_suffix(lang: str) -> str:
    """What follows a percentage figure (`" %"` or `"%"`), for chart axes drawn in percent."""
    return convention(lang).percent


def plotly_separators(lang: str) -> str:
    """Plotly's `layout.separators`: the decimal mark then the thousands separator."""
    marks = convention(lang)
    return marks.decimal + marks.thousands

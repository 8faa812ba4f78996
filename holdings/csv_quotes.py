"""CSV quoting, checked strictly: a quote opened at the start of a field must close it.

The CSV parser is lenient: text after a closing quote (`"Alpha"beta`) is
glued to the field, and a quote that never closes swallows every later line
into one cell, so three holdings silently become one. The contract makes both
an input error at the row where the quote opens. A quote inside an unquoted
field (`12" pipe`) is an ordinary character, as for the parser.

The scan costs one `str.find` per quoted field, so a file without quotes is
checked in one pass of C code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from holdings.problems import InputError, Problem, quote_value

QUOTED = re.compile(r'"[^"]*(?:""[^"]*)*"')
LINE = re.compile(r"[^\r\n]+")


def check_quotes(text: str, delimiter: str, source: str) -> None:
    """Raise `InputError` at the first quoted field that never closes or has text after its closing quote."""
    for start, quoted in quoted_fields(text, delimiter):
        if quoted is None:
            raise InputError(Problem(source, record_number(text, delimiter, start), "",
                                     "a quote that never closes", "a closing quote for each opening one"))
        after = quoted.end()
        if after < len(text) and text[after] not in (delimiter, "\r", "\n"):
            raise InputError(Problem(source, record_number(text, delimiter, start), "",
                                     quote_value(f"{quoted.group()[-10:]}{text[after:after + 10]}"),
                                     "a closing quote followed by the delimiter or a line end "
                                     "(a quote inside a quoted field is written twice: \"\")"))


def quoted_fields(text: str, delimiter: str, stop: int | None = None) -> Iterator[tuple[int, re.Match[str] | None]]:
    """Each quote opening a field before `stop`, with its quoted field (None: it never closes)."""
    ends = (delimiter, "\r", "\n")
    stop = len(text) if stop is None else stop
    position = text.find('"', 0, stop)
    while position >= 0:
        if position > 0 and text[position - 1] not in ends:  # a quote inside an unquoted field: a character
            position = text.find('"', position + 1, stop)
            continue
        quoted = QUOTED.match(text, position)
        yield position, quoted
        if quoted is None:
            return
        position = text.find('"', quoted.end(), stop)


def record_number(text: str, delimiter: str, position: int) -> int:
    """The record (header = 1) holding `position`: its lines before it, a quoted field counting as one line.

    Blank lines are not records, as for the parser.
    """
    skeleton, start = [], 0
    for opening, quoted in quoted_fields(text, delimiter, position):
        skeleton.append(text[start:opening] + "x")
        start = quoted.end() if quoted is not None else opening
    skeleton.append(text[start:position] + "x")
    return len(LINE.findall("".join(skeleton)))

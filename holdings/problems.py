"""Input problems and the error that carries them.

Every reader reports what is wrong as `Problem` records rather than raising on
the first one, so that a user fixing a file sees all of its faults at once.
The message format is fixed by the data contract:
``FILE: row N, column C: got 'V'; expected ...`` (header = row 1), and for a
settings file ``FILE: key K: got 'V'; expected ...``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

MAX_SHOWN_VALUE = 60


def quote_value(value: object) -> str:
    """Show a cell value in a message: quoted, control characters escaped, long values cut.

    Printable characters, accented letters and symbols included, are shown as
    they are (`'Crédit'`, `'12 k€'`); spaces of every width (no-break, narrow
    no-break: thousands separators) as a space (`'5 983'`), as a reader sees
    them; tabs, newlines and other control characters are escaped (`'\\x1e'`)
    so the line stays one line and shows what is really in the cell.
    """
    text = str(value)
    if len(text) > MAX_SHOWN_VALUE:
        text = text[:MAX_SHOWN_VALUE] + "..."
    escaped = "".join(_escape(char) for char in text)
    return f"'{escaped}'"


def shown_name(text: str) -> str:
    """A file or column name as shown in a message: as it is, invisible characters escaped (`\\x1e`)."""
    return "".join(char if char.isprintable() else _escape(char) for char in text)


def _escape(char: str) -> str:
    """One character as shown inside quotes: quote and backslash escaped, invisible ones as `\\xNN`."""
    if char in "'\\":
        return "\\" + char
    if char.isprintable():
        return char
    if unicodedata.category(char) == "Zs":
        return " "
    return char.encode("unicode_escape").decode("ascii")


@dataclass(frozen=True, order=True)
class Problem:
    """One fault in one input: where it is, what was there and what was expected.

    A table's faults are at a row (and column); a settings file's at a `key`.
    """

    file: str
    row: int
    column: str
    got: str
    expected: str
    key: str = ""

    def __str__(self) -> str:
        if self.key:
            return f"{shown_name(self.file)}: key {shown_name(self.key)}: got {self.got}; expected {self.expected}"
        where = f"{shown_name(self.file)}: row {self.row}"
        if self.column:
            where += f", column {shown_name(self.column)}"
        return f"{where}: got {self.got}; expected {self.expected}"


class InputError(Exception):
    """Raised when inputs are unusable; holds every problem found (exit status 2)."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(self.lines()))

    def lines(self, limit: int = 20) -> list[str]:
        """The first `limit` problems, one per line, then a count of the rest."""
        shown = [str(problem) for problem in self.problems[:limit]]
        hidden = len(self.problems) - limit
        if hidden > 0:
            shown.append(f"... and {hidden} more problem{'s' if hidden > 1 else ''}")
        return shown

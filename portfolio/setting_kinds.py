"""The kinds of value a settings key may hold, and the walk that checks a TOML table against a declared schema.

A schema maps each key to a `Kind` (what the value must be, in words, and how
to read it) or to a nested schema (a TOML table). `check_table` refuses
unknown keys, values of the wrong type, out of their range or not finite,
and reports every problem as `FILE: key K: got 'V'; expected ...` before
anything is used: a bad setting never reaches a figure.
"""

from __future__ import annotations

import datetime as dt
import math
import reprlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Union

from holdings.problems import Problem, quote_value

FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2200, 12, 31)
_SHOWN = reprlib.Repr()
_SHOWN.maxlevel, _SHOWN.maxstring, _SHOWN.maxother = 3, 60, 60


class Refused(ValueError):
    """A value that is not of its key's kind."""


@dataclass(frozen=True)
class Kind:
    """What a key's value must be (`expected`, in words) and how to read it (`read` raises `Refused`)."""

    expected: str
    read: Callable[[Any], Any]


Schema = Mapping[str, Union[Kind, "Schema"]]


def setting_problem(source: str, key: str, value: object, expected: str) -> Problem:
    """The contract's settings message: `FILE: key K: got 'V'; expected ...`, V shown shortened and escaped."""
    shown = value.isoformat() if isinstance(value, dt.date) else value if isinstance(value, str) else _SHOWN.repr(value)
    return Problem(source, 0, "", quote_value(shown), expected, key=key)


def _refuse_unless(condition: bool) -> None:
    if not condition:
        raise Refused()


def _real(value: Any) -> float:
    """A finite number (TOML integer or float, never a boolean) as a float."""
    _refuse_unless(isinstance(value, (int, float)) and not isinstance(value, bool))
    try:
        number = float(value)
    except OverflowError:  # an integer beyond the doubles
        raise Refused() from None
    _refuse_unless(math.isfinite(number))
    return number


def number(expected: str, holds: Callable[[float], bool] = lambda _: True, optional: bool = False) -> Kind:
    """A finite number for which `holds` is true (`optional`: or null, as the manifest writes an unset one)."""
    def read(value: Any) -> float | None:
        if value is None and optional:
            return None
        result = _real(value)
        _refuse_unless(holds(result))
        return result
    return Kind(expected, read)


def whole(low: int, high: int, expected: str) -> Kind:
    def read(value: Any) -> int:
        _refuse_unless(isinstance(value, int) and not isinstance(value, bool) and low <= value <= high)
        return value
    return Kind(expected, read)


def choice(options: tuple[str, ...], expected: str) -> Kind:
    """One of `options`, any case, surrounding spaces ignored; read in its contract spelling."""
    def read(value: Any) -> str:
        _refuse_unless(isinstance(value, str) and value.strip().casefold() in options)
        return value.strip().casefold()
    return Kind(expected, read)


def flag() -> Kind:
    def read(value: Any) -> bool:
        _refuse_unless(isinstance(value, bool))
        return value
    return Kind("true or false", read)


def day() -> Kind:
    """A date (TOML date or `YYYY-MM-DD` text) from 1900 to 2200."""
    def read(value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            value = value.date()
        elif isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                raise Refused() from None
        _refuse_unless(isinstance(value, dt.date) and FIRST_DAY <= value <= LAST_DAY)
        return value
    return Kind(f"a date as YYYY-MM-DD from {FIRST_DAY.year} to {LAST_DAY.year}", read)


def texts(expected: str, fold: bool = False, non_empty: bool = False, forbidden: str = "") -> Kind:
    """A list of non-empty strings (trimmed, case-folded if `fold`) without the `forbidden` characters."""
    def read(value: Any) -> tuple[str, ...]:
        _refuse_unless(isinstance(value, list) and (bool(value) or not non_empty)
                       and all(isinstance(item, str) for item in value))
        items = tuple(item.strip().casefold() if fold else item.strip() for item in value)
        _refuse_unless(all(item and item.isprintable() and not set(item) & set(forbidden) for item in items))
        return items
    return Kind(expected, read)


def distinct(options: tuple[int, ...], expected: str) -> Kind:
    """A non-empty list of distinct integers among `options` (1.0 is not 1: it would name no column)."""
    def read(value: Any) -> tuple[int, ...]:
        _refuse_unless(isinstance(value, list) and bool(value) and len(set(value)) == len(value)
                       and all(type(item) is int and item in options for item in value))
        return tuple(sorted(value))
    return Kind(expected, read)


def text_table(expected: str, values: tuple[type, ...] = (str,)) -> Kind:
    """A table of non-empty names onto non-empty values of the given types, both trimmed."""
    def read(value: Any) -> dict[str, str]:
        _refuse_unless(isinstance(value, Mapping) and all(
            isinstance(item, values) and str(key).strip() and str(item).strip() for key, item in value.items()))
        return {str(key).strip(): str(item).strip() for key, item in value.items()}
    return Kind(expected, read)


def any_table(expected: str) -> Kind:
    """A table checked elsewhere (by the command that reads it)."""
    def read(value: Any) -> Mapping[str, Any]:
        _refuse_unless(isinstance(value, Mapping))
        return value
    return Kind(expected, read)


def check_table(data: Any, schema: Schema, source: str, prefix: str = "") -> tuple[dict[str, Any], list[Problem]]:
    """The values given in `data`, read by their kinds (nested tables as dicts), and every problem found."""
    if not isinstance(data, Mapping):
        return {}, [setting_problem(source, prefix.rstrip("."), data, f"a [{prefix.rstrip('.')}] table")]
    problems = [setting_problem(source, prefix + str(key), key, "a known setting: " + ", ".join(sorted(schema)))
                for key in sorted(set(data) - set(schema), key=str)]
    values: dict[str, Any] = {}
    for key, kind in schema.items():
        if key not in data:
            continue
        if isinstance(kind, Kind):
            try:
                values[key] = kind.read(data[key])
            except (Refused, TypeError, ValueError):
                problems.append(setting_problem(source, prefix + key, data[key], kind.expected))
        else:
            values[key], found = check_table(data[key], kind, source, f"{prefix}{key}.")
            problems.extend(found)
    return values, problems

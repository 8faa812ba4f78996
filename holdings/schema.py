"""Declared table schemas: one `TableSchema` per input, checked column by column and rule by rule.

A schema is a list of `Field`s (name, kind, presence, emptiness, allowed
values) plus row `Rule`s that involve several columns. Validation runs in two
stages because a typed frame cannot hold an unreadable cell: first each column
is converted (`holdings.coerce`), unreadable cells becoming problems; then
each rule of the declaration (allowed values, identifiers, bounds, checks
across columns) runs once over the whole typed frame, a vectorised mask whose
failing rows become problems too. Every problem names the file, the row
(header = row 1), the column, the raw value and what was expected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from holdings import coerce
from holdings.problems import InputError, Problem, quote_value
from holdings.tabular import FIRST_DATA_ROW, RawTable

Kind = Literal["date", "id", "text", "number", "integer", "bool", "enum", "tags"]

EXPECTED_BY_KIND: dict[str, str] = {
    "date": "a date as YYYY-MM-DD or DD/MM/YYYY, from 1900 to 2200",
    "number": "a number",
    "integer": "a whole number",
    "bool": "true/false, 1/0, oui/non, vrai/faux or yes/no",
}
IDENTIFIER = "an identifier not starting with =, +, @, a tab, a carriage return, or - before anything but a digit"


@dataclass(frozen=True)
class Rule:
    """A check on typed rows; rows where `holds` is False are problems in `column`.

    `holds` gives a boolean Series (a missing answer holds) or a boolean array.
    """

    column: str
    expected: str
    holds: Callable[[pd.DataFrame], pd.Series | np.ndarray]


@dataclass(frozen=True)
class Field:
    """One column of an input table as the contract declares it."""

    name: str
    kind: Kind
    required: bool = True
    nullable: bool = False
    allowed: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()

    def expected(self) -> str:
        if self.kind == "enum":
            return "one of " + ", ".join(self.allowed) + f" (or map this spelling under [values] {self.name})"
        if self.kind == "tags":
            return ("|-separated tags among " + ", ".join(self.allowed)
                    + f" (or map this spelling under [values] {self.name})")
        return EXPECTED_BY_KIND.get(self.kind, "a value")


@dataclass(frozen=True)
class TableSchema:
    """The columns of one input table and the rules across them."""

    name: str
    fields: tuple[Field, ...]
    rules: tuple[Rule, ...] = field(default=())

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]


def at_least(column: str, bound: float) -> Rule:
    return Rule(column, f"a number >= {bound:g}", lambda frame: _within(frame[column], bound, np.inf))


def between(column: str, low: float, high: float) -> Rule:
    return Rule(column, f"a number from {low:g} to {high:g}", lambda frame: _within(frame[column], low, high))


def _within(values: pd.Series, low: float, high: float) -> np.ndarray:
    """Empty cells, and numbers from `low` to `high` (floats or nullable integers, compared as doubles)."""
    numbers = values.to_numpy(dtype="float64", na_value=np.nan)
    return np.isnan(numbers) | ((numbers >= low) & (numbers <= high))


def validate(raw: RawTable, schema: TableSchema, spellings: Mapping[str, Mapping[str, str]]) -> pd.DataFrame:
    """Typed frame of the schema's columns, or `InputError` with every problem found."""
    frame = raw.frame
    missing = [f for f in schema.fields if f.required and f.name not in frame.columns]
    if missing:
        found = ", ".join(map(str, frame.columns)) or "none"
        raise InputError([Problem(raw.source, 1, f.name, "no such column",
                                  f"a column named {f.name} (columns found: {found}; or map yours onto it under "
                                  f'[columns]: "{_similar(f.name, frame.columns) or "your name"}" = "{f.name}")')
                          for f in missing])
    raw.dialect.update(_similar_column_notes(schema, frame.columns))
    numeric = [f.name for f in schema.fields if f.kind in ("number", "integer") and f.name in frame.columns]
    text_numbers = any(not pd.api.types.is_numeric_dtype(frame[c].dtype) for c in numeric)  # object or `str`
    if raw.dialect.get("format") in ("csv", "xlsx") or text_numbers:
        raw.dialect["decimal"] = coerce.detect_decimal_mark(frame[c] for c in numeric)
    decimal = raw.dialect.get("decimal", ".")

    typed: dict[str, pd.Series] = {}
    unreadable: list[tuple[Field, np.ndarray]] = []
    for spec in schema.fields:
        cells = frame[spec.name] if spec.name in frame.columns else pd.Series("", index=frame.index, dtype="str")
        values, bad = _convert(spec, cells, decimal, spellings.get(spec.name, {}))
        typed[spec.name] = values
        unreadable.append((spec, bad if spec.nullable else bad | coerce.is_blank(cells)))  # a required cell left empty
    typed_frame = pd.DataFrame(typed, index=frame.index)

    problems: list[Problem] = []
    for spec, bad in unreadable:
        ambiguous = _ambiguous(spec, frame, decimal)
        for position in np.flatnonzero(bad):
            expected = AMBIGUOUS_NUMBER if ambiguous[position] else spec.expected()
            problems.append(_problem(raw, position, spec.name, expected, blank_ok=spec.nullable))
    problems.extend(_rule_problems(raw, schema, typed_frame, unreadable))
    if problems:
        order = {name: i for i, name in enumerate(schema.names)}
        problems.sort(key=lambda p: (p.row, order.get(p.column, len(order))))
        raise InputError(problems)
    return typed_frame


AMBIGUOUS_NUMBER = ("a number without a '.' that is not a thousands separator: this file's decimal mark is ',' and "
                    "'.' groups thousands (1.234.567,89), so '1.5' is ambiguous (1,5 or 15?); write 1,5")


def _ambiguous(spec: Field, frame: pd.DataFrame, decimal: str) -> np.ndarray:
    """Cells of a decimal-comma file's number column whose `.` is not a thousands separator."""
    if spec.kind not in ("number", "integer") or decimal != "," or spec.name not in frame.columns \
            or pd.api.types.is_numeric_dtype(frame[spec.name].dtype):
        return np.zeros(len(frame), dtype=bool)
    cells = frame[spec.name]
    if pd.api.types.is_string_dtype(cells.dtype) and cells.dtype != object:  # text only (a CSV column)
        text = cells.fillna("")
    else:
        text = cells.where(cells.map(lambda v: isinstance(v, str)), "").astype("str")
    return coerce.ambiguous_marks(text.str.replace(coerce.THOUSANDS_SPACES, "", regex=True), decimal)


def _squeeze(name: object) -> str:
    """A column name reduced to its letters and digits: `EVIC (EUR)` and `evic_eur` both give `eviceur`."""
    return "".join(char for char in str(name).lower() if char.isalnum())


def _similar(name: str, columns: Iterable[object]) -> str | None:
    """A present column whose name, reduced to letters and digits, is the contract's `name` reduced likewise."""
    wanted = _squeeze(name)
    return next((str(column) for column in columns if _squeeze(column) == wanted and str(column) != name), None)


def _similar_column_notes(schema: TableSchema, columns: Iterable[object]) -> dict[str, list[str]]:
    """Notes for optional columns that are absent while a column of a similar name is present (contract).

    Such a column is ignored (an unknown extra column), which would silently
    leave every line uncovered: the note names both and the mapping to write.
    """
    columns = list(columns)
    notes = []
    for spec in schema.fields:
        found = None if spec.required or spec.name in columns else _similar(spec.name, columns)
        if found is not None:
            notes.append(f"column '{found}' is not the optional column {spec.name}, which is absent: it is "
                         f'ignored; if it holds {spec.name}, map it under [columns]: "{found}" = "{spec.name}"')
    return {"notes": notes} if notes else {}


def _convert(spec: Field, cells: pd.Series, decimal: str,
             spellings: Mapping[str, str]) -> tuple[pd.Series, np.ndarray]:
    none = np.zeros(len(cells), dtype=bool)
    if spec.kind == "date":
        return coerce.to_date(cells)
    if spec.kind == "number":
        return coerce.to_number(cells, decimal)
    if spec.kind == "integer":
        return coerce.to_integer(cells, decimal)
    if spec.kind == "bool":
        return coerce.to_bool(cells, spellings)
    if spec.kind == "enum":
        return coerce.to_enum(cells, spellings), none
    if spec.kind == "tags":
        return coerce.to_tags(cells, spellings), none
    return coerce.to_text(cells), none


def _problem(raw: RawTable, position: int, column: str, expected: str, blank_ok: bool = True) -> Problem:
    cell = raw.frame[column].iloc[position] if column in raw.frame.columns else ""
    empty = cell is None or (isinstance(cell, float) and np.isnan(cell)) or str(cell) == ""
    got = "an empty cell" if empty else quote_value(cell)
    if empty and not blank_ok:
        expected = "a value: " + expected if expected != "a value" else expected
    return Problem(raw.source, position + FIRST_DATA_ROW, column, got, expected)


def declared_rules(schema: TableSchema) -> list[Rule]:
    """Every rule the declaration implies: allowed values and tags, safe identifiers, field and table rules."""
    rules: list[Rule] = []
    for spec in schema.fields:
        if spec.kind == "enum":
            allowed = {*spec.allowed, ""}
            rules.append(Rule(spec.name, spec.expected(), lambda f, c=spec.name, a=allowed: f[c].isin(a).to_numpy()))
        elif spec.kind == "tags":
            allowed = set(spec.allowed) | {""}
            rules.append(Rule(spec.name, spec.expected(), lambda f, c=spec.name, a=allowed: coerce.by_distinct_value(
                f[c], lambda v: set(v.split("|")) <= a).astype(bool)))
        if spec.kind == "id":  # the contract: an identifier a spreadsheet would run as a formula is an input error
            rules.append(Rule(spec.name, IDENTIFIER, lambda f, c=spec.name: ~coerce.formula_like_identifier(f[c])))
        rules.extend(spec.rules)
    rules.extend(schema.rules)
    return rules


def _rule_problems(raw: RawTable, schema: TableSchema, typed: pd.DataFrame,
                   unreadable: list[tuple[Field, np.ndarray]]) -> list[Problem]:
    """Rows where a declared rule fails (an empty result of a rule passes); cells already unreadable are skipped."""
    already = {spec.name: bad for spec, bad in unreadable}
    problems = []
    for rule in declared_rules(schema):
        held = rule.holds(typed)
        fails = ~(held.fillna(True).to_numpy(dtype=bool) if isinstance(held, pd.Series) else held)
        skipped = already.get(rule.column)
        if skipped is not None:
            fails &= ~np.asarray(skipped, dtype=bool)
        problems.extend(_problem(raw, position, rule.column, rule.expected) for position in np.flatnonzero(fails))
    return problems


def duplicates(frame: pd.DataFrame, key: list[str], rows: pd.Series, files: pd.Series,
               column: str, describe: Callable[[pd.Series], str]) -> list[Problem]:
    """Report each duplicate of `key` at its later row, naming the first occurrence."""
    later = frame.duplicated(key, keep="first").to_numpy()
    if not later.any():
        return []
    first_position = frame.groupby(key, sort=False, dropna=False).ngroup()
    first_of_group = pd.Series(np.arange(len(frame)), index=frame.index).groupby(first_position.to_numpy()).transform("min")
    problems = []
    for position in np.flatnonzero(later):
        original = int(first_of_group.iloc[position])
        where = f"row {rows.iloc[original]}"
        if files.iloc[original] != files.iloc[position]:
            where = f"{files.iloc[original]} {where}"
        problems.append(Problem(files.iloc[position], int(rows.iloc[position]), column,
                                quote_value(describe(frame.iloc[position])),
                                f"a unique {' + '.join(key)} (already at {where})"))
    return problems

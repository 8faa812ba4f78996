"""Run settings: the contract's TOML keys, their defaults, and their validation.

`Settings` is immutable and complete: every key has the contract's default, so
a run's settings can be written whole into the manifest and read back to
re-run it. Bad settings are input errors like bad rows, reported with the
file and the key (`FILE: row 1, column KEY: got ...; expected ...`).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from holdings import CONTRACT_PURPOSES
from holdings.problems import InputError, Problem, quote_value

SHAPES = ("linear", "geometric")
LANGUAGES = ("fr", "en")
GAP_MODES = ("exclude", "strict", "proxy")
SPELLING_COLUMNS = ("bucket", "asset_class", "listed", "purpose", "target_type", "intensity_metric", "scope",
                    "sbti_validated")
TEMPERATURE_METHODS = ("WATS", "TETS", "ECOTS", "ROTS", "MOTS", "AOTS")


@dataclass(frozen=True)
class Trajectory:
    """The 2030 climate path: baseline, target, shape and the drift tolerance."""

    baseline_date: dt.date = dt.date(2019, 12, 31)
    target_date: dt.date = dt.date(2030, 12, 31)
    reduction: float = 0.50
    shape: str = "linear"
    tolerance: float = 0.0
    baseline_footprint: float | None = None
    baseline_financed_emissions: float | None = None
    evic_inflation_adjustment: bool = False  # extension: Regulation 2020/1818 Art. 7(3), side by side


@dataclass(frozen=True)
class Report:
    """How the committee report is rendered (extension): language and the coverage warning floor."""

    lang: str = "fr"
    coverage_floor: float = 0.80


@dataclass(frozen=True)
class Temperature:
    """Which weighting the report shows for the temperature rating (the CSV files hold all six)."""

    method: str = "WATS"


@dataclass(frozen=True)
class Settings:
    """Everything a run depends on besides its input files."""

    scopes: tuple[int, ...] = (1, 2, 3)
    territorial_funds: tuple[str, ...] = ("FR-EMPLOIS",)
    health_purposes: tuple[str, ...] = CONTRACT_PURPOSES
    publication_lag_months: int = 0
    gaps: str = "exclude"  # extension: exclude (contract), strict (error), proxy (sector estimates)
    trajectory: Trajectory = field(default_factory=Trajectory)
    report: Report = field(default_factory=Report)
    temperature: Temperature = field(default_factory=Temperature)
    columns: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready form (dates as ISO text), as recorded in the manifest."""
        data = asdict(self)
        data["trajectory"]["baseline_date"] = self.trajectory.baseline_date.isoformat()
        data["trajectory"]["target_date"] = self.trajectory.target_date.isoformat()
        data["scopes"] = list(self.scopes)
        data["territorial_funds"] = list(self.territorial_funds)
        data["health_purposes"] = list(self.health_purposes)
        data["columns"] = dict(sorted(self.columns.items()))
        data["values"] = {k: dict(sorted(v.items())) for k, v in sorted(self.values.items())}
        return data

    def with_report(self, **changes: Any) -> Settings:
        return replace(self, report=replace(self.report, **changes))


def load_settings(source: str | Path | Mapping[str, Any] | Settings | None) -> Settings:
    """Settings from a TOML path, a mapping of the same shape, or defaults for None."""
    if source is None:
        return Settings()
    if isinstance(source, Settings):
        return source
    if isinstance(source, Mapping):
        return settings_from_mapping(source, "<settings>")
    path = Path(source)
    if not path.is_file():
        raise InputError(Problem(path.name, 1, "", quote_value(str(path)), "an existing TOML settings file"))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(Problem(path.name, 1, "", quote_value(str(error)), "valid TOML")) from None
    return settings_from_mapping(data, path.name)


class _Reader:
    """Pulls typed keys out of a TOML mapping, collecting problems instead of stopping."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def fail(self, key: str, value: object, expected: str) -> None:
        self.problems.append(Problem(self.source, 1, key, quote_value(value), expected))

    def unknown(self, data: Mapping[str, Any], known: set[str], prefix: str = "") -> None:
        for key in sorted(set(data) - known):
            self.fail(prefix + key, key, "a known setting: " + ", ".join(sorted(known)))

    def number(self, data: Mapping[str, Any], key: str, default: float | None, prefix: str = "") -> float | None:
        value = data.get(key, default)
        if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
            return None if value is None else float(value)
        self.fail(prefix + key, value, "a number")
        return default

    def date(self, data: Mapping[str, Any], key: str, default: dt.date, prefix: str = "") -> dt.date:
        value = data.get(key, default)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(prefix + key, value, "a date as YYYY-MM-DD")
        return default

    def texts(self, data: Mapping[str, Any], key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = data.get(key, list(default))
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(v.strip() for v in value)
        self.fail(key, value, "a list of strings")
        return default


def settings_from_mapping(data: Mapping[str, Any], source: str) -> Settings:
    """Validate a parsed TOML mapping into `Settings`, or raise `InputError`."""
    reader = _Reader(source)
    defaults = Settings()
    reader.unknown(data, {"scopes", "territorial_funds", "health_purposes", "publication_lag_months",
                          "gaps", "trajectory", "report", "columns", "values",
                          "rebalance", "temperature"})  # [rebalance] belongs to `portfolio rebalance`, which validates it
    gaps = data.get("gaps", defaults.gaps)
    if not isinstance(gaps, str) or gaps.strip().casefold() not in GAP_MODES:
        reader.fail("gaps", gaps, "one of " + ", ".join(GAP_MODES))
        gaps = defaults.gaps
    scopes = data.get("scopes", list(defaults.scopes))
    if not (isinstance(scopes, list) and scopes and all(s in (1, 2, 3) and not isinstance(s, bool) for s in scopes)
            and len(set(scopes)) == len(scopes)):
        reader.fail("scopes", scopes, "a non-empty list of distinct scopes among 1, 2, 3")
        scopes = list(defaults.scopes)
    lag = data.get("publication_lag_months", 0)
    if not (isinstance(lag, int) and not isinstance(lag, bool) and 0 <= lag <= 120):
        reader.fail("publication_lag_months", lag, "a whole number of months from 0 to 120")
        lag = 0
    purposes = tuple(p.casefold() for p in reader.texts(data, "health_purposes", defaults.health_purposes))
    if not purposes or any(not p or "|" in p for p in purposes):
        reader.fail("health_purposes", list(purposes), "a non-empty list of tags without '|'")
    trajectory = _trajectory(reader, data.get("trajectory", {}))
    report = _report(reader, data.get("report", {}))
    temperature = _temperature(reader, data.get("temperature", {}))
    columns = data.get("columns", {})
    if not (isinstance(columns, Mapping) and all(isinstance(v, str) for v in columns.values())):
        reader.fail("columns", columns, 'a table of "their name" = "contract name"')
        columns = {}
    values = data.get("values", {})
    spellings: dict[str, dict[str, str]] = {}
    if isinstance(values, Mapping):
        for column, mapping in values.items():
            name = str(column).strip().casefold()
            if name not in SPELLING_COLUMNS or not isinstance(mapping, Mapping) \
                    or not all(isinstance(v, (str, bool)) for v in mapping.values()):
                reader.fail(f"values.{column}", mapping,
                            f'a table of "their spelling" = "contract value" for one of {", ".join(SPELLING_COLUMNS)}')
                continue
            spellings[name] = {str(k).strip(): str(v).strip().casefold() for k, v in mapping.items()}
    else:
        reader.fail("values", values, "a table of spelling tables")
    if reader.problems:
        raise InputError(reader.problems)
    return Settings(
        scopes=tuple(sorted(scopes)),
        territorial_funds=reader.texts(data, "territorial_funds", defaults.territorial_funds),
        health_purposes=purposes,
        publication_lag_months=lag,
        gaps=gaps.strip().casefold(),
        trajectory=trajectory,
        report=report,
        temperature=temperature,
        columns={str(k).strip(): str(v).strip() for k, v in columns.items()},
        values=spellings,
    )


def _report(reader: _Reader, data: Any) -> Report:
    default = Report()
    if not isinstance(data, Mapping):
        reader.fail("report", data, "a [report] table")
        return default
    reader.unknown(data, {"lang", "coverage_floor"}, "report.")
    lang = data.get("lang", default.lang)
    if lang not in LANGUAGES:
        reader.fail("report.lang", lang, "fr or en")
        lang = default.lang
    floor = reader.number(data, "coverage_floor", default.coverage_floor, "report.")
    if floor is None or not 0 <= floor <= 1:
        reader.fail("report.coverage_floor", floor, "a share from 0 to 1")
        floor = default.coverage_floor
    return Report(lang=lang, coverage_floor=floor)


def _temperature(reader: _Reader, data: Any) -> Temperature:
    if not isinstance(data, Mapping):
        reader.fail("temperature", data, "a [temperature] table")
        return Temperature()
    reader.unknown(data, {"method"}, "temperature.")
    method = data.get("method", Temperature.method)
    if not isinstance(method, str) or method.strip().upper() not in TEMPERATURE_METHODS:
        reader.fail("temperature.method", method, "one of " + ", ".join(TEMPERATURE_METHODS))
        return Temperature()
    return Temperature(method=method.strip().upper())


def _trajectory(reader: _Reader, data: Any) -> Trajectory:
    default = Trajectory()
    if not isinstance(data, Mapping):
        reader.fail("trajectory", data, "a [trajectory] table")
        return default
    prefix = "trajectory."
    reader.unknown(data, {"baseline_date", "target_date", "reduction", "shape", "tolerance",
                          "baseline_footprint", "baseline_financed_emissions", "evic_inflation_adjustment"},
                   prefix)
    baseline_date = reader.date(data, "baseline_date", default.baseline_date, prefix)
    target_date = reader.date(data, "target_date", default.target_date, prefix)
    if target_date <= baseline_date:
        reader.fail(prefix + "target_date", target_date.isoformat(), "a date after trajectory.baseline_date")
    reduction = reader.number(data, "reduction", default.reduction, prefix)
    if reduction is not None and not 0 < reduction < 1:
        reader.fail(prefix + "reduction", reduction, "a number in (0, 1)")
    shape = data.get("shape", default.shape)
    if not isinstance(shape, str) or shape.strip().casefold() not in SHAPES:
        reader.fail(prefix + "shape", shape, "linear or geometric")
        shape = default.shape
    tolerance = reader.number(data, "tolerance", default.tolerance, prefix)
    if tolerance is not None and tolerance < 0:
        reader.fail(prefix + "tolerance", tolerance, "a number >= 0")
    baselines = {}
    for key in ("baseline_footprint", "baseline_financed_emissions"):
        baselines[key] = reader.number(data, key, None, prefix)
        if baselines[key] is not None and baselines[key] <= 0:
            reader.fail(prefix + key, baselines[key], "a number > 0")
    adjust = data.get("evic_inflation_adjustment", False)
    if not isinstance(adjust, bool):
        reader.fail(prefix + "evic_inflation_adjustment", adjust, "true or false")
        adjust = False
    return Trajectory(baseline_date=baseline_date, target_date=target_date, evic_inflation_adjustment=adjust,
                      reduction=reduction if reduction is not None else default.reduction,
                      shape=shape.strip().casefold(), tolerance=tolerance or 0.0, **baselines)

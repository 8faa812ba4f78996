"""Run settings: the contract's TOML keys, their defaults, and their validation.

`Settings` is immutable and complete: every key has the contract's default, so
a run's settings can be written whole into the manifest and read back to
re-run it. Every key is declared in `SCHEMA` with its kind (type, range,
finiteness); bad settings are input errors like bad rows, reported with the
file and the key (`FILE: key K: got 'V'; expected ...`).
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
from portfolio.setting_kinds import (Schema, any_table, check_table, choice, day, distinct, flag, number,
                                     setting_problem, text_table, texts, whole)

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
    return settings_from_mapping(read_toml(path), path.name)


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed TOML file, or `InputError` (undecodable, invalid, or nested too deep to parse)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(Problem(path.name, 1, "", quote_value(str(error)), "valid TOML")) from None
    except RecursionError:
        raise InputError(Problem(path.name, 1, "", "values nested too deep to read",
                                 "valid TOML of settings (tables and lists a few levels deep)")) from None


SHARE_OPEN = "a number in (0, 1)"
TRAJECTORY_SCHEMA: Schema = {
    "baseline_date": day(),
    "target_date": day(),
    "reduction": number(SHARE_OPEN, lambda x: 0 < x < 1),
    "shape": choice(SHAPES, "linear or geometric"),
    "tolerance": number("a finite number >= 0", lambda x: x >= 0),
    "baseline_footprint": number("a finite number > 0", lambda x: x > 0, optional=True),
    "baseline_financed_emissions": number("a finite number > 0", lambda x: x > 0, optional=True),
    "evic_inflation_adjustment": flag(),
}
SCHEMA: Schema = {
    "scopes": distinct((1, 2, 3), "a non-empty list of distinct scopes among 1, 2, 3"),
    "territorial_funds": texts("a list of fund_id values, none empty"),
    "health_purposes": texts("a non-empty list of tags, none empty or with '|'", fold=True, non_empty=True,
                             forbidden="|"),
    "publication_lag_months": whole(0, 120, "a whole number of months from 0 to 120"),
    "gaps": choice(GAP_MODES, "one of " + ", ".join(GAP_MODES)),
    "trajectory": TRAJECTORY_SCHEMA,
    "report": {"lang": choice(LANGUAGES, "fr or en"),
               "coverage_floor": number("a share from 0 to 1", lambda x: 0 <= x <= 1)},
    "columns": text_table('a table of "their name" = "contract name"'),
    "values": {column: text_table('a table of "their spelling" = "contract value"', (str, bool))
               for column in SPELLING_COLUMNS},
    "temperature": {"method": choice(tuple(method.casefold() for method in TEMPERATURE_METHODS),
                                     "one of " + ", ".join(TEMPERATURE_METHODS))},
    "rebalance": any_table("a [rebalance] table"),  # read by `portfolio rebalance`, which checks its keys
}


def settings_from_mapping(data: Mapping[str, Any], source: str) -> Settings:
    """Check a parsed TOML mapping against `SCHEMA` into `Settings`, or raise `InputError` with every problem."""
    values, problems = check_table(data, SCHEMA, source)
    trajectory = replace(Trajectory(), **values.pop("trajectory", {}))
    if not problems and trajectory.target_date <= trajectory.baseline_date:
        problems.append(setting_problem(source, "trajectory.target_date", trajectory.target_date.isoformat(),
                                        "a date after trajectory.baseline_date"))
    if problems:
        raise InputError(problems)
    values.pop("rebalance", None)
    values["values"] = {column: {key: value.casefold() for key, value in spellings.items()}
                        for column, spellings in values.get("values", {}).items()}
    temperature = {key: value.upper() for key, value in values.pop("temperature", {}).items()}
    return Settings(**{**values, "trajectory": trajectory, "report": Report(**values.pop("report", {})),
                       "temperature": Temperature(**temperature)})

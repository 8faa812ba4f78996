"""The workbook's cover sheet: the report's headline cards as figures, baseline, settings, inputs and versions.

The cover restates the HTML report's cards (`reports.cards`): the same
figures of the latest snapshot, on the same perimeters, under the same
titles and badges (`reports.i18n`), each with the methodology section and
the `perimeter / metric` key that finds it in the `metrics` sheet, so that a
reader can trace every number and the two documents never disagree. The
contract's codes (metric names, setting keys) are shown as they are, because
auditors search for them. Column widths fit what each column shows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from portfolio import METHODOLOGY_VERSION, __version__ as VERSION
from portfolio import names as n
from reports.cards import path_badge
from reports.i18n import metric_unit, texts
from reports.selections import path_position
from reports.workbook_cells import PERCENT, Styles, fitted_width, number_format, write_scalar

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

    from portfolio import Result

UNIT_IN_FORMAT = re.compile(r' ".*"$')
HEALTH_SHARE_TARGET = 0.80  # the mission's commitment: 80 % of strategic holdings serve health (as the report)

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Investissement responsable : rapport de la direction financière",
        "cover_sheet": "Synthèse",
        "as_of": "Situation au",
        "sample": "Données d'exemple fournies avec le logiciel, pas le portefeuille réel",
        "headline": "Chiffres clés au dernier instantané",
        "columns": ("Indicateur|Périmètre|Valeur|Unité|Trajectoire / engagement|Écart|Statut|Années d'avance|"
                    "Méthode|Source (périmètre / métrique)"),
        "health_value": "Montant santé",
        "strategic_value": "Valeur des participations stratégiques",
        "territorial_value": "Montant dans les fonds territoriaux",
        "yield_value": "Valeur des actifs de rendement",
        "coverage_value": "Couverture de l'encours (valeur couverte / valeur totale)",
        "pcaf": "Score PCAF moyen (1 = meilleur, 5 = estimé)",
        "unit_eur": "EUR",
        "no_trajectory": "Pas de trajectoire : année de référence manquante (voir la feuille warnings)",
        "baseline": "Année de référence de la trajectoire",
        "baseline_columns": "Métrique|Valeur|Origine",
        "origin_setting": "figée dans les paramètres",
        "origin_snapshot": "instantané du {date}",
        "origin_missing": "manquante (voir la feuille warnings)",
        "settings": "Paramètres en vigueur",
        "settings_columns": "Clé|Valeur",
        "inputs": "Fichiers d'entrée",
        "detected": "Format détecté",
        "versions": "Versions",
        "package_version": "Version du logiciel",
        "methodology_version": "Version de la méthodologie",
        "sheets": "Feuilles",
        "sheets_columns": "Feuille|Lignes du CSV|Lignes affichées",
        "thousands": "\u202f",
        "cut_note": ("Feuille limitée à {shown} lignes sur {total} (limite d'Excel) : {which} ; "
                     "{file} contient toutes les lignes."),
        "cut_largest": "les plus fortes émissions financées ({column}), dans l'ordre du fichier",
        "cut_first": "les premières lignes dans l'ordre du fichier",
        "latest_note": ("Dernier instantané seulement ({date}) : {shown} lignes sur {total} ; {file} contient "
                        "tous les instantanés."),
        "latest_cut_note": ("Dernier instantané ({date}), limité à ses {shown} premières lignes (limite d'Excel), "
                            "sur {total} ; {file} contient toutes les lignes."),
    },
    "en": {
        "title": "Responsible investment: report to the finance directorate",
        "cover_sheet": "Summary",
        "as_of": "As of",
        "sample": "Sample data shipped with the software, not the actual portfolio",
        "headline": "Headline figures at the latest snapshot",
        "columns": ("Indicator|Perimeter|Value|Unit|Path / commitment|Gap|Status|Years ahead|Method|"
                    "Source (perimeter / metric)"),
        "health_value": "Health amount",
        "strategic_value": "Value of strategic holdings",
        "territorial_value": "Amount in territorial funds",
        "yield_value": "Value of yield assets",
        "coverage_value": "Coverage of all value (covered value / total value)",
        "pcaf": "Average PCAF score (1 = best, 5 = estimated)",
        "unit_eur": "EUR",
        "no_trajectory": "No trajectory: baseline missing (see the warnings sheet)",
        "baseline": "Trajectory baseline",
        "baseline_columns": "Metric|Value|Origin",
        "origin_setting": "frozen in the settings",
        "origin_snapshot": "snapshot of {date}",
        "origin_missing": "missing (see the warnings sheet)",
        "settings": "Settings in force",
        "settings_columns": "Key|Value",
        "inputs": "Input files",
        "detected": "Detected format",
        "versions": "Versions",
        "package_version": "Software version",
        "methodology_version": "Methodology version",
        "sheets": "Sheets",
        "sheets_columns": "Sheet|CSV rows|Rows shown",
        "thousands": ",",
        "cut_note": "Showing {shown} of {total} rows (Excel's limit): {which}; {file} has every row.",
        "cut_largest": "the largest financed emissions ({column}), in file order",
        "cut_first": "the first rows in file order",
        "latest_note": "Latest snapshot only ({date}): {shown} of {total} rows; {file} has every snapshot.",
        "latest_cut_note": ("Latest snapshot ({date}), its first {shown} rows (Excel's limit), of {total}; {file} "
                            "has every row."),
    },
}


@dataclass(frozen=True)
class SheetCount:
    """How many rows a table sheet's CSV has and how many the sheet shows."""

    sheet: str
    total: int
    shown: int


@dataclass(frozen=True)
class Headline:
    """One figure of a headline card: its title (an i18n key of the report or of LABELS), where it is in
    `metrics`, its methodology sections and what it is measured against."""

    title: str
    perimeter: str
    metric: str
    method: str
    against: str = ""  # "path": the trajectory row of the latest snapshot; "commitment": HEALTH_SHARE_TARGET


# the cards of the HTML report, in their order, each card's main figure then the figures of its lines
HEADLINES = (
    Headline(f"metric_{n.FOOTPRINT}", n.LISTED_YIELD, n.FOOTPRINT, "M4.5, M6", against="path"),
    Headline(f"metric_{n.EMISSIONS}", n.LISTED_YIELD, n.EMISSIONS, "M4.3, M6", against="path"),
    Headline("card_health", n.STRATEGIC, n.HEALTH_SHARE, "M4.10", against="commitment"),
    Headline("health_value", n.STRATEGIC, n.HEALTH_VALUE, "M4.10"),
    Headline("strategic_value", n.STRATEGIC, n.VALUE, "M4.1"),
    Headline("card_territorial", n.YIELD, n.TERRITORIAL_SHARE, "M4.11"),
    Headline("territorial_value", n.YIELD, n.TERRITORIAL_VALUE, "M4.11"),
    Headline("yield_value", n.YIELD, n.VALUE, "M4.1"),
    Headline("card_coverage", n.LISTED_YIELD, n.COVERAGE_ELIGIBLE, "M4.2"),
    Headline("coverage_value", n.LISTED_YIELD, n.COVERAGE, "M4.2"),
    Headline("pcaf", n.LISTED_YIELD, n.DATA_QUALITY, "M4.9"),
)


def labels(lang: str) -> dict[str, str]:
    """The wording of one language; a ValueError names the languages there are."""
    if lang not in LABELS:
        raise ValueError(f"lang must be one of {', '.join(LABELS)}; got {lang!r}")
    return LABELS[lang]


def latest_snapshot(result: Result) -> pd.Timestamp:
    """The date of the latest snapshot (NaT for a run without any)."""
    return result.metrics["as_of"].max()


Cell = tuple[Any, str, dict[str, bool]]  # value, number format, style (bold, size...)


def write_cover(ws: Worksheet, result: Result, counts: list[SheetCount], lang: str, styles: Styles) -> None:
    """Fill the cover sheet row by row, widths fitting every column, printed landscape one page wide."""
    shown: dict[int, list[str]] = {}
    for row, cells in enumerate(cover_rows(result, counts, lang)):
        for col, (value, fmt, style) in enumerate(cells):
            text = write_scalar(ws, row, col, value, styles, fmt, **style)
            if col > 0 or len(cells) > 1:  # a title alone in its row may run over the empty cells beside it
                shown.setdefault(col, []).append(text)
    for col, texts_shown in shown.items():
        ws.set_column(col, col, fitted_width(texts_shown))
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


def _text(value: object, **style: Any) -> Cell:
    return value, "General", style


def cover_rows(result: Result, counts: list[SheetCount], lang: str) -> Iterator[list[Cell]]:
    """The cover, row by row: (value, number format, style) per cell."""
    words = labels(lang)
    latest = latest_snapshot(result)
    yield [_text(words["title"], bold=True, size=14)]
    yield [_text(words["as_of"], bold=True), (latest, "yyyy-mm-dd", {})]
    if result.sample:
        yield [_text(words["sample"], bold=True)]
    yield from _section(words["headline"], words["columns"])
    yield from (_headline_row(result, latest, headline, lang) for headline in HEADLINES)
    if result.trajectory.empty:
        yield [_text(words["no_trajectory"])]
    yield from _baselines(result, words)
    yield from _section(words["settings"], words["settings_columns"])
    yield from ([_text(key), _text(value)] for key, value in flat_settings(result.settings.to_dict()))
    yield from _inputs(result, words)
    yield from _section(words["versions"], None)
    yield [_text(words["package_version"]), _text(VERSION)]
    yield [_text(words["methodology_version"]), _text(METHODOLOGY_VERSION)]
    yield from _section(words["sheets"], words["sheets_columns"])
    yield from ([_text(count.sheet), (count.total, "General", {}), (count.shown, "General", {})] for count in counts)


def _baselines(result: Result, words: dict[str, str]) -> Iterator[list[Cell]]:
    """Each trajectory metric's baseline value and where it came from (M6.1)."""
    yield from _section(words["baseline"], words["baseline_columns"])
    for baseline in result.baselines:
        origin = words[f"origin_{baseline.origin}"].format(date=result.settings.trajectory.baseline_date)
        yield [_text(baseline.metric), (baseline.value, number_format(baseline.metric), {}), _text(origin)]


def _inputs(result: Result, words: dict[str, str]) -> Iterator[list[Cell]]:
    """Each input file: role and name, SHA-256, and what the reader detected, one line each."""
    yield from _section(words["inputs"], None)
    for record in result.inputs:
        yield [_text(record.role, bold=True), _text(record.file)]
        yield [_text("SHA-256"), _text(record.sha256)]
        yield [_text(words["detected"]), _text(json.dumps(record.dialect, sort_keys=True, ensure_ascii=False))]


def _section(title: str, columns: str | None) -> Iterator[list[Cell]]:
    """A blank row, the section title and, when given, its `|`-separated column headers."""
    yield []
    yield [_text(title, bold=True, size=12)]
    if columns:
        yield [_text(column, bold=True) for column in columns.split("|")]


def _headline_row(result: Result, latest: pd.Timestamp, headline: Headline, lang: str) -> list[Cell]:
    """Title, perimeter, value, unit, reference, gap, status, years ahead, method and source of one figure."""
    words, report = labels(lang), texts(lang)
    value = result.latest(headline.perimeter, headline.metric)
    fmt = UNIT_IN_FORMAT.sub("", number_format(headline.metric))  # the unit has its own column, as on the cards
    reference, gap, status, ahead = _standing(result, headline, value, lang)
    title = report.get(headline.title) or words[headline.title]
    unit = metric_unit(headline.metric, lang) if headline.against == "path" else \
        words["unit_eur"] if headline.metric.endswith("_eur") else ""
    return [_text(title), _text(report[f"perimeter_{headline.perimeter}"]), (value, fmt, {}), _text(unit),
            (reference, fmt, {}), (gap, PERCENT, {}), _text(status), (ahead, "0.00", {}), _text(headline.method),
            _text(f"{headline.perimeter} / {headline.metric}")]


def _standing(result: Result, headline: Headline, value: float,
              lang: str) -> tuple[float | None, float | None, str, float | None]:
    """Reference, gap, status (the card's badge) and years ahead of a figure against its path or commitment."""
    report = texts(lang)
    if headline.against == "commitment":
        met = not pd.isna(value) and value >= HEALTH_SHARE_TARGET
        return HEALTH_SHARE_TARGET, None, report["badge_commitment_met" if met else "badge_commitment_missed"], None
    if headline.against != "path":
        return None, None, "", None
    position = path_position(result, headline.metric)
    if position is None:
        return None, None, path_badge(None, lang), None
    return position.path, position.drift, path_badge(position, lang), position.years_ahead


def flat_settings(settings: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Settings as `dotted.key = value` pairs in their own order; lists joined, booleans as in TOML."""
    for key, value in settings.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            yield from flat_settings(value, name + ".")
        elif isinstance(value, bool):
            yield name, "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            yield name, ", ".join(str(item) for item in value)
        elif isinstance(value, Mapping) or value is None:
            yield name, ""
        else:
            yield name, value

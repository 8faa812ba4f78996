"""The workbook's cover sheet: headline figures, baseline, settings, inputs and versions, in French or English.

The cover only restates figures already in the table sheets (the latest
snapshot of `metrics` and `trajectory`), each with the methodology section
and the `perimeter / metric` key that finds it there, so that a reader of the
cover can trace every number. Wording lives in `LABELS`; the contract's codes
(metric names, setting keys) are shown as they are, because auditors search
for them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from portfolio import METHODOLOGY_VERSION, __version__ as VERSION
from reports.workbook_cells import HEADER_FONT, PERCENT, number_format, scalar_cell, text_cell

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    from portfolio import Result

HEALTH_SHARE_TARGET = 0.80  # the mission's commitment: 80 % of strategic holdings serve health
TITLE_FONT = Font(bold=True, size=14)
SECTION_FONT = Font(bold=True, size=12)
COLUMN_WIDTHS = (62, 22, 22, 10, 28, 17, 10, 50)

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Investissement responsable : rapport de la direction financière",
        "cover_sheet": "Synthèse",
        "as_of": "Situation au",
        "sample": "Données d'exemple fournies avec le logiciel, pas le portefeuille réel",
        "headline": "Chiffres clés au dernier instantané",
        "columns": ("Indicateur|Valeur|Trajectoire / objectif|Écart|Statut|Années d'avance|Méthode|"
                    "Source (périmètre / métrique)"),
        "footprint": "Empreinte carbone du rendement coté (tCO2e / M EUR investi)",
        "financed_listed": "Émissions financées du rendement coté (tCO2e)",
        "financed_total": "Émissions financées, tout le portefeuille (tCO2e, PAI 1)",
        "health_share": "Part santé des participations stratégiques",
        "territorial_share": "Part à impact territorial des actifs de rendement",
        "territorial_value": "Montant à impact territorial des actifs de rendement",
        "coverage": "Couverture des actifs éligibles (valeur couverte / valeur éligible)",
        "pcaf": "Score PCAF de qualité des données (1 meilleur, 5 moins bon)",
        "above_path": "au-dessus de la trajectoire",
        "on_path": "sur ou sous la trajectoire",
        "target_met": "objectif atteint",
        "target_missed": "objectif non atteint",
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
    },
    "en": {
        "title": "Responsible investment: report to the finance directorate",
        "cover_sheet": "Summary",
        "as_of": "As of",
        "sample": "Sample data shipped with the software, not the actual portfolio",
        "headline": "Headline figures at the latest snapshot",
        "columns": "Indicator|Value|Path / target|Gap|Status|Years ahead|Method|Source (perimeter / metric)",
        "footprint": "Listed-yield carbon footprint (tCO2e / M EUR invested)",
        "financed_listed": "Listed-yield financed emissions (tCO2e)",
        "financed_total": "Financed emissions, whole portfolio (tCO2e, PAI 1)",
        "health_share": "Health share of strategic holdings",
        "territorial_share": "Territorial-impact share of yield assets",
        "territorial_value": "Territorial-impact amount of yield assets",
        "coverage": "Coverage of eligible assets (covered value / eligible value)",
        "pcaf": "PCAF data-quality score (1 best, 5 worst)",
        "above_path": "above the path",
        "on_path": "on or below the path",
        "target_met": "target met",
        "target_missed": "target missed",
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
    """One headline figure: where it is in `metrics`, its wording key, methodology sections and reference."""

    label: str
    perimeter: str
    metric: str
    method: str
    against: str = ""  # "path": the trajectory row of the latest snapshot; "target": HEALTH_SHARE_TARGET


HEADLINES = (
    Headline("footprint", "listed_yield", "carbon_footprint_tco2e_per_meur", "M4.5, M6", against="path"),
    Headline("financed_listed", "listed_yield", "financed_emissions_tco2e", "M4.3, M6", against="path"),
    Headline("financed_total", "total", "financed_emissions_tco2e", "M4.3"),
    Headline("health_share", "strategic", "health_share", "M4.10", against="target"),
    Headline("territorial_share", "yield", "territorial_share", "M4.11"),
    Headline("territorial_value", "yield", "territorial_value_eur", "M4.11"),
    Headline("coverage", "total", "coverage_eligible_ratio", "M4.2"),
    Headline("pcaf", "total", "data_quality_score", "M4.9"),
)


def labels(lang: str) -> dict[str, str]:
    """The wording of one language; a ValueError names the languages there are."""
    if lang not in LABELS:
        raise ValueError(f"lang must be one of {', '.join(LABELS)}; got {lang!r}")
    return LABELS[lang]


def latest_snapshot(result: Result) -> pd.Timestamp:
    """The date of the latest snapshot (NaT for a run without any)."""
    return result.metrics["as_of"].max()


def write_cover(ws: WriteOnlyWorksheet, result: Result, counts: list[SheetCount], lang: str) -> None:
    """Fill the cover sheet: every row of `cover_rows`, fixed column widths, printed landscape one page wide."""
    for index, width in enumerate(COLUMN_WIDTHS):
        ws.column_dimensions[get_column_letter(index + 1)].width = width
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    for row in cover_rows(ws, result, counts, labels(lang)):
        ws.append(row)


def cover_rows(ws: WriteOnlyWorksheet, result: Result, counts: list[SheetCount],
               words: dict[str, str]) -> Iterator[list[Any]]:
    """The cover, row by row, as `append`-ready cells."""
    latest = latest_snapshot(result)
    yield [text_cell(ws, words["title"], TITLE_FONT)]
    yield [text_cell(ws, words["as_of"], HEADER_FONT), scalar_cell(ws, latest)]
    if result.sample:
        yield [text_cell(ws, words["sample"], HEADER_FONT)]
    yield from _section(ws, words["headline"], words["columns"])
    yield from (_headline_row(ws, result, latest, headline, words) for headline in HEADLINES)
    if result.trajectory.empty:
        yield [text_cell(ws, words["no_trajectory"])]
    yield from _baselines(ws, result, words)
    yield from _section(ws, words["settings"], words["settings_columns"])
    yield from ([text_cell(ws, key), scalar_cell(ws, value)] for key, value in flat_settings(result.settings.to_dict()))
    yield from _inputs(ws, result, words)
    yield from _section(ws, words["versions"], None)
    yield [text_cell(ws, words["package_version"]), text_cell(ws, VERSION)]
    yield [text_cell(ws, words["methodology_version"]), text_cell(ws, METHODOLOGY_VERSION)]
    yield from _section(ws, words["sheets"], words["sheets_columns"])
    yield from ([text_cell(ws, count.sheet), count.total, count.shown] for count in counts)


def _baselines(ws: WriteOnlyWorksheet, result: Result, words: dict[str, str]) -> Iterator[list[Any]]:
    """Each trajectory metric's baseline value and where it came from (M6.1)."""
    yield from _section(ws, words["baseline"], words["baseline_columns"])
    for baseline in result.baselines:
        origin = words[f"origin_{baseline.origin}"].format(date=result.settings.trajectory.baseline_date)
        yield [text_cell(ws, baseline.metric), scalar_cell(ws, baseline.value, number_format(baseline.metric)),
               text_cell(ws, origin)]


def _inputs(ws: WriteOnlyWorksheet, result: Result, words: dict[str, str]) -> Iterator[list[Any]]:
    """Each input file: role and name, SHA-256, and what the reader detected, one line each."""
    yield from _section(ws, words["inputs"], None)
    for record in result.inputs:
        yield [text_cell(ws, record.role, HEADER_FONT), scalar_cell(ws, record.file)]
        yield [text_cell(ws, "SHA-256"), scalar_cell(ws, record.sha256)]
        detected = json.dumps(record.dialect, sort_keys=True, ensure_ascii=False)
        yield [text_cell(ws, words["detected"]), text_cell(ws, detected)]


def _section(ws: WriteOnlyWorksheet, title: str, columns: str | None) -> Iterator[list[Any]]:
    """A blank row, the section title and, when given, its `|`-separated column headers."""
    yield []
    yield [text_cell(ws, title, SECTION_FONT)]
    if columns:
        yield [text_cell(ws, column, HEADER_FONT) for column in columns.split("|")]


def _headline_row(ws: WriteOnlyWorksheet, result: Result, latest: pd.Timestamp, headline: Headline,
                  words: dict[str, str]) -> list[Any]:
    """Label, value, reference, gap, status, years ahead, method and source of one headline figure."""
    value = result.latest(headline.perimeter, headline.metric)
    fmt = number_format(headline.metric)
    reference, gap, status, ahead = _standing(result, latest, headline, value, words)
    return [text_cell(ws, words[headline.label]), scalar_cell(ws, value, fmt), scalar_cell(ws, reference, fmt),
            scalar_cell(ws, gap, PERCENT), scalar_cell(ws, status), scalar_cell(ws, ahead, "0.00"),
            text_cell(ws, headline.method), text_cell(ws, f"{headline.perimeter} / {headline.metric}")]


def _standing(result: Result, latest: pd.Timestamp, headline: Headline, value: float,
              words: dict[str, str]) -> tuple[float | None, float | None, str, float | None]:
    """Reference, gap, status and years ahead of a figure against its path or target (all empty for neither)."""
    if headline.against == "target":
        status = "" if pd.isna(value) else words["target_met" if value >= HEALTH_SHARE_TARGET else "target_missed"]
        return HEALTH_SHARE_TARGET, None, status, None
    trajectory = result.trajectory
    rows = trajectory[(trajectory["as_of"] == latest) & (trajectory["metric"] == headline.metric)]
    if headline.against != "path" or rows.empty:
        return None, None, "", None
    row = rows.iloc[0]
    status = "" if pd.isna(row["flag"]) else words["above_path" if row["flag"] else "on_path"]
    return float(row["path"]), float(row["drift"]), status, float(row["years_ahead"])


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

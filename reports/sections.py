"""Sections 2, 3 and 5 to 9 of the report (4, "What to do", is `reports.action`), each from the `Result`.

A section states what it shows (chart title), shows it, and says what it
reads (one sentence generated from the same figures); when there is nothing
to show (a single snapshot, no covered line, no complete year) it says so in
a sentence rather than drawing an empty chart. Charts go through the
`ChartWriter` in page order, which fixes their ids and inlines plotly.js once.
"""

from __future__ import annotations

import json

import pandas as pd

from portfolio import METHODOLOGY_VERSION, Result, __version__
from portfolio import names as n
from reports.charts import (breakdown_figure, emitters_figure, mission_figure, movers_figure, quality_figure,
                            trajectory_figure, waterfall_figure)
from reports.embed import ChartWriter
from reports.gap_words import gap_detail, notice_detail
from reports.i18n import (asset_class_label, labelled, long_date, metric_value, sector_label, short_date, texts)
from reports.markup import Column, bullets, chart_block, definitions, esc, paragraph, section, table
from reports.numbers import format_meur, format_number, format_percent
from reports.readings import (breakdown_reading, change_sentence, emitters_reading, lower_first, mission_reading,
                              movers_reading, quality_reading, trajectory_reading)
from reports.selections import (EMISSIONS, FOOTPRINT, VALUE, breakdown, coverage_split, data_gaps, gaps_by_reason,
                                issuer_names,
                                latest_change, latest_date, pai_table, run_notices, top_emitters)

GAP_ROWS_SHOWN = 200
PERIMETER_ORDER = (n.TOTAL, n.YIELD, n.LISTED_YIELD, n.STRATEGIC)
PAI_COLUMNS = ((n.EMISSIONS, 0), (n.FOOTPRINT_SFDR, 1), (n.INTENSITY_SFDR, 1))  # metric, decimals
FORMULAS = ("formula_coverage", "formula_financed", "formula_footprint", "formula_coverage_ratio", "formula_shares",
            "formula_path", "formula_attribution", "formula_pai")


def trajectory_section(result: Result, charts: ChartWriter, lang: str) -> str:
    """Section 2: footprint and financed emissions against the 2030 path, with the projection cone."""
    words = texts(lang)
    body = "".join(chart_block(words[f"chart_trajectory_{metric}"],
                               charts(trajectory_figure(result, metric, lang), div_id),
                               trajectory_reading(result, metric, lang))
                   for metric, div_id in ((FOOTPRINT, "chart-trajectory"), (EMISSIONS, "chart-emissions")))
    return section("trajectory", 2, words["section_trajectory"], body)


def attribution_section(result: Result, charts: ChartWriter, lang: str) -> str:
    """Section 3: the effects behind the footprint's change and the issuers that drove it."""
    words = texts(lang)
    change = latest_change(result)
    if change is None:
        return section("attribution", 3, words["section_attribution"], paragraph(change_sentence(None, lang)))
    title = words["chart_waterfall"].format(
        start=short_date(change.start, lang), end=short_date(change.end, lang), unit=words["unit_footprint"],
        start_value=format_number(change.start_value, lang, 1),
        end_value=format_number(change.start_value + change.total, lang, 1))
    body = chart_block(title, charts(waterfall_figure(change, lang), "chart-waterfall"), change_sentence(change, lang))
    if len(change.issuers):
        names = issuer_names(result, change.issuers["issuer_id"].astype(str).tolist())
        body += chart_block(words["chart_movers"], charts(movers_figure(change, names, lang), "chart-movers"),
                            movers_reading(change, names, lang))
    return section("attribution", 3, words["section_attribution"], body)


def contributors_section(result: Result, charts: ChartWriter, lang: str) -> str:
    """Section 4: the largest emitters, then financed emissions by sector and by asset class."""
    words = texts(lang)
    date = latest_date(result)
    top = top_emitters(result, date)
    if top.empty:
        return section("contributors", 5, words["section_contributors"], paragraph(words["no_data"]))
    names = issuer_names(result, top["issuer_id"].astype(str).tolist())
    body = chart_block(words["chart_emitters"], charts(emitters_figure(top, names, lang), "chart-emitters"),
                       emitters_reading(top, names, lang))
    for column, div_id, title, name in (("sector", "chart-sectors", "chart_sectors", sector_label),
                                        ("asset_class", "chart-asset-classes", "chart_asset_classes",
                                         asset_class_label)):
        groups = breakdown(result, date, column, lambda value, name=name: name(value, lang))
        labels = [words["other"] if row.other else row.key for row in groups.itertuples()]
        body += chart_block(words[title], charts(breakdown_figure(groups, labels, lang), div_id),
                            breakdown_reading(groups, labels, lang))
    return section("contributors", 5, words["section_contributors"], body)


def mission_section(result: Result, charts: ChartWriter, commitment: float, lang: str) -> str:
    """Section 5: health share and territorial share over time, against the health commitment."""
    words = texts(lang)
    body = chart_block(words["chart_mission"], charts(mission_figure(result, commitment, lang), "chart-mission"),
                       mission_reading(result, commitment, lang))
    return section("mission", 6, words["section_mission"], body)


def _gap_tables(result: Result, lang: str) -> str:
    """The latest snapshot's data gaps: a summary by reason, then the lines, largest first, capped."""
    words = texts(lang)
    date = latest_date(result)
    gaps = data_gaps(result, date)
    title = f'<h3>{esc(words["gaps_title"].format(date=long_date(date, lang)))}</h3>'
    if gaps.empty:
        return title + paragraph(words["gaps_none"])
    summary = table([Column(words["col_reason"]), Column(words["col_lines"], True), Column(words["col_value"], True)],
                    [(words.get(f"reason_{row.reason}", row.reason), format_number(row.lines, lang, 0), format_meur(row.value, lang))
                     for row in gaps_by_reason(gaps).itertuples()], css="compact")
    shown = gaps.head(GAP_ROWS_SHOWN)
    lines = table([Column(words["col_holding"], css="id"), Column(words["col_issuer"], css="id"),
                   Column(words["col_name"]), Column(words["col_value"], True), Column(words["col_reason"]),
                   Column(words["col_detail"], css="detail")],
                  [(row["holding_id"], row["issuer_id"], row["name"], format_meur(row[VALUE], lang, 2),
                    words.get(f"reason_{row['reason']}", row["reason"]),
                    gap_detail(row, result.settings.scopes, lang)) for _, row in shown.iterrows()], css="gaps")
    more = paragraph(words["gaps_more"].format(count=format_number(len(gaps) - len(shown), lang, 0)), "note") \
        if len(gaps) > len(shown) else ""
    return title + summary + lines + more


def _coverage_split_table(result: Result, lang: str) -> str:
    """The latest snapshot's value by provenance of its carbon data, per perimeter."""
    words = texts(lang)
    date = latest_date(result)
    split = coverage_split(result, date).set_index("perimeter").reindex(PERIMETER_ORDER)
    parts = ("reported", "looked_through", "estimated", "uncovered", "total")
    title = f'<h3>{esc(words["split_title"].format(date=long_date(date, lang)))}</h3>'
    return title + table([Column(words["col_perimeter"])] + [Column(words[f"col_{part}"], True) for part in parts],
                         [(words[f"perimeter_{perimeter}"], *(format_meur(row[part], lang) for part in parts))
                          for perimeter, row in split.iterrows()], css="compact")


def quality_section(result: Result, charts: ChartWriter, floor: float, lang: str) -> str:
    """Section 6: coverage and PCAF score over time, where the data comes from, the latest gaps, run warnings."""
    words = texts(lang)
    body = chart_block(words["chart_quality"], charts(quality_figure(result, floor, lang), "chart-quality"),
                       quality_reading(result, lang))
    body += _coverage_split_table(result, lang)
    body += _gap_tables(result, lang)
    notices = run_notices(result)
    if len(notices):
        body += f'<h3>{esc(words["notices_title"])}</h3>' + bullets(
            labelled(words.get(f"reason_{row.reason}", row.reason), notice_detail(result, row.reason, row.detail, lang),
                     lang) for row in notices.itertuples())
    return section("data-quality", 7, words["section_quality"], body)


def pai_section(result: Result, lang: str) -> str:
    """Section 7: SFDR PAI 1 to 3, one table each, perimeters down and complete years across."""
    words = texts(lang)
    pai = pai_table(result)
    if pai.empty:
        return section("pai", 8, words["section_pai"], paragraph(words["pai_none"]))
    body = ""
    for number, (metric, decimals) in enumerate(PAI_COLUMNS, start=1):
        if metric not in pai.index.get_level_values("metric"):
            continue
        rows = pai.loc[metric]
        columns = [Column(words["col_perimeter"]), *(Column(str(year), True) for year in rows.columns)]
        cells = [(words[f"perimeter_{perimeter}"], *(format_number(v, lang, decimals) for v in rows.loc[perimeter]))
                 for perimeter in PERIMETER_ORDER if perimeter in rows.index]
        body += f'<h3>{esc(words[f"pai_{number}"])}</h3>' + table(columns, cells, css="compact")
    return section("pai", 8, words["section_pai"], body + paragraph(words["pai_note"], "note"))


def _setting_text(value: object) -> str:
    """A setting as it would be written in the TOML file (text as is, the rest as JSON)."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _flatten(settings: dict[str, object], prefix: str = "") -> list[tuple[str, str]]:
    """Settings as `key = value` pairs, nested tables spelled `trajectory.reduction`."""
    pairs = []
    for key, value in settings.items():
        if isinstance(value, dict) and value:
            pairs += _flatten(value, f"{prefix}{key}.")
        else:
            pairs.append((prefix + key, _setting_text(value)))
    return pairs


def _provenance(result: Result, lang: str) -> str:
    """Baselines, projection models and input files with their SHA-256."""
    words = texts(lang)
    baseline_date = pd.Timestamp(result.settings.trajectory.baseline_date)
    origins = {"setting": words["origin_setting"], "missing": words["origin_missing"],
               "snapshot": words["origin_snapshot"].format(date=short_date(baseline_date, lang))}
    baselines = table([Column(words["col_metric"]), Column(words["col_value"], True), Column(words["col_origin"])],
                      [(words[f"metric_{b.metric}"], metric_value(b.value, b.metric, lang),
                        origins[b.origin]) for b in result.baselines], css="compact")
    models = [words["projection_model"].format(metric=lower_first(words[f"metric_{s.metric}"]),
                                               model=words[f"model_{s.model}"], count=s.snapshots,
                                               first=short_date(pd.Timestamp(s.first_date), lang),
                                               last=short_date(pd.Timestamp(s.last_date), lang),
                                               last_value=metric_value(s.last_value, s.metric, lang),
                                               sd=format_percent(s.monthly_sd, lang, 1))
              for s in result.projection_summaries]
    inputs = table([Column(words["col_role"]), Column(words["col_file"]), Column(words["col_sha256"], css="hash"),
                    Column(words["col_dialect"])],
                   [(words.get(f"role_{i.role}", i.role), i.file, i.sha256 or "",
                     ", ".join(f"{key}={value}" for key, value in sorted(i.dialect.items())))
                    for i in result.inputs]) if result.inputs else paragraph(words["no_inputs"])
    return (f'<h3>{esc(words["baselines_title"])}</h3>{baselines}' + "".join(paragraph(m, "note") for m in models)
            + f'<h3>{esc(words["inputs_title"])}</h3>{inputs}')


def methodology_section(result: Result, lang: str, number: int = 9) -> str:
    """Section 9 (10 after a temperature section): formulas with their references, settings, inputs and versions."""
    words = texts(lang)
    body = (f'<h3>{esc(words["formulas_title"])}</h3>' + bullets(words[key] for key in FORMULAS)
            + f'<h3>{esc(words["settings_title"])}</h3>' + definitions(_flatten(result.settings.to_dict()))
            + _provenance(result, lang)
            + f'<h3>{esc(words["versions_title"])}</h3>'
            + paragraph(words["versions"].format(version=__version__,
                                                 methodology=METHODOLOGY_VERSION)))
    return section("methodology", number, words["section_methodology"], body)

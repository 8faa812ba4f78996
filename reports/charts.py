"""The report's charts: one function per chart, a plotly.js figure (`reports.figures`) from `reports.selections`.

Charts draw, they do not compute: the only formula evaluated here is the 2030
path itself (`portfolio.engine.trajectory.path_values`, the function the trajectory
is computed with), drawn month by month from the baseline date to the target
date so that a geometric path curves as it should. Every user text goes
through `label()`, every number in a hover through `reports.numbers`; values
shown as percentages are multiplied by 100 so the axis suffix can follow the
reader's convention (`40 %` / `40%`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from portfolio import Result, Trajectory
from reports.chart_style import (BLUE, EFFECT_COLORS, GREEN, GREY, INK, LIGHT, NAVY, RED, base_layout, category_axis,
                                 hover, label, percent_axis, year_axis)
from reports.figures import Figure, Trace, figure, trace
from reports.i18n import labelled, metric_unit, metric_value, short_date, texts, years_phrase
from reports.numbers import format_meur, format_number, format_percent
from reports.selections import (EFFECTS, EMISSIONS, FOOTPRINT, TARGET_PERIMETER, Change, baseline_of, projection_rows,
                                series, trajectory_rows)

NAME_LIMIT = 42
HOVER = "%{hovertext}<extra></extra>"
GAP = pd.Timedelta(days=183)  # snapshots further apart than this are not joined by a line


def unique_labels(issuer_ids: list[str], names: dict[str, str]) -> list[str]:
    """One axis label per issuer (`names` from `issuer_names`), with the id added when two labels would merge."""
    shown = [label(names[issuer], NAME_LIMIT) for issuer in issuer_ids]
    return [f"{text} ({label(issuer)})" if shown.count(text) > 1 else text for text, issuer in zip(shown, issuer_ids)]


def _line(traces: list[Trace], x: object, y: object, name: str, hovertext: list[str] | None,
          **style: object) -> None:
    """Add one scatter trace with the report's hover convention (hover text, no trace box)."""
    traces.append(trace("scatter", x=x, y=y, name=label(name), hovertext=hovertext,
                        hovertemplate=HOVER if hovertext is not None else None,
                        hoverinfo=None if hovertext is not None else "skip", **style))


def series_line(traces: list[Trace], values: pd.Series, name: str, hovertext: list[str], **style: object) -> None:
    """A measured series by date, its line broken wherever two snapshots are more than six months apart.

    A straight line across a gap (2019 to 2022 in a book without the years
    between) would draw figures nobody measured.
    """
    x: list[object] = []
    y: list[object] = []
    text: list[str] = []
    previous = None
    for (date, value), line in zip(values.items(), hovertext):
        if previous is not None and date - previous > GAP:
            x.append(previous + (date - previous) / 2)
            y.append(None)
            text.append("")
        x.append(date)
        y.append(float(value))
        text.append(line)
        previous = date
    _line(traces, x, y, name, text, **style)


def _add_path(traces: list[Trace], dense: pd.DataFrame, base: float, settings: Trajectory, metric: str,
              lang: str) -> None:
    """The path to the target date (`Result.path`), its tolerance band, the baseline level and the target point."""
    words = texts(lang)
    dates = pd.DatetimeIndex(dense["as_of"])
    start, end = dates[0], dates[-1]
    path = dense["path"].to_numpy(dtype="float64")
    reduction = format_percent(-settings.reduction, lang, 0)
    name = words["trace_path"].format(shape=words[f"shape_{settings.shape}"], reduction=reduction, year=end.year)
    hovertext = [hover(short_date(date, lang), labelled(words["hover_path"], metric_value(value, metric, lang), lang))
                 for date, value in zip(dates, path)]
    _line(traces, dates, path, name, hovertext, mode="lines", line={"color": GREY, "dash": "dash"}, legendrank=3)
    if settings.tolerance > 0:
        _line(traces, dates, path * (1 + settings.tolerance),
              words["trace_band"].format(tolerance=format_percent(settings.tolerance, lang, 0)), None,
              mode="lines", line={"width": 0}, fill="tonexty", fillcolor="rgba(123,135,148,0.18)", legendrank=4)
    _line(traces, [start, end], [base, base], words["trace_baseline"].format(year=start.year),
          [hover(short_date(start, lang), metric_value(base, metric, lang))] * 2, mode="lines",
          line={"color": GREY, "dash": "dot", "width": 1}, legendrank=5)
    target = base * (1 - settings.reduction)
    _line(traces, [end], [target], words["trace_target"].format(year=end.year),
          [hover(short_date(end, lang), metric_value(target, metric, lang))], mode="markers",
          marker={"color": GREEN, "size": 11, "symbol": "diamond"}, legendrank=6)


def _add_cone(traces: list[Trace], rows: pd.DataFrame, metric: str, lang: str) -> None:
    """The projected trend and its 95 % and 80 % prediction intervals, widest first."""
    if rows.empty:
        return
    words = texts(lang)
    for level, fill, rank in ((95, "rgba(62,124,177,0.12)", 9), (80, "rgba(62,124,177,0.25)", 8)):
        group = f"cone{level}"
        _line(traces, rows["as_of"], rows[f"upper_{level}"], "", None, mode="lines", line={"width": 0},
              showlegend=False, legendgroup=group)
        _line(traces, rows["as_of"], rows[f"lower_{level}"], words[f"trace_cone_{level}"], None, mode="lines",
              line={"width": 0}, fill="tonexty", fillcolor=fill, legendgroup=group, legendrank=rank)

    def interval(row: tuple) -> str:
        bounds = {key: format_number(getattr(row, column), lang, 0) for key, column in (
            ("low80", "lower_80"), ("high80", "upper_80"), ("low95", "lower_95"), ("high95", "upper_95"))}
        return words["hover_interval"].format(**bounds)

    _line(traces, rows["as_of"], rows["projected"], words["trace_projection"],
          [hover(short_date(row.as_of, lang), metric_value(row.projected, metric, lang), interval(row))
           for row in rows.itertuples()], mode="lines", line={"color": BLUE, "dash": "dot"}, legendrank=7)


def _point_hover(date: pd.Timestamp, value: float, metric: str, rows: dict[pd.Timestamp, dict[str, float]],
                 lang: str) -> str:
    """Hover of a measured point: value, and against the path when the point has one (`rows`, by date)."""
    words = texts(lang)
    lines = [short_date(date, lang), metric_value(value, metric, lang)]
    row = rows.get(date)
    if row is not None:
        ahead = row["years_ahead"]
        position = words["years_ahead" if ahead >= 0 else "years_behind"].format(years=years_phrase(ahead, lang))
        lines += [labelled(words["hover_path"], metric_value(row["path"], metric, lang), lang),
                  labelled(words["hover_drift"], format_percent(row["drift"], lang, 1, signed=True), lang), position]
    return hover(*lines)


def _add_actual(traces: list[Trace], result: Result, metric: str, lang: str) -> None:
    """The measured series, and the snapshots flagged above the path in red."""
    words = texts(lang)
    actual = series(result, TARGET_PERIMETER, metric)
    rows = trajectory_rows(result, metric).set_index("as_of")
    on_path = rows[["path", "drift", "years_ahead"]].to_dict("index")  # a dict: `rows.loc` per point cost ~10 ms
    series_line(traces, actual, words["trace_actual"],
                 [_point_hover(date, value, metric, on_path, lang) for date, value in actual.items()],
                 mode="lines+markers", line={"color": NAVY, "width": 2.5},
                 marker={"size": 5 if len(actual) > 2 else 10}, legendrank=1)  # a lone point must be seen
    flagged = rows[rows["flag"].fillna(False).astype(bool)]
    if len(flagged):
        _line(traces, flagged.index, flagged["actual"].to_numpy(), words["trace_flagged"],
              [_point_hover(date, value, metric, on_path, lang) for date, value in flagged["actual"].items()],
              mode="markers", marker={"color": RED, "size": 10, "line": {"color": "white", "width": 1}},
              legendrank=2)


def trajectory_figure(result: Result, metric: str, lang: str) -> Figure:
    """A listed-yield metric against its 2030 path: baseline, path, tolerance, flags and projection cone."""
    settings = result.settings.trajectory
    traces: list[Trace] = []
    _add_cone(traces, projection_rows(result, metric), metric, lang)
    baseline = baseline_of(result, metric)
    if baseline is not None:
        _add_path(traces, result.path[result.path["metric"] == metric], baseline.value, settings, metric, lang)
    _add_actual(traces, result, metric, lang)
    dates = [pd.Timestamp(settings.baseline_date), pd.Timestamp(settings.target_date),
             *series(result, TARGET_PERIMETER, metric).index]
    unit = label(metric_unit(metric, lang))
    return figure(traces, base_layout(lang, 440, xaxis=year_axis(dates),
                                     yaxis={"rangemode": "tozero", "title": {"text": unit}}))


def waterfall_figure(change: Change, lang: str) -> Figure:
    """The four effects that add up to the footprint's change, then the change itself, as a waterfall.

    Drawn from zero rather than from the footprint level, so that effects of
    a few tCO2e/M EUR stay visible next to a level of a few hundred.
    """
    words = texts(lang)
    values = [change.effects[effect] for effect in EFFECTS]
    names = [*(words[f"effect_{effect}"] for effect in EFFECTS), words["waterfall_total"]]
    text = [format_number(value, lang, 1, signed=True) for value in [*values, change.total]]
    bars = trace(
        "waterfall", orientation="h", y=[label(name) for name in names], x=[*values, 0.0],
        measure=[*["relative"] * len(values), "total"], text=text, textposition="outside", cliponaxis=False,
        hovertext=[hover(label(name), value) for name, value in zip(names, text)], hovertemplate=HOVER,
        decreasing={"marker": {"color": GREEN}}, increasing={"marker": {"color": RED}},
        totals={"marker": {"color": NAVY}}, connector={"line": {"color": LIGHT}}, showlegend=False)
    unit = metric_unit(FOOTPRINT, lang)
    ends = [0.0, *np.cumsum(values)]
    low, high = min(ends), max(ends)
    pad = 0.2 * (high - low) or 1.0  # room for the labels outside the bars at both ends
    return figure([bars], base_layout(lang, 300, yaxis=category_axis(autorange="reversed"),
                                     xaxis={"title": {"text": label(words["axis_change"].format(unit=unit))},
                                            "tickformat": ",.1f", "zeroline": True, "zerolinecolor": GREY,
                                            "range": [low - pad, high + pad]},
                                     margin={"l": 60, "r": 60}))


def movers_figure(change: Change, names: dict[str, str], lang: str) -> Figure:
    """The issuers that moved the footprint most, each bar split by effect, the net change as a diamond."""
    words = texts(lang)
    issuers = change.issuers
    ids = issuers["issuer_id"].astype(str).tolist()
    labels = unique_labels(ids, names)
    traces: list[Trace] = []
    for effect in EFFECTS:
        hovertext = [hover(name, labelled(words[f"effect_{effect}"], format_number(v, lang, 2, signed=True), lang))
                     for name, v in zip(labels, issuers[effect])]
        traces.append(trace("bar", y=labels, x=issuers[effect], orientation="h", name=label(words[f"effect_{effect}"]),
                            marker={"color": EFFECT_COLORS[effect]}, hovertext=hovertext, hovertemplate=HOVER))
    _line(traces, issuers["total"], labels, words["hover_total"],
          [hover(name, labelled(words["hover_total"], metric_value(v, FOOTPRINT, lang, signed=True), lang))
           for name, v in zip(labels, issuers["total"])],
          mode="markers", marker={"color": INK, "symbol": "diamond", "size": 9})
    unit = label(metric_unit(FOOTPRINT, lang))
    return figure(traces, base_layout(lang, 120 + 30 * len(labels), barmode="relative",
                                     yaxis=category_axis(autorange="reversed"),
                                     xaxis={"title": {"text": unit}, "tickformat": ",.1f", "zeroline": True,
                                            "zerolinecolor": GREY}))


def emitters_figure(top: pd.DataFrame, names: dict[str, str], lang: str) -> Figure:
    """The largest issuers by financed emissions, with their share of the perimeter's total."""
    words = texts(lang)
    ids = top["issuer_id"].astype(str).tolist()
    labels = unique_labels(ids, names)
    shares = [format_percent(share, lang, 1) for share in top["share"]]
    hovertext = [hover(name, labelled(words["hover_issuer"], label(issuer), lang),
                       metric_value(row.financed, EMISSIONS, lang),
                       labelled(words["hover_share"], share, lang),
                       labelled(words["hover_covered_value"], format_meur(row.value, lang), lang))
                 for name, issuer, row, share in zip(labels, ids, top.itertuples(), shares)]
    bars = trace("bar", y=labels, x=top["financed"], orientation="h", text=shares, textposition="outside",
                 marker={"color": NAVY}, hovertext=hovertext, hovertemplate=HOVER, cliponaxis=False)
    return figure([bars], base_layout(lang, 120 + 30 * len(labels), showlegend=False,
                                     yaxis=category_axis(autorange="reversed"),
                                     xaxis={"title": {"text": label(metric_unit(EMISSIONS, lang))}},
                                     margin={"r": 60}))


def breakdown_figure(table: pd.DataFrame, labels: list[str], lang: str) -> Figure:
    """Share of financed emissions next to share of covered value, one pair of bars per group."""
    words = texts(lang)
    safe = [label(text, NAME_LIMIT) for text in labels]
    traces: list[Trace] = []
    for column, name, color in (("financed_share", "trace_emissions_share", NAVY),
                                ("value_share", "trace_value_share", LIGHT)):
        shares = [format_percent(v, lang, 1) for v in table[column]]
        traces.append(trace("bar", y=safe, x=table[column] * 100, orientation="h", name=label(words[name]),
                            marker={"color": color}, text=shares, textposition="outside", cliponaxis=False,
                            hovertext=[hover(group, labelled(words[name], share, lang))
                                       for group, share in zip(safe, shares)], hovertemplate=HOVER))
    return figure(traces, base_layout(lang, 140 + 44 * len(safe), barmode="group",
                                     yaxis=category_axis(autorange="reversed"), xaxis=percent_axis(lang),
                                     margin={"r": 60}))


def _reference(traces: list[Trace], dates: list[pd.Timestamp], level: float, name: str, color: str) -> None:
    """A horizontal reference line (a commitment, a floor) across the charted dates."""
    _line(traces, [min(dates), max(dates)], [level, level], name, None, mode="lines",
          line={"color": color, "dash": "dash", "width": 1.5})


def _share_line(traces: list[Trace], shares: pd.Series, amounts: pd.Series | None, name: str, color: str,
                lang: str) -> None:
    """A share over time, drawn in percent, with the amount behind it in the hover when given."""
    hovertext = [hover(short_date(date, lang), labelled(name, format_percent(share, lang, 1), lang),
                       *([format_meur(amounts.get(date), lang)] if amounts is not None else []))
                 for date, share in shares.items()]
    series_line(traces, shares * 100, name, hovertext, mode="lines+markers", line={"color": color, "width": 2.5},
                 marker={"size": 5})


def mission_figure(result: Result, commitment: float, lang: str) -> Figure:
    """Health share of strategic holdings and territorial share of yield assets, with the health commitment."""
    words = texts(lang)
    traces: list[Trace] = []
    health = series(result, "strategic", "health_share")
    territorial = series(result, "yield", "territorial_share")
    _share_line(traces, health, series(result, "strategic", "health_value_eur"), words["trace_health"], GREEN, lang)
    _share_line(traces, territorial, series(result, "yield", "territorial_value_eur"), words["trace_territorial"],
                BLUE, lang)
    dates = [*health.index, *territorial.index]
    if dates:
        _reference(traces, dates, commitment * 100,
                   words["trace_commitment"].format(target=format_percent(commitment, lang, 0)), GREY)
    return figure(traces, base_layout(lang, 360, xaxis=year_axis(dates), yaxis=percent_axis(lang, range=[0, 100])))


def quality_figure(result: Result, floor: float, lang: str) -> Figure:
    """Coverage of the listed yield assets (eligible and total) against the floor, and the PCAF score."""
    words = texts(lang)
    traces: list[Trace] = []
    eligible = series(result, TARGET_PERIMETER, "coverage_eligible_ratio")
    _share_line(traces, eligible, None, words["trace_coverage_eligible"], NAVY, lang)
    _share_line(traces, series(result, TARGET_PERIMETER, "coverage_ratio"), None, words["trace_coverage"], BLUE, lang)
    if len(eligible):
        _reference(traces, list(eligible.index), floor * 100,
                   words["trace_floor"].format(floor=format_percent(floor, lang, 0)), RED)
    score = series(result, TARGET_PERIMETER, "data_quality_score")
    series_line(traces, score, words["trace_pcaf"],
                 [hover(short_date(date, lang), labelled(words["unit_pcaf"], format_number(v, lang, 2), lang))
                  for date, v in score.items()], mode="lines+markers", yaxis="y2",
                 line={"color": GREY, "dash": "dot"}, marker={"size": 4, "symbol": "square"})
    return figure(traces, base_layout(lang, 380, xaxis=year_axis(list(eligible.index) + list(score.index)),
                                     yaxis=percent_axis(lang, range=[0, 105]),
                                     yaxis2={"overlaying": "y", "side": "right", "range": [0.5, 5.5], "dtick": 1,
                                             "showgrid": False, "title": {"text": label(words["axis_pcaf"])}},
                                     margin={"r": 60}))

"""The report's sentences, generated from its figures: the status line on top and one reading per chart.

A committee member reads the sentence before the chart, so each one states
the figure that matters with its direction and its comparison (the path, the
commitment, the floor). They return plain text, user names as typed: the
HTML layer escapes every sentence once, where it is written. Percent changes
are quoted to the unit ("35 %"), as the mission report does; levels keep one
decimal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from portfolio import Result
from reports.i18n import long_date, metric_value, month_year, texts, years_phrase
from reports.numbers import format_meur, format_number, format_percent
from reports.selections import (FOOTPRINT, TARGET_PERIMETER, Change, PathPosition, baseline_of, latest_date,
                                main_effect, path_position, projection_summary)


def lower_first(text: str) -> str:
    """A label used inside a sentence: `Couverture des données` -> `couverture des données`."""
    return text[:1].lower() + text[1:]


def change_phrase(share: float, lang: str) -> str:
    """`en baisse de 35 %` / `up 4%` / `stable`, from a relative change."""
    words = texts(lang)
    pct = format_percent(abs(share), lang, 0)
    if pct == format_percent(0.0, lang, 0):
        return words["change_flat"]
    return words["change_down" if share < 0 else "change_up"].format(pct=pct)


def _path_fields(result: Result, position: PathPosition, lang: str) -> dict[str, str]:
    """The words every sentence about the path shares: dates, shape, reduction, gap and years."""
    words = texts(lang)
    settings = result.settings.trajectory
    return {
        "date": long_date(latest_date(result), lang),
        "value": format_number(position.actual, lang, 1),
        "unit": words["unit_footprint"],
        "change": change_phrase(position.change, lang),
        "baseline_year": str(settings.baseline_date.year),
        "target_year": str(settings.target_date.year),
        "shape": words[f"shape_{settings.shape}"],
        "reduction": format_percent(-settings.reduction, lang, 0),
        "years": years_phrase(position.years_ahead, lang),
        "gap": format_percent(position.drift, lang, 1),
        "tolerance": format_percent(settings.tolerance, lang, 0),
    }


def status_sentence(result: Result, lang: str) -> str:
    """Where the footprint stands against its path at the latest snapshot, in one sentence."""
    words = texts(lang)
    date = latest_date(result)
    value = result.latest(TARGET_PERIMETER, FOOTPRINT)
    if np.isnan(value):
        return words["top_no_value"].format(date=long_date(date, lang))
    position = path_position(result, FOOTPRINT)
    if position is None:
        baseline_date = pd.Timestamp(result.settings.trajectory.baseline_date)
        return words["top_no_baseline"].format(date=long_date(date, lang), value=format_number(value, lang, 1),
                                               unit=words["unit_footprint"],
                                               baseline_date=long_date(baseline_date, lang))
    return words[f"top_{status_key(position)}"].format(**_path_fields(result, position, lang))


def status_key(position: PathPosition | None) -> str:
    """Which status applies: ahead of, within the tolerance of, above the path, or not assessed."""
    if position is None:
        return "unknown"
    return "above" if position.flagged else "within" if position.drift > 0 else "ahead"


def change_sentence(change: Change | None, lang: str) -> str:
    """How much the footprint moved over the last year (or since the baseline) and its main driver."""
    words = texts(lang)
    if change is None:
        return words["reading_no_attribution"]
    effect = main_effect(change)
    period = words[f"period_{change.kind}"].format(start=long_date(change.start, lang))
    share = change.total / change.start_value if change.start_value > 0 else np.nan
    return words["reading_change"].format(
        period=period, moved=words["moved_down" if change.total < 0 else "moved_up"],
        delta=format_number(abs(change.total), lang, 1), unit=words["unit_footprint"],
        pct=format_percent(share, lang, 0, signed=True), effect=lower_first(words[f"effect_{effect}"]),
        effect_value=format_number(change.effects[effect], lang, 1, signed=True))


def probability_text(probability: float, lang: str) -> str:
    """A probability to the percent, never rounded to a certainty: `> 99 %`, `< 1 %`."""
    if probability > 0.99:
        return ">\u00a0" + format_percent(0.99, lang, 0)
    if probability < 0.01:
        return "<\u00a0" + format_percent(0.01, lang, 0)
    return format_percent(probability, lang, 0)


def _projection_clause(result: Result, metric: str, lang: str) -> str:
    """Where the fitted trend leads, or nothing when there is no projection."""
    summary = projection_summary(result, metric)
    if summary is None:
        return ""
    words = texts(lang)
    fields = {"rate": format_percent(summary.annual_change, lang, 1, signed=True),
              "target": metric_value(summary.target_value, metric, lang),
              "target_year": str(result.settings.trajectory.target_date.year),
              "probability": probability_text(summary.probability_target_met, lang)}
    if summary.date_target_reached is None:
        return words["projection_missed"].format(**fields)
    return words["projection_reached"].format(month=month_year(pd.Timestamp(summary.date_target_reached), lang),
                                              **fields)


def trajectory_reading(result: Result, metric: str, lang: str) -> str:
    """The change since the baseline in years of the path, and where the trend leads."""
    words = texts(lang)
    position = path_position(result, metric)
    if baseline_of(result, metric) is None:
        baseline_date = pd.Timestamp(result.settings.trajectory.baseline_date)
        return words["reading_trajectory_no_baseline"].format(baseline_date=long_date(baseline_date, lang))
    if position is None:
        return words["no_data"]
    fields = _path_fields(result, position, lang)
    return words["reading_trajectory"].format(
        subject=words[f"subject_{metric}"], change=change_phrase(position.change, lang),
        baseline_year=fields["baseline_year"],
        years=fields["years"], position=words["position_ahead" if position.years_ahead >= 0 else "position_behind"],
        shape=fields["shape"], projection=_projection_clause(result, metric, lang))


def movers_reading(change: Change, names: dict[str, str], lang: str) -> str:
    """The issuer that moved the footprint most."""
    first = change.issuers.iloc[0]
    return texts(lang)["reading_movers"].format(
        name=names[str(first["issuer_id"])],
        value=format_number(first["total"], lang, 2, signed=True), unit=texts(lang)["unit_footprint"])


def emitters_reading(top: pd.DataFrame, names: dict[str, str], lang: str) -> str:
    """How concentrated financed emissions are in the largest issuers."""
    first = top.iloc[0]
    return texts(lang)["reading_emitters"].format(
        count=len(top), share=format_percent(top["share"].sum(), lang, 0),
        name=names[str(first["issuer_id"])], top=format_percent(first["share"], lang, 0))


def breakdown_reading(table: pd.DataFrame, labels: list[str], lang: str) -> str:
    """The largest group's share of financed emissions against its share of covered value."""
    first = table.iloc[0]
    return texts(lang)["reading_breakdown"].format(label=labels[0],
                                                   emissions=format_percent(first["financed_share"], lang, 0),
                                                   value=format_percent(first["value_share"], lang, 0))


def mission_reading(result: Result, commitment: float, lang: str) -> str:
    """The latest health and territorial shares against the health commitment."""
    return texts(lang)["reading_mission"].format(
        health=format_percent(result.latest("strategic", "health_share"), lang, 1),
        target=format_percent(commitment, lang, 0),
        territorial=format_percent(result.latest("yield", "territorial_share"), lang, 1),
        amount=format_meur(result.latest("yield", "territorial_value_eur"), lang))


def quality_reading(result: Result, lang: str) -> str:
    """The latest coverage of the listed yield assets and their average PCAF score."""
    return texts(lang)["reading_quality"].format(
        date=long_date(latest_date(result), lang),
        eligible=format_percent(result.latest(TARGET_PERIMETER, "coverage_eligible_ratio"), lang, 1),
        coverage=format_percent(result.latest(TARGET_PERIMETER, "coverage_ratio"), lang, 1),
        score=format_number(result.latest(TARGET_PERIMETER, "data_quality_score"), lang, 1))


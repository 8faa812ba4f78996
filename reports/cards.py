"""The top of the report: the status sentence, then one card per mission figure at the latest snapshot.

This is the minute a committee member gives the report, so it answers three
questions in order: is the footprint on its path (the sentence, coloured by
status), why did it move (the change sentence), and can the figure be trusted
(a warning when the coverage of eligible assets is under the floor, repeated
on the footprint card). Each card holds a value, its comparison and a badge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from portfolio import Result
from reports.i18n import long_date, metric_decimals, metric_unit, texts, years_phrase
from reports.markup import esc, section
from reports.numbers import format_meur, format_number, format_percent
from reports.readings import change_sentence, status_key, status_sentence
from reports.selections import (EMISSIONS, FOOTPRINT, TARGET_PERIMETER, PathPosition, latest_change,
                                latest_date, path_position)

TONES = {"ahead": "ok", "within": "warn", "above": "bad", "unknown": "neutral"}


@dataclass(frozen=True)
class Card:
    """One headline figure: title, value and unit, supporting lines, a status badge and an optional alert."""

    title: str
    scope: str
    value: str
    unit: str
    lines: list[str] = field(default_factory=list)
    badge: str = ""
    tone: str = "neutral"
    alert: str = ""


def card_html(card: Card) -> str:
    """The markup of one card."""
    lines = "".join(f"<li>{esc(line)}</li>" for line in card.lines)
    badge = f'<span class="badge {esc(card.tone)}">{esc(card.badge)}</span>' if card.badge else ""
    alert = f'<p class="alert">{esc(card.alert)}</p>' if card.alert else ""
    return (f'<div class="card {esc(card.tone)}"><div class="label">{esc(card.title)}</div>'
            f'<div class="scope">{esc(card.scope)}</div><div class="value">{esc(card.value)}</div>'
            f'<div class="unit">{esc(card.unit)}</div><ul>{lines}</ul>{badge}{alert}</div>')


def coverage_is_low(result: Result, floor: float) -> bool:
    """True when the covered share of eligible listed yield assets is under the floor (empty is not low)."""
    ratio = result.latest(TARGET_PERIMETER, "coverage_eligible_ratio")
    return bool(not np.isnan(ratio) and ratio < floor)


def low_coverage_text(result: Result, floor: float, key: str, lang: str) -> str:
    """The low-coverage warning (`key`: the long or the card wording), empty when coverage is enough."""
    if not coverage_is_low(result, floor):
        return ""
    ratio = result.latest(TARGET_PERIMETER, "coverage_eligible_ratio")
    return texts(lang)[key].format(ratio=format_percent(ratio, lang, 1), floor=format_percent(floor, lang, 0))


def path_badge(position: PathPosition | None, lang: str) -> str:
    """`2,5 ans d'avance` / `1,3 an de retard`, or the status when years say nothing (within, not assessed)."""
    words = texts(lang)
    status = status_key(position)
    if position is None or status == "within":
        return words[f"status_{status}"]
    key = "years_ahead" if position.years_ahead >= 0 else "years_behind"
    return words[key].format(years=years_phrase(position.years_ahead, lang))


def path_card(result: Result, metric: str, alert: str, lang: str) -> Card:
    """A trajectory metric at the latest snapshot: value, path value, change since the baseline, status."""
    words = texts(lang)
    position = path_position(result, metric)
    decimals = metric_decimals(metric)
    lines = []
    if position is not None:
        lines = [words["card_path"].format(value=format_number(position.path, lang, decimals)),
                 words["card_since"].format(year=result.settings.trajectory.baseline_date.year,
                                            change=format_percent(position.change, lang, 0, signed=True))]
    return Card(title=words[f"metric_{metric}"], scope=words[f"perimeter_{TARGET_PERIMETER}"],
                value=format_number(result.latest(TARGET_PERIMETER, metric), lang, decimals),
                unit=metric_unit(metric, lang), lines=lines, badge=path_badge(position, lang),
                tone=TONES[status_key(position)], alert=alert)


def health_card(result: Result, commitment: float, lang: str) -> Card:
    """Health share of strategic holdings against the mission commitment."""
    words = texts(lang)
    share = result.latest("strategic", "health_share")
    met = bool(not np.isnan(share) and share >= commitment)
    return Card(title=words["card_health"], scope=words["perimeter_strategic"], value=format_percent(share, lang, 1),
                unit="",
                lines=[words["card_commitment"].format(target=format_percent(commitment, lang, 0)),
                       words["card_part_of"].format(part=format_meur(result.latest("strategic", "health_value_eur"),
                                                                     lang),
                                                    total=format_meur(result.latest("strategic", "value_eur"), lang))],
                badge=words["badge_commitment_met" if met else "badge_commitment_missed"], tone="ok" if met else "bad")


def territorial_card(result: Result, lang: str) -> Card:
    """Territorial share of yield assets and the amount in territorial funds (no fixed target)."""
    words = texts(lang)
    return Card(title=words["card_territorial"], scope=words["perimeter_yield"],
                value=format_percent(result.latest("yield", "territorial_share"), lang, 1), unit="",
                lines=[words["card_part_of"].format(part=format_meur(result.latest("yield", "territorial_value_eur"),
                                                                     lang),
                                                    total=format_meur(result.latest("yield", "value_eur"), lang)),
                       words["card_funds"].format(funds=", ".join(result.settings.territorial_funds))])


def coverage_card(result: Result, floor: float, lang: str) -> Card:
    """Coverage of eligible listed yield assets against the floor, coverage of all value, PCAF score."""
    words = texts(lang)
    low = coverage_is_low(result, floor)
    return Card(title=words["card_coverage"], scope=words[f"perimeter_{TARGET_PERIMETER}"],
                value=format_percent(result.latest(TARGET_PERIMETER, "coverage_eligible_ratio"), lang, 1),
                unit=words["card_coverage_eligible"],
                lines=[words["card_coverage_value"].format(
                           ratio=format_percent(result.latest(TARGET_PERIMETER, "coverage_ratio"), lang, 1)),
                       words["card_pcaf"].format(
                           score=format_number(result.latest(TARGET_PERIMETER, "data_quality_score"), lang, 1))],
                badge=words["badge_coverage_low" if low else "badge_coverage_ok"].format(
                    floor=format_percent(floor, lang, 0)), tone="bad" if low else "ok")


def report_header(result: Result, floor: float, lang: str) -> str:
    """Title and date, the sample notice, the status sentence, why the footprint moved, the coverage warning."""
    words = texts(lang)
    status = status_key(path_position(result, FOOTPRINT))
    sample = f'<p class="notice">{esc(words["sample_notice"])}</p>' if result.sample else ""
    alert = low_coverage_text(result, floor, "low_coverage", lang)
    return (f'<header class="report"><h1>{esc(words["title"])}</h1>'
            f'<p class="subtitle">{esc(words["subtitle"].format(date=long_date(latest_date(result), lang)))}</p>'
            f'{sample}<p class="status {esc(status)}" id="status">{esc(status_sentence(result, lang))}</p>'
            f'<p class="why">{esc(change_sentence(latest_change(result), lang))}</p>'
            + (f'<p class="alert" id="coverage-alert">{esc(alert)}</p>' if alert else "") + "</header>")


def headline_section(result: Result, floor: float, commitment: float, lang: str) -> str:
    """Section 1: the five headline cards of the latest snapshot."""
    cards = [path_card(result, FOOTPRINT, low_coverage_text(result, floor, "card_low_coverage", lang), lang),
             path_card(result, EMISSIONS, "", lang), health_card(result, commitment, lang),
             territorial_card(result, lang), coverage_card(result, floor, lang)]
    body = '<div class="cards">' + "".join(card_html(card) for card in cards) + "</div>"
    return section("headline", 1, texts(lang)["section_headline"], body)

"""The report's "What to do" section: what brings the footprint back onto its path, or what keeps it there.

Off track (above the path at the latest snapshot, or the projection's median
missing the target), it gives, in this order: the gap and the drift reasons
(drift.csv's figures, worded here in the report's language), the rebalancing
proposal of `portfolio rebalance` computed on the run (`Result.advice`: the
largest trades, the footprint after, the turnover; the tracking error needs
prices, which a run does not have), the issuers that pushed the footprint up
most, and the data gaps worth closing. On track, it says how much room is
left before the path and which issuers to watch, and the same data gaps.
Every figure is read from the `Result`; nothing is recomputed here.
"""

from __future__ import annotations

from portfolio import Result
from reports.i18n import labelled, long_date, metric_value, texts, years_phrase
from reports.markup import Column, bullets, paragraph, section, table
from reports.numbers import format_meur, format_percent
from reports.readings import lower_first
from reports.selections import (EMISSIONS, FOOTPRINT, issuer_names, latest_change, latest_date, path_position,
                                projection_summary, top_emitters, worth_closing)

TRADES_SHOWN = 10
ISSUERS_SHOWN = 5


def drift_sentences(result: Result, lang: str) -> list[str]:
    """drift.csv's rows of the latest snapshot, worded in the report's language from their figures."""
    words = texts(lang)
    rows = result.drift[result.drift["as_of"] == latest_date(result)]
    sentences = []
    for row in rows.itertuples(index=False):
        text = words["drift_gap"].format(subject=words[f"metric_{row.metric}"],
                                         actual=metric_value(row.actual, row.metric, lang),
                                         path=metric_value(row.path, row.metric, lang),
                                         gap=format_percent(row.drift, lang, 1, signed=True))
        if row.driver:
            value = metric_value(row.driver_value, FOOTPRINT, lang, signed=True) if row.metric != EMISSIONS \
                else format_percent(row.driver_value, lang, 1, signed=True)
            key = "drift_driver" if row.driver_value > 0 else "drift_driver_fell"
            text += " " + words[key].format(driver=lower_first(words[f"driver_{row.driver}"]),
                                                       value=value)
        sentences.append(text)
    return sentences


def _proposal(result: Result, lang: str) -> str:
    """The rebalancing proposal: a sentence, then the largest trades."""
    words = texts(lang)
    advice = result.advice
    if advice is None:
        return paragraph(words["action_not_computed"])
    if advice.target is None:
        return paragraph(words["action_no_proposal"])
    target = metric_value(advice.target, FOOTPRINT, lang)
    when = long_date(advice.target_date, lang)
    if advice.summary is None:
        return paragraph(words["action_out_of_reach"].format(
            target=target, date=when, lowest=metric_value(advice.lowest_footprint, FOOTPRINT, lang)))
    figures = advice.summary
    text = words["action_proposal"].format(
        target=target, date=when, before=metric_value(figures["footprint_before"], FOOTPRINT, lang),
        after=metric_value(figures["footprint_after"], FOOTPRINT, lang),
        turnover=format_percent(figures["turnover"], lang, 1), value=format_meur(figures["covered_value_eur"], lang))
    trades = advice.trades
    trades = trades[trades["trade_eur"].abs() > 0]
    trades = trades.reindex(trades["trade_eur"].abs().sort_values(ascending=False, kind="stable").index)
    trades = trades.head(TRADES_SHOWN)
    if trades.empty:
        return paragraph(text)
    names = issuer_names(result, trades["issuer_id"].astype(str).tolist())
    rows = [(names[str(row.issuer_id)], format_percent(row.current_weight, lang, 2),
             format_percent(row.proposed_weight, lang, 2), format_meur(row.trade_eur, lang, 1))
            for row in trades.itertuples(index=False)]
    return paragraph(text) + table([Column(words["col_issuer"]), Column(words["col_weight_now"], True),
                                    Column(words["col_weight_proposed"], True), Column(words["col_trade"], True)],
                                   rows, css="compact")


def _drivers(result: Result, lang: str) -> str:
    """The issuers that raised the footprint most over the period the report explains."""
    words = texts(lang)
    change = latest_change(result)
    if change is None:
        return ""
    rising = change.issuers[change.issuers["total"] > 0].head(ISSUERS_SHOWN)
    if rising.empty:
        return ""
    names = issuer_names(result, rising["issuer_id"].astype(str).tolist())
    period = lower_first(words[f"period_{change.kind}"].format(start=long_date(change.start, lang)))
    items = [labelled(names[str(row.issuer_id)], metric_value(row.total, FOOTPRINT, lang, signed=True), lang)
             for row in rising.itertuples(index=False)]
    return paragraph(words["action_drivers"].format(period=period)) + bullets(items)


def _gaps(result: Result, lang: str) -> str:
    """The largest uncovered eligible listed-yield positions, by issuer: the data worth asking for."""
    words = texts(lang)
    gaps = worth_closing(result, latest_date(result)).head(ISSUERS_SHOWN)
    if gaps.empty:
        return paragraph(words["action_no_gaps"])
    names = issuer_names(result, [issuer for issuer in gaps["issuer_id"].astype(str) if issuer])
    rows = [(names.get(str(row.issuer_id), "") or words["action_no_issuer"], format_meur(row.value, lang),
             words.get(f"reason_{row.reason}", row.reason)) for row in gaps.itertuples(index=False)]
    return paragraph(words["action_gaps"]) + table(
        [Column(words["col_issuer"]), Column(words["col_value"], True), Column(words["col_reason"])], rows,
        css="compact")


def _keep(result: Result, lang: str) -> str:
    """On track: the room left before the path and the issuers to watch."""
    words = texts(lang)
    position = path_position(result, FOOTPRINT)
    summary = projection_summary(result, FOOTPRINT)
    if position is None:
        return paragraph(words["action_not_assessed"])
    text = words["action_on_track"].format(
        years=years_phrase(position.years_ahead, lang), actual=metric_value(position.actual, FOOTPRINT, lang),
        path=metric_value(position.path, FOOTPRINT, lang),
        room=format_percent(position.path / position.actual - 1, lang, 1))
    if summary is not None:
        text += " " + words["action_projection_ok"].format(
            projected=metric_value(summary.projected_at_target, FOOTPRINT, lang),
            target=metric_value(summary.target_value, FOOTPRINT, lang),
            year=result.settings.trajectory.target_date.year)
    body = paragraph(text)
    reasons = drift_sentences(result, lang)  # the footprint holds, but financed emissions may be above their path
    if reasons:
        body += paragraph(words["action_other_drift"]) + bullets(reasons)
    top = top_emitters(result, latest_date(result), ISSUERS_SHOWN)
    if len(top):
        names = issuer_names(result, top["issuer_id"].astype(str).tolist())
        body += paragraph(words["action_watch"]) + bullets(
            f"{names[str(row.issuer_id)]} ({format_percent(row.share, lang, 1)})" for row in top.itertuples())
    return body


def action_section(result: Result, number: int, lang: str) -> str:
    """The "What to do" section, numbered `number`."""
    words = texts(lang)
    above, misses = result.footprint_standing()
    if above or misses:  # read from the trajectory and projection, whether or not a proposal was computed
        reasons = drift_sentences(result, lang)
        lead = words["action_above" if above else "action_projection_misses"]
        body = paragraph(lead) + (bullets(reasons) if reasons else "") + _proposal(result, lang) \
            + _drivers(result, lang) + _gaps(result, lang)
    else:
        body = _keep(result, lang) + _gaps(result, lang)
    return section("action", number, words["section_action"], body)

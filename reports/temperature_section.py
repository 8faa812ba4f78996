"""The report's temperature section: the implied temperature of the listed yield portfolio (when targets were given).

It shows, for the weighting chosen in the settings (`[temperature] method`,
WATS by default; the CSV files hold all six): the temperature by horizon and
emission scope at the latest snapshot with how much of it is the 3.2 °C
default score, its trend over the snapshots, and the issuers that raise it
most (w_i * (T_i - T) / sum w, from the `Result`). Like the other sections it
only selects figures the engine computed; its words live here, in French and
English, so that the section can be added or removed as a whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from reports.chart_style import AMBER, BLUE, NAVY, base_layout, hover, year_axis
from reports.charts import series_line
from reports.embed import ChartWriter
from reports.figures import Figure, Trace, figure
from reports.i18n import long_date, short_date
from reports.markup import Column, chart_block, esc, paragraph, section, table
from reports.numbers import format_number, format_percent
from reports.selections import TARGET_PERIMETER, issuer_names

if TYPE_CHECKING:
    from portfolio import Result

PERIMETER = TARGET_PERIMETER  # the perimeter of the 2030 climate target
HEADLINE_SCOPE, HEADLINE_HORIZON = "S1+S2", "mid"
TOP_ISSUERS = 10
HORIZON_COLORS = {"short": BLUE, "mid": NAVY, "long": AMBER}

WORDS = {
    "fr": {
        "section": "Température implicite du portefeuille",
        "intro": ("Température implicite du portefeuille de rendement coté (périmètre de l'objectif climat 2030) "
                  "au {date}, pondération {method} ({method_name}) : le réchauffement mondial vers lequel "
                  "conduisent les objectifs de réduction d'émissions publiés par les émetteurs détenus "
                  "(méthode CDP-WWF, règles de l'outil de la SBTi pour les institutions financières). Un émetteur "
                  "sans objectif exploitable reçoit le score par défaut de 3,2 °C."),
        "col_horizon": "Horizon", "col_scope": "Émissions couvertes", "col_temperature": "Température",
        "col_default": "Part du score par défaut", "col_issuers": "Émetteurs retenus",
        "col_coverage": "Couverture (valeur)", "col_issuer": "Émetteur", "col_weight": "Poids",
        "col_issuer_temperature": "Température de l'émetteur", "col_contribution": "Effet sur le portefeuille",
        "short": "court terme (≤ 4 ans)", "mid": "moyen terme (5 à 15 ans)", "long": "long terme (16 à 30 ans)",
        "S1+S2": "scopes 1 et 2", "S3": "scope 3", "S1+S2+S3": "scopes 1, 2 et 3",
        "chart": "Température implicite, {scope}, par horizon (pondération {method})",
        "reading": ("Au {date}, la température implicite à moyen terme ({scope}) est de {temperature} ; "
                    "{default} de ce chiffre vient du score par défaut, faute d'objectif exploitable. "
                    "Sur l'ensemble des émissions (scopes 1, 2 et 3), elle est de {total}."),
        "reading_change": " Elle était de {previous} au {previous_date}.",
        "top": "Émetteurs qui réchauffent le plus le portefeuille ({scope}, {horizon}, au {date})",
        "top_note": ("Effet sur le portefeuille : poids de l'émetteur × (sa température − celle du portefeuille). "
                     "Les effets de tous les émetteurs se compensent exactement ; « défaut » signale un émetteur "
                     "noté 3,2 °C faute d'objectif."),
        "default_mark": "défaut", "none": "Aucun émetteur du portefeuille de rendement coté n'est noté à cette date.",
        "files": ("Le détail est dans temperature.csv (chaque émetteur, horizon et périmètre d'émissions, avec "
                  "l'objectif retenu) et temperature_portfolio.csv (chaque date, périmètre et pondération)."),
        "degrees": "{value} °C",
        "methods": {"WATS": "valeur détenue", "TETS": "émissions totales de l'émetteur",
                    "ECOTS": "émissions financées, rapportées à l'EVIC", "ROTS": "émissions financées, rapportées "
                    "au chiffre d'affaires", "MOTS": "émissions financées, rapportées à la capitalisation",
                    "AOTS": "émissions financées, rapportées au total de bilan"},
    },
    "en": {
        "section": "Implied temperature of the portfolio",
        "intro": ("Implied temperature of the listed yield portfolio (the perimeter of the 2030 climate target) "
                  "at {date}, weighted by {method} ({method_name}): the global warming that the emission "
                  "reduction targets published by the issuers held lead to (CDP-WWF method, rules of the SBTi "
                  "finance tool). An issuer without a usable target gets the 3.2 °C default score."),
        "col_horizon": "Horizon", "col_scope": "Emissions covered", "col_temperature": "Temperature",
        "col_default": "Default score share", "col_issuers": "Issuers kept", "col_coverage": "Coverage (value)",
        "col_issuer": "Issuer", "col_weight": "Weight", "col_issuer_temperature": "Issuer temperature",
        "col_contribution": "Effect on the portfolio",
        "short": "short term (≤ 4 years)", "mid": "mid term (5 to 15 years)", "long": "long term (16 to 30 years)",
        "S1+S2": "scopes 1 and 2", "S3": "scope 3", "S1+S2+S3": "scopes 1, 2 and 3",
        "chart": "Implied temperature, {scope}, by horizon ({method} weighting)",
        "reading": ("At {date}, the mid-term implied temperature ({scope}) is {temperature}; {default} of it "
                    "comes from the default score, for lack of a usable target. Over all emissions (scopes 1, 2 "
                    "and 3) it is {total}."),
        "reading_change": " It was {previous} at {previous_date}.",
        "top": "Issuers that warm the portfolio most ({scope}, {horizon}, at {date})",
        "top_note": ("Effect on the portfolio: the issuer's weight × (its temperature − the portfolio's). The effects "
                     "of all issuers cancel out exactly; 'default' marks an issuer scored 3.2 °C for lack of a "
                     "target."),
        "default_mark": "default", "none": "No issuer of the listed yield portfolio is scored at this date.",
        "files": ("The detail is in temperature.csv (every issuer, horizon and emission scope, with the target "
                  "used) and temperature_portfolio.csv (every date, perimeter and weighting)."),
        "degrees": "{value} °C",
        "methods": {"WATS": "value held", "TETS": "issuer's total emissions", "ECOTS": "owned emissions, EVIC",
                    "ROTS": "owned emissions, revenue", "MOTS": "owned emissions, market capitalisation",
                    "AOTS": "owned emissions, total assets"},
    },
}


def temperature_section(result: Result, charts: ChartWriter, number: int, lang: str) -> str:
    """The section, numbered `number`; empty when the run had no targets."""
    if result.temperature_portfolio is None:
        return ""
    words = WORDS[lang]
    method = result.settings.temperature.method
    rows = _rows(result.temperature_portfolio, method)
    scored = rows[rows["temperature_c"].notna()]
    if scored.empty:
        return section("temperature", number, words["section"], paragraph(words["none"]))
    date = pd.Timestamp(scored["as_of"].max())
    intro = paragraph(words["intro"].format(date=long_date(date, lang), method=method,
                                            method_name=words["methods"][method]))
    body = intro + _summary_table(rows[rows["as_of"] == date], lang)
    body += chart_block(words["chart"].format(scope=words[HEADLINE_SCOPE], method=method),
                        charts(temperature_figure(rows, HEADLINE_SCOPE, lang), "chart-temperature"),
                        _reading(rows, date, lang))
    body += _top_issuers(result, date, lang) + paragraph(words["files"], "note")
    return section("temperature", number, words["section"], body)


def _rows(portfolio: pd.DataFrame, method: str) -> pd.DataFrame:
    return portfolio[(portfolio["perimeter"] == PERIMETER) & (portfolio["method"] == method)]


def _degrees(value: float, lang: str, decimals: int = 2) -> str:
    return WORDS[lang]["degrees"].format(value=format_number(value, lang, decimals))


def _summary_table(latest: pd.DataFrame, lang: str) -> str:
    """Temperature, default share, issuers kept and coverage by horizon and scope at the latest snapshot."""
    words = WORDS[lang]
    order = {"short": 0, "mid": 1, "long": 2, "S1+S2": 0, "S3": 1, "S1+S2+S3": 2}
    latest = latest.sort_values(["time_frame", "scope"], key=lambda column: column.map(order))
    return table([Column(words["col_horizon"]), Column(words["col_scope"]), Column(words["col_temperature"], True),
                  Column(words["col_default"], True), Column(words["col_issuers"], True),
                  Column(words["col_coverage"], True)],
                 [(words[row.time_frame], words[row.scope], _degrees(row.temperature_c, lang),
                   format_percent(row.default_share, lang, 0), format_number(row.issuers, lang, 0),
                   format_percent(row.coverage_ratio, lang, 0)) for row in latest.itertuples()], css="compact")


def temperature_figure(rows: pd.DataFrame, scope: str, lang: str) -> Figure:
    """One line per horizon over the snapshots; hovers give the default share."""
    words = WORDS[lang]
    traces: list[Trace] = []
    dates: list[pd.Timestamp] = []
    for horizon, color in HORIZON_COLORS.items():
        line = rows[(rows["scope"] == scope) & (rows["time_frame"] == horizon) & rows["temperature_c"].notna()]
        values = pd.Series(line["temperature_c"].to_numpy(), index=pd.DatetimeIndex(line["as_of"])).sort_index()
        defaults = dict(zip(pd.DatetimeIndex(line["as_of"]), line["default_share"]))
        colon = " : " if lang == "fr" else ": "
        hovertext = [hover(short_date(when, lang), esc(words[horizon]) + colon + _degrees(value, lang),
                           esc(words["col_default"]) + colon + format_percent(defaults[when], lang, 0))
                     for when, value in values.items()]
        series_line(traces, values, words[horizon], hovertext, mode="lines+markers",
                     line={"color": color, "width": 2.5}, marker={"size": 5})
        dates.extend(values.index)
    return figure(traces, base_layout(lang, 340, xaxis=year_axis(dates),
                                      yaxis={"tickformat": ",.1f", "ticksuffix": " °C"}))


def _reading(rows: pd.DataFrame, date: pd.Timestamp, lang: str) -> str:
    """The sentence under the chart: the headline figure, its default share, the whole footprint, the change."""
    words = WORDS[lang]

    def at(when: pd.Timestamp, scope: str) -> pd.Series:
        return rows[(rows["as_of"] == when) & (rows["scope"] == scope)
                    & (rows["time_frame"] == HEADLINE_HORIZON)].iloc[0]

    headline = at(date, HEADLINE_SCOPE)
    text = words["reading"].format(date=long_date(date, lang), scope=words[HEADLINE_SCOPE],
                                   temperature=_degrees(headline.temperature_c, lang),
                                   default=format_percent(headline.default_share, lang, 0),
                                   total=_degrees(at(date, "S1+S2+S3").temperature_c, lang))
    earlier = rows[(rows["as_of"] < date) & rows["temperature_c"].notna()]["as_of"]
    if len(earlier):
        previous_date = pd.Timestamp(earlier.max())
        text += words["reading_change"].format(previous=_degrees(at(previous_date, HEADLINE_SCOPE).temperature_c,
                                                                 lang),
                                               previous_date=long_date(previous_date, lang))
    return text


def _top_issuers(result: Result, date: pd.Timestamp, lang: str) -> str:
    """The issuers with the largest positive effect on the headline temperature."""
    words = WORDS[lang]
    pulls = result.temperature_contributions
    pulls = pulls[(pulls["scope"] == HEADLINE_SCOPE) & (pulls["time_frame"] == HEADLINE_HORIZON)
                  & (pulls["contribution_c"] > 0)]
    top = pulls.sort_values(["contribution_c", "issuer_id"], ascending=[False, True], kind="stable").head(TOP_ISSUERS)
    if top.empty:
        return ""
    names = issuer_names(result, top["issuer_id"].astype(str).tolist())
    title = words["top"].format(scope=words[HEADLINE_SCOPE], horizon=words[HEADLINE_HORIZON],
                                date=long_date(date, lang))
    rows = [(names[row.issuer_id], format_percent(row.weight_share, lang, 1),
             _degrees(row.temperature_c, lang) + (f" ({words['default_mark']})" if row.default_share == 1 else ""),
             "+" + _degrees(row.contribution_c, lang, 3)) for row in top.itertuples()]
    return (f"<h3>{esc(title)}</h3>"
            + table([Column(words["col_issuer"]), Column(words["col_weight"], True),
                     Column(words["col_issuer_temperature"], True), Column(words["col_contribution"], True)], rows)
            + paragraph(words["top_note"], "note"))

"""The committee report (`reports.html`) on a small book worked out by hand, and its number formats.

The book (default settings: scopes 1+2+3, linear path, -50 % from 2019-12-31 to 2030-12-31):

issuer  evic   intensity E / evic * 1e6 (tCO2e/MEUR): 2019 / 2023 / 2024   held as
A       100 M  2000 / 1300 / 1234.5                                          H1 listed equity, 2 M, named "<script>..."
B        10 M  2000 / 1300 / 1234.5                                          H2 corporate bond, 1 M, "Crédit & ..."
C        50 M  10 tCO2e a year                                               H3 strategic unlisted, 4 M, patient pathway

plus H4 (strategic real estate, 1 M), H5 (the FR-EMPLOIS fund, 0.5 M) and G000.. (listed corporate bonds
without issuer id, 0.1 M each, named "<img src=x onerror=...>"), on six snapshots: 2019-12-31, 2023-12-31
and the four quarter-ends of 2024 (issuer data of year Y is published on 31 December Y).

At 2024-12-31 both covered issuers are at 1234.5, so the footprint is 1234.5 whatever the weights;
B = 2000, t = 1827 / 365.25 = 5.00205 years, T = 4018 / 365.25 = 11.00068:
change since 2019 = 1234.5 / 2000 - 1 = -38.3 %; years ahead = (1 - 0.61725) * T / 0.5 - t = 3.42.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import portfolio
from reports.html import render_html, write_html
from reports.i18n import TEXTS, long_date, years_phrase
from reports.numbers import format_meur, format_number, format_percent, plotly_separators
from reports.pdf import write_pdf
from reports.selections import issuer_names

M = 1_000_000.0
HOSTILE = "<script>alert(1)</script>"
AMPERSAND = "Crédit & Santé <b>SA</b>"
DATES = ("2019-12-31", "2023-12-31", "2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31")
SECTIONS = ["headline", "trajectory", "attribution", "action", "contributors", "mission", "data-quality", "pai",
            "methodology"]
CHARTS = ["chart-trajectory", "chart-emissions", "chart-waterfall", "chart-movers", "chart-emitters", "chart-sectors",
          "chart-asset-classes", "chart-mission", "chart-quality"]
NNBSP = "\u202f"


def issuers_frame() -> pd.DataFrame:
    """Issuers A and B at 2000, 1300 and 1234.5 tCO2e/MEUR of EVIC in 2019, 2023 and 2024; C small."""
    rows = []
    for year, intensity in ((2019, 2000.0), (2023, 1300.0), (2024, 1234.5)):
        rows += [("A", year, 100 * M, intensity * 100, "C20", 2), ("B", year, 10 * M, intensity * 10, "K64", 3),
                 ("C", year, 50 * M, 10.0, "Q86", 4)]
    frame = pd.DataFrame(rows, columns=["issuer_id", "year", "evic_eur", "scope1_tco2e", "sector", "data_quality"])
    return frame.assign(scope2_tco2e=0.0, scope3_tco2e=0.0, revenue_eur=frame["evic_eur"] / 2)


def holdings_frame(dates: tuple[str, ...] = DATES, gaps: int = 1) -> pd.DataFrame:
    """The book above on `dates`, with `gaps` uncovered eligible lines of 0.1 M each."""
    rows = []
    for date in dates:
        rows += [(date, "H1", "A", "yield", "listed_equity", True, 2 * M, HOSTILE, "", ""),
                 (date, "H2", "B", "yield", "corporate_bond", True, 1 * M, AMPERSAND, "", ""),
                 (date, "H3", "C", "strategic", "unlisted_equity", False, 4 * M, "Clinique C", "", "patient_pathway"),
                 (date, "H4", "", "strategic", "real_estate", False, 1 * M, "SCI", "", ""),
                 (date, "H5", "", "yield", "fund", False, 0.5 * M, "Fonds Emplois", "FR-EMPLOIS", "")]
        rows += [(date, f"G{n:03d}", "", "yield", "corporate_bond", True, 0.1 * M,
                  f"<img src=x onerror=alert({n})>", "", "") for n in range(gaps)]
    return pd.DataFrame(rows, columns=["as_of", "holding_id", "issuer_id", "bucket", "asset_class", "listed",
                                       "market_value_eur", "name", "fund_id", "purpose"])


def small_result(dates: tuple[str, ...] = DATES, gaps: int = 1) -> portfolio.Result:
    """The hand-made book analysed (a second call gives an equal but distinct Result)."""
    return portfolio.analyze(holdings_frame(dates, gaps), issuers_frame())


@pytest.fixture(scope="module")
def result() -> portfolio.Result:
    return small_result()


@pytest.fixture(scope="module")
def page(result: portfolio.Result) -> str:
    return render_html(result)


@pytest.fixture(scope="module")
def page_en(result: portfolio.Result) -> str:
    return render_html(result, lang="en")


@pytest.fixture(scope="module")
def low_page() -> str:
    """Three snapshots (no projection, no complete PAI year) and 205 uncovered lines: 3 M / (3 + 20.5) M covered."""
    return render_html(small_result(("2019-12-31", "2023-12-31", "2024-12-31"), gaps=205))


class Tags(HTMLParser):
    """Every start tag with its attributes, and the page's visible text (scripts and styles left out)."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._skip = 0
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def visible_text(page: str) -> str:
    """The text a reader sees, entities decoded, whitespace collapsed."""
    return re.sub(r"[ \t\r\n]+", " ", " ".join(Tags(page).text))  # not \s: it would eat U+202F


def plotly_figures(page: str) -> dict[str, tuple[list, dict]]:
    """Each `Plotly.newPlot(id, data, layout, config)` call of the page: id -> (data, layout), JSON-decoded."""
    decoder = json.JSONDecoder()
    figures = {}
    for match in re.finditer(r'Plotly\.newPlot\(\s*"([^"]+)",\s*', page):
        data, end = decoder.raw_decode(page, match.end())
        layout, _ = decoder.raw_decode(page, re.compile(r",\s*").match(page, end).end())
        figures[match.group(1)] = (data, layout)
    return figures


def strings(value: object) -> list[str]:
    """Every string inside a decoded JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return []


# numbers and words


def test_numbers_in_the_readers_convention() -> None:
    assert format_number(1234.5, "fr") == f"1{NNBSP}234,5"
    assert format_number(1234.5, "en") == "1,234.5"
    assert format_number(-1234567.891, "fr", 2) == f"\u22121{NNBSP}234{NNBSP}567,89"
    assert format_number(-0.04, "fr", 1) == "0,0"  # rounds to zero: no minus sign
    assert format_number(float("nan"), "fr") == "\u2013"
    assert format_number(None, "en") == "\u2013"
    assert format_percent(0.123, "fr") == f"12,3{NNBSP}%"
    assert format_percent(0.123, "en") == "12.3%"
    assert format_percent(-0.35, "fr", 0, signed=True) == f"\u221235{NNBSP}%"
    assert format_meur(212_060_900.0, "fr") == f"212,1{NNBSP}M€"
    assert format_meur(212_060_900.0, "en") == "€212.1m"
    assert plotly_separators("fr") == f",{NNBSP}" and plotly_separators("en") == ".,"
    with pytest.raises(ValueError, match="unknown language 'de'"):
        format_number(1.0, "de")


def test_signed_zero_has_no_sign() -> None:
    assert format_number(0.04, "en", 1, signed=True) == "0.0"
    assert format_number(0.06, "en", 1, signed=True) == "+0.1"


def test_words_and_dates_in_both_languages() -> None:
    assert set(TEXTS["fr"]) == set(TEXTS["en"])
    assert long_date(pd.Timestamp("2024-08-31"), "fr") == "31 août 2024"
    assert long_date(pd.Timestamp("2024-08-31"), "en") == "31 August 2024"
    assert years_phrase(3.7, "fr") == "3,7 ans" and years_phrase(-1.26, "fr") == "1,3 an"
    assert years_phrase(1.0, "en") == "1.0 year" and years_phrase(2.5, "en") == "2.5 years"


def test_issuer_names_from_the_issuer_table_else_the_first_holding_name() -> None:
    # issuer A is named in the issuer table; B is not, so its first holding name seen labels it (H2's bond name
    # at the first snapshot); a bond's name never labels a named issuer
    issuers = issuers_frame()
    issuers["name"] = issuers["issuer_id"].map({"A": "Alpha Chimie SA"})
    holdings = holdings_frame()
    holdings.loc[holdings["holding_id"] == "H1", "name"] = "Alpha Chimie SA 2,75% 2035"
    result = portfolio.analyze(holdings, issuers)
    first_b = result.contributions[result.contributions["issuer_id"] == "B"].iloc[0]["name"]
    assert issuer_names(result, ["A", "B", "Z"]) == {"A": "Alpha Chimie SA", "B": first_b, "Z": "Z"}


# structure and wording


def test_sections_in_order_status_first(page: str) -> None:
    tags = Tags(page).tags
    assert [attrs["id"] for tag, attrs in tags if tag == "section"] == SECTIONS
    ids = [attrs.get("id") for _, attrs in tags]
    assert ids.index("status") < ids.index("headline")  # the status sentence comes before everything else
    assert [attrs["id"] for _, attrs in tags if (attrs.get("id") or "").startswith("chart-")] == CHARTS


def test_french_status_and_readings(page: str) -> None:
    text = visible_text(page)
    # 1234.5 / 2000 - 1 = -38 %; (1 - 0.61725) * 11.00068 / 0.5 - 5.00205 = 3.42 years ahead
    assert (f"Au 31 décembre 2024, l'empreinte carbone des actifs de rendement cotés est de 1{NNBSP}234,5 "
            f"tCO₂e/M€ investi, en baisse de 38{NNBSP}% depuis 2019 : 3,4 ans d'avance sur la trajectoire "
            f"linéaire (\u221250{NNBSP}% en 2030).") in text
    assert f"L'empreinte carbone est en baisse de 38{NNBSP}% depuis 2019, soit 3,4 ans d'avance" in text
    # year on year 1300 -> 1234.5: -65.5, all of it issuer emissions (same weights, same EVIC)
    assert ("Sur un an (depuis le 31 décembre 2023), l'empreinte carbone a baissé de 65,5 tCO₂e/M€ investi "
            f"(\u22125{NNBSP}%) ; principal facteur : émissions des émetteurs, \u221265,5.") in text
    # health: 4 M of 5 M strategic = 80 %; territorial: 0.5 M of 3.6 M yield = 13.9 %
    assert f"La part santé des participations stratégiques est de 80,0{NNBSP}%" in text
    assert f"13,9{NNBSP}% des actifs de rendement (0,5{NNBSP}M€)" in text
    assert "Indicateurs PAI SFDR 1 à 3" in text and "2024" in text


def test_english_wording_and_numbers(page_en: str) -> None:
    text = visible_text(page_en)
    assert '<html lang="en">' in page_en
    assert ("At 31 December 2024, the carbon footprint of the listed yield assets is 1,234.5 tCO₂e/€m invested, "
            "down 38% since 2019: 3.4 years ahead of the linear path (\u221250% by 2030).") in text
    assert "Why the footprint moved" in text and "Pourquoi" not in text


def test_charts_use_the_readers_separators(page: str, page_en: str) -> None:
    for rendered, marks in ((page, f",{NNBSP}"), (page_en, ".,")):
        figures = plotly_figures(rendered)
        assert list(figures) == CHARTS
        assert {layout["separators"] for _, layout in figures.values()} == {marks}


def test_hostile_names_are_text_in_html_and_charts(page: str) -> None:
    assert HOSTILE not in page and "<b>SA</b>" not in page and "<img src=x" not in page
    text = visible_text(page)
    assert HOSTILE in text and "<img src=x onerror=alert(0)>" in text  # in the readings and the gap list
    assert "<holdings DataFrame 1>" in text  # input names are escaped too
    chart_strings = [s for data, layout in plotly_figures(page).values() for s in strings(data) + strings(layout)]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in chart_strings  # an axis label, escaped for plotly
    assert "Crédit &amp; Santé &lt;b&gt;SA&lt;/b&gt;" in chart_strings
    assert not [s for s in chart_strings if re.search(r"<(script|b|img)\b", s)]  # no user tag reaches plotly


def test_nothing_is_loaded_from_a_network(page: str) -> None:
    tags = Tags(page).tags
    assert not [tag for tag, _ in tags if tag in ("link", "img", "iframe", "object", "embed", "base")]
    sources = [value for _, attrs in tags for key, value in attrs.items() if key in ("src", "href", "action")]
    assert sources == []  # plotly.js is inline: no <script src>, and no link anywhere
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    assert len(styles) == 1 and "url(" not in styles[0] and "@import" not in styles[0]
    assert page.count("* plotly.js v") == 1  # the bundle is inlined once
    assert "MathJax.js" not in page and "cdn.plot.ly/plotly" not in page


def test_two_renders_are_byte_identical(tmp_path: Path, result: portfolio.Result) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    write_html(result, first)
    write_html(small_result(), second)  # a fresh Result of the same inputs
    assert first.read_bytes() == second.read_bytes()
    assert dt.date.today().isoformat() not in first.read_text(encoding="utf-8")
    assert b"\r\n" not in first.read_bytes()[:100_000]


def test_low_coverage_warns_on_top_and_on_the_card(page: str, low_page: str, result: portfolio.Result) -> None:
    assert 'id="coverage-alert"' not in page  # 3 M / 3.1 M = 96.8 % covered
    text = visible_text(low_page)
    # 3 M covered of 3 + 205 * 0.1 = 23.5 M eligible: 12.8 %
    assert 'id="coverage-alert"' in low_page
    assert f"seuls 12,8{NNBSP}% des actifs éligibles des actifs de rendement cotés ont des données carbone" in text
    assert f"Couverture des actifs éligibles de 12,8{NNBSP}%, sous le seuil de 80{NNBSP}%" in text
    assert 'id="coverage-alert"' in render_html(result, coverage_floor=0.99)


def test_fallbacks_without_projection_or_complete_year(low_page: str) -> None:
    text = visible_text(low_page)
    assert "Aucune année complète (quatre fins de trimestre)" in text
    assert "Pas de projection" in text  # the run warning is listed
    assert "au rythme observé" not in text


def test_gap_list_is_capped_at_200_lines(low_page: str) -> None:
    assert len(re.findall(r"<td class=\"id\">G\d{3}</td>", low_page)) == 200
    assert "… et 5 autres lignes : la liste complète est dans warnings.csv." in visible_text(low_page)


def test_unknown_language_is_refused(result: portfolio.Result) -> None:
    with pytest.raises(ValueError, match="expected one of fr, en"):
        render_html(result, lang="de")


def test_pdf_without_chromium_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no browser on this PATH
    with pytest.raises(RuntimeError, match="no local Chromium found; install the Debian package chromium"):
        write_pdf(tmp_path / "report.html", tmp_path / "report.pdf")


def test_coverage_split_separates_reported_looked_through_estimated_and_uncovered() -> None:
    from reports.selections import coverage_split, latest_date
    from test_extensions import BASE_ISSUERS, FUND, M, issuer, line

    issuers = pd.DataFrame(BASE_ISSUERS + [issuer("X", None, 20 * M, 10 * M)])
    holdings = pd.DataFrame([line("FL", "", 10 * M, asset_class="fund", fund_id="F1"), line("H1", "A", 2 * M),
                             line("H3", "X", 1 * M), line("C", "", 0.5 * M, asset_class="cash", listed=False)])
    result = portfolio.analyze(holdings, issuers, settings={"gaps": "proxy"}, funds=pd.DataFrame(FUND))
    split = coverage_split(result, latest_date(result)).set_index("perimeter").loc["yield"]
    # reported H1 2 M; looked through: children 5 M + 3 M; estimated H3 1 M; uncovered: cash 0.5 M + the
    # fund's 20 % remainder 2 M; total 13.5 M
    assert (split["reported"], split["looked_through"], split["estimated"], split["uncovered"], split["total"]) \
        == pytest.approx((2 * M, 8 * M, 1 * M, 2.5 * M, 13.5 * M))
    page = render_html(result, "en")
    assert "Where the carbon data comes from" in page and "Fund look-through" in page

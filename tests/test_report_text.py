"""The report's visible text: every number it quotes comes from the run's output files, in one language only.

Five books (the bundled sample, an on-track and an off-track book, a French
export whose 2019 issuers published only in 2020 with the baseline frozen in
the settings, a one-snapshot book; see tests/books.py), each rendered in
French and English. The numbers check reads the run folder's CSV files (and
projection_summary.json) back and derives from them, independently of the
report code, every figure a sentence, card or table may quote: the files'
own values, the changes since the baseline, shares of financed emissions and
of value by issuer, sector and asset class, the data gaps' sums. A number in
the text must match one of them at the precision it is shown (as itself, in
percent or in millions). The rebalancing proposal is not a run file: its
figures are taken from `Result.advice`. The language check looks for the
other language's words in the text, user-typed names (holdings, issuers)
and the settings and input tables (codes) left aside.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import books
import portfolio
from reports.html import render_html
from reports.i18n import sector_label, texts

KINDS = ("sample", "on_track", "off_track", "unknown_baseline", "one_snapshot")
ENGLISH_WORDS = {"the", "and", "of", "with", "without", "is", "are", "has", "have", "since", "from", "by", "see",
                 "left", "uncovered", "record", "published", "issuer", "snapshot", "path", "footprint", "which",
                 "empty", "line", "ahead", "behind", "target", "weight", "share", "value", "OLS", "Student"}
FRENCH_WORDS = {"le", "la", "les", "des", "du", "et", "est", "sont", "une", "depuis", "sur", "pour", "avec", "sans",
                "non", "couverte", "émetteur", "données", "trajectoire", "empreinte", "ligne", "voir", "cible",
                "avance", "retard", "publiée", "instantané"}
SCALES = (1.0, 100.0, 1e-6)  # a figure quoted as itself, in percent, in millions


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[portfolio.Result, Path]]:
    """Each book's Result and its run folder (CSV files and manifest, no reports)."""
    folder = tmp_path_factory.mktemp("books")
    made = {}
    for kind in KINDS:
        if kind == "sample":
            result = portfolio.analyze()
        elif kind == "unknown_baseline":
            holdings, issuers, settings = books.write_french_export(folder / "export")
            result = portfolio.analyze([holdings], issuers, settings)
        else:
            result = portfolio.analyze(*books.book(kind))
        made[kind] = (result, portfolio.write_run(result, folder / kind))
    return made


class Visible(HTMLParser):
    """The text a reader sees: everything outside <script>, <style>, the settings list and the inputs table."""

    SKIPPED = {"script", "style", "dl", "footer"}

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED or (tag == "td" and ("class", "hash") in attrs) or self.depth:
            self.depth += 1 if tag in self.SKIPPED or self.depth else 0

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag in self.SKIPPED:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def visible_text(result: portfolio.Result, lang: str) -> str:
    """The report's visible text with the inputs table and every user-typed name taken out."""
    page = render_html(result, lang)
    words = texts(lang)
    page = re.sub(re.escape(f"<h3>{words['inputs_title']}</h3>") + r".*?</table>", "", page, flags=re.S)
    parser = Visible()
    parser.feed(page.replace("&#x27;", "'"))
    text = " ".join(parser.parts)
    names = set(result.contributions["name"].dropna().astype(str)) | set(
        result.contributions["issuer_name"].dropna().astype(str)) | set(result.contributions["issuer_id"])
    names |= set(result.settings.territorial_funds)
    for name in sorted((name for name in names if name), key=len, reverse=True):
        text = text.replace(name, " ")
    return text


def candidates(result: portfolio.Result, run: Path) -> np.ndarray:
    """Every figure the text may quote, derived from the run folder's files."""
    values: list[float] = []
    for name in ("metrics", "trajectory", "pai", "attribution", "attribution_issuers", "drift", "projection"):
        frame = pd.read_csv(run / f"{name}.csv")
        values += frame.select_dtypes("number").to_numpy(dtype=float).ravel().tolist()
    for summary in json.loads((run / "projection_summary.json").read_text())["metrics"].values():
        values += [v for v in summary.values() if isinstance(v, (int, float))]
    metrics = pd.read_csv(run / "metrics.csv", parse_dates=["as_of"])
    trajectory = pd.read_csv(run / "trajectory.csv", parse_dates=["as_of"])
    baselines = {b.metric: b.value for b in result.baselines if b.value is not None}
    values += list(baselines.values())
    for row in trajectory.itertuples():
        if row.metric in baselines:
            values += [row.actual / baselines[row.metric] - 1, row.path / row.actual - 1]
    footprint = metrics[(metrics["perimeter"] == "listed_yield")
                        & (metrics["metric"] == "carbon_footprint_tco2e_per_meur")].set_index("as_of")["value"]
    attribution = pd.read_csv(run / "attribution.csv", parse_dates=["from_date", "to_date"])
    for row in attribution[attribution["effect"] == "total"].itertuples():
        values.append(row.value / footprint[row.from_date])
    values += _contribution_figures(run, metrics["as_of"].max())
    values += _advice_figures(result)
    settings = result.settings
    values += [settings.trajectory.reduction, settings.trajectory.tolerance, settings.report.coverage_floor, 0.8]
    return np.abs(np.array([v for v in values if v is not None and np.isfinite(v)], dtype=float))


def _contribution_figures(run: Path, latest: pd.Timestamp) -> list[float]:
    """Shares and sums of the latest snapshot's lines: top issuers, sectors, asset classes, gaps, provenance."""
    lines = pd.read_csv(run / "contributions.csv", parse_dates=["as_of"], dtype={"issuer_id": str, "sector": str},
                        keep_default_na=False, na_values={"financed_emissions_tco2e": [""], "market_value_eur": [""]})
    lines = lines[lines["as_of"] == latest]
    flag = {column: lines[column].astype(str).str.lower() == "true" for column in ("listed", "covered", "eligible")}
    child = lines["parent_holding_id"].ne("") if "parent_holding_id" in lines else pd.Series(False, lines.index)
    target = lines[(lines["bucket"] == "yield") & flag["listed"]]
    covered = target[flag["covered"][target.index]]
    values: list[float] = []
    total = covered["financed_emissions_tco2e"].sum()
    by_issuer = covered.groupby("issuer_id")["financed_emissions_tco2e"].sum().sort_values(ascending=False)
    values += (by_issuer / total).tolist() + (by_issuer.cumsum() / total).tolist() + by_issuer.tolist()
    for keys in (covered["sector"].map(lambda code: sector_label(code, "fr")), covered["asset_class"]):
        grouped = covered.groupby(keys).agg(fe=("financed_emissions_tco2e", "sum"), v=("market_value_eur", "sum"))
        grouped = grouped.sort_values("fe", ascending=False)
        for part in (grouped, grouped.iloc[9:]):  # each group, and the pooled "other" beyond nine
            values += (part["fe"] / grouped["fe"].sum()).tolist() + (part["v"] / grouped["v"].sum()).tolist()
            values += [part["fe"].sum() / grouped["fe"].sum(), part["v"].sum() / grouped["v"].sum()]
    values += lines["market_value_eur"].tolist()
    warnings = pd.read_csv(run / "warnings.csv", parse_dates=["as_of"], dtype=str, keep_default_na=False)
    gaps = warnings[warnings["as_of"] == latest].merge(lines[["holding_id", "market_value_eur"]], on="holding_id")
    summary = gaps.groupby("reason").agg(count=("holding_id", "size"), value=("market_value_eur", "sum"))
    values += summary["count"].tolist() + summary["value"].tolist() + [len(gaps) - 200]
    uncovered = target[flag["eligible"][target.index] & ~flag["covered"][target.index] & ~child[target.index]]
    values += uncovered.groupby("issuer_id")["market_value_eur"].sum().tolist()
    if "lookthrough_weight" in lines:
        weights = pd.to_numeric(lines["lookthrough_weight"], errors="coerce").dropna()
        values += weights.tolist() + (1 - weights).tolist()
    estimated = lines["estimated"].astype(str).str.lower() == "true" if "estimated" in lines else \
        pd.Series(False, lines.index)
    for perimeter in (lines, lines[lines["bucket"] == "yield"], target, lines[lines["bucket"] == "strategic"]):
        own = ~child[perimeter.index]
        value = perimeter["market_value_eur"]
        is_covered, is_estimated = flag["covered"][perimeter.index], estimated[perimeter.index]
        parts = [value[own].sum(), value[own & is_covered & ~is_estimated].sum(),
                 value[~own & is_covered].sum(), value[own & is_estimated].sum()]
        values += parts + [parts[0] - parts[1] - parts[2] - parts[3]]
    return values


def _advice_figures(result: portfolio.Result) -> list[float]:
    """The rebalancing proposal's figures (Result.advice: not a file of the run)."""
    advice = result.advice
    if advice is None or advice.summary is None:
        return [] if advice is None or advice.lowest_footprint is None else [advice.target, advice.lowest_footprint]
    values = [advice.target, *[v for v in advice.summary.values() if v is not None]]
    trades = advice.trades
    return values + trades[["current_weight", "proposed_weight", "trade_eur"]].to_numpy(float).ravel().tolist()


NUMBER = {"fr": re.compile(r"(?<![\w.,/·-])[−+-]?\d{1,3}(?:[\u202f\u00a0]\d{3})*(?:,\d+)?(?![\w/])"),
          "en": re.compile(r"(?<![\w.,/·-])[−+-]?€?\d{1,3}(?:,\d{3})*(?:\.\d+)?m?(?![\w/])")}  # €12.5m
DATES = {"fr": re.compile(r"\d{1,2}(?:er)? (?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|"
                          r"novembre|décembre) \d{4}|\d{2}/\d{2}/\d{4}|(?:janvier|février|mars|avril|mai|juin|juillet|"
                          r"août|septembre|octobre|novembre|décembre) \d{4}"),
         "en": re.compile(r"\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|"
                          r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}|(?:January|February|March|"
                          r"April|May|June|July|August|September|October|November|December) \d{4}")}


def quoted_numbers(text: str, lang: str) -> list[tuple[str, float, int]]:
    """(token, absolute value, decimals shown) of each number in the text, dates, years and counts left out."""
    text = DATES[lang].sub(" ", text)
    found = []
    for token in NUMBER[lang].findall(text):
        digits = token.lstrip("−+-€").removesuffix("m")
        if lang == "fr":
            digits = digits.replace("\u202f", "").replace("\u00a0", "").replace(",", ".")
        else:
            digits = digits.replace(",", "")
        value = float(digits)
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        if decimals == 0 and (value <= 10 or 1990 <= value <= 2100):
            continue  # counts of items, section numbers, PCAF grades, years
        found.append((token, value, decimals))
    return found


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_quoted_number_comes_from_the_outputs(runs, kind: str, lang: str) -> None:
    result, run = runs[kind]
    allowed = candidates(result, run)
    text = visible_text(result, lang)
    unmatched = []
    for token, value, decimals in quoted_numbers(text, lang):
        half = 0.5 * 10.0 ** -decimals * (1 + 1e-9) + 1e-12
        if not any(np.any(np.abs(allowed * scale - value) <= half) for scale in SCALES):
            unmatched.append(token)
    assert not unmatched, f"{kind} {lang}: numbers not found in the outputs: {unmatched[:20]}"


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_one_language_only(runs, kind: str, lang: str) -> None:
    result, _ = runs[kind]
    foreign = ENGLISH_WORDS if lang == "fr" else FRENCH_WORDS
    text = visible_text(result, lang)
    assert not re.findall(r"[\w-]+/[\w/.-]+\.(?:py|md)\b", text), "a file path in the report"
    words = re.findall(r"[A-Za-zÀ-ÿ]+", text)
    found = sorted({word for word in words if word in foreign or word.lower() in foreign and len(word) > 3})
    assert not found, f"{kind} {lang}: words of the other language: {found}"


def test_unknown_baseline_is_never_read_as_zero(runs) -> None:
    # the 2019 holdings had no published issuer figures: no trajectory row, no attribution from 2019, and the
    # report's change sentences compare 2023 with 2024 only
    result, run = runs["unknown_baseline"]
    trajectory = pd.read_csv(run / "trajectory.csv")
    assert "2019-12-31" not in set(trajectory["as_of"])
    metrics = pd.read_csv(run / "metrics.csv", keep_default_na=False)
    at_baseline = metrics[(metrics["as_of"] == "2019-12-31") & (metrics["perimeter"] == "listed_yield")]
    for metric in ("financed_emissions_tco2e", "carbon_footprint_tco2e_per_meur"):
        assert at_baseline.loc[at_baseline["metric"] == metric, "value"].tolist() == [""]
    attribution = pd.read_csv(run / "attribution.csv")
    assert "2019-12-31" not in set(attribution["from_date"])
    text = visible_text(result, "fr")
    assert "depuis le 31 décembre 2019" not in text and "Sur un an (depuis le 31 décembre 2023)" in text

"""`Result.summary()`, the text `portfolio trajectory --run DIR` prints, on a run read back from its folder."""

from __future__ import annotations

from pathlib import Path

import portfolio
from portfolio.summary import _probability
from test_metrics import holdings_frame, issuers_frame


def test_status_of_a_run_without_baseline_says_how_to_get_one(tmp_path: Path) -> None:
    out = portfolio.write_run(portfolio.analyze(holdings_frame(), issuers_frame()), tmp_path / "run")
    text = portfolio.load_run(out).summary()
    assert "no trajectory" in text and "baseline_footprint" in text and "2019-12-31" in text


def test_status_lists_path_drift_and_years_ahead(tmp_path: Path) -> None:
    frozen = {"trajectory": {"baseline_footprint": 10.0, "baseline_financed_emissions": 20.0}}
    out = portfolio.write_run(portfolio.analyze(holdings_frame(), issuers_frame(), frozen), tmp_path / "run")
    lines = portfolio.load_run(out).summary().splitlines()
    # footprint 25 / 3 = 8.3 vs path 10 x (1 - 0.5 x 4 / 11.0007) = 8.2: above the path
    footprint = next(line for line in lines if line.startswith("carbon footprint"))
    assert "8.3" in footprint and "8.2" in footprint and "above path" in footprint
    assert any(line.startswith("projection: none") for line in lines)


def test_probabilities_are_never_certain() -> None:
    assert (_probability(0.999), _probability(0.004), _probability(0.5)) == ("> 99 %", "< 1 %", "50 %")


def test_an_included_baseline_snapshot_with_unknown_figures_is_not_asked_for_again() -> None:
    # the hand-worked book dated 2019-12-31: the issuers' 2022 figures are not known yet, nothing is covered
    holdings = holdings_frame().assign(as_of="2019-12-31")
    text = portfolio.analyze(holdings, issuers_frame()).summary()
    assert "the 2019-12-31 snapshot has no covered listed_yield line" in text and "baseline_footprint" in text
    assert "add the baseline snapshot" not in text

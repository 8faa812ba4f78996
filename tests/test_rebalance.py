"""Rebalancing proposals (`portfolio/rebalance/`, `portfolio/cli/rebalance.py`).

Hand-made run: four listed-yield issuers worth 1,000 EUR each, evic_eur 1e6,
scope 1 only, so each footprint I_i = E_i / 1e6 * 1e6 = E_i: I1 100, I2 200
(sector A), I3 300, I4 400 (sector B); current weights 0.25 each, footprint
(100 + 200 + 300 + 400) / 4 = 250. A strategic line and an uncovered line
stay out of the set.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pypfopt import risk_models

import portfolio
from portfolio.cli import rebalance as cmd_rebalance
from portfolio.rebalance.optimizer import Limits, SolverFailed, tracking_error
from portfolio.rebalance.inputs import book_at, limits_from_table

AS_OF = "2024-12-31"
SAMPLE_AS_OF = "2024-12-31"
LIMITS_TOML = """\
[rebalance]
max_weight = 0.4
max_sector_deviation = 0.1
turnover_cap = 0.5
exclude_issuers = ["I4"]
"""
SLACK = 1e-7  # solver accuracy on weights and sums


def _hand_inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The hand-made holdings and issuers described in the module docstring."""
    holdings = pd.DataFrame({
        "as_of": AS_OF, "holding_id": ["H1", "H2", "H3", "H4", "S1", "U1"],
        "issuer_id": ["I1", "I2", "I3", "I4", "I1", ""],
        "bucket": ["yield"] * 4 + ["strategic", "yield"],
        "asset_class": ["listed_equity"] * 4 + ["unlisted_equity", "listed_equity"],
        "listed": ["true"] * 4 + ["false", "true"], "market_value_eur": [1000.0] * 4 + [5000.0, 700.0]})
    issuers = pd.DataFrame({
        "issuer_id": ["I1", "I2", "I3", "I4"], "year": 2023, "scope1_tco2e": [100.0, 200.0, 300.0, 400.0],
        "scope2_tco2e": 0.0, "scope3_tco2e": 0.0, "evic_eur": 1e6, "revenue_eur": [1e6, 2e6, 1e6, 4e6],
        "sector": ["A", "A", "B", "B"]})
    return holdings, issuers


@pytest.fixture(scope="module")
def hand_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made run folder."""
    holdings, issuers = _hand_inputs()
    settings = {"trajectory": {"baseline_footprint": 400.0, "baseline_financed_emissions": 1.0}}
    return portfolio.write_run(portfolio.analyze(holdings, issuers, settings), tmp_path_factory.mktemp("hand") / "run")


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample as a run folder, made once for the module."""
    return portfolio.write_run(portfolio.analyze(), tmp_path_factory.mktemp("sample") / "run")


@pytest.fixture(scope="module")
def sample_prices(sample_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seeded monthly prices (36 months, one market factor plus noise) for the sample's issuers."""
    issuers = book_at(portfolio.load_run(sample_run), pd.Timestamp(SAMPLE_AS_OF)).issuer_id
    rng = np.random.default_rng(7)
    dates = pd.date_range("2022-01-31", periods=36, freq="ME")
    market = rng.normal(0.005, 0.04, (len(dates), 1))
    returns = market * rng.uniform(0.5, 1.5, len(issuers)) + rng.normal(0, 0.05, (len(dates), len(issuers)))
    prices = pd.DataFrame(100 * np.exp(np.cumsum(returns, axis=0)), index=dates, columns=issuers)
    long = prices.stack().rename("price").rename_axis(["date", "issuer_id"]).reset_index()
    path = tmp_path_factory.mktemp("prices") / "prices.csv"
    long.assign(date=long["date"].dt.strftime("%Y-%m-%d")).to_csv(path, index=False)
    return path


def _rebalance(run_cli, run: Path, out: Path, *extra: object):
    """`portfolio rebalance` on `run` into `out`."""
    return run_cli(["rebalance", "--run", run, "--out", out, *extra])


def _check_constraints(run: Path, out: Path, limits: Limits, target: float) -> pd.DataFrame:
    """Assert the proposal in `out` meets the target and every limit; return rebalance.csv."""
    table = pd.read_csv(out / "rebalance.csv", dtype={"issuer_id": str})
    book = book_at(portfolio.load_run(run), pd.Timestamp(AS_OF))
    assert list(table["issuer_id"]) == sorted(table["issuer_id"]) == list(book.issuer_id)
    w, w0 = table["proposed_weight"].to_numpy(), table["current_weight"].to_numpy()
    assert w.sum() == pytest.approx(1.0, abs=1e-12) and (w >= 0).all()
    assert w @ book.intensity_tco2e_per_meur <= target * (1 + 1e-9)
    assert (w <= np.maximum(w0, limits.max_weight) + SLACK).all()
    excluded = np.isin(book.issuer_id, limits.exclude_issuers) | np.isin(book.sector, limits.exclude_sectors)
    assert (w[excluded] == 0).all()
    sectors = pd.DataFrame({"sector": book.sector, "d": w - w0}).groupby("sector")["d"].sum()
    banded = sectors.drop(list(limits.exclude_sectors), errors="ignore")
    assert (banded.abs() <= limits.max_sector_deviation + SLACK).all()
    assert np.abs(w - w0).sum() / 2 <= limits.turnover_cap + SLACK
    assert table["proposed_value_eur"].sum() == pytest.approx(table["current_value_eur"].sum(), rel=1e-12)
    assert np.allclose(table["trade_eur"], table["proposed_value_eur"] - table["current_value_eur"])
    summary = json.loads((out / "summary.json").read_text())
    assert summary["footprint_after"] == pytest.approx(w @ book.intensity_tco2e_per_meur)
    assert summary["turnover"] == pytest.approx(np.abs(w - w0).sum() / 2)
    return table


def test_hand_case_meets_target_and_limits(hand_run: Path, tmp_path: Path, run_cli) -> None:
    config = tmp_path / "settings.toml"
    config.write_text(LIMITS_TOML)
    result = _rebalance(run_cli, hand_run, tmp_path / "out", "--as-of", AS_OF, "--target", "220", "--config", config)
    assert result.code == 0, result.stderr
    table = _check_constraints(hand_run, tmp_path / "out", limits_from_table(
        {"max_weight": 0.4, "max_sector_deviation": 0.1, "turnover_cap": 0.5, "exclude_issuers": ["I4"]}, "t"), 220)
    assert list(table["current_weight"]) == [0.25] * 4  # the strategic and uncovered lines stay out
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    # before: footprint 250; WACI (all four have revenue) = (100/1 + 200/2 + 300/1 + 400/4) / 4 = 150
    assert summary["footprint_before"] == pytest.approx(250.0)
    assert summary["waci_before"] == pytest.approx(150.0)
    assert summary["tracking_error_before"] is None and summary["tracking_error_after"] is None
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "frontier.csv", "frontier.html", "rebalance.csv", "summary.json"]


def test_infeasible_target_exits_3_with_the_reachable_minimum(hand_run: Path, tmp_path: Path, run_cli) -> None:
    # I4 excluded; sector B must stay >= 0.5 - 0.1 = 0.4, all on I3 (cap 0.4): I3 = 0.4;
    # sector A <= 0.6: I1 at its cap 0.4, I2 0.2. Minimum = 0.4*100 + 0.2*200 + 0.4*300 = 200
    # (turnover (0.15 + 0.05 + 0.15 + 0.25) / 2 = 0.3 <= 0.5).
    config = tmp_path / "settings.toml"
    config.write_text(LIMITS_TOML)
    result = _rebalance(run_cli, hand_run, tmp_path / "out", "--as-of", AS_OF, "--target", "190", "--config", config)
    assert result.code == 3
    assert len(result.lines) == 1 and "lowest footprint reachable under the constraints is 200 " in result.lines[0]
    assert not (tmp_path / "out").exists()


def test_target_already_met_means_no_trade(hand_run: Path, tmp_path: Path, run_cli) -> None:
    result = _rebalance(run_cli, hand_run, tmp_path / "out", "--as-of", AS_OF, "--target", "260")
    assert result.code == 0, result.stderr
    table = pd.read_csv(tmp_path / "out" / "rebalance.csv")
    assert (table["proposed_weight"] == table["current_weight"]).all() and (table["trade_eur"] == 0).all()
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["turnover"] == 0


def test_sample_run_meets_target_and_limits(sample_run: Path, tmp_path: Path, run_cli) -> None:
    result = _rebalance(run_cli, sample_run, tmp_path / "out", "--as-of", SAMPLE_AS_OF, "--target", "200")
    assert result.code == 0, result.stderr
    _check_constraints(sample_run, tmp_path / "out", Limits(), 200.0)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    metrics = pd.read_csv(sample_run / "metrics.csv")
    reported = metrics[(metrics["as_of"] == SAMPLE_AS_OF) & (metrics["perimeter"] == "listed_yield")
                       & (metrics["metric"] == "carbon_footprint_tco2e_per_meur")]["value"].iloc[0]
    assert summary["footprint_before"] == pytest.approx(reported, rel=1e-12)  # same figure as metrics.csv
    assert summary["footprint_after"] <= 200.0 * (1 + 1e-9) and summary["turnover"] > 0


def test_sample_default_target_is_the_path_and_already_met(sample_run: Path, tmp_path: Path, run_cli) -> None:
    trajectory = pd.read_csv(sample_run / "trajectory.csv")
    path = trajectory[(trajectory["as_of"] == SAMPLE_AS_OF)
                      & (trajectory["metric"] == "carbon_footprint_tco2e_per_meur")]["path"].iloc[0]
    assert _rebalance(run_cli, sample_run, tmp_path / "out", "--as-of", SAMPLE_AS_OF).code == 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["target"] == path and summary["footprint_before"] < path and summary["turnover"] == 0


def test_frontier_is_monotone(sample_run: Path, tmp_path: Path, run_cli) -> None:
    assert _rebalance(run_cli, sample_run, tmp_path / "out", "--as-of", SAMPLE_AS_OF, "--target", "200").code == 0
    frontier = pd.read_csv(tmp_path / "out" / "frontier.csv")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert list(frontier.columns) == ["target_footprint", "tracking_error"] and len(frontier) == 10
    assert frontier["target_footprint"].iloc[0] == pytest.approx(summary["lowest_footprint"])
    assert frontier["target_footprint"].iloc[-1] == pytest.approx(summary["footprint_before"])
    assert frontier["target_footprint"].is_monotonic_increasing
    assert frontier["tracking_error"].is_monotonic_decreasing and frontier["tracking_error"].iloc[-1] == 0
    html = (tmp_path / "out" / "frontier.html").read_text()
    assert 'id="rebalance-frontier"' in html and html.count("* plotly.js v") == 1  # inlined
    assert "<script src" not in html and "cdn.plot.ly/plotly" not in html


def test_prices_give_ledoit_wolf_tracking_error(sample_run: Path, sample_prices: Path, tmp_path: Path,
                                               run_cli) -> None:
    with_prices, without = tmp_path / "with", tmp_path / "without"
    common = ["--as-of", SAMPLE_AS_OF, "--target", "200"]
    assert _rebalance(run_cli, sample_run, with_prices, *common, "--prices", sample_prices).code == 0
    assert _rebalance(run_cli, sample_run, without, *common).code == 0
    _check_constraints(sample_run, with_prices, Limits(), 200.0)
    long = pd.read_csv(sample_prices, dtype={"issuer_id": str}, parse_dates=["date"])
    prices = long.pivot(index="date", columns="issuer_id", values="price")
    covariance = risk_models.CovarianceShrinkage(prices, frequency=12).ledoit_wolf().to_numpy()
    proposed = pd.read_csv(with_prices / "rebalance.csv")
    plain = pd.read_csv(without / "rebalance.csv")
    w0 = proposed["current_weight"].to_numpy()
    after = tracking_error(proposed["proposed_weight"].to_numpy(), w0, covariance)
    summary = json.loads((with_prices / "summary.json").read_text())
    assert summary["tracking_error_before"] == 0 and summary["tracking_error_after"] == pytest.approx(after)
    assert 0 < after <= tracking_error(plain["proposed_weight"].to_numpy(), w0, covariance) * (1 + 1e-6)


def test_bad_limits_exit_2_in_contract_style(hand_run: Path, tmp_path: Path, run_cli) -> None:
    config = tmp_path / "settings.toml"
    config.write_text("[rebalance]\nmax_weight = 1.5\nexclude_sectors = 'C20'\n")
    result = _rebalance(run_cli, hand_run, tmp_path / "out", "--as-of", AS_OF, "--config", config)
    assert result.code == 2
    assert result.lines == [
        "settings.toml: key rebalance.max_weight: got '1.5'; expected a share in (0, 1]",
        "settings.toml: key rebalance.exclude_sectors: got 'C20'; expected a list of strings"]


def test_solver_failure_is_one_line_exit_1(hand_run: Path, tmp_path: Path, run_cli,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: object) -> None:
        raise SolverFailed("CLARABEL stopped with status numerical_error")

    monkeypatch.setattr(cmd_rebalance.Rebalancer, "propose", fail)
    result = _rebalance(run_cli, hand_run, tmp_path / "out", "--as-of", AS_OF, "--target", "220")
    assert result.code == 1 and len(result.lines) == 1 and "Traceback" not in result.stderr

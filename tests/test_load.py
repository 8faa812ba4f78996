"""`load_run`: a run folder read back through the declared output schema (`portfolio/audit/load.py`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import portfolio
from test_metrics import holdings_frame, issuers_frame

FROZEN = {"trajectory": {"baseline_footprint": 10.0, "baseline_financed_emissions": 20.0}}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[portfolio.Result, Path]:
    result = portfolio.analyze(holdings_frame(), issuers_frame(), FROZEN)
    return result, portfolio.write_run(result, tmp_path_factory.mktemp("run") / "run")


def test_every_frame_reads_back_with_the_figures_written(written: tuple[portfolio.Result, Path]) -> None:
    result, folder = written
    loaded = portfolio.load_run(folder)
    pd.testing.assert_frame_equal(loaded.metrics, result.metrics, check_dtype=False)
    pd.testing.assert_frame_equal(loaded.trajectory, result.trajectory, check_dtype=False)
    assert list(loaded.contributions.columns) == list(result.contributions.columns)
    # the footprint of the hand-worked book: 25 t / 3 MEUR covered
    assert loaded.latest("listed_yield", portfolio.names.FOOTPRINT) == pytest.approx(25 / 3, rel=1e-15)
    assert loaded.settings == result.settings and loaded.baselines == result.baselines
    assert loaded.summary() == result.summary()


def test_a_value_of_the_wrong_kind_names_file_row_and_column(written: tuple[portfolio.Result, Path],
                                                             tmp_path: Path) -> None:
    _, folder = written
    forged = tmp_path / "forged"
    forged.mkdir()
    for path in folder.iterdir():
        if path.is_file():
            (forged / path.name).write_bytes(path.read_bytes())
    lines = (forged / "metrics.csv").read_text(encoding="utf-8").splitlines()
    fields = lines[2].split(",")
    lines[2] = ",".join([*fields[:3], "abc"])
    (forged / "metrics.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(portfolio.InputError) as raised:
        portfolio.load_run(forged)
    assert raised.value.lines()[0] == f"{forged / 'metrics.csv'}: row 3, column value: got 'abc'; expected a number"


def test_a_folder_that_is_not_a_run_is_refused(tmp_path: Path) -> None:
    with pytest.raises(portfolio.InputError, match="no manifest.json"):
        portfolio.load_run(tmp_path)

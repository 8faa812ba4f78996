"""The run folder: contract CSV format, byte-identical reruns, manifest hashes, atomic writing."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import portfolio
from portfolio.audit.manifest import sha256_file
from reports.csv_files import Repeated, _once_per_key, _to_arrow, format_csv, write_csv
from test_metrics import holdings_frame, issuers_frame

CONTRACT_OUTPUTS = ["contributions.csv", "manifest.json", "metrics.csv", "pai.csv", "trajectory.csv",
                    "warnings.csv"]
TRAJECTORY_OUTPUTS = ["attribution.csv", "attribution_issuers.csv", "drift.csv", "projection.csv",
                      "projection_summary.json"]
OUTPUTS = sorted(CONTRACT_OUTPUTS + TRAJECTORY_OUTPUTS)


@pytest.fixture(scope="module")
def result() -> portfolio.Result:
    return portfolio.analyze(holdings_frame(), issuers_frame())


def test_csv_format_is_the_contracts() -> None:
    frame = pd.DataFrame({
        "as_of": pd.to_datetime(["2023-12-31", "2024-01-31"]).astype("datetime64[s]"),
        "name": ['Crédit & Santé, "SA"', "line\nbreak"], "value": [0.1, np.nan],
        "flag": [True, False], "year": pd.array([2022, None], dtype="Int64"), "empty": ["", "x"],
    })
    assert format_csv(frame).decode("utf-8") == (
        "as_of,name,value,flag,year,empty\n"
        '2023-12-31,"Crédit & Santé, ""SA""",0.1,true,2022,\n'
        '2024-01-31,"line\nbreak",,false,,x\n'
    )


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_read_back_to_the_same_double(number: float) -> None:
    text = format_csv(pd.DataFrame({"x": [number]})).decode().splitlines()[1]
    assert float(text) == number and "np." not in text
    assert math.copysign(1, float(text)) == math.copysign(1, number)


RUN = Repeated(key="row", first="year", last="figure")


def record_figures(keys: list[int | None], figures: dict[int, float]) -> pd.DataFrame:
    """Lines that each repeat their record's figures (as contributions.csv repeats an issuer record's)."""
    return pd.DataFrame({
        "id": [f"H{i}" for i in range(len(keys))],
        "year": pd.array([None if key is None else 2000 + key for key in keys], dtype="Int64"),
        "source": pd.Categorical([None if key is None else f"src, {key % 3}" for key in keys]),
        "figure": [np.nan if key is None else figures[key] for key in keys],
        "row": pd.array(keys, dtype="Int64"),
    })


def rendered(frame: pd.DataFrame, repeated: Repeated | None, chunk_rows: int = 3) -> bytes:
    buffer = io.BytesIO()
    write_csv(frame, buffer, chunk_rows=chunk_rows, repeated=repeated)
    return buffer.getvalue()


@given(st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=1, max_size=30),
       st.dictionaries(st.integers(0, 5), st.floats(allow_infinity=False), min_size=6, max_size=6))
def test_a_repeated_run_is_rendered_once_per_key_to_the_same_bytes(keys, figures) -> None:
    frame = record_figures(keys, figures)
    assert _once_per_key(frame["row"], _to_arrow(frame.loc[:, "year":"figure"])) is not None
    assert rendered(frame, RUN) == rendered(frame, None)


def test_a_line_that_differs_from_its_key_is_rendered_as_it_is() -> None:
    frame = record_figures([1, 2, 1, 1], {1: 0.0, 2: 2.5})
    frame.loc[2, "figure"] = -0.0  # equal to 0.0, yet written "-0": the run is not shared
    assert _once_per_key(frame["row"], _to_arrow(frame.loc[:, "year":"figure"])) is None
    assert rendered(frame, RUN).decode().splitlines()[1:] == [
        'H0,2001,"src, 1",0,1', 'H1,2002,"src, 2",2.5,2', 'H2,2001,"src, 1",-0,1', 'H3,2001,"src, 1",0,1']


def test_reruns_are_byte_identical(tmp_path: Path, result: portfolio.Result) -> None:
    first = portfolio.write_run(result, tmp_path / "a")
    second = portfolio.write_run(portfolio.analyze(holdings_frame(), issuers_frame()), tmp_path / "b")
    for name in OUTPUTS:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_manifest_records_settings_inputs_and_output_hashes(tmp_path: Path, result: portfolio.Result) -> None:
    out = portfolio.write_run(result, tmp_path / "run")
    assert sorted(p.name for p in out.iterdir()) == sorted([*OUTPUTS, "run.json"])  # run-time facts, unhashed
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["package_version"] == portfolio.__version__
    assert manifest["methodology_version"] == portfolio.METHODOLOGY_VERSION
    assert manifest["settings"]["trajectory"]["reduction"] == 0.5
    assert [i["role"] for i in manifest["inputs"]] == ["holdings", "issuers"]
    for name, digest in manifest["outputs"].items():
        assert sha256_file(out / name) == digest
    assert set(manifest["outputs"]) == set(OUTPUTS) - {"manifest.json"}


def test_outputs_use_lf_utf8_without_bom_and_sorted_keys(tmp_path: Path, result: portfolio.Result) -> None:
    out = portfolio.write_run(result, tmp_path / "run")
    metrics = (out / "metrics.csv").read_bytes()
    assert not metrics.startswith(b"\xef\xbb\xbf") and b"\r" not in metrics
    frame = pd.read_csv(out / "metrics.csv", keep_default_na=False, dtype=str)
    keys = list(zip(frame["as_of"], frame["perimeter"], frame["metric"]))
    assert keys == sorted(keys)
    assert (frame["value"] != "0").any() and "nan" not in set(frame["value"].str.lower())


def test_existing_out_is_refused_then_replaced_with_force(tmp_path: Path, result: portfolio.Result) -> None:
    out = tmp_path / "run"
    out.mkdir()
    (out / "old.txt").write_text("previous run")
    with pytest.raises(portfolio.InputError):
        portfolio.write_run(result, out)
    with pytest.raises(portfolio.InputError):  # --force replaces only a run folder
        portfolio.write_run(result, out, force=True)
    assert [p.name for p in out.iterdir()] == ["old.txt"]
    (out / "old.txt").unlink()
    portfolio.write_run(result, out)
    (out / "metrics.csv").write_text("previous run")
    portfolio.write_run(result, out, force=True)
    assert (out / "metrics.csv").read_text() != "previous run"
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # no temporary sibling left


def test_failed_write_leaves_nothing(tmp_path: Path, result: portfolio.Result) -> None:
    def broken(_result: portfolio.Result, _path: Path) -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        portfolio.write_run(result, tmp_path / "run", extra_writers={"report.html": broken})
    assert list(tmp_path.iterdir()) == []

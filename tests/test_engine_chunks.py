"""The engine walks a book in chunks of whole snapshots: the chunking, the store and the stream change no byte.

A large book never sits in memory as one frame: Parquet files in date order
are read as the engine walks them (`PositionStream`), any other large book
goes through DuckDB on disk (`PositionStore`), and the contribution rows are
written as they are computed. The chunk size (`CHUNK_ROWS`, lowered here so
that the bundled sample makes many chunks) must be invisible in every output.
"""

from __future__ import annotations

import filecmp
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings, strategies as st

import holdings.snapshot_chunks as snapshot_chunks
import portfolio
from holdings import InputError, read_holdings
from holdings.spill import PositionStore
from holdings.stream import PositionStream
from portfolio.audit.rundir import analyze_into
from portfolio.run import sample_extensions, sample_paths

EXTENSIONS = sample_extensions()


@pytest.fixture(scope="module")
def sample_positions() -> pd.DataFrame:
    """The sample's validated holdings as a typed frame (what a back office would export to Parquet)."""
    positions, _ = read_holdings([sample_paths()[0]], {}, {})
    frame = positions.drop(columns=["source_file", "source_row"])
    frame["as_of"] = frame["as_of"].dt.date
    return frame


def write_parquet(frame: pd.DataFrame, path: Path, order: np.ndarray | None = None, group_rows: int = 1000) -> Path:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table if order is None else table.take(order), path, row_group_size=group_rows)
    return path


def run_folder(out: Path, holdings: Path | None, chunk_rows: int | None, monkeypatch: pytest.MonkeyPatch,
               reports: bool = True) -> Path:
    """A run folder as the command line writes it, with `CHUNK_ROWS` set to `chunk_rows` (None: as shipped)."""
    with monkeypatch.context() as patch:
        if chunk_rows is not None:
            patch.setattr(snapshot_chunks, "CHUNK_ROWS", chunk_rows)
        sources = {} if holdings is None else {"holdings": holdings, "issuers": sample_paths()[1], **EXTENSIONS}
        writers = {}
        if reports:
            from portfolio.audit.report_files import REPORT_WRITERS
            writers = REPORT_WRITERS
        analyze_into(out, lambda sink: portfolio.analyze(**sources, contributions_sink=sink,
                                                         keep_contributions=reports),
                     extra_writers=writers)
    return out


def differing(first: Path, second: Path) -> list[str]:
    """Files of two run folders whose bytes differ (run.json holds the time and is left out)."""
    names = sorted(path.relative_to(first).as_posix() for path in first.rglob("*") if path.is_file())
    assert names == sorted(path.relative_to(second).as_posix() for path in second.rglob("*") if path.is_file())
    return [name for name in names if name != "run.json" and not filecmp.cmp(first / name, second / name,
                                                                               shallow=False)]


@pytest.fixture(scope="module")
def whole_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's run folder computed in one chunk."""
    with pytest.MonkeyPatch.context() as patch:
        return run_folder(tmp_path_factory.mktemp("whole") / "run", None, None, patch)


def test_many_small_chunks_write_the_same_bytes(whole_sample: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    chunked = run_folder(tmp_path / "run", None, 500, monkeypatch)  # one snapshot a chunk, rows spilled to disk
    assert differing(whole_sample, chunked) == []


@pytest.mark.parametrize("order", ["sorted", "permuted"])
def test_large_parquet_books_stream_or_store_and_write_the_same_bytes(order, sample_positions, tmp_path,
                                                                      monkeypatch):
    rows = np.arange(len(sample_positions))
    if order == "permuted":
        rows = np.random.default_rng(5).permutation(rows)
    else:
        rows = np.argsort(sample_positions["as_of"].to_numpy(), kind="stable")
    path = write_parquet(sample_positions, tmp_path / "holdings.parquet", rows)
    whole = run_folder(tmp_path / "whole", path, None, monkeypatch)
    chunked = run_folder(tmp_path / "chunked", path, 3000, monkeypatch)
    assert differing(whole, chunked) == []
    monkeypatch.setattr(snapshot_chunks, "CHUNK_ROWS", 3000)
    positions, _ = read_holdings([path], {}, {})
    assert isinstance(positions, PositionStream if order == "sorted" else PositionStore)
    assert sum(len(chunk) for chunk in positions.chunks()) == len(sample_positions)


def test_a_run_without_reports_keeps_no_rows_yet_writes_them(sample_positions, tmp_path, monkeypatch):
    path = write_parquet(sample_positions, tmp_path / "holdings.parquet")
    whole = run_folder(tmp_path / "whole", path, None, monkeypatch, reports=False)
    dropped = run_folder(tmp_path / "dropped", path, 3000, monkeypatch, reports=False)
    with monkeypatch.context() as patch:
        patch.setattr(snapshot_chunks, "CHUNK_ROWS", 3000)
        result = portfolio.analyze(path, sample_paths()[1], **EXTENSIONS, contributions_sink=lambda chunk: None,
                                   keep_contributions=False)
    with pytest.raises(ValueError, match="not kept"):
        result.contributions  # noqa: B018 - the rows went to the writer only
    assert differing(whole, dropped) == []


def test_no_temporary_folder_outlives_its_run(sample_positions, tmp_path, monkeypatch):
    path = write_parquet(sample_positions, tmp_path / "holdings.parquet",
                         np.random.default_rng(1).permutation(len(sample_positions)))
    def spills() -> set[Path]:
        folder = Path(tempfile.gettempdir())
        return {*folder.glob("portfolio-contributions-*"), *folder.glob("portfolio-positions-*")}

    before = spills()
    monkeypatch.setattr(snapshot_chunks, "CHUNK_ROWS", 2000)
    result = portfolio.analyze(path, sample_paths()[1], **EXTENSIONS)
    assert len(result.contributions) > 2000
    del result
    import gc
    gc.collect()
    assert spills() == before


def test_streamed_file_reports_its_problems_as_the_whole_file_would(sample_positions, tmp_path, monkeypatch):
    frame = sample_positions.copy()
    frame.loc[2500, "bucket"] = "rendement??"
    not_cash = frame.index[(frame["asset_class"] != "cash") & (frame.index > 7000)][0]
    frame.loc[not_cash, "market_value_eur"] = -5.0
    frame.loc[9000, "holding_id"] = frame.loc[8999, "holding_id"]
    frame.loc[9000, "as_of"] = frame.loc[8999, "as_of"]
    path = write_parquet(frame, tmp_path / "holdings.parquet", np.argsort(frame["as_of"].to_numpy(), kind="stable"))
    with pytest.raises(InputError) as whole:
        read_holdings([path], {}, {})
    monkeypatch.setattr(snapshot_chunks, "CHUNK_ROWS", 3000)
    positions, _ = read_holdings([path], {}, {})
    with pytest.raises(InputError) as streamed:
        list(positions.chunks())
    assert [str(problem) for problem in streamed.value.problems] == [str(problem) for problem in whole.value.problems]
    assert len(whole.value.problems) == 2  # cells first: the repeated id is reported once the cells are right


def test_streamed_and_stored_books_report_repeated_ids_as_the_whole_book_would(sample_positions, tmp_path,
                                                                                monkeypatch):
    frame = sample_positions.copy()
    for later, earlier in ((9000, 8999), (12000, 11000)):
        frame.loc[later, ["holding_id", "as_of"]] = frame.loc[earlier, ["holding_id", "as_of"]].to_numpy()
    order = np.argsort(frame["as_of"].to_numpy(), kind="stable")
    for name, rows in (("sorted", order), ("permuted", np.random.default_rng(2).permutation(len(frame)))):
        path = write_parquet(frame, tmp_path / f"{name}.parquet", rows)
        with monkeypatch.context() as patch:
            patch.setattr(snapshot_chunks, "CHUNK_ROWS", 10**9)
            with pytest.raises(InputError) as whole:
                read_holdings([path], {}, {})
            patch.setattr(snapshot_chunks, "CHUNK_ROWS", 3000)
            positions, _ = read_holdings([path], {}, {})
            with pytest.raises(InputError) as chunked:
                list(positions.chunks())
        assert [str(p) for p in chunked.value.problems] == [str(p) for p in whole.value.problems], name
        assert len(whole.value.problems) == 2 and "a unique as_of + holding_id" in str(whole.value.problems[0])


def test_an_overflow_names_the_same_cell_with_or_without_kept_rows(sample_positions, tmp_path, monkeypatch):
    frame = sample_positions.copy()
    late = frame["as_of"] == frame["as_of"].max()
    frame.loc[late[late].index[:2], "market_value_eur"] = 1.5e308  # two finite values whose sum is infinite
    path = write_parquet(frame, tmp_path / "holdings.parquet")
    messages = []
    for keep in (True, False):
        with monkeypatch.context() as patch:
            patch.setattr(snapshot_chunks, "CHUNK_ROWS", 3000)
            with pytest.raises(InputError) as error:
                portfolio.analyze(path, sample_paths()[1], **EXTENSIONS, contributions_sink=lambda chunk: None,
                                  keep_contributions=keep)
        messages.append(str(error.value))
    with pytest.raises(InputError) as whole:
        portfolio.analyze(path, sample_paths()[1], **EXTENSIONS)
    assert messages == [str(whole.value)] * 2
    assert "market_value_eur" in messages[0] and "infinite" in messages[0]


@settings(max_examples=12, deadline=None)
@given(chunk_rows=st.integers(min_value=1, max_value=400), seed=st.integers(min_value=0, max_value=2**16))
def test_chunk_size_never_changes_a_figure(chunk_rows: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2022-01-31", periods=8, freq="ME")
    count = 300
    positions = pd.DataFrame({
        "as_of": rng.choice(dates.to_numpy(), count), "holding_id": [f"H{i}" for i in range(count)],
        "issuer_id": [f"I{i}" for i in rng.integers(0, 30, count)],
        "bucket": rng.choice(["yield", "strategic"], count), "asset_class": rng.choice(
            ["listed_equity", "corporate_bond", "cash"], count), "listed": rng.random(count) < 0.6,
        "market_value_eur": rng.lognormal(12, 2, count)})
    issuers = pd.DataFrame({
        "issuer_id": [f"I{i}" for i in range(30)], "year": 2021, "scope1_tco2e": rng.lognormal(8, 2, 30),
        "scope2_tco2e": rng.lognormal(6, 2, 30), "scope3_tco2e": rng.lognormal(9, 2, 30),
        "evic_eur": rng.lognormal(20, 1, 30), "revenue_eur": rng.lognormal(19, 1, 30)})
    whole = portfolio.analyze(positions, issuers)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(snapshot_chunks, "CHUNK_ROWS", chunk_rows)
        chunked = portfolio.analyze(positions, issuers)
    for name in ("metrics", "attribution", "attribution_issuers", "warnings", "trajectory", "pai"):
        pd.testing.assert_frame_equal(getattr(chunked, name), getattr(whole, name), check_exact=True, obj=name)
    pd.testing.assert_frame_equal(chunked.contributions, whole.contributions, check_exact=True)

"""`portfolio verify`: a run folder re-runs from its own copies to the same bytes, and any change is named.

The book is the hand-computed one of test_metrics.py, written as CSV files
(one snapshot, 2023-12-31); in metrics.csv its row 5 is
`2023-12-31,listed_yield,coverage_ratio,0.6` (listed yield: covered
H1 + H2 = 3 M EUR of V = 5 M EUR: 3 / 5 = 0.6).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import portfolio
from portfolio.cli import main
from portfolio.audit.manifest import json_bytes, run_id
from portfolio.audit.verify import csv_differences, verify_run
from test_metrics import holdings_frame, issuers_frame


def write_book(folder: Path, as_of: str = "2023-12-31", h1_value: float = 2_000_000,
               name: str = "holdings.csv") -> tuple[Path, Path]:
    """The test_metrics book as CSV files dated `as_of`, H1 worth `h1_value`; (holdings, issuers)."""
    folder.mkdir(parents=True, exist_ok=True)
    holdings = holdings_frame().assign(as_of=as_of)
    holdings.loc[holdings["holding_id"] == "H1", "market_value_eur"] = h1_value
    holdings.to_csv(folder / name, index=False)
    issuers_frame().to_csv(folder / "issuers.csv", index=False)
    return folder / name, folder / "issuers.csv"


@pytest.fixture
def run_dir(tmp_path: Path, run_cli: Callable) -> Path:
    holdings, issuers = write_book(tmp_path / "in")
    assert run_cli(["analyze", "--holdings", holdings, "--issuers", issuers, "--out", tmp_path / "run",
                    "--no-report", "--quiet"]).code == 0
    return tmp_path / "run"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def verify_cli(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`portfolio verify FOLDER --quiet`: exit status and stdout."""
    capsys.readouterr()
    code = main(["verify", str(folder), "--quiet"])
    return code, capsys.readouterr().out


def test_an_untouched_run_verifies(run_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = verify_cli(run_dir, capsys)
    assert code == 0 and "all 10 output files match the re-run" in out


def test_one_digit_in_metrics_fails_naming_file_row_and_figure(run_dir: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    edit(run_dir / "metrics.csv", "2023-12-31,listed_yield,coverage_ratio,0.6\n",
         "2023-12-31,listed_yield,coverage_ratio,0.7\n")
    code, out = verify_cli(run_dir, capsys)
    assert code == 1
    assert out.splitlines()[:3] == [
        "metrics.csv: differs from the re-run",
        "  row 5 (2023-12-31, listed_yield, coverage_ratio), column value: expected '0.6', found '0.7'",
        "  1 row differs in all",
    ]


def test_one_digit_in_contributions_fails_naming_the_holding(run_dir: Path) -> None:
    # H2: 1 000 000 EUR of B (EVIC 40 M, E = 200 t): 1 / 40 * 200 = 5 t financed.
    lines = (run_dir / "contributions.csv").read_text().splitlines()
    header = lines[0].split(",")
    row = next(i for i, line in enumerate(lines) if line.startswith("2023-12-31,H2,"))
    cells = lines[row].split(",")
    assert cells[header.index("financed_emissions_tco2e")] == "5"
    cells[header.index("financed_emissions_tco2e")] = "6"
    lines[row] = ",".join(cells)
    (run_dir / "contributions.csv").write_text("\n".join(lines) + "\n")

    verification = verify_run(run_dir)
    assert [f.file for f in verification.findings] == ["contributions.csv"]
    assert verification.findings[0].details[0] == (
        f"row {row + 1} (2023-12-31, H2), column financed_emissions_tco2e: expected '5', found '6'")


def test_a_changed_json_output_is_named_by_key(run_dir: Path) -> None:
    summary = json.loads((run_dir / "projection_summary.json").read_text())
    summary["minimum_snapshots"] += 1
    (run_dir / "projection_summary.json").write_text(json.dumps(summary))
    findings = verify_run(run_dir).findings
    assert [f.file for f in findings] == ["projection_summary.json"]
    assert findings[0].details[0].startswith("minimum_snapshots: expected ")


def test_the_recorded_settings_are_the_ones_rerun(run_dir: Path) -> None:
    # Scopes 1+2 only: H2 finances 1 / 40 * (20 + 10) = 0.75 t instead of 5 t; the figures show it.
    manifest = json.loads((run_dir / "manifest.json").read_text())
    manifest["settings"]["scopes"] = [1, 2]
    (run_dir / "manifest.json").write_bytes(json_bytes(manifest))
    differing = {f.file for f in verify_run(run_dir).findings}
    assert {"metrics.csv", "contributions.csv"} <= differing


def test_an_altered_input_copy_fails_before_any_rerun(run_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = run_dir / "inputs" / "holdings.csv.gz"
    text = gzip.decompress(copy.read_bytes()).decode().replace("2000000", "2000001")
    copy.write_bytes(gzip.compress(text.encode(), mtime=0))
    code, out = verify_cli(run_dir, capsys)
    assert code == 1
    assert "inputs/holdings.csv.gz: does not match the SHA-256 recorded for input holdings.csv" in out


def test_csv_differences_name_the_header_and_missing_rows(tmp_path: Path) -> None:
    (tmp_path / "expected").mkdir()
    (tmp_path / "found").mkdir()
    (tmp_path / "expected" / "pai.csv").write_text("year,perimeter,metric,value\n2023,total,m,1.5\n2024,total,m,2\n")
    (tmp_path / "found" / "pai.csv").write_text("year,perimeter,metric,VALUE\n2023,total,m,1.5\n")
    assert csv_differences(tmp_path / "expected" / "pai.csv", tmp_path / "found" / "pai.csv") == [
        "row 1 (header), column value: expected 'value', found 'VALUE'",
        "row 3: missing",
        "2 rows differ in all; 3 rows expected, 2 found",
    ]


def test_a_missing_output_fails(run_dir: Path) -> None:
    (run_dir / "pai.csv").unlink()
    assert [(f.file, f.problem) for f in verify_run(run_dir).findings] == [("pai.csv", "missing from the run folder")]


def test_two_analyses_of_the_same_inputs_give_the_same_hashes(tmp_path: Path, run_dir: Path,
                                                              run_cli: Callable) -> None:
    holdings, issuers = tmp_path / "in" / "holdings.csv", tmp_path / "in" / "issuers.csv"
    assert run_cli(["analyze", "--holdings", holdings, "--issuers", issuers, "--out", tmp_path / "again",
                    "--no-report", "--quiet"]).code == 0
    first, second = (json.loads((folder / "manifest.json").read_text()) for folder in (run_dir, tmp_path / "again"))
    assert first["outputs"] == second["outputs"]
    assert run_id(run_dir) == run_id(tmp_path / "again")  # manifest.json byte-identical
    assert (run_dir / "run.json").read_bytes() != b""  # run-time facts live apart, outside every hash
    assert "run.json" not in first["outputs"] and "written_at" not in json.dumps(first)


def test_reports_are_rendered_again_and_compared(tmp_path: Path, run_cli: Callable,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    holdings, issuers = write_book(tmp_path / "in")
    assert run_cli(["analyze", "--holdings", holdings, "--issuers", issuers, "--out", tmp_path / "run"]).code == 0
    outputs = json.loads((tmp_path / "run" / "manifest.json").read_text())["outputs"]
    assert {"report.html", "report.xlsx"} <= set(outputs)
    code, out = verify_cli(tmp_path / "run", capsys)
    assert code == 0 and "all 12 output files match the re-run" in out
    edit(tmp_path / "run" / "report.html", "</html>", "</html>\n")
    code, out = verify_cli(tmp_path / "run", capsys)
    assert code == 1 and out.startswith("report.html: differs from the re-run\n  SHA-256 expected ")


def test_report_files_are_checked_by_hash_when_no_writer_is_given(tmp_path: Path) -> None:
    holdings, issuers = write_book(tmp_path / "in")
    result = portfolio.analyze(str(holdings), str(issuers))

    def report(_result: portfolio.Result, path: Path) -> None:
        path.write_text("<html>report</html>")

    out = portfolio.write_run(result, tmp_path / "run", extra_writers={"report.html": report})
    verification = verify_run(out)
    assert verification.ok
    assert verification.notes == ["report.html: not re-run (no writer given); matches its recorded SHA-256"]
    assert verify_run(out, extra_writers={"report.html": report}).ok
    (out / "report.html").write_text("<html>edited</html>")
    assert [f.file for f in verify_run(out).findings] == ["report.html"]


def test_dataframe_inputs_are_said_not_rerunnable(tmp_path: Path) -> None:
    out = portfolio.write_run(portfolio.analyze(holdings_frame(), issuers_frame()), tmp_path / "run")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["rerunnable"] is False and [i["copy"] for i in manifest["inputs"]] == [None, None]
    assert not (out / "inputs").exists()
    assert verify_run(out).findings[0].problem == "not re-run: the input copies cannot be trusted"


def test_a_folder_without_manifest_is_a_usage_error(tmp_path: Path, run_cli: Callable) -> None:
    (tmp_path / "empty").mkdir()
    result = run_cli(["verify", tmp_path / "empty"])
    assert result.code == 2 and "manifest.json" in result.stderr


def test_extension_inputs_are_copied_and_rerun(tmp_path: Path, run_cli: Callable) -> None:
    holdings, issuers = write_book(tmp_path / "in")
    funds = tmp_path / "in" / "funds.csv"
    funds.write_text("fund_id,as_of,issuer_id,asset_class,weight\nFR-EMPLOIS,2023-12-31,A,listed_equity,0.5\n")
    assert run_cli(["analyze", "--holdings", holdings, "--issuers", issuers, "--funds", funds,
                    "--out", tmp_path / "run", "--no-report", "--quiet"]).code == 0
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert [(i["role"], i["copy"]) for i in manifest["inputs"]][-1] == ("funds", "inputs/funds.csv.gz")
    assert verify_run(tmp_path / "run").ok


def test_a_rerun_restores_xlsx_sheets_and_duplicate_names(tmp_path: Path) -> None:
    holdings, issuers = write_book(tmp_path / "a")
    later, _ = write_book(tmp_path / "b", as_of="2024-01-31")  # also named holdings.csv
    book = tmp_path / "issuers.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="Cover", index=False)
        issuers_frame().to_excel(writer, sheet_name="Carbon", index=False)
    out = portfolio.write_run(portfolio.analyze([str(holdings), str(later)], f"{book}#Carbon"), tmp_path / "run")
    manifest = json.loads((out / "manifest.json").read_text())
    assert [(i["file"], i["copy"]) for i in manifest["inputs"]] == [
        ("holdings.csv", "inputs/holdings.csv.gz"), ("holdings.csv", "inputs/holdings-2.csv.gz"),
        ("issuers.xlsx#Carbon", "inputs/issuers.xlsx")]
    assert str(tmp_path) not in (out / "manifest.json").read_text()
    assert verify_run(out).ok


def test_a_whitespace_byte_in_the_manifest_fails_verify(run_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = run_dir / "manifest.json"
    manifest.write_bytes(manifest.read_bytes() + b" ")  # same content, another run id
    code, out = verify_cli(run_dir, capsys)
    assert code == 1
    assert "manifest.json: not in the exact bytes written by the run" in out
    assert "run.json: names run " in out


@pytest.mark.parametrize("name", ["notes.txt", "inputs/extra.csv"])
def test_a_file_the_manifest_does_not_name_fails_verify(run_dir: Path, capsys: pytest.CaptureFixture[str],
                                                        name: str) -> None:
    (run_dir / name).write_text("=cmd()")
    code, out = verify_cli(run_dir, capsys)
    assert code == 1
    assert f"{name}: not written by the run (its manifest does not name it)" in out


@pytest.mark.parametrize("change", [
    lambda m: m.update(outputs=[]), lambda m: m.pop("inputs"), lambda m: m.update(inputs=[{"role": 1}]),
    lambda m: m.update(inputs=[]), lambda m: m.update(settings=None), lambda m: m.update(sample="yes"),
    lambda m: m["inputs"][0].update(copy="inputs/../../../etc/passwd"),
    lambda m: m.update(outputs={"../x": "0" * 64}), lambda m: m.update(stored_snapshots=[1]),
    lambda m: m["settings"].update(scopes=[1.0]), lambda m: m.clear(),
], ids=["outputs-list", "no-inputs", "input-types", "inputs-empty", "settings-null", "sample-text", "copy-escapes",
        "output-path", "stored-types", "bad-setting", "empty"])
def test_a_forged_manifest_is_reported_never_a_crash(run_dir: Path, capsys: pytest.CaptureFixture[str],
                                                     change) -> None:
    manifest = json.loads((run_dir / "manifest.json").read_text())
    change(manifest)
    (run_dir / "manifest.json").write_bytes(json_bytes(manifest))
    code, out = verify_cli(run_dir, capsys)
    assert code == 1 and "Traceback" not in out
    assert out.strip().splitlines()[-1].endswith("do not match")


def test_a_manifest_nested_too_deep_is_reported(run_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (run_dir / "manifest.json").write_text("[" * 100_000 + "]" * 100_000)
    code, out = verify_cli(run_dir, capsys)
    assert code == 1 and "manifest.json: not readable as JSON" in out

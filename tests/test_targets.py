"""The targets reader (`esg_scores/targets.py`): bad targets input is exit 2 with the contract's line.

Everything that only makes a target unusable at a snapshot (expired,
achieved, too far out, intensity `other`, issuers not held) is not an error:
the rating warns about it instead (see tests/test_temperature.py).
"""

from __future__ import annotations

import pytest

from esg_scores.targets import read_targets

HEADER = ["issuer_id", "target_id", "target_type", "intensity_metric", "scope", "coverage_s1", "coverage_s2",
          "coverage_s3", "reduction_ambition", "base_year", "start_year", "end_year", "base_year_ghg_s1",
          "base_year_ghg_s2", "sbti_validated", "published_on"]


def row(**cells: str) -> list[str]:
    values = {"issuer_id": "I1", "target_id": "T1", "target_type": "absolute", "intensity_metric": "",
              "scope": "S1+S2", "coverage_s1": "1", "coverage_s2": "", "coverage_s3": "", "reduction_ambition": "0.5",
              "base_year": "2019", "start_year": "", "end_year": "2030", "base_year_ghg_s1": "600",
              "base_year_ghg_s2": "200", "sbti_validated": "", "published_on": ""}
    values.update(cells)
    return [values[name] for name in HEADER]


@pytest.fixture
def analyze_targets(tables, tmp_path, run_cli):
    holdings = tables.write_csv(tmp_path / "holdings.csv", [tables.holdings_header, tables.holding("H1")])
    issuers = tables.write_csv(tmp_path / "issuers.csv", [tables.issuers_header, tables.issuer("I1")])

    def run(*rows: list[str], header: list[str] = HEADER):
        targets = tables.write_csv(tmp_path / "targets.csv", [header, *rows])
        result = run_cli(["analyze", "--holdings", holdings, "--issuers", issuers, "--targets", targets,
                          "--out", tmp_path / "run", "--quiet", "--no-report"])
        assert result.code == 2 and not (tmp_path / "run").exists()
        return result.lines

    return run


@pytest.mark.parametrize("cells, line", [
    ({"target_type": "relative"},
     "row 2, column target_type: got 'relative'; expected one of absolute, intensity "
     "(or map this spelling under [values] target_type)"),
    ({"scope": "S4"}, "row 2, column scope: got 'S4'; expected one of s1, s2, s1+s2, s3, s1+s2+s3 "
     "(or map this spelling under [values] scope)"),
    ({"target_type": "intensity", "intensity_metric": "tonnes"},
     "row 2, column intensity_metric: got 'tonnes'; expected one of revenue, product, cement, oil, steel, aluminum, "
     "power, other (or map this spelling under [values] intensity_metric)"),
    ({"reduction_ambition": ""}, "row 2, column reduction_ambition: got an empty cell; expected a value: a number"),
    ({"reduction_ambition": "1.2"}, "row 2, column reduction_ambition: got '1.2'; expected a number from 0 to 1"),
    ({"coverage_s1": ""},
     "row 2, column coverage_s1: got an empty cell; expected a value: a share from 0 to 1 "
     "(required for scope S1, S1+S2, S1+S2+S3)"),
    ({"scope": "S2"},
     "row 2, column coverage_s2: got an empty cell; expected a value: a share from 0 to 1 "
     "(required for scope S2, S1+S2+S3)"),
    ({"scope": "S3", "coverage_s1": ""},
     "row 2, column coverage_s3: got an empty cell; expected a value: a share from 0 to 1 (required for scope S3)"),
    ({"end_year": "2019"}, "row 2, column end_year: got '2019'; expected a year after base_year"),
    ({"base_year": "1850"}, "row 2, column base_year: got '1850'; expected a number from 1900 to 2100"),
    ({"start_year": "2019.5"}, "row 2, column start_year: got '2019.5'; expected a whole number"),
    ({"base_year_ghg_s1": "-1"}, "row 2, column base_year_ghg_s1: got '-1'; expected a number >= 0"),
    ({"sbti_validated": "peut-être"},
     "row 2, column sbti_validated: got 'peut-être'; expected true/false, 1/0, oui/non, vrai/faux or yes/no"),
    ({"published_on": "2023-02-30"},
     "row 2, column published_on: got '2023-02-30'; expected a date as YYYY-MM-DD or DD/MM/YYYY, from 1900 to 2200"),
])
def test_bad_cells(analyze_targets, cells, line):
    assert analyze_targets(row(**cells)) == ["targets.csv: " + line]


def test_duplicate_target_is_reported_at_the_later_row(analyze_targets):
    lines = analyze_targets(row(), row(target_id="T2"), row())
    assert lines == ["targets.csv: row 4, column target_id: got 'I1, T1'; expected a unique issuer_id + target_id "
                     "(already at row 2)"]


def test_a_required_column_absent(analyze_targets):
    header = [name for name in HEADER if name != "end_year"]
    lines = analyze_targets([cell for name, cell in zip(HEADER, row()) if name != "end_year"], header=header)
    assert lines[0].startswith("targets.csv: row 1, column end_year: got no such column; expected a column named "
                               "end_year")


def test_not_errors_expired_achieved_other_unheld_and_the_metric_of_absolute_targets(tmp_path, tables):
    path = tables.write_csv(tmp_path / "targets.csv", [
        HEADER + ["achieved_reduction"],
        row(end_year="2020") + [""], row(target_id="T2", achieved_reduction="") + ["1.5"],
        row(target_id="T3", target_type="intensity", intensity_metric="Other") + [""],
        row(issuer_id="NOT-HELD", end_year="2090") + [""],
        row(target_id="T5", intensity_metric="not a metric", sbti_validated="oui") + ["-0.1"]])
    targets, _ = read_targets(path, {}, {})
    assert targets["intensity_metric"].tolist() == ["", "", "other", "", ""]
    assert targets["scope"].tolist() == ["S1+S2"] * 5
    assert targets["sbti_validated"].isna().tolist() == [True, True, True, True, False]
    assert bool(targets["sbti_validated"].iloc[4]) is True


def test_settings_spellings_apply_to_targets(tmp_path, tables):
    path = tables.write_csv(tmp_path / "targets.csv", [HEADER, row(scope="Scope 1+2", target_type="Absolu")])
    targets, _ = read_targets(path, {}, {"scope": {"Scope 1+2": "s1+s2"}, "target_type": {"absolu": "absolute"}})
    assert targets[["scope", "target_type"]].values.tolist() == [["S1+S2", "absolute"]]

"""Cell conversion (`holdings.coerce`) and the contract's normalisation, cell by cell and end to end."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

import portfolio
from esg_scores import read_issuers
from holdings import InputError, read_holdings
from holdings import coerce
from holdings.text_bytes import cell_bytes, starts_with_any


def text(*cells):
    return pd.Series(list(cells), dtype=object)


# ---------------------------------------------------------------- numbers

@pytest.mark.parametrize(("cells", "decimal", "expected"), [
    (["1234567.89", "0.5", "-3", "+4", "1e3", "1E-2"], ".", [1234567.89, 0.5, -3.0, 4.0, 1000.0, 0.01]),
    (["1.234.567,89", "1.234", "0,5", "-3", "-1.000,5"], ",", [1234567.89, 1234.0, 0.5, -3.0, -1000.5]),
    (["1 234 567,89", "1\u00a0234,5", "1\u202f234\u202f567,5"], ",", [1234567.89, 1234.5, 1234567.5]),
    (["1 234 567.89", "1\u00a0234.5", "1\u202f234"], ".", [1234567.89, 1234.5, 1234.0]),
])
def test_to_number_reads_the_files_convention(cells, decimal, expected):
    values, bad = coerce.to_number(text(*cells), decimal)

    assert values.tolist() == expected
    assert not bad.any()


@pytest.mark.parametrize(("cell", "decimal"), [
    ("1,5", "."),          # a comma in a decimal-point file
    ("1.5", ","),          # a lone decimal point in a decimal-comma file
    ("1.23,5", ","),       # dot groups must have three digits
    ("12abc", "."), ("abc", "."), ("--1", "."), ("nan", "."), ("inf", "."), ("1 2 3x", "."), (".", "."),
])
def test_to_number_marks_unreadable_cells(cell, decimal):
    values, bad = coerce.to_number(text("1", cell), decimal)

    assert bad.tolist() == [False, True]
    assert values.iloc[0] == 1.0 and np.isnan(values.iloc[1])


def test_to_number_blank_cells_are_empty_not_unreadable():
    values, bad = coerce.to_number(text("", None, "2"), ".")

    assert bad.tolist() == [False, False, False]
    assert np.isnan(values.iloc[0]) and np.isnan(values.iloc[1]) and values.iloc[2] == 2.0


def test_to_number_native_spreadsheet_values_ignore_the_decimal_mark():
    values, bad = coerce.to_number(text(1234.5, 7, "1 000,25", ""), ",")

    assert values.tolist()[:3] == [1234.5, 7.0, 1000.25]
    assert not bad.any()


def test_to_number_typed_column():
    values, bad = coerce.to_number(pd.Series([1.5, np.nan, -2.0]), ".")

    assert values.iloc[0] == 1.5 and np.isnan(values.iloc[1]) and values.iloc[2] == -2.0
    assert not bad.any()


def test_to_integer_rejects_fractions():
    values, bad = coerce.to_integer(text("2022", "2022,5", "", "x"), ",")

    assert bad.tolist() == [False, True, False, True]
    assert values.iloc[0] == 2022 and values.dtype == "Int64"
    assert values.iloc[1:].isna().all()


@pytest.mark.parametrize(("cells", "expected"), [
    (["12,5", "3"], ","), (["1.234.567"], ","), (["1 234,5"], ","),
    (["12.5", "3"], "."), (["1 234.5"], "."), (["1.234"], "."), ([""], "."),
])
def test_detect_decimal_mark(cells, expected):
    assert coerce.detect_decimal_mark([text(*cells), pd.Series([1.5])]) == expected


# ---------------------------------------------------------------- dates

def test_iso_and_french_dates_give_the_same_date():
    values, bad = coerce.to_date(text("2023-12-31", "31/12/2023", "2024-02-29", "29/02/2024", ""))

    assert not bad.any()
    assert values.iloc[0] == values.iloc[1] == pd.Timestamp("2023-12-31")
    assert values.iloc[2] == values.iloc[3] == pd.Timestamp("2024-02-29")
    assert pd.isna(values.iloc[4])


@pytest.mark.parametrize("cell", ["2023-02-30", "31/04/2023", "29/02/2023", "2023-13-01", "00/01/2023",
                                  "2023/12/31", "12/31/2023", "31-12-2023", "2023-12-31T00:00", "1/2/2023",
                                  "yesterday"])
def test_impossible_or_foreign_dates_are_unreadable(cell):
    values, bad = coerce.to_date(text("2023-12-31", cell))

    assert bad.tolist() == [False, True]
    assert pd.isna(values.iloc[1])


def test_native_date_cells():
    cells = text(dt.datetime(2023, 6, 30, 15, 30), dt.date(2023, 12, 31), pd.Timestamp("2024-03-31 08:00"))

    values, bad = coerce.to_date(cells)

    assert not bad.any()
    assert values.tolist() == [pd.Timestamp("2023-06-30"), pd.Timestamp("2023-12-31"), pd.Timestamp("2024-03-31")]


def test_datetime_column_is_normalised_to_days():
    values, bad = coerce.to_date(pd.Series(pd.to_datetime(["2023-12-31 23:59", "2024-01-01 00:00"])))

    assert not bad.any()
    assert values.tolist() == [pd.Timestamp("2023-12-31"), pd.Timestamp("2024-01-01")]


# ---------------------------------------------------------------- enumerations, booleans, tags, text

def test_enum_is_case_insensitive_and_maps_spellings():
    values = coerce.to_enum(text("Yield", "STRATEGIC", "rendement", "Rendement", "other", ""), {"rendement": "yield"})

    assert values.tolist() == ["yield", "strategic", "yield", "yield", "other", ""]


@pytest.mark.parametrize(("cell", "expected"), [
    ("true", True), ("TRUE", True), ("1", True), ("OUI", True), ("Vrai", True), ("yes", True), (1, True),
    (True, True), ("false", False), ("0", False), ("non", False), ("FAUX", False), ("No", False), (0, False),
    (False, False),
])
def test_bool_words(cell, expected):
    values, bad = coerce.to_bool(text(cell), {})

    assert values.tolist() == [expected]
    assert not bad.any()


def test_bool_spellings_and_unreadable_words():
    values, bad = coerce.to_bool(text("coté", "Non coté", "peut-être", "2"), {"coté": "true", "non coté": "false"})

    assert values.tolist()[:2] == [True, False]
    assert bad.tolist() == [False, False, True, True]


def test_tags_trimmed_case_folded_deduplicated():
    values = coerce.to_tags(text(" Coverage | PATIENT_PATHWAY|coverage ", "", "soins", None),
                            {"soins": "access_to_care"})

    assert values.tolist() == ["coverage|patient_pathway", "", "access_to_care", ""]


def test_text_from_spreadsheet_numbers_has_no_spurious_decimal():
    assert coerce.to_text(text(123.0, 12.5, 7, "FR0000120271", None)).tolist() == ["123", "12.5", "7",
                                                                                   "FR0000120271", ""]


# ---------------------------------------------------------------- end to end through the readers

def test_enumerations_any_case_identifiers_keep_case(tables, tmp_path):
    path = tables.write_csv(tmp_path / "h.csv", [tables.holdings_header + ["purpose"],
                                                 tables.holding("ab-1", issuer_id="Fr-Iss", bucket="Yield",
                                                                asset_class="LISTED_EQUITY", listed="OUI") + [""],
                                                 tables.holding("AB-1", bucket="STRATEGIC", asset_class="Cash",
                                                                listed="Faux") + ["Coverage|ACCESS_TO_CARE"]])

    frame, _ = read_holdings([path], {}, {})

    assert frame["holding_id"].tolist() == ["ab-1", "AB-1"]
    assert frame["issuer_id"].tolist() == ["Fr-Iss", "I1"]
    assert frame["bucket"].tolist() == ["yield", "strategic"]
    assert frame["asset_class"].tolist() == ["listed_equity", "cash"]
    assert frame["listed"].tolist() == [True, False]
    assert frame["purpose"].tolist() == ["", "coverage|access_to_care"]


def test_iso_and_french_dates_are_one_snapshot(tables, tmp_path):
    path = tables.write_csv(tmp_path / "h.csv", [tables.holdings_header, tables.holding("H1", as_of="2023-12-31"),
                                                 tables.holding("H2", as_of="31/12/2023")])

    frame, _ = read_holdings([path], {}, {})

    assert frame["as_of"].tolist() == [pd.Timestamp("2023-12-31")] * 2
    assert frame["as_of"].nunique() == 1


def test_unknown_spelling_without_mapping_is_an_error(tables, tmp_path):
    path = tables.write_csv(tmp_path / "h.csv", [tables.holdings_header, tables.holding("H1", bucket="rendement")])

    with pytest.raises(InputError) as caught:
        read_holdings([path], {}, {})

    assert caught.value.lines() == ["h.csv: row 2, column bucket: got 'rendement'; expected one of yield, strategic "
                                    "(or map this spelling under [values] bucket)"]


def test_settings_map_columns_and_spellings_through_analyze(tables, tmp_path):
    holdings_path = tables.write_csv(tmp_path / "h.csv", [
        ["Date", "Ligne", "issuer_id", "Poche", "Classe", "Cotée", "Valeur de marche", "Objet"],
        ["31/12/2023", "L1", "I1", "Rendement", "actions cotées", "coté", "1 000,5", "Parcours"],
        ["31/12/2023", "L2", "I1", "participation", "listed_equity", "non coté", "2 000", ""],
    ], delimiter=";")
    issuers_path = tables.write_csv(tmp_path / "i.csv", [tables.issuers_header, tables.issuer("I1")])
    settings = {
        "columns": {"Date": "as_of", "Ligne": "holding_id", "Poche": "bucket", "Classe": "asset_class",
                    "Cotée": "listed", "Valeur de marche": "market_value_eur", "objet": "purpose"},
        "values": {"bucket": {"rendement": "yield", "Participation": "strategic"},
                   "asset_class": {"Actions cotées": "listed_equity"},
                   "listed": {"coté": True, "non coté": "false"},
                   "purpose": {"parcours": "patient_pathway"}},
    }

    result = portfolio.analyze([holdings_path], issuers_path, settings=settings)

    rows = result.contributions.set_index("holding_id")
    assert rows.loc["L1", "bucket"] == "yield" and rows.loc["L2", "bucket"] == "strategic"
    assert rows.loc["L1", "asset_class"] == "listed_equity"
    assert rows.loc["L1", "listed"] == True and rows.loc["L2", "listed"] == False  # noqa: E712
    assert rows.loc["L1", "market_value_eur"] == 1000.5 and rows.loc["L2", "market_value_eur"] == 2000.0
    assert rows.loc["L1", "health"] == True and rows.loc["L2", "health"] == False  # noqa: E712
    assert result.settings.columns["Valeur de marche"] == "market_value_eur"
    holdings_input = next(record for record in result.inputs if record.role == "holdings")
    assert holdings_input.dialect == {"format": "csv", "encoding": "utf-8", "delimiter": ";", "rows": 2,
                                      "decimal": ","}


def test_configured_health_purposes_are_valid_tags(tables, tmp_path):
    path = tables.write_csv(tmp_path / "h.csv", [tables.holdings_header + ["purpose"],
                                                 tables.holding("H1", bucket="strategic") + ["Prevention|coverage"]])

    frame, _ = read_holdings([path], {}, {}, health_purposes=["prevention"])

    assert frame["purpose"].tolist() == ["prevention|coverage"]
    with pytest.raises(InputError) as caught:
        read_holdings([path], {}, {})
    assert caught.value.lines() == [
        "h.csv: row 2, column purpose: got 'Prevention|coverage'; expected |-separated tags among "
        "patient_pathway, coverage, medical_innovation, access_to_care (or map this spelling under [values] purpose)"]


def test_issuer_records_typed(tables, tmp_path):
    path = tables.write_csv(tmp_path / "i.csv", [
        [" ISSUER_ID", "Year", "published_on", "scope1_tco2e", "evic_eur", "revenue_eur", "data_quality", "Source",
         "esg_score", "sector"],
        ["FR-iss", "2022", "15/04/2023", "1 234,5", "1.000.000", "", "3", " CDP ", "55,5", "C20.1"],
        ["FR-iss", "2021", "", "0", "0", "2,5", "", "", "", ""],
    ], delimiter=";")

    records, raw = read_issuers(path, {}, {})

    first, second = records.to_dict("records")
    assert (first["issuer_id"], first["year"], first["published_on"]) == ("FR-iss", 2022, pd.Timestamp("2023-04-15"))
    assert (first["scope1_tco2e"], first["evic_eur"], first["esg_score"]) == (1234.5, 1000000.0, 55.5)
    assert np.isnan(first["revenue_eur"]) and np.isnan(first["scope2_tco2e"])
    assert (first["data_quality"], first["source"], first["sector"]) == (3, "CDP", "C20.1")
    assert (second["year"], second["evic_eur"], second["revenue_eur"]) == (2021, 0.0, 2.5)
    assert pd.isna(second["published_on"]) and pd.isna(second["data_quality"])
    assert raw.dialect["decimal"] == ","


def test_starts_with_any_tests_the_first_character_of_each_cell() -> None:
    values = pd.Series(["x", "=SUM(A1)", "", None, "é=1", "-1", "+", "@me"], dtype="str")
    assert starts_with_any(values, b"=-+").tolist() == [False, True, False, False, False, True, True, False]
    assert starts_with_any(values.iloc[5:], b"@").tolist() == [False, False, True]  # a slice: its own offsets


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string()])
def test_cell_bytes_are_a_slices_own_cells_laid_end_to_end(kind) -> None:
    text = pa.array(["ab", "", None, "cé", "d"], type=kind)
    assert cell_bytes(text).tobytes() == "abcéd".encode()
    assert cell_bytes(text.slice(1, 3)).tobytes() == "cé".encode()  # its own range of the shared buffer
    assert cell_bytes(pa.array([], type=kind)).tobytes() == b""


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_to_number_reads_a_number_as_python_float_does(number: float) -> None:
    text = repr(number)
    alone, _ = coerce.to_number(pd.Series([text], dtype="str"), ".")  # the column read at once
    beside_a_typo, bad = coerce.to_number(pd.Series([text, "1.2.3"], dtype="str"), ".")  # value by value
    for value in (alone.iloc[0], beside_a_typo.iloc[0]):
        assert value == float(text) and math.copysign(1, value) == math.copysign(1, float(text))
    assert bad.tolist() == [False, True]


DIGITS = st.sampled_from(["0", "7", "12", "345", "6789"])
NUMBER_LIKE = st.one_of(
    st.builds(lambda sign, groups, mark, fraction, exponent: sign + mark.join(groups) + fraction + exponent,
              st.sampled_from(["", "-", "+"]), st.lists(DIGITS, min_size=1, max_size=4),
              st.sampled_from([".", ",", " ", "\u00a0", "\u202f", ""]),
              st.sampled_from(["", ".", ","]).flatmap(lambda mark: st.just(mark) if not mark else DIGITS.map(
                  lambda digits: mark + digits)),
              st.sampled_from(["", "e", "E-", "e+"]).flatmap(lambda e: st.just(e) if not e else st.text(
                  alphabet="0123\u0661", min_size=1, max_size=2).map(lambda digits: e + digits))),
    st.text(alphabet="0123456789.,+-eE \u00a0\u202fx\u0661\n", max_size=12))  # 1.234,5 and 1 234.5, or noise


@hypothesis_settings(max_examples=300)
@given(st.lists(NUMBER_LIKE, min_size=1, max_size=6), st.sampled_from([".", ","]))
def test_a_text_column_is_read_by_arrow_as_by_pandas_text_methods(cells: list[str], decimal: str) -> None:
    arrow_values, arrow_bad = coerce.to_number(pd.Series(cells, dtype="str"), decimal)  # Arrow kernels when ASCII
    pandas_values, pandas_bad = coerce.to_number(pd.Series(cells, dtype=object), decimal)  # pandas' text methods
    assert arrow_bad.tolist() == pandas_bad.tolist()
    assert np.array_equal(arrow_values.to_numpy(), pandas_values.to_numpy(), equal_nan=True)
    assert (np.signbit(arrow_values.to_numpy()) == np.signbit(pandas_values.to_numpy())).all()  # -0 stays -0


@pytest.mark.parametrize("chunks, expected", [([["1,5", "3"], ["2", "4"]], [1.5, 3.0, 2.0, 4.0]),
                                              ([["1,5", ""], ["2"]], [1.5, None, 2.0])])
def test_to_number_reads_a_column_arrow_holds_in_several_chunks(chunks, expected) -> None:
    chunked = pd.Series(pd.array(pa.chunked_array(chunks), dtype="str"))  # as a large CSV column
    values, bad = coerce.to_number(chunked, ",")
    assert [None if math.isnan(value) else value for value in values] == expected
    assert not bad.any()

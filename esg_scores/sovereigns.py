"""The sovereign table: a country's production emissions and GDP per year (PCAF sovereign debt).

Matched against the `issuer_id` of `sovereign_bond` lines (ISO 3166 codes);
a line dated D uses the same point-in-time record rule as corporate issuers.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from holdings.keyed import read_keyed_table
from holdings.schema import Field, Rule, TableSchema, at_least, between
from holdings.tabular import RawTable


def _positive(column: str) -> Rule:
    return Rule(column, "a number > 0", lambda frame: frame[column].isna() | (frame[column] > 0))


SOVEREIGNS = TableSchema(
    name="sovereigns",
    fields=(
        Field("country", "id"),
        Field("year", "integer", rules=(between("year", 1900, 2200),)),
        Field("published_on", "date", required=False, nullable=True),
        Field("emissions_tco2e", "number", rules=(at_least("emissions_tco2e", 0),)),
        Field("gdp_ppp_eur", "number", rules=(_positive("gdp_ppp_eur"),)),
        Field("gdp_eur", "number", rules=(_positive("gdp_eur"),)),
    ),
)


def read_sovereigns(source: str | Path | pd.DataFrame, column_map: Mapping[str, str],
                    spellings: Mapping[str, Mapping[str, str]]) -> tuple[pd.DataFrame, RawTable]:
    """Read and validate the sovereign table; records keyed like issuers (`issuer_id` = country)."""
    records, raw = read_keyed_table(source, SOVEREIGNS, column_map, spellings, ["country", "year", "published_on"],
                                    lambda row: f"{row['country']}, {row['year']}", "at least one country record")
    return records.rename(columns={"country": "issuer_id"}), raw

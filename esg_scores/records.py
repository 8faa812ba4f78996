"""The issuer table: carbon and ESG figures per issuer, fiscal year and publication.

Declared like the holdings table (see `holdings.schema`). Empty cells are not
errors here: a missing scope, EVIC or revenue is a data gap that leaves the
holdings on that issuer uncovered, reported as coverage by the analytics.
`(issuer_id, year, published_on)` identifies a record.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from holdings.keyed import read_keyed_table
from holdings.schema import Field, Rule, TableSchema, at_least, between
from holdings.tabular import RawTable

SCOPE_COLUMNS = ("scope1_tco2e", "scope2_tco2e", "scope3_tco2e")


def one_form_only(amount: str, in_euros: str) -> Rule:
    """A record gives an amount in its currency or in EUR, not both."""
    return Rule(amount, f"an empty cell when {in_euros} is given (one or the other, not both)",
                lambda frame: frame[amount].isna() | frame[in_euros].isna())


ISSUERS = TableSchema(
    name="issuers",
    fields=(
        Field("issuer_id", "id"),
        Field("year", "integer", rules=(between("year", 1900, 2200),)),
        Field("published_on", "date", required=False, nullable=True),
        *(Field(scope, "number", required=False, nullable=True, rules=(at_least(scope, 0),))
          for scope in SCOPE_COLUMNS),
        Field("evic_eur", "number", required=False, nullable=True, rules=(at_least("evic_eur", 0),)),
        Field("revenue_eur", "number", required=False, nullable=True, rules=(at_least("revenue_eur", 0),)),
        Field("data_quality", "integer", required=False, nullable=True, rules=(between("data_quality", 1, 5),)),
        Field("sector", "text", required=False, nullable=True),
        Field("source", "text", required=False, nullable=True),
        Field("name", "text", required=False, nullable=True),  # the issuer's legal name: labels it in reports
        Field("esg_score", "number", required=False, nullable=True, rules=(between("esg_score", 0, 100),)),
        # extension (temperature rating): ISIC Rev.4 code and the MOTS / AOTS company values, EUR
        Field("isic", "text", required=False, nullable=True),
        Field("market_cap_eur", "number", required=False, nullable=True, rules=(at_least("market_cap_eur", 0),)),
        Field("total_assets_eur", "number", required=False, nullable=True,
              rules=(at_least("total_assets_eur", 0),)),
        # extension (currencies): amounts in `currency`, converted with the --fx table
        Field("currency", "id", required=False, nullable=True),
        Field("evic", "number", required=False, nullable=True,
              rules=(at_least("evic", 0), one_form_only("evic", "evic_eur"))),
        Field("revenue", "number", required=False, nullable=True,
              rules=(at_least("revenue", 0), one_form_only("revenue", "revenue_eur"))),
    ),
)


def read_issuers(source: str | Path | pd.DataFrame, column_map: Mapping[str, str],
                 spellings: Mapping[str, Mapping[str, str]]) -> tuple[pd.DataFrame, RawTable]:
    """Read and validate the issuer table; `InputError` lists every problem."""
    records, raw = read_keyed_table(
        source, ISSUERS, column_map, spellings, ["issuer_id", "year", "published_on"],
        lambda row: f"{row['issuer_id']}, {row['year']}, "
                    f"{'' if pd.isna(row['published_on']) else row['published_on'].date()}",
        "at least one issuer record")
    records["currency"] = records["currency"].str.upper()
    return records, raw

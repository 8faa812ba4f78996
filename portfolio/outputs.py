"""The declared schema of a run folder's tables: file, the `Result` frame it holds, and each column's kind.

One declaration serves the writer (which file holds which frame) and the
reader (`load_run` checks every file it reads back against it), and names
each file's row key for `verify`'s messages. Kinds: `date` (YYYY-MM-DD),
`text`, `number` (a double; empty: missing), `integer` (empty: missing) and
`flag` (`true`/`false`; empty: missing).
"""

from __future__ import annotations

from dataclasses import dataclass

DATE, TEXT, NUMBER, INTEGER, FLAG = "date", "text", "number", "integer", "flag"


@dataclass(frozen=True)
class OutputTable:
    """One CSV file of a run folder: the `Result` attribute it holds, its columns' kinds and its row key."""

    file: str
    frame: str
    columns: dict[str, str]
    key: tuple[str, ...]
    open_ended: bool = False  # extensions may add columns (kinds in EXTENSION_COLUMNS)
    optional: bool = False  # written only when its input was given (the frame is None otherwise)
    # (key, first, last): the adjacent columns first..last hold one value per value of key, which the
    # writer renders once per key value (after checking it, bit for bit)
    repeated: tuple[str, str, str] | None = None


CONTRIBUTION_KINDS = {
    "as_of": DATE, "holding_id": TEXT, "issuer_id": TEXT, "name": TEXT, "bucket": TEXT, "asset_class": TEXT,
    "listed": FLAG, "fund_id": TEXT, "market_value_eur": NUMBER, "record_year": INTEGER,
    "record_published_on": DATE, "source": TEXT, "sector": TEXT, "evic_eur": NUMBER, "revenue_eur": NUMBER,
    "data_quality": INTEGER, "scope1_tco2e": NUMBER, "scope2_tco2e": NUMBER, "scope3_tco2e": NUMBER,
    "emissions_tco2e": NUMBER, "financed_emissions_tco2e": NUMBER, "eligible": FLAG, "covered": FLAG,
    "waci_covered": FLAG, "health": FLAG, "territorial": FLAG, "reason": TEXT, "holdings_file": TEXT,
    "holdings_row": INTEGER, "issuers_row": INTEGER, "issuer_name": TEXT,
}
# columns the contract's extensions add to contributions.csv when their input or setting is given
EXTENSION_COLUMNS = {
    "parent_holding_id": TEXT, "lookthrough_weight": NUMBER, "estimated": FLAG,
    "country_emissions_tco2e": NUMBER, "gdp_ppp_eur": NUMBER, "gdp_eur": NUMBER, "sovereign_covered": FLAG,
    "sovereign_financed_emissions_tco2e": NUMBER, "sovereigns_row": INTEGER,
}
EFFECT_KINDS = {"allocation": NUMBER, "emissions": NUMBER, "evic": NUMBER, "coverage": NUMBER, "total": NUMBER}

CONTRIBUTIONS = "contributions.csv"  # written as the engine computes it (`portfolio.audit.rundir.analyze_into`)
OUTPUT_TABLES = (
    OutputTable("metrics.csv", "metrics", {"as_of": DATE, "perimeter": TEXT, "metric": TEXT, "value": NUMBER},
                ("as_of", "perimeter", "metric")),
    OutputTable("trajectory.csv", "trajectory",
                {"as_of": DATE, "metric": TEXT, "actual": NUMBER, "path": NUMBER, "drift": NUMBER, "flag": FLAG,
                 "years_ahead": NUMBER}, ("as_of", "metric")),
    OutputTable("pai.csv", "pai", {"year": INTEGER, "perimeter": TEXT, "metric": TEXT, "value": NUMBER},
                ("year", "perimeter", "metric")),
    OutputTable(CONTRIBUTIONS, "contributions", CONTRIBUTION_KINDS, ("as_of", "holding_id"), open_ended=True,
                repeated=("issuers_row", "record_year", "emissions_tco2e")),  # an issuer record's figures
    OutputTable("warnings.csv", "warnings",
                {"as_of": DATE, "holding_id": TEXT, "issuer_id": TEXT, "reason": TEXT, "detail": TEXT},
                ("as_of", "holding_id", "reason")),
    OutputTable("attribution.csv", "attribution",
                {"from_date": DATE, "to_date": DATE, "kind": TEXT, "effect": TEXT, "value": NUMBER},
                ("to_date", "from_date", "effect")),
    OutputTable("attribution_issuers.csv", "attribution_issuers",
                {"from_date": DATE, "to_date": DATE, "kind": TEXT, "rank": INTEGER, "issuer_id": TEXT,
                 **EFFECT_KINDS}, ("to_date", "from_date", "rank")),
    OutputTable("drift.csv", "drift",
                {"as_of": DATE, "metric": TEXT, "actual": NUMBER, "path": NUMBER, "drift": NUMBER, "driver": TEXT,
                 "driver_value": NUMBER, "reason": TEXT}, ("as_of", "metric")),
    OutputTable("projection.csv", "projection",
                {"as_of": DATE, "metric": TEXT, "projected": NUMBER, "lower_80": NUMBER, "upper_80": NUMBER,
                 "lower_95": NUMBER, "upper_95": NUMBER, "path": NUMBER}, ("as_of", "metric")),
    OutputTable("temperature.csv", "temperature",
                {"as_of": DATE, "issuer_id": TEXT, "scope": TEXT, "time_frame": TEXT, "temperature_c": NUMBER,
                 "default_share": NUMBER, "from_default": FLAG, "target_id": TEXT, "target_type": TEXT,
                 "sr15_variable": TEXT, "annual_reduction_rate": NUMBER, "sbti_validated": FLAG,
                 "ghg_s1s2_tco2e": NUMBER, "ghg_s3_tco2e": NUMBER},
                ("as_of", "issuer_id", "scope", "time_frame"), optional=True),
    OutputTable("temperature_portfolio.csv", "temperature_portfolio",
                {"as_of": DATE, "perimeter": TEXT, "method": TEXT, "scope": TEXT, "time_frame": TEXT,
                 "temperature_c": NUMBER, "default_share": NUMBER, "issuers": INTEGER, "coverage_ratio": NUMBER},
                ("as_of", "perimeter", "method", "scope", "time_frame"), optional=True),
)
PROJECTION_SUMMARY = "projection_summary.json"
RUN_INFO = "run.json"

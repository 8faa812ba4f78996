"""The bundled sample book: a synthetic French mutual health insurer, calibrated on its published figures.

What the book is. About 300 issuers (pseudo-LEIs, invented names, NACE
sectors from utilities to hospitals) with yearly carbon and ESG records for
fiscal years 2018 to 2024, and a book in two buckets, held on 31 December 2019
(the climate baseline) and at every month end from January 2022 to December
2024 (37 snapshots):
- yield assets (`yield`, actifs de rendement), 1.5 bn EUR at end 2023: listed
  equities and corporate bonds (the 2030 climate perimeter), units of a
  French SRI equity fund (`FR-ACTIONS-ISR`, listed, looked through), sovereign
  bonds of six euro-area states (issuer_id = ISO country code), cash, real
  estate and the territorial-impact fund line "Fonds Harmonie Mutuelle Emplois
  France" (`FR-EMPLOIS`, no composition: its share is measured on the line);
- strategic holdings (`strategic`, participations strategiques), 800 M EUR at
  end 2023: unlisted stakes, loans, real estate and funds, most tagged with a
  health purpose.
Values follow simulated market moves month by month (2020 and 2021 are
simulated but not written). The climate policy sells part of the oil, cement,
steel and airline lines in 2020-2021 and some of the most carbon-intensive
issuers in 2023; bonds mature and roll over; a few lines enter and leave;
purchases and sales are spread over a quarter. The data have the gaps real
files have: lines without issuer_id, issuers without any record, records
without scope 3, EVIC or revenue, records without a publication date (the
default date rule applies), restated records.

The contract's extensions, each in its own file. The SRI fund's composition
(`funds.csv`): about 36 of the largest French listed issuers outside the
fund's excluded sectors, at the baseline and every quarter end from end 2021,
weights drifting, a few names leaving or entering, and 0 to 3 % cash left
uncovered (a `fund_weights_incomplete` warning, not an error). The country
records (`sovereigns.csv`): production emissions excluding LULUCF and GDP of
FR, DE, IT, ES, BE and NL for 2018-2024 at their real order of magnitude, each
year first as an approximated inventory (31 October of the next year), then
restated by the official one (15 April two years after) when that is out by
end 2025. The US issuers whose figures come from their own report give EVIC
and revenue in USD (`currency`, `evic`, `revenue`; `evic_eur` and
`revenue_eur` empty), and `fx.csv` holds EUR per USD at every month end of
2018-2024 (about the ECB reference rates).

How it is calibrated. The insurer's published figures (strategic 800 M EUR,
82.7 % of it health-serving; yield 1.5 bn EUR, 15 % then 14 % in the
territorial fund; listed-yield carbon footprint -9 % over 2023 and -35 % since
2019) are imposed in two steps. Values: one scale for the yield lines and one
each for the health and other strategic lines set the end-2023 totals; the
territorial fund line is sized each month to its share of the yield bucket.
Emissions: all issuers' scope figures of one fiscal year are multiplied by one
level, one free level per year-end target (2019, 2022, 2023, and 2024 for a
1.5 % rebound), each the fiscal year its snapshot mostly reads (a snapshot
dated D mostly uses year(D) - 1, published in spring); fiscal years 2019 and
2020 are interpolated geometrically, 2024 follows 2023. The engine itself
(`portfolio.analyze`, default settings) computes the year-end footprints and,
from its contributions, how much of each comes from each fiscal year's
records; a footprint is linear in those levels, so the levels that hit every
target are solved for and the engine is run again to confirm (rounding to
0.1 t aside, one correction suffices). The engine reads the three extension
files as it does on the bundle, so the fund's children are in the perimeter
and the USD reporters' EVIC is converted. The sector intensities are set so
that the levels come out close to 1 (1.08 to 1.13): the calibration corrects,
it does not invent the trend. Between year ends the footprint moves with each
spring's publications, market moves and trades.

The temperature rating's inputs (ISIC codes, market capitalisation and
total assets in `issuers.csv`, and `targets.csv`) are drawn after the
calibration from their own stream, so they change no carbon figure (see
`portfolio.sample.climate_targets`).

How to regenerate. `python -m portfolio.sample.generate` rewrites
`holdings.csv` (French back-office style: `;`, decimal comma, DD/MM/YYYY,
UTF-8 with BOM), `issuers.csv`, `funds.csv`, `sovereigns.csv`, `fx.csv` and
`targets.csv` (`,`, `.`, ISO dates) beside this file and prints the calibrated figures;
`pytest tests/test_sample.py` checks them. The output is byte-for-byte
deterministic: numpy Generators spawned from one fixed seed (one stream per
part of the book), no clock, no hash order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from esg_scores.fx import closing_rate, mean_rate
from portfolio.engine.metrics import metric_series, perimeter_masks
from portfolio.sample.climate_targets import COMPANY_VALUE_COLUMNS, sample_targets, targets_csv, with_company_values
from portfolio.run import SAMPLE_EXTENSIONS, SAMPLE_HOLDINGS, SAMPLE_ISSUERS, analyze

SEED = 20231231
# Streams are spawned by position: new parts of the book append theirs, the earlier ones keep their draws.
STREAMS = ("issuers", "records", "gaps", "trades", "market", "strategic", "funds", "sovereigns", "temperature")
SAMPLE_FILES = (SAMPLE_HOLDINGS, SAMPLE_ISSUERS, SAMPLE_EXTENSIONS["funds"], SAMPLE_EXTENSIONS["sovereigns"],
                SAMPLE_EXTENSIONS["fx"], SAMPLE_EXTENSIONS["targets"])
FIRST_MONTH_END = pd.Timestamp("2019-12-31")
MONTHS = 61  # month ends from 2019-12-31 (index 0) to 2024-12-31 (index 60)
FIRST_WRITTEN_MONTH = 25  # 2022-01-31; index 0 (the baseline) is written too
FISCAL_YEARS = tuple(range(2018, 2025))

# Published figures (rapport du comite de mission 2023) the sample must reproduce.
STRATEGIC_VALUE_EUR = 800e6
HEALTH_SHARE = 0.827
YIELD_VALUE_EUR = 1.5e9
TERRITORIAL_SHARE = {pd.Timestamp("2022-12-31"): 0.15, pd.Timestamp("2023-12-31"): 0.14}
CALIBRATION_DATE = pd.Timestamp("2023-12-31")
BASELINE_FOOTPRINT_TCO2E_PER_MEUR = 412.0
FOOTPRINT_TARGETS = {  # year-end snapshot -> (target footprint, fiscal year it mostly reads)
    pd.Timestamp("2019-12-31"): (BASELINE_FOOTPRINT_TCO2E_PER_MEUR, 2018),
    pd.Timestamp("2022-12-31"): (BASELINE_FOOTPRINT_TCO2E_PER_MEUR * 0.65 / 0.91, 2021),  # -9 % in 2023
    pd.Timestamp("2023-12-31"): (BASELINE_FOOTPRINT_TCO2E_PER_MEUR * 0.65, 2022),  # -35 % since 2019
    pd.Timestamp("2024-12-31"): (BASELINE_FOOTPRINT_TCO2E_PER_MEUR * 0.65 * 1.015, 2023),  # small rebound
}
LATEST_LEVEL_CHANGE = 0.98  # FY2024 level relative to FY2023 (read only by undated records)
TRADING_MONTHS = 3  # purchases and sales of a line are spread over this many months
CALIBRATION_TOLERANCE = 1e-6  # relative error on each year-end footprint
CALIBRATION_ROUNDS = 10  # engine runs (two suffice: emissions enter the footprint linearly)
SOLVER_ROUNDS = 200
FOOTPRINT = "carbon_footprint_tco2e_per_meur"

HOLDINGS_COLUMNS = ["as_of", "holding_id", "issuer_id", "bucket", "asset_class", "listed", "market_value_eur",
                    "name", "fund_id", "purpose"]
ISSUER_COLUMNS = ["issuer_id", "year", "published_on", "scope1_tco2e", "scope2_tco2e", "scope3_tco2e",
                  "evic_eur", "revenue_eur", "currency", "evic", "revenue", "data_quality", "sector", "source",
                  "esg_score", "name", *COMPANY_VALUE_COLUMNS]
FUND_COLUMNS = ["fund_id", "as_of", "issuer_id", "asset_class", "weight"]
SOVEREIGN_COLUMNS = ["country", "year", "published_on", "emissions_tco2e", "gdp_ppp_eur", "gdp_eur"]
FX_COLUMNS = ["date", "currency", "eur_per_unit"]
AMOUNTS = ["evic_eur", "revenue_eur", "evic", "revenue"]
SCOPES = ["scope1_tco2e", "scope2_tco2e", "scope3_tco2e"]


@dataclass(frozen=True)
class Sector:
    """A NACE sector: its name words, carbon intensities per MEUR of revenue and valuation."""

    code: str
    words: tuple[str, ...]
    scope1_per_meur: float
    scope2_per_meur: float
    scope3_per_meur: float
    evic_to_revenue: float
    esg_mean: float
    yearly_emission_change: float
    listed_issuers: int


SECTORS = (
    Sector("D35", ("Énergie", "Électricité", "Power"), 600, 11, 390, 2.2, 55, -0.07, 18),
    Sector("E36", ("Eaux", "Aqua"), 80, 65, 165, 2.5, 60, -0.03, 5),
    Sector("B06", ("Pétrole", "Oil & Gas", "Hydrocarbures"), 190, 14, 2500, 1.3, 35, -0.02, 6),
    Sector("C20", ("Chimie", "Chemicals"), 250, 80, 700, 1.6, 50, -0.04, 14),
    Sector("C23", ("Ciments", "Matériaux"), 1200, 65, 190, 1.8, 45, -0.03, 6),
    Sector("C24", ("Aciers", "Métaux"), 770, 110, 500, 0.9, 40, -0.03, 6),
    Sector("C17", ("Papeteries", "Paper"), 190, 65, 280, 1.2, 55, -0.03, 4),
    Sector("C21", ("Pharma", "Laboratoires", "Biosciences"), 6.5, 5.5, 100, 4.0, 62, -0.04, 20),
    Sector("C32", ("Medical", "Dispositifs Médicaux"), 5.5, 6.5, 110, 4.5, 60, -0.04, 12),
    Sector("Q86", ("Santé", "Cliniques", "Healthcare"), 8, 6.5, 80, 1.6, 55, -0.02, 14),
    Sector("K64", ("Banque", "Crédit", "Bank"), 0.6, 1.1, 14, 6.0, 58, -0.05, 25),
    Sector("K65", ("Assurances", "Insurance", "Ré"), 0.5, 0.8, 11, 1.5, 60, -0.05, 12),
    Sector("H49", ("Transports", "Rail"), 250, 14, 140, 1.5, 48, -0.03, 8),
    Sector("H51", ("Airlines", "Aviation"), 500, 3, 140, 0.9, 38, -0.02, 4),
    Sector("H52", ("Logistique", "Logistics"), 65, 8, 220, 1.2, 52, -0.03, 5),
    Sector("C29", ("Automobiles", "Motors"), 6.5, 11, 1000, 0.7, 50, -0.04, 10),
    Sector("C28", ("Industries", "Machines"), 8, 11, 500, 1.4, 55, -0.03, 10),
    Sector("C26", ("Électronique", "Semiconductors"), 11, 25, 190, 3.0, 58, -0.04, 10),
    Sector("J61", ("Télécom", "Telecom"), 3.3, 16, 65, 2.8, 60, -0.05, 14),
    Sector("J62", ("Informatique", "Software", "Digital"), 1.1, 3.3, 38, 5.0, 63, -0.05, 16),
    Sector("C10", ("Agroalimentaire", "Foods"), 28, 14, 500, 1.5, 52, -0.02, 12),
    Sector("G47", ("Distribution", "Retail"), 6.5, 10, 360, 0.6, 50, -0.03, 10),
    Sector("F41", ("Construction", "Bâtiment"), 16, 4.5, 250, 0.8, 48, -0.02, 10),
    Sector("L68", ("Immobilier", "Real Estate"), 14, 11, 66, 12.0, 55, -0.04, 12),
    Sector("M71", ("Ingénierie", "Engineering"), 4.5, 3.3, 80, 1.5, 58, -0.03, 6),
    Sector("Q87", ("Résidences",), 11, 8, 66, 1.4, 55, -0.02, 0),
)
SECTOR_BY_CODE = {sector.code: sector for sector in SECTORS}
# The climate policy: sector exits before 2022 (probability per issuer), then a 2023 exclusion list
# of the most carbon-intensive issuers (footprint above a quantile of the listed universe).
DIVESTMENT_PROBABILITY = {"B06": 0.35, "C23": 0.2, "C24": 0.2, "H51": 0.2}
EXCLUSION_QUANTILE = 0.85
EXCLUSION_PROBABILITY = 0.5
TURNOVER_IN, TURNOVER_OUT = 0.08, 0.06  # shares of other lines bought, or sold, during 2022-2024
# Coverage gaps beyond the record holes of `punch_gaps`.
UNRECORDED_ISSUERS = 10  # listed issuers with no record at all
UNMAPPED_BONDS = 8  # bond lines without issuer_id (private placements not yet mapped)

STEMS = (
    "Aubrac", "Belvédère", "Cévenne", "Dauphin", "Estérel", "Faubourg", "Garonne", "Hermine", "Iroise",
    "Jura", "Kerlan", "Lumière", "Mistral", "Noirmont", "Olympe", "Pléiade", "Quartz", "Rivoli", "Saphir",
    "Tramontane", "Ulysse", "Vauban", "Yser", "Zéphyr", "Alizé", "Brocéliande", "Corail", "Durance",
    "Escaut", "Forez", "Granit", "Hélios", "Isère", "Lavande", "Morvan", "Nacre", "Opaline", "Pavois",
    "Rhénane", "Sequana", "Tanaro", "Vesuvia", "Adria", "Baltica", "Castellane", "Danubia", "Elbe",
    "Fjordia", "Helvetia Nova", "Iberis", "Lusitania", "Meridia", "Nordkap", "Orcadia", "Pannonia",
    "Ravenna", "Scaldis", "Thalassa", "Valdor", "Westmark",
)
COUNTRY_FORMS = (("FR", "SA", 0.45), ("DE", "AG", 0.14), ("NL", "NV", 0.08), ("IT", "SpA", 0.08),
                 ("ES", "SA", 0.07), ("BE", "SA", 0.04), ("GB", "plc", 0.05), ("US", "Inc.", 0.04),
                 ("SE", "AB", 0.03), ("FI", "Oyj", 0.02))
LEI_PREFIXES = {"FR": "9695", "DE": "5299", "NL": "7245", "IT": "8156", "ES": "9598", "BE": "5493",
                "GB": "2138", "US": "5493", "SE": "5493", "FI": "7437"}
LEI_ALPHABET = np.array(list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
VENDORS = (("VendorA", 0.5), ("VendorB", 0.2), ("CDP", 0.2), ("Company report", 0.1))

# Market drift per month by calendar year (equities; bond prices move with rates).
EQUITY_DRIFT = {2020: 0.002, 2021: 0.016, 2022: -0.010, 2023: 0.011, 2024: 0.005}
BOND_DRIFT = {2020: 0.003, 2021: -0.002, 2022: -0.011, 2023: 0.006, 2024: 0.003}
EVIC_MARKET_LEVEL = {2018: 1.0, 2019: 1.06, 2020: 1.03, 2021: 1.12, 2022: 1.09, 2023: 1.12, 2024: 1.15}
COVID_DIP = {2020: 0.92}


@dataclass(frozen=True)
class StrategicLine:
    """One strategic holding as the finance directorate lists it (value in M EUR at entry)."""

    name: str
    asset_class: str
    sector: str
    purpose: str
    value_meur: float
    entry_month: int = 0
    exit_month: int = MONTHS
    has_record: bool = True


STRATEGIC_LINES = (
    StrategicLine("Cliniques Mutualistes de l'Ouest SAS", "unlisted_equity", "Q86",
                  "patient_pathway|access_to_care", 105),
    StrategicLine("Réseau Dentaire Solidaire SAS", "unlisted_equity", "Q86", "access_to_care", 40),
    StrategicLine("Soins & Domicile SCIC", "unlisted_equity", "Q86", "patient_pathway", 22),
    StrategicLine("Centres Optiques Mutualistes SAS", "unlisted_equity", "G47", "access_to_care|coverage", 36),
    StrategicLine("Prévoyance Solidaire Réassurance SA", "unlisted_equity", "K65", "coverage", 82),
    StrategicLine("Tiers Payant Services SAS", "unlisted_equity", "J62", "coverage", 27),
    StrategicLine("e-Santé Parcours SAS", "unlisted_equity", "J62", "patient_pathway|medical_innovation", 9,
                  entry_month=14, has_record=False),
    StrategicLine("BioThérapies Innovantes SAS", "unlisted_equity", "C21", "medical_innovation", 16),
    StrategicLine("Imagerie Médicale Territoriale SAS", "unlisted_equity", "Q86", "access_to_care", 31),
    StrategicLine("Résidences Bien Vieillir SAS", "unlisted_equity", "Q87", "patient_pathway", 44),
    StrategicLine("MedTech Diagnostic SAS", "unlisted_equity", "C32", "medical_innovation", 11, entry_month=43),
    StrategicLine("Groupe Hospitalier Privé Mutualiste", "loan", "Q86", "patient_pathway|access_to_care", 66),
    StrategicLine("EHPAD Les Tilleuls", "loan", "Q87", "patient_pathway", 14, has_record=False),
    StrategicLine("Centre de Rééducation Côte d'Opale", "loan", "Q86", "patient_pathway", 19),
    StrategicLine("Maisons de Santé Pluriprofessionnelles", "loan", "Q86", "access_to_care", 8, entry_month=30),
    StrategicLine("Fonds Innovation Santé I", "fund", "", "medical_innovation", 30),
    StrategicLine("Fonds Prévention & Autonomie", "fund", "", "patient_pathway|coverage", 22, entry_month=30),
    StrategicLine("SCI Pôle Santé Nantes", "real_estate", "", "access_to_care", 21),
    StrategicLine("SCI Maisons Médicales Rurales", "real_estate", "", "access_to_care", 11),
    StrategicLine("Banque Coopérative Régionale SA", "unlisted_equity", "K64", "", 44),
    StrategicLine("Informatique Mutualiste GIE", "unlisted_equity", "J62", "", 19),
    StrategicLine("SCI Siège Social Nantes", "real_estate", "", "", 33),
    StrategicLine("SCI Bureaux Lyon Part-Dieu", "real_estate", "", "", 24),
    StrategicLine("Fonds Infrastructures Europe", "fund", "", "", 14),
    StrategicLine("Foncière Tertiaire Ouest", "loan", "L68", "", 12, exit_month=31),
)
TERRITORIAL_FUND_ID = "FR-EMPLOIS"
TERRITORIAL_FUND_NAME = "Fonds Harmonie Mutuelle Emplois France"

# The looked-through fund: units of a French SRI equity fund (listed: its children are in the 2030
# perimeter), with a quarterly composition (the manager's TPT file) on French listed issuers.
LOOKTHROUGH_FUND_ID = "FR-ACTIONS-ISR"
LOOKTHROUGH_FUND_NAME = "Horizon Actions France ISR - part I"
LOOKTHROUGH_FUND_EUR = 75e6  # value at the baseline, before the yield bucket is scaled
SRI_EXCLUDED_SECTORS = ("B06", "C23", "C24", "H51")  # the fund's own exclusions (best-in-class SRI label)
FUND_CORE, FUND_BENCH = 36, 10  # names held from the start; candidates that may enter later
FUND_EXIT_PROBABILITY, FUND_ENTRY_PROBABILITY = 0.12, 0.5  # over 2022-2024, per name
FUND_MAX_WEIGHT = 0.09
FUND_CASH = (0.0, 0.03)  # uninvested share of the fund at each composition date (uniform)
FUND_TRACKING_ERROR = 0.01  # monthly deviation of the fund's NAV from the equity market


def composition_dates() -> pd.DatetimeIndex:
    """Composition dates: the baseline, then the last business day of every quarter from 2021Q4 to 2024Q4."""
    return pd.DatetimeIndex([pd.Timestamp("2019-12-31")]).append(
        pd.date_range("2021-12-01", "2024-12-31", freq="BQE-DEC"))


# Issuers that report in USD: the US issuers whose figures come from their own annual report.
USD_COUNTRY, USD_SOURCE = "US", "Company report"

# EUR per USD: approximately the ECB's month-end reference rates (USD for 1 EUR, inverted), 2018-2024.
USD_PER_EUR = {
    2018: (1.2457, 1.2214, 1.2321, 1.2104, 1.1675, 1.1658, 1.1704, 1.1641, 1.1576, 1.1316, 1.1359, 1.1450),
    2019: (1.1488, 1.1416, 1.1235, 1.1218, 1.1151, 1.1380, 1.1151, 1.0991, 1.0889, 1.1175, 1.1017, 1.1234),
    2020: (1.1052, 1.0977, 1.0956, 1.0946, 1.1136, 1.1198, 1.1766, 1.1932, 1.1708, 1.1652, 1.1969, 1.2271),
    2021: (1.2136, 1.2121, 1.1725, 1.2099, 1.2230, 1.1884, 1.1891, 1.1795, 1.1579, 1.1569, 1.1299, 1.1326),
    2022: (1.1208, 1.1199, 1.1101, 1.0540, 1.0760, 1.0387, 1.0198, 1.0034, 0.9748, 0.9860, 1.0365, 1.0666),
    2023: (1.0855, 1.0597, 1.0875, 1.1050, 1.0735, 1.0866, 1.1016, 1.0844, 1.0594, 1.0540, 1.0942, 1.1050),
    2024: (1.0823, 1.0824, 1.0811, 1.0665, 1.0854, 1.0705, 1.0826, 1.1087, 1.1196, 1.0870, 1.0565, 1.0389),
}
TARGET_HOLIDAY_MONTH_ENDS = ("2018-03-30", "2024-03-29")  # Good Fridays: no fixing, the day before is used

# Sovereign bonds: country records as the official inventories give them (production emissions
# excluding LULUCF, Mt CO2e) with nominal GDP (bn EUR), fiscal years 2018-2024, and the ratio of GDP
# at purchasing-power parity (international dollars at the year's mean USD rate) to nominal GDP.
SOVEREIGN_FIGURES = {
    "FR": ((445, 436, 393, 418, 404, 373, 366), (2363, 2437, 2317, 2501, 2655, 2822, 2917), 1.17),
    "DE": ((858, 802, 731, 760, 750, 674, 649), (3365, 3473, 3404, 3617, 3877, 4122, 4305), 1.13),
    "IT": ((428, 418, 381, 413, 411, 385, 375), (1771, 1797, 1661, 1822, 1946, 2128, 2192), 1.38),
    "ES": ((332, 314, 274, 289, 293, 271, 268), (1204, 1246, 1119, 1236, 1374, 1498, 1592), 1.45),
    "BE": ((120, 118, 107, 115, 109, 104, 101), (460, 476, 460, 502, 554, 585, 614), 1.12),
    "NL": ((190, 182, 166, 167, 158, 146, 139), (774, 810, 797, 870, 959, 1034, 1094), 1.10),
}
# Publication: an approximated inventory in the autumn after the year (as EEA proxies), then the
# official inventory (UNFCCC submission, 15 April two years after) restating it; the files are
# extracted at the end of 2025, so FY2024 has only its approximation.
PROXY_INVENTORY_REVISION = 0.015  # relative spread of the approximation around the official figure
EXTRACTED_ON = pd.Timestamp("2025-12-31")


# ---------------------------------------------------------------- calendar

def month_ends() -> pd.DatetimeIndex:
    """The simulation grid: every month end from 2019-12-31 to 2024-12-31."""
    return pd.date_range(FIRST_MONTH_END, periods=MONTHS, freq="ME")


def snapshot_months() -> np.ndarray:
    """Grid positions written to the file: the 2019 baseline, then January 2022 onwards."""
    return np.r_[0, np.arange(FIRST_WRITTEN_MONTH, MONTHS)]


# ---------------------------------------------------------------- issuers

def lei(prefix: str, rng: np.random.Generator) -> str:
    """A pseudo-LEI with valid ISO 17442 check digits (mod 97-10)."""
    body = prefix + "00" + "".join(rng.choice(LEI_ALPHABET, 12))
    digits = "".join(str(int(char, 36)) for char in body)
    return body + f"{98 - int(digits + '00') % 97:02d}"


def issuer_names(sectors: list[str], countries: list[str], rng: np.random.Generator) -> list[str]:
    """Unique invented company names: a stem, a sector word, the country's legal form."""
    forms = {country: form for country, form, _ in COUNTRY_FORMS}
    names: list[str] = []
    for sector, country in zip(sectors, countries):
        words = SECTOR_BY_CODE[sector].words
        while True:
            name = f"{rng.choice(STEMS)} {rng.choice(words)} {forms[country]}"
            if name not in names:
                break
        names.append(name)
    return names


def listed_universe(rng: np.random.Generator) -> pd.DataFrame:
    """The listed issuers: sector, country, name, LEI, size, valuation and carbon profile."""
    sectors = [sector.code for sector in SECTORS for _ in range(sector.listed_issuers)]
    count = len(sectors)
    weights = np.array([share for _, _, share in COUNTRY_FORMS])
    countries = [COUNTRY_FORMS[i][0] for i in rng.choice(len(COUNTRY_FORMS), count, p=weights / weights.sum())]
    names = issuer_names(sectors, countries, rng)
    first_bank = sectors.index("K64")
    names[first_bank], countries[first_bank] = "Crédit & Santé SA", "FR"
    revenue_eur = np.clip(np.exp(rng.normal(np.log(4e9), 1.1, count)), 1.5e8, 1.2e11)
    multiple = np.array([SECTOR_BY_CODE[s].evic_to_revenue for s in sectors]) * np.exp(rng.normal(0, 0.25, count))
    evic_eur = np.clip(revenue_eur * multiple, 2e8, 9e10)
    carbon_factor = np.exp(rng.normal(0, 0.35, count))
    scope3_factor = np.exp(rng.normal(0, 0.4, count))
    scope12_per_meur = np.array([SECTOR_BY_CODE[s].scope1_per_meur + SECTOR_BY_CODE[s].scope2_per_meur
                                 for s in sectors])
    scope3_per_meur = np.array([SECTOR_BY_CODE[s].scope3_per_meur for s in sectors])
    emissions_tco2e = revenue_eur / 1e6 * (scope12_per_meur * carbon_factor + scope3_per_meur * scope3_factor)
    return pd.DataFrame({
        "issuer_id": [lei(LEI_PREFIXES[country], rng) for country in countries],
        "name": names,
        "country": countries,
        "sector": sectors,
        "listed": True,
        "revenue_eur": revenue_eur,
        "evic_eur": evic_eur,
        "carbon_factor": carbon_factor,
        "scope3_factor": scope3_factor,
        "footprint_tco2e_per_meur": emissions_tco2e / (evic_eur / 1e6),
        "emission_change": np.array([SECTOR_BY_CODE[s].yearly_emission_change for s in sectors])
        + rng.normal(0, 0.02, count),
        "source": [VENDORS[i][0] for i in rng.choice(len(VENDORS), count, p=[p for _, p in VENDORS])],
        "dated": rng.random(count) > 0.05,
        "data_quality": rng.choice([1, 2, 3, 4], count, p=[0.15, 0.35, 0.35, 0.15]),
        "esg_offset": rng.normal(0, 9, count),
        "first_year": rng.choice([2018, 2019, 2020], count, p=[0.94, 0.04, 0.02]),
        "has_record": True,
    })


def strategic_universe(rng: np.random.Generator) -> pd.DataFrame:
    """The unlisted companies behind the strategic stakes and loans (internal ids, estimated data)."""
    lines = [line for line in STRATEGIC_LINES if line.asset_class in ("unlisted_equity", "loan")]
    count = len(lines)
    revenue_eur = np.exp(rng.normal(np.log(1.2e8), 0.7, count))
    multiple = np.array([SECTOR_BY_CODE[line.sector].evic_to_revenue for line in lines])
    return pd.DataFrame({
        "issuer_id": [f"HM-P{number:04d}" for number in range(1, count + 1)],
        "name": [line.name for line in lines],
        "country": "FR",
        "sector": [line.sector for line in lines],
        "listed": False,
        "revenue_eur": revenue_eur,
        "evic_eur": np.maximum(revenue_eur * multiple * np.exp(rng.normal(0, 0.3, count)), 2e7),
        "carbon_factor": np.exp(rng.normal(0, 0.3, count)),
        "scope3_factor": np.exp(rng.normal(0, 0.3, count)),
        "emission_change": rng.normal(-0.02, 0.01, count),
        "source": "Internal estimate",
        "dated": False,
        "data_quality": rng.choice([4, 5], count, p=[0.6, 0.4]),
        "esg_offset": rng.normal(0, 6, count),
        "first_year": 2018,
        "has_record": [line.has_record for line in lines],
    })


def issuer_universe(rng: np.random.Generator, gaps: np.random.Generator) -> pd.DataFrame:
    """Every issuer of the sample; a few listed ones get no record at all (a coverage gap)."""
    listed = listed_universe(rng)
    unrecorded = gaps.choice(np.flatnonzero(~listed["sector"].isin(list(DIVESTMENT_PROBABILITY))),
                             UNRECORDED_ISSUERS, replace=False)
    listed.loc[unrecorded, "has_record"] = False
    return pd.concat([listed, strategic_universe(rng)], ignore_index=True)


# ---------------------------------------------------------------- issuer records

def publication_date(year: int, source: str, rng: np.random.Generator) -> pd.Timestamp:
    """When a fiscal year's figures are published: spring of the next year (CDP in summer)."""
    months = (7, 9) if source == "CDP" else (4, 6)
    month = int(rng.integers(months[0], months[1] + 1))
    day = int(rng.integers(1, 29))
    return pd.Timestamp(year=year + 1, month=month, day=day)


def issuer_records(universe: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One record per issuer and fiscal year, emissions before calibration (`level` 1)."""
    rows = []
    for issuer in universe[universe["has_record"]].itertuples(index=False):
        sector = SECTOR_BY_CODE[issuer.sector]
        revenue_meur = issuer.revenue_eur / 1e6
        quality = int(issuer.data_quality)
        for year in FISCAL_YEARS:
            if year < issuer.first_year:
                continue
            age = year - 2018
            dip = COVID_DIP.get(year, 1.0)
            trend = np.exp(issuer.emission_change * age) * dip * np.exp(rng.normal(0, 0.04))
            if quality > 1 and rng.random() < 0.08:
                quality -= 1
            rows.append({
                "issuer_id": issuer.issuer_id,
                "year": year,
                "published_on": publication_date(year, issuer.source, rng) if issuer.dated else pd.NaT,
                "scope1_tco2e": revenue_meur * sector.scope1_per_meur * issuer.carbon_factor * trend,
                "scope2_tco2e": revenue_meur * sector.scope2_per_meur * issuer.carbon_factor * trend,
                "scope3_tco2e": revenue_meur * sector.scope3_per_meur * issuer.scope3_factor * trend,
                "evic_eur": issuer.evic_eur * EVIC_MARKET_LEVEL[year] * np.exp(rng.normal(0, 0.1)),
                "revenue_eur": issuer.revenue_eur * 1.03 ** age * dip * np.exp(rng.normal(0, 0.03)),
                "data_quality": quality,
                "sector": issuer.sector,
                "source": issuer.source,
                "name": issuer.name,
                "esg_score": float(np.clip(sector.esg_mean + issuer.esg_offset + 1.2 * age + rng.normal(0, 2),
                                           5, 95)),
            })
    return pd.DataFrame(rows)


def add_restatements(records: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """A dozen dated records restated a few months later with revised figures."""
    candidates = np.flatnonzero(records["published_on"].notna().to_numpy() & records["year"].between(2019, 2023))
    restated = records.iloc[np.sort(rng.choice(candidates, 12, replace=False))].copy()
    restated["published_on"] = [date + pd.DateOffset(months=int(rng.integers(3, 7)))
                                for date in restated["published_on"]]
    for scope in SCOPES:
        restated[scope] = restated[scope] * np.exp(rng.normal(0, 0.06, len(restated)))
    restated["data_quality"] = np.maximum(restated["data_quality"] - 1, 1)
    return pd.concat([records, restated], ignore_index=True)


def punch_gaps(records: pd.DataFrame, universe: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Vendor-file gaps: no early scope 3 for late reporters, holes in low emitters' estimated records."""
    records = records.copy()
    listed_ids = universe.loc[universe["listed"], "issuer_id"].to_numpy()
    late_reporters = rng.choice(listed_ids, 8, replace=False)
    records.loc[records["issuer_id"].isin(late_reporters) & (records["year"] <= 2019), "scope3_tco2e"] = np.nan
    recent = records["year"].between(2019, 2023).to_numpy()
    footprint = records["issuer_id"].map(universe.set_index("issuer_id")["footprint_tco2e_per_meur"])
    low_emitter = (footprint < universe["footprint_tco2e_per_meur"].median()).to_numpy()
    estimated = np.flatnonzero(recent & low_emitter & (records["data_quality"] >= 3).to_numpy())
    holes = rng.choice(estimated, 24, replace=False)
    records.loc[records.index[holes[:16]], "scope3_tco2e"] = np.nan
    records.loc[records.index[holes[16:22]], "evic_eur"] = np.nan
    records.loc[records.index[holes[22:]], "evic_eur"] = 0.0
    records.loc[rng.choice(np.flatnonzero(recent), 12, replace=False), "revenue_eur"] = np.nan
    return records


def round_records(records: pd.DataFrame) -> pd.DataFrame:
    """The precision written to the file: 0.1 t, whole euros, one-decimal scores."""
    records = records.copy()
    for scope in SCOPES:
        records[scope] = records[scope].round(1)
    for column in AMOUNTS:
        if column in records.columns:
            records[column] = records[column].round(0)
    records["esg_score"] = records["esg_score"].round(1)
    return records


def usd_records(records: pd.DataFrame, universe: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """US issuers publishing their own report give EVIC and revenue in USD (`evic`, `revenue`, `currency`).

    The amounts are the simulated EUR figures turned into USD with the rates the engine will use back
    (EVIC at the fiscal-year-end rate, revenue at the year's mean), so the book barely moves; the EUR
    columns of those rows are left empty (a row gives one form or the other). Gaps stay gaps.
    """
    records = records.copy()
    reporters = universe.loc[(universe["country"] == USD_COUNTRY) & (universe["source"] == USD_SOURCE), "issuer_id"]
    usd = records["issuer_id"].isin(set(reporters)).to_numpy()
    years = records.loc[usd, "year"].astype(int)
    closing = years.map(lambda year: closing_rate(rates, "USD", year))
    mean = years.map(lambda year: mean_rate(rates, "USD", year))
    records["currency"] = np.where(usd, "USD", "")
    records["evic"] = (records.loc[usd, "evic_eur"] / closing).round(0)
    records["revenue"] = (records.loc[usd, "revenue_eur"] / mean).round(0)
    records.loc[usd, ["evic_eur", "revenue_eur"]] = np.nan
    return records


# ---------------------------------------------------------------- currencies and sovereigns

def fx_rates() -> pd.DataFrame:
    """EUR per USD on the last fixing day of every month of 2018-2024."""
    month_ends_ = pd.date_range("2018-01-01", "2024-12-31", freq="BME")
    holidays = pd.DatetimeIndex(TARGET_HOLIDAY_MONTH_ENDS)
    dates = month_ends_.where(~month_ends_.isin(holidays), month_ends_ - pd.offsets.BDay(1))
    usd_per_eur = np.array([rate for year in sorted(USD_PER_EUR) for rate in USD_PER_EUR[year]])
    return pd.DataFrame({"date": dates, "currency": "USD", "eur_per_unit": np.round(1 / usd_per_eur, 6)})


def sovereign_records(rates: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Country records: each fiscal year's approximated inventory, then the official one when it is out."""
    usd_mean = {year: mean_rate(rates, "USD", year) for year in FISCAL_YEARS}
    average_usd = float(np.mean(list(usd_mean.values())))
    rows = []
    for country, (emissions_mt, gdp_beur, ppp_ratio) in SOVEREIGN_FIGURES.items():
        for position, year in enumerate(FISCAL_YEARS):
            official_tco2e = emissions_mt[position] * 1e6 * float(np.exp(rng.normal(0, 0.004)))
            gdp_eur = gdp_beur[position] * 1e9
            gdp_ppp_eur = gdp_eur * ppp_ratio * usd_mean[year] / average_usd
            proxy_tco2e = official_tco2e * float(np.exp(rng.normal(0, PROXY_INVENTORY_REVISION)))
            for published_on, emissions in ((pd.Timestamp(year=year + 1, month=10, day=31), proxy_tco2e),
                                            (pd.Timestamp(year=year + 2, month=4, day=15), official_tco2e)):
                if published_on <= EXTRACTED_ON:
                    rows.append({"country": country, "year": year, "published_on": published_on,
                                 "emissions_tco2e": round(emissions, -3), "gdp_ppp_eur": round(gdp_ppp_eur, -6),
                                 "gdp_eur": gdp_eur})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- the looked-through fund

def fund_compositions(universe: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The SRI fund's composition at each date: French listed equities, weights drifting, a little cash.

    The largest French issuers outside the fund's excluded sectors; the core names are held from
    the start (a few leave during 2022-2024), candidates may enter. Weights lean to size, drift from
    one quarter to the next, are capped, and sum to one minus the fund's cash; rounded down to 1e-6
    so that a sum never exceeds one.
    """
    eligible = universe[universe["listed"] & (universe["country"] == "FR")
                        & ~universe["sector"].isin(SRI_EXCLUDED_SECTORS)]
    names = eligible.sort_values("evic_eur", ascending=False, kind="stable").head(FUND_CORE + FUND_BENCH)
    dates = composition_dates()
    count, periods = len(names), len(dates)
    core = np.arange(count) < FUND_CORE
    change_draw, timing_draw = rng.random(count), rng.random(count)
    change_at = 2 + (timing_draw * (periods - 2)).astype(int)  # a composition date in 2022-2024
    entry = np.where(core, 0, np.where(change_draw < FUND_ENTRY_PROBABILITY, change_at, periods))
    exit_ = np.where(core & (change_draw < FUND_EXIT_PROBABILITY), change_at, periods)
    held = (np.arange(periods)[None, :] >= entry[:, None]) & (np.arange(periods)[None, :] < exit_[:, None])
    tilt = np.exp(rng.normal(0, 0.3, count)) * names["evic_eur"].to_numpy() ** 0.6
    drift = np.cumprod(np.exp(rng.normal(0, 0.07, (count, periods))), axis=1)
    cash = rng.uniform(*FUND_CASH, periods)
    raw = np.where(held, tilt[:, None] * drift, 0.0)
    weights = np.minimum(raw / raw.sum(axis=0), FUND_MAX_WEIGHT)
    weights = np.floor(weights / weights.sum(axis=0) * (1 - cash) * 1e6) / 1e6
    rows = [{"fund_id": LOOKTHROUGH_FUND_ID, "as_of": date, "issuer_id": issuer_id, "asset_class": "listed_equity",
             "weight": weights[line, period]}
            for period, date in enumerate(dates)
            for line, issuer_id in enumerate(names["issuer_id"]) if held[line, period]]
    return pd.DataFrame(rows, columns=FUND_COLUMNS)


def fund_line_values(equity_market: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The fund units' value per grid month: the book's equity market plus the fund's own moves, units unchanged."""
    returns = equity_market + rng.normal(0, FUND_TRACKING_ERROR, MONTHS)
    return held_values(np.array([LOOKTHROUGH_FUND_EUR]), growth_paths(returns[None, :]), np.array([0]),
                       np.array([MONTHS]))


# ---------------------------------------------------------------- market simulation

def monthly_drift(drift_by_year: dict[int, float]) -> np.ndarray:
    """Drift per grid month (month 0 has none)."""
    years = month_ends().year.to_numpy()
    drift = np.array([drift_by_year.get(int(year), 0.0) for year in years])
    drift[0] = 0.0
    return drift


def market_returns(sector_codes: list[str], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Monthly factor returns: equity market, bond market, and one equity and credit factor per sector."""
    codes = [sector.code for sector in SECTORS]
    equity = monthly_drift(EQUITY_DRIFT) + rng.normal(0, 0.035, MONTHS)
    bonds = monthly_drift(BOND_DRIFT) + rng.normal(0, 0.012, MONTHS)
    equity_by_sector = rng.normal(0, 0.025, (len(codes), MONTHS))
    credit_by_sector = rng.normal(0, 0.004, (len(codes), MONTHS))
    position = np.array([codes.index(code) for code in sector_codes])
    return {"equity": equity, "bonds": bonds, "equity_sector": equity_by_sector[position],
            "credit_sector": credit_by_sector[position]}


def growth_paths(returns: np.ndarray) -> np.ndarray:
    """Cumulative growth per grid month from monthly returns (month 0 = 1)."""
    returns = returns.copy()
    returns[:, 0] = 0.0
    return np.cumprod(1 + returns, axis=1)


def held_values(value_at_entry_eur: np.ndarray, growth: np.ndarray, entry: np.ndarray,
                exit_: np.ndarray) -> np.ndarray:
    """Values per position and grid month: entry value times growth since entry, NaN when not held."""
    months = np.arange(MONTHS)
    since_entry = growth / growth[np.arange(len(entry)), entry][:, None]
    values = value_at_entry_eur[:, None] * since_entry
    held = (months[None, :] >= entry[:, None]) & (months[None, :] < exit_[:, None])
    return np.where(held, values, np.nan)


def hold_between(values: np.ndarray, valuation_months: np.ndarray) -> np.ndarray:
    """Keep each value constant until the next valuation month (appraisals, quarterly NAVs)."""
    last_valuation = np.maximum.accumulate(np.where(valuation_months, np.arange(MONTHS), 0))
    valued = values[:, last_valuation]
    return np.where(np.isnan(values), np.nan, np.where(np.isnan(valued), values, valued))


# ---------------------------------------------------------------- yield book

def yield_lines(universe: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Equity and bond lines on listed issuers: who is held, entry and exit months, size at entry."""
    # Every line takes the same draws whatever the policy and turnover settings, so that changing
    # a probability changes which lines trade, not the rest of the book.
    listed = universe[universe["listed"]].reset_index(drop=True)
    excluded_above = listed["footprint_tco2e_per_meur"].quantile(EXCLUSION_QUANTILE)
    lines = []
    for issuer in listed.itertuples(index=False):
        policy = climate_policy(issuer, excluded_above, rng)
        if rng.random() < 0.45:
            lines.append(listed_line(issuer, "listed_equity", issuer.name, policy, rng))
        for _ in range(int(rng.choice([0, 1, 1, 2]))):
            bond = listed_line(issuer, "corporate_bond", "", policy, rng)
            earliest = 2022 if bond["entry"] == 0 else 2027
            maturity = earliest + int(rng.random() * (2036 - earliest))
            bond["name"] = bond_name(issuer.name, rng, maturity)
            lines.append(bond)
            matured = (maturity - 2019) * 12 - int(rng.integers(0, 12))
            rollover = {**bond, "name": bond_name(issuer.name, rng, int(rng.integers(2030, 2035))),
                        "entry": matured, "exit": MONTHS, "bought": False, "sold": False}
            if matured < bond["exit"]:
                bond.update(exit=matured, sold=False)
                if policy is None:
                    lines.append(rollover)
    return pd.DataFrame(lines)


def bond_name(issuer_name: str, rng: np.random.Generator, maturity: int) -> str:
    """A bond line as the back office names it: issuer, coupon with a decimal comma, maturity year."""
    coupon_pct = f"{rng.choice(np.arange(0.25, 5.01, 0.125)):.3f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{issuer_name} {coupon_pct}% {maturity}"


def climate_policy(issuer: Any, excluded_above: float, rng: np.random.Generator) -> tuple[int, int] | None:
    """Grid months within which the climate policy sells an issuer (2020-2021 or 2023), or None."""
    divest_draw, exclude_draw = rng.random(2)
    if divest_draw < DIVESTMENT_PROBABILITY.get(issuer.sector, 0.0):
        return 3, FIRST_WRITTEN_MONTH
    if issuer.footprint_tco2e_per_meur > excluded_above and exclude_draw < EXCLUSION_PROBABILITY:
        return 37, 48
    return None


def listed_line(issuer: Any, asset_class: str, name: str, policy: tuple[int, int] | None,
          rng: np.random.Generator) -> dict[str, Any]:
    """One equity or bond line: sold when the climate policy says so, else a few enter or leave in 2022-2024."""
    turnover_draw, timing_draw = rng.random(2)
    first, last = policy or (FIRST_WRITTEN_MONTH + 1, MONTHS)
    month = first + int(timing_draw * (last - first))
    entry, exit_ = 0, MONTHS
    if policy is not None or TURNOVER_IN <= turnover_draw < TURNOVER_IN + TURNOVER_OUT:
        exit_ = month
    elif turnover_draw < TURNOVER_IN:
        entry = month
    size_eur = np.exp(rng.normal(np.log(2.6e6), 0.5))
    return {"issuer_id": issuer.issuer_id, "sector": issuer.sector, "asset_class": asset_class, "name": name,
            "entry": entry, "exit": max(exit_, entry + 1), "value_eur": size_eur, "bought": entry > 0,
            "sold": exit_ < MONTHS}


def listed_values(lines: pd.DataFrame, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Market values of the equity and bond lines per grid month, and the equity market's monthly returns."""
    factors = market_returns(list(lines["sector"]), rng)
    count = len(lines)
    is_equity = (lines["asset_class"] == "listed_equity").to_numpy()[:, None]
    equity = factors["equity"][None, :] + factors["equity_sector"] + rng.normal(0, 0.05, (count, MONTHS))
    bonds = factors["bonds"][None, :] + factors["credit_sector"] + rng.normal(0, 0.004, (count, MONTHS))
    growth = growth_paths(np.where(is_equity, equity, bonds))
    values = held_values(lines["value_eur"].to_numpy(), growth, lines["entry"].to_numpy(), lines["exit"].to_numpy())
    return values * trading_ramps(lines), factors["equity"]


def trading_ramps(lines: pd.DataFrame) -> np.ndarray:
    """Share of each line held per month: purchases and sales are spread over a quarter, redemptions are not."""
    months = np.arange(MONTHS)[None, :]
    entry, exit_ = lines["entry"].to_numpy()[:, None], lines["exit"].to_numpy()[:, None]
    bought = np.clip((months - entry + 1) / TRADING_MONTHS, 0, 1)
    sold = np.clip((exit_ - months) / TRADING_MONTHS, 0, 1)
    return np.where(lines["bought"].to_numpy()[:, None], bought, 1) * np.where(lines["sold"].to_numpy()[:, None],
                                                                                 sold, 1)


def number_lines(lines: pd.DataFrame) -> pd.Series:
    """Stable holding ids: Y-EQ-0001 for equities, Y-CB-0001 for corporate bonds, in issuer order."""
    prefix = lines["asset_class"].map({"listed_equity": "Y-EQ", "corporate_bond": "Y-CB"})
    rank = lines.groupby("asset_class").cumcount() + 1
    return prefix + "-" + rank.map("{:04d}".format)


def other_yield_lines(rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """Sovereign bonds, cash accounts and real estate of the yield bucket, with their values per month."""
    sovereigns = [("FR", "OAT 0,5% 25/05/2029"), ("FR", "OAT 1,25% 25/05/2036"), ("DE", "Bund 0% 15/02/2030"),
                  ("IT", "BTP 2,05% 01/08/2027"), ("ES", "Bonos 1,4% 30/07/2028"), ("BE", "OLO 0,8% 22/06/2028"),
                  ("NL", "DSL 0,5% 15/07/2032"), ("FR", "OAT 3% 25/11/2034")]
    rows = [{"holding_id": f"Y-SB-{n:04d}", "issuer_id": country, "asset_class": "sovereign_bond",
             "listed": True, "name": name, "entry": 0 if n < 8 else 40}
            for n, (country, name) in enumerate(sovereigns, start=1)]
    rows += [{"holding_id": f"Y-CA-{n:04d}", "issuer_id": "", "asset_class": "cash", "listed": False,
              "name": name, "entry": 0} for n, name in enumerate(("Compte courant dépositaire",
                                                                   "Compte espèces titres"), start=1)]
    rows += [{"holding_id": f"Y-RE-{n:04d}", "issuer_id": "", "asset_class": "real_estate", "listed": False,
              "name": name, "entry": 0} for n, name in enumerate(("SCPI Bureaux Île-de-France",
                                                                   "OPCI Commerces & Santé",
                                                                   "SCI Logistique Rhône-Alpes"), start=1)]
    lines = pd.DataFrame(rows)
    count = len(lines)
    kind = lines["asset_class"].to_numpy()[:, None]
    bonds = monthly_drift(BOND_DRIFT) * 1.2 + rng.normal(0, 0.01, MONTHS)
    returns = np.where(kind == "sovereign_bond", bonds[None, :] + rng.normal(0, 0.003, (count, MONTHS)),
                       rng.normal(0.002, 0.01, (count, MONTHS)))
    size_eur = np.where(kind[:, 0] == "sovereign_bond", 13e6, np.where(kind[:, 0] == "cash", 14e6, 22e6))
    values = held_values(size_eur, growth_paths(returns), lines["entry"].to_numpy(), np.full(count, MONTHS))
    cash = kind[:, 0] == "cash"
    values[cash] = size_eur[cash, None] * rng.uniform(0.2, 1.6, (int(cash.sum()), MONTHS))
    values[np.flatnonzero(cash)[1], 41] = -185_000.0  # a settlement overdraft in May 2023
    real_estate = kind[:, 0] == "real_estate"
    values[real_estate] = hold_between(values[real_estate], month_ends().month.isin([6, 12]))
    return lines, values


def territorial_shares(rng: np.random.Generator) -> np.ndarray:
    """The fund's share of the yield bucket per month: the published anchors, a drift in between."""
    published = {month_ends().get_loc(date): share for date, share in TERRITORIAL_SHARE.items()}
    anchors = dict(sorted({0: 0.09, 24: 0.148, MONTHS - 1: 0.139, **published}.items()))
    shares = np.interp(np.arange(MONTHS), list(anchors), list(anchors.values())) + rng.normal(0, 0.0015, MONTHS)
    shares[list(published)] = list(published.values())
    return shares


# ---------------------------------------------------------------- strategic book

def strategic_values(rng: np.random.Generator) -> np.ndarray:
    """Strategic values per grid month: quarterly NAVs, half-yearly appraisals, amortising loans."""
    lines = STRATEGIC_LINES
    count = len(lines)
    entry = np.array([line.entry_month for line in lines])
    exit_ = np.array([line.exit_month for line in lines])
    growth = growth_paths(rng.normal(0.004, 0.012, (count, MONTHS)))
    values = held_values(np.array([line.value_meur * 1e6 for line in lines]), growth, entry, exit_)
    months = month_ends().month
    for position, line in enumerate(lines):
        if line.asset_class == "loan":
            term_months = int(rng.integers(120, 240))
            amortised = 1 - np.clip(np.arange(MONTHS) - line.entry_month, 0, None) / term_months
            values[position] = np.where(np.isnan(values[position]), np.nan, line.value_meur * 1e6 * amortised)
        else:
            valued_on = months.isin([6, 12]) if line.asset_class == "real_estate" else months.isin([3, 6, 9, 12])
            values[position] = hold_between(values[position][None, :], valued_on)[0]
    return values


# ---------------------------------------------------------------- the book

def scale_to(values: np.ndarray, month: int, target_eur: float) -> np.ndarray:
    """Scale a block of lines so that their total at one grid month is the target."""
    return values * (target_eur / np.nansum(values[:, month]))


def long_frame(lines: pd.DataFrame, values: np.ndarray) -> pd.DataFrame:
    """Lines x snapshot months into holdings rows (lines not held that month are dropped)."""
    written = snapshot_months()
    dates = month_ends()[written]
    block = np.round(values[:, written], 2)
    rows, columns = np.nonzero(~np.isnan(block))
    frame = lines.iloc[rows].reset_index(drop=True)
    frame.insert(0, "as_of", dates[columns])
    frame["market_value_eur"] = block[rows, columns]
    return frame


def build_holdings(universe: pd.DataFrame, rngs: dict[str, np.random.Generator]) -> pd.DataFrame:
    """Every holding row of the sample book, calibrated on the published values."""
    calibration_month = month_ends().get_loc(CALIBRATION_DATE)
    listed = yield_lines(universe, rngs["trades"])
    listed_eur, equity_market = listed_values(listed, rngs["market"])
    listed["holding_id"] = number_lines(listed)
    listed["listed"] = True
    bonds = np.flatnonzero(listed["asset_class"] == "corporate_bond")
    listed.loc[rngs["gaps"].choice(bonds, UNMAPPED_BONDS, replace=False), "issuer_id"] = ""  # not yet mapped
    others, others_eur = other_yield_lines(rngs["market"])
    shares = territorial_shares(rngs["market"])
    sri_fund = pd.DataFrame([{"holding_id": "Y-FD-0002", "issuer_id": "", "asset_class": "fund", "listed": True,
                              "name": LOOKTHROUGH_FUND_NAME, "fund_id": LOOKTHROUGH_FUND_ID}])
    others = pd.concat([others, sri_fund], ignore_index=True)
    others_eur = np.vstack([others_eur, fund_line_values(equity_market, rngs["funds"])])

    other_eur = np.vstack([listed_eur, others_eur])  # every yield line but the territorial fund
    other_target_eur = YIELD_VALUE_EUR * (1 - TERRITORIAL_SHARE[CALIBRATION_DATE])
    other_eur = np.round(scale_to(other_eur, calibration_month, other_target_eur), 2)
    territorial_eur = np.round(np.nansum(other_eur, axis=0) * shares / (1 - shares), 2)
    territorial = pd.DataFrame([{"holding_id": "Y-FD-0001", "issuer_id": "", "asset_class": "fund",
                                 "listed": False, "name": TERRITORIAL_FUND_NAME, "fund_id": TERRITORIAL_FUND_ID}])
    yield_frame = long_frame(pd.concat([listed, others, territorial], ignore_index=True),
                             np.vstack([other_eur, territorial_eur[None, :]]))
    yield_frame["bucket"] = "yield"
    yield_frame["purpose"] = ""
    return pd.concat([yield_frame, strategic_frame(universe, rngs["strategic"], calibration_month)],
                     ignore_index=True)


def strategic_frame(universe: pd.DataFrame, rng: np.random.Generator, calibration_month: int) -> pd.DataFrame:
    """Strategic rows, health lines scaled to 82.7 % of 800 M EUR at the calibration date."""
    values = strategic_values(rng)
    health = np.array([bool(line.purpose) for line in STRATEGIC_LINES])
    values[health] = scale_to(values[health], calibration_month, STRATEGIC_VALUE_EUR * HEALTH_SHARE)
    values[~health] = scale_to(values[~health], calibration_month, STRATEGIC_VALUE_EUR * (1 - HEALTH_SHARE))
    ids_by_name = dict(zip(universe["name"], universe["issuer_id"]))
    prefixes = {"unlisted_equity": "S-UE", "loan": "S-LN", "real_estate": "S-RE", "fund": "S-FD"}
    counters: dict[str, int] = {}
    rows = []
    for line in STRATEGIC_LINES:
        counters[line.asset_class] = counters.get(line.asset_class, 0) + 1
        rows.append({"holding_id": f"{prefixes[line.asset_class]}-{counters[line.asset_class]:04d}",
                     "issuer_id": ids_by_name.get(line.name, ""), "asset_class": line.asset_class,
                     "listed": False, "name": line.name, "purpose": line.purpose})
    frame = long_frame(pd.DataFrame(rows), values)
    frame["bucket"] = "strategic"
    return frame


def finish_holdings(holdings: pd.DataFrame) -> pd.DataFrame:
    """Contract columns, empty text for missing cells, rows in (as_of, holding_id) order."""
    holdings = holdings.copy()
    for column in ("issuer_id", "name", "fund_id", "purpose"):
        holdings[column] = holdings[column].fillna("").astype(str)
    holdings["listed"] = holdings["listed"].astype(bool)
    return holdings[HOLDINGS_COLUMNS].sort_values(["as_of", "holding_id"], ignore_index=True)


# ---------------------------------------------------------------- emission calibration

def vintage_levels(anchored: dict[int, float]) -> dict[int, float]:
    """Levels of every fiscal year from those of the anchored years (2018, 2021, 2022, 2023)."""
    levels = dict(anchored)
    levels[2019] = anchored[2018] ** (2 / 3) * anchored[2021] ** (1 / 3)
    levels[2020] = anchored[2018] ** (1 / 3) * anchored[2021] ** (2 / 3)
    levels[2024] = anchored[2023] * LATEST_LEVEL_CHANGE
    return levels


def leveled(records: pd.DataFrame, levels: dict[int, float]) -> pd.DataFrame:
    """Records with each fiscal year's scope figures multiplied by its level, rounded as written."""
    records = records.copy()
    factor = records["year"].map(levels).to_numpy()
    for scope in SCOPES:
        records[scope] = records[scope] * factor
    return round_records(records)


def engine_footprints(holdings: pd.DataFrame, records: pd.DataFrame,
                      extensions: dict[str, pd.DataFrame]) -> tuple[pd.Series, pd.DataFrame]:
    """The engine's listed-yield footprint at each anchor, and the shares of its financed emissions by fiscal year.

    The engine reads the fund composition (the fund's children are in the perimeter), the FX rates
    (the USD reporters' EVIC) and the sovereign records, as it does on the bundled files.
    """
    result = analyze(holdings, records, **extensions)
    footprints = metric_series(result.metrics, "listed_yield", FOOTPRINT).loc[list(FOOTPRINT_TARGETS)]
    contributions = result.contributions
    covered = contributions[perimeter_masks(contributions)["listed_yield"] & contributions["covered"].to_numpy()]
    financed = covered.groupby(["as_of", "record_year"])["financed_emissions_tco2e"].sum().unstack(fill_value=0.0)
    financed.columns = financed.columns.astype(int)
    shares = financed.div(financed.sum(axis=1), axis=0).reindex(columns=list(FISCAL_YEARS), fill_value=0.0)
    return footprints, shares.loc[list(FOOTPRINT_TARGETS)]


def solve_levels(footprints: pd.Series, shares: pd.DataFrame, anchored: dict[int, float]) -> dict[int, float]:
    """Anchored levels putting every footprint on target, a footprint being linear in its vintages' levels."""
    current = np.array([vintage_levels(anchored)[year] for year in FISCAL_YEARS])
    targets = np.array([target for target, _ in FOOTPRINT_TARGETS.values()])
    solved = dict(anchored)
    for _ in range(SOLVER_ROUNDS):
        change = np.array([vintage_levels(solved)[year] for year in FISCAL_YEARS]) / current
        predicted = footprints.to_numpy() * (shares.to_numpy() @ change)
        for (_, year), ratio in zip(FOOTPRINT_TARGETS.values(), targets / predicted):
            solved[year] *= ratio
    return solved


def calibrate_emissions(holdings: pd.DataFrame, records: pd.DataFrame,
                        extensions: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rescale the anchored fiscal years until the engine puts every year-end footprint on target."""
    anchors = holdings["as_of"].isin(list(FOOTPRINT_TARGETS)) & (holdings["bucket"] == "yield") & holdings["listed"]
    targets = pd.Series({date: target for date, (target, _) in FOOTPRINT_TARGETS.items()})
    anchored = {year: 1.0 for _, year in FOOTPRINT_TARGETS.values()}
    for _ in range(CALIBRATION_ROUNDS):
        calibrated = leveled(records, vintage_levels(anchored))
        footprints, shares = engine_footprints(holdings[anchors], calibrated, extensions)
        errors = targets / footprints - 1
        if errors.abs().max() < CALIBRATION_TOLERANCE:
            return calibrated
        anchored = solve_levels(footprints, shares, anchored)
    raise RuntimeError(f"emission calibration did not converge: target / actual - 1 = {errors.to_dict()}")


# ---------------------------------------------------------------- writing

def french_number(values: pd.Series) -> pd.Series:
    """Amounts as the back office writes them: two decimals, decimal comma."""
    return values.map("{:.2f}".format).str.replace(".", ",", regex=False)


def plain_number(values: pd.Series, decimals: int) -> pd.Series:
    """Numbers with `.` and a fixed number of decimals; empty when missing."""
    return values.map(lambda v: "" if pd.isna(v) else f"{v:.{decimals}f}")


def holdings_csv(holdings: pd.DataFrame) -> bytes:
    """The holdings file: `;`, decimal comma, DD/MM/YYYY, oui/non, UTF-8 with BOM, CRLF."""
    text = holdings.copy()
    text["as_of"] = holdings["as_of"].dt.strftime("%d/%m/%Y")
    text["listed"] = holdings["listed"].map({True: "oui", False: "non"})
    text["market_value_eur"] = french_number(holdings["market_value_eur"])
    return text.to_csv(sep=";", index=False, lineterminator="\r\n").encode("utf-8-sig")


def plain_csv(frame: pd.DataFrame, columns: list[str], dates: tuple[str, ...] = (),
              decimals: dict[str, int] | None = None) -> bytes:
    """A reference file as vendors send it: `,`, `.` decimals, ISO dates, UTF-8, `\n`; empty cells when missing."""
    text = frame[columns].copy()
    for column in dates:
        text[column] = frame[column].dt.strftime("%Y-%m-%d").fillna("")
    for column, places in (decimals or {}).items():
        text[column] = plain_number(frame[column], places)
    return text.to_csv(index=False, lineterminator="\n").encode("utf-8")


def issuers_csv(records: pd.DataFrame) -> bytes:
    """The issuer file, rows by issuer, year, publication; tonnes to 0.1, euros whole."""
    records = records.sort_values(["issuer_id", "year", "published_on"], na_position="first", ignore_index=True)
    decimals = {**dict.fromkeys(SCOPES, 1), **dict.fromkeys(AMOUNTS, 0), "esg_score": 1,
                "market_cap_eur": 0, "total_assets_eur": 0}
    return plain_csv(records, ISSUER_COLUMNS, ("published_on",), decimals)


def funds_csv(compositions: pd.DataFrame) -> bytes:
    """The look-through file, rows by fund, date, then the manager's line order; weights to 6 decimals."""
    return plain_csv(compositions, FUND_COLUMNS, ("as_of",), {"weight": 6})


def sovereigns_csv(countries: pd.DataFrame) -> bytes:
    """The country file: tonnes and euros as whole numbers."""
    return plain_csv(countries, SOVEREIGN_COLUMNS, ("published_on",),
                     dict.fromkeys(("emissions_tco2e", "gdp_ppp_eur", "gdp_eur"), 0))


def fx_csv(rates: pd.DataFrame) -> bytes:
    """The rate file: EUR per unit with six decimals."""
    return plain_csv(rates, FX_COLUMNS, ("date",), {"eur_per_unit": 6})


def random_streams() -> dict[str, np.random.Generator]:
    """One independent generator per part of the book, all from SEED: tuning one part leaves the others be."""
    seeds = np.random.SeedSequence(SEED).spawn(len(STREAMS))
    return {name: np.random.default_rng(seed) for name, seed in zip(STREAMS, seeds)}


def build_sample() -> dict[str, bytes]:
    """The calibrated sample book: file name -> bytes, for the six files of `SAMPLE_FILES`."""
    rngs = random_streams()
    universe = issuer_universe(rngs["issuers"], rngs["gaps"])
    rates = fx_rates()
    records = add_restatements(issuer_records(universe, rngs["records"]), rngs["records"])
    records = usd_records(punch_gaps(records, universe, rngs["gaps"]), universe, rates)
    holdings = finish_holdings(build_holdings(universe, rngs))
    compositions = fund_compositions(universe, rngs["funds"])
    countries = sovereign_records(rates, rngs["sovereigns"])
    extensions = {"funds": compositions, "sovereigns": countries, "fx": rates}
    calibrated = with_company_values(calibrate_emissions(holdings, records, extensions), universe,
                                     rngs["temperature"])
    targets = sample_targets(universe, calibrated, rngs["temperature"])
    contents = (holdings_csv(holdings), issuers_csv(calibrated), funds_csv(compositions), sovereigns_csv(countries),
                fx_csv(rates), targets_csv(targets))
    return dict(zip(SAMPLE_FILES, contents))


def write_sample(folder: Path) -> dict[str, Path]:
    """Write the sample's files into `folder`; return their paths by file name."""
    contents = build_sample()
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, content in contents.items():
        paths[name] = folder / name
        paths[name].write_bytes(content)
    return paths


def summary(paths: dict[str, Path]) -> list[str]:
    """The published figures, and the extensions' figures, as the engine computes them on the written files."""
    result = analyze(paths[SAMPLE_HOLDINGS], paths[SAMPLE_ISSUERS],
                     **{role: paths[name] for role, name in SAMPLE_EXTENSIONS.items()})
    metrics = result.metrics

    def value(date: str, perimeter: str, metric: str) -> float:
        """One value of metrics.csv."""
        return float(metric_series(metrics, perimeter, metric)[pd.Timestamp(date)])

    footprint = {year: value(f"{year}-12-31", "listed_yield", FOOTPRINT) for year in (2019, 2022, 2023)}
    end_2023 = result.contributions[result.contributions["as_of"] == CALIBRATION_DATE]
    usd_issuers = result.contributions.loc[result.contributions["issuer_id"].isin(usd_issuer_ids(paths)),
                                           "issuer_id"].nunique()
    return [
        f"strategic value 2023-12-31: {value('2023-12-31', 'strategic', 'value_eur') / 1e6:.2f} M EUR, "
        f"health share {value('2023-12-31', 'strategic', 'health_share'):.4f}",
        f"yield value 2023-12-31: {value('2023-12-31', 'yield', 'value_eur') / 1e6:.2f} M EUR, territorial "
        f"{value('2023-12-31', 'yield', 'territorial_value_eur') / 1e6:.2f} M EUR",
        f"footprint 2019 / 2022 / 2023: {footprint[2019]:.2f} / {footprint[2022]:.2f} / {footprint[2023]:.2f} "
        f"tCO2e/MEUR ({footprint[2023] / footprint[2022] - 1:+.2%} in 2023, "
        f"{footprint[2023] / footprint[2019] - 1:+.2%} since 2019)",
        f"2023-12-31: looked-through fund {value('2023-12-31', 'yield', 'lookthrough_value_eur') / 1e6:.2f} M EUR "
        f"({int(end_2023['parent_holding_id'].ne('').sum())} child lines); sovereign financed emissions "
        f"{value('2023-12-31', 'yield', 'sovereign_financed_emissions_tco2e'):.0f} t on "
        f"{value('2023-12-31', 'yield', 'sovereign_covered_value_eur') / 1e6:.2f} M EUR; "
        f"{usd_issuers} USD-reporting issuers in the book",
    ]


def usd_issuer_ids(paths: dict[str, Path]) -> set[str]:
    """Issuers whose records give their amounts in USD."""
    issuers = pd.read_csv(paths[SAMPLE_ISSUERS], dtype=str, keep_default_na=False)
    return set(issuers.loc[issuers["currency"] == "USD", "issuer_id"])


def main() -> None:
    """Regenerate the bundled sample beside this module and print the calibrated figures."""
    paths = write_sample(Path(__file__).resolve().parent)
    for line in summary(paths):
        print(line)
    print("wrote " + ", ".join(str(path) for path in paths.values()))


if __name__ == "__main__":
    main()

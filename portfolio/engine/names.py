"""The vocabulary of the figures, declared once: metric names, perimeters and effects.

Every module that writes, selects or labels a figure names it through these
constants, so a metric cannot be spelled two ways; the renderers get them
through the public face (`portfolio.names`).
"""

# metrics of metrics.csv (the contract's table) and of the extensions
VALUE = "value_eur"
ELIGIBLE_VALUE = "eligible_value_eur"
COVERED_VALUE = "covered_value_eur"
COVERAGE = "coverage_ratio"
COVERAGE_ELIGIBLE = "coverage_eligible_ratio"
EMISSIONS = "financed_emissions_tco2e"
SCOPE_EMISSIONS = tuple(f"financed_emissions_scope{scope}_tco2e" for scope in (1, 2, 3))
FOOTPRINT = "carbon_footprint_tco2e_per_meur"
FOOTPRINT_SFDR = "carbon_footprint_sfdr_tco2e_per_meur"
WACI = "waci_tco2e_per_meur_revenue"
INTENSITY_SFDR = "ghg_intensity_sfdr_tco2e_per_meur_revenue"
DATA_QUALITY = "data_quality_score"
HEALTH_VALUE = "health_value_eur"
HEALTH_SHARE = "health_share"
TERRITORIAL_VALUE = "territorial_value_eur"
TERRITORIAL_SHARE = "territorial_share"
LOOKTHROUGH_VALUE = "lookthrough_value_eur"
ESTIMATED_VALUE = "estimated_value_eur"
ESTIMATED_EMISSIONS = "estimated_financed_emissions_tco2e"
SOVEREIGN_COVERED_VALUE = "sovereign_covered_value_eur"
SOVEREIGN_EMISSIONS = "sovereign_financed_emissions_tco2e"
SOVEREIGN_INTENSITY = "ghg_intensity_sovereign_tco2e_per_meur_gdp"
EVIC_FACTOR = "evic_inflation_factor"
ADJUSTED_FOOTPRINT = "carbon_footprint_evic_adjusted_tco2e_per_meur"

# perimeters: every snapshot has all four; the 2030 path is measured on listed yield assets
TOTAL, YIELD, STRATEGIC, LISTED_YIELD = "total", "yield", "strategic", "listed_yield"
PERIMETERS = (TOTAL, YIELD, STRATEGIC, LISTED_YIELD)
HEALTH_PERIMETERS = (STRATEGIC,)
TERRITORIAL_PERIMETERS = (YIELD, TOTAL)
TRAJECTORY_PERIMETER = LISTED_YIELD
TRAJECTORY_METRICS = (FOOTPRINT, EMISSIONS)

# the effects the attribution of change splits a footprint change into (they add up to TOTAL_EFFECT)
EFFECTS = ("allocation", "emissions", "evic", "coverage")
TOTAL_EFFECT = "total"

"""Every word of the report, one dict per language, with the dates spelled the reader's way.

The French wording follows the insurer's 2023 mission report ("empreinte
carbone", "actifs de rendement", "participations stratégiques", "parcours
patient", "ans d'avance sur la trajectoire") so that the committee reads the
same terms in both documents. Sentences are `str.format` templates whose
fields are already formatted numbers (`reports.numbers`), so grammar stays
here and arithmetic stays out. Both languages must have the same keys (a test
checks it).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from reports.numbers import EMPTY, format_number, is_empty

LANGUAGES = ("fr", "en")

NACE_FR = {
    "A": "Agriculture, sylviculture et pêche", "B": "Industries extractives", "C": "Industrie manufacturière",
    "D": "Électricité, gaz, vapeur", "E": "Eau, déchets, dépollution", "F": "Construction",
    "G": "Commerce", "H": "Transports et entreposage", "I": "Hébergement et restauration",
    "J": "Information et communication", "K": "Activités financières et d'assurance", "L": "Activités immobilières",
    "M": "Activités spécialisées, scientifiques et techniques", "N": "Services administratifs et de soutien",
    "O": "Administration publique", "P": "Enseignement", "Q": "Santé humaine et action sociale",
    "R": "Arts, spectacles et loisirs", "S": "Autres activités de services", "T": "Ménages employeurs",
    "U": "Organisations extraterritoriales",
}
NACE_EN = {
    "A": "Agriculture, forestry and fishing", "B": "Mining and quarrying", "C": "Manufacturing",
    "D": "Electricity, gas, steam", "E": "Water supply, waste management", "F": "Construction",
    "G": "Wholesale and retail trade", "H": "Transportation and storage", "I": "Accommodation and food services",
    "J": "Information and communication", "K": "Financial and insurance activities", "L": "Real estate activities",
    "M": "Professional, scientific and technical activities", "N": "Administrative and support services",
    "O": "Public administration", "P": "Education", "Q": "Human health and social work",
    "R": "Arts, entertainment and recreation", "S": "Other service activities", "T": "Households as employers",
    "U": "Extraterritorial organisations",
}

FR: dict[str, str] = {
    "title": "Portefeuille d'investissement responsable",
    "subtitle": "Rapport au comité d'investissement · données au {date}",
    "sample_notice": "Portefeuille d'exemple : données synthétiques calibrées sur le rapport de mission 2023, "
                     "pas des positions réelles.",
    "section_headline": "Chiffres clés",
    "section_trajectory": "Trajectoire 2030",
    "section_attribution": "Pourquoi l'empreinte a bougé",
    "section_contributors": "Principaux contributeurs",
    "section_mission": "Part santé et impact territorial",
    "section_quality": "Qualité des données",
    "section_pai": "Indicateurs PAI SFDR 1 à 3",
    "section_methodology": "Méthodologie et provenance",
    # units and names
    "unit_footprint": "tCO₂e/M€ investi",
    "unit_emissions": "tCO₂e",
    "unit_pcaf": "score PCAF",
    "metric_carbon_footprint_tco2e_per_meur": "Empreinte carbone",
    "metric_financed_emissions_tco2e": "Émissions financées",
    "metric_carbon_footprint_evic_adjusted_tco2e_per_meur": "Empreinte carbone, EVIC corrigée de l'inflation",
    "subject_carbon_footprint_tco2e_per_meur": "L'empreinte carbone est",
    "subject_financed_emissions_tco2e": "Les émissions financées sont",
    "perimeter_total": "Ensemble du portefeuille",
    "perimeter_yield": "Actifs de rendement",
    "perimeter_strategic": "Participations stratégiques",
    "perimeter_listed_yield": "Actifs de rendement cotés",
    "shape_linear": "linéaire",
    "shape_geometric": "géométrique",
    # status
    "status_within": "Dans la tolérance de la trajectoire",
    "status_unknown": "Trajectoire non évaluée",
    "years_ahead": "{years} d'avance",
    "years_behind": "{years} de retard",
    "year_one": "an",
    "year_many": "ans",
    "change_down": "en baisse de {pct}",
    "change_up": "en hausse de {pct}",
    "change_flat": "stable",
    "moved_down": "baissé",
    "moved_up": "augmenté",
    "top_ahead": "Au {date}, l'empreinte carbone des actifs de rendement cotés est de {value} {unit}, {change} "
                 "depuis {baseline_year} : {years} d'avance sur la trajectoire {shape} ({reduction} en {target_year}).",
    "top_above": "Au {date}, l'empreinte carbone des actifs de rendement cotés est de {value} {unit}, {change} "
                  "depuis {baseline_year} : {gap} au-dessus de la trajectoire {shape} ({reduction} en "
                  "{target_year}), soit {years} de retard.",
    "top_within": "Au {date}, l'empreinte carbone des actifs de rendement cotés est de {value} {unit}, {change} "
                  "depuis {baseline_year} : {gap} au-dessus de la trajectoire {shape}, dans la tolérance de "
                  "{tolerance}.",
    "top_no_baseline": "Au {date}, l'empreinte carbone des actifs de rendement cotés est de {value} {unit} ; "
                       "faute de valeur de référence au {baseline_date}, l'écart à la trajectoire n'est pas "
                       "calculé.",
    "top_no_value": "Au {date}, aucune ligne des actifs de rendement cotés n'a de données carbone "
                    "utilisables : l'empreinte carbone n'est pas calculable.",
    "low_coverage": "Attention : seuls {ratio} des actifs éligibles des actifs de rendement cotés ont des données "
                    "carbone (seuil {floor}) ; l'empreinte ne décrit qu'une partie du portefeuille.",
    "period_year": "Sur un an (depuis le {start})",
    "period_baseline": "Depuis la référence du {start}",
    "period_previous": "Depuis l'instantané précédent ({start})",
    "reading_change": "{period}, l'empreinte carbone a {moved} de {delta} {unit} ({pct}) ; principal facteur : "
                      "{effect}, {effect_value}.",
    "reading_no_attribution": "Une seule date comparable : pas d'explication de la variation.",
    # headline cards
    "card_health": "Part santé",
    "card_territorial": "Part territoriale",
    "card_coverage": "Couverture des données carbone",
    "card_path": "Trajectoire : {value}",
    "card_since": "Depuis {year} : {change}",
    "card_commitment": "Engagement : plus de {target}",
    "card_part_of": "{part} sur {total}",
    "card_funds": "Fonds territoriaux : {funds}",
    "card_coverage_eligible": "des actifs éligibles couverts",
    "card_coverage_value": "{ratio} de l'encours total",
    "card_pcaf": "Score PCAF moyen : {score} (1 = meilleur, 5 = estimé)",
    "badge_commitment_met": "Engagement tenu",
    "badge_commitment_missed": "Sous l'engagement",
    "badge_coverage_low": "Couverture sous le seuil de {floor}",
    "badge_coverage_ok": "Au-dessus du seuil de {floor}",
    "card_low_coverage": "Couverture des actifs éligibles de {ratio}, sous le seuil de {floor} : "
                         "chiffre peu représentatif.",
    # charts: titles and traces
    "chart_trajectory_carbon_footprint_tco2e_per_meur": "Empreinte carbone des actifs de rendement cotés et "
                                                        "trajectoire 2030",
    "chart_trajectory_financed_emissions_tco2e": "Émissions financées des actifs de rendement cotés et "
                                                 "trajectoire 2030",
    "chart_waterfall": "Variation de l'empreinte carbone du {start} au {end} ({start_value} → {end_value} {unit}), "
                       "par effet",
    "waterfall_total": "Variation totale",
    "axis_change": "Variation ({unit})",
    "chart_movers": "Émetteurs ayant le plus contribué à la variation",
    "chart_emitters": "Dix premiers émetteurs par émissions financées",
    "chart_sectors": "Émissions financées et valeur couverte par secteur (sections NACE)",
    "chart_asset_classes": "Émissions financées et valeur couverte par classe d'actifs",
    "chart_mission": "Part santé et part territoriale dans le temps",
    "chart_quality": "Couverture et qualité des données (actifs de rendement cotés)",
    "trace_actual": "Mesuré",
    "trace_baseline": "Référence {year}",
    "trace_path": "Trajectoire {shape} ({reduction} en {year})",
    "trace_band": "Tolérance (+{tolerance})",
    "trace_flagged": "Au-dessus de la trajectoire",
    "trace_projection": "Tendance projetée",
    "trace_cone_80": "Intervalle de prévision 80 %",
    "trace_cone_95": "Intervalle de prévision 95 %",
    "trace_target": "Cible {year}",
    "trace_emissions_share": "Part des émissions financées",
    "trace_value_share": "Part de la valeur couverte",
    "trace_health": "Part santé (participations stratégiques)",
    "trace_territorial": "Part territoriale (actifs de rendement)",
    "trace_commitment": "Engagement santé : {target}",
    "trace_coverage_eligible": "Couverture des actifs éligibles",
    "trace_coverage": "Couverture de l'encours",
    "trace_floor": "Seuil de couverture : {floor}",
    "trace_pcaf": "Score PCAF moyen (axe de droite)",
    "axis_pcaf": "Score PCAF (1 = meilleur)",
    "hover_path": "Trajectoire",
    "hover_drift": "Écart à la trajectoire",
    "hover_share": "Part",
    "hover_covered_value": "Valeur couverte",
    "hover_issuer": "Émetteur",
    "hover_total": "Total",
    "hover_interval": "Intervalle 80 % : {low80} – {high80} ; 95 % : {low95} – {high95}",
    # readings under the charts
    "reading_trajectory": "{subject} {change} depuis {baseline_year}, soit {years} {position} sur la "
                          "trajectoire {shape}{projection}.",
    "position_ahead": "d'avance",
    "position_behind": "de retard",
    "reading_trajectory_no_baseline": "Sans valeur de référence au {baseline_date}, seule la série mesurée est "
                                      "tracée.",
    "projection_reached": " ; au rythme observé ({rate} par an), la cible de {target} serait atteinte en {month} "
                          "(probabilité de l'atteindre d'ici fin {target_year} : {probability})",
    "projection_missed": " ; au rythme observé ({rate} par an), la cible de {target} ne serait pas atteinte "
                         "(probabilité d'ici fin {target_year} : {probability})",
    "reading_movers": "Premier contributeur à la variation : {name} ({value} {unit}).",
    "reading_emitters": "Les {count} premiers émetteurs portent {share} des émissions financées des actifs de "
                        "rendement cotés ; le premier, {name}, en porte {top}.",
    "reading_breakdown": "Premier poste, {label} : {emissions} des émissions financées pour {value} de la valeur "
                         "couverte.",
    "reading_mission": "La part santé des participations stratégiques est de {health} (engagement : plus de "
                       "{target}) ; {territorial} des actifs de rendement ({amount}) sont investis dans les fonds "
                       "à impact territorial.",
    "reading_quality": "Au {date}, {eligible} des actifs éligibles des actifs de rendement cotés sont couverts "
                       "({coverage} de l'encours), avec un score PCAF moyen de {score}.",
    "no_data": "Pas de donnée à afficher.",
    # data quality tables
    "gaps_title": "Lacunes de données au {date}",
    "gaps_none": "Aucune lacune de données à cette date.",
    "gaps_more": "… et {count} autres lignes : la liste complète est dans warnings.csv.",
    "notices_title": "Avertissements du calcul",
    "col_reason": "Motif",
    "split_title": "Origine des données carbone au {date} (valeur, M€)",
    "col_reported": "Publiées",
    "col_looked_through": "Par transparence des fonds",
    "col_estimated": "Estimées (moyennes sectorielles)",
    "col_uncovered": "Non couvertes",
    "col_total": "Total",
    "col_lines": "Lignes",
    "col_value": "Valeur",
    "col_holding": "Ligne",
    "col_issuer": "Émetteur",
    "col_name": "Nom",
    "col_detail": "Détail",
    "reason_missing_issuer_id": "Identifiant d'émetteur manquant",
    "reason_no_issuer_record": "Aucune donnée de l'émetteur publiée à cette date",
    "reason_missing_scope": "Scope d'émissions manquant",
    "reason_missing_evic": "EVIC manquante ou nulle",
    "reason_missing_revenue": "Chiffre d'affaires manquant (hors WACI et PAI 3 seulement)",
    "reason_missing_baseline": "Valeur de référence manquante",
    "reason_no_projection": "Pas de projection",
    "reason_fund_weights_incomplete": "Composition de fonds incomplète (reste non couvert)",
    # PAI
    "pai_note": "Moyenne des valeurs aux quatre fins de trimestre de chaque année (M5). Le PAI 2 rapporte les "
                "émissions financées à l'ensemble des investissements du périmètre, couverts ou non.",
    "pai_none": "Aucune année complète (quatre fins de trimestre) : pas d'indicateur PAI annuel.",
    "col_perimeter": "Périmètre",
    "pai_1": "PAI 1 – Émissions financées (tCO₂e)",
    "pai_2": "PAI 2 – Empreinte carbone (tCO₂e/M€ investi)",
    "pai_3": "PAI 3 – Intensité carbone (tCO₂e/M€ de chiffre d'affaires)",
    # methodology
    "settings_title": "Paramètres du calcul",
    "formulas_title": "Formules",
    "baselines_title": "Valeurs de référence",
    "inputs_title": "Fichiers d'entrée",
    "versions_title": "Versions",
    "col_metric": "Indicateur",
    "col_origin": "Origine",
    "col_role": "Rôle",
    "col_file": "Fichier",
    "col_sha256": "SHA-256",
    "col_dialect": "Format détecté",
    "origin_setting": "valeur figée dans les paramètres",
    "origin_snapshot": "instantané du {date}",
    "origin_missing": "absente",
    "role_holdings": "Positions",
    "role_issuers": "Données émetteurs",
    "no_inputs": "Données passées directement en mémoire : pas de fichier d'entrée.",
    "versions": "mission-portfolio {version} · méthodologie {methodology}.",
    "projection_model": "Projection ({metric}) : {model} ; ajustée sur {count} instantanés du {first} au {last}, "
                        "départ de la dernière valeur mesurée, {last_value} ; choc mensuel de {sd} (écart type).",
    "model_rwdrift": "marche aléatoire avec dérive sur le logarithme de la valeur, mois par mois (maximum de "
                     "vraisemblance exact, en forme close ; les mois sans instantané sont des valeurs manquantes), "
                     "intervalles de prévision gaussiens ; modèle choisi par un test rétrospectif (voir la "
                     "méthodologie)",
    "formula_coverage": "Ligne couverte : classe éligible, donnée d'émetteur publiée à la date, émissions des "
                        "scopes retenus connues et EVIC > 0 (M3.3).",
    "formula_financed": "Émissions financées = valeur de marché / EVIC × émissions de l'émetteur (M3.3, M4.3).",
    "formula_footprint": "Empreinte carbone = émissions financées / valeur couverte en M€ : l'indicateur de la "
                         "trajectoire (M4.5) ; PAI 2 divise par la valeur totale (M4.6).",
    "formula_coverage_ratio": "Couverture = valeur couverte / valeur totale, ou / valeur éligible (M4.2) ; "
                              "score PCAF pondéré par la valeur couverte (M4.9).",
    "formula_shares": "Part santé = valeur des lignes à finalité santé / participations stratégiques (M4.10) ; "
                      "part territoriale = valeur des fonds territoriaux / actifs de rendement (M4.11).",
    "formula_path": "Trajectoire : linéaire B (1 − r t / T) ou géométrique B (1 − r)^(t / T) ; écart = "
                    "mesuré / trajectoire − 1, signalé au-delà de la tolérance ; années d'avance "
                    "(M6.3 à M6.5).",
    "formula_attribution": "Variation de l'empreinte : effet couverture d'abord, puis partage exact entre "
                           "allocation, émissions et EVIC (valeurs de Shapley) (M6.7).",
    "formula_pai": "PAI 1 à 3 : moyenne des quatre fins de trimestre de l'année (M5).",
    "frontier_title": "Rééquilibrage : frontière empreinte carbone / écart au portefeuille actuel",
    "frontier_intro": "Empreinte carbone actuelle {before} {unit}, cible {target}, après la proposition {after}. "
                      "La courbe donne, pour chaque cible d'empreinte, le plus petit {measure} possible sous les "
                      "limites ; trait pointillé gris : l'empreinte actuelle, tirets rouges : la cible.",
    "frontier_trace": "Plus petit {measure}",
    "frontier_x": "Cible d'empreinte carbone ({unit})",
    "frontier_measure_tracking": "écart de suivi (tracking error)",
    "frontier_measure_weights": "changement de pondérations (racine de la somme des carrés)",
    "section_action": "Que faire",
    "action_above": "L'empreinte carbone est au-dessus de sa trajectoire. Écarts et causes :",
    "action_projection_misses": "L'empreinte carbone est sous sa trajectoire aujourd'hui, mais au rythme observé "
                                "la cible 2030 ne serait pas atteinte.",
    "drift_gap": "{subject} : {actual} pour une trajectoire à {path} ({gap}).",
    "drift_driver": "Principale hausse depuis l'instantané précédent : {driver}, {value}.",
    "drift_driver_fell": "En baisse depuis l'instantané précédent, mais pas assez ; principal mouvement : {driver}, "
                         "{value}.",
    "driver_allocation": "Allocation (pondérations, entrées et sorties)",
    "driver_emissions": "Émissions des émetteurs",
    "driver_evic": "Valorisation des émetteurs (EVIC)",
    "driver_coverage": "Couverture des données",
    "driver_covered_value": "Valeur couverte",
    "driver_footprint": "Empreinte carbone",
    "action_no_proposal": "Aucune ligne couverte à rééquilibrer : pas de proposition de rééquilibrage.",
    "action_not_computed": "La proposition de rééquilibrage n'a pas été calculée pour ce rapport : la commande de "
                           "rééquilibrage la donne à partir du dossier du calcul.",
    "action_out_of_reach": "Viser {target} (trajectoire au {date}) est hors d'atteinte sous les limites de "
                           "rééquilibrage ; l'empreinte la plus basse atteignable est {lowest}.",
    "action_proposal": "Proposition de rééquilibrage (le calcul de la commande de rééquilibrage) pour viser {target} "
                       "(trajectoire au {date}) : l'empreinte des émetteurs couverts passerait de {before} à {after}, "
                       "avec une rotation de {turnover} des {value} couverts. Sans historique de prix, "
                       "l'écart de suivi n'est pas estimé : la proposition change le moins possible les "
                       "pondérations. Principaux mouvements :",
    "col_weight_now": "Poids actuel",
    "col_weight_proposed": "Poids proposé",
    "col_trade": "Achat (+) / vente (−)",
    "action_drivers": "Émetteurs ayant le plus fait monter l'empreinte, {period} :",
    "action_no_gaps": "Aucune ligne éligible des actifs de rendement cotés sans données : rien à compléter.",
    "action_no_issuer": "(identifiant d'émetteur manquant)",
    "action_gaps": "Données à obtenir en priorité (lignes éligibles non couvertes, par émetteur) :",
    "action_not_assessed": "Sans valeur de référence ou sans empreinte mesurée à cette date, la position sur la "
                           "trajectoire n'est pas évaluée : figer la référence dans les paramètres et compléter "
                           "les données ci-dessous.",
    "action_on_track": "La trajectoire est tenue : {years} d'avance, {actual} pour une trajectoire à {path}, soit "
                       "une marge de {room} avant de la dépasser.",
    "action_projection_ok": "Au rythme observé, l'empreinte serait de {projected} fin {year}, pour une cible de "
                            "{target}.",
    "action_other_drift": "Au-dessus de sa trajectoire malgré tout :",
    "action_watch": "Émetteurs à suivre (part des émissions financées des actifs de rendement cotés) :",
    "detail_missing_issuer_id": "ligne éligible sans identifiant d'émetteur",
    "detail_no_issuer_record": "aucune donnée de l'émetteur {issuer} d'un exercice antérieur ou égal à {year} "
                               "publiée au {date}",
    "detail_record": "donnée de l'exercice {year} publiée le {date} : ",
    "detail_default_date": "date par défaut",
    "detail_missing_scope": "{scopes} vide",
    "detail_missing_evic": "EVIC vide ou nulle",
    "detail_missing_revenue": "chiffre d'affaires vide ou nul",
    "detail_uncovered": " ; ligne non couverte",
    "detail_out_of_waci": " ; hors WACI et PAI 3",
    "detail_estimated": " ; estimée par moyennes sectorielles (PCAF {quality})",
    "detail_fund_weights": "les poids de la composition du fonds totalisent {weights} : {rest} de la ligne restent "
                           "non couverts",
    "notice_baseline_unknown": "pas de référence pour {metric} : l'instantané du {date} n'a aucune ligne couverte "
                               "(données des émetteurs publiées plus tard ?) ; figer la valeur dans les paramètres.",
    "notice_baseline_absent": "pas de référence pour {metric} : aucun instantané au {date} et aucune valeur figée "
                              "dans les paramètres.",
    "notice_no_projection": "pas de projection pour {metric} : trop peu d'instantanés avec une valeur (M6.6).",
    "footer": "Rapport généré par mission-portfolio {version} (méthodologie {methodology}) · données au {date}.",
    "other": "Autres",
    "sector_unknown": "Secteur non renseigné",
    "effect_allocation": "Allocation (pondérations, entrées et sorties)",
    "effect_emissions": "Émissions des émetteurs",
    "effect_evic": "Valorisation des émetteurs (EVIC)",
    "effect_coverage": "Couverture des données",
    "asset_listed_equity": "Actions cotées",
    "asset_corporate_bond": "Obligations d'entreprises",
    "asset_sovereign_bond": "Obligations souveraines",
    "asset_fund": "Fonds",
    "asset_unlisted_equity": "Actions non cotées",
    "asset_real_estate": "Immobilier",
    "asset_loan": "Prêts",
    "asset_cash": "Trésorerie",
    "asset_other": "Autres actifs",
    **{f"nace_{letter}": name for letter, name in NACE_FR.items()},
}

EN: dict[str, str] = {
    "title": "Responsible investment portfolio",
    "subtitle": "Report to the investment committee · data as of {date}",
    "sample_notice": "Sample portfolio: synthetic data calibrated on the 2023 mission report, not real positions.",
    "section_headline": "Key figures",
    "section_trajectory": "2030 trajectory",
    "section_attribution": "Why the footprint moved",
    "section_contributors": "Main contributors",
    "section_mission": "Health share and territorial impact",
    "section_quality": "Data quality",
    "section_pai": "SFDR principal adverse impacts 1 to 3",
    "section_methodology": "Methodology and provenance",
    "unit_footprint": "tCO₂e/€m invested",
    "unit_emissions": "tCO₂e",
    "unit_pcaf": "PCAF score",
    "metric_carbon_footprint_tco2e_per_meur": "Carbon footprint",
    "metric_financed_emissions_tco2e": "Financed emissions",
    "metric_carbon_footprint_evic_adjusted_tco2e_per_meur": "Carbon footprint, inflation-adjusted EVIC",
    "subject_carbon_footprint_tco2e_per_meur": "The carbon footprint is",
    "subject_financed_emissions_tco2e": "Financed emissions are",
    "perimeter_total": "Whole portfolio",
    "perimeter_yield": "Yield assets",
    "perimeter_strategic": "Strategic holdings",
    "perimeter_listed_yield": "Listed yield assets",
    "shape_linear": "linear",
    "shape_geometric": "geometric",
    "status_within": "Within the path's tolerance",
    "status_unknown": "Path not assessed",
    "years_ahead": "{years} ahead",
    "years_behind": "{years} behind",
    "year_one": "year",
    "year_many": "years",
    "change_down": "down {pct}",
    "change_up": "up {pct}",
    "change_flat": "unchanged",
    "moved_down": "fallen",
    "moved_up": "risen",
    "top_ahead": "At {date}, the carbon footprint of the listed yield assets is {value} {unit}, {change} since "
                 "{baseline_year}: {years} ahead of the {shape} path ({reduction} by {target_year}).",
    "top_above": "At {date}, the carbon footprint of the listed yield assets is {value} {unit}, {change} since "
                  "{baseline_year}: {gap} above the {shape} path ({reduction} by {target_year}), that is "
                  "{years} behind.",
    "top_within": "At {date}, the carbon footprint of the listed yield assets is {value} {unit}, {change} since "
                  "{baseline_year}: {gap} above the {shape} path, within the {tolerance} tolerance.",
    "top_no_baseline": "At {date}, the carbon footprint of the listed yield assets is {value} {unit}; without a "
                       "baseline value at {baseline_date}, the gap to the path is not computed.",
    "top_no_value": "At {date}, no line of the listed yield assets has usable carbon data: the carbon footprint "
                    "cannot be computed.",
    "low_coverage": "Caution: only {ratio} of the eligible listed yield assets have carbon data (floor {floor}); "
                    "the footprint describes part of the portfolio only.",
    "period_year": "Over one year (since {start})",
    "period_baseline": "Since the baseline of {start}",
    "period_previous": "Since the previous snapshot ({start})",
    "reading_change": "{period}, the carbon footprint has {moved} by {delta} {unit} ({pct}); main driver: "
                      "{effect}, {effect_value}.",
    "reading_no_attribution": "Only one comparable date: no explanation of the change.",
    "card_health": "Health share",
    "card_territorial": "Territorial share",
    "card_coverage": "Carbon data coverage",
    "card_path": "Path: {value}",
    "card_since": "Since {year}: {change}",
    "card_commitment": "Commitment: over {target}",
    "card_part_of": "{part} of {total}",
    "card_funds": "Territorial funds: {funds}",
    "card_coverage_eligible": "of eligible assets covered",
    "card_coverage_value": "{ratio} of total value",
    "card_pcaf": "Average PCAF score: {score} (1 = best, 5 = estimated)",
    "badge_commitment_met": "Commitment met",
    "badge_commitment_missed": "Below commitment",
    "badge_coverage_low": "Coverage below the {floor} floor",
    "badge_coverage_ok": "Above the {floor} floor",
    "card_low_coverage": "Coverage of eligible assets is {ratio}, below the {floor} floor: the figure is not "
                         "representative.",
    "chart_trajectory_carbon_footprint_tco2e_per_meur": "Carbon footprint of the listed yield assets and the "
                                                        "2030 path",
    "chart_trajectory_financed_emissions_tco2e": "Financed emissions of the listed yield assets and the 2030 path",
    "chart_waterfall": "Change of the carbon footprint from {start} to {end} ({start_value} → {end_value} {unit}), "
                       "by effect",
    "waterfall_total": "Total change",
    "axis_change": "Change ({unit})",
    "chart_movers": "Issuers that moved the footprint most",
    "chart_emitters": "Top ten issuers by financed emissions",
    "chart_sectors": "Financed emissions and covered value by sector (NACE sections)",
    "chart_asset_classes": "Financed emissions and covered value by asset class",
    "chart_mission": "Health share and territorial share over time",
    "chart_quality": "Data coverage and quality (listed yield assets)",
    "trace_actual": "Actual",
    "trace_baseline": "Baseline {year}",
    "trace_path": "Path, {shape} ({reduction} by {year})",
    "trace_band": "Tolerance (+{tolerance})",
    "trace_flagged": "Above the path",
    "trace_projection": "Projected trend",
    "trace_cone_80": "80% prediction interval",
    "trace_cone_95": "95% prediction interval",
    "trace_target": "Target {year}",
    "trace_emissions_share": "Share of financed emissions",
    "trace_value_share": "Share of covered value",
    "trace_health": "Health share (strategic holdings)",
    "trace_territorial": "Territorial share (yield assets)",
    "trace_commitment": "Health commitment: {target}",
    "trace_coverage_eligible": "Coverage of eligible assets",
    "trace_coverage": "Coverage of total value",
    "trace_floor": "Coverage floor: {floor}",
    "trace_pcaf": "Average PCAF score (right axis)",
    "axis_pcaf": "PCAF score (1 = best)",
    "hover_path": "Path",
    "hover_drift": "Gap to the path",
    "hover_share": "Share",
    "hover_covered_value": "Covered value",
    "hover_issuer": "Issuer",
    "hover_total": "Total",
    "hover_interval": "80% interval: {low80} – {high80}; 95%: {low95} – {high95}",
    "reading_trajectory": "{subject} {change} since {baseline_year}, which puts it {years} {position} the "
                          "{shape} path{projection}.",
    "position_ahead": "ahead of",
    "position_behind": "behind",
    "reading_trajectory_no_baseline": "Without a baseline value at {baseline_date}, only the actual series is "
                                      "drawn.",
    "projection_reached": "; at the observed pace ({rate} a year), the {target} target would be reached in "
                          "{month} (probability of reaching it by the end of {target_year}: {probability})",
    "projection_missed": "; at the observed pace ({rate} a year), the {target} target would not be reached "
                         "(probability by the end of {target_year}: {probability})",
    "reading_movers": "Largest contributor to the change: {name} ({value} {unit}).",
    "reading_emitters": "The top {count} issuers carry {share} of the financed emissions of the listed yield "
                        "assets; the first, {name}, carries {top}.",
    "reading_breakdown": "Largest item, {label}: {emissions} of financed emissions for {value} of covered value.",
    "reading_mission": "The health share of strategic holdings is {health} (commitment: over {target}); "
                       "{territorial} of yield assets ({amount}) are invested in territorial-impact funds.",
    "reading_quality": "At {date}, {eligible} of the eligible listed yield assets are covered ({coverage} of "
                       "total value), with an average PCAF score of {score}.",
    "no_data": "No data to show.",
    "gaps_title": "Data gaps at {date}",
    "gaps_none": "No data gap at this date.",
    "gaps_more": "… and {count} more lines: the full list is in warnings.csv.",
    "notices_title": "Run warnings",
    "col_reason": "Reason",
    "split_title": "Where the carbon data comes from at {date} (value, EUR m)",
    "col_reported": "Reported",
    "col_looked_through": "Fund look-through",
    "col_estimated": "Estimated (sector averages)",
    "col_uncovered": "Uncovered",
    "col_total": "Total",
    "col_lines": "Lines",
    "col_value": "Value",
    "col_holding": "Line",
    "col_issuer": "Issuer",
    "col_name": "Name",
    "col_detail": "Detail",
    "reason_missing_issuer_id": "Missing issuer identifier",
    "reason_no_issuer_record": "No issuer data published by this date",
    "reason_missing_scope": "Missing emissions scope",
    "reason_missing_evic": "Missing or zero EVIC",
    "reason_missing_revenue": "Missing revenue (out of WACI and PAI 3 only)",
    "reason_missing_baseline": "Missing baseline value",
    "reason_no_projection": "No projection",
    "reason_fund_weights_incomplete": "Incomplete fund composition (remainder uncovered)",
    "pai_note": "Mean of the values at the four quarter-ends of each year (M5). PAI 2 divides financed emissions "
                "by all investments of the perimeter, covered or not.",
    "pai_none": "No complete year (four quarter-ends): no annual PAI figure.",
    "col_perimeter": "Perimeter",
    "pai_1": "PAI 1 – Financed emissions (tCO₂e)",
    "pai_2": "PAI 2 – Carbon footprint (tCO₂e/€m invested)",
    "pai_3": "PAI 3 – GHG intensity (tCO₂e/€m revenue)",
    "settings_title": "Settings in force",
    "formulas_title": "Formulas",
    "baselines_title": "Baseline values",
    "inputs_title": "Input files",
    "versions_title": "Versions",
    "col_metric": "Metric",
    "col_origin": "Origin",
    "col_role": "Role",
    "col_file": "File",
    "col_sha256": "SHA-256",
    "col_dialect": "Detected format",
    "origin_setting": "frozen in the settings",
    "origin_snapshot": "snapshot of {date}",
    "origin_missing": "missing",
    "role_holdings": "Holdings",
    "role_issuers": "Issuer data",
    "no_inputs": "Data passed in memory: no input file.",
    "versions": "mission-portfolio {version} · methodology {methodology}.",
    "projection_model": "Projection ({metric}): {model}; fitted on {count} snapshots from {first} to {last}, "
                        "starting from the last measured value, {last_value}; monthly shock {sd} (standard "
                        "deviation).",
    "model_rwdrift": "random walk with drift on the logarithm of the value, month by month (exact maximum "
                     "likelihood, in closed form; months without a snapshot are missing values), Gaussian "
                     "prediction intervals; model chosen by a backtest (see the methodology)",
    "formula_coverage": "Covered line: eligible asset class, issuer data published by the date, configured scopes "
                        "known and EVIC > 0 (M3.3).",
    "formula_financed": "Financed emissions = market value / EVIC × issuer emissions (M3.3, M4.3).",
    "formula_footprint": "Carbon footprint = financed emissions / covered value in €m: the path metric (M4.5); "
                         "PAI 2 divides by total value (M4.6).",
    "formula_coverage_ratio": "Coverage = covered value / total value, or / eligible value (M4.2); PCAF score "
                              "weighted by covered value (M4.9).",
    "formula_shares": "Health share = value of health-purpose lines / strategic holdings (M4.10); territorial "
                      "share = value of territorial funds / yield assets (M4.11).",
    "formula_path": "Path: linear B (1 − r t / T) or geometric B (1 − r)^(t / T); gap = actual / path − 1, "
                    "flagged above the tolerance; years ahead (M6.3 to M6.5).",
    "formula_attribution": "Change of the footprint: coverage effect first, then an exact split between "
                           "allocation, emissions and EVIC (Shapley values) (M6.7).",
    "formula_pai": "PAI 1 to 3: mean of the year's four quarter-ends (M5).",
    "frontier_title": "Rebalancing: carbon footprint against distance from the current portfolio",
    "frontier_intro": "Carbon footprint now {before} {unit}, target {target}, after the proposal {after}. The curve "
                      "gives, for each footprint target, the least {measure} the limits allow; grey dotted line: "
                      "the current footprint, red dashes: the target.",
    "frontier_trace": "Least {measure}",
    "frontier_x": "Carbon footprint target ({unit})",
    "frontier_measure_tracking": "tracking error",
    "frontier_measure_weights": "weight change (root of squared sum)",
    "section_action": "What to do",
    "action_above": "The carbon footprint is above its path. Gaps and causes:",
    "action_projection_misses": "The carbon footprint is below its path today, but at the observed pace the 2030 "
                                "target would be missed.",
    "drift_gap": "{subject}: {actual} against a path of {path} ({gap}).",
    "drift_driver": "Largest rise since the previous snapshot: {driver}, {value}.",
    "drift_driver_fell": "Down since the previous snapshot, but not enough; largest move: {driver}, {value}.",
    "driver_allocation": "Allocation (weights, entries and exits)",
    "driver_emissions": "Issuer emissions",
    "driver_evic": "Issuer valuation (EVIC)",
    "driver_coverage": "Data coverage",
    "driver_covered_value": "Covered value",
    "driver_footprint": "Carbon footprint",
    "action_no_proposal": "No covered line to rebalance: no rebalancing proposal.",
    "action_not_computed": "The rebalancing proposal was not computed for this report: the rebalance command gives "
                           "it from the run folder.",
    "action_out_of_reach": "Aiming at {target} (the path at {date}) is out of reach under the rebalancing limits; "
                           "the lowest reachable footprint is {lowest}.",
    "action_proposal": "Rebalancing proposal (as the portfolio rebalance command computes it) aiming at {target} (the path "
                       "at {date}): the footprint of the covered issuers would go from {before} to {after}, with a "
                       "turnover of {turnover} of the {value} covered. Without price history the tracking error is "
                       "not estimated: the proposal changes the weights as little as possible. Largest trades:",
    "col_weight_now": "Weight now",
    "col_weight_proposed": "Proposed weight",
    "col_trade": "Buy (+) / sell (−)",
    "action_drivers": "Issuers that raised the footprint most, {period}:",
    "action_no_gaps": "No eligible listed yield line lacks data: nothing to complete.",
    "action_no_issuer": "(issuer identifier missing)",
    "action_gaps": "Data to obtain first (eligible lines left uncovered, by issuer):",
    "action_not_assessed": "Without a baseline value or a measured footprint at this date, the position on the path "
                           "is not assessed: freeze the baseline in the settings and complete the data below.",
    "action_on_track": "The path is held: {years} ahead, {actual} against a path of {path}, a margin of {room} "
                       "before crossing it.",
    "action_projection_ok": "At the observed pace the footprint would be {projected} at the end of {year}, against a "
                            "target of {target}.",
    "action_other_drift": "Above its path nonetheless:",
    "action_watch": "Issuers to watch (share of the listed yield assets' financed emissions):",
    "detail_missing_issuer_id": "eligible line without issuer identifier",
    "detail_no_issuer_record": "no figures of issuer {issuer} for a fiscal year up to {year} published by {date}",
    "detail_record": "figures of fiscal year {year} published {date}: ",
    "detail_default_date": "default date",
    "detail_missing_scope": "{scopes} empty",
    "detail_missing_evic": "EVIC empty or 0",
    "detail_missing_revenue": "revenue empty or 0",
    "detail_uncovered": "; line left uncovered",
    "detail_out_of_waci": "; out of WACI and PAI 3",
    "detail_estimated": "; estimated from sector averages (PCAF {quality})",
    "detail_fund_weights": "the fund composition's weights sum to {weights}: {rest} of the line stays uncovered",
    "notice_baseline_unknown": "no baseline for {metric}: the {date} snapshot has no covered line (issuer figures "
                               "published later?); freeze the value in the settings.",
    "notice_baseline_absent": "no baseline for {metric}: no snapshot at {date} and no value frozen in the settings.",
    "notice_no_projection": "no projection for {metric}: too few snapshots with a value (M6.6).",
    "footer": "Report generated by mission-portfolio {version} (methodology {methodology}) · data as of {date}.",
    "other": "Other",
    "sector_unknown": "Sector not given",
    "effect_allocation": "Allocation (weights, entries and exits)",
    "effect_emissions": "Issuer emissions",
    "effect_evic": "Issuer valuation (EVIC)",
    "effect_coverage": "Data coverage",
    "asset_listed_equity": "Listed equity",
    "asset_corporate_bond": "Corporate bonds",
    "asset_sovereign_bond": "Sovereign bonds",
    "asset_fund": "Funds",
    "asset_unlisted_equity": "Unlisted equity",
    "asset_real_estate": "Real estate",
    "asset_loan": "Loans",
    "asset_cash": "Cash",
    "asset_other": "Other assets",
    **{f"nace_{letter}": name for letter, name in NACE_EN.items()},
}

TEXTS: dict[str, dict[str, str]] = {"fr": FR, "en": EN}

MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}


# unit text and decimals of each metric the report quotes
METRIC_UNITS = {
    "carbon_footprint_tco2e_per_meur": ("unit_footprint", 1),
    "financed_emissions_tco2e": ("unit_emissions", 0),
    "carbon_footprint_evic_adjusted_tco2e_per_meur": ("unit_footprint", 1),
}


def texts(lang: str) -> Mapping[str, str]:
    """The words of one language; an unknown language is refused with the ones available."""
    try:
        return TEXTS[lang]
    except KeyError:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}") from None


def long_date(date: pd.Timestamp, lang: str) -> str:
    """`31 décembre 2024` / `31 December 2024`, for sentences and headings."""
    return f"{date.day} {MONTHS[lang][date.month - 1]} {date.year}"


def short_date(date: pd.Timestamp, lang: str) -> str:
    """`31/12/2024` / `31 Dec 2024`, for tables and chart labels."""
    if lang == "fr":
        return date.strftime("%d/%m/%Y")
    return f"{date.day} {MONTHS[lang][date.month - 1][:3]} {date.year}"


def month_year(date: pd.Timestamp, lang: str) -> str:
    """`août 2028` / `August 2028`, for when a projection reaches its target."""
    return f"{MONTHS[lang][date.month - 1]} {date.year}"


def years_phrase(years: float, lang: str) -> str:
    """A duration in years, unsigned: `2,5 ans`, `1,2 an` (French singular below 2), `1.0 year`."""
    number = format_number(abs(years), lang, 1)
    words = texts(lang)
    singular = abs(years) < 2 if lang == "fr" else number == format_number(1.0, lang, 1)
    return f"{number} {words['year_one'] if singular else words['year_many']}"


def metric_decimals(metric: str) -> int:
    """How many decimals a metric is quoted with (a footprint to 0.1, tonnes to the unit)."""
    return METRIC_UNITS[metric][1]


def metric_unit(metric: str, lang: str) -> str:
    """The unit a metric is quoted in, in the reader's language."""
    return texts(lang)[METRIC_UNITS[metric][0]]


def metric_value(value: float | None, metric: str, lang: str, signed: bool = False) -> str:
    """A metric's value with its unit, joined by a no-break space: `271,8 tCO₂e/M€ investi`; a dash if empty."""
    if is_empty(value):
        return EMPTY
    return f"{format_number(value, lang, metric_decimals(metric), signed)}\u00a0{metric_unit(metric, lang)}"


def labelled(name: str, value: str, lang: str) -> str:
    """`Trajectoire : 304,3` (French puts a no-break space before the colon) or `Path: 304.3`."""
    return f"{name}\u00a0: {value}" if lang == "fr" else f"{name}: {value}"


def sector_label(code: str, lang: str) -> str:
    """The NACE section of a code that reads as NACE (`C20` -> `C · Industrie manufacturière`), else the code.

    Divisions are grouped by section: twenty-one named groups read faster than
    eighty codes, and the codes themselves stay in contributions.csv.
    """
    words = texts(lang)
    code = code.strip()
    if not code:
        return words["sector_unknown"]
    letter = code[0].upper()
    if f"nace_{letter}" in words and (len(code) == 1 or code[1:].replace(".", "").isdigit()):
        return f"{letter} · {words[f'nace_{letter}']}"
    return code


def asset_class_label(asset_class: str, lang: str) -> str:
    """The reader's name of an asset class of the contract (the code itself if unknown)."""
    return texts(lang).get(f"asset_{asset_class}", asset_class)

"""Fund look-through: a fund line becomes child lines on the fund's underlying issuers.

A `fund` line dated D uses its fund's composition with the greatest
`as_of <= D`. Each composition row gives a child line: value = the fund line's
value x weight, the row's issuer and asset class, the fund line's bucket and
`listed`. Children carry the attribution sums (eligible, covered, financed
emissions, WACI, data quality, sovereigns); the fund line alone counts in V,
health and territorial figures. One level only: a child of class `fund` is
not looked through again. Child ids are `FUNDLINE/INDEX`, INDEX being the
composition row's position within its fund and date, in file order.
"""

from __future__ import annotations

import pandas as pd

CHILD_SEPARATOR = "/"


def expand_funds(holdings: pd.DataFrame, compositions: pd.DataFrame) -> pd.DataFrame:
    """Holdings plus one child line per composition row of each looked-through fund line.

    Adds `parent_holding_id` (empty on ordinary lines), `lookthrough` (the
    fund line has a composition) and `lookthrough_weight` (its weights' sum).
    """
    holdings = holdings.assign(parent_holding_id="", lookthrough=False, lookthrough_weight=float("nan"))
    funds = holdings[(holdings["asset_class"] == "fund") & (holdings["fund_id"] != "")]
    if funds.empty or compositions.empty:
        return holdings
    dates = compositions[["fund_id", "as_of"]].drop_duplicates().rename(columns={"as_of": "composition_as_of"})
    lines = funds[["as_of", "fund_id"]].reset_index().sort_values("as_of", kind="stable")
    matched = pd.merge_asof(lines, dates.sort_values("composition_as_of"), left_on="as_of",
                            right_on="composition_as_of", by="fund_id", direction="backward")
    matched = matched.dropna(subset=["composition_as_of"]).set_index("index")
    if matched.empty:
        return holdings
    weights = compositions.groupby(["fund_id", "as_of"])["weight"].sum()
    keys = pd.MultiIndex.from_arrays([matched["fund_id"], matched["composition_as_of"]])
    holdings.loc[matched.index, "lookthrough"] = True
    holdings.loc[matched.index, "lookthrough_weight"] = weights.reindex(keys).to_numpy()
    parents = holdings.loc[matched.index].assign(composition_as_of=matched["composition_as_of"])
    children = parents.merge(compositions.rename(columns={"as_of": "composition_as_of"}),
                             on=["fund_id", "composition_as_of"], suffixes=("_parent", ""))
    child_lines = pd.DataFrame({
        "as_of": children["as_of"],
        "holding_id": children["holding_id"] + CHILD_SEPARATOR + children["index"].astype("str"),
        "issuer_id": children["issuer_id"],
        "bucket": children["bucket"],
        "asset_class": children["asset_class"],
        "listed": children["listed"],
        "market_value_eur": children["market_value_eur"] * children["weight"],
        "name": children["name"],
        "fund_id": children["fund_id"],
        "purpose": "",
        "source_file": children["source_file"],
        "source_row": children["source_row"],
        "parent_holding_id": children["holding_id"],
        "lookthrough": False,
        "lookthrough_weight": children["weight"],
    })
    return pd.concat([holdings, child_lines[holdings.columns]], ignore_index=True)

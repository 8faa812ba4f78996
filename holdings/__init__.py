"""Reading and validating positions, and the table reader shared with `esg_scores`.

Public surface: `read_holdings`, `read_table`, `InputError`, `Problem`.
"""

from holdings.positions import ASSET_CLASSES, BUCKETS, CONTRACT_PURPOSES, read_holdings
from holdings.problems import InputError, Problem
from holdings.tabular import RawTable, read_table

__all__ = ["ASSET_CLASSES", "BUCKETS", "CONTRACT_PURPOSES", "InputError", "Problem", "RawTable",
           "read_holdings", "read_table"]

"""Issuer carbon and ESG data: reading, validation and point-in-time record selection.

Public surface: `read_issuers`, `select_records` (and `RecordTimeline`, its reusable form), `publication_dates`,
`SCOPE_COLUMNS`.
"""

from esg_scores.records import ISSUERS, SCOPE_COLUMNS, read_issuers
from esg_scores.selection import NO_RECORD, RecordTimeline, publication_dates, select_records

__all__ = ["ISSUERS", "NO_RECORD", "SCOPE_COLUMNS", "RecordTimeline", "publication_dates", "read_issuers",
           "select_records"]

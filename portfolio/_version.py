"""Package and methodology versions, recorded in every manifest."""

VERSION = "0.1.0"
# Bump when a formula, a selection rule or an output format changes (docs/methodology.md).
METHODOLOGY_VERSION = "2026.12-contract-v2"

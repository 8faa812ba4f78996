"""Responsible-investment analytics for a mutual insurer's book: the public face.

`analyze()` reads the inputs and computes every figure of the data contract
into a `Result` of frames; `write_run()` writes it as a run folder and
`load_run()` reads one back; `Settings` / `load_settings()` hold the run's
settings; `names` declares the metric, perimeter and effect names once and
`kernel` holds the formulas every figure is made of (attributed emissions,
shares, intensities, footprints).
Everything else (`portfolio.engine`, `portfolio.audit`, `portfolio.cli`,
`portfolio.rebalance`) is machinery behind this face.

The names load on first use (PEP 562), so `portfolio --help` and
`import portfolio` start without the engine's libraries.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from portfolio._version import METHODOLOGY_VERSION, VERSION as __version__

# public name -> module that defines it
_HOMES = {
    "analyze": "portfolio.run",
    "Result": "portfolio.result",
    "InputRecord": "portfolio.result",
    "Settings": "portfolio.settings",
    "Trajectory": "portfolio.settings",
    "load_settings": "portfolio.settings",
    "InputError": "holdings.problems",
    "load_run": "portfolio.audit.load",
    "write_run": "portfolio.audit.rundir",
    "Baseline": "portfolio.engine.trajectory",
    "ProjectionSummary": "portfolio.engine.projection",
}
_MODULES = {"names": "portfolio.engine.names", "kernel": "portfolio.engine.kernel"}

__all__ = ["Baseline", "InputError", "InputRecord", "METHODOLOGY_VERSION", "ProjectionSummary", "Result", "Settings",
           "Trajectory", "__version__", "analyze", "kernel", "load_run", "load_settings", "names", "write_run"]


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        value = import_module(_MODULES[name])
    elif name in _HOMES:
        value = getattr(import_module(_HOMES[name]), name)
    else:
        raise AttributeError(f"module 'portfolio' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

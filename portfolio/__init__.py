"""Responsible-investment analytics for a mutual insurer's book.

Public API: `analyze()` computes every figure of the data contract and
returns a `Result` of frames; `write_run()` writes them as a run folder;
`Settings` / `load_settings()` hold the run's settings. The CLI (`portfolio
analyze ...`) is a thin layer over these.
"""

from holdings.problems import InputError
from portfolio._version import METHODOLOGY_VERSION, VERSION as __version__
from portfolio.rundir import write_run
from portfolio.run import Result, analyze
from portfolio.settings import Settings, Trajectory, load_settings

__all__ = ["InputError", "METHODOLOGY_VERSION", "Result", "Settings", "Trajectory", "__version__", "analyze",
           "load_settings", "write_run"]

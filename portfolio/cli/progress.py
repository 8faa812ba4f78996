"""Progress on stderr for long runs: tqdm, shown only once a run has taken a couple of seconds."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tqdm import tqdm

SHOW_AFTER_SECONDS = 2.0


class Progress:
    """Named steps of a run; silent with `quiet` and for runs shorter than SHOW_AFTER_SECONDS."""

    def __init__(self, quiet: bool = False) -> None:
        self._quiet = quiet
        self._started = time.monotonic()
        self._bar: tqdm | None = None

    def step(self, description: str) -> None:
        if self._quiet or time.monotonic() - self._started < SHOW_AFTER_SECONDS:
            return
        if self._bar is None:  # tqdm draws on construction: give it the first step's name
            from tqdm import tqdm  # loaded only by a run long enough to show it

            self._bar = tqdm(total=None, file=sys.stderr, desc=description,
                             bar_format="portfolio: {desc} [{elapsed}]", leave=False, initial=0)
            return
        self._bar.set_description_str(description, refresh=True)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.close()

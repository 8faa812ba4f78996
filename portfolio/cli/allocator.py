"""Which allocator Arrow uses in a command's process: chosen by the size of the book, once, before reading it.

Measured (benchmarks/results.md): on the bundled sample (1.5 MB) the system
allocator, which numpy and pandas share, touches 70 MB less memory than
Arrow's default, mimalloc, and the run takes about a tenth less time; on a
10-million-line book mimalloc is about a tenth faster; at 2 million lines
(35 MB of Parquet) the two are even. `ARROW_DEFAULT_MEMORY_POOL`, when set,
is the user's choice and is kept.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa

SMALL_BOOK_BYTES = 16 << 20  # holdings files up to this size run on the system allocator
ARROW_DEFAULT_POOL = pa.default_memory_pool()  # Arrow's own choice (mimalloc in the wheels), before any change


def pool_for(book_bytes: int) -> pa.MemoryPool:
    """The memory pool for a book of `book_bytes` bytes of holdings files."""
    if "ARROW_DEFAULT_MEMORY_POOL" in os.environ or book_bytes > SMALL_BOOK_BYTES:
        return ARROW_DEFAULT_POOL
    return pa.system_memory_pool()


def use_pool_for(holdings: Iterable[Path]) -> None:
    """Make Arrow allocate from the pool that suits these holdings files (the bundled sample when there are none)."""
    pa.set_memory_pool(pool_for(sum(path.stat().st_size for path in holdings if path.is_file())))

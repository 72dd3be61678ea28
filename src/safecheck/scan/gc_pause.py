"""Fewer full garbage collections while a scan reads and judges.

A scan builds hundreds of thousands of objects that live until the report is written (entries,
hits, findings) and makes almost no reference cycles (about a hundred objects of cyclic garbage
on a disk of 100,000 entries). Python's full collection walks every live object each time the
heap has grown by a quarter: on that disk it took about 2 s of 9 (benchmarks/bench_scaling.py).
Young collections still run, and a full one still happens after many of them, so cyclic garbage
is still freed: memory stays bounded by the work, as before.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Young-generation collections between two full ones (Python's default is 10).
FULL_COLLECTION_EVERY = 1000


@contextmanager
def fewer_full_collections() -> Iterator[None]:
    """Raise the third threshold of the collector for the block, then restore it."""
    before = gc.get_threshold()
    gc.set_threshold(before[0], before[1], max(before[2], FULL_COLLECTION_EVERY))
    try:
        yield
    finally:
        gc.set_threshold(*before)

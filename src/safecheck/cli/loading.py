"""Loading code without the garbage collector walking it again and again."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")


def loaded_code(load: Callable[[], T]) -> T:
    """What `load` gives (it imports the command line, or one command's code). The tens of
    thousands of objects an import makes live until the end and are no garbage: the collector
    does not run while they are made, and gc.freeze then puts them out of its later walks; it
    runs as usual for what the command makes."""
    gc.disable()
    try:
        return load()
    finally:
        gc.freeze()
        gc.enable()

"""Stalkerware indicators of the Echap project: model, loader and the installed copy.

A scan calls `load_installed()` (None when none are installed: say so in coverage, with
`indicators.coverage.missing`) and then `Indicators.by_package(name)` and friends.
Downloading is `safecheck.indicators.update`, the only network code.
"""

from __future__ import annotations

from safecheck.indicators.model import ATTRIBUTION, STALKERWARE, WATCHWARE, App, Indicators
from safecheck.indicators.store import indicators_folder, load_installed

__all__ = [
    "ATTRIBUTION",
    "STALKERWARE",
    "WATCHWARE",
    "App",
    "Indicators",
    "indicators_folder",
    "load_installed",
]

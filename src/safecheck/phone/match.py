"""Installed apps against the stalkerware and watchware indicators, for every kind of phone.

A lookup takes an app identifier (an Android package name, an iPhone bundle id) and returns
the indicator's app name and type ("stalkerware" or "watchware"), or None.
"""

from __future__ import annotations

from collections.abc import Callable

from safecheck.indicators import STALKERWARE, Indicators, load_installed

IndicatorsLookup = Callable[[str], tuple[str, str] | None]


def package_lookup(indicators: Indicators) -> IndicatorsLookup:
    """Looks Android package names up in the indicators."""

    def lookup(package: str) -> tuple[str, str] | None:
        apps = indicators.by_package(package)
        if not apps:
            return None
        # A package listed as both (WiseMo) is reported as the more serious kind.
        app = next((a for a in apps if a.type == STALKERWARE), apps[0])
        return app.name, app.type

    return lookup


def installed_package_lookup() -> tuple[IndicatorsLookup | None, str]:
    """The installed indicators as a package lookup, and their whole commit (a version is
    never cut); (None, "") when none are installed. A damaged copy raises DataError."""
    indicators = load_installed()
    if indicators is None:
        return None, ""
    return package_lookup(indicators), indicators.commit

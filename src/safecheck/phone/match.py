"""Installed apps against the stalkerware and watchware indicators, for every kind of phone.

A lookup takes an app identifier (an Android package name, an iPhone bundle id) and returns
the indicator's app name and type ("stalkerware" or "watchware"), or None.
"""

from __future__ import annotations

from collections.abc import Callable

from safecheck.indicators import STALKERWARE, App, Indicators, load_installed

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


def _pick(apps: tuple[App, ...]) -> tuple[str, str] | None:
    if not apps:
        return None
    app = next((a for a in apps if a.type == STALKERWARE), apps[0])
    return app.name, app.type


def ios_bundle_lookup(indicators: Indicators) -> IndicatorsLookup:
    """Looks iPhone bundle ids up in the indicators (`ios_bundles`)."""
    return lambda bundle_id: _pick(indicators.by_ios_bundle(bundle_id))


def domain_lookup(indicators: Indicators) -> IndicatorsLookup:
    """Looks a host up among the indicators' sites, download hosts and C2 domains (a parent
    domain matches too)."""
    return lambda host: _pick(indicators.by_domain(host))


def installed_iphone_lookups() -> tuple[IndicatorsLookup | None, IndicatorsLookup | None, str]:
    """The installed indicators as (bundle id lookup, site lookup, commit); (None, None, "")
    when none are installed. A damaged copy raises DataError."""
    indicators = load_installed()
    if indicators is None:
        return None, None, ""
    return ios_bundle_lookup(indicators), domain_lookup(indicators), indicators.commit

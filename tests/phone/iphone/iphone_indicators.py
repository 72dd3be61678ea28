"""A small set of indicators for the iPhone tests (the products are made up)."""

from __future__ import annotations

from safecheck.indicators.model import STALKERWARE, WATCHWARE, App, Indicators
from safecheck.phone.match import domain_lookup, ios_bundle_lookup

INDICATORS = Indicators(
    apps=(
        App(
            "SpyCo",
            STALKERWARE,
            ios_bundles=("com.spyco.agent",),
            websites=("spyco.example",),
        ),
        App(
            "FamilyTrack",
            WATCHWARE,
            ios_bundles=("com.familytrack.app",),
            websites=("familytrack.example",),
        ),
    ),
    commit="0123456789abcdef0123456789abcdef01234567",
)
BUNDLES = ios_bundle_lookup(INDICATORS)
SITES = domain_lookup(INDICATORS)

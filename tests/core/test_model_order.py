"""Levels compare in the order they are declared; each one's rank is its place."""

from __future__ import annotations

from safecheck.core.model import Confidence, Severity


def test_rank_is_the_place_in_the_declaration() -> None:
    for kind in (Severity, Confidence):
        assert [level.rank for level in kind] == list(range(len(kind)))
    assert Severity.INFO < Severity.LOW < Severity.MEDIUM < Severity.HIGH
    assert Confidence.HIGH >= Confidence.MEDIUM > Confidence.LOW
    assert sorted([Severity.HIGH, Severity.INFO, Severity.MEDIUM]) == [
        Severity.INFO,
        Severity.MEDIUM,
        Severity.HIGH,
    ]

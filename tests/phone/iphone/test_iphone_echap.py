"""End to end on the real Echap lists (read from the shared folder, never copied): a family
locator's real iPhone bundle id and a visit to a real stalkerware vendor's site are found and
named in the rendered report."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from iphone_backup_builder import NOW, BackupBuilder

from paths import SHARED
from safecheck.core.i18n import Translator
from safecheck.indicators.loader import parse_apps
from safecheck.indicators.model import STALKERWARE, WATCHWARE, Indicators
from safecheck.phone.iphone.report import run_iphone_backup_check
from safecheck.phone.match import domain_lookup, ios_bundle_lookup
from safecheck.report.render.text import render_text

ECHAP = SHARED / "data" / "echap"


def echap() -> Indicators:
    apps = parse_apps((ECHAP / "ioc.yaml").read_bytes(), "ioc.yaml", STALKERWARE)
    apps += parse_apps((ECHAP / "watchware.yaml").read_bytes(), "watchware.yaml", WATCHWARE)
    return Indicators(apps=apps)


def test_real_indicators_on_an_iphone_backup(tmp_path: Path) -> None:
    indicators = echap()
    life360 = ios_bundle_lookup(indicators)("com.life360.safetymap")
    assert life360 is not None and life360[1] == WATCHWARE
    assert domain_lookup(indicators)("www.mspy.com") == ("mSpy", STALKERWARE)
    b = BackupBuilder(tmp_path / "b")
    b.add_app("com.life360.safetymap", "Life360")
    b.add_safari_history(
        [("https://www.mspy.com/pricing.html", datetime(2026, 8, 14, 20, 1, tzinfo=UTC))],
        tmp_path,
    )
    t = Translator("en")
    report = run_iphone_backup_check(
        b.build(), t, ios_bundle_lookup(indicators), domain_lookup(indicators), clock=lambda: NOW
    )
    text = render_text(report, t)
    assert f"Monitoring or family-locator app: {life360[0]} (com.life360.safetymap)" in text
    assert "Safari visited the site of a stalkerware: mSpy (www.mspy.com)" in text
    assert "2026-08-14T20:01" in text

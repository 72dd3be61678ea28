"""End to end: a package of the real Echap stalkerware list, installed on the (fake) phone, is a
high finding with the app's name in the rendered text report. Detection alone is not enough:
spytrap-adb < 0.3.5 detected matches that its interface never showed."""

from __future__ import annotations

from pathlib import Path

import pytest
from phone_fake_adb import NOW, echap_lookup, install_fake_adb, make_adb, use_scenario

from safecheck.core.i18n import Translator
from safecheck.phone.run import read_phone_check, run_phone_check
from safecheck.report.render.text import render_text


@pytest.fixture
def fake_bin(tmp_path: Path) -> Path:
    return install_fake_adb(tmp_path / "bin")


PACKAGE = "android.helper.system"  # installed in tests/fixtures/adb/stalkerware


def test_known_stalkerware_is_a_high_finding_in_the_text_report(
    fake_bin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lookup = echap_lookup()
    assert lookup[PACKAGE][1] == "stalkerware"  # the fixture uses a real package of the list
    app_name = lookup[PACKAGE][0]
    use_scenario(monkeypatch, tmp_path, "stalkerware")
    t = Translator("en")
    report = run_phone_check(make_adb(fake_bin), "2B121FDH2006ZJ", t, lookup.get, lambda: NOW)
    text = render_text(report, t)
    spy = next(f for f in report.findings if f.id == "SC-AND-STALKERWARE")
    assert spy.severity.value == "high"
    assert f"Stalkerware on the phone: {app_name} ({PACKAGE})" in text
    high = t("severity.high")
    block = text[
        text.index("Stalkerware on the phone") - 200 : text.index("Stalkerware on the phone") + 3000
    ]
    assert high in block
    assert "adb shell dumpsys package android.helper.system" in text
    assert "destroys evidence" in " ".join(text.split())
    # the watchware app of the same phone is a question, not an accusation
    assert "FamiSafe" in text


def test_the_evidence_is_in_the_reports_language(
    fake_bin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_scenario(monkeypatch, tmp_path, "stalkerware")
    t = Translator("fr")
    report = run_phone_check(
        make_adb(fake_bin), "2B121FDH2006ZJ", t, echap_lookup().get, lambda: NOW
    )
    said = " ".join(e.path or "" for f in report.findings for e in f.evidence)
    assert "installée par" in said
    for english in ("installer:", "installed ", "device administrator", "background location"):
        assert english not in said, english


def test_one_reading_writes_the_evidence_in_each_report_language(
    fake_bin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_scenario(monkeypatch, tmp_path, "stalkerware")
    adb = make_adb(fake_bin)
    reading = read_phone_check(adb, "2B121FDH2006ZJ", echap_lookup().get, lambda: NOW)
    french, english = reading(Translator("fr")), reading(Translator("en"))
    evidence = {
        lang: " ".join(e.path or "" for f in r.findings for e in f.evidence)
        for lang, r in (("fr", french), ("en", english))
    }
    assert "installée par" in evidence["fr"] and "installer:" in evidence["en"]
    assert [f.id for f in french.findings] == [f.id for f in english.findings]

"""The live iPhone check, on recorded answers (FakeIPhone) and through a stand-in
pymobiledevice3 (FakeLibrary): what is asked, what is found, what is said when it fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from iphone_backup_builder import NOW
from iphone_fake_device import FakeIPhone, FakeLibrary, without_library
from iphone_indicators import BUNDLES

from safecheck.core.i18n import Translator
from safecheck.core.model import CoverageStatus
from safecheck.phone.iphone.errors import IPhoneError
from safecheck.phone.iphone.live import UsbIPhone, read_live_facts
from safecheck.phone.iphone.report import run_iphone_live_check
from safecheck.report.jsonio import report_to_dict
from safecheck.report.model import Report


def check(phone: object, lang: str = "en") -> Report:
    return run_iphone_live_check(phone, Translator(lang), BUNDLES, lambda: NOW)  # type: ignore[arg-type]


def test_findings_of_a_live_iphone() -> None:
    report = check(FakeIPhone())
    found = {f.id: f for f in report.findings}
    assert set(found) == {
        "SC-IOS-STALKERWARE",
        "SC-IOS-NOT-APP-STORE",
        "SC-IOS-PROFILE",
        "SC-IOS-MDM",
        "SC-IOS-SUPERVISED",
        "SC-IOS-JAILBREAK",
        "SC-IOS-OLD-VERSION",
        "SC-IOS-DEVELOPER-MODE",
    }
    assert found["SC-IOS-NOT-APP-STORE"].title.startswith("1 app(s)")  # the company app
    assert "Sync" not in found["SC-IOS-STALKERWARE"].title  # the list's name, not the app's
    assert found["SC-IOS-OLD-VERSION"].title == "iOS 18.6.2 is behind: this iPhone can run iOS 26"
    profiles = [f for f in report.findings if f.id == "SC-IOS-PROFILE"]
    assert {f.title for f in profiles} == {
        "Configuration profile on the iPhone: Device Manager (from Totally Legit Ltd)",
        "Configuration profile on the iPhone: Secure Browsing (from Example Org)",
    }
    assert "not readable over USB" in (profiles[0].evidence[0].path or "")
    jailbreak = found["SC-IOS-JAILBREAK"].evidence
    assert [e.path for e in jailbreak] == ["com.example.tweakui (/var/jb/Applications/TweakUI.app)"]
    rows = {c.id: c.status for c in report.coverage}
    assert rows["iphone.device"] is CoverageStatus.OK
    assert rows["iphone.apps"] is CoverageStatus.OK
    assert rows["iphone.profiles"] is CoverageStatus.OK
    assert rows["iphone.jailbreak"] is CoverageStatus.PARTIAL  # no file list over USB
    assert rows["iphone.history"] is CoverageStatus.FAILED  # only in a backup
    assert rows["iphone.developer_mode"] is CoverageStatus.OK
    text = json.dumps(report_to_dict(report))
    assert "Alice" not in text and "F2LXK0ABCDEF" not in text


def test_system_apps_are_not_judged_as_sideloaded() -> None:
    phone = FakeIPhone()
    phone.apps_ = [a for a in phone.apps_ if a["ApplicationType"] == "System"][:1]
    facts = read_live_facts(phone)
    assert facts.apps is not None and facts.apps[0].system
    assert "SC-IOS-NOT-APP-STORE" not in {f.id for f in check(phone).findings}


def test_no_passcode_and_no_developer_mode_before_ios_16() -> None:
    phone = FakeIPhone(fail=("developer_mode",))  # never asked on iOS 15
    phone.values_.update(ProductVersion="15.8.3", ProductType="iPhone9,3", PasswordProtected=False)
    report = check(phone)
    ids = {f.id for f in report.findings}
    assert "SC-IOS-NO-PASSCODE" in ids and "SC-IOS-DEVELOPER-MODE" not in ids
    assert "SC-IOS-OLD-VERSION" not in ids  # an iPhone 7 cannot go past iOS 15
    rows = {c.id: c.status for c in report.coverage}
    assert rows["iphone.developer_mode"] is CoverageStatus.NOT_APPLICABLE


@pytest.mark.parametrize(
    "call", ["values", "developer_mode", "apps", "profile_list", "cloud_configuration"]
)
def test_one_failing_answer_costs_one_area(call: str) -> None:
    report = check(FakeIPhone(fail=(call,)))
    area = {"values": "device", "apps": "apps", "developer_mode": "developer_mode"}.get(
        call, "profiles"
    )
    rows = {c.id: c for c in report.coverage}
    assert rows[f"iphone.{area}"].status is CoverageStatus.FAILED
    assert "the phone went away" in rows[f"iphone.{area}"].reason
    others = {"apps", "profiles"} - {area}
    if call != "values":
        others |= {"device"}
    for other in others:
        assert rows[f"iphone.{other}"].status is CoverageStatus.OK, other


def test_hostile_answers_are_cut_and_odd_types_ignored() -> None:
    phone = FakeIPhone()
    phone.values_ = {"ProductType": ["x"], "ProductVersion": "9" * 5000, "DeviceName": None}
    phone.apps_ = [{"CFBundleIdentifier": "a" * 10_000, "ApplicationType": "User"}, "junk", {}]  # type: ignore[list-item]
    phone.profiles_ = {"ProfileMetadata": {"p": "not a dict"}, "OrderedIdentifiers": [1, None]}
    report = check(phone)
    for finding in report.findings:
        assert all(len(e.path or "") < 2000 for e in finding.evidence)
    assert {c.id: c.status for c in report.coverage}["iphone.apps"] is CoverageStatus.OK


# ---- through pymobiledevice3 ------------------------------------------------------------------


def test_usb_iphone_asks_only_read_only_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    library = FakeLibrary()
    library.install(monkeypatch)
    with UsbIPhone(serial="00008030-001A2B3C4D5E6F70", pair_timeout=5) as phone:
        report = check(phone)
        folder = Path(library.connect_kwargs["pairing_records_cache_folder"])
    assert library.calls == [
        "get_developer_mode_status",
        "browse Any",
        "get_profile_list",
        "get_cloud_configuration",
    ]
    assert library.connect_kwargs["serial"] == "00008030-001A2B3C4D5E6F70"
    assert library.connect_kwargs["pair_timeout"] == 5
    assert library.pairing_folder_existed and not folder.exists()  # removed afterwards
    assert library.closed
    assert "SC-IOS-STALKERWARE" in {f.id for f in report.findings}


def test_usb_errors_say_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    library = FakeLibrary()
    library.install(monkeypatch)
    cases = [
        (library.errors.NoDeviceConnectedError(), "iphone.live.no_device"),
        (library.errors.PasswordRequiredError("locked"), "iphone.live.locked"),
        (library.errors.OtherError("mux"), "iphone.live.failed"),
    ]
    for error, key in cases:
        library.connect_error = error
        with pytest.raises(IPhoneError) as raised, UsbIPhone():
            pass
        assert raised.value.key == key
        for lang in ("en", "fr"):
            assert raised.value.text(Translator(lang))
        assert not Path(library.connect_kwargs["pairing_records_cache_folder"]).exists()


def test_without_pymobiledevice3_the_message_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    without_library(monkeypatch)
    with pytest.raises(IPhoneError) as raised, UsbIPhone():
        pass
    assert raised.value.key == "iphone.live.missing_library"
    assert "safecheck[iphone]" in raised.value.text(Translator("fr"))


def test_trust_is_explained_in_both_languages() -> None:
    for lang, words in (
        ("en", ("Trust This Computer?", "Reset Location & Privacy")),
        ("fr", ("Faire confiance à cet ordinateur", "Réinitialiser localisation")),
    ):
        text = Translator(lang)("iphone.live.trust")
        assert all(w in text for w in words), lang

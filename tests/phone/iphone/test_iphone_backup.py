"""Reading iPhone backups end to end: a plain one and an encrypted one with the same content
give the same findings, the backup is never changed, personal values stay out of the report."""

from __future__ import annotations

import json
import os
import plistlib
import tempfile
from pathlib import Path

import pytest
from iphone_backup_builder import (
    FAMILY_BUNDLE,
    NOW,
    SPY_BUNDLE,
    BackupBuilder,
    Keys,
    snapshot,
    spied_backup,
)
from iphone_indicators import BUNDLES, SITES

from safecheck.core.i18n import Translator
from safecheck.core.model import CoverageStatus, Severity
from safecheck.phone.iphone.backup import open_backup
from safecheck.phone.iphone.backup_facts import read_backup_facts
from safecheck.phone.iphone.errors import BackupPasswordNeeded, WrongBackupPassword
from safecheck.phone.iphone.report import run_iphone_backup_check
from safecheck.report.jsonio import report_to_dict
from safecheck.report.model import Report
from safecheck.report.render.text import render_text

PASSWORD = "correct horse battery staple"  # noqa: S105 (a test backup's)
EXPECTED = {
    "SC-IOS-STALKERWARE": Severity.HIGH,
    "SC-IOS-WATCHWARE": Severity.MEDIUM,
    "SC-IOS-NOT-APP-STORE": Severity.MEDIUM,
    "SC-IOS-PROFILE-WATCHING": Severity.HIGH,
    "SC-IOS-PROFILE": Severity.MEDIUM,
    "SC-IOS-MDM": Severity.HIGH,
    "SC-IOS-SUPERVISED": Severity.HIGH,
    "SC-IOS-JAILBREAK": Severity.HIGH,
    "SC-IOS-STALKERWARE-SITE": Severity.HIGH,
    "SC-IOS-OLD-VERSION": Severity.LOW,
    "SC-IOS-APPLE-ACCOUNTS": Severity.INFO,
}


def check(
    folder: Path, password: str | None = None, lang: str = "en", redact: bool = True
) -> Report:
    return run_iphone_backup_check(
        folder, Translator(lang), BUNDLES, SITES, password, lambda: NOW, redact
    )


@pytest.fixture(params=[None, PASSWORD], ids=["plain", "encrypted"])
def password(request: pytest.FixtureRequest) -> str | None:
    value: str | None = request.param
    return value


def test_every_finding_of_a_spied_iphone(tmp_path: Path, password: str | None) -> None:
    folder = spied_backup(tmp_path / "backup", tmp_path, password)
    report = check(folder, password)
    found = {f.id: f.severity for f in report.findings}
    assert found == EXPECTED
    rows = {c.id: c.status for c in report.coverage}
    for area in ("device", "apps", "profiles", "jailbreak", "history", "indicators"):
        assert rows[f"iphone.{area}"] is CoverageStatus.OK, area
    assert rows["iphone.icloud"] is CoverageStatus.FAILED  # only the checklist covers it
    assert rows["iphone.find_my"] is CoverageStatus.FAILED
    host = report.metadata.host
    assert host["model_id"] == "iPhone14,5" and host["os_version"] == "17.6.1"
    assert host["backup_encrypted"] is (password is not None)


def test_findings_say_what_and_where(tmp_path: Path) -> None:
    folder = spied_backup(tmp_path / "backup", tmp_path)
    report = check(folder)
    by_id = {f.id: f for f in report.findings}
    assert by_id["SC-IOS-STALKERWARE"].title == f"Stalkerware on the iPhone: SpyCo ({SPY_BUNDLE})"
    assert FAMILY_BUNDLE in by_id["SC-IOS-WATCHWARE"].title
    assert by_id["SC-IOS-NOT-APP-STORE"].title.startswith("2 app(s)")  # the enterprise app, Sileo
    watching = by_id["SC-IOS-PROFILE-WATCHING"]
    assert "Secure Browsing" in watching.title and "Example Org" in watching.title
    (evidence,) = watching.evidence
    assert evidence.path is not None and "allows: VPN, root certificate" in evidence.path
    assert evidence.read_from is not None and evidence.read_from.endswith("profile-vpn.stub")
    assert evidence.modified == "2026-10-02T21:05:00+00:00"  # the profile's install date
    assert any("General > VPN & Device Management" in s for s in watching.steps)
    mdm = by_id["SC-IOS-MDM"]  # the MDM profile and the cloud configuration: one finding
    assert len(mdm.evidence) == 2 and "Totally Legit Ltd" in mdm.title
    assert any("mdm.spyco.example" in (e.path or "") for e in mdm.evidence)
    jailbreak = " ".join(e.path or "" for e in by_id["SC-IOS-JAILBREAK"].evidence)
    assert "org.coolstar.SileoStore" in jailbreak and "com.saurik.Cydia.plist" in jailbreak
    site = by_id["SC-IOS-STALKERWARE-SITE"]
    (visit,) = site.evidence
    assert "https://www.spyco.example: visits 2" in (visit.path or "")
    assert "2026-09-03T22:30" in (visit.path or "")
    old = by_id["SC-IOS-OLD-VERSION"]
    assert old.title == "iOS 17.6.1 is behind: this iPhone can run iOS 26"
    for finding in report.findings:
        assert finding.safety_note and finding.steps


def test_personal_values_stay_out_of_the_report_by_default(tmp_path: Path) -> None:
    folder = spied_backup(tmp_path / "backup", tmp_path)
    text = json.dumps(report_to_dict(check(folder)))
    for private in ("Alice", "F2LXK0ABCDEF", "other.person@", "owner@", "alice@", "token=secret"):
        assert private not in text, private
    assert "[account-" in text
    shown = json.dumps(report_to_dict(check(folder, redact=False)))
    assert "Alice's iPhone" in shown and "F2LXK0ABCDEF" in shown
    assert "other.person@example.test" in shown
    assert "alice@" not in shown  # a visited address is never kept whole: scheme and host only


def test_the_backup_is_never_changed_and_nothing_is_left_behind(
    tmp_path: Path, password: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = spied_backup(tmp_path / "backup", tmp_path, password)
    before = snapshot(folder)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))  # anything written to a temporary file shows
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.chdir(scratch)
    check(folder, password)
    assert snapshot(folder) == before
    assert os.listdir(scratch) == []


def test_the_evidence_is_in_the_reports_language(tmp_path: Path) -> None:
    report = check(spied_backup(tmp_path / "backup", tmp_path), lang="fr")
    said = " ".join(f"{e.path} {e.read_from}" for f in report.findings for e in f.evidence)
    assert "permet : VPN, certificat racine" in said
    assert "supervisé" in said and "ne peut pas être supprimé sans mot de passe" in said
    for english in ("allows:", "supervised", "cannot be removed", "visits", "not from the App"):
        assert english not in said, english


def test_french_report(tmp_path: Path) -> None:
    folder = spied_backup(tmp_path / "backup", tmp_path)
    text = render_text(check(folder, lang="fr"), Translator("fr"))
    assert "Logiciel espion sur l'iPhone : SpyCo" in text
    assert "Réglages > Général > VPN et gestion de l'appareil" in text
    assert "safecheck — vérification du téléphone" in text


def test_an_encrypted_backup_needs_its_password(tmp_path: Path) -> None:
    folder = spied_backup(tmp_path / "backup", tmp_path, PASSWORD)
    with pytest.raises(BackupPasswordNeeded) as needed:
        check(folder)
    assert needed.value.key == "iphone.backup.password_needed"
    with pytest.raises(WrongBackupPassword) as wrong:
        check(folder, "correct horse battery stapler")
    assert wrong.value.key == "iphone.backup.wrong_password"
    for lang in ("en", "fr"):
        assert "Finder" in wrong.value.text(Translator(lang))


def test_a_plain_backup_ignores_a_password(tmp_path: Path) -> None:
    folder = spied_backup(tmp_path / "backup", tmp_path)
    assert {f.id for f in check(folder, "whatever").findings} == set(EXPECTED)


def test_a_clean_backup_has_no_finding_but_says_what_was_not_checked(tmp_path: Path) -> None:
    b = BackupBuilder(tmp_path / "backup")
    b.info["Product Type"] = b.manifest["Lockdown"]["ProductType"] = "iPhone17,1"
    b.info["Product Version"] = "26.1"
    b.add_app("net.whatsapp.WhatsApp", "WhatsApp")
    b.add_folder("SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles", "Library")
    b.add_safari_history([], tmp_path)
    report = check(b.build())
    assert report.findings == ()
    rows = {c.id: c for c in report.coverage}
    assert rows["iphone.profiles"].status is CoverageStatus.OK
    assert "iphone-apple-password" in rows["iphone.icloud"].reason
    assert "loc-find-my-people" in rows["iphone.find_my"].reason


def test_no_passcode_is_a_finding(tmp_path: Path) -> None:
    b = BackupBuilder(tmp_path / "backup")
    b.manifest["WasPasscodeSet"] = False
    assert "SC-IOS-NO-PASSCODE" in {f.id for f in check(b.build()).findings}


def test_apps_without_an_app_store_record_only_when_the_backup_lists_records(
    tmp_path: Path,
) -> None:
    b = BackupBuilder(tmp_path / "backup")
    b.add_app("com.example.sideloaded", store=False)
    b.info["Applications"] = {}  # idevicebackup2 without app records: cannot be told
    with open_backup(b.build()) as backup:
        facts = read_backup_facts(backup, SITES)
    assert facts.apps is not None
    assert [(a.bundle_id, a.store) for a in facts.apps] == [("com.example.sideloaded", "")]


def test_without_indicators_apps_and_history_are_not_compared(tmp_path: Path) -> None:
    folder = spied_backup(tmp_path / "backup", tmp_path)
    report = run_iphone_backup_check(folder, Translator("en"), None, None, clock=lambda: NOW)
    rows = {c.id: c.status for c in report.coverage}
    assert rows["iphone.indicators"] is CoverageStatus.FAILED
    assert rows["iphone.history"] is CoverageStatus.FAILED
    ids = {f.id for f in report.findings}
    assert "SC-IOS-STALKERWARE" not in ids and "SC-IOS-MDM" in ids
    assert "indicators" not in report.metadata.data_versions


def test_the_backup_folder_name_is_the_iphones_identifier_and_is_hidden(tmp_path: Path) -> None:
    folder = spied_backup(tmp_path / "00008110-000A1B2C3D4E5F60", tmp_path)
    assert "00008110" not in json.dumps(report_to_dict(check(folder)))
    assert "00008110" in str(check(folder, redact=False).metadata.host["root"])


def test_an_encrypted_backup_of_ios_10_0_has_a_plain_manifest_db(tmp_path: Path) -> None:
    folder = spied_backup(tmp_path / "b", tmp_path)  # plain files and Manifest.db...
    manifest = plistlib.loads((folder / "Manifest.plist").read_bytes())
    manifest["IsEncrypted"] = True  # ...with a keybag, as iOS 10.0 and 10.1 wrote them
    manifest["BackupKeyBag"] = Keys("pw", dpic=10, iterations=1).keybag()
    (folder / "Manifest.plist").write_bytes(plistlib.dumps(manifest, fmt=plistlib.FMT_BINARY))
    report = check(folder, "pw")
    rows = {c.id: c.status for c in report.coverage}
    assert rows["iphone.apps"] is CoverageStatus.OK
    assert rows["iphone.profiles"] is not CoverageStatus.OK  # files are not decryptable

"""Hostile and damaged backups: a clear error or a "could not check" row, never a traceback,
never a read outside the backup, never our memory or time set by the backup's sizes."""

from __future__ import annotations

import os
import plistlib
import sqlite3
from pathlib import Path

import pytest
from iphone_backup_builder import (
    NOW,
    PROFILES_DOMAIN,
    BackupBuilder,
    file_id,
    nested_arrays,
    spied_backup,
)
from iphone_indicators import BUNDLES, SITES

from safecheck.core.i18n import Translator
from safecheck.core.model import CoverageStatus
from safecheck.phone.iphone import backup as backup_module
from safecheck.phone.iphone import history
from safecheck.phone.iphone.errors import IPhoneError, WrongBackupPassword
from safecheck.phone.iphone.plists import PlistError, load_plist
from safecheck.phone.iphone.report import run_iphone_backup_check
from safecheck.report.model import Report


def check(folder: Path, password: str | None = None) -> Report:
    return run_iphone_backup_check(
        folder, Translator("en"), BUNDLES, SITES, password=password, clock=lambda: NOW
    )


def rows(report: Report) -> dict[str, tuple[CoverageStatus, str]]:
    return {c.id: (c.status, c.reason) for c in report.coverage}


def test_not_a_backup(tmp_path: Path) -> None:
    with pytest.raises(IPhoneError) as not_folder:
        check(tmp_path / "missing")
    assert not_folder.value.key == "iphone.backup.not_folder"
    with pytest.raises(IPhoneError) as empty:
        check(tmp_path)
    assert empty.value.key == "iphone.backup.not_backup"
    (tmp_path / "Manifest.mbdb").write_bytes(b"mbdb\x05\x00")
    with pytest.raises(IPhoneError) as old:
        check(tmp_path)
    assert old.value.key == "iphone.backup.too_old"
    for lang in ("en", "fr"):
        assert old.value.text(Translator(lang))


@pytest.mark.parametrize(
    "content",
    [b"", b"garbage", b"bplist00" + b"\xff" * 100, plistlib.dumps(["a list"]), b"\x00" * 10],
)
def test_a_damaged_manifest_plist_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    folder = BackupBuilder(tmp_path / "b").build()
    (folder / "Manifest.plist").write_bytes(content)
    with pytest.raises(IPhoneError) as error:
        check(folder)
    assert error.value.key == "iphone.backup.damaged"
    assert "Manifest.plist" in error.value.text(Translator("fr"))


def test_missing_manifest_db_still_reads_the_plists(tmp_path: Path) -> None:
    folder = spied_backup(tmp_path / "b", tmp_path)
    (folder / "Manifest.db").unlink()
    report = check(folder)
    found = rows(report)
    assert found["iphone.apps"][0] is CoverageStatus.OK
    assert found["iphone.profiles"] == (
        CoverageStatus.FAILED,
        "Could not be read: Manifest.db could not be read",
    )
    assert found["iphone.history"][0] is CoverageStatus.FAILED
    assert found["iphone.jailbreak"][0] is CoverageStatus.PARTIAL
    assert "SC-IOS-STALKERWARE" in {f.id for f in report.findings}


@pytest.mark.parametrize(
    "content",
    [
        b"SQLite format 3\x00" + os.urandom(4000),  # the header, then noise
        b"not a database at all",
    ],
)
def test_a_corrupt_manifest_db_is_a_could_not_check_row(tmp_path: Path, content: bytes) -> None:
    folder = spied_backup(tmp_path / "b", tmp_path)
    (folder / "Manifest.db").write_bytes(content)
    found = rows(check(folder))
    assert found["iphone.profiles"][0] is CoverageStatus.FAILED
    assert found["iphone.history"][0] is CoverageStatus.FAILED


def test_a_manifest_db_without_the_files_table(tmp_path: Path) -> None:
    folder = spied_backup(tmp_path / "b", tmp_path)
    (folder / "Manifest.db").unlink()
    db = sqlite3.connect(folder / "Manifest.db")
    db.execute("CREATE TABLE Other (x)")
    db.commit()
    db.close()
    found = rows(check(folder))
    assert found["iphone.profiles"][0] is CoverageStatus.FAILED
    assert "no such table" in found["iphone.profiles"][1]


def test_a_huge_info_plist_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = spied_backup(tmp_path / "b", tmp_path)
    monkeypatch.setattr(backup_module, "MAX_PLIST_BYTES", 64 * 1024)
    (folder / "Info.plist").write_bytes(plistlib.dumps({"Pad": b"x" * 200_000}))
    report = check(folder)
    status, _ = rows(report)["iphone.device"]
    assert status is CoverageStatus.PARTIAL  # the model still comes from Manifest.plist
    (row,) = [c for c in report.coverage if c.id == "iphone.device"]
    assert any("larger than" in d for d in row.details)


def test_plist_bombs_are_refused() -> None:
    assert load_plist(nested_arrays(5), 1024) == [[[[["x"]]]]]  # the builder is right
    with pytest.raises(PlistError):  # a depth that exhausts the stack
        load_plist(nested_arrays(200_000), 10 * 1024 * 1024)
    entity = (
        b'<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><plist><string>&b;</string></plist>'
    )
    with pytest.raises(PlistError):
        load_plist(entity, 1024 * 1024)
    with pytest.raises(PlistError):
        load_plist(b"x" * 101, 100)


def test_a_binary_plist_with_a_cycle_does_not_hang() -> None:
    # one array whose only item is itself (object 0 refers to object 0)
    body = bytes([0xA1, 0x00])
    offsets = bytes([8])
    trailer = bytes(6) + bytes([1, 1]) + (1).to_bytes(8, "big") + (0).to_bytes(8, "big")
    trailer += (8 + len(body)).to_bytes(8, "big")
    data = b"bplist00" + body + offsets + trailer
    try:
        value = load_plist(data, 1024)
    except PlistError:
        return
    assert isinstance(value, list)  # plistlib may build the cycle; we never walk it blindly


def test_path_traversal_in_manifest_db_reads_nothing_outside(tmp_path: Path) -> None:
    secret = tmp_path / "secret.plist"
    secret.write_bytes(plistlib.dumps({"PayloadDisplayName": "outside the backup"}))
    b = BackupBuilder(tmp_path / "b")
    b.add_file(
        PROFILES_DOMAIN,
        "Library/ConfigurationProfiles/../../../../profile-secret.stub",
        b"ignored",
        fid="../../secret.plist",
    )
    b.add_file(
        PROFILES_DOMAIN,
        "Library/ConfigurationProfiles/../../../etc/profile-passwd",
        plistlib.dumps({"PayloadDisplayName": "traversal is only text"}),
    )
    report = check(b.build())
    text = str(report)
    assert "outside the backup" not in text
    (row,) = [c for c in report.coverage if c.id == "iphone.profiles"]
    assert row.status is CoverageStatus.PARTIAL
    assert "40 hexadecimal digits" in " ".join(row.details)
    assert "traversal is only text" in {
        f.title.split(": ")[1].split(" (")[0] for f in report.findings
    }


def test_a_link_or_a_pipe_in_the_backup_is_not_followed(tmp_path: Path) -> None:
    b = BackupBuilder(tmp_path / "b")
    b.add_profile("x", {"PayloadDisplayName": "X"})
    folder = b.build()
    fid = file_id(PROFILES_DOMAIN, "Library/ConfigurationProfiles/profile-x.stub")
    stored = folder / fid[:2] / fid
    stored.unlink()
    outside = tmp_path / "outside.plist"
    outside.write_bytes(plistlib.dumps({"PayloadDisplayName": "followed a link"}))
    stored.symlink_to(outside)
    report = check(folder)
    assert "followed a link" not in str(report)
    stored.unlink()
    os.mkfifo(stored)  # would block a naive reader forever
    report = check(folder)
    (row,) = [c for c in report.coverage if c.id == "iphone.profiles"]
    assert row.status is CoverageStatus.PARTIAL


def test_a_damaged_encrypted_file_is_a_could_not_check_row(tmp_path: Path) -> None:
    folder = spied_backup(tmp_path / "b", tmp_path, "pw")
    fid = file_id(PROFILES_DOMAIN, "Library/ConfigurationProfiles/profile-vpn.stub")
    stored = folder / fid[:2] / fid
    stored.write_bytes(stored.read_bytes()[:-5])  # no longer whole blocks
    report = check(folder, "pw")
    (row,) = [c for c in report.coverage if c.id == "iphone.profiles"]
    assert row.status is CoverageStatus.PARTIAL
    assert "profile-vpn.stub" in " ".join(row.details)
    ids = {f.id for f in report.findings}
    assert "SC-IOS-PROFILE-WATCHING" not in ids and "SC-IOS-MDM" in ids  # the others are read


def test_a_damaged_encrypted_manifest_db(tmp_path: Path) -> None:
    folder = spied_backup(tmp_path / "b", tmp_path, "pw")
    content = bytearray((folder / "Manifest.db").read_bytes())
    content[:32] = os.urandom(32)  # the header no longer decrypts to SQLite's
    (folder / "Manifest.db").write_bytes(bytes(content))
    found = rows(check(folder, "pw"))
    assert found["iphone.profiles"][0] is CoverageStatus.FAILED
    assert found["iphone.apps"][0] is CoverageStatus.OK


def test_a_damaged_keybag_is_a_clear_error(tmp_path: Path) -> None:
    folder = spied_backup(tmp_path / "b", tmp_path, "pw")
    manifest = plistlib.loads((folder / "Manifest.plist").read_bytes())
    manifest["BackupKeyBag"] = manifest["BackupKeyBag"][:37]
    (folder / "Manifest.plist").write_bytes(plistlib.dumps(manifest, fmt=plistlib.FMT_BINARY))
    with pytest.raises(IPhoneError) as error:
        check(folder, "pw")
    assert error.value.key == "iphone.backup.damaged"
    assert not isinstance(error.value, WrongBackupPassword)


def test_a_huge_safari_history_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = spied_backup(tmp_path / "b", tmp_path)
    monkeypatch.setattr(history, "MAX_HISTORY_BYTES", 1024)
    status, reason = rows(check(folder))["iphone.history"]
    assert status is CoverageStatus.FAILED and "too large" in reason


def test_a_corrupt_safari_history(tmp_path: Path) -> None:
    b = BackupBuilder(tmp_path / "b")
    b.add_file(
        "AppDomain-com.apple.mobilesafari", "Library/Safari/History.db", b"SQLite format 3\x00junk"
    )
    status, reason = rows(check(b.build()))["iphone.history"]
    assert status is CoverageStatus.FAILED and reason.startswith("Could not be read: History.db")


def test_hostile_texts_are_cut_and_odd_values_ignored(tmp_path: Path) -> None:
    b = BackupBuilder(tmp_path / "b")
    b.info["Product Type"] = 12  # a number where text is expected
    b.info["Device Name"] = "\x1b[31m" + "A" * 100_000
    b.manifest["Applications"] = {"com.x\x1b]0;evil\x07": {"Path": ["not text"]}, "": {}}
    b.info["Installed Applications"] = ["com.y" * 1000, 42, None]
    b.add_profile("odd", {"PayloadContent": "not a list", "PayloadDisplayName": ["x"]})
    b.info_format = plistlib.FMT_BINARY  # XML cannot hold control characters
    report = check(b.build())
    for finding in report.findings:
        for item in finding.evidence:
            assert len(item.path or "") < 2000
    assert {c.id: c.status for c in report.coverage}["iphone.apps"] is CoverageStatus.OK


@pytest.mark.parametrize("password", [None, "pw"], ids=["plain", "encrypted"])
def test_random_damage_anywhere_never_raises_anything_else(
    tmp_path: Path, password: str | None
) -> None:
    import random  # noqa: PLC0415
    import shutil  # noqa: PLC0415

    original = spied_backup(tmp_path / "original", tmp_path, password)
    files = sorted(p for p in original.rglob("*") if p.is_file())
    chance = random.Random(1414)  # noqa: S311 (reproducible damage, not secrecy)
    for attempt in range(40):
        folder = tmp_path / f"damaged{attempt}"
        shutil.copytree(original, folder)
        for target in chance.sample(files, 3):
            path = folder / target.relative_to(original)
            content = bytearray(path.read_bytes())
            for _ in range(chance.randint(1, 20)):
                if content:
                    content[chance.randrange(len(content))] = chance.randrange(256)
            if chance.random() < 0.3:
                content = content[: chance.randrange(len(content) + 1)]
            path.write_bytes(bytes(content))
        try:
            report = check(folder, password)
        except IPhoneError:
            continue  # a clear message (damaged Manifest.plist or keybag)
        assert {c.id for c in report.coverage} >= {"iphone.apps", "iphone.profiles"}


def test_a_manifest_db_schema_with_bytes_that_are_not_text(tmp_path: Path) -> None:
    folder = spied_backup(tmp_path / "b", tmp_path)
    content = (folder / "Manifest.db").read_bytes()
    name = b"tableFilesFiles"  # the table's name in SQLite's own schema table
    assert name in content
    (folder / "Manifest.db").write_bytes(content.replace(name, b"tableF\xf2lesFiles"))
    found = rows(check(folder))
    assert found["iphone.profiles"][0] is CoverageStatus.FAILED
    assert not found["iphone.profiles"][1].startswith("Could not be read: UnicodeDecodeError")

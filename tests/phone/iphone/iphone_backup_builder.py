"""Builds iPhone backups for the tests, in the real layout and formats: Info.plist,
Manifest.plist, Status.plist, Manifest.db (the `Files` and `Properties` tables of iOS 10+),
each file stored as `<first two hex digits>/<SHA-1 of "domain-relativePath">`, its metadata an
NSKeyedArchiver MBFile. With a password the backup is encrypted the way iOS does it (written
here from the published format, so the reader's decryption is tested for real): a backup
keybag whose class keys are AES-wrapped with the key derived from the password (PBKDF2-SHA256
with DPSL/DPIC, then PBKDF2-SHA1 with SALT/ITER), Manifest.db encrypted with a key wrapped by
class 4 (ManifestKey), each file with its own key wrapped by its protection class, contents
AES-256-CBC with a zero IV and PKCS#7 padding. Round counts are small unless asked, to keep the
tests fast; the format is the same.
"""

from __future__ import annotations

import hashlib
import os
import plistlib
import sqlite3
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.keywrap import aes_key_wrap

NOW = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
PROFILES_DOMAIN = "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles"
SAFARI_DOMAIN = "AppDomain-com.apple.mobilesafari"
MANIFEST_CLASS = 4
FILE_CLASS = 3  # "protected until first user authentication"
CLASSES = range(1, 12)


def file_id(domain: str, relative_path: str) -> str:
    return hashlib.sha1(f"{domain}-{relative_path}".encode()).hexdigest()  # noqa: S324


def _encrypt(key: bytes, plain: bytes) -> bytes:
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(bytes(16))).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


def _tlv(tag: str, value: bytes) -> bytes:
    return tag.encode("ascii") + struct.pack(">I", len(value)) + value


def _int32(value: int) -> bytes:
    return struct.pack(">I", value)


@dataclass
class Keys:
    """The secrets of one encrypted backup."""

    password: str
    dpic: int = 1_000
    iterations: int = 10
    salt: bytes = field(default_factory=lambda: os.urandom(20))
    dpsl: bytes = field(default_factory=lambda: os.urandom(20))
    class_keys: dict[int, bytes] = field(
        default_factory=lambda: {c: os.urandom(32) for c in CLASSES}
    )

    def passcode_key(self) -> bytes:
        first = hashlib.pbkdf2_hmac("sha256", self.password.encode(), self.dpsl, self.dpic, 32)
        return hashlib.pbkdf2_hmac("sha1", first, self.salt, self.iterations, 32)

    def keybag(self) -> bytes:
        key = self.passcode_key()
        blob = b"".join(
            [
                _tlv("VERS", _int32(3)),
                _tlv("TYPE", _int32(1)),  # a backup keybag
                _tlv("UUID", os.urandom(16)),
                _tlv("HMCK", os.urandom(40)),
                _tlv("WRAP", _int32(0)),
                _tlv("SALT", self.salt),
                _tlv("ITER", _int32(self.iterations)),
                _tlv("DPWT", _int32(1)),
                _tlv("DPIC", _int32(self.dpic)),
                _tlv("DPSL", self.dpsl),
            ]
        )
        for clas, class_key in self.class_keys.items():
            blob += b"".join(
                [
                    _tlv("UUID", os.urandom(16)),
                    _tlv("CLAS", _int32(clas)),
                    _tlv("WRAP", _int32(2)),  # wrapped with the passcode key
                    _tlv("KTYP", _int32(0)),
                    _tlv("WPKY", aes_key_wrap(key, class_key)),
                ]
            )
        return blob

    def wrapped(self, clas: int, key: bytes) -> bytes:
        return struct.pack("<I", clas) + aes_key_wrap(self.class_keys[clas], key)


def mbfile(relative_path: str, size: int, mode: int, wrapped_key: bytes | None) -> bytes:
    """The archived MBFile of Manifest.db's `file` column (NSKeyedArchiver, binary plist)."""
    stamp = int(NOW.timestamp()) - 86400
    record: dict[str, Any] = {
        "$class": plistlib.UID(3),
        "Birth": stamp,
        "Flags": 0,
        "GroupID": 501,
        "InodeNumber": 123456,
        "LastModified": stamp,
        "LastStatusChange": stamp,
        "Mode": mode,
        "ProtectionClass": FILE_CLASS,
        "RelativePath": plistlib.UID(2),
        "Size": size,
        "UserID": 501,
    }
    objects: list[Any] = [
        "$null",
        record,
        relative_path,
        {"$classes": ["MBFile", "NSObject"], "$classname": "MBFile"},
    ]
    if wrapped_key is not None:
        record["EncryptionKey"] = plistlib.UID(4)
        objects.append({"$class": plistlib.UID(5), "NS.data": wrapped_key})
        objects.append(
            {"$classes": ["NSMutableData", "NSData", "NSObject"], "$classname": "NSMutableData"}
        )
    archive = {
        "$archiver": "NSKeyedArchiver",
        "$objects": objects,
        "$top": {"root": plistlib.UID(1)},
        "$version": 100000,
    }
    return plistlib.dumps(archive, fmt=plistlib.FMT_BINARY)


@dataclass
class _File:
    domain: str
    relative_path: str
    content: bytes | None  # None: a folder
    file_id: str = ""


class BackupBuilder:
    """A backup in the making; `build()` writes it into `folder`."""

    def __init__(
        self, folder: Path, password: str | None = None, dpic: int = 1_000, iterations: int = 10
    ) -> None:
        self.folder = folder
        self.keys = Keys(password, dpic, iterations) if password is not None else None
        self.info: dict[str, Any] = {
            "Build Version": "21G93",
            "Device Name": "Alice's iPhone",
            "Display Name": "Alice's iPhone",
            "GUID": "0A1B2C3D4E5F60718293A4B5C6D7E8F9",
            "Installed Applications": [],
            "Last Backup Date": NOW.replace(tzinfo=None),
            "Product Name": "iPhone 13",
            "Product Type": "iPhone14,5",
            "Product Version": "17.6.1",
            "Serial Number": "F2LXK0ABCDEF",
            "Target Identifier": "00008110-000A1B2C3D4E5F60",
            "Target Type": "Device",
            "Unique Identifier": "00008110-000A1B2C3D4E5F60",
            "iTunes Version": "12.13.2.3",
            "Applications": {},
        }
        self.manifest: dict[str, Any] = {
            "Applications": {},
            "Date": NOW.replace(tzinfo=None),
            "IsEncrypted": password is not None,
            "Lockdown": {
                "BuildVersion": "21G93",
                "DeviceName": "Alice's iPhone",
                "ProductType": "iPhone14,5",
                "ProductVersion": "17.6.1",
                "SerialNumber": "F2LXK0ABCDEF",
                "UniqueDeviceID": "00008110-000A1B2C3D4E5F60",
            },
            "SystemDomainsVersion": "24.0",
            "Version": "10.0",
            "WasPasscodeSet": True,
        }
        self.status: dict[str, Any] = {
            "BackupState": "new",
            "Date": NOW.replace(tzinfo=None),
            "IsFullBackup": False,
            "SnapshotState": "finished",
            "UUID": "5E1B2F0C-0000-4000-8000-000000000001",
            "Version": "3.3",
        }
        self.files: list[_File] = []
        self.info_format = plistlib.FMT_XML  # as iTunes writes it

    # ---- content ----------------------------------------------------------------------------

    def add_file(self, domain: str, relative_path: str, content: bytes, fid: str = "") -> None:
        self.files.append(_File(domain, relative_path, content, fid))

    def add_folder(self, domain: str, relative_path: str) -> None:
        self.files.append(_File(domain, relative_path, None))

    def add_app(
        self,
        bundle: str,
        name: str = "",
        store: bool = True,
        purchaser: str = "owner@example.test",
        path: str = "",
    ) -> None:
        self.manifest["Applications"][bundle] = {
            "CFBundleIdentifier": bundle,
            "CFBundleVersion": "1.0",
            "ContainerContentClass": "Data/Application",
            "Path": path or f"/private/var/containers/Bundle/Application/X/{name or 'App'}.app",
        }
        self.info["Installed Applications"].append(bundle)
        record: dict[str, Any] = {"PlaceholderIcon": b"\x89PNG"}
        if store:
            metadata = {
                "itemName": name or bundle,
                "softwareVersionBundleId": bundle,
                "com.apple.iTunesStore.downloadInfo": {"accountInfo": {"AppleID": purchaser}},
            }
            record["iTunesMetadata"] = plistlib.dumps(metadata, fmt=plistlib.FMT_BINARY)
            record["ApplicationSINF"] = b"sinf"
        self.info["Applications"][bundle] = record

    def add_profile(self, name: str, profile: dict[str, Any]) -> None:
        self.add_file(
            PROFILES_DOMAIN,
            f"Library/ConfigurationProfiles/profile-{name}.stub",
            plistlib.dumps(profile, fmt=plistlib.FMT_BINARY),
        )

    def add_cloud_configuration(self, details: dict[str, Any]) -> None:
        self.add_file(
            PROFILES_DOMAIN,
            "Library/ConfigurationProfiles/CloudConfigurationDetails.plist",
            plistlib.dumps(details),
        )

    def add_safari_history(
        self,
        visits: list[tuple[str, datetime]],
        tmp: Path,
        in_log: list[tuple[str, datetime]] | None = None,
    ) -> None:
        """History.db with `visits`; `in_log` are newer visits left in History.db-wal."""
        database, log = safari_history(visits, tmp, in_log)
        self.add_file(SAFARI_DOMAIN, "Library/Safari/History.db", database)
        if log:
            self.add_file(SAFARI_DOMAIN, "Library/Safari/History.db-wal", log)

    # ---- writing ----------------------------------------------------------------------------

    def build(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        plain_db = self.folder / "Manifest.db.plain"
        db = sqlite3.connect(plain_db)
        db.executescript(
            "CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, "
            "flags INTEGER, file BLOB);"
            "CREATE INDEX FilesDomainIdx ON Files(domain);"
            "CREATE INDEX FilesRelativePathIdx ON Files(relativePath);"
            "CREATE INDEX FilesFlagsIdx ON Files(flags);"
            "CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);"
        )
        for item in self.files:
            fid = item.file_id or file_id(item.domain, item.relative_path)
            if item.content is None:
                blob = mbfile(item.relative_path, 0, 0o40755, None)
                db.execute(
                    "INSERT INTO Files VALUES (?, ?, ?, 2, ?)",
                    (fid, item.domain, item.relative_path, blob),
                )
                continue
            stored, wrapped = item.content, None
            if self.keys is not None:
                key = os.urandom(32)
                stored = _encrypt(key, item.content)
                wrapped = self.keys.wrapped(FILE_CLASS, key)
            blob = mbfile(item.relative_path, len(item.content), 0o100644, wrapped)
            db.execute(
                "INSERT INTO Files VALUES (?, ?, ?, 1, ?)",
                (fid, item.domain, item.relative_path, blob),
            )
            if len(fid) == 40:
                target = self.folder / fid[:2] / fid
                target.parent.mkdir(exist_ok=True)
                target.write_bytes(stored)
        db.commit()
        db.close()
        manifest = dict(self.manifest)
        database = plain_db.read_bytes()
        plain_db.unlink()
        if self.keys is not None:
            db_key = os.urandom(32)
            database = _encrypt(db_key, database)
            manifest["BackupKeyBag"] = self.keys.keybag()
            manifest["ManifestKey"] = self.keys.wrapped(MANIFEST_CLASS, db_key)
        (self.folder / "Manifest.db").write_bytes(database)
        (self.folder / "Manifest.plist").write_bytes(
            plistlib.dumps(manifest, fmt=plistlib.FMT_BINARY)
        )
        (self.folder / "Info.plist").write_bytes(plistlib.dumps(self.info, fmt=self.info_format))
        (self.folder / "Status.plist").write_bytes(
            plistlib.dumps(self.status, fmt=plistlib.FMT_BINARY)
        )
        return self.folder


def safari_history(
    visits: list[tuple[str, datetime]],
    tmp: Path,
    in_log: list[tuple[str, datetime]] | None = None,
) -> tuple[bytes, bytes]:
    """A Safari History.db (the tables and columns the reader uses, as Safari writes them), in
    WAL mode like the real one, and its log with the `in_log` visits not yet checkpointed."""
    path = tmp / f"History-{os.urandom(4).hex()}.db"
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(
        "CREATE TABLE history_items (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL "
        "UNIQUE, domain_expansion TEXT NULL, visit_count INTEGER NOT NULL, daily_visit_counts "
        "BLOB NOT NULL, weekly_visit_counts BLOB NULL, autocomplete_triggers BLOB NULL, "
        "should_recompute_derived_visit_counts INTEGER NOT NULL, visit_count_score INTEGER NOT "
        "NULL);"
        "CREATE TABLE history_visits (id INTEGER PRIMARY KEY AUTOINCREMENT, history_item INTEGER "
        "NOT NULL REFERENCES history_items(id) ON DELETE CASCADE, visit_time REAL NOT NULL, "
        "title TEXT NULL, load_successful BOOLEAN NOT NULL DEFAULT 1, http_non_get BOOLEAN NOT "
        "NULL DEFAULT 0, synthesized BOOLEAN NOT NULL DEFAULT 0, redirect_source INTEGER NULL, "
        "redirect_destination INTEGER NULL, origin INTEGER NOT NULL DEFAULT 0, generation "
        "INTEGER NOT NULL DEFAULT 0, attributes INTEGER NOT NULL DEFAULT 0, score INTEGER NOT "
        "NULL DEFAULT 0);"
    )
    _visit(db, visits)
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    log = b""
    if in_log:
        db.execute("PRAGMA wal_autocheckpoint=0")
        _visit(db, in_log)
        db.commit()
        log = Path(f"{path}-wal").read_bytes()
        content = path.read_bytes()  # copied while open: closing would checkpoint the log
    else:
        content = path.read_bytes()
    db.close()
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    return content, log


def _visit(db: sqlite3.Connection, visits: list[tuple[str, datetime]]) -> None:
    epoch = datetime(2001, 1, 1, tzinfo=UTC)
    for url, when in visits:
        db.execute(
            "INSERT OR IGNORE INTO history_items (url, visit_count, daily_visit_counts, "
            "should_recompute_derived_visit_counts, visit_count_score) VALUES (?, 0, x'', 0, 0)",
            (url,),
        )
        (item,) = db.execute("SELECT id FROM history_items WHERE url = ?", (url,)).fetchone()
        db.execute(
            "INSERT INTO history_visits (history_item, visit_time, title) VALUES (?, ?, 'x')",
            (item, (when - epoch).total_seconds()),
        )


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of the folder with its content and modification time, to prove it unchanged."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


SPY_BUNDLE = "com.spyco.agent"
FAMILY_BUNDLE = "com.familytrack.app"


def spied_backup(
    folder: Path, tmp: Path, password: str | None = None, dpic: int = 1_000, iterations: int = 10
) -> Path:
    """A backup of an iPhone with one of everything the check looks for."""
    b = BackupBuilder(folder, password, dpic, iterations)
    b.add_app("net.whatsapp.WhatsApp", "WhatsApp")
    b.add_app(SPY_BUNDLE, "SpyCo", store=False)
    b.add_app(FAMILY_BUNDLE, "FamilyTrack", purchaser="other.person@example.test")
    b.add_app("com.example.enterprise.tool", "Tool", store=False)
    b.add_app("org.coolstar.SileoStore", "Sileo", store=False, path="/var/jb/Applications/S.app")
    b.manifest["Applications"]["com.spyco.agent.widget"] = {
        "CFBundleIdentifier": "com.spyco.agent.widget",
        "ContainerContentClass": "Data/PluginKitPlugin",  # an extension, not an app
    }
    b.add_profile(
        "vpn",
        {
            "PayloadType": "Configuration",
            "PayloadIdentifier": "org.example.vpn",
            "PayloadDisplayName": "Secure Browsing",
            "PayloadOrganization": "Example Org",
            "PayloadUUID": "11111111-2222-3333-4444-555555555555",
            "PayloadVersion": 1,
            "InstallDate": datetime(2026, 10, 2, 21, 5),
            "PayloadContent": [
                {"PayloadType": "com.apple.vpn.managed", "PayloadIdentifier": "x.vpn"},
                {"PayloadType": "com.apple.security.root", "PayloadIdentifier": "x.ca"},
            ],
        },
    )
    b.add_profile(
        "mdm",
        {
            "PayloadType": "Configuration",
            "PayloadIdentifier": "com.spyco.mdm",
            "PayloadDisplayName": "Device Manager",
            "PayloadOrganization": "Totally Legit Ltd",
            "PayloadRemovalDisallowed": True,
            "PayloadContent": [
                {
                    "PayloadType": "com.apple.mdm",
                    "ServerURL": "https://mdm.spyco.example/checkin?token=secret",
                },
            ],
        },
    )
    b.add_profile(
        "school",
        {
            "PayloadType": "Configuration",
            "PayloadIdentifier": "fr.lycee.webclip",
            "PayloadDisplayName": "ENT du lycée",
            "PayloadOrganization": "Lycée Jean Moulin",
            "PayloadContent": [{"PayloadType": "com.apple.webClip.managed"}],
        },
    )
    b.add_folder(PROFILES_DOMAIN, "Library/ConfigurationProfiles")
    b.add_cloud_configuration(
        {
            "IsSupervised": True,
            "OrganizationName": "Totally Legit Ltd",
            "ConfigurationURL": "https://mdm.spyco.example/enroll",
            "IsMDMUnremovable": False,
        }
    )
    b.add_file("HomeDomain", "Library/Preferences/com.saurik.Cydia.plist", plistlib.dumps({}))
    b.add_file("HomeDomain", "Library/Preferences/com.apple.Preferences.plist", b"bplist00")
    b.add_safari_history(
        [
            ("https://news.example/today", datetime(2026, 11, 1, 9, 0, tzinfo=UTC)),
            (
                "https://www.spyco.example/buy?email=alice@example.test",
                datetime(2026, 9, 3, 22, 14, tzinfo=UTC),
            ),
            ("https://www.spyco.example/setup", datetime(2026, 9, 3, 22, 30, tzinfo=UTC)),
        ],
        tmp,
    )
    return b.build()


def nested_arrays(depth: int) -> bytes:
    """A binary plist of `depth` arrays, each holding the next (plistlib cannot write one this
    deep: it recurses too)."""
    objects = [bytes([0xA1]) + (i + 1).to_bytes(4, "big") for i in range(depth)]
    objects.append(bytes([0x51]) + b"x")  # the innermost: a one-letter string
    body = b"".join(objects)
    offsets, at = [], 8
    for item in objects:
        offsets.append(at)
        at += len(item)
    table = b"".join(o.to_bytes(4, "big") for o in offsets)
    trailer = bytes(6) + bytes([4, 4]) + len(objects).to_bytes(8, "big")
    trailer += (0).to_bytes(8, "big") + (8 + len(body)).to_bytes(8, "big")
    return b"bplist00" + body + table + trailer

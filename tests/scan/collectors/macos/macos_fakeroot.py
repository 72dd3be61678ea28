"""Fake macOS roots for the collector tests: real-format files written under tmp_path.

Property lists are written with plistlib in both encodings (XML and binary), TCC databases
with sqlite3 in the schema of macOS 11 and later (or the older `allowed` one). `mac_root`
builds a benign Mac (Apple launchd jobs, Safari, Apple-only privacy grants, sharing off);
tests plant one thing each and check the finding or the entry.
"""

from __future__ import annotations

import plistlib
import sqlite3
import struct
from pathlib import Path
from typing import Any

from safecheck.core.entries import Entry
from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import Host

ALICE = "/Users/alice"
USER_TCC = f"{ALICE}/Library/Application Support/com.apple.TCC/TCC.db"
SYSTEM_TCC = "/Library/Application Support/com.apple.TCC/TCC.db"
DISABLED = "/private/var/db/com.apple.xpc.launchd/disabled.plist"
USER_BTM = (
    f"{ALICE}/Library/Application Support/com.apple.backgroundtaskmanagementagent/"
    "backgrounditems.btm"
)

# The `access` table of macOS 11+ (as `sqlite3 TCC.db .schema access` prints it on Sonoma).
TCC_SCHEMA = """
CREATE TABLE admin (key TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
CREATE TABLE policies (id INTEGER NOT NULL PRIMARY KEY, bundle_id TEXT NOT NULL,
  uuid TEXT NOT NULL, display TEXT NOT NULL, UNIQUE (bundle_id, uuid));
CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL,
  client_type INTEGER NOT NULL, auth_value INTEGER NOT NULL, auth_reason INTEGER NOT NULL,
  auth_version INTEGER NOT NULL, csreq BLOB, policy_id INTEGER,
  indirect_object_identifier_type INTEGER,
  indirect_object_identifier TEXT NOT NULL DEFAULT 'UNUSED',
  indirect_object_code_identity BLOB, flags INTEGER,
  last_modified INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)),
  pid INTEGER, pid_version INTEGER, boot_uuid TEXT NOT NULL DEFAULT 'UNUSED',
  last_reminded INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)),
  PRIMARY KEY (service, client, client_type, indirect_object_identifier),
  FOREIGN KEY (policy_id) REFERENCES policies(id) ON DELETE CASCADE ON UPDATE CASCADE);
INSERT INTO admin VALUES ('version', 19);
"""
# Mojave / Catalina: `allowed` and `prompt_count` instead of auth_value.
OLD_TCC_SCHEMA = """
CREATE TABLE admin (key TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL,
  client_type INTEGER NOT NULL, allowed INTEGER NOT NULL, prompt_count INTEGER NOT NULL,
  csreq BLOB, policy_id INTEGER, indirect_object_identifier_type INTEGER,
  indirect_object_identifier TEXT, indirect_object_code_identity BLOB, flags INTEGER,
  last_modified INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)),
  PRIMARY KEY (service, client, client_type, indirect_object_identifier));
INSERT INTO admin VALUES ('version', 15);
"""


def real(root: Path, path: str) -> Path:
    return root / path.lstrip("/")


def write(root: Path, path: str, content: str | bytes, mode: int = 0o644) -> Path:
    target = real(root, path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        target.write_text(content, encoding="utf-8")
    else:
        target.write_bytes(content)
    target.chmod(mode)
    return target


def write_plist(root: Path, path: str, value: Any, *, binary: bool = False) -> Path:
    fmt = plistlib.FMT_BINARY if binary else plistlib.FMT_XML
    return write(root, path, plistlib.dumps(value, fmt=fmt))


def tcc_db(
    root: Path, path: str, grants: list[tuple[str, str, int, int]], *, old: bool = False
) -> Path:
    """A TCC.db with rows (service, client, client_type, auth_value); in the old schema
    auth_value 2 is written allowed=1."""
    target = real(root, path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)  # a planted database replaces the benign one
    connection = sqlite3.connect(target)
    try:
        connection.executescript(OLD_TCC_SCHEMA if old else TCC_SCHEMA)
        for service, client, client_type, value in grants:
            if old:
                connection.execute(
                    "INSERT INTO access (service, client, client_type, allowed, prompt_count,"
                    " last_modified) VALUES (?, ?, ?, ?, 1, 1764000000)",
                    (service, client, client_type, 1 if value == 2 else 0),
                )
            else:
                connection.execute(
                    "INSERT INTO access (service, client, client_type, auth_value, auth_reason,"
                    " auth_version, flags, last_modified) VALUES (?, ?, ?, ?, 2, 1, 0, ?)",
                    (service, client, client_type, value, 1764000000),
                )
        connection.commit()
    finally:
        connection.close()
    return target


def app(root: Path, folder: str, bundle_id: str, name: str, exe: str | None = None) -> Path:
    bundle = f"{folder}/{name}.app"
    write_plist(
        root,
        f"{bundle}/Contents/Info.plist",
        {
            "CFBundleIdentifier": bundle_id,
            "CFBundleName": name,
            "CFBundleExecutable": exe or name,
            "CFBundlePackageType": "APPL",
            "CFBundleShortVersionString": "1.0",
        },
    )
    write(root, f"{bundle}/Contents/MacOS/{exe or name}", b"\xcf\xfa\xed\xfe", 0o755)
    return real(root, bundle)


def launchd(
    root: Path, path: str, label: str, args: list[str], *, binary: bool = False, **extra: Any
) -> Path:
    return write_plist(
        root, path, {"Label": label, "ProgramArguments": args, **extra}, binary=binary
    )


def btm(strings: list[Any]) -> bytes:
    """A background items store as NSKeyedArchiver writes it (binary, UIDs, $objects)."""
    archive = {
        "$archiver": "NSKeyedArchiver",
        "$version": 100000,
        "$top": {"root": plistlib.UID(1)},
        "$objects": [
            "$null",
            {"$class": plistlib.UID(2), "backgroundItems": plistlib.UID(3)},
            {"$classname": "BackgroundItems", "$classes": ["BackgroundItems", "NSObject"]},
            *strings,
        ],
    }
    return plistlib.dumps(archive, fmt=plistlib.FMT_BINARY)


def mac_root(root: Path) -> Path:
    """A benign Mac: Apple launchd jobs (sharing off), Safari and Terminal, Apple-only privacy
    grants, a login item for a common app, the stock periodic scripts, no profile."""
    launchd(
        root,
        "/System/Library/LaunchDaemons/ssh.plist",
        "com.openssh.sshd",
        ["/usr/libexec/sshd-keygen-wrapper"],
        Disabled=True,
        Program="/usr/libexec/sshd-keygen-wrapper",
        inetdCompatibility={"Wait": False},
    )
    launchd(
        root,
        "/System/Library/LaunchDaemons/com.apple.screensharing.plist",
        "com.apple.screensharing",
        [
            "/System/Library/CoreServices/RemoteManagement/screensharingd.bundle/Contents/MacOS/"
            "screensharingd"
        ],
        Disabled=True,
        binary=True,
    )
    launchd(
        root,
        "/System/Library/LaunchDaemons/com.apple.eppc.plist",
        "com.apple.AEServer",
        [
            "/System/Library/Frameworks/CoreServices.framework/Frameworks/AE.framework/"
            "Versions/A/Support/AEServer"
        ],
        Disabled=True,
    )
    launchd(
        root,
        "/System/Library/LaunchAgents/com.apple.cloudd.plist",
        "com.apple.cloudd",
        ["/System/Library/PrivateFrameworks/CloudKitDaemon.framework/Support/cloudd"],
        binary=True,
        RunAtLoad=False,
        KeepAlive={"SuccessfulExit": False},
    )
    launchd(
        root,
        "/Library/LaunchDaemons/com.google.keystone.daemon.plist",
        "com.google.keystone.daemon",
        [
            "/Library/Google/GoogleSoftwareUpdate/GoogleSoftwareUpdate.bundle/Contents/"
            "Helpers/GoogleSoftwareUpdateDaemon",
        ],
        RunAtLoad=True,
    )
    launchd(
        root,
        f"{ALICE}/Library/LaunchAgents/com.google.keystone.agent.plist",
        "com.google.keystone.agent",
        [
            f"{ALICE}/Library/Google/GoogleSoftwareUpdate/GoogleSoftwareUpdate.bundle/"
            "Contents/Resources/GoogleSoftwareUpdateAgent.app/Contents/MacOS/"
            "GoogleSoftwareUpdateAgent",
            "-runMode",
            "ifneeded",
        ],
        StartInterval=3600,
    )
    write_plist(
        root,
        DISABLED,
        {"com.openssh.sshd": True, "com.apple.screensharing": True, "com.apple.AEServer": True},
        binary=True,
    )
    app(root, "/Applications", "com.apple.Safari", "Safari")
    app(root, "/Applications/Utilities", "com.apple.Terminal", "Terminal")
    app(root, "/Applications", "org.mozilla.firefox", "Firefox", "firefox")
    real(root, f"{ALICE}/Applications").mkdir(parents=True, exist_ok=True)
    real(root, "/Users/Shared").mkdir(parents=True, exist_ok=True)
    tcc_db(
        root,
        SYSTEM_TCC,
        [
            ("kTCCServiceSystemPolicyAllFiles", "com.apple.Terminal", 0, 2),
            (
                "kTCCServiceScreenCapture",
                "/System/Library/CoreServices/RemoteManagement/screensharingd.bundle",
                1,
                2,
            ),
            ("kTCCServiceAccessibility", "com.example.denied", 0, 0),
        ],
    )
    tcc_db(
        root,
        USER_TCC,
        [
            ("kTCCServiceMicrophone", "com.apple.FaceTime", 0, 2),
            ("kTCCServiceCamera", "com.apple.FaceTime", 0, 2),
            ("kTCCServiceAddressBook", "org.mozilla.firefox", 0, 2),
        ],
    )
    write(root, USER_BTM, btm(["file:///Applications/Firefox.app/", "org.mozilla.firefox"]))
    for name in ("110.clean-tmps", "130.clean-msgs", "999.local"):
        write(root, f"/etc/periodic/daily/{name}", "#!/bin/sh -\n", 0o755)
    write(root, "/etc/periodic/weekly/999.local", "#!/bin/sh -\n", 0o755)
    write(root, "/etc/defaults/periodic.conf", 'daily_local="/etc/daily.local"\n')
    write(root, "/private/var/db/ConfigurationProfiles/Settings/.cloudConfigRecordNotFound", "")
    write_plist(
        root,
        "/Library/SystemExtensions/db.plist",
        {"version": 1, "extensions": [], "extensionPolicies": []},
    )
    real(root, "/usr/lib/cron/tabs").mkdir(parents=True, exist_ok=True)
    return root


def make_host(root: Path, **kwargs: Any) -> Host:
    return Host(platform="darwin", root=root, live=False, **kwargs)


def of_kind(result: CollectorResult, kind: str) -> list[Entry]:
    return [e for e in result.entries if e.kind == kind]


class FakeRunner:
    """Replays recorded outputs of read-only commands; remembers what was asked."""

    def __init__(self, outputs: dict[tuple[str, ...], tuple[int, str]]) -> None:
        self.outputs = outputs
        self.calls: list[list[str]] = []

    def run(self, argv: list[str], timeout: float = 10.0) -> tuple[int, str]:
        self.calls.append(argv)
        return self.outputs.get(tuple(argv), (127, "command not found"))


def bookmark(path: str) -> bytes:
    """Alias bookmark data as NSURL writes it (the parts this tool reads): a 48-byte "book"
    header, then items (UTF-8 strings, an array of their offsets) and one table of contents
    whose key 0x1004 points to the array of path components."""
    body = bytearray(b"\x00\x00\x00\x00")  # offset of the first table of contents
    offsets: list[int] = []
    for part in path.strip("/").split("/"):
        raw = part.encode("utf-8")
        offsets.append(len(body))
        body += struct.pack("<II", len(raw), 0x0101) + raw + b"\x00" * (-len(raw) % 4)
    array = len(body)
    body += struct.pack("<II", 4 * len(offsets), 0x0601)
    body += b"".join(struct.pack("<I", o) for o in offsets)
    toc = len(body)
    body += struct.pack("<IIIII", 12 + 8, 0xFFFFFFFE, 1, 0, 1)
    body += struct.pack("<III", 0x1004, array, 0)
    struct.pack_into("<I", body, 0, toc)
    header = b"book" + struct.pack("<III", 48 + len(body), 0x10040000, 48)
    return header + b"\x00" * (48 - len(header)) + bytes(body)

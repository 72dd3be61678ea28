"""`macos.tcc`: privacy permissions (TCC) that monitoring tools need.

The system database /Library/Application Support/com.apple.TCC/TCC.db and each person's
~/Library/Application Support/com.apple.TCC/TCC.db are opened read-only and immutable (nothing
is written, not even a journal) with sqlite3, on the real path of the file under the root.
Table `access`: service, client, client_type (0 bundle id, 1 path), auth_value (2 = allowed;
older systems: `allowed` = 1), last_modified (seconds since 1970).

Entries: "tcc-grant", one per permission granted to a client, for the services that matter
here: Accessibility, Screen Recording, Input Monitoring, Full Disk Access, Camera, Microphone,
and sending keystrokes (PostEvent). name = the client, program = the client when it is a path,
user = the person (None for the system database), modified = when it was granted; details:
service, permission, client-type, bundle-id.

Reading these databases needs Full Disk Access for the program that runs safecheck (the
Terminal): without it the file is "permission denied" and the coverage row says how to grant it.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

from safecheck.scan.collectors.base import CollectorResult, Status
from safecheck.scan.collectors.host import Host, ReadError, ReadProblem
from safecheck.scan.collectors.macos import PLATFORMS, MacReader, join, users

COLLECTOR_ID = "macos.tcc"
SYSTEM_DB = "/Library/Application Support/com.apple.TCC/TCC.db"
USER_DB = "Library/Application Support/com.apple.TCC/TCC.db"
SERVICES = {
    "kTCCServiceAccessibility": "accessibility",
    "kTCCServiceScreenCapture": "screen-recording",
    "kTCCServiceListenEvent": "input-monitoring",
    "kTCCServiceSystemPolicyAllFiles": "full-disk-access",
    "kTCCServiceCamera": "camera",
    "kTCCServiceMicrophone": "microphone",
    "kTCCServicePostEvent": "post-event",
}
ALLOWED = 2
FULL_DISK_ACCESS_REASON = "scan.reason.macos_full_disk_access"
FULL_DISK_ACCESS_HINT = (
    "needs Full Disk Access for the Terminal: System Settings > Privacy & Security > "
    "Full Disk Access"
)


class TccCollector:
    id = COLLECTOR_ID
    platforms = PLATFORMS
    live_only = False

    def collect(self, host: Host) -> CollectorResult:
        reader = MacReader(host, COLLECTOR_ID)
        databases: list[tuple[str, str | None]] = [(SYSTEM_DB, None)]
        databases += [(join(home, USER_DB), name) for name, home in users(host)]
        read = 0
        for path, user in databases:
            if read_database(reader, path, user):
                read += 1
        denied = [e for e in reader.result.errors if e.problem is ReadProblem.PERMISSION]
        if denied:
            reader.result.reason = FULL_DISK_ACCESS_REASON
            if not read:
                reader.result.status = Status.NEEDS_ADMIN
        return reader.result


def _real(host: Host, path: str) -> Path | None:
    """The real path of a regular file, or None when it is not there; raises ReadError."""
    real = host.resolve(path)
    try:
        info = os.stat(real)
    except FileNotFoundError:
        return None
    except PermissionError:
        raise ReadError(path, ReadProblem.PERMISSION, FULL_DISK_ACCESS_HINT) from None
    except OSError as exc:
        raise ReadError(path, ReadProblem.OTHER, exc.strerror or "") from None
    if not stat.S_ISREG(info.st_mode):
        raise ReadError(path, ReadProblem.NOT_REGULAR)
    try:  # can it be opened at all? (sqlite's own message would be vague)
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except PermissionError:
        raise ReadError(path, ReadProblem.PERMISSION, FULL_DISK_ACCESS_HINT) from None
    except OSError as exc:
        raise ReadError(path, ReadProblem.OTHER, exc.strerror or "") from None
    os.close(fd)
    return real


def _rows(real: Path) -> list[tuple[str, str, int, int, int | None]]:
    """(service, client, client_type, allowed 0/2, last_modified) of the `access` table."""
    uri = Path(os.path.abspath(real)).as_uri() + "?mode=ro&immutable=1"
    connection = sqlite3.connect(uri, uri=True, timeout=1.0)
    try:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(access)")}
        if not {"service", "client"} <= columns:
            raise sqlite3.DatabaseError("no access table")
        if "auth_value" in columns:
            allowed = "auth_value"
        elif "allowed" in columns:
            allowed = "CASE WHEN allowed = 1 THEN 2 ELSE 0 END"
        else:
            raise sqlite3.DatabaseError("no auth_value or allowed column")
        client_type = "client_type" if "client_type" in columns else "0"
        modified = "last_modified" if "last_modified" in columns else "NULL"
        query = f"SELECT service, client, {client_type}, {allowed}, {modified} FROM access"  # noqa: S608
        out: list[tuple[str, str, int, int, int | None]] = []
        for service, client, kind, value, changed in connection.execute(query):
            out.append(
                (
                    str(service),
                    str(client),
                    kind if isinstance(kind, int) else 0,
                    value if isinstance(value, int) else 0,
                    changed if isinstance(changed, int) else None,
                )
            )
        return out
    finally:
        connection.close()


def read_database(reader: MacReader, path: str, user: str | None) -> bool:
    """Add the grants of one database; False when it is missing or could not be read."""
    try:
        real = _real(reader.host, path)
    except ReadError as error:
        reader.result.errors.append(error)
        return False
    if real is None:
        return False
    try:
        rows = _rows(real)
    except sqlite3.Error as exc:
        text = str(exc)
        if "authori" in text.lower() or "unable to open" in text.lower():
            reader.result.errors.append(
                ReadError(path, ReadProblem.PERMISSION, FULL_DISK_ACCESS_HINT)
            )
        else:
            reader.result.errors.append(
                ReadError(path, ReadProblem.OTHER, f"not a readable TCC database ({text})")
            )
        return False
    reader.looked_at()
    for service, client, kind, value, changed in rows:
        permission = SERVICES.get(service)
        if permission is None or value != ALLOWED:
            continue
        details = [("service", service), ("permission", permission), ("client-type", str(kind))]
        if kind == 0:
            details.append(("bundle-id", client))
        entry = reader.add(
            "tcc-grant",
            path,
            client,
            program=client if kind == 1 else None,
            user=user,
            enabled=True,
            details=tuple(details),
        )
        if changed is not None and 0 < changed < 2**33:
            when = datetime.fromtimestamp(changed, UTC)
            reader.result.entries[-1] = dataclasses.replace(entry, modified=when)
    return True

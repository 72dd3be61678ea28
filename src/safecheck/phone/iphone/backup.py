"""An iPhone backup folder, opened read-only: its plists, its Manifest.db and its files.

A backup made by Finder, iTunes or idevicebackup2 (iOS 10 and later) is a folder with
Info.plist, Manifest.plist, Status.plist, Manifest.db (SQLite: table `Files` with fileID,
domain, relativePath, flags and an archived MBFile) and each file stored as `<xx>/<fileID>`,
where fileID is the SHA-1 of "domain-relativePath" and xx its first two characters.

Nothing is written: a plain Manifest.db is opened with SQLite's read-only, immutable URI; an
encrypted one is decrypted into memory (`sqlite3.Connection.deserialize`), and so is every
file read from an encrypted backup. Everything here may have been written by the other person:
sizes are capped, SQLite work is bounded, and damage is an error with a reason.
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from safecheck.core.fileio import read_regular
from safecheck.phone.iphone import keybag as kb
from safecheck.phone.iphone.errors import (
    BackupFileError,
    BackupPasswordNeeded,
    IPhoneError,
    WrongBackupPassword,
)
from safecheck.phone.iphone.plists import (
    PlistError,
    data,
    flag,
    load_plist,
    mapping,
    number,
)

MAX_PLIST_BYTES = 64 * 1024 * 1024  # Info.plist holds every app's icon: megabytes, not more
MAX_MANIFEST_DB_BYTES = 512 * 1024 * 1024  # decrypted in memory when the backup is encrypted
MAX_MBFILE_BYTES = 64 * 1024  # one file's archived metadata: a few hundred bytes
MAX_ROWS = 10_000  # rows one query returns
SQLITE_SECONDS = 20.0  # time one query may take before it is cut
SQLITE_MAX_LENGTH = 1024 * 1024  # longest text or blob a query may build
SQLITE_MAGIC = b"SQLite format 3\x00"
FILE_ID = re.compile(r"[0-9a-f]{40}")

FLAG_FILE = 1


@dataclass(frozen=True)
class BackupFile:
    """One row of Manifest.db's `Files` table."""

    file_id: str
    domain: str
    relative_path: str
    flags: int
    size: int | None = None
    modified: datetime | None = None
    key: bytes = b""  # wrapped per-file key (encrypted backups)


class Backup:
    """An opened backup. Use as a context manager, or call `close()`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.info: dict[str, Any] = {}
        self.manifest: dict[str, Any] = {}
        self.status: dict[str, Any] = {}
        self.encrypted = False
        self.problems: list[str] = []  # what could not be read, in short English
        self.db: sqlite3.Connection | None = None
        self._class_keys: dict[int, bytes] = {}
        self._deadline = 0.0

    def __enter__(self) -> Backup:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
        self._class_keys = {}

    # ---- files of the backup folder ---------------------------------------------------------

    def read_top(self, name: str, max_bytes: int | None = None) -> bytes:
        """A file at the top of the backup folder. Raises BackupFileError."""
        return _read_capped(self.folder / name, max_bytes or MAX_PLIST_BYTES)

    def _plist(self, name: str, required: bool = False) -> dict[str, Any]:
        try:
            parsed = load_plist(self.read_top(name), MAX_PLIST_BYTES)
        except BackupFileError as exc:
            if required:
                raise IPhoneError(
                    f"{name}: {exc.reason}", key="iphone.backup.damaged", file=name, reason=exc
                ) from None
            self.problems.append(f"{name}: {exc.reason}")
            return {}
        except PlistError as exc:
            if required:
                raise IPhoneError(
                    f"{name}: {exc}", key="iphone.backup.damaged", file=name, reason=exc
                ) from None
            self.problems.append(f"{name}: {exc}")
            return {}
        if not isinstance(parsed, dict):
            if required:
                raise IPhoneError(
                    f"{name} is not a dictionary",
                    key="iphone.backup.damaged",
                    file=name,
                    reason="not a dictionary",
                )
            self.problems.append(f"{name}: not a dictionary")
        return mapping(parsed)

    # ---- Manifest.db ------------------------------------------------------------------------

    def _open_db(self) -> None:
        """Encrypted backups since iOS 10.2 encrypt Manifest.db (key in ManifestKey); before,
        and in plain backups, it is a plain SQLite file."""
        path = self.folder / "Manifest.db"
        try:
            if self.encrypted and data(self.manifest.get("ManifestKey")):
                self._open_encrypted_db(path)
            else:
                self._open_plain_db(path)
        except BackupFileError as exc:
            self.problems.append(f"Manifest.db: {exc.reason}")
            self.db = None

    def _open_plain_db(self, path: Path) -> None:
        if _head(path, 16) != SQLITE_MAGIC:
            raise BackupFileError("not an SQLite database")
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
        try:
            self.db = sqlite3.connect(uri, uri=True)
        except sqlite3.Error as exc:
            raise BackupFileError(f"cannot be opened ({exc})") from None
        self._guard_db()

    def _open_encrypted_db(self, path: Path) -> None:
        wrapped = data(self.manifest.get("ManifestKey"))
        try:
            key = kb.unwrap_with_class(self._class_keys, wrapped)
            plain = bytearray(kb.decrypt(key, _read_capped(path, MAX_MANIFEST_DB_BYTES)))
        except kb.KeybagError as exc:
            raise BackupFileError(f"cannot be decrypted ({exc})") from None
        if plain[:16] != SQLITE_MAGIC:
            raise BackupFileError("decrypted, but not an SQLite database")
        _without_wal(plain)
        self.db = sqlite3.connect(":memory:")
        try:
            self.db.deserialize(bytes(plain))
        except sqlite3.Error as exc:
            raise BackupFileError(f"cannot be opened ({exc})") from None
        self._guard_db()

    def _guard_db(self) -> None:
        if self.db is None:
            return
        self.db.text_factory = lambda raw: raw.decode("utf-8", "replace")  # damaged text
        self.db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, SQLITE_MAX_LENGTH)
        self.db.set_progress_handler(self._too_long, 10_000)

    def _too_long(self) -> int:
        return 1 if time.monotonic() > self._deadline else 0

    def files(
        self, where: str, params: tuple[str | int, ...] = (), limit: int = MAX_ROWS
    ) -> list[BackupFile]:
        """Rows of `Files` matching `where` (our own SQL, with `?` for the values).
        Raises BackupFileError when Manifest.db is missing, damaged or too slow."""
        if self.db is None:
            raise BackupFileError("Manifest.db could not be read")
        self._deadline = time.monotonic() + SQLITE_SECONDS
        sql = (
            "SELECT fileID, domain, relativePath, flags, file FROM Files "  # noqa: S608
            f"WHERE {where} LIMIT {min(limit, MAX_ROWS)}"
        )
        try:
            rows = self.db.execute(sql, params).fetchall()
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # a damaged schema's column names
            raise BackupFileError(f"Manifest.db: {exc}") from None
        return [row for row in map(self._row, rows) if row is not None]

    def _row(self, row: tuple[Any, ...]) -> BackupFile | None:
        file_id, domain, relative, flags, blob = row
        if not isinstance(file_id, str) or not isinstance(domain, str):
            return None
        size, modified, key = _mbfile(blob) if isinstance(blob, bytes) else (None, None, b"")
        return BackupFile(
            file_id=file_id,
            domain=domain[:512],
            relative_path=relative[:1024] if isinstance(relative, str) else "",
            flags=flags if isinstance(flags, int) else 0,
            size=size,
            modified=modified,
            key=key,
        )

    def find(self, domain: str, relative_path: str) -> BackupFile | None:
        rows = self.files("domain = ? AND relativePath = ?", (domain, relative_path), limit=1)
        return rows[0] if rows else None

    # ---- the files it holds ----------------------------------------------------------------

    def read(self, item: BackupFile, max_bytes: int) -> bytes:
        """The content of one backed-up file (decrypted). Raises BackupFileError."""
        if not FILE_ID.fullmatch(item.file_id):  # never a path: "../../x" is refused here
            raise BackupFileError("a fileID that is not 40 hexadecimal digits")
        if item.flags != FLAG_FILE:
            raise BackupFileError("not a regular file in the backup")
        if item.size is not None and item.size > max_bytes:
            raise BackupFileError(f"too large ({item.size} bytes)")
        path = self.folder / item.file_id[:2] / item.file_id
        raw = _read_capped(path, max_bytes + 16)
        if not self.encrypted:
            return raw
        if not item.key:
            raise BackupFileError("no key for this file in Manifest.db")
        try:
            plain = kb.decrypt(kb.unwrap_with_class(self._class_keys, item.key), raw)
        except kb.KeybagError as exc:
            raise BackupFileError(f"cannot be decrypted ({exc})") from None
        return plain[: item.size] if item.size is not None else plain


def open_backup(folder: Path, password: str | None = None) -> Backup:
    """Opens the backup in `folder`. Raises IPhoneError (not a backup, damaged Manifest.plist),
    BackupPasswordNeeded, WrongBackupPassword. What can be read partly is in `problems`."""
    if not folder.is_dir():
        raise IPhoneError(f"{folder} is not a folder", key="iphone.backup.not_folder")
    if (folder / "Manifest.mbdb").exists() and not (folder / "Manifest.db").exists():
        raise IPhoneError("backup older than iOS 10", key="iphone.backup.too_old")
    if not (folder / "Manifest.plist").exists():
        raise IPhoneError("no Manifest.plist", key="iphone.backup.not_backup")
    backup = Backup(folder)
    backup.manifest = backup._plist("Manifest.plist", required=True)
    backup.info = backup._plist("Info.plist")
    backup.status = backup._plist("Status.plist")
    backup.encrypted = flag(backup.manifest.get("IsEncrypted")) is True
    if backup.encrypted:
        if password is None:
            raise BackupPasswordNeeded(
                "the backup is encrypted", key="iphone.backup.password_needed"
            )
        backup._class_keys = _class_keys(backup.manifest, password)
    backup._open_db()
    return backup


def _class_keys(manifest: dict[str, Any], password: str) -> dict[int, bytes]:
    try:
        return kb.unlock(kb.parse_keybag(data(manifest.get("BackupKeyBag"))), password)
    except kb.WrongPassword:
        raise WrongBackupPassword(
            "wrong backup password", key="iphone.backup.wrong_password"
        ) from None
    except kb.KeybagError as exc:
        raise IPhoneError(
            f"keybag: {exc}", key="iphone.backup.damaged", file="Manifest.plist", reason=exc
        ) from None


def _read_capped(path: Path, max_bytes: int) -> bytes:
    """A regular file (never a link, a pipe or a device), at most `max_bytes`."""
    try:
        if stat.S_ISLNK(os.lstat(path).st_mode):
            raise BackupFileError("a link, not a file")
        content = read_regular(path, max_bytes)
    except FileNotFoundError:
        raise BackupFileError("missing") from None
    except OSError as exc:
        raise BackupFileError(exc.strerror or type(exc).__name__) from None
    if len(content) > max_bytes:
        raise BackupFileError(f"larger than {max_bytes} bytes")
    return content


def _head(path: Path, count: int) -> bytes:
    """The first bytes of a regular file (never a link, a pipe or a device)."""
    try:
        mode = os.lstat(path).st_mode
        if not stat.S_ISREG(mode):
            raise BackupFileError("not a regular file")
        with path.open("rb") as handle:
            return handle.read(count)
    except FileNotFoundError:
        raise BackupFileError("missing") from None
    except OSError as exc:
        raise BackupFileError(exc.strerror or type(exc).__name__) from None


def _without_wal(database: bytearray) -> None:
    """SQLite cannot read an in-memory copy of a WAL-mode file: mark our copy as a rollback
    journal file (bytes 18-19 of the header; the backup itself is untouched)."""
    if len(database) > 20 and database[18] == 2 and database[19] == 2:
        database[18] = database[19] = 1


def _mbfile(blob: bytes) -> tuple[int | None, datetime | None, bytes]:
    """Size, modification time and wrapped key of an archived MBFile (NSKeyedArchiver)."""
    try:
        root = mapping(load_plist(blob, MAX_MBFILE_BYTES))
    except PlistError:
        return None, None, b""
    objects = root.get("$objects")
    if not isinstance(objects, list) or len(objects) < 2:
        return None, None, b""
    index = _uid_value(mapping(root.get("$top")).get("root"), objects)
    record = mapping(objects[index if index is not None else 1])
    size = number(record.get("Size"))
    stamp = number(record.get("LastModified"))
    modified = None
    if stamp is not None and 0 < stamp < 2**33:
        modified = datetime.fromtimestamp(stamp, UTC)
    key = b""
    key_ref = record.get("EncryptionKey")
    key_index = _uid_value(key_ref, objects)
    if key_index is not None:
        holder = objects[key_index]
        key = data(holder) or data(mapping(holder).get("NS.data"))
    return size if size is not None and size >= 0 else None, modified, key


def _uid_value(value: object, objects: list[Any]) -> int | None:
    """The index a plistlib.UID points to, when it is one and inside the list."""
    ref = getattr(value, "data", None)
    if isinstance(ref, int) and 0 <= ref < len(objects):
        return ref
    return None

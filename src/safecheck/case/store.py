"""The case file: JSON content encrypted with `safecheck.core.crypto`, written atomically, one
writer.

- Container: exactly the encrypted-report format of `crypto.py` (scrypt with its salt and
  parameters in the authenticated header, AES-256-GCM). Nothing else is ever written: no
  index, no lock file, no temporary file left behind (`fileio` writes an anonymous or named
  temporary file in the same folder and renames it over the case: a crash leaves the previous
  case readable).
- One writer: an advisory OS lock held from `open` to `close`. It is taken on the case *folder*
  (POSIX `flock` on a descriptor of the folder; a named kernel mutex on Windows), not on the
  case file, because every save replaces the file by a new one (a new inode): a lock on the
  old file would not stop a second writer that opens the new one.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from safecheck.core import crypto
from safecheck.core.errors import SafecheckError
from safecheck.core.fileio import write_private_bytes

CASE_FILE = "safecheck-case.sc"
FORMAT = "safecheck-case"
VERSION = 1
MAX_CASE_BYTES = 256 * 1024 * 1024
DEVICE_KINDS = ("checkup", "scan", "phone")
NOTE_KINDS = ("client", "consultant")
INITIALS_ENV = "SAFECHECK_INITIALS"
MAX_INITIALS = 16

# Tests lower the key derivation cost (like fileio._USE_ANONYMOUS_TEMP); never lowered otherwise.
SCRYPT_PARAMS: crypto.ScryptParams = crypto.DEFAULT_SCRYPT


def _no_follow(path: str, flags: int) -> int:
    """Opens the case file itself, never what a link in its place points to."""
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))


def _refuse_link(path: Path) -> None:
    """A case file that is a link could send a wipe or a save outside the case folder."""
    if path.is_symlink():
        raise CaseError(
            f"{path} is a link, not a case file; safecheck does not follow it (nothing was changed)"
        )


class CaseError(SafecheckError):
    """A case that cannot be created, opened, written or wiped; the message says why."""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def initials_from(option: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """--initials, else $SAFECHECK_INITIALS, else "?"."""
    value = (option or environ.get(INITIALS_ENV) or "").strip()
    return value[:MAX_INITIALS] or "?"


def case_path(folder: Path) -> Path:
    return folder.expanduser() / CASE_FILE


# -- the lock ----------------------------------------------------------------------------------


class _Lock:
    """An exclusive, non-blocking lock for one case folder, released by close or process end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._fd: int | None = None
        self._handle: Any = None
        self._kernel32: Any = None
        self._acquire()

    def _held(self) -> CaseError:
        return CaseError(
            f"the case is open in another safecheck ({self.folder}): finish or close the other "
            "safecheck first, then try again"
        )

    if sys.platform == "win32":

        def _acquire(self) -> None:
            import ctypes  # noqa: PLC0415

            key = hashlib.sha256(os.path.normcase(str(self.folder.resolve())).encode()).hexdigest()
            kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
            kernel32.CreateMutexW.restype = ctypes.c_void_p  # a HANDLE, not a 32-bit int
            kernel32.CreateMutexW.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_wchar_p]
            kernel32.CloseHandle.argtypes = [ctypes.c_void_p]
            kernel32.ReleaseMutex.argtypes = [ctypes.c_void_p]
            handle = kernel32.CreateMutexW(None, 1, f"Local\\safecheck-case-{key}")
            if not handle:
                raise CaseError(f"cannot lock the case {self.folder}")
            if ctypes.get_last_error() == 183:  # ERROR_ALREADY_EXISTS: someone holds it
                kernel32.CloseHandle(handle)
                raise self._held()
            self._kernel32 = kernel32
            self._handle = handle

        def close(self) -> None:
            if self._handle is not None:
                self._kernel32.ReleaseMutex(self._handle)
                self._kernel32.CloseHandle(self._handle)
                self._handle = None

    else:

        def _acquire(self) -> None:
            import fcntl  # noqa: PLC0415

            try:
                fd = os.open(self.folder, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            except OSError as exc:
                raise CaseError(f"cannot open the folder {self.folder}: {exc.strerror}") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise self._held() from None
            except OSError as exc:
                os.close(fd)
                raise CaseError(f"cannot lock the case {self.folder}: {exc.strerror}") from None
            self._fd = fd

        def close(self) -> None:
            if self._fd is not None:
                os.close(self._fd)  # closing the only descriptor releases the flock
                self._fd = None


# -- content -----------------------------------------------------------------------------------


def new_content(created_at: str) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "created_at": created_at,
        "devices": [],
        "notes": [],
        "log": [],
        "pending_checkup": None,
    }


def _damaged(path: Path, what: str) -> CaseError:
    return CaseError(f"the case {path} is damaged or was not made by safecheck: {what}")


def check_content(data: Any, path: Path) -> dict[str, Any]:
    """The decrypted content, checked enough that the commands never trip on it."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _damaged(path, "it does not hold a safecheck case")
    version = data.get("version")
    if type(version) is not int:
        raise _damaged(path, "its version is missing")
    if version > VERSION:
        raise CaseError(
            f"the case {path} has format version {version}; this safecheck reads version "
            f"{VERSION}: update safecheck"
        )
    for key in ("devices", "notes", "log"):
        items = data.get(key)
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise _damaged(path, f"'{key}' is not a list of entries")
    for device in data["devices"]:
        if not isinstance(device.get("label"), str) or not isinstance(device.get("report"), dict):
            raise _damaged(path, "a device has no label or no report")
    for note in data["notes"]:
        if note.get("kind") not in NOTE_KINDS or not isinstance(note.get("text"), str):
            raise _damaged(path, "a note has no kind or no text")
    pending = data.get("pending_checkup")
    if pending is not None and (
        not isinstance(pending, dict) or not isinstance(pending.get("answers"), dict)
    ):
        raise _damaged(path, "the interrupted checkup cannot be read")
    return data


# -- the case ----------------------------------------------------------------------------------


@dataclass
class Case:
    """An open case: its content in memory and the lock on its folder, until `close`."""

    folder: Path
    passphrase: str
    data: dict[str, Any]
    _lock: _Lock

    @property
    def path(self) -> Path:
        return case_path(self.folder)

    @classmethod
    def create(cls, folder: Path, passphrase: str, initials: str = "?") -> Case:
        """A new, empty case in `folder` (created if missing; its parent must exist)."""
        folder = folder.expanduser()
        if not passphrase:
            raise crypto.PassphraseError("the passphrase is empty; it would protect nothing")
        if folder.exists() and not folder.is_dir():
            raise CaseError(f"{folder} is a file; give a folder for the case")
        if not folder.exists():
            if not folder.parent.is_dir():
                raise CaseError(f"the folder {folder.parent} does not exist")
            try:
                folder.mkdir(mode=0o700)
            except OSError as exc:
                raise CaseError(f"cannot create the folder {folder}: {exc.strerror}") from None
        lock = _Lock(folder)
        case = cls(folder, passphrase, new_content(now_iso()), lock)
        try:
            if case.path.exists() or case.path.is_symlink():
                raise CaseError(
                    f"there is already a case in {folder}; open it, or choose another folder"
                )
            case.log("created", "", initials)
            case.save(new=True)
        except BaseException:
            lock.close()
            raise
        return case

    @classmethod
    def open(cls, folder: Path, passphrase: str) -> Case:
        """Open the case in `folder`. A wrong passphrase or a damaged file raises CaseError or
        an EncryptedFileError and changes nothing."""
        folder = folder.expanduser()
        path = case_path(folder)
        _refuse_link(path)
        if not path.is_file():
            raise CaseError(f"there is no case in {folder} (no {CASE_FILE}); create one first")
        lock = _Lock(folder)
        try:
            try:
                with open(path, "rb", opener=_no_follow) as handle:
                    blob = handle.read(MAX_CASE_BYTES + 1)
            except OSError as exc:
                raise CaseError(f"cannot read {path}: {exc.strerror}") from None
            if len(blob) > MAX_CASE_BYTES:
                raise _damaged(path, "it is far too large")
            plain = crypto.decrypt(blob, passphrase)
            try:
                data = json.loads(plain.decode("utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                raise _damaged(path, "its content is not readable") from None
            return cls(folder, passphrase, check_content(data, path), lock)
        except BaseException:
            lock.close()
            raise

    def __enter__(self) -> Case:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._lock.close()

    def save(self, new: bool = False) -> None:
        """Encrypt the whole content and put it in place atomically (temporary file, fsync,
        rename): a crash at any moment leaves either the previous case or this one."""
        plain = json.dumps(self.data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        blob = crypto.encrypt(plain, self.passphrase, params=SCRYPT_PARAMS)
        write_private_bytes(self.path, blob, overwrite=not new)

    # -- changes (in memory; call save) --------------------------------------------------------

    def log(self, action: str, detail: str, initials: str) -> None:
        self.data["log"].append(
            {"at": now_iso(), "action": action, "detail": detail, "initials": initials}
        )

    def add_note(self, kind: str, text: str, initials: str) -> None:
        if kind not in NOTE_KINDS:
            raise ValueError(kind)
        self.data["notes"].append(
            {"kind": kind, "text": text, "at": now_iso(), "initials": initials}
        )

    def add_device(self, label: str, kind: str, report: dict[str, Any]) -> None:
        if kind not in DEVICE_KINDS:
            raise ValueError(kind)
        self.data["devices"].append(
            {"label": label, "kind": kind, "added_at": now_iso(), "report": copy.deepcopy(report)}
        )

    @property
    def devices(self) -> list[dict[str, Any]]:
        return list(self.data["devices"])

    @property
    def notes(self) -> list[dict[str, Any]]:
        return list(self.data["notes"])

    @property
    def entries(self) -> list[dict[str, Any]]:
        return list(self.data["log"])

    @property
    def pending(self) -> dict[str, Any] | None:
        pending = self.data.get("pending_checkup")
        return pending if isinstance(pending, dict) else None

    def set_pending(self, pending: dict[str, Any] | None) -> None:
        self.data["pending_checkup"] = pending


def wipe(folder: Path) -> Path:
    """Overwrite the case file with random bytes, flush them to the disk, then delete it.

    On flash memory (USB sticks, SSDs) the old blocks may survive the overwrite inside the
    device; the file was encrypted, so what survives is unreadable without the passphrase."""
    folder = folder.expanduser()
    path = case_path(folder)
    _refuse_link(path)
    if not path.is_file():
        raise CaseError(f"there is no case in {folder} (no {CASE_FILE})")
    lock = _Lock(folder)
    try:
        with open(path, "rb", opener=_no_follow) as handle:
            head = handle.read(len(crypto.MAGIC))
        if not crypto.looks_encrypted(head):
            raise CaseError(f"{path} is not a safecheck case; it was not touched")
        try:
            size = path.stat().st_size
            with open(path, "r+b", opener=_no_follow) as handle:
                left = size
                while left > 0:
                    chunk = min(left, 1 << 20)
                    handle.write(secrets.token_bytes(chunk))
                    left -= chunk
                handle.flush()
                os.fsync(handle.fileno())
            path.unlink()
        except OSError as exc:
            raise CaseError(f"cannot wipe {path}: {exc.strerror}") from None
        if sys.platform != "win32":
            try:
                fd = os.open(folder, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            except OSError:
                pass
    finally:
        lock.close()
    return path

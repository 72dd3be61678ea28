"""The inspected system as collectors see it: a root folder, its users, and (live only) its
processes and programs.

Every path a collector asks for is a path *on the inspected system* (`/etc/crontab`). It is
resolved under `root` the way the inspected system would resolve it, so that an absolute
symbolic link on a mounted disk points inside the disk, `..` stops at the root, and nothing
outside the root is ever read. Only regular files are opened, without blocking, and only up to
a size limit: a FIFO, a device or a 10 GB file gives a `ReadError`, not a hang.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Protocol

from safecheck.core.runner import CommandRunner

MAX_LINK_HOPS = 40
# Read only, never wait (a FIFO), never follow a link put in place of the file after the walk.
READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_NOCTTY", 0)
)
DEFAULT_MAX_BYTES = 8 * 1024 * 1024


class ReadProblem(Enum):
    MISSING = "missing"
    PERMISSION = "permission"  # needs administrator rights
    NOT_REGULAR = "not-regular"  # FIFO, device, socket, folder
    TOO_LARGE = "too-large"
    LINK_LOOP = "link-loop"
    OTHER = "other"


class ReadError(Exception):
    def __init__(self, path: str, problem: ReadProblem, detail: str = "") -> None:
        self.path = path
        self.problem = problem
        self.detail = detail
        super().__init__(f"{path}: {problem.value}{': ' + detail if detail else ''}")


def _problem_of(exc: OSError) -> ReadProblem:
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return ReadProblem.MISSING
    if exc.errno in (errno.EACCES, errno.EPERM):
        return ReadProblem.PERMISSION
    if exc.errno == errno.ELOOP:
        return ReadProblem.LINK_LOOP
    return ReadProblem.OTHER


@dataclass(frozen=True)
class Account:
    """One line of /etc/passwd on the inspected system."""

    name: str
    uid: int
    gid: int
    home: str  # as on the inspected system
    shell: str
    line: int


@dataclass(frozen=True)
class DirEntry:
    name: str
    path: str  # on the inspected system
    is_dir: bool
    is_file: bool
    is_symlink: bool


@dataclass(frozen=True)
class ProcessInfo:
    """One running process, as far as it could be read (fields are None when not allowed)."""

    pid: int
    name: str
    exe: str | None = None
    cmdline: tuple[str, ...] = ()
    user: str | None = None
    started: float | None = None  # seconds since the epoch
    exe_deleted: bool = False  # the program file was deleted while it runs
    open_paths: tuple[str, ...] = ()  # open files of interest, e.g. /dev/input/event3
    ld_preload: str | None = None  # LD_PRELOAD from its environment, when readable
    access_denied: bool = False  # some fields could not be read without administrator rights


@dataclass(frozen=True)
class SocketInfo:
    """A listening socket or an established connection."""

    kind: str  # "listen" or "connection"
    protocol: str  # "tcp", "tcp6", "udp", "udp6"
    local_address: str
    local_port: int
    remote_address: str | None = None
    remote_port: int | None = None
    pid: int | None = None


class ProcessSource(Protocol):
    """Live processes and sockets: psutil on the real machine, a recording in tests."""

    def processes(self) -> list[ProcessInfo]: ...

    def sockets(self) -> tuple[list[SocketInfo], bool]:
        """The sockets, and whether the list is complete (False without admin rights)."""
        ...


MAX_KNOWN_FOLDERS = 100_000  # a bound on that memory, whatever the disk holds
# Where a walk along a path stands: the inspected parts resolved so far, the real path of each,
# and how many links were followed.
_Walked = tuple[list[str], list[str], int]
# A real path, the stat of what it names (when the walk took it), and whether the walk found
# nothing there (on a disk that is not running: then no second look is needed).
_Located = tuple[str, os.stat_result | None, bool]
MAX_WALKED_FOLDERS = 4096  # folders whose walk is remembered (files are read folder by folder)
MAX_LOCATED = 256  # paths remembered: a file is read, then its entries dated, a moment later


@dataclass
class Host:
    """What collectors inspect. `live` is True only for the machine safecheck runs on."""

    platform: str  # "linux", "darwin" or "win32": collectors choose from this, not sys.platform
    root: Path
    live: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    processes: ProcessSource | None = None  # None on a --root scan: no live processes
    runner: CommandRunner | None = None  # None on a --root scan: nothing is run
    _accounts: list[Account] | None = field(default=None, repr=False)
    # Real folders already seen not to be links during this scan (a Host lives for one):
    # a folder is then checked once per scan instead of once per path under it.
    _folders: set[str] = field(default_factory=set, repr=False, compare=False)
    # Inspected folders already resolved ("etc/systemd/system" -> how): the
    # parts of each path but its last are then walked once per scan, not once per path.
    _walked: dict[str, _Walked] = field(default_factory=dict, repr=False, compare=False)
    # The paths last located, with the stat of what they name when the walk
    # saw it: a file is read, then its date taken for its entries, without walking again.
    _located: dict[str, _Located] = field(default_factory=dict, repr=False, compare=False)

    # --- paths -------------------------------------------------------------------------
    def resolve(self, path: str) -> Path:
        """The real location of an inspected-system path, never outside the root."""
        return Path(self._real(path))

    def real(self, path: str) -> str:
        """`resolve` as a string: what the reading methods below pass to the os module, so
        that no path object is built for each of a scan's tens of thousands of paths."""
        return self._locate(path)[0]

    _real = real

    def _locate(self, path: str) -> _Located:
        """The real path, and the stat of what it names when the walk's last lstat saw a file
        or folder that is not a link (the same as its stat); None when not known."""
        known = self._located.get(path)
        if known is not None:
            return known
        if "\0" in path:  # read from a file (sshd_config, TryExec=...): os calls would raise
            raise ReadError(path, ReadProblem.MISSING, "NUL character in the path")
        # Plain strings, not pathlib: this runs for every path of a scan (measured 24 -> 11 us
        # a call, benchmarks/bench_scaling.py).
        names = [p for p in path.split("/") if p and p != "."]
        if not names or ".." in names:
            state: _Walked = ([], [], 0)
        else:
            # The folder of a path is resolved once per scan, then each of its files costs one
            # lstat (its own). A Host lives for one scan: on a running system too, remembering
            # for that fraction of a second that a folder was no link is the same as having
            # looked a moment earlier (and its root is /: no path can leave it).
            key = "/".join(names[:-1])
            walked = self._walked.get(key) if key else ([], [], 0)
            if walked is None:
                walked = self._walk(path, names[:-1], ([], [], 0))[0]
                if len(self._walked) >= MAX_WALKED_FOLDERS:
                    self._walked.clear()  # each holds its real path part by part: bounded
                self._walked[key] = walked
            folder = walked[1][-1] if walked[1] else os.fspath(self.root).rstrip("/\\")
            candidate = f"{folder}/{names[-1]}"
            looked = self._look(candidate)
            if looked is not None:  # the last part is not a link: the walk ends there
                return self._remember(path, (candidate, *looked))
            state = (list(walked[0]), list(walked[1]), walked[2])
            names = names[-1:]
        (_resolved, prefixes, _hops), info, gone = self._walk(path, names, state)
        found = (prefixes[-1] if prefixes else os.fspath(self.root), info, gone and not self.live)
        return self._remember(path, found)

    def _remember(self, path: str, found: _Located) -> _Located:
        if len(self._located) >= MAX_LOCATED:
            self._located.clear()
        self._located[path] = found
        return found

    def _look(self, candidate: str) -> tuple[os.stat_result | None, bool] | None:
        """The lstat of one real path and whether nothing is there; None when it is a link.
        A folder is remembered for the rest of the scan: it is not looked at again."""
        if candidate in self._folders:
            return None, False
        try:
            info = os.lstat(candidate)
        except OSError:
            return None, True
        if stat.S_ISLNK(info.st_mode):
            return None
        if stat.S_ISDIR(info.st_mode) and len(self._folders) < MAX_KNOWN_FOLDERS:
            self._folders.add(candidate)
        return info, False

    def _walk(
        self, path: str, names: list[str], state: _Walked
    ) -> tuple[_Walked, os.stat_result | None, bool]:
        """Follow `names` one by one from `state` (the inspected parts resolved so far, the
        real path of each, the links followed), link by link, never above the root; and the
        lstat of the last part when it was taken and is not a link, and whether that lstat
        found nothing (then a stat would find nothing either)."""
        resolved, prefixes, hops = state
        parts = names[::-1]  # a stack: the next part is last
        base = os.fspath(self.root).rstrip("/\\")
        info: os.stat_result | None = None
        gone = False
        while parts:
            part = parts.pop()
            info, gone = None, False
            if part == "..":
                if resolved:
                    resolved.pop()
                    prefixes.pop()
                continue
            candidate = f"{prefixes[-1] if prefixes else base}/{part}"
            looked = self._look(candidate)
            if looked is not None:  # not a link
                info, gone = looked
                resolved.append(part)
                prefixes.append(candidate)
                continue
            hops += 1
            if hops > MAX_LINK_HOPS:
                raise ReadError(path, ReadProblem.LINK_LOOP)
            try:
                target = os.readlink(candidate)
            except OSError as exc:
                raise ReadError(path, _problem_of(exc)) from None
            if target.startswith("/"):
                resolved, prefixes = [], []
            parts.extend(p for p in reversed(target.split("/")) if p and p != ".")
        return (resolved, prefixes, hops), info, gone

    # --- reading -----------------------------------------------------------------------
    def lstat(self, path: str) -> os.stat_result | None:
        """The entry itself (a link is not followed), or None when it is not there."""
        parent, _, name = path.rstrip("/").rpartition("/")
        try:
            real = self._real(parent or "/").rstrip("/\\")
            return os.lstat(f"{real}/{name}")
        except (OSError, ReadError, ValueError):  # ValueError: a NUL character in `name`
            return None

    def stat(self, path: str) -> os.stat_result | None:
        try:
            real, info, gone = self._locate(path)
            if gone:
                return None
            return info if info is not None else os.stat(real)
        except (OSError, ReadError):
            return None

    def exists(self, path: str) -> bool:
        return self.stat(path) is not None

    def is_dir(self, path: str) -> bool:
        found = self.stat(path)
        return found is not None and stat.S_ISDIR(found.st_mode)

    def read_bytes(self, path: str, max_bytes: int | None = None) -> bytes:
        """The whole file; ReadError(TOO_LARGE) when it is larger than the limit."""
        limit = self.max_bytes if max_bytes is None else max_bytes
        return self._read(path, limit, whole=True)

    def read_head(self, path: str, size: int) -> bytes:
        """The first `size` bytes of a regular file, whatever its length."""
        return self._read(path, size, whole=False)

    def _read(self, path: str, limit: int, whole: bool) -> bytes:
        chunks = list(
            self._chunks(path, limit + 1 if whole else limit, whole_limit=limit if whole else None)
        )
        data = b"".join(chunks)
        if whole and len(data) > limit:
            raise ReadError(path, ReadProblem.TOO_LARGE, f"over {limit} bytes")
        return data

    def read_chunks(self, path: str, limit: int, size: int = 1 << 20) -> Iterator[bytes]:
        """The first `limit` bytes of a regular file, `size` bytes at a time: a large file is
        read without ever being held whole."""
        return self._chunks(path, limit, None, size)

    def _chunks(
        self, path: str, limit: int, whole_limit: int | None, size: int = 1 << 20
    ) -> Iterator[bytes]:
        real, info, _gone = self._locate(path)  # gone: os.stat says why, for the message
        if info is None:
            try:
                info = os.stat(real)
            except OSError as exc:
                raise ReadError(path, _problem_of(exc), exc.strerror or "") from None
        if not stat.S_ISREG(info.st_mode):
            raise ReadError(path, ReadProblem.NOT_REGULAR)
        if whole_limit is not None and info.st_size > whole_limit:
            raise ReadError(path, ReadProblem.TOO_LARGE, f"{info.st_size} bytes")
        try:
            fd = os.open(real, READ_FLAGS)
        except OSError as exc:
            raise ReadError(path, _problem_of(exc), exc.strerror or "") from None
        return self._chunks_of(path, fd, limit, size)

    @staticmethod
    def _chunks_of(path: str, fd: int, limit: int, size: int) -> Iterator[bytes]:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):  # swapped for a FIFO in between
                raise ReadError(path, ReadProblem.NOT_REGULAR)
            remaining = limit
            # The first read asks for the size the file says it has, and one byte more: a small
            # file is then read at once, with a buffer of its size (a 1 MiB buffer for a unit
            # of 400 bytes cost 16 us a read instead of 4). Files that say 0 (/proc) or grow
            # are read on, `size` bytes at a time.
            want = info.st_size + 1 if 0 < info.st_size < size else size
            while remaining > 0:
                asked = min(remaining, want)
                chunk = os.read(fd, asked)
                if not chunk:
                    break
                remaining -= len(chunk)
                yield chunk
                if want != size and len(chunk) < asked:
                    break  # fewer bytes than asked of a regular file: its end
                want = size
        except OSError as exc:
            raise ReadError(path, _problem_of(exc), exc.strerror or "") from None
        finally:
            os.close(fd)

    def read_text(self, path: str, max_bytes: int | None = None) -> str:
        """Text as UTF-8; undecodable bytes are kept visible as escapes, never dropped."""
        return self.read_bytes(path, max_bytes).decode("utf-8", errors="backslashreplace")

    def list_names(self, path: str) -> list[str]:
        """The names in a folder, sorted, without looking at what they are (`list_dir` looks at
        where each link points); a missing folder gives an empty list."""
        real = self._real(path)
        try:
            names = os.listdir(real)
        except (FileNotFoundError, NotADirectoryError):
            return []
        except OSError as exc:
            raise ReadError(path, _problem_of(exc), exc.strerror or "") from None
        return sorted(names)

    def list_dir(self, path: str) -> list[DirEntry]:
        """The entries of a folder, sorted by name; a missing folder gives an empty list."""
        real = self._real(path)
        try:
            with os.scandir(real) as scan:
                raw = list(scan)
        except FileNotFoundError:
            return []
        except NotADirectoryError:
            return []
        except OSError as exc:
            raise ReadError(path, _problem_of(exc), exc.strerror or "") from None
        out: list[DirEntry] = []
        base = path.rstrip("/")
        for entry in raw:
            name = entry.name
            inspected = f"{base}/{name}"
            try:
                is_link = entry.is_symlink()
                is_dir = self.is_dir(inspected) if is_link else entry.is_dir(follow_symlinks=False)
                is_file = (
                    self._is_regular(inspected) if is_link else entry.is_file(follow_symlinks=False)
                )
            except OSError:
                is_link, is_dir, is_file = False, False, False
            out.append(DirEntry(name, inspected, is_dir, is_file, is_link))
        out.sort(key=lambda e: e.name)
        return out

    def _is_regular(self, path: str) -> bool:
        found = self.stat(path)
        return found is not None and stat.S_ISREG(found.st_mode)

    def walk_files(self, path: str, max_depth: int = 4) -> Iterator[str]:
        """Regular files below a folder, not following links to folders (no loops)."""
        stack = [(path, 0)]
        while stack:
            folder, depth = stack.pop()
            try:
                entries = self.list_dir(folder)
            except ReadError:
                continue
            for entry in entries:
                if entry.is_dir and not entry.is_symlink and depth < max_depth:
                    stack.append((entry.path, depth + 1))
                elif entry.is_file:
                    yield entry.path

    def modified(self, path: str) -> datetime | None:
        found = self.stat(path)
        if found is None:
            return None
        return datetime.fromtimestamp(found.st_mtime, UTC)

    # --- users -------------------------------------------------------------------------
    def accounts(self) -> list[Account]:
        """Accounts from /etc/passwd (Linux and other Unix); empty when unreadable."""
        if self._accounts is None:
            self._accounts = []
            try:
                text = self.read_text("/etc/passwd", 4 * 1024 * 1024)
            except ReadError:
                return self._accounts
            for number, line in enumerate(text.splitlines(), 1):
                fields = line.split(":")
                if len(fields) < 7 or line.startswith("#"):
                    continue
                try:
                    uid, gid = int(fields[2]), int(fields[3])
                except ValueError:
                    continue
                self._accounts.append(Account(fields[0], uid, gid, fields[5], fields[6], number))
        return self._accounts

    def human_homes(self) -> list[Account]:
        """Accounts a person logs in to: root, and UIDs from 1000 with a home that exists."""
        homes: list[Account] = []
        seen: set[str] = set()
        for account in self.accounts():
            if account.home in seen or not account.home.startswith("/"):
                continue
            person = account.uid == 0 or (account.uid >= 1000 and account.uid != 65534)
            if person and self.is_dir(account.home):
                homes.append(account)
                seen.add(account.home)
        return homes

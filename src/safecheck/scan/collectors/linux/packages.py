"""`linux.packages`: installed software from the package databases (live or --root).

Read from the files, never by running a package manager:
- dpkg: /var/lib/dpkg/status (every package whose files are on disk, with its version);
- rpm: rpmdb.sqlite (Fedora 33+, RHEL 9+, openSUSE), opened read-only and immutable so that
  nothing is written next to it; the older Berkeley DB and the ndb formats are not read, and say so;
- flatpak: /var/lib/flatpak/app/<id> and each person's ~/.local/share/flatpak/app/<id>;
- snap: /var/lib/snapd/snaps/<name>_<revision>.snap, or the /snap/<name> folders.

`dpkg_owned_among` tells which of the paths the analysis asks about dpkg installed, so that a
program that came in a package is told from one dropped on the disk. The same for rpm is out of
scope: its file lists live inside each header blob (tags BASENAMES/DIRNAMES/DIRINDEXES) and
are not read here.
"""

from __future__ import annotations

import os
import stat
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from safecheck.core.entries import Entry
from safecheck.core.fileio import read_at_most
from safecheck.scan.collectors.base import CollectorResult, Status
from safecheck.scan.collectors.host import READ_FLAGS, DirEntry, Host, ReadError, ReadProblem

COLLECTOR_ID = "linux.packages"

DPKG_STATUS = "/var/lib/dpkg/status"
DPKG_INFO = "/var/lib/dpkg/info"
MAX_STATUS_BYTES = 128 * 1024 * 1024
MAX_LIST_BYTES = 64 * 1024 * 1024
RPM_DIRS = ("/var/lib/rpm", "/usr/lib/sysimage/rpm")
FLATPAK_SYSTEM = "/var/lib/flatpak/app"
FLATPAK_USER = ".local/share/flatpak/app"
SNAP_FILES = "/var/lib/snapd/snaps"
SNAP_MOUNTS = "/snap"

# dpkg states in which the package's files are on the disk. "config-files" (removed, settings
# left) and "not-installed" are left out.
_DPKG_ON_DISK = frozenset(
    {"installed", "unpacked", "half-configured", "half-installed", "triggers-awaited"}
    | {"triggers-pending"}
)
# Folders that usr-merged systems turn into links into /usr.


# --- dpkg ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DpkgPackage:
    name: str
    version: str
    architecture: str
    status: str
    line: int  # of its "Package:" field

    @property
    def fully_installed(self) -> bool:
        return self.status.split()[-1:] == ["installed"]


def parse_dpkg_status(text: str) -> list[DpkgPackage]:
    """The packages of a dpkg status file whose files are on the disk, in file order."""
    packages: list[DpkgPackage] = []
    fields: dict[str, str] = {}
    line_of_package = 0

    def flush() -> None:
        name = fields.get("package", "")
        state = fields.get("status", "").split()
        if name and len(state) == 3 and state[2] in _DPKG_ON_DISK:
            packages.append(
                DpkgPackage(
                    name=name,
                    version=fields.get("version", ""),
                    architecture=fields.get("architecture", ""),
                    status=" ".join(state),
                    line=line_of_package,
                )
            )
        fields.clear()

    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            flush()
            continue
        if line[0] in " \t":  # continuation of a multi-line field (Description, Conffiles)
            continue
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key = key.strip().lower()
        if key in ("package", "status", "version", "architecture"):
            fields[key] = value.strip()
            if key == "package":
                line_of_package = number
    flush()
    return packages


class _ListTimes:
    """When each package's file list was last written (when it was installed or upgraded).

    Each name is one lstat inside the info folder instead of a resolution through the Host
    (most packages have no `name:arch.list`, so two per package); a link, and a name that is
    not a plain file name, are still asked of the Host."""

    def __init__(self, info: Host | None) -> None:
        self.info = info
        self.base = os.fspath(info.root).rstrip("/\\") if info is not None else ""

    def __call__(self, package: DpkgPackage) -> datetime | None:
        if self.info is None:
            return None
        for name in (f"{package.name}:{package.architecture}.list", f"{package.name}.list"):
            found = self._modified(self.info, name)
            if found is not None:
                return found
        return None

    def _modified(self, info: Host, name: str) -> datetime | None:
        if any(c in name for c in "/\\\0") or name in (".", ".."):
            return info.modified(f"/{name}")
        try:
            found = os.lstat(f"{self.base}/{name}")
        except OSError:
            return None  # not there: the Host finds nothing either
        if stat.S_ISLNK(found.st_mode):
            return info.modified(f"/{name}")
        return datetime.fromtimestamp(found.st_mtime, UTC)


def _dpkg_entries(host: Host, result: CollectorResult) -> bool:
    """Adds the dpkg packages; False when there is no dpkg database."""
    if host.lstat(DPKG_STATUS) is None:
        return False
    try:
        text = host.read_text(DPKG_STATUS, MAX_STATUS_BYTES)
    except ReadError as exc:
        result.errors.append(exc)
        return True
    try:
        info: Host | None = Host(host.platform, host.resolve(DPKG_INFO))
    except ReadError:
        info = None
    list_time = _ListTimes(info)
    for package in parse_dpkg_status(text):
        details = [("manager", "dpkg"), ("version", package.version)]
        if package.architecture:
            details.append(("architecture", package.architecture))
        if not package.fully_installed:
            details.append(("dpkg-status", package.status))
        result.entries.append(
            Entry(
                collector=COLLECTOR_ID,
                kind="package",
                location=DPKG_STATUS,
                name=package.name,
                line=package.line,
                modified=list_time(package),
                details=tuple(details),
            )
        )
        result.checked += 1
    return True


# Opening a .list file by name inside the folder opened once (with the Host's flags): no path
# resolution and no link followed (the folder itself was resolved inside the inspected root).
_BY_FOLDER = os.open in os.supports_dir_fd and bool(getattr(os, "O_NOFOLLOW", 0))


def _read_at(folder: int, name: str, limit: int) -> bytes | None:
    """A regular file of the folder opened as `folder`, at most `limit` bytes; None when it is
    not a regular file (a link, a FIFO), is larger, or cannot be read."""
    try:
        fd = os.open(name, READ_FLAGS, dir_fd=folder)
    except OSError:
        return None
    try:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode) or found.st_size > limit:
            return None
        data = read_at_most(fd, limit + 1)  # one byte more tells a file that grew past it
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


def list_files(info: Host) -> list[DirEntry]:
    """The entries named `*.list` of `info`'s root (/var/lib/dpkg/info), as `Host.list_dir`
    gives them, without making an entry for each of the folder's other 2,000+ files
    (maintainer scripts, md5sums); empty when the folder cannot be listed."""
    try:
        with os.scandir(os.fspath(info.root)) as scan:
            raw = [entry for entry in scan if entry.name.endswith(".list")]
    except OSError:  # missing or unreadable: no ownership known, as with no .list at all
        return []
    found: list[DirEntry] = []
    for entry in raw:
        path = f"/{entry.name}"
        try:
            is_link = entry.is_symlink()
            is_dir = info.is_dir(path) if is_link else entry.is_dir(follow_symlinks=False)
            if is_link:
                target = info.stat(path)
                is_file = target is not None and stat.S_ISREG(target.st_mode)
            else:
                is_file = entry.is_file(follow_symlinks=False)
        except OSError:
            is_link, is_dir, is_file = False, False, False
        found.append(DirEntry(entry.name, path, is_dir, is_file, is_link))
    found.sort(key=lambda e: e.name)
    return found


def read_list_files(info: Host, entries: list[DirEntry]) -> Iterator[tuple[str, bytes]]:
    """(path, bytes) of every readable `.list` file among the entries of `info`'s root, the
    folder /var/lib/dpkg/info. The 800+ files of a desktop are opened inside the folder opened
    once, instead of resolving each path again through the Host (benchmarks/bench_scan.py);
    a .list that is a link (dpkg never makes one) is read through the Host, as before."""
    wanted = [e for e in entries if e.name.endswith(".list") and e.is_file]
    folder: int | None = None
    if _BY_FOLDER:
        try:
            folder = os.open(os.fspath(info.root), os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            folder = None
    try:
        for entry in wanted:
            if folder is not None and not entry.is_symlink and "/" not in entry.name:
                data = _read_at(folder, entry.name, info.max_bytes)
            else:
                try:
                    data = info.read_bytes(entry.path)
                except ReadError:
                    data = None
            if data is not None:
                yield entry.path, data
    finally:
        if folder is not None:
            os.close(folder)


def dpkg_owned_among(host: Host, wanted: set[str]) -> set[str] | None:
    """Which of `wanted` (paths on the inspected system, given under both /usr spellings by
    the caller) a dpkg package installed; None when there is no dpkg database.

    A scan asks about a few hundred paths; building a set of every installed path (160,000 on
    a desktop) costs more than looking each .list line up in the small set (measured 93 -> 25
    ms with benchmarks/bench_scan.py)."""
    try:
        info = Host(host.platform, host.resolve(DPKG_INFO), max_bytes=MAX_LIST_BYTES)
        entries = list_files(info)
    except ReadError:
        return None
    if not entries:
        return None
    targets = {p.encode("utf-8", errors="surrogateescape") for p in wanted}
    found: set[bytes] = set()
    for _path, data in read_list_files(info, entries):
        found |= targets.intersection(data.split(b"\n"))
    return {p.decode("utf-8", errors="surrogateescape") for p in found}


# --- rpm -------------------------------------------------------------------------------------

RPMTAG_NAME = 1000
RPMTAG_VERSION = 1001
RPMTAG_RELEASE = 1002
RPMTAG_INSTALLTIME = 1008
RPMTAG_ARCH = 1022
_RPM_INT32 = 4
_RPM_STRING_TYPES = frozenset({6, 8, 9})  # STRING, STRING_ARRAY, I18NSTRING: first string
_RPM_MAX_INDEX = 0xFFFF
_RPM_MAX_DATA = 256 * 1024 * 1024


@dataclass(frozen=True)
class RpmPackage:
    name: str
    version: str
    release: str
    arch: str
    installed: int | None  # seconds since the epoch


def parse_rpm_header(blob: bytes) -> RpmPackage:
    """Name, version, release, arch and install time from a header blob as rpmdb.sqlite keeps it.

    The blob is the header without its 8-byte magic: index count and data length (4 bytes
    each, big-endian), the 16-byte index entries (tag, type, offset, count), then the data.
    Raises ValueError for a blob that does not have that shape.
    """
    if len(blob) < 8:
        raise ValueError("header too short")
    count, data_length = struct.unpack_from(">II", blob, 0)
    if not 0 < count <= _RPM_MAX_INDEX or data_length > _RPM_MAX_DATA:
        raise ValueError("header sizes out of range")
    data_start = 8 + 16 * count
    if len(blob) < data_start + data_length:
        raise ValueError("header shorter than it says")
    strings: dict[int, str] = {}
    installed: int | None = None
    for index in range(count):
        tag, kind, offset, _items = struct.unpack_from(">iIiI", blob, 8 + 16 * index)
        if tag not in (
            RPMTAG_NAME,
            RPMTAG_VERSION,
            RPMTAG_RELEASE,
            RPMTAG_INSTALLTIME,
            RPMTAG_ARCH,
        ):
            continue
        if not 0 <= offset < data_length:
            raise ValueError(f"tag {tag}: offset outside the data")
        if tag == RPMTAG_INSTALLTIME:
            if kind == _RPM_INT32 and offset + 4 <= data_length:
                installed = int(struct.unpack_from(">I", blob, data_start + offset)[0])
            continue
        if kind not in _RPM_STRING_TYPES:
            raise ValueError(f"tag {tag}: not a string")
        start = data_start + offset
        end = blob.find(b"\x00", start, data_start + data_length)
        if end < 0:
            raise ValueError(f"tag {tag}: string not terminated")
        strings[tag] = blob[start:end].decode("utf-8", "backslashreplace")
    name = strings.get(RPMTAG_NAME, "")
    if not name:
        raise ValueError("no package name")
    return RpmPackage(
        name=name,
        version=strings.get(RPMTAG_VERSION, ""),
        release=strings.get(RPMTAG_RELEASE, ""),
        arch=strings.get(RPMTAG_ARCH, ""),
        installed=installed,
    )


def read_rpm_sqlite(host: Host, path: str) -> tuple[list[RpmPackage], list[ReadError]]:
    """The packages of an rpmdb.sqlite, opened so that nothing is written (no journal, no lock)."""
    info = host.stat(path)
    if info is None:
        return [], [ReadError(path, ReadProblem.MISSING)]
    if not stat.S_ISREG(info.st_mode):
        return [], [ReadError(path, ReadProblem.NOT_REGULAR)]
    errors: list[ReadError] = []
    wal = host.stat(path + "-wal")
    if wal is not None and wal.st_size > 0:
        errors.append(
            ReadError(path + "-wal", ReadProblem.OTHER, "the latest rpm changes there are not read")
        )
    import sqlite3  # noqa: PLC0415 - only an rpm system needs it (a few ms at every scan)

    try:
        uri = "file:" + quote(host.resolve(path).as_posix()) + "?mode=ro&immutable=1"
        connection = sqlite3.connect(uri, uri=True)
    except (ReadError, sqlite3.Error) as exc:
        return [], [ReadError(path, ReadProblem.OTHER, str(exc)), *errors]
    packages: list[RpmPackage] = []
    bad = 0
    try:
        for (blob,) in connection.execute("SELECT blob FROM Packages"):
            try:
                packages.append(parse_rpm_header(bytes(blob)))
            except (TypeError, ValueError, struct.error):
                bad += 1
    except sqlite3.Error as exc:
        errors.append(ReadError(path, ReadProblem.OTHER, str(exc)))
    finally:
        connection.close()
    if bad:
        errors.append(ReadError(path, ReadProblem.OTHER, f"{bad} package headers not understood"))
    return packages, errors


def _rpm_entries(host: Host, result: CollectorResult) -> bool:
    """Adds the rpm packages; False when there is no rpm database."""
    for folder in RPM_DIRS:
        sqlite_path = f"{folder}/rpmdb.sqlite"
        if host.exists(sqlite_path):
            packages, errors = read_rpm_sqlite(host, sqlite_path)
            result.errors.extend(errors)
            for package in packages:
                details = [("manager", "rpm"), ("version", package.version)]
                if package.release:
                    details.append(("release", package.release))
                if package.arch:
                    details.append(("architecture", package.arch))
                modified = None
                if package.installed:
                    try:
                        modified = datetime.fromtimestamp(package.installed, UTC)
                    except (OverflowError, OSError, ValueError):
                        modified = None
                result.entries.append(
                    Entry(
                        collector=COLLECTOR_ID,
                        kind="package",
                        location=sqlite_path,
                        name=package.name,
                        modified=modified,
                        details=tuple(details),
                    )
                )
                result.checked += 1
            return True
        for other in ("Packages", "Packages.db"):  # Berkeley DB, ndb
            if host.exists(f"{folder}/{other}"):
                result.errors.append(
                    ReadError(
                        f"{folder}/{other}", ReadProblem.OTHER, "rpm database format not supported"
                    )
                )
                return True
    return False


# --- flatpak and snap --------------------------------------------------------------------------


def _flatpak_entries(host: Host, result: CollectorResult) -> bool:
    places: list[tuple[str, str, str | None]] = [(FLATPAK_SYSTEM, "system", None)]
    for account in host.human_homes():
        places.append((f"{account.home.rstrip('/')}/{FLATPAK_USER}", "user", account.name))
    found = False
    for folder, scope, user in places:
        if not host.is_dir(folder):
            continue
        found = True
        try:
            apps = host.list_dir(folder)
        except ReadError as exc:
            result.errors.append(exc)
            continue
        for app in apps:
            if not app.is_dir:
                continue
            result.entries.append(
                Entry(
                    collector=COLLECTOR_ID,
                    kind="package",
                    location=app.path,
                    name=app.name,
                    user=user,
                    modified=host.modified(app.path),
                    details=(("manager", "flatpak"), ("scope", scope)),
                )
            )
            result.checked += 1
    return found


def _snap_revisions(host: Host, result: CollectorResult) -> tuple[str, dict[str, list[str]]]:
    """(where they were found, snap name -> revisions)."""
    revisions: dict[str, list[str]] = {}
    for folder in (SNAP_FILES, SNAP_MOUNTS):
        if not host.is_dir(folder):
            continue
        try:
            items = host.list_dir(folder)
        except ReadError as exc:
            result.errors.append(exc)
            continue
        for item in items:
            if folder == SNAP_FILES:
                if not item.is_file or not item.name.endswith(".snap"):
                    continue
                name, sep, revision = item.name[: -len(".snap")].rpartition("_")
                if sep and name:
                    revisions.setdefault(name, []).append(revision)
            elif item.is_dir and item.name != "bin":
                try:
                    inside = host.list_dir(item.path)
                except ReadError:
                    inside = []
                numbers = [i.name for i in inside if i.is_dir and i.name != "current"]
                revisions.setdefault(item.name, []).extend(numbers)
        if revisions:
            return folder, revisions
    return "", revisions


def _snap_entries(host: Host, result: CollectorResult) -> bool:
    folder, revisions = _snap_revisions(host, result)
    for name in sorted(revisions):
        found = sorted(set(revisions[name]), key=lambda r: (len(r), r))
        details = [("manager", "snap")]
        if found:
            details.append(("revisions", " ".join(found)))
        result.entries.append(
            Entry(
                collector=COLLECTOR_ID,
                kind="package",
                location=f"{folder}/{name}" if folder == SNAP_MOUNTS else folder,
                name=name,
                details=tuple(details),
            )
        )
        result.checked += 1
    return bool(revisions)


# --- the collector -----------------------------------------------------------------------------


class PackagesCollector:
    id = COLLECTOR_ID
    platforms = frozenset({"linux"})
    live_only = False

    def collect(self, host: Host) -> CollectorResult:
        result = CollectorResult()
        found = False
        for read in (_dpkg_entries, _rpm_entries, _flatpak_entries, _snap_entries):
            try:
                found = read(host, result) or found
            except ReadError as exc:
                result.errors.append(exc)
                found = True
        if not found:
            result.status = Status.NOT_APPLICABLE
            result.reason = "scan.reason.no_packages"
        elif not result.entries and result.errors:
            denied = all(e.problem is ReadProblem.PERMISSION for e in result.errors)
            result.status = Status.NEEDS_ADMIN if denied else Status.FAILED
            result.reason = str(result.errors[0])
        return result


COLLECTOR = PackagesCollector()

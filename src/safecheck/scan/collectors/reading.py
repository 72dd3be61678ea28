"""What the file collectors of every OS share: `Reader` reads files and folders for one collector
run, keeping what could not be read in the result instead of raising; path helpers for the
inspected system's paths; and crontab lines as entries (Linux and macOS both have cron).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

from safecheck.core.entries import Entry
from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import DirEntry, Host, ReadError, ReadProblem
from safecheck.scan.collectors.parsers.commands import program_of
from safecheck.scan.collectors.parsers.crontab import parse_crontab


def join(folder: str, name: str) -> str:
    return f"{folder.rstrip('/')}/{name}"


def basename(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def shown(text: str) -> str:
    """Text safe to print and save: bytes that were not UTF-8 (kept as surrogates when read)
    become visible escapes such as `\\xff`, as `Host.read_text` shows them."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a surrogate that no decoding made
            return text.encode("utf-8", "backslashreplace").decode("utf-8")
        return raw.decode("utf-8", "backslashreplace")
    return text


def _all_ascii(entry: Entry) -> bool:
    """Whether every text of the entry is plain ASCII (then `shown` leaves it as it is)."""
    if not (entry.location.isascii() and entry.name.isascii()):
        return False
    for text in (entry.command, entry.program, entry.user):
        if text is not None and not text.isascii():
            return False
    return all(key.isascii() and value.isascii() for key, value in entry.details)


def shown_entry(entry: Entry) -> Entry:
    """The entry with every text read from the inspected system made printable (`shown`)."""
    if _all_ascii(entry):  # most entries: nothing to change, no copy made
        return entry
    return replace(
        entry,
        location=shown(entry.location),
        name=shown(entry.name),
        command=None if entry.command is None else shown(entry.command),
        program=None if entry.program is None else shown(entry.program),
        user=None if entry.user is None else shown(entry.user),
        details=tuple((key, shown(value)) for key, value in entry.details),
    )


class _FileDate:
    """Marks "take the date of the entry's file" (a registry entry has none)."""


FILE_DATE = _FileDate()


class Reader:
    """Reads for one collector run: counts what was looked at, records what could not be read.

    A missing file or folder is not an error (most locations are optional); a folder or file
    that exists but cannot be read (permission, FIFO, link loop, too large) is recorded.
    """

    def __init__(self, host: Host, collector: str) -> None:
        self.host = host
        self.collector = collector
        self.result = CollectorResult()
        self._seen: set[str] = set()
        self._dated: tuple[str, datetime | None] | None = None  # the last file dated

    def _record(self, error: ReadError) -> None:
        if error.problem is not ReadProblem.MISSING:
            self.result.errors.append(error)

    def text(self, path: str) -> str | None:
        """The file as text, or None (recorded unless it is simply not there).

        Bytes that are not UTF-8 are kept as surrogates (like file names in Python), so that
        commands split right; `add` turns them into visible escapes (`\\xe9`)."""
        try:
            text = self.host.read_bytes(path).decode("utf-8", "surrogateescape")
        except ReadError as error:
            self._record(error)
            return None
        self.result.checked += 1
        return text

    def listing(self, path: str) -> list[DirEntry]:
        """The entries of a folder; [] when it is missing or unreadable (recorded)."""
        try:
            return self.host.list_dir(path)
        except ReadError as error:
            self._record(error)
            return []

    def names(self, path: str) -> list[str]:
        """The names in a folder, when only names matter; [] when it is missing or unreadable
        (recorded)."""
        try:
            return self.host.list_names(path)
        except ReadError as error:
            self._record(error)
            return []

    def files(self, folder: str, suffixes: tuple[str, ...] = ()) -> Iterator[DirEntry]:
        """The regular files of a folder (links to files included), optionally by suffix; other
        entries that are not folders (FIFO, device, link loop) are recorded as errors."""
        for entry in self.listing(folder):
            if suffixes and not entry.name.endswith(suffixes):
                continue
            if entry.is_file:
                yield entry
            elif not entry.is_dir:
                self.probe(entry.path)

    def probe(self, path: str) -> None:
        """Record why an entry that is not a regular file cannot be read (nothing is opened)."""
        try:
            real = self.host.real(path)
            info = os.stat(real)
        except ReadError as error:
            self._record(error)
            return
        except OSError:
            return  # a dangling link: nothing there
        if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
            self._record(ReadError(path, ReadProblem.NOT_REGULAR))

    def once(self, path: str) -> bool:
        """True the first time a file or folder is met (`/lib` may be `/usr/lib`, `/etc/zshrc`
        a link to `/etc/zsh/zshrc`): later paths to the same place give False."""
        try:
            real = self.host.real(path)
        except ReadError as error:
            self._record(error)
            return False
        if real in self._seen:
            return False
        self._seen.add(real)
        return True

    def walk(self, folder: str, max_depth: int = 3) -> Iterator[DirEntry]:
        """Regular files below a folder, without following links to folders."""
        for entry in self.listing(folder):
            if entry.is_dir:
                if not entry.is_symlink and max_depth > 0:
                    yield from self.walk(entry.path, max_depth - 1)
            elif entry.is_file:
                yield entry
            else:
                self.probe(entry.path)

    def looked_at(self, count: int = 1) -> None:
        self.result.checked += count

    def link_target(self, path: str) -> str | None:
        """Where a symbolic link points, as written in it; None when `path` is not a link."""
        parent, _, name = path.rstrip("/").rpartition("/")
        try:
            return os.readlink(f"{self.host.real(parent or '/').rstrip('/')}/{name}")
        except (OSError, ReadError):
            return None

    def executable(self, path: str) -> bool | None:
        info = self.host.stat(path)
        return None if info is None else bool(info.st_mode & 0o111)

    def _date_of(self, location: str) -> datetime | None:
        """The date of an entry's file; on a disk that is not running, the file of many entries
        in a row (lines of a crontab, keys of an authorized_keys) is dated once."""
        if self.host.live:
            return self.host.modified(location)
        if self._dated is None or self._dated[0] != location:
            self._dated = (location, self.host.modified(location))
        return self._dated[1]

    def add(
        self,
        kind: str,
        location: str,
        name: str,
        *,
        command: str | None = None,
        program: str | None = None,
        line: int | None = None,
        user: str | None = None,
        enabled: bool | None = None,
        details: tuple[tuple[str, str], ...] = (),
        modified: datetime | _FileDate | None = FILE_DATE,
    ) -> Entry:
        """Add an entry with this collector's id and, unless `modified` is given, the date of
        the file that defines it."""
        entry = shown_entry(
            Entry(
                collector=self.collector,
                kind=kind,
                location=location,
                name=name,
                command=command,
                program=program,
                line=line,
                user=user,
                enabled=enabled,
                modified=self._date_of(location) if isinstance(modified, _FileDate) else modified,
                details=details,
            )
        )
        self.result.entries.append(entry)
        return entry


def add_crontab_jobs(reader: Reader, path: str, owner: str | None) -> None:
    """One "cron-job" entry per line of a crontab: a system one (with a user field) when
    `owner` is None, else the crontab of that account. Shared with macOS's cron."""
    text = reader.text(path)
    if text is None:
        return
    for job in parse_crontab(text, system=owner is None):
        reader.add(
            "cron-job",
            path,
            basename(path),
            command=job.command,
            program=program_of(job.command),
            line=job.line,
            user=owner or job.user,
            enabled=True,
            details=(("schedule", job.schedule),),
        )

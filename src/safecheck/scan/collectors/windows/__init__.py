"""Windows collectors: registry autostarts, services, Startup folders, scheduled tasks, remote
access switches and installed programs, Defender exclusions. They read a Windows system
through a `Host` (paths relative to the system drive: `/Windows/System32/Tasks`) and a
`RegistrySource` (hive files on a disk, or `winreg` on the running Windows), so the same code
runs against a mounted disk, a test folder or the live machine, and never changes anything.

This module holds what they share: `WinReader` keeps what could not be read in the result
instead of raising, and the helpers that read a program out of a Windows command line.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime

from safecheck.core.entries import Entry
from safecheck.scan.collectors.base import Collector, CollectorResult
from safecheck.scan.collectors.host import Host, ReadError, ReadProblem
from safecheck.scan.collectors.reading import Reader
from safecheck.scan.collectors.windows.registry import (
    MACHINE_HIVES,
    HiveRegistry,
    RegistrySource,
    RegKey,
)

PLATFORMS = frozenset({"win32"})
SYSTEM_DRIVE = "C:"
SOFTWARE = "HKLM\\SOFTWARE"
SOFTWARE_VIEWS = ("HKLM\\SOFTWARE", "HKLM\\SOFTWARE\\WOW6432Node")  # 64- and 32-bit programs
SYSTEM_CCS = "HKLM\\SYSTEM\\CurrentControlSet"

_QUOTED = re.compile(r'^\s*"([^"]+)"')
_UNQUOTED = re.compile(
    r"^\s*(.+?\.(?:exe|com|bat|cmd|scr|pif|dll|lnk|vbs|js|ps1|hta|sys))(?=\s|,|$)", re.I
)


def windows_display(path: str) -> str:
    """An inspected-system path as people see it on Windows: `/Windows/x` -> `C:\\Windows\\x`."""
    if re.match(r"^[A-Za-z]:", path) or path.startswith("\\\\"):
        return path.replace("/", "\\")
    return SYSTEM_DRIVE + "\\" + path.lstrip("/").replace("/", "\\")


def program_of(command: str) -> str | None:
    """The program a Windows command line runs: the quoted path, or everything up to `.exe`
    (paths with spaces are often left unquoted), or the first word."""
    text = command.strip()
    if not text:
        return None
    quoted = _QUOTED.match(text)
    if quoted:
        return quoted.group(1).strip()
    unquoted = _UNQUOTED.match(text)
    if unquoted:
        return unquoted.group(1).strip()
    return text.split()[0].strip('"')


class WinReader(Reader):
    """A `Reader` that also reads registry keys, recording keys it could not read."""

    def __init__(self, host: Host, collector: str, registry: RegistrySource) -> None:
        super().__init__(host, collector)
        self.registry = registry
        self._recorded: set[tuple[str, str]] = set()

    def record(self, error: ReadError) -> None:
        """Keep an error once (a damaged hive fails for every key read from it)."""
        marker = (error.path, error.problem.value)
        if error.problem is ReadProblem.MISSING or marker in self._recorded:
            return
        self._recorded.add(marker)
        self.result.errors.append(error)

    def key(self, path: str) -> RegKey | None:
        """A registry key, or None when it is not there or cannot be read (recorded)."""
        try:
            found = self.registry.key(path)
        except ReadError as error:
            self.record(error)
            return None
        if found is not None:
            self.result.checked += 1
        return found

    def subkeys(self, path: str) -> list[tuple[str, RegKey]]:
        """The readable subkeys of a key, by name."""
        parent = self.key(path)
        if parent is None:
            return []
        out: list[tuple[str, RegKey]] = []
        for name in parent.subkeys:
            child = self.key(f"{path}\\{name}")
            if child is not None:
                out.append((name, child))
        return out

    def software_keys(self) -> list[tuple[str, str | None]]:
        """The machine's SOFTWARE views and each person's Software key, with the person."""
        keys: list[tuple[str, str | None]] = [(view, None) for view in SOFTWARE_VIEWS]
        for user in self.registry.users():
            keys.append((f"HKU\\{user}\\Software", user))
            keys.append((f"HKU\\{user}\\Software\\WOW6432Node", user))
        return keys

    def add_entry(
        self,
        kind: str,
        location: str,
        name: str,
        *,
        command: str | None = None,
        program: str | None = None,
        user: str | None = None,
        enabled: bool | None = None,
        modified: datetime | None = None,
        details: tuple[tuple[str, str], ...] = (),
    ) -> Entry:
        """An entry whose location is a registry key or a Windows path as people see it."""
        return self.add(
            kind,
            location,
            name,
            command=command,
            program=program,
            user=user,
            enabled=enabled,
            modified=modified,
            details=details,
        )


def registry_for(host: Host) -> RegistrySource:
    """The live registry on the running Windows, the hive files of a disk or folder otherwise."""
    if host.live and host.platform == "win32" and sys.platform == "win32":
        from safecheck.scan.collectors.windows.live_registry import WinregRegistry  # noqa: PLC0415

        return WinregRegistry()
    return HiveRegistry(host)


class RegistryCollector:
    """Base of the collectors that read the registry: one registry source per host."""

    id = "windows.base"
    platforms = PLATFORMS
    live_only = False
    # The machine hives (SOFTWARE, SYSTEM) it reads: one missing from a disk makes the row
    # "partial" or "not checked" instead of a quiet "ok".
    hives: tuple[str, ...] = ()

    def __init__(self, registry: RegistrySource | None = None) -> None:
        self._registry = registry  # given in tests; otherwise chosen per host

    def collect(self, host: Host) -> CollectorResult:
        registry = self._registry or registry_for(host)
        reader = WinReader(host, self.id, registry)
        if isinstance(registry, HiveRegistry):
            for hive in self.hives:
                file = MACHINE_HIVES[hive]
                if not host.exists(file):
                    reader.result.missing.append(windows_display(file))
        self.read(reader)
        return reader.result

    def read(self, reader: WinReader) -> None:
        raise NotImplementedError


def windows_collectors(registry: RegistrySource | None = None) -> list[Collector]:
    """One instance of every Windows collector, in the order they should run. A `registry` is
    shared by all of them (tests give a fake one; a scan reads each hive once per collector)."""
    from safecheck.scan.collectors.windows.autoruns import AutorunsCollector  # noqa: PLC0415
    from safecheck.scan.collectors.windows.defender import DefenderCollector  # noqa: PLC0415
    from safecheck.scan.collectors.windows.files import FilesCollector  # noqa: PLC0415
    from safecheck.scan.collectors.windows.remote import RemoteCollector, WmiCollector  # noqa: PLC0415
    from safecheck.scan.collectors.windows.services import ServicesCollector  # noqa: PLC0415
    from safecheck.scan.collectors.windows.startup import StartupCollector  # noqa: PLC0415
    from safecheck.scan.collectors.windows.tasks import TasksCollector  # noqa: PLC0415

    return [
        AutorunsCollector(registry),
        ServicesCollector(registry),
        StartupCollector(),
        TasksCollector(),
        RemoteCollector(registry),
        DefenderCollector(registry),
        FilesCollector(),
        WmiCollector(),
    ]

"""macOS collectors that read files: launchd jobs, login and background items, cron and
periodic, configuration profiles and device management, kernel and system extensions,
authorization plugins, sharing services, privacy permissions (TCC) and installed apps.

Each reads the inspected system through a `Host`, so they run the same on a live Mac, on a
mounted Mac disk (`--root`) and, in tests, on Linux against folders of real-format files.
Live-only extras (`sfltool dumpbtm`, `profiles`) go through `host.runner`, never a subprocess.

This module holds what they share: `MacReader` (the Linux `Reader` plus property lists),
the people of the Mac (folders under /Users) and the launchd enable/disable overrides.
"""

from __future__ import annotations

import plistlib
from typing import Any

from safecheck.scan.collectors.base import Collector
from safecheck.scan.collectors.host import Host, ReadError, ReadProblem
from safecheck.scan.collectors.reading import Reader, basename, join, shown

__all__ = ["PLATFORMS", "MacReader", "basename", "join", "macos_collectors", "shown", "users"]

PLATFORMS = frozenset({"darwin"})
USERS_DIR = "/Users"
NOT_PEOPLE = frozenset({"Shared", "Guest"})
DISABLED_PLIST = "/private/var/db/com.apple.xpc.launchd/disabled.plist"
OVERRIDES_PLIST = "/private/var/db/launchd.db/com.apple.launchd/overrides.plist"
PLIST_MAX_BYTES = 16 * 1024 * 1024


def users(host: Host) -> list[tuple[str, str]]:
    """(name, home) of every person of the Mac: the folders of /Users but Shared, Guest and
    dot-folders. A disk has no readable user database, so the folder name is the name."""
    try:
        entries = host.list_dir(USERS_DIR)
    except ReadError:
        return []
    return [
        (e.name, e.path)
        for e in entries
        if e.is_dir and not e.is_symlink and not e.name.startswith(".") and e.name not in NOT_PEOPLE
    ]


class MacReader(Reader):
    """The Linux `Reader` (counts, records unreadable files) plus property lists."""

    def plist(self, path: str, *, missing_ok: bool = True) -> Any | None:
        """A property list (XML or binary) as Python values, or None. A damaged one is
        recorded as unreadable (a coverage row), never raised."""
        try:
            data = self.host.read_bytes(path, PLIST_MAX_BYTES)
        except ReadError as error:
            if error.problem is not ReadProblem.MISSING or not missing_ok:
                self.result.errors.append(error)
            return None
        self.result.checked += 1
        try:
            return plistlib.loads(data)
        except Exception as exc:  # plistlib raises many kinds on damaged input
            self.result.errors.append(
                ReadError(
                    path, ReadProblem.OTHER, f"not a valid property list ({type(exc).__name__})"
                )
            )
            return None

    def plist_dict(self, path: str) -> dict[str, Any] | None:
        found = self.plist(path)
        if found is None:
            return None
        if not isinstance(found, dict):
            self.result.errors.append(
                ReadError(path, ReadProblem.OTHER, "property list is not a dictionary")
            )
            return None
        return found

    def launchd_disabled(self) -> dict[str, tuple[bool, str]]:
        """label -> (disabled, where it was said), from the launchd override files. The newer
        disabled.plist (label -> true/false) wins over the older overrides.plist."""
        out: dict[str, tuple[bool, str]] = {}
        old = self.plist_dict(OVERRIDES_PLIST) or {}
        for label, value in old.items():
            if isinstance(value, dict) and isinstance(value.get("Disabled"), bool):
                out[str(label)] = (bool(value["Disabled"]), OVERRIDES_PLIST)
        new = self.plist_dict(DISABLED_PLIST) or {}
        for label, value in new.items():
            if isinstance(value, bool):
                out[str(label)] = (value, DISABLED_PLIST)
        return out


def text_of(value: object) -> str | None:
    """A plist value as text when it is a string (plists may hold anything)."""
    return value if isinstance(value, str) else None


def macos_collectors() -> list[Collector]:
    """One instance of every collector of this package, in the order they should run."""
    from safecheck.scan.collectors.macos.apps import AppsCollector  # noqa: PLC0415
    from safecheck.scan.collectors.macos.extensions import ExtensionsCollector  # noqa: PLC0415
    from safecheck.scan.collectors.macos.launchd import LaunchdCollector  # noqa: PLC0415
    from safecheck.scan.collectors.macos.loginitems import LoginItemsCollector  # noqa: PLC0415
    from safecheck.scan.collectors.macos.profiles import ProfilesCollector  # noqa: PLC0415
    from safecheck.scan.collectors.macos.schedule import ScheduleCollector  # noqa: PLC0415
    from safecheck.scan.collectors.macos.sharing import SharingCollector  # noqa: PLC0415
    from safecheck.scan.collectors.macos.tcc import TccCollector  # noqa: PLC0415

    return [
        LaunchdCollector(),
        LoginItemsCollector(),
        ScheduleCollector(),
        ProfilesCollector(),
        ExtensionsCollector(),
        SharingCollector(),
        TccCollector(),
        AppsCollector(),
    ]

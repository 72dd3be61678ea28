"""The Windows registry as collectors see it: keys, their values and subkeys, read-only.

Key paths are written the way people read them, with a short hive name:
`HKLM\\SOFTWARE\\Microsoft\\...`, `HKLM\\SYSTEM\\CurrentControlSet\\Services\\...`, and
`HKU\\<user>\\Software\\...` for one person's HKCU (`<user>` is the profile folder name offline,
the SID live). `HiveRegistry` reads the hive files of a disk or folder (through `Host`, so it
never leaves the root and never writes); `live_registry.WinregRegistry` reads the registry of
the running Windows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any, Protocol

from safecheck.scan.collectors.host import Host, ReadError, ReadProblem

# regipy logs every damaged cell; a damaged hive is reported as a coverage row instead.
logging.getLogger("regipy").addHandler(logging.NullHandler())
logging.getLogger("regipy").propagate = False

MAX_HIVE_BYTES = 1024 * 1024 * 1024  # SOFTWARE hives of long-used systems pass 200 MB
CONFIG = "/Windows/System32/config"
MACHINE_HIVES = {"SOFTWARE": f"{CONFIG}/SOFTWARE", "SYSTEM": f"{CONFIG}/SYSTEM"}
# Profile folders that are not a person (links to other folders, or the public folder).
NOT_PEOPLE = frozenset({"all users", "default user", "public", "desktop.ini"})

RegData = str | int | list[str] | bytes | None


@dataclass(frozen=True)
class RegKey:
    """One key: its values (name -> (type, data)) and the names of its subkeys."""

    path: str
    values: dict[str, tuple[str, RegData]] = field(default_factory=dict)
    subkeys: tuple[str, ...] = ()
    modified: datetime | None = None

    def text(self, name: str) -> str | None:
        """A value as text (strings as they are, numbers in decimal, lists joined by spaces)."""
        found = self.values.get(name)
        if found is None or found[1] is None:
            return None
        data = found[1]
        if isinstance(data, bytes):
            return data.hex()
        if isinstance(data, list):
            return " ".join(data)
        return str(data)

    def number(self, name: str) -> int | None:
        found = self.values.get(name)
        if found is None:
            return None
        data = found[1]
        if isinstance(data, int):
            return data
        if isinstance(data, str) and data.strip().lstrip("-").isdigit():
            return int(data.strip())
        return None


class RegistrySource(Protocol):
    """Read-only registry access. `key` gives None for a key that is not there and raises
    `ReadError` when the key (or its hive) exists but cannot be read."""

    def key(self, path: str) -> RegKey | None: ...

    def users(self) -> list[str]:
        """The people whose HKCU can be read, as used in `HKU\\<user>\\...`."""
        ...

    def describe(self, path: str) -> str:
        """Where a key is read from, for coverage rows (a hive file, or the live registry)."""
        ...


def split_key(path: str) -> tuple[str, list[str]]:
    """`HKLM\\SOFTWARE\\A` -> ("HKLM", ["SOFTWARE", "A"])."""
    parts = [p for p in path.replace("/", "\\").split("\\") if p]
    if not parts:
        return "", []
    return parts[0].upper(), parts[1:]


def filetime(value: int) -> datetime | None:
    """A Windows FILETIME (100 ns since 1601) as a UTC date; None when out of range."""
    if value <= 0:
        return None
    try:
        return datetime(1601, 1, 1, tzinfo=UTC) + timedelta(microseconds=value // 10)
    except OverflowError:
        return None


class _HiveStream(BytesIO):
    """regipy reads `data_size` bytes even for values stored inline (size with the top bit
    set, ~2 GB), copying the rest of the hive for every such value: cap those reads."""

    def read(self, size: int | None = -1, /) -> bytes:
        if size is not None and size >= 0x80000000:
            size = 4
        return super().read(size)


def _hive_from_bytes(data: bytes) -> Any:
    """A regipy hive over bytes already read (regipy itself only opens a path by name)."""
    # Imported here: only a scan of a Windows disk reads hives, and regipy is slow to load.
    from regipy.registry import NKRecord, RegistryHive  # noqa: PLC0415
    from regipy.structs import REGF_HEADER  # noqa: PLC0415
    from regipy.utils import boomerang_stream  # noqa: PLC0415

    hive: Any = RegistryHive.__new__(RegistryHive)  # regipy's functions carry no annotations
    hive.partial_hive_path = None
    hive.hive_type = None
    hive._stream = _HiveStream(data)
    boomerang: Any = boomerang_stream
    header: Any = REGF_HEADER
    node: Any = NKRecord
    with boomerang(hive._stream) as stream:
        hive.header = header.parse_stream(stream)
        root_cell = next(hive.get_hbin_at_offset().iter_cells(stream))
        hive.root = node(root_cell, stream)
    hive.name = hive.header.file_name
    return hive


def _values(record: Any) -> Iterator[tuple[str, str, RegData]]:
    for value in record.iter_values(trim_values=False) or ():
        data = value.value
        if not isinstance(data, str | int | list | bytes) or isinstance(data, bool):
            data = None if data is None else str(data)
        if isinstance(data, list):
            data = [str(item) for item in data]
        yield str(value.name), str(value.value_type), data


class HiveRegistry:
    """The registry of a Windows disk or folder, read from its hive files.

    Machine keys come from `Windows/System32/config/SOFTWARE` and `SYSTEM`;
    `HKLM\\SYSTEM\\CurrentControlSet` is the control set named by `SYSTEM\\Select\\Current`.
    Each person's keys come from `Users/<name>/NTUSER.DAT`. A hive is read once; a damaged
    hive gives `ReadError(OTHER)` for the keys that cannot be read, never a traceback.
    """

    def __init__(self, host: Host, max_bytes: int = MAX_HIVE_BYTES) -> None:
        self.host = host
        self.max_bytes = max_bytes
        self._hives: dict[str, Any] = {}  # a regipy hive, or why it cannot be read
        self._control_set: str | None = None
        self._users: list[str] | None = None
        self._kids: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}

    # --- hives ---------------------------------------------------------------------------
    def hive_file(self, path: str) -> str | None:
        hive, parts = split_key(path)
        if hive == "HKLM" and parts and parts[0].upper() in MACHINE_HIVES:
            return MACHINE_HIVES[parts[0].upper()]
        if hive == "HKU" and parts:
            return f"/Users/{parts[0]}/NTUSER.DAT"
        return None

    def describe(self, path: str) -> str:
        return self.hive_file(path) or path

    def _hive(self, file: str) -> Any:
        if file not in self._hives:
            try:
                data = self.host.read_bytes(file, self.max_bytes)
                if data[:4] != b"regf":
                    raise ReadError(file, ReadProblem.OTHER, "not a registry hive")
                self._hives[file] = _hive_from_bytes(data)
            except ReadError as error:
                self._hives[file] = error
            except Exception as exc:  # regipy and construct raise many kinds on bad input
                self._hives[file] = ReadError(file, ReadProblem.OTHER, _why(exc))
        found = self._hives[file]
        if isinstance(found, ReadError):
            raise found
        return found

    def _current_control_set(self) -> str:
        if self._control_set is None:
            self._control_set = "ControlSet001"
            try:
                select = self._record(MACHINE_HIVES["SYSTEM"], ["Select"])
            except ReadError:
                select = None
            if select is not None:
                for name, _type, data in _safe_values(select):
                    if name.lower() == "current" and isinstance(data, int) and 0 < data < 1000:
                        self._control_set = f"ControlSet{data:03d}"
        return self._control_set

    def _children(self, file: str, where: tuple[str, ...], record: Any) -> dict[str, Any]:
        """The subkeys of a key by lower-case name, read once (a lookup is then one access)."""
        marker = (file, where)
        found = self._kids.get(marker)
        if found is None:
            found = {}
            for sub in record.iter_subkeys() or ():
                found.setdefault(str(sub.name).lower(), sub)
            self._kids[marker] = found
        return found

    def _record(self, file: str, parts: list[str]) -> Any:
        hive = self._hive(file)
        try:
            record: Any = hive.root
            where: tuple[str, ...] = ()
            for part in parts:
                record = self._children(file, where, record).get(part.lower())
                if record is None:
                    return None
                where = (*where, part.lower())
            return record
        except Exception as exc:
            raise ReadError(file, ReadProblem.OTHER, _why(exc)) from None

    # --- RegistrySource ------------------------------------------------------------------
    def key(self, path: str) -> RegKey | None:
        file = self.hive_file(path)
        if file is None:
            return None
        _hive_name, parts = split_key(path)
        inside = parts[1:]
        if file == MACHINE_HIVES["SYSTEM"] and inside and inside[0].lower() == "currentcontrolset":
            inside = [self._current_control_set(), *inside[1:]]
        record = self._record(file, inside)
        if record is None:
            return None
        try:
            values = {name: (kind, data) for name, kind, data in _values(record)}
            subkeys = tuple(str(sub.name) for sub in record.iter_subkeys() or ())
            stamp = getattr(record.header, "last_modified", 0)
            modified = filetime(stamp) if isinstance(stamp, int) else None
        except Exception as exc:
            raise ReadError(file, ReadProblem.OTHER, f"{printable(path)}: {_why(exc)}") from None
        return RegKey(path, values, subkeys, modified)

    def users(self) -> list[str]:
        if self._users is None:
            self._users = []
            try:
                entries = self.host.list_dir("/Users")
            except ReadError:
                entries = []
            for entry in entries:
                if not entry.is_dir or entry.is_symlink or entry.name.lower() in NOT_PEOPLE:
                    continue
                if self.host.lstat(f"{entry.path}/NTUSER.DAT") is not None:
                    self._users.append(entry.name)
        return self._users


def _safe_values(record: Any) -> list[tuple[str, str, RegData]]:
    try:
        return list(_values(record))
    except Exception:
        return []


def printable(text: str) -> str:
    """Text from a hive, with control characters shown as escapes (`\\x00`)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def _why(exc: Exception) -> str:
    text = printable(str(exc).splitlines()[0]) if str(exc) else ""
    return f"damaged hive ({type(exc).__name__}{': ' + text[:200] if text else ''})"

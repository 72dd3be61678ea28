"""The registry of the running Windows, through `winreg`, read-only. A thin adapter: every
decision is made by the collectors over `RegKey` values, which the tests feed from hive files.
"""

from __future__ import annotations

import sys

from safecheck.scan.collectors.host import ReadError, ReadProblem
from safecheck.scan.collectors.windows.registry import RegData, RegKey, filetime, split_key

if sys.platform == "win32":
    import winreg

TYPE_NAMES = {
    0: "REG_NONE",
    1: "REG_SZ",
    2: "REG_EXPAND_SZ",
    3: "REG_BINARY",
    4: "REG_DWORD",
    5: "REG_DWORD_BIG_ENDIAN",
    6: "REG_LINK",
    7: "REG_MULTI_SZ",
    11: "REG_QWORD",
}
MAX_ITEMS = 100_000  # a key with more values or subkeys than this is not read further


class WinregRegistry:
    """`HKLM\\...` and `HKU\\<SID>\\...` of this computer; nothing is ever written."""

    def describe(self, path: str) -> str:
        return f"registry {path}"

    def key(self, path: str) -> RegKey | None:
        return _read_key(path)

    def users(self) -> list[str]:
        """The SIDs of the people whose registry is loaded (signed in, or services)."""
        return _loaded_users()


if sys.platform == "win32":

    def _read_key(path: str) -> RegKey | None:
        hive_name, parts = split_key(path)
        hives = {"HKLM": winreg.HKEY_LOCAL_MACHINE, "HKU": winreg.HKEY_USERS}
        if hive_name not in hives:
            return None
        try:
            handle = winreg.OpenKey(hives[hive_name], "\\".join(parts), 0, winreg.KEY_READ)
        except FileNotFoundError:
            return None
        except PermissionError as exc:
            raise ReadError(path, ReadProblem.PERMISSION, str(exc)) from None
        except OSError as exc:
            raise ReadError(path, ReadProblem.OTHER, str(exc)) from None
        try:
            with handle:
                subkey_count, value_count, stamp = winreg.QueryInfoKey(handle)
                values: dict[str, tuple[str, RegData]] = {}
                for index in range(min(value_count, MAX_ITEMS)):
                    name, data, kind = winreg.EnumValue(handle, index)
                    values[name or "(default)"] = (TYPE_NAMES.get(kind, str(kind)), _data(data))
                subkeys = tuple(
                    winreg.EnumKey(handle, index) for index in range(min(subkey_count, MAX_ITEMS))
                )
        except PermissionError as exc:
            raise ReadError(path, ReadProblem.PERMISSION, str(exc)) from None
        except OSError as exc:
            raise ReadError(path, ReadProblem.OTHER, str(exc)) from None
        return RegKey(path, values, subkeys, filetime(stamp))

    def _loaded_users() -> list[str]:
        found: list[str] = []
        try:
            with winreg.OpenKey(winreg.HKEY_USERS, "", 0, winreg.KEY_READ) as handle:
                for index in range(min(winreg.QueryInfoKey(handle)[0], MAX_ITEMS)):
                    sid = winreg.EnumKey(handle, index)
                    if sid.startswith("S-1-5-21-") and not sid.endswith("_Classes"):
                        found.append(sid)
        except OSError:
            return found
        return found

else:

    def _read_key(path: str) -> RegKey | None:
        return None  # no live registry on this system

    def _loaded_users() -> list[str]:
        return []


def _data(data: object) -> RegData:
    if data is None or isinstance(data, str | int | bytes):
        return data
    if isinstance(data, list):
        return [str(item) for item in data]
    return str(data)

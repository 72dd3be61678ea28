"""Startup folders: what Windows opens at sign-in for everyone
(`ProgramData\\Microsoft\\Windows\\Start Menu\\Programs\\StartUp`) and for each person
(`Users\\<name>\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup`).
A shortcut (.lnk) is read for its target and arguments (MS-SHLLINK, through LnkParse3);
anything else is recorded as the file itself.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import Host, ReadError
from safecheck.scan.collectors.windows import PLATFORMS, WinReader, windows_display
from safecheck.scan.collectors.windows.registry import NOT_PEOPLE, HiveRegistry

ALL_USERS = "/ProgramData/Microsoft/Windows/Start Menu/Programs/StartUp"
PER_USER = "AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Startup"
LNK_HEADER = b"\x4c\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00\x46"
MAX_LNK_BYTES = 1024 * 1024


def parse_lnk(data: bytes) -> tuple[str, str] | None:
    """(target path, arguments) of a shell link; None when it is not one or is damaged.

    Read with LnkParse3 (imported here, only when a Startup folder holds a link). The target is
    LinkInfo's local path, else the environment-variable block's (`%windir%\\...`), else the
    path the item list spells out, else the relative path."""
    if len(data) < 0x4C or data[:20] != LNK_HEADER:
        return None
    import LnkParse3  # type: ignore[import-untyped]  # noqa: PLC0415

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a damaged block is "unreadable", not a warning
            link: dict[str, Any] = LnkParse3.lnk_file(io.BytesIO(data)).get_json()
    except Exception:  # any error of a third-party parser on hostile bytes
        return None
    strings = _mapping(link.get("data"))
    target = _link_info_target(_mapping(link.get("link_info"))) or _environment_target(link)
    target = target or _item_list_target(link) or _text(strings.get("relative_path"))
    arguments = _text(strings.get("command_line_arguments"))
    if not target and not arguments:
        return None  # cut short or damaged: nothing it would start can be told
    return target, arguments


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    return value.replace("\0", "") if isinstance(value, str) else ""


def _link_info_target(info: dict[str, Any]) -> str:
    base = _text(info.get("local_base_path_unicode")) or _text(info.get("local_base_path"))
    suffix = _text(info.get("common_path_suffix_unicode")) or _text(info.get("common_path_suffix"))
    return base + suffix if base else ""


def _environment_target(link: dict[str, Any]) -> str:
    block = _mapping(_mapping(link.get("extra")).get("ENVIRONMENTAL_VARIABLES_LOCATION_BLOCK"))
    return _text(block.get("target_unicode")) or _text(block.get("target_ansi"))


def _item_list_target(link: dict[str, Any]) -> str:
    items = _mapping(link.get("target")).get("items")
    if not isinstance(items, list):
        return ""
    parts: list[str] = []
    for raw in items:
        item = _mapping(raw)
        volume = _text(item.get("volume_name"))
        name = _text(item.get("primary_name"))
        if volume:
            parts = [volume.rstrip("\\")]
        elif name and parts:
            parts.append(name)
    return "\\".join(parts) if len(parts) > 1 else ""


class StartupCollector:
    id = "windows.startup"
    platforms = PLATFORMS
    live_only = False

    def collect(self, host: Host) -> CollectorResult:
        reader = WinReader(host, self.id, HiveRegistry(host))
        folders: list[tuple[str, str | None]] = [(ALL_USERS, None)]
        for person in reader.listing("/Users"):
            if person.is_dir and not person.is_symlink and person.name.lower() not in NOT_PEOPLE:
                folders.append((f"{person.path}/{PER_USER}", person.name))
        for folder, user in folders:
            for item in reader.walk(folder, max_depth=2):
                if item.name.lower() == "desktop.ini":
                    continue
                self._item(reader, item.path, item.name, user)
        return reader.result

    @staticmethod
    def _item(reader: WinReader, path: str, name: str, user: str | None) -> None:
        shown_path = windows_display(path)
        target, arguments = "", ""
        details: list[tuple[str, str]] = []
        if name.lower().endswith(".lnk"):
            try:
                data = reader.host.read_bytes(path, MAX_LNK_BYTES)
            except ReadError as error:
                reader.record(error)
                data = b""
            parsed = parse_lnk(data) if data else None
            if parsed is None:
                details.append(("lnk", "unreadable"))
            else:
                target, arguments = parsed
                details.append(("lnk", "ok"))
        reader.looked_at()
        program = target or shown_path
        command = f"{program} {arguments}".strip() if target else program
        reader.add_entry(
            "startup-item",
            shown_path,
            name,
            command=command,
            program=program,
            user=user,
            modified=reader.host.modified(path),
            details=(("file", shown_path), *details),
        )

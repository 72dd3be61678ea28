"""Startup folders: what Windows opens at sign-in for everyone
(`ProgramData\\Microsoft\\Windows\\Start Menu\\Programs\\StartUp`) and for each person
(`Users\\<name>\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup`).
A shortcut (.lnk) is read for its target and arguments (MS-SHLLINK: LinkInfo's local base path
and the StringData arguments); anything else is recorded as the file itself.
"""

from __future__ import annotations

import struct

from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import Host, ReadError
from safecheck.scan.collectors.windows import PLATFORMS, WinReader, windows_display
from safecheck.scan.collectors.windows.registry import NOT_PEOPLE, HiveRegistry

ALL_USERS = "/ProgramData/Microsoft/Windows/Start Menu/Programs/StartUp"
PER_USER = "AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Startup"
LNK_HEADER = b"\x4c\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00\x46"
MAX_LNK_BYTES = 1024 * 1024


def _c_string(data: bytes, offset: int, wide: bool) -> str:
    if offset <= 0 or offset >= len(data):
        return ""
    if wide:
        end = offset
        while end + 1 < len(data) and data[end : end + 2] != b"\0\0":
            end += 2
        return data[offset:end].decode("utf-16-le", "replace")
    end = data.find(b"\0", offset)
    return data[offset : end if end >= 0 else len(data)].decode("cp1252", "replace")


def parse_lnk(data: bytes) -> tuple[str, str] | None:
    """(target path, arguments) of a shell link; None when it is not one or is damaged."""
    if len(data) < 0x4C or data[:20] != LNK_HEADER:
        return None
    try:
        flags = struct.unpack_from("<I", data, 0x14)[0]
        offset = 0x4C
        if flags & 0x1:  # HasLinkTargetIDList
            offset += 2 + struct.unpack_from("<H", data, offset)[0]
        target = ""
        if flags & 0x2:  # HasLinkInfo
            info = data[offset:]
            size, header_size, info_flags = struct.unpack_from("<III", info, 0)
            base_off, _net_off, suffix_off = struct.unpack_from("<III", info, 16)
            if info_flags & 0x1:
                if header_size >= 0x24:
                    base_wide, suffix_wide = struct.unpack_from("<II", info, 28)
                    if base_wide:
                        target = _c_string(info, base_wide, True)
                        target += _c_string(info, suffix_wide, True) if suffix_wide else ""
                if not target:
                    target = _c_string(info, base_off, False) + _c_string(info, suffix_off, False)
            offset += size
        unicode = bool(flags & 0x80)
        strings: dict[int, str] = {}
        for bit in (0x4, 0x8, 0x10, 0x20, 0x40):  # name, relative path, work dir, args, icon
            if not flags & bit:
                continue
            count = struct.unpack_from("<H", data, offset)[0]
            offset += 2
            width = 2 if unicode else 1
            raw = data[offset : offset + count * width]
            if len(raw) < count * width:
                break
            strings[bit] = raw.decode("utf-16-le" if unicode else "cp1252", "replace")
            offset += count * width
    except struct.error:
        return None
    return target or strings.get(0x8, ""), strings.get(0x20, "")


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

"""`macos.loginitems`: login items and background items, and old-style start-up items.

Entries:
- "login-item": from each person's
  ~/Library/Application Support/com.apple.backgroundtaskmanagementagent/backgrounditems.btm and
  the system store /private/var/db/com.apple.backgroundtaskmanagement/BackgroundItems-v*.btm.
  These are NSKeyedArchiver property lists; their private classes are not decoded: every
  string of the `$objects` array (and every `file://` URL inside the bookmark data) that looks
  like a path or a bundle id becomes one entry (details ("bundle-id", ...) or program = path).
- "login-item" from `sfltool dumpbtm` when running live with a command runner (details
  source=sfltool, developer, type, disposition; enabled from the disposition).
- "startup-item": one per folder of /Library/StartupItems (program = the script inside).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urlparse

from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import Host
from safecheck.scan.collectors.macos import PLATFORMS, MacReader, basename, join, users

COLLECTOR_ID = "macos.loginitems"
USER_BTM = "Library/Application Support/com.apple.backgroundtaskmanagementagent/backgrounditems.btm"
SYSTEM_BTM_DIR = "/private/var/db/com.apple.backgroundtaskmanagement"
STARTUP_ITEMS = "/Library/StartupItems"
BUNDLE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9_-]+){2,}$")
FILE_URL = re.compile(rb"file://(/[\x21-\x7e]+)")
_FIELD = re.compile(r"^\s*([A-Za-z][A-Za-z ]*?)\s*:\s?(.*)$")
_ITEM = re.compile(r"^\s*#\d+:\s*$")
_UID = re.compile(r"Records for UID (-?\d+)")
MAX_STRINGS = 5000
BOOKMARK_PATH = 0x1004  # key of the path components
BOOKMARK_ARRAY = 0x0601
BOOKMARK_STRING = 0x0101


class LoginItemsCollector:
    id = COLLECTOR_ID
    platforms = PLATFORMS
    live_only = False

    def collect(self, host: Host) -> CollectorResult:
        reader = MacReader(host, COLLECTOR_ID)
        for name, home in users(host):
            path = join(home, USER_BTM)
            _btm(reader, path, name)
        for entry in reader.files(SYSTEM_BTM_DIR, (".btm",)):
            _btm(reader, entry.path, None)
        for folder in reader.listing(STARTUP_ITEMS):
            if not folder.is_dir:
                continue
            script = join(folder.path, folder.name)
            reader.looked_at()
            reader.add(
                "startup-item",
                folder.path,
                folder.name,
                program=script if host.exists(script) else None,
                user="root",
                enabled=reader.executable(script),
            )
        if host.live and host.runner is not None:
            code, text = host.runner.run(["sfltool", "dumpbtm"], 30.0)
            if code == 0 and text.strip():
                reader.looked_at()
                for item in parse_dumpbtm(text):
                    _sfl_entry(reader, item)
        return reader.result


def bookmark_path(data: bytes) -> str | None:
    """The path kept in an alias bookmark ("book" data, as NSURL bookmarkData writes it): the
    array of path components under key 0x1004 of the first table of contents. None when the
    data is not a bookmark or is damaged."""
    if len(data) < 52 or data[:4] != b"book":
        return None
    try:
        start = struct.unpack_from("<I", data, 12)[0]
        toc = start + struct.unpack_from("<I", data, start)[0]
        _size, magic, _ident, _next, count = struct.unpack_from("<IIIII", data, toc)
        if magic != 0xFFFFFFFE or count > 1024:
            return None
        for number in range(count):
            key, offset, _reserved = struct.unpack_from("<III", data, toc + 20 + 12 * number)
            if key != BOOKMARK_PATH:
                continue
            length, kind = struct.unpack_from("<II", data, start + offset)
            if kind != BOOKMARK_ARRAY or length > 4 * 1024:
                return None
            parts: list[str] = []
            for index in range(length // 4):
                item = struct.unpack_from("<I", data, start + offset + 8 + 4 * index)[0]
                size, item_kind = struct.unpack_from("<II", data, start + item)
                if item_kind != BOOKMARK_STRING:
                    return None
                raw = data[start + item + 8 : start + item + 8 + size]
                parts.append(raw.decode("utf-8", "backslashreplace"))
            return "/" + "/".join(parts)
    except struct.error:
        return None
    return None


def _strings(value: Any, depth: int = 0) -> Iterator[str]:
    """Strings in a decoded archive, and the paths inside bytes (bookmark data)."""
    if depth > 20:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, bytes):
        path = bookmark_path(value)
        if path:
            yield path
        for found in FILE_URL.finditer(value):
            yield "file://" + found.group(1).decode("ascii", "replace")
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, depth + 1)


def interesting(strings: Iterator[str]) -> list[tuple[str, str]]:
    """("path", /x) and ("bundle-id", a.b.c) found among strings, each once, in order."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for count, text in enumerate(strings):
        if count > MAX_STRINGS:
            break
        value = text.strip()
        kind = ""
        if value.startswith("file://"):
            value = unquote(urlparse(value).path)
            kind = "path"
        elif value.startswith("/") and len(value) > 1:
            kind = "path"
        elif BUNDLE_ID.match(value):
            kind = "bundle-id"
        if kind and value.rstrip("/") not in seen:
            seen.add(value.rstrip("/"))
            out.append((kind, value.rstrip("/") or value))
    return out


def _btm(reader: MacReader, path: str, user: str | None) -> None:
    data = reader.plist(path)
    if data is None:
        return
    objects = data.get("$objects") if isinstance(data, dict) else None
    if not isinstance(objects, list):
        objects = [data]
    for kind, value in interesting(_strings(objects)):
        if kind == "path":
            reader.add(
                "login-item",
                path,
                basename(value) or value,
                program=value,
                user=user,
                details=(("source", "btm"),),
            )
        else:
            reader.add(
                "login-item",
                path,
                value,
                user=user,
                details=(("source", "btm"), ("bundle-id", value)),
            )


def parse_dumpbtm(text: str) -> list[dict[str, str]]:
    """Items of `sfltool dumpbtm`: blocks that start with ` #1:` and hold `Key: value` lines
    (Name, Developer Name, Type, Disposition, Identifier, URL, Executable Path...). The UID
    of the `Records for UID n` header is kept as "uid". Anything else is skipped."""
    items: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    uid = ""
    for line in text.splitlines():
        header = _UID.search(line)
        if header:
            uid = header.group(1)
            current = None
            continue
        if _ITEM.match(line):
            current = {"uid": uid}
            items.append(current)
            continue
        if current is None:
            continue
        field = _FIELD.match(line)
        if field and field.group(1) not in current:
            current[field.group(1)] = field.group(2).strip()
    return [i for i in items if any(k in i for k in ("URL", "Identifier", "Executable Path"))]


def _sfl_entry(reader: MacReader, item: dict[str, str]) -> None:
    url = item.get("URL", "")
    program = item.get("Executable Path") or (
        unquote(urlparse(url).path).rstrip("/") if url.startswith("file://") else None
    )
    identifier = item.get("Identifier", "")
    # Identifiers look like "16.com.example.app" (a type number first) or a bundle id.
    bundle = re.sub(r"^\d+\.", "", identifier)
    details = [("source", "sfltool")]
    for key, name in (
        ("Developer Name", "developer"),
        ("Team Identifier", "team-id"),
        ("Type", "type"),
        ("Disposition", "disposition"),
        ("uid", "uid"),
    ):
        if item.get(key) and item[key] != "(null)":
            details.append((name, item[key]))
    if BUNDLE_ID.match(bundle):
        details.append(("bundle-id", bundle))
    disposition = item.get("Disposition", "").lower()
    enabled = False if "disabled" in disposition else True if "enabled" in disposition else None
    reader.add(
        "login-item",
        "sfltool dumpbtm",
        item.get("Name") or bundle or basename(program or "") or "?",
        program=program,
        enabled=enabled,
        details=tuple(details),
    )

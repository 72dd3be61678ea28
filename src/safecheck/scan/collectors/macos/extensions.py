"""`macos.extensions`: code that extends the system itself.

Entries:
- "kernel-extension": one per .kext bundle in /Library/Extensions and (any depth up to 3)
  /Library/StagedExtensions; name = CFBundleIdentifier, program = Contents/MacOS/<exe>;
- "system-extension": one per extension recorded in /Library/SystemExtensions/db.plist;
  enabled from its state (activated_enabled...), details bundle-id, state, team-id,
  categories, origin;
- "auth-plugin": one per bundle in /Library/Security/SecurityAgentPlugins: code that runs in
  the login window and sees passwords; details bundle-id.
"""

from __future__ import annotations

from typing import Any

from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import DirEntry, Host
from safecheck.scan.collectors.macos import PLATFORMS, MacReader, join, text_of

COLLECTOR_ID = "macos.extensions"
KEXT_DIRS = (("/Library/Extensions", 0), ("/Library/StagedExtensions", 3))
SYSTEM_EXTENSIONS_DB = "/Library/SystemExtensions/db.plist"
AUTH_PLUGINS = "/Library/Security/SecurityAgentPlugins"


class ExtensionsCollector:
    id = COLLECTOR_ID
    platforms = PLATFORMS
    live_only = False

    def collect(self, host: Host) -> CollectorResult:
        reader = MacReader(host, COLLECTOR_ID)
        for folder, depth in KEXT_DIRS:
            for bundle in _bundles(reader, folder, ".kext", depth):
                _bundle(reader, bundle, "kernel-extension")
        db = reader.plist_dict(SYSTEM_EXTENSIONS_DB)
        extensions = db.get("extensions") if db else None
        if isinstance(extensions, list):
            for item in extensions:
                if isinstance(item, dict):
                    _system_extension(reader, item)
        for bundle in _bundles(reader, AUTH_PLUGINS, ".bundle", 0):
            _bundle(reader, bundle, "auth-plugin")
        return reader.result


def _bundles(reader: MacReader, folder: str, suffix: str, depth: int) -> list[DirEntry]:
    found: list[DirEntry] = []
    for entry in reader.listing(folder):
        if not entry.is_dir or entry.is_symlink:
            continue
        if entry.name.endswith(suffix):
            found.append(entry)
        elif depth > 0:
            found += _bundles(reader, entry.path, suffix, depth - 1)
    return found


def _bundle(reader: MacReader, bundle: DirEntry, kind: str) -> None:
    info = reader.plist_dict(join(bundle.path, "Contents/Info.plist"))
    bundle_id = text_of(info.get("CFBundleIdentifier")) if info else None
    exe = text_of(info.get("CFBundleExecutable")) if info else None
    details = [("bundle-id", bundle_id)] if bundle_id else []
    if info is None:
        reader.looked_at()
    reader.add(
        kind,
        bundle.path,
        bundle_id or bundle.name,
        program=join(bundle.path, f"Contents/MacOS/{exe}") if exe else None,
        details=tuple(details),
    )


def _system_extension(reader: MacReader, item: dict[str, Any]) -> None:
    identifier = text_of(item.get("identifier")) or "?"
    state = text_of(item.get("state")) or ""
    details = [("bundle-id", identifier), ("state", state)]
    team = text_of(item.get("teamID"))
    if team:
        details.append(("team-id", team))
    categories = item.get("categories")
    if isinstance(categories, list):
        details.append(("categories", ",".join(c for c in categories if isinstance(c, str))))
    origin = text_of(item.get("originPath"))
    if origin:
        details.append(("origin", origin))
    enabled = None
    if state:
        enabled = state.endswith("_enabled") or state == "activated_enabled"
        if "disabled" in state or state.startswith(("terminated", "uninstalled")):
            enabled = False
    reader.add(
        "system-extension",
        SYSTEM_EXTENSIONS_DB,
        identifier,
        program=origin,
        enabled=enabled,
        details=tuple(details),
    )

"""`macos.apps`: installed apps, matched against the catalog by bundle id, path and name.

Entries: "app", one per bundle of /Applications/*.app and each person's ~/Applications,
~/Downloads, ~/Desktop and ~/Documents (where an app copied rather than installed sits), and
one level of subfolders (/Applications/Utilities/*.app). name = CFBundleName (or the folder
name), program = Contents/MacOS/<CFBundleExecutable>; details: bundle-id, bundle-name,
executable. A missing or damaged Info.plist still gives an entry (by folder name) and a
coverage note.
"""

from __future__ import annotations

from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import DirEntry, Host
from safecheck.scan.collectors.macos import PLATFORMS, MacReader, join, text_of, users

COLLECTOR_ID = "macos.apps"
SYSTEM_APPS = "/Applications"
PERSONAL_FOLDERS = ("Downloads", "Desktop", "Documents")


class AppsCollector:
    id = COLLECTOR_ID
    platforms = PLATFORMS
    live_only = False

    def collect(self, host: Host) -> CollectorResult:
        reader = MacReader(host, COLLECTOR_ID)
        folders: list[tuple[str, str | None]] = [(SYSTEM_APPS, None)]
        # An app copied, not installed, sits where it was downloaded or dropped.
        folders += [
            (join(home, place), name)
            for name, home in users(host)
            for place in ("Applications", *PERSONAL_FOLDERS)
        ]
        for folder, user in folders:
            for entry in reader.listing(folder):
                if not entry.is_dir:
                    continue
                if entry.name.endswith(".app"):
                    _app(reader, entry, user)
                elif not entry.is_symlink and not entry.name.startswith("."):
                    for inner in reader.listing(entry.path):
                        if inner.is_dir and inner.name.endswith(".app"):
                            _app(reader, inner, user)
        return reader.result


def _app(reader: MacReader, bundle: DirEntry, user: str | None) -> None:
    info_path = join(bundle.path, "Contents/Info.plist")
    info = reader.plist_dict(info_path)
    if info is None:
        reader.looked_at()
        info = {}
    bundle_id = text_of(info.get("CFBundleIdentifier"))
    name = text_of(info.get("CFBundleName")) or text_of(info.get("CFBundleDisplayName"))
    exe = text_of(info.get("CFBundleExecutable"))
    details = []
    if bundle_id:
        details.append(("bundle-id", bundle_id))
    if name:
        details.append(("bundle-name", name))
    if exe:
        details.append(("executable", exe))
    if exe and "/" not in exe:
        program = join(bundle.path, f"Contents/MacOS/{exe}")
    else:
        program = join(bundle.path, f"Contents/MacOS/{bundle.name.removesuffix('.app')}")
    reader.add(
        "app",
        bundle.path,
        name or bundle.name.removesuffix(".app"),
        program=program,
        user=user,
        details=tuple(details),
    )

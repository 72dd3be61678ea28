"""`macos.sharing`: the sharing services that let someone in from elsewhere.

Entries: "macos-sharing", one per service, name = the service as System Settings calls it,
details ("service", id) and ("source", the file that told), enabled True/False, or None when
nothing on the disk tells:
- Remote Login (ssh): label com.openssh.sshd in the launchd overrides
  (/private/var/db/com.apple.xpc.launchd/disabled.plist: false = on), else the Disabled key of
  /System/Library/LaunchDaemons/ssh.plist;
- Screen Sharing: label com.apple.screensharing, likewise (screensharing.plist);
- Remote Apple Events: label com.apple.AEServer, likewise (eppc.plist);
- Remote Management (Apple Remote Desktop): /Library/Application Support/Apple/Remote
  Desktop/RemoteManagement.launchd saying "enabled" (written when it is turned on), the label
  com.apple.RemoteDesktop.agent in the overrides, and the settings in
  /Library/Preferences/com.apple.RemoteManagement.plist (details).
"""

from __future__ import annotations

from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import Host
from safecheck.scan.collectors.macos import PLATFORMS, MacReader

COLLECTOR_ID = "macos.sharing"
SERVICES = (
    ("remote-login", "Remote Login", "com.openssh.sshd", "/System/Library/LaunchDaemons/ssh.plist"),
    (
        "screen-sharing",
        "Screen Sharing",
        "com.apple.screensharing",
        "/System/Library/LaunchDaemons/com.apple.screensharing.plist",
    ),
    (
        "remote-apple-events",
        "Remote Apple Events",
        "com.apple.AEServer",
        "/System/Library/LaunchDaemons/com.apple.eppc.plist",
    ),
)
ARD_MARKER = "/Library/Application Support/Apple/Remote Desktop/RemoteManagement.launchd"
ARD_PREFS = "/Library/Preferences/com.apple.RemoteManagement.plist"
ARD_LABEL = "com.apple.RemoteDesktop.agent"
ARD_SETTINGS = (
    ("ARD_AllLocalUsers", "all-local-users"),
    ("VNCLegacyConnectionsEnabled", "vnc-password"),
    ("ScreenSharingReqPermEnabled", "asks-permission"),
)


class SharingCollector:
    id = COLLECTOR_ID
    platforms = PLATFORMS
    live_only = False

    def collect(self, host: Host) -> CollectorResult:
        reader = MacReader(host, COLLECTOR_ID)
        overrides = reader.launchd_disabled()
        for service, name, label, plist in SERVICES:
            enabled: bool | None = None
            source = ""
            if label in overrides:
                disabled, source = overrides[label]
                enabled = not disabled
            else:
                data = reader.plist_dict(plist)
                if data is not None:
                    source = plist
                    enabled = data.get("Disabled") is not True
            details = [("service", service), ("label", label)]
            if source:
                details.append(("source", source))
            reader.add(
                "macos-sharing", source or plist, name, enabled=enabled, details=tuple(details)
            )
        _remote_management(reader, overrides)
        return reader.result


def _remote_management(reader: MacReader, overrides: dict[str, tuple[bool, str]]) -> None:
    enabled: bool | None = None
    source = ""
    details = [("service", "remote-management"), ("label", ARD_LABEL)]
    marker = reader.text(ARD_MARKER)
    if marker is not None:
        enabled = marker.strip().lower() == "enabled"
        source = ARD_MARKER
    if ARD_LABEL in overrides:
        disabled, where = overrides[ARD_LABEL]
        if not disabled or enabled is None:
            enabled = not disabled
            source = where
    prefs = reader.plist_dict(ARD_PREFS)
    if prefs is not None:
        for key, label in ARD_SETTINGS:
            value = prefs.get(key)
            if isinstance(value, bool):
                details.append((label, "true" if value else "false"))
        if enabled is None:
            enabled = False
            source = ARD_PREFS
    if source:
        details.append(("source", source))
    reader.add(
        "macos-sharing",
        source or ARD_MARKER,
        "Remote Management",
        enabled=enabled,
        details=tuple(details),
    )

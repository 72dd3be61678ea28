"""Remote access switches and installed programs: Remote Desktop (fDenyTSConnections), Remote
Assistance (fAllowToGetHelp), and the Uninstall entries of the machine and of each person,
which the analysis matches against the catalog of remote-access and monitoring tools.

WMI event subscriptions live in the WMI repository (`System32\\wbem\\Repository`), a database
that is not read here: `WmiCollector` says so in the coverage instead of staying silent.
"""

from __future__ import annotations

from safecheck.scan.collectors.base import CollectorResult, Status
from safecheck.scan.collectors.host import Host
from safecheck.scan.collectors.windows import (
    PLATFORMS,
    SYSTEM_CCS,
    RegistryCollector,
    WinReader,
    program_of,
)

TERMINAL_SERVER = f"{SYSTEM_CCS}\\Control\\Terminal Server"
REMOTE_ASSISTANCE = f"{SYSTEM_CCS}\\Control\\Remote Assistance"
UNINSTALL = "Microsoft\\Windows\\CurrentVersion\\Uninstall"


class RemoteCollector(RegistryCollector):
    id = "windows.remote"
    hives = ("SYSTEM", "SOFTWARE")

    def read(self, reader: WinReader) -> None:
        server = reader.key(TERMINAL_SERVER)
        deny = server.number("fDenyTSConnections") if server else None
        if server is not None and deny is not None:
            reader.add_entry(
                "rdp",
                TERMINAL_SERVER,
                "Remote Desktop",
                enabled=deny == 0,
                modified=server.modified,
                details=(("fDenyTSConnections", str(deny)),),
            )
        assistance = reader.key(REMOTE_ASSISTANCE)
        allow = assistance.number("fAllowToGetHelp") if assistance else None
        if assistance is not None and allow is not None:
            reader.add_entry(
                "remote-assistance",
                REMOTE_ASSISTANCE,
                "Remote Assistance",
                enabled=allow != 0,
                modified=assistance.modified,
                details=(("fAllowToGetHelp", str(allow)),),
            )
        for software, user in reader.software_keys():
            self._uninstall(reader, f"{software}\\{UNINSTALL}", user)

    @staticmethod
    def _uninstall(reader: WinReader, path: str, user: str | None) -> None:
        for sub, key in reader.subkeys(path):
            display = (key.text("DisplayName") or "").strip()
            if not display:
                continue  # updates and components without a name are not listed by Windows
            location = (key.text("InstallLocation") or "").strip()
            icon = (key.text("DisplayIcon") or "").split(",")[0].strip().strip('"')
            reader.add_entry(
                "installed-program",
                f"{path}\\{sub}",
                display,
                program=location or (program_of(icon) if icon else None),
                user=user,
                modified=key.modified,
                details=(
                    ("key", sub),
                    ("publisher", key.text("Publisher") or ""),
                    ("version", key.text("DisplayVersion") or ""),
                    ("install-date", key.text("InstallDate") or ""),
                    ("install-location", location),
                ),
            )


class WmiCollector:
    """WMI event subscriptions: not read (a database, no maintained offline reader here)."""

    id = "windows.wmi"
    platforms = PLATFORMS
    live_only = False

    def collect(self, host: Host) -> CollectorResult:
        return CollectorResult(status=Status.NOT_APPLICABLE, reason="scan.reason.wmi_not_read")

"""Remote access switches and installed programs: Remote Desktop (fDenyTSConnections), Remote
Assistance (fAllowToGetHelp), and the Uninstall entries of the machine and of each person,
which the analysis matches against the catalog of remote-access and monitoring tools.

WMI event subscriptions live in the WMI repository (`System32\\wbem\\Repository`): `WmiCollector`
searches it for the consumers that run something (see `wmi_repository`).
"""

from __future__ import annotations

from safecheck.scan.collectors.base import CollectorResult, Status
from safecheck.scan.collectors.host import Host, ReadError, ReadProblem
from safecheck.scan.collectors.windows import (
    PLATFORMS,
    SYSTEM_CCS,
    RegistryCollector,
    WinReader,
    program_of,
    windows_display,
)
from safecheck.scan.collectors.windows.registry import HiveRegistry
from safecheck.scan.collectors.windows.wmi_repository import CONSUMER_CLASSES, RepositorySearch

TERMINAL_SERVER = f"{SYSTEM_CCS}\\Control\\Terminal Server"
REMOTE_ASSISTANCE = f"{SYSTEM_CCS}\\Control\\Remote Assistance"
UNINSTALL = "Microsoft\\Windows\\CurrentVersion\\Uninstall"
# Windows 10 and later keep the repository in FS\; older versions in the folder itself.
REPOSITORY_FILES = (
    "/Windows/System32/wbem/Repository/OBJECTS.DATA",
    "/Windows/System32/wbem/Repository/FS/OBJECTS.DATA",
)
MAX_REPOSITORY_BYTES = 512 * 1024 * 1024  # read a chunk at a time; real ones are 20-200 MiB
MAX_RUNS = 4  # lines of one consumer shown
COMMAND_LINE = CONSUMER_CLASSES[0]


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
    """Permanent WMI event subscriptions that run a command or a script."""

    id = "windows.wmi"
    platforms = PLATFORMS
    live_only = False

    def collect(self, host: Host) -> CollectorResult:
        path = next((p for p in REPOSITORY_FILES if host.exists(p)), None)
        if path is None:
            return CollectorResult(status=Status.NOT_APPLICABLE, reason="scan.reason.wmi_missing")
        reader = WinReader(host, self.id, HiveRegistry(host))
        search = RepositorySearch()
        try:
            seen = 0
            for chunk in host.read_chunks(path, MAX_REPOSITORY_BYTES):
                seen += len(chunk)
                search.feed(chunk)
            search.feed(b"", last=True)
        except ReadError as error:
            reader.record(error)
            return reader.result
        reader.looked_at()
        found = search.result()
        shown = windows_display(path)
        for consumer in found.consumers:
            for run in consumer.runs[:MAX_RUNS]:
                # no date: the repository file changes with any WMI activity, not with this
                reader.add_entry(
                    "wmi-consumer",
                    shown,
                    consumer.name,
                    command=run,
                    program=program_of(run) if consumer.kind == COMMAND_LINE else None,
                    details=(("class", consumer.kind), ("searched", "keyword")),
                )
        if found.cut or seen >= MAX_REPOSITORY_BYTES:
            reader.result.errors.append(
                ReadError(path, ReadProblem.TOO_LARGE, f"searched the first {seen} bytes")
            )
        return reader.result

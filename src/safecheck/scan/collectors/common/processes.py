"""`common.processes`: one entry per running process (live machine only).

The entry keeps the facts analysis needs: the program file and whether it was deleted while it
runs, the command line, the account, when it started, the input devices it reads (a keylogger
reads /dev/input/event*) and an LD_PRELOAD library injected into it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from safecheck.core.entries import Entry
from safecheck.scan.collectors.base import CollectorResult, Status
from safecheck.scan.collectors.host import Host, ProcessInfo, ReadError, ReadProblem

COLLECTOR_ID = "common.processes"


def iso_time(seconds: float | None) -> str | None:
    """Seconds since the epoch as an ISO 8601 UTC time; None when missing or out of range."""
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(float(seconds), UTC).isoformat(timespec="seconds")
    except (OverflowError, OSError, TypeError, ValueError):
        return None


def process_entry(process: ProcessInfo) -> Entry:
    """The entry for one process; tolerates fields left empty (None) by the source."""
    cmdline = [str(part) for part in (process.cmdline or ()) if part is not None]
    exe = process.exe or None
    name = process.name or ""
    if not name and exe:
        name = exe.replace("\\", "/").rsplit("/", 1)[-1]
    details: list[tuple[str, str]] = []
    started = iso_time(process.started)
    if started is not None:
        details.append(("started", started))
    if process.exe_deleted:
        details.append(("exe-deleted", "yes"))
    for path in process.open_paths or ():
        details.append(("input-device", str(path)))
    if process.ld_preload:
        details.append(("ld-preload", process.ld_preload))
    if process.access_denied:
        details.append(("access-denied", "yes"))
    return Entry(
        collector=COLLECTOR_ID,
        kind="process",
        location="process",
        name=name,
        program=exe,
        command=" ".join(cmdline) or None,
        user=process.user or None,
        pid=process.pid,
        details=tuple(details),
    )


class ProcessesCollector:
    id = COLLECTOR_ID
    platforms = frozenset({"linux", "darwin", "win32"})
    live_only = True

    def collect(self, host: Host) -> CollectorResult:
        source = host.processes
        if source is None:
            return CollectorResult(status=Status.NOT_APPLICABLE, reason="scan.reason.live_only")
        try:
            processes = source.processes()
        except Exception as exc:  # a failing source must not stop the scan
            return CollectorResult(status=Status.FAILED, reason=f"could not list processes: {exc}")
        result = CollectorResult(checked=len(processes))
        denied = 0
        for process in processes:
            try:
                entry = process_entry(process)
            except (AttributeError, TypeError, ValueError):
                continue  # a malformed record from the source: skip it, keep the others
            result.entries.append(entry)
            denied += bool(process.access_denied)
        if denied:
            result.reason = (
                f"partial: {denied} of {len(processes)} processes could not be fully read"
                " without administrator rights"
            )
            result.errors.append(
                ReadError("processes", ReadProblem.PERMISSION, f"{denied} processes not fully read")
            )
        return result


COLLECTOR = ProcessesCollector()

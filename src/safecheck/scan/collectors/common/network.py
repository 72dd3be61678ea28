"""`common.network`: listening sockets and established connections (live machine only).

A listening socket is a door into the computer (x11vnc on 5900, a remote-access agent); an
established connection shows who the computer talks to right now. Each entry carries the
process name, looked up once from the process list.
"""

from __future__ import annotations

from safecheck.core.entries import Entry
from safecheck.scan.collectors.base import CollectorResult, Status
from safecheck.scan.collectors.host import Host, ProcessSource, ReadError, ReadProblem, SocketInfo

COLLECTOR_ID = "common.network"
PARTIAL_REASON = "partial: sockets of other users need administrator rights"


def endpoint(address: str, port: int | None) -> str:
    """The text ip:port, with an IPv6 address in brackets: [::1]:443."""
    shown = f"[{address}]" if ":" in address else address
    return shown if port is None else f"{shown}:{port}"


def process_names(source: ProcessSource) -> dict[int, str]:
    """pid -> process name, from one walk of the process list (empty if it cannot be read)."""
    try:
        return {p.pid: p.name for p in source.processes() if p.name}
    except Exception:  # names are a nicety: the sockets are still reported
        return {}


def socket_entry(sock: SocketInfo, names: dict[int, str]) -> Entry | None:
    name = names.get(sock.pid, "") if sock.pid is not None else ""
    details = (("address", sock.local_address), ("protocol", sock.protocol))
    if sock.kind == "listen":
        return Entry(
            collector=COLLECTOR_ID,
            kind="listener",
            location="socket",
            name=name,
            pid=sock.pid,
            port=sock.local_port,
            details=details,
        )
    if sock.kind == "connection" and sock.remote_address:
        return Entry(
            collector=COLLECTOR_ID,
            kind="connection",
            location="socket",
            name=name,
            pid=sock.pid,
            port=sock.local_port,
            remote=endpoint(sock.remote_address, sock.remote_port),
            details=details,
        )
    return None


class NetworkCollector:
    id = COLLECTOR_ID
    platforms = frozenset({"linux", "darwin", "win32"})
    live_only = True

    def collect(self, host: Host) -> CollectorResult:
        source = host.processes
        if source is None:
            return CollectorResult(
                status=Status.NOT_APPLICABLE,
                reason="scan.reason.live_only",
            )
        try:
            sockets, complete = source.sockets()
        except Exception as exc:  # a failing source must not stop the scan
            return CollectorResult(status=Status.FAILED, reason=f"could not list sockets: {exc}")
        names = process_names(source) if any(s.pid is not None for s in sockets) else {}
        result = CollectorResult(checked=len(sockets))
        seen: set[tuple[object, ...]] = set()
        for sock in sockets:
            try:
                entry = socket_entry(sock, names)
            except (AttributeError, TypeError, ValueError):
                continue
            if entry is None:
                continue
            key = (
                entry.kind,
                sock.protocol,
                sock.local_address,
                entry.port,
                entry.remote,
                entry.pid,
            )
            if key in seen:  # the same socket shared by several descriptors of one process
                continue
            seen.add(key)
            result.entries.append(entry)
        if not complete:
            result.errors.append(ReadError("sockets", ReadProblem.PERMISSION))
            if sockets:
                result.reason = PARTIAL_REASON
            else:
                result.status = Status.NEEDS_ADMIN
                result.reason = "sockets need administrator rights"
        return result


COLLECTOR = NetworkCollector()

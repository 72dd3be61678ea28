"""common.network: listeners and connections, from recorded snapshots."""

from __future__ import annotations

from pathlib import Path

from recorded import RecordedProcessSource, load_snapshot

from safecheck.core.entries import Entry
from safecheck.scan.collectors.base import Collector, Status
from safecheck.scan.collectors.common.network import COLLECTOR, PARTIAL_REASON, endpoint
from safecheck.scan.collectors.host import (
    Host,
    ProcessInfo,
    ProcessSource,
    ReadProblem,
    SocketInfo,
)

ANY = "0.0.0.0"  # noqa: S104 - an address in recorded data, nothing is bound


def live_host(source: ProcessSource) -> Host:
    return Host(platform="linux", root=Path("/nonexistent-root"), live=True, processes=source)


def listeners(entries: list[Entry]) -> list[tuple[str, int | None, str | None, str | None]]:
    return [
        (e.name, e.port, e.detail("address"), e.detail("protocol"))
        for e in entries
        if e.kind == "listener"
    ]


def test_is_a_live_only_collector_for_every_platform() -> None:
    collector: Collector = COLLECTOR
    assert collector.id == "common.network"
    assert collector.live_only
    assert collector.platforms == {"linux", "darwin", "win32"}


def test_desktop_listeners_are_named_after_their_process() -> None:
    result = COLLECTOR.collect(live_host(load_snapshot("desktop")))
    assert result.status == Status.OK
    assert result.errors == []
    assert result.reason == ""
    assert result.checked == 8
    assert listeners(result.entries) == [
        ("systemd-resolved", 53, "127.0.0.53", "tcp"),
        ("systemd-resolved", 53, "127.0.0.53", "udp"),
        ("cupsd", 631, "127.0.0.1", "tcp"),
        ("cupsd", 631, "::1", "tcp6"),
        ("avahi-daemon", 5353, ANY, "udp"),
        ("avahi-daemon", 5353, "::", "udp6"),
    ]
    first = result.entries[0]
    assert first.collector == "common.network"
    assert first.location == "socket"
    assert first.pid == 612
    assert first.remote is None


def test_connections_carry_the_remote_end() -> None:
    result = COLLECTOR.collect(live_host(load_snapshot("desktop")))
    connections = [e for e in result.entries if e.kind == "connection"]
    assert [(e.name, e.pid, e.port, e.remote) for e in connections] == [
        ("firefox", 2210, 50412, "34.107.243.93:443"),
        ("Isolated Web Co", 2301, 48122, "[2a00:1450:4007:80a::200e]:443"),
    ]
    assert connections[1].detail("address") == "2a01:e0a:1f2:4c60::5"


def test_x11vnc_listening_on_5900_with_a_viewer_connected() -> None:
    result = COLLECTOR.collect(live_host(load_snapshot("vnc_keylogger")))
    vnc = [e for e in result.entries if e.port == 5900]
    assert [(e.kind, e.name, e.detail("address"), e.remote) for e in vnc] == [
        ("listener", "x11vnc", ANY, None),
        ("listener", "x11vnc", "::", None),
        ("connection", "x11vnc", "192.168.1.20", "192.168.1.57:51514"),
    ]
    assert all(e.pid == 3110 for e in vnc)


def test_incomplete_list_is_partial_and_says_why() -> None:
    result = COLLECTOR.collect(live_host(load_snapshot("access_denied")))
    assert result.status == Status.OK
    assert result.reason == PARTIAL_REASON
    assert [(e.path, e.problem) for e in result.errors] == [("sockets", ReadProblem.PERMISSION)]
    assert len(result.entries) == 3
    assert {e.name for e in result.entries} == {"rapportd"}


def test_nothing_readable_needs_admin() -> None:
    source = RecordedProcessSource([ProcessInfo(pid=1, name="launchd")], [], complete=False)
    result = COLLECTOR.collect(live_host(source))
    assert result.status == Status.NEEDS_ADMIN
    assert result.entries == []
    assert [e.path for e in result.errors] == ["sockets"]


def test_complete_and_empty_is_fine() -> None:
    result = COLLECTOR.collect(live_host(RecordedProcessSource([], [], complete=True)))
    assert result.status == Status.OK
    assert result.entries == []
    assert result.errors == []


def test_process_names_are_looked_up_once() -> None:
    source = load_snapshot("desktop")
    COLLECTOR.collect(live_host(source))
    assert source.process_calls == 1
    assert source.socket_calls == 1


def test_no_process_walk_when_no_socket_has_a_pid() -> None:
    sockets = [SocketInfo("listen", "tcp", ANY, 22)]
    source = RecordedProcessSource([ProcessInfo(pid=1, name="init")], sockets)
    result = COLLECTOR.collect(live_host(source))
    assert source.process_calls == 0
    assert [(e.name, e.pid, e.port) for e in result.entries] == [("", None, 22)]


def test_unknown_pid_gives_an_empty_name() -> None:
    sockets = [SocketInfo("listen", "tcp", ANY, 4444, pid=999)]
    source = RecordedProcessSource([ProcessInfo(pid=1, name="init")], sockets)
    (entry,) = COLLECTOR.collect(live_host(source)).entries
    assert (entry.name, entry.pid, entry.port) == ("", 999, 4444)


def test_the_same_socket_seen_twice_is_one_entry() -> None:
    listen = SocketInfo("listen", "tcp", ANY, 80, pid=10)
    other_worker = SocketInfo("listen", "tcp", ANY, 80, pid=11)
    source = RecordedProcessSource(
        [ProcessInfo(pid=10, name="nginx"), ProcessInfo(pid=11, name="nginx")],
        [listen, listen, other_worker],
    )
    result = COLLECTOR.collect(live_host(source))
    assert [(e.name, e.pid) for e in result.entries] == [("nginx", 10), ("nginx", 11)]
    assert result.checked == 3


def test_odd_sockets_are_skipped() -> None:
    sockets = [
        SocketInfo("connection", "tcp", "10.0.0.2", 5000),  # no remote end
        SocketInfo("time-wait", "tcp", "10.0.0.2", 5001, "10.0.0.3", 80),
        SocketInfo("listen", "tcp", ANY, 22, pid=1),
    ]
    source = RecordedProcessSource([ProcessInfo(pid=1, name="sshd")], sockets)
    result = COLLECTOR.collect(live_host(source))
    assert [(e.kind, e.name, e.port) for e in result.entries] == [("listener", "sshd", 22)]


class BrokenSockets:
    def __init__(self, processes_fail: bool) -> None:
        self.processes_fail = processes_fail

    def processes(self) -> list[ProcessInfo]:
        if self.processes_fail:
            raise RuntimeError("gone")
        return [ProcessInfo(pid=5, name="sshd")]

    def sockets(self) -> tuple[list[SocketInfo], bool]:
        if not self.processes_fail:
            raise OSError("netlink said no")
        return [SocketInfo("listen", "tcp", ANY, 22, pid=5)], True


def test_failing_sockets_are_reported_not_raised() -> None:
    result = COLLECTOR.collect(live_host(BrokenSockets(processes_fail=False)))
    assert result.status == Status.FAILED
    assert "netlink said no" in result.reason


def test_failing_process_list_only_loses_the_names() -> None:
    result = COLLECTOR.collect(live_host(BrokenSockets(processes_fail=True)))
    assert result.status == Status.OK
    assert [(e.name, e.pid, e.port) for e in result.entries] == [("", 5, 22)]


def test_no_live_processes_is_not_applicable() -> None:
    result = COLLECTOR.collect(Host(platform="darwin", root=Path("/nonexistent-root")))
    assert result.status == Status.NOT_APPLICABLE


def test_endpoint() -> None:
    assert endpoint("192.168.1.57", 51514) == "192.168.1.57:51514"
    assert endpoint("::1", 631) == "[::1]:631"
    assert endpoint("10.0.0.1", None) == "10.0.0.1"

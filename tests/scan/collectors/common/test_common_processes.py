"""common.processes: one entry per process, from recorded snapshots."""

from __future__ import annotations

from pathlib import Path

import pytest
from recorded import RecordedProcessSource, load_snapshot

from safecheck.core.entries import Entry
from safecheck.scan.collectors.base import Collector, Status
from safecheck.scan.collectors.common.processes import COLLECTOR, ProcessesCollector, iso_time
from safecheck.scan.collectors.host import Host, ProcessInfo, ReadProblem, SocketInfo


def live_host(source: RecordedProcessSource) -> Host:
    return Host(
        platform=source.platform, root=Path("/nonexistent-root"), live=True, processes=source
    )


def by_pid(entries: list[Entry]) -> dict[int, Entry]:
    return {e.pid: e for e in entries if e.pid is not None}


def test_is_a_live_only_collector_for_every_platform() -> None:
    collector: Collector = COLLECTOR
    assert collector.id == "common.processes"
    assert collector.live_only
    assert collector.platforms == {"linux", "darwin", "win32"}


def test_desktop_gives_one_entry_per_process() -> None:
    source = load_snapshot("desktop")
    result = COLLECTOR.collect(live_host(source))
    assert result.status == Status.OK
    assert result.errors == []
    assert result.checked == len(source.processes()) == len(result.entries) == 11
    entries = by_pid(result.entries)
    firefox = entries[2210]
    assert firefox.collector == "common.processes"
    assert firefox.kind == "process"
    assert firefox.location == "process"
    assert firefox.name == "firefox"
    assert firefox.program == "/usr/lib/firefox/firefox"
    assert firefox.command == "/usr/lib/firefox/firefox"
    assert firefox.user == "alex"
    assert firefox.details == (("started", "2025-11-27T07:10:10+00:00"),)
    content = entries[2301]
    assert content.command is not None
    assert content.command.startswith("/usr/lib/firefox/firefox -contentproc -childID 1")


def test_kernel_thread_has_no_program_and_no_command() -> None:
    entries = by_pid(COLLECTOR.collect(live_host(load_snapshot("desktop"))).entries)
    kthreadd = entries[2]
    assert kthreadd.name == "kthreadd"
    assert kthreadd.program is None
    assert kthreadd.command is None
    assert kthreadd.detail("access-denied") is None


def test_each_open_input_device_is_a_detail() -> None:
    entries = by_pid(COLLECTOR.collect(live_host(load_snapshot("desktop"))).entries)
    shell = entries[1650]
    assert [v for k, v in shell.details if k == "input-device"] == [
        "/dev/input/event2",
        "/dev/input/event3",
        "/dev/input/event4",
    ]


def test_keylogger_reading_the_keyboard_device() -> None:
    result = COLLECTOR.collect(live_host(load_snapshot("vnc_keylogger")))
    entries = by_pid(result.entries)
    keylogger = entries[3377]
    assert keylogger.program == "/home/alex/.local/share/.kbd/kbd-helper"
    assert keylogger.user == "root"
    assert keylogger.detail("input-device") == "/dev/input/event3"
    vnc = entries[3110]
    assert vnc.name == "x11vnc"
    assert vnc.command is not None
    assert "-rfbport 5900" in vnc.command
    assert vnc.detail("input-device") is None


def test_deleted_programs_and_preloaded_library() -> None:
    entries = by_pid(COLLECTOR.collect(live_host(load_snapshot("deleted_exe"))).entries)
    assert entries[4021].detail("exe-deleted") == "yes"
    assert entries[4021].program == "/tmp/.X11-unix/.u/updater"
    assert entries[4100].detail("exe-deleted") == "yes"
    assert entries[4100].program == "/memfd:x"
    assert entries[2210].detail("exe-deleted") == "yes"
    assert entries[1].detail("exe-deleted") is None
    assert entries[3500].detail("ld-preload") == "/home/alex/.cache/.l/libhook.so"
    assert entries[4021].detail("ld-preload") is None


def test_details_come_in_a_stable_order() -> None:
    process = ProcessInfo(
        pid=7,
        name="x",
        started=0.0,
        exe_deleted=True,
        open_paths=("/dev/input/event1",),
        ld_preload="/tmp/l.so",
        access_denied=True,
    )
    source = RecordedProcessSource([process])
    (entry,) = COLLECTOR.collect(live_host(source)).entries
    assert [k for k, _ in entry.details] == [
        "started",
        "exe-deleted",
        "input-device",
        "ld-preload",
        "access-denied",
    ]
    assert entry.detail("started") == "1970-01-01T00:00:00+00:00"


def test_access_denied_fields_make_the_result_partial() -> None:
    result = COLLECTOR.collect(live_host(load_snapshot("access_denied")))
    assert result.status == Status.OK
    assert result.reason.startswith("partial: 3 of 6 processes")
    assert [(e.path, e.problem) for e in result.errors] == [("processes", ReadProblem.PERMISSION)]
    entries = by_pid(result.entries)
    launchd = entries[1]
    assert launchd.name == "launchd"
    assert launchd.user == "root"
    assert launchd.program is None
    assert launchd.detail("access-denied") == "yes"
    assert entries[512].detail("access-denied") is None
    assert entries[512].program is not None


def test_empty_fields_are_tolerated() -> None:
    sparse = ProcessInfo(pid=9, name="", exe=None, user=None, started=None, ld_preload=None)
    nameless = ProcessInfo(pid=10, name="", exe="/opt/tool/bin/agent")
    broken = ProcessInfo(
        pid=11,
        name=None,  # type: ignore[arg-type]  # what a sloppy source could hand over
        cmdline=None,  # type: ignore[arg-type]
        open_paths=None,  # type: ignore[arg-type]
        started=float("nan"),
    )
    far = ProcessInfo(pid=12, name="far", started=1e20)
    source = RecordedProcessSource([sparse, nameless, broken, far])
    result = COLLECTOR.collect(live_host(source))
    assert result.status == Status.OK
    entries = by_pid(result.entries)
    assert set(entries) == {9, 10, 11, 12}
    assert entries[9] == Entry(
        collector="common.processes", kind="process", location="process", name="", pid=9
    )
    assert entries[10].name == "agent"
    assert entries[11].name == ""
    assert entries[11].command is None
    assert entries[11].details == ()
    assert entries[12].details == ()


def test_iso_time() -> None:
    assert iso_time(1700000000.0) == "2023-11-14T22:13:20+00:00"
    assert iso_time(None) is None
    assert iso_time(1e300) is None
    assert iso_time(float("inf")) is None


def test_no_live_processes_is_not_applicable() -> None:
    host = Host(platform="linux", root=Path("/nonexistent-root"))
    result = ProcessesCollector().collect(host)
    assert result.status == Status.NOT_APPLICABLE
    assert result.entries == []
    assert result.reason


class FailingSource:
    def processes(self) -> list[ProcessInfo]:
        raise RuntimeError("process table unreadable")

    def sockets(self) -> tuple[list[SocketInfo], bool]:
        raise RuntimeError("no sockets")


def test_a_failing_source_is_reported_not_raised() -> None:
    host = Host(
        platform="linux", root=Path("/nonexistent-root"), live=True, processes=FailingSource()
    )
    result = COLLECTOR.collect(host)
    assert result.status == Status.FAILED
    assert "process table unreadable" in result.reason


@pytest.mark.parametrize("name", ["desktop", "vnc_keylogger", "deleted_exe", "access_denied"])
def test_every_snapshot_loads_and_runs(name: str) -> None:
    source = load_snapshot(name)
    result = COLLECTOR.collect(live_host(source))
    assert len(result.entries) == len(source.processes()) > 0
    assert source.process_calls == 2  # once by the collector, once above

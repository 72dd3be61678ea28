"""collectors.live on this machine: real psutil, real /proc, real programs."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from recorded import from_snapshot, snapshot_of

from safecheck.core.runner import CANNOT_RUN, NOT_FOUND, POSIX_PATH, TIMED_OUT, SubprocessRunner
from safecheck.scan.collectors import live
from safecheck.scan.collectors.common.network import COLLECTOR as NETWORK
from safecheck.scan.collectors.common.processes import COLLECTOR as PROCESSES
from safecheck.scan.collectors.host import Host, ProcessInfo, ProcessSource, SocketInfo
from safecheck.scan.collectors.live import PsutilProcessSource, live_host, normalised_platform

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="uses POSIX programs")


def find(processes: list[ProcessInfo], pid: int) -> ProcessInfo:
    matches = [p for p in processes if p.pid == pid]
    assert len(matches) == 1, f"pid {pid}: {matches}"
    return matches[0]


@pytest.fixture
def sleeper_program(tmp_path: Path) -> Path:
    """A copy of sleep(1) that a test may run, rename or delete."""
    original = shutil.which("sleep")
    assert original is not None
    copy = tmp_path / "sleeper"
    shutil.copy(os.path.realpath(original), copy)
    copy.chmod(stat.S_IRWXU)
    return copy


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Programs a test starts; stopped and reaped afterwards (only these)."""
    children: list[subprocess.Popen[bytes]] = []
    yield children
    for child in children:
        if child.poll() is None:
            child.kill()
        child.wait()


# --- processes ---------------------------------------------------------------------------------


def test_own_process_with_its_program() -> None:
    mine = find(PsutilProcessSource().processes(), os.getpid())
    assert mine.exe is not None
    assert os.path.realpath(mine.exe) == os.path.realpath(sys.executable)
    assert mine.cmdline == tuple(psutil.Process().cmdline())
    assert mine.name
    assert mine.user
    assert mine.started is not None
    assert abs(mine.started - psutil.Process().create_time()) < 1
    assert not mine.exe_deleted
    assert not mine.access_denied


def test_every_process_has_a_pid_and_a_name() -> None:
    processes = PsutilProcessSource().processes()
    assert len(processes) > 1
    assert len({p.pid for p in processes}) == len(processes)
    assert all(isinstance(p.name, str) for p in processes)


@linux_only
def test_deleted_program_is_flagged(
    sleeper_program: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    child = subprocess.Popen([str(sleeper_program), "30"])
    started.append(child)
    wait_for_exe(child.pid, sleeper_program)
    sleeper_program.unlink()
    found = find(PsutilProcessSource().processes(), child.pid)
    assert found.exe_deleted
    assert found.exe == str(sleeper_program.resolve())


@linux_only
def test_program_named_like_a_deleted_one_is_not_deleted(
    sleeper_program: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    odd = sleeper_program.with_name("sleeper (deleted)")
    sleeper_program.rename(odd)
    child = subprocess.Popen([str(odd), "30"])
    started.append(child)
    wait_for_exe(child.pid, odd)
    found = find(PsutilProcessSource().processes(), child.pid)
    assert not found.exe_deleted
    assert found.exe == str(odd.resolve())


def wait_for_exe(pid: int, program: Path) -> None:
    """Until the child has really started `program` (after fork, before exec it is Python)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            if os.readlink(f"/proc/{pid}/exe").startswith(str(program.resolve())):
                return
        except OSError:
            pass
        time.sleep(0.01)
    pytest.fail(f"{program} did not start")


@linux_only
def test_ld_preload_is_read_from_the_environment(
    sleeper_program: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    env = {"PATH": POSIX_PATH, "LD_PRELOAD": "/nonexistent/libsafecheck-test.so"}
    child = subprocess.Popen(
        [str(sleeper_program), "30"], env=env, stderr=subprocess.DEVNULL
    )  # the loader warns that it cannot preload the library, then runs the program
    started.append(child)
    wait_for_exe(child.pid, sleeper_program)
    found = find(PsutilProcessSource().processes(), child.pid)
    assert found.ld_preload == "/nonexistent/libsafecheck-test.so"


@linux_only
def test_open_devices_are_read_from_the_descriptor_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # /dev/input cannot be relied on in a test machine: watch a folder of our own instead.
    watched = tmp_path.resolve()
    monkeypatch.setattr(live, "_INPUT_PREFIXES", (f"{watched}/",))
    (watched / "event3").write_bytes(b"")
    (watched / "event7").write_bytes(b"")
    with (
        open(watched / "event7", "rb"),
        open(watched / "event3", "rb"),
        open(watched / "event3", "rb"),
    ):
        mine = find(PsutilProcessSource().processes(), os.getpid())
    assert mine.open_paths == (f"{watched}/event3", f"{watched}/event7")
    assert find(PsutilProcessSource().processes(), os.getpid()).open_paths == ()


@posix_only
def test_processes_exiting_during_the_scan_never_raise(
    started: list[subprocess.Popen[bytes]],
) -> None:
    source = PsutilProcessSource()
    stop = threading.Event()
    spawned: list[subprocess.Popen[bytes]] = []

    def spawn() -> None:
        while not stop.is_set():
            spawned.append(subprocess.Popen(["sleep", "0.01"]))
            # reap only every other one: the rest stay zombies while the scans run
            if len(spawned) % 2 == 0:
                spawned[-2].wait()
            time.sleep(0.002)

    thread = threading.Thread(target=spawn)
    thread.start()
    try:
        for _ in range(20):
            found = source.processes()
            assert any(p.pid == os.getpid() for p in found)
    finally:
        stop.set()
        thread.join()
        started.extend(spawned)
    assert len(spawned) >= 10


def test_a_process_vanishing_inside_psutil_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeProcess:
        def __init__(self, pid: int, info: dict[str, Any]) -> None:
            self.pid = pid
            self.info = info

    denied = live._DENIED
    absent_pid = 2**31 - 2  # no such /proc entry: the /proc readers find nothing

    def process_iter(attrs: list[str], ad_value: object) -> Iterator[FakeProcess]:
        assert ad_value is denied
        assert set(attrs) >= {"name", "exe", "cmdline", "username", "create_time"}
        yield FakeProcess(absent_pid, {"name": "ok", "exe": "/usr/bin/ok", "status": "running"})
        yield FakeProcess(absent_pid - 1, {"name": "x", "exe": denied, "cmdline": denied})
        yield FakeProcess(absent_pid - 2, {"name": "z", "cmdline": denied, "status": "zombie"})
        raise psutil.NoSuchProcess(absent_pid - 3)

    monkeypatch.setattr(psutil, "process_iter", process_iter)
    found = PsutilProcessSource().processes()
    assert [(p.pid, p.name, p.access_denied) for p in found] == [
        (absent_pid, "ok", False),
        (absent_pid - 1, "x", True),
        (absent_pid - 2, "z", False),
    ]
    assert found[0].exe == "/usr/bin/ok"
    assert found[1].exe is None
    assert found[1].cmdline == ()


def test_deleted_suffix_from_psutil_is_understood(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeProcess:
        pid = 2**31 - 2
        info: dict[str, Any] = {"name": "upd", "exe": "/tmp/upd (deleted)"}  # noqa: RUF012

    monkeypatch.setattr(psutil, "process_iter", lambda **_: iter([FakeProcess()]))
    (found,) = PsutilProcessSource().processes()
    assert found.exe == "/tmp/upd"
    assert found.exe_deleted


@pytest.mark.skipif(
    sys.platform != "linux" or os.geteuid() != 0, reason="drops root rights in a child"
)
def test_without_admin_rights_fields_are_marked_denied() -> None:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: becomes nobody, scans, reports through the pipe, exits
        report: dict[str, Any] = {}
        try:
            listener.close()  # the root process keeps the socket; this one must not see it
            os.close(read_end)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            source = PsutilProcessSource()
            processes = source.processes()
            sockets, complete = source.sockets()
            parent = [p for p in processes if p.pid == os.getppid()]
            report["parent"] = [[p.access_denied, p.exe, p.ld_preload] for p in parent]
            report["complete"] = complete
            report["port_pid"] = [s.pid for s in sockets if s.local_port == port]
        except BaseException as exc:
            report["error"] = repr(exc)
        finally:
            os.write(write_end, json.dumps(report).encode())
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        report = json.loads(pipe.read() or b"{}")
    os.waitpid(pid, 0)
    listener.close()
    assert "error" not in report, report["error"]
    # psutil would guess the program from the command line; a guess is not given as a fact
    assert report["parent"] == [[True, None, None]]
    assert report["complete"] is False
    assert report["port_pid"] == [None]


# --- sockets -----------------------------------------------------------------------------------


def test_own_listening_socket_and_connection_are_seen() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)) as client:
            client_port = client.getsockname()[1]
            accepted, _ = server.accept()
            with accepted:
                sockets, complete = PsutilProcessSource().sockets()
    mine = [s for s in sockets if s.pid == os.getpid()]
    me = os.getpid()
    assert SocketInfo("listen", "tcp", "127.0.0.1", port, pid=me) in mine
    assert SocketInfo("connection", "tcp", "127.0.0.1", port, "127.0.0.1", client_port, me) in mine
    assert SocketInfo("connection", "tcp", "127.0.0.1", client_port, "127.0.0.1", port, me) in mine
    assert isinstance(complete, bool)


def test_unconnected_udp_socket_is_a_listener() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.1", 0))
        port = udp.getsockname()[1]
        sockets, _ = PsutilProcessSource().sockets()
    assert SocketInfo("listen", "udp", "127.0.0.1", port, pid=os.getpid()) in sockets


def test_network_collector_names_the_test_process() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        result = NETWORK.collect(live_host())
    ours = [e for e in result.entries if e.port == port and e.kind == "listener"]
    assert [(e.pid, e.detail("address")) for e in ours] == [(os.getpid(), "127.0.0.1")]
    assert ours[0].name == psutil.Process().name()


def test_without_the_right_to_list_all_sockets_own_ones_are_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(kind: str = "inet") -> list[Any]:
        raise psutil.AccessDenied()

    monkeypatch.setattr(psutil, "net_connections", refuse)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        sockets, complete = PsutilProcessSource().sockets()
    assert complete is False
    assert SocketInfo("listen", "tcp", "127.0.0.1", port, pid=os.getpid()) in sockets


def test_snapshot_round_trip_of_this_machine() -> None:
    source: ProcessSource = PsutilProcessSource()
    snapshot = json.loads(json.dumps(snapshot_of(source, "this machine")))
    replayed = from_snapshot(snapshot)
    assert {p.pid for p in replayed.processes()} >= {os.getpid()}
    result = PROCESSES.collect(live_host_with(replayed))
    assert any(e.pid == os.getpid() for e in result.entries)


def live_host_with(source: ProcessSource) -> Host:
    host = live_host()
    host.processes = source
    return host


# --- programs ----------------------------------------------------------------------------------


def fake_program(folder: Path, name: str, script: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    path.chmod(stat.S_IRWXU)
    return path


@posix_only
def test_runs_a_program_and_returns_its_output() -> None:
    code, out = SubprocessRunner().run(["echo", "hello", "world"])
    assert (code, out) == (0, "hello world\n")


@posix_only
def test_exit_code_is_passed_on(tmp_path: Path) -> None:
    fake_program(tmp_path, "fails", "echo partial; exit 3")
    runner = SubprocessRunner(search_path=f"{tmp_path}:{POSIX_PATH}")
    assert runner.run(["fails"]) == (3, "partial\n")


def test_missing_program_is_a_code_not_an_exception(tmp_path: Path) -> None:
    runner = SubprocessRunner()
    assert runner.run(["safecheck-no-such-program-here"]) == (NOT_FOUND, "")
    assert runner.run([str(tmp_path / "nothing")]) == (NOT_FOUND, "")
    assert runner.run([]) == (NOT_FOUND, "")


@posix_only
def test_unrunnable_file_is_a_code(tmp_path: Path) -> None:
    plain = tmp_path / "data.txt"
    plain.write_text("not a program\n", encoding="utf-8")
    assert SubprocessRunner().run([str(plain)]) == (CANNOT_RUN, "")


@posix_only
def test_timeout_stops_the_program_and_what_it_started(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild.pid"
    fake_program(tmp_path, "slow", f"sleep 30 & echo $! > {pid_file}; sleep 5")
    runner = SubprocessRunner(search_path=f"{tmp_path}:{POSIX_PATH}")
    begun = time.monotonic()
    assert runner.run(["sleep", "5"], timeout=0.2) == (TIMED_OUT, "")
    assert runner.run(["slow"], timeout=0.5) == (TIMED_OUT, "")
    assert time.monotonic() - begun < 3
    grandchild = int(pid_file.read_text(encoding="utf-8"))
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and alive(grandchild):
        time.sleep(0.02)
    assert not alive(grandchild)


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@posix_only
def test_non_utf8_output_is_kept_readable(tmp_path: Path) -> None:
    fake_program(tmp_path, "latin", r"printf 'caf\351 \377\376 ok\n'")
    runner = SubprocessRunner(search_path=f"{tmp_path}:{POSIX_PATH}")
    code, out = runner.run(["latin"])
    assert code == 0
    assert out == "caf\ufffd \ufffd\ufffd ok\n"


@posix_only
def test_no_input_c_locale_and_no_injected_libraries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LD_SAFECHECK_TEST", "1")
    monkeypatch.setenv("DYLD_SAFECHECK_TEST", "1")
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")
    fake_program(
        tmp_path,
        "show-env",
        'cat; echo "LC_ALL=$LC_ALL LANG=$LANG"; env | grep -c _SAFECHECK_TEST || true',
    )
    runner = SubprocessRunner(search_path=f"{tmp_path}:{POSIX_PATH}")
    assert runner.run(["show-env"], timeout=5) == (0, "LC_ALL=C LANG=C\n0\n")


@posix_only
def test_the_users_path_is_not_searched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_program(tmp_path, "uname", "echo planted")
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ.get('PATH', '')}")
    code, out = SubprocessRunner().run(["uname"])
    assert code == 0
    assert out.strip() != "planted"
    assert SubprocessRunner(search_path=str(tmp_path)).run(["uname"]) == (0, "planted\n")


# --- the live host -----------------------------------------------------------------------------


def test_live_host() -> None:
    host = live_host()
    assert host.live
    assert host.platform == normalised_platform()
    assert isinstance(host.processes, PsutilProcessSource)
    assert isinstance(host.runner, SubprocessRunner)
    if sys.platform != "win32":
        assert host.root == Path("/")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("linux", "linux"),
        ("linux2", "linux"),
        ("darwin", "darwin"),
        ("win32", "win32"),
        ("cygwin", "win32"),
        ("freebsd14", "freebsd14"),
    ],
)
def test_normalised_platform(raw: str, expected: str) -> None:
    assert normalised_platform(raw) == expected

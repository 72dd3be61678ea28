"""The live machine: its processes and sockets (psutil), and the live Host.

This is the only module that imports psutil (programs are run by `safecheck.core.runner`).
Everything here is read-only: it lists processes and sockets; it never signals, changes or stops
anything.

A process that exits while it is being read is normal, not an error: it is left out. A field that
needs administrator rights is left empty and the process is marked `access_denied`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import psutil

from safecheck.core.runner import SubprocessRunner
from safecheck.scan.collectors.host import Host, ProcessInfo, ProcessSource, SocketInfo

_ATTRS = ["pid", "name", "exe", "cmdline", "username", "create_time", "status"]
_DELETED = " (deleted)"
_INPUT_PREFIXES = ("/dev/input/",)  # open files of interest: keyboards, mice (keyloggers)
_MAX_ENVIRON = 1024 * 1024


class _Denied:
    """Marks a field psutil could not read (AccessDenied); distinct from a None value."""


_DENIED = _Denied()


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


class PsutilProcessSource:
    """Processes and sockets of the machine safecheck runs on, read with psutil and /proc."""

    def processes(self) -> list[ProcessInfo]:
        found: list[ProcessInfo] = []
        try:
            for proc in psutil.process_iter(attrs=_ATTRS, ad_value=_DENIED):
                info = self._one(proc)
                if info is not None:
                    found.append(info)
        except (psutil.Error, OSError):
            # The process table itself could not be walked any further (very unusual):
            # keep what was read rather than losing everything.
            pass
        return found

    def _one(self, proc: psutil.Process) -> ProcessInfo | None:
        try:
            raw: dict[str, Any] = getattr(proc, "info", {})
            pid = proc.pid
        except (psutil.Error, OSError):
            return None
        zombie = raw.get("status") == psutil.STATUS_ZOMBIE
        denied = not zombie and any(
            raw.get(key) is _DENIED for key in ("name", "exe", "cmdline", "username")
        )
        name = _text(raw.get("name")) or ""
        exe = _text(raw.get("exe")) or None
        cmdline_raw = raw.get("cmdline")
        cmdline: tuple[str, ...] = ()
        if isinstance(cmdline_raw, list):
            cmdline = tuple(str(part) for part in cmdline_raw)
        created = raw.get("create_time")
        started = float(created) if isinstance(created, int | float) else None
        exe_deleted = exe is not None and exe.endswith(_DELETED)
        if exe_deleted and exe is not None:
            exe = exe[: -len(_DELETED)]
        open_paths: tuple[str, ...] = ()
        ld_preload: str | None = None
        if sys.platform == "linux" and not zombie:
            link_exe, link_deleted, link_denied = _linux_exe(pid)
            if link_exe is not None:
                exe = link_exe
                exe_deleted = link_deleted
            elif link_denied:
                # psutil then guesses the program from the command line, which the process
                # itself can set to anything: a program path must be a checked one, or none.
                exe, exe_deleted = None, False
            open_paths, fd_denied = _linux_open_inputs(pid)
            ld_preload, env_denied = _linux_ld_preload(pid)
            denied = denied or link_denied or fd_denied or env_denied
        return ProcessInfo(
            pid=pid,
            name=name,
            exe=exe,
            cmdline=cmdline,
            user=_text(raw.get("username")),
            started=started,
            exe_deleted=exe_deleted,
            open_paths=open_paths,
            ld_preload=ld_preload,
            access_denied=denied,
        )

    def sockets(self) -> tuple[list[SocketInfo], bool]:
        try:
            connections = psutil.net_connections(kind="inet")
        except psutil.AccessDenied:
            return _per_process_sockets(), False
        except (psutil.Error, OSError):
            return [], False
        found = [s for s in (_socket_info(c) for c in connections) if s is not None]
        complete = True
        if sys.platform != "win32" and os.geteuid() != 0:
            # Linux lists every socket but, without root, not the processes of other users.
            complete = all(s.pid is not None for s in found)
        return found, complete


# --- Linux /proc readers -------------------------------------------------------------------


def _linux_exe(pid: int) -> tuple[str | None, bool, bool]:
    """(program path, deleted, access denied) from the /proc/PID/exe link."""
    if sys.platform != "linux":
        return None, False, False
    link = f"/proc/{pid}/exe"
    try:
        target = os.readlink(link).split("\x00")[0]
    except PermissionError:
        return None, False, True
    except OSError:  # a kernel thread (no program), or the process is gone
        return None, False, False
    if not target.endswith(_DELETED):
        return target, False, False
    # The kernel adds " (deleted)" to a program unlinked while it runs (also "/memfd:x (deleted)"
    # for a program run from memory). A file really named "x (deleted)" is not deleted: compare
    # the running file with the one at that path, as the process sees its own file system.
    try:
        running = os.stat(link)
        named = os.stat(f"/proc/{pid}/root{target}")
    except OSError:
        return target[: -len(_DELETED)], True, False
    if (running.st_dev, running.st_ino) == (named.st_dev, named.st_ino):
        return target, False, False
    return target[: -len(_DELETED)], True, False


def _linux_open_inputs(pid: int) -> tuple[tuple[str, ...], bool]:
    """(open input devices such as /dev/input/event3, access denied) from /proc/PID/fd."""
    if sys.platform != "linux":
        return (), False
    folder = f"/proc/{pid}/fd"
    try:
        fds = os.listdir(folder)
    except PermissionError:
        return (), True
    except OSError:
        return (), False
    found: list[str] = []
    for fd in fds:
        try:
            target = os.readlink(f"{folder}/{fd}")
        except OSError:  # closed in between, or the process is gone
            continue
        if target.startswith(_INPUT_PREFIXES) and target not in found:
            found.append(target)
    return tuple(sorted(found)), False


def _linux_ld_preload(pid: int) -> tuple[str | None, bool]:
    """(LD_PRELOAD as the process started with it, access denied) from /proc/PID/environ."""
    if sys.platform != "linux":
        return None, False
    try:
        with open(f"/proc/{pid}/environ", "rb") as handle:
            data = handle.read(_MAX_ENVIRON)
    except PermissionError:
        return None, True
    except OSError:
        return None, False
    for item in data.split(b"\x00"):
        if item.startswith(b"LD_PRELOAD="):
            return item[len(b"LD_PRELOAD=") :].decode("utf-8", errors="backslashreplace"), False
    return None, False


# --- sockets -------------------------------------------------------------------------------


def _protocol(family: object, kind: object) -> str | None:
    """The protocol name (tcp, udp, tcp6, udp6) from psutil's family and type enums."""
    base = {"SOCK_STREAM": "tcp", "SOCK_DGRAM": "udp"}.get(getattr(kind, "name", ""))
    family_name = getattr(family, "name", "")
    if base is None or family_name not in ("AF_INET", "AF_INET6"):
        return None
    return base + "6" if family_name == "AF_INET6" else base


def _socket_info(conn: Any, pid: int | None = None) -> SocketInfo | None:
    """A listening socket or an established connection; None for anything else."""
    try:
        protocol = _protocol(conn.family, conn.type)
        laddr, raddr, status = conn.laddr, conn.raddr, conn.status
        owner = getattr(conn, "pid", None)
    except (AttributeError, TypeError, ValueError):
        return None
    if protocol is None or not laddr:
        return None
    owner = owner if isinstance(owner, int) else pid
    local_ip, local_port = str(laddr[0]), int(laddr[1])
    if protocol.startswith("tcp"):
        if status == psutil.CONN_LISTEN:
            return SocketInfo("listen", protocol, local_ip, local_port, pid=owner)
        if status != psutil.CONN_ESTABLISHED or not raddr:
            return None
    elif not raddr:  # an unconnected UDP socket receives from anyone: it listens
        return SocketInfo("listen", protocol, local_ip, local_port, pid=owner)
    return SocketInfo(
        "connection", protocol, local_ip, local_port, str(raddr[0]), int(raddr[1]), owner
    )


def _per_process_sockets() -> list[SocketInfo]:
    """Without the right to list all sockets (macOS without root): those of allowed processes."""
    found: list[SocketInfo] = []
    try:
        procs = list(psutil.process_iter())
    except (psutil.Error, OSError):
        return found
    for proc in procs:
        try:
            connections = proc.net_connections(kind="inet")
        except (psutil.Error, OSError):
            continue
        for conn in connections:
            info = _socket_info(conn, proc.pid)
            if info is not None:
                found.append(info)
    return found


# --- the live host -------------------------------------------------------------------------


def normalised_platform(name: str | None = None) -> str:
    """The platform name collectors use: linux, darwin or win32 (others are kept as they are)."""
    name = sys.platform if name is None else name
    if name.startswith("linux"):
        return "linux"
    if name.startswith("darwin"):
        return "darwin"
    if name in ("win32", "cygwin", "msys"):
        return "win32"
    return name


def _system_root() -> Path:
    if sys.platform == "win32":
        drive = os.environ.get("SYSTEMDRIVE", "C:")
        return Path(drive + "\\")
    return Path("/")


def live_host() -> Host:
    """The machine safecheck runs on."""
    source: ProcessSource = PsutilProcessSource()
    return Host(
        platform=normalised_platform(),
        root=_system_root(),
        live=True,
        processes=source,
        runner=SubprocessRunner(),
    )

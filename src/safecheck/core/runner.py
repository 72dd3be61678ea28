"""Running read-only query programs (dpkg-query, systemctl, adb...): the only code that starts
programs. No shell, no input, a time limit, the C locale, programs from the system folders only.

Used by the live scan (through its Host) and by the phone check (adb). Exit codes follow the
shell: 127 not found, 126 could not start, 124 timed out.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from typing import IO, Protocol


class CommandRunner(Protocol):
    """Runs a read-only program (dpkg-query, systemctl...) with a timeout; live only."""

    def run(self, argv: list[str], timeout: float = 10.0) -> tuple[int, str]: ...


NOT_FOUND = 127  # like a shell: the program is not there
CANNOT_RUN = 126  # there, but it could not be started
TIMED_OUT = 124  # like timeout(1)
OUTPUT_CUT = 125  # the program wrote more than MAX_OUTPUT: stopped, its output cut there
# What a program on an inspected device (a phone's `dumpsys`) may write before it is stopped:
# its size must never set our memory. Real outputs are a few megabytes at most.
MAX_OUTPUT = 64 * 1024 * 1024

# Programs are looked up in the system folders only, not in the user's PATH: a folder an
# abuser added to it (~/bin) must not be able to stand in for dpkg-query or systemctl.
POSIX_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Variables that would make every program we run load someone else's code.
_UNSAFE_ENV_PREFIXES = ("LD_", "DYLD_")


class SubprocessRunner:
    """Runs read-only query programs: no shell, no input, a time limit, the C locale."""

    def __init__(self, search_path: str | None = None) -> None:
        if search_path is None:
            search_path = os.environ.get("PATH", "") if sys.platform == "win32" else POSIX_PATH
        self.search_path = search_path

    def _environment(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.upper().startswith(_UNSAFE_ENV_PREFIXES)
        }
        env["PATH"] = self.search_path
        env["LC_ALL"] = "C"
        env["LANG"] = "C"
        return env

    def run(self, argv: list[str], timeout: float = 10.0) -> tuple[int, str]:
        if not argv:
            return NOT_FOUND, ""
        env = self._environment()
        program = argv[0]
        if os.sep not in program and (os.altsep is None or os.altsep not in program):
            located = shutil.which(program, path=self.search_path)
            if located is None:
                return NOT_FOUND, ""
            program = located
        try:
            child = subprocess.Popen(
                [program, *argv[1:]],
                shell=False,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
                start_new_session=sys.platform != "win32",
            )
        except FileNotFoundError:
            return NOT_FOUND, ""
        except (OSError, ValueError):
            return CANNOT_RUN, ""
        reader = _CappedReader(child.stdout, MAX_OUTPUT)
        deadline = time.monotonic() + timeout
        try:
            reader.start()
            reader.join(timeout)
            if reader.full:  # more than we will ever read: stop the program there
                _stop(child)
                return OUTPUT_CUT, reader.text()
            if reader.is_alive():
                _stop(child)
                return TIMED_OUT, ""
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:  # it closed its output but did not end
            _stop(child)
            return TIMED_OUT, ""
        except BaseException:
            _stop(child)
            raise
        finally:
            reader.close()
        return child.returncode, reader.text()


class _CappedReader(threading.Thread):
    """Reads a program's output until its end or `cap` bytes, whichever comes first."""

    def __init__(self, stream: IO[bytes] | None, cap: int) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.cap = cap
        self.data = bytearray()
        self.full = False

    def run(self) -> None:
        if self.stream is None:
            return
        try:
            while len(self.data) < self.cap:
                # os.read: whatever the pipe holds now, without waiting to fill a buffer
                chunk = os.read(self.stream.fileno(), min(1 << 20, self.cap - len(self.data)))
                if not chunk:
                    return
                self.data += chunk
            self.full = True
        except (OSError, ValueError):  # the pipe closed under us: what was read stays
            return

    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")

    def close(self) -> None:
        """Close the pipe once nothing reads it any more (the program was stopped, or ended);
        if something it started still holds the pipe open, leave it rather than race."""
        self.join(5)
        if self.stream is not None and not self.is_alive():
            self.stream.close()


def _stop(child: subprocess.Popen[bytes]) -> None:
    """Stops a program this runner started (and what it started), then reaps it."""
    try:
        if sys.platform != "win32":
            os.killpg(child.pid, signal.SIGKILL)
        else:
            child.kill()
    except OSError:
        pass
    with contextlib.suppress(subprocess.TimeoutExpired):
        child.wait(timeout=5)
    if child.stdout is not None:
        child.stdout.close()

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
from typing import Protocol


class CommandRunner(Protocol):
    """Runs a read-only program (dpkg-query, systemctl...) with a timeout; live only."""

    def run(self, argv: list[str], timeout: float = 10.0) -> tuple[int, str]: ...


NOT_FOUND = 127  # like a shell: the program is not there
CANNOT_RUN = 126  # there, but it could not be started
TIMED_OUT = 124  # like timeout(1)

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
        try:
            out, _ = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(child)
            return TIMED_OUT, ""
        except BaseException:
            _stop(child)
            raise
        return child.returncode, out.decode("utf-8", errors="replace")


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

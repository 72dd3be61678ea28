"""The `adb` program, restricted to reading: a fixed allow-list of shell commands, time limits,
and clear errors when adb is missing or does not answer.

`adb -s SERIAL shell A B C` joins its arguments with spaces and runs them with the phone's
shell, so every argument is checked against the allow-list (exact words, or a package name that
matches a strict pattern) before anything runs: nothing can be smuggled in with `;` or `$(...)`.

Short reads (properties, settings, the clock, `which su`) go to the phone as one batch: the
first time `Adb.shell` is asked one of them, it asks them all in one `adb shell` whose
allow-listed commands are separated by marker lines (`batch_script`), and answers the others
from that batch. The marker is random for every batch, so a value written on the phone before
the check cannot forge one and move the output of one command into another's.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from safecheck.core.runner import CANNOT_RUN, NOT_FOUND, TIMED_OUT, CommandRunner
from safecheck.phone.android.parsers import Device, parse_devices

DEFAULT_TIMEOUT = 30.0

LAUNCHER_QUERY = (
    "cmd",
    "package",
    "query-activities",
    "-a",
    "android.intent.action.MAIN",
    "-c",
    "android.intent.category.LAUNCHER",
)
PACKAGES_FULL = ("pm", "list", "packages", "-f", "-i", "-U", "--show-versioncode")
PACKAGES_THIRD_PARTY = ("pm", "list", "packages", "-3")
SECURE_SETTINGS = (
    "enabled_accessibility_services",
    "enabled_notification_listeners",
    "install_non_market_apps",
)
GLOBAL_SETTINGS = (
    "development_settings_enabled",
    "adb_enabled",
    "package_verifier_enable",
    "package_verifier_user_consent",
    "verifier_verify_adb_installs",
)
PROPERTIES = (
    "ro.product.model",
    "ro.product.manufacturer",
    "ro.build.version.release",
    "ro.build.version.security_patch",
    "ro.debuggable",
    "ro.secure",
    "ro.build.tags",
)

# The short reads `Adb.shell` asks in one batch (see the module's docstring): with the lists
# and dumps asked alone, the whole phone check is 8 adb calls (and `adb devices` before it).
BATCHED: tuple[tuple[str, ...], ...] = (
    *(("getprop", name) for name in PROPERTIES),
    ("date", "+%s"),
    *(("settings", "get", "secure", name) for name in SECURE_SETTINGS),
    *(("settings", "get", "global", name) for name in GLOBAL_SETTINGS),
    ("which", "su"),
)

ALLOWED: frozenset[tuple[str, ...]] = frozenset(
    {
        PACKAGES_FULL,
        PACKAGES_THIRD_PARTY,
        ("dumpsys", "package", "packages"),
        LAUNCHER_QUERY,
        ("dumpsys", "device_policy"),
        ("dumpsys", "appops"),
        ("dumpsys", "account"),
        ("date", "+%s"),
        ("which", "su"),
        *(("settings", "get", "secure", name) for name in SECURE_SETTINGS),
        *(("settings", "get", "global", name) for name in GLOBAL_SETTINGS),
        *(("getprop", name) for name in PROPERTIES),
    }
)
# An Android application id: letters, digits and underscores, in at least two dot-parts.
PACKAGE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+")
MAX_PACKAGE_NAME = 255
# Android's package-name grammar: segments of letters, digits and _, each starting with a
# letter (the framework itself is the one-segment "android").
VALID_PACKAGE = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*")


class NotAllowedError(ValueError):
    """A command outside the read-only allow-list: refused before anything runs."""


class AdbError(Exception):
    """adb could not be used; `key` is an i18n key for the person, `values` its placeholders."""

    def __init__(self, key: str, **values: str) -> None:
        self.key = key
        self.values = values
        super().__init__(key + (" " + repr(values) if values else ""))


class AdbMissingError(AdbError):
    def __init__(self) -> None:
        super().__init__("phone.error.adb_missing")


class AdbTimeoutError(AdbError):
    def __init__(self, command: str, seconds: float) -> None:
        super().__init__("phone.error.timeout", command=command, seconds=f"{seconds:g}")


def is_allowed(args: tuple[str, ...]) -> bool:
    """Whether `adb shell ARGS` is one of the read-only commands safecheck may run."""
    if args in ALLOWED:
        return True
    return (
        len(args) == 3
        and args[:2] == ("dumpsys", "package")
        and len(args[2]) <= MAX_PACKAGE_NAME
        and PACKAGE_NAME.fullmatch(args[2]) is not None
    )


def valid_package(name: str) -> bool:
    """Whether a name the phone gave is one Android allows; anything else was tampered with."""
    return len(name) <= MAX_PACKAGE_NAME and VALID_PACKAGE.fullmatch(name) is not None


def check_again(package: str) -> str:
    """The command to look at one app again, only ever with a valid package name."""
    if not valid_package(package):
        return "(no command: the phone gave a package name that Android does not allow)"
    return f"adb shell dumpsys package {package}"


def shown(args: tuple[str, ...]) -> str:
    """The command as a person would type it to check the result again."""
    return "adb shell " + " ".join(args)


# --- batches ---------------------------------------------------------------------------------

MAX_BATCH = 32  # commands in one batch
BATCH_MARKER = re.compile(r"[0-9a-f]{32}")
_BATCH_PARTS = 5  # shell statements per command in a batch script
_MAX_CODE_DIGITS = 3


def new_marker() -> str:
    """A marker no value on the phone can contain: 128 random bits, new for every batch."""
    return secrets.token_hex(16)


def batch_script(marker: str, commands: Sequence[tuple[str, ...]]) -> str:
    """One shell line that runs each command between marker lines: its output, then an empty
    line (so a last line without a newline still ends), then its exit status."""
    parts: list[str] = []
    for number, args in enumerate(commands):
        parts += [
            f"echo {marker}:{number}:begin",
            " ".join(args),
            "r=$?",
            "echo",
            f"echo {marker}:{number}:end:$r",
        ]
    return "; ".join(parts)


def batch_commands(script: str) -> list[tuple[str, ...]] | None:
    """The commands of a script `batch_script` wrote, when it is exactly that and every command
    is allowed; None otherwise (what `Adb.batch` checks before it runs, and tests after)."""
    parts = script.split("; ")
    if not parts or len(parts) % _BATCH_PARTS or len(parts) // _BATCH_PARTS > MAX_BATCH:
        return None
    marker = parts[0].removeprefix("echo ").partition(":")[0]
    if BATCH_MARKER.fullmatch(marker) is None:
        return None
    commands: list[tuple[str, ...]] = []
    for number in range(len(parts) // _BATCH_PARTS):
        first = number * _BATCH_PARTS
        begin, command, status, blank, end = parts[first : first + _BATCH_PARTS]
        args = tuple(command.split(" "))
        expected = (
            f"echo {marker}:{number}:begin",
            "r=$?",
            "echo",
            f"echo {marker}:{number}:end:$r",
        )
        if (begin, status, blank, end) != expected or not is_allowed(args):
            return None
        commands.append(args)
    return commands


def split_batch(text: str, marker: str, count: int) -> list[tuple[int, str] | None]:
    """(exit status, output) of each command of a batch, from the output of its script; None
    for a command whose markers are missing (the batch was cut short, or the shell failed)."""
    sections: list[tuple[int, str] | None] = []
    at = 0
    for number in range(count):
        begin = f"{marker}:{number}:begin\n"
        start = text.find(begin, at)
        while start > 0 and text[start - 1] != "\n":  # a marker starts its own line
            start = text.find(begin, start + 1)
        end_tag = f"\n{marker}:{number}:end:"
        end = -1 if start < 0 else text.find(end_tag, start + len(begin))
        if end < 0:
            sections.append(None)
            continue
        line_end = text.find("\n", end + len(end_tag))
        status = text[end + len(end_tag) : line_end if line_end >= 0 else len(text)]
        if not status.isdigit() or len(status) > _MAX_CODE_DIGITS:
            sections.append(None)
            continue
        # the output is what lies between the two markers, less the newline `echo` added
        sections.append((int(status), text[start + len(begin) : end]))
        at = end + len(end_tag)
    return sections


@dataclass(frozen=True)
class ShellResult:
    code: int
    text: str
    command: str  # as shown in evidence: "adb shell dumpsys appops"


class Adb:
    """Read-only access to phones through `adb`, over a CommandRunner (SubprocessRunner live)."""

    def __init__(
        self,
        runner: CommandRunner,
        timeout: float = DEFAULT_TIMEOUT,
        batch: tuple[tuple[str, ...], ...] = BATCHED,
    ) -> None:
        self.runner = runner
        self.timeout = timeout
        self.batched = batch  # asked together on first use of any of them; () for never
        self._answered: dict[tuple[str, ...], ShellResult] = {}  # (serial, *args) -> result
        self._batches: set[str] = set()  # serials whose batch was asked
        self.hung: str | None = None  # the first command that did not answer
        self.calls: list[list[str]] = []  # every command run, for tests and the record
        # Once adb has answered, exit code 127 comes from the phone (a command it lacks), not
        # from a missing adb on this computer.
        self.answered = False

    def _run(self, argv: list[str], shown_as: str) -> tuple[int, str]:
        if self.hung is not None:  # one hang is enough: do not wait again for every command
            raise AdbTimeoutError(self.hung, self.timeout)
        self.calls.append(argv)
        code, text = self.runner.run(argv, timeout=self.timeout)
        if code == NOT_FOUND and not self.answered:
            raise AdbMissingError()
        if code == CANNOT_RUN:
            raise AdbError("phone.error.adb_cannot_run")
        if code == TIMED_OUT:
            self.hung = shown_as
            raise AdbTimeoutError(shown_as, self.timeout)
        self.answered = True
        return code, text

    def devices(self) -> list[Device]:
        """The phones adb sees, in every state (device, unauthorized, offline, no permissions)."""
        code, text = self._run(["adb", "devices", "-l"], "adb devices -l")
        if code != 0 and not text.strip():
            raise AdbError("phone.error.adb_failed", command="adb devices -l", code=str(code))
        return parse_devices(text)

    def shell(self, serial: str, *args: str) -> ShellResult:
        """Runs one allow-listed, read-only command on the phone. Anything else is refused."""
        if not is_allowed(args):
            raise NotAllowedError(f"not a read-only command safecheck may run: {args!r}")
        _check_serial(serial)
        if args in self.batched and serial not in self._batches:
            self._batches.add(serial)  # once: a batch that failed is not asked again
            for asked, result in zip(self.batched, self.batch(serial, self.batched), strict=True):
                if result is not None:
                    self._answered[(serial, *asked)] = result
        found = self._answered.pop((serial, *args), None)
        if found is not None:  # answered by the batch (a command the batch did not reach
            return found  # is asked alone below, and says for itself what went wrong)
        command = shown(args)
        code, text = self._run(["adb", "-s", serial, "shell", *args], command)
        return ShellResult(code, text, command)

    def batch(self, serial: str, commands: Sequence[tuple[str, ...]]) -> list[ShellResult | None]:
        """Runs allow-listed commands in one `adb shell` (see `batch_script`): each command's
        result, as `shell` would give it, or None when the batch did not get to it. When adb
        fails with no output (the phone is gone), every command has that failure."""
        commands = list(commands)
        for args in commands:
            if not is_allowed(args):
                raise NotAllowedError(f"not a read-only command safecheck may run: {args!r}")
        if not commands or len(commands) > MAX_BATCH:
            raise NotAllowedError(f"a batch of {len(commands)} commands")
        _check_serial(serial)
        marker = new_marker()
        script = batch_script(marker, commands)
        if batch_commands(script) != commands:  # nothing but what was asked, exactly
            raise NotAllowedError(f"not a batch safecheck may run: {script!r}")
        shown_as = f"{shown(commands[0])} … ({len(commands)} commands in one adb shell)"
        code, text = self._run(["adb", "-s", serial, "shell", script], shown_as)
        sections = split_batch(text, marker, len(commands))
        if code != 0 and not text.strip():  # the phone did not run it (gone, not authorised)
            return [ShellResult(code, "", shown(args)) for args in commands]
        return [
            None if section is None else ShellResult(section[0], section[1], shown(args))
            for args, section in zip(commands, sections, strict=True)
        ]


def _check_serial(serial: str) -> None:
    if not serial or serial.startswith("-") or any(c.isspace() for c in serial):
        raise NotAllowedError(f"not a device serial: {serial!r}")

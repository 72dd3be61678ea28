"""The `adb` program, restricted to reading: a fixed allow-list of shell commands, time limits,
and clear errors when adb is missing or does not answer.

`adb -s SERIAL shell A B C` joins its arguments with spaces and runs them with the phone's
shell, so every argument is checked against the allow-list (exact words, or a package name that
matches a strict pattern) before anything runs: nothing can be smuggled in with `;` or `$(...)`.
"""

from __future__ import annotations

import re
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


@dataclass(frozen=True)
class ShellResult:
    code: int
    text: str
    command: str  # as shown in evidence: "adb shell dumpsys appops"


class Adb:
    """Read-only access to phones through `adb`, over a CommandRunner (SubprocessRunner live)."""

    def __init__(self, runner: CommandRunner, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.runner = runner
        self.timeout = timeout
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
        if not serial or serial.startswith("-") or any(c.isspace() for c in serial):
            raise NotAllowedError(f"not a device serial: {serial!r}")
        command = shown(args)
        code, text = self._run(["adb", "-s", serial, "shell", *args], command)
        return ShellResult(code, text, command)

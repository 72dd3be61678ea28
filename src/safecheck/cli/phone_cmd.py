"""`safecheck phone`: check an Android phone connected by USB, read-only, through adb."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from safecheck.cli.common import (
    HELP,
    ReportLangOption,
    err_console,
    handled_errors,
    print_problems,
    report_translator,
    translator,
)
from safecheck.cli.output import OutputOptions, write_report
from safecheck.core.errors import DataError, QuickExit, UsageError
from safecheck.core.i18n import Translator
from safecheck.core.runner import SubprocessRunner
from safecheck.phone.android.adb import Adb, AdbError
from safecheck.phone.android.parsers import Device
from safecheck.phone.match import IndicatorsLookup, installed_package_lookup
from safecheck.report.model import Report
from safecheck.report.render.common import visible
from safecheck.report.render.formats import ReportFormat

READY = "device"
ADB_TIMEOUT = 30.0  # seconds per adb command; `dumpsys package packages` can take a while
_STATE_KEYS = {
    "unauthorized": "phone.state.unauthorized",
    "offline": "phone.state.offline",
    "no permissions": "phone.state.no_permissions",
}


def installed_indicators() -> tuple[IndicatorsLookup | None, str]:
    """The installed stalkerware/watchware list as a package lookup, and its commit.

    No list: (None, ""), and the report says in coverage how to get one. A damaged list is
    reported on screen and treated as missing, so the phone's other checks still run."""
    try:
        return installed_package_lookup()
    except DataError as exc:
        print_problems(err_console(), exc, style="yellow")
        return None, ""


# How the installed stalkerware/watchware list is turned into a lookup (package -> (app name,
# "stalkerware" | "watchware")); set by the indicators module's owner. None: no list installed.
indicators_lookup_factory: Callable[[], tuple[IndicatorsLookup | None, str]] = installed_indicators


def search_path(adb_path: Path | None) -> str | None:
    """The folder to find `adb` in: the one given (or the given program's folder), else None
    (the system folders, never the user's PATH)."""
    if adb_path is None:
        return None
    path = adb_path.expanduser()
    return str(path.parent if path.is_file() else path)


def not_ready_message(device: Device, t: Translator) -> str:
    key = _STATE_KEYS.get(device.state)
    if key is not None:
        return t(key, serial=device.serial)
    return t("phone.state.other", serial=device.serial, state=device.state)


def pick_device(
    devices: list[Device],
    serial: str | None,
    t: Translator,
    ask: Callable[[list[Device]], Device] | None,
) -> Device:
    """The phone to read, or a UsageError that says what to do. `ask` chooses among several
    ready phones on a terminal; without it (no terminal) several phones is an error."""
    serials = ", ".join(f"{d.serial} ({d.state})" for d in devices)
    if serial is not None:
        chosen = next((d for d in devices if d.serial == serial), None)
        if chosen is None:
            raise UsageError(t("phone.not_connected", serial=serial, serials=serials or "-"))
        if chosen.state != READY:
            raise UsageError(not_ready_message(chosen, t))
        return chosen
    ready = [d for d in devices if d.state == READY]
    if not ready:
        if devices:
            raise UsageError("\n".join(not_ready_message(d, t) for d in devices))
        raise UsageError(t("phone.no_device"))
    if len(ready) == 1:
        return ready[0]
    if ask is None:
        raise UsageError(t("phone.several", serials=", ".join(d.serial for d in ready)))
    return ask(ready)


def _asker(t: Translator, console: Console) -> Callable[[list[Device]], Device]:
    def ask(ready: list[Device]) -> Device:
        console.print(t("phone.choose"), markup=False)
        for number, device in enumerate(ready, 1):
            line = f"  {number}. {device.model or '?'}  {device.serial}"
            console.print(visible(line), markup=False)
        while True:
            console.print(t("phone.choice_prompt") + " ", end="", markup=False)
            try:
                answer = input().strip().lower()
            except EOFError:
                raise QuickExit from None
            if answer == "q":
                raise QuickExit
            if answer.isdigit() and 1 <= int(answer) <= len(ready):
                return ready[int(answer) - 1]

    return ask


# Options that `safecheck phone` and `safecheck case phone` share.
AndroidOption = Annotated[bool, typer.Option("--android", help=HELP("help.option.android"))]
IPhoneOption = Annotated[bool, typer.Option("--iphone", help=HELP("help.option.iphone"))]
BackupOption = Annotated[
    Path | None, typer.Option("--backup", metavar="FOLDER", help=HELP("help.option.backup"))
]
BackupPasswordFileOption = Annotated[
    Path | None,
    typer.Option(
        "--backup-password-file", metavar="FILE", help=HELP("help.option.backup_password_file")
    ),
]


def phone_command(
    serial: Annotated[
        str | None, typer.Option("--serial", "-s", metavar="S", help=HELP("help.option.serial"))
    ] = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", help=HELP("help.option.report_format"))
    ] = ReportFormat.text,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help=HELP("help.option.output")),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=HELP("help.option.force"))] = False,
    lang: Annotated[str | None, typer.Option("--lang", help=HELP("help.option.lang"))] = None,
    report_lang: ReportLangOption = None,
    no_redact: Annotated[
        bool, typer.Option("--no-redact", help=HELP("help.option.no_redact"))
    ] = False,
    adb_path: Annotated[
        Path | None,
        typer.Option("--adb-path", metavar="PATH", help=HELP("help.option.adb_path")),
    ] = None,
    android: AndroidOption = False,
    iphone: IPhoneOption = False,
    backup: BackupOption = None,
    backup_password_file: BackupPasswordFileOption = None,
    make_backup: Annotated[
        Path | None,
        typer.Option("--make-backup", metavar="FOLDER", help=HELP("help.option.make_backup")),
    ] = None,
) -> None:
    with handled_errors():
        t = translator(lang)
        report_t = report_translator(report_lang, t)
        console = err_console()
        choice = PhoneChoice(android, iphone or make_backup is not None, backup, make_backup)
        reading, reminder = read_chosen_phone(
            t, console, choice, serial, adb_path, backup_password_file, redact=not no_redact
        )
        options = OutputOptions(fmt, output, force, report_lang=report_t.lang)
        write_report(reading(report_t), t, options, console)
        console.print(t(reminder), style="bold", markup=False)


@dataclass(frozen=True)
class PhoneChoice:
    """What the command line says about which phone to read."""

    android: bool
    iphone: bool
    backup: Path | None
    make_backup: Path | None

    def check(self, t: Translator) -> None:
        if self.android and self.iphone:
            raise UsageError(t("phone.android_and_iphone"))
        if self.backup is not None and self.make_backup is not None:
            raise UsageError(t("phone.backup_with_make_backup"))
        if self.backup is not None and self.android:
            raise UsageError(t("phone.android_with_backup"))


def read_chosen_phone(
    t: Translator,
    console: Console,
    choice: PhoneChoice,
    serial: str | None,
    adb_path: Path | None,
    password_file: Path | None,
    redact: bool = True,
) -> tuple[Callable[[Translator], Report], str]:
    """The report of the phone the command line points at (a backup, --iphone, --android, or
    whichever kind is connected), to be written in any language, and the message key of the
    reminder to show after it.

    Shared by `safecheck phone` and `safecheck case phone`."""
    choice.check(t)
    # the iPhone modules are only loaded when an iPhone may be read
    if choice.backup is not None:
        from safecheck.cli.iphone_cmd import read_iphone_backup  # noqa: PLC0415

        report = read_iphone_backup(t, console, choice.backup, password_file, redact)
        return report, "iphone.backup.reminder"
    if choice.iphone:
        return _read_iphone(t, console, serial, redact, choice.make_backup, password_file)
    if choice.android:
        return read_android(t, console, serial, adb_path, redact), "phone.reminder"
    adb = Adb(SubprocessRunner(search_path=search_path(adb_path)), timeout=ADB_TIMEOUT)
    try:
        androids, android_why = adb.devices(), ""
    except AdbError as exc:
        androids, android_why = [], t(exc.key, **exc.values)
    from safecheck.cli.iphone_cmd import connected_iphones  # noqa: PLC0415

    iphones, iphone_why = connected_iphones()
    if iphones and any(d.state == READY for d in androids):
        raise UsageError(t("phone.both_connected"))
    if iphones:
        return _read_iphone(t, console, serial, redact, None, password_file)
    if androids:  # ready or not: read_phone says what to do about a phone that is not ready
        return read_android(t, console, serial, adb_path, redact), "phone.reminder"
    raise UsageError(
        t(
            "phone.nothing_connected",
            android=android_why or t("phone.no_device"),
            iphone=t(iphone_why or "iphone.live.no_device"),
        )
    )


def _read_iphone(
    t: Translator,
    console: Console,
    serial: str | None,
    redact: bool,
    make_backup: Path | None,
    password_file: Path | None,
) -> tuple[Callable[[Translator], Report], str]:
    from safecheck.cli.iphone_cmd import read_iphone_live  # noqa: PLC0415

    console.print(t("phone.read_only"), markup=False)
    report = read_iphone_live(t, console, serial, redact, make_backup, password_file)
    return report, "iphone.reminder"


def read_android(
    t: Translator,
    console: Console,
    serial: str | None,
    adb_path: Path | None,
    redact: bool = True,
) -> Callable[[Translator], Report]:
    """Find the Android phone (asking which on a terminal when several are ready) and read
    it; the result writes the report in any language."""
    console.print(t("phone.read_only"), markup=False)
    adb = Adb(SubprocessRunner(search_path=search_path(adb_path)), timeout=ADB_TIMEOUT)
    try:
        devices = adb.devices()
    except AdbError as exc:
        raise UsageError(t(exc.key, **exc.values)) from None
    interactive = sys.stdin.isatty() and sys.stderr.isatty()
    device = pick_device(devices, serial, t, _asker(t, console) if interactive else None)
    notice = t("phone.reading", model=device.model or "?", serial=device.serial)
    console.print(visible(notice), markup=False)
    lookup, version = indicators_lookup_factory()
    from safecheck.phone.run import read_phone_check  # noqa: PLC0415 - only when reading

    reading = read_phone_check(
        adb, device.serial, lookup, redact_accounts=redact, indicators_version=version
    )
    return reading


def offer_phone_check(
    t: Translator,
    console: Console,
    confirm: Callable[[str], bool],
    adb_search_path: str | None = None,
) -> Callable[[Translator], Report] | None:
    """For the guided checkup: when a ready Android phone is connected, offer to check it.

    Quiet when adb is missing or no phone is ready: the checkup goes on without it."""
    adb = Adb(SubprocessRunner(search_path=adb_search_path), timeout=ADB_TIMEOUT)
    try:
        devices = adb.devices()
    except AdbError:
        return None
    ready = [d for d in devices if d.state == READY]
    if not ready:
        return None
    models = ", ".join(d.model or "?" for d in ready)
    console.print()
    console.print(visible(t("phone.offer", models=models)), markup=False)
    if not confirm(t("phone.offer_prompt")):
        return None
    device = ready[0] if len(ready) == 1 else _asker(t, console)(ready)
    notice = t("phone.reading", model=device.model or "?", serial=device.serial)
    console.print(visible(notice), markup=False)
    lookup, version = indicators_lookup_factory()
    from safecheck.phone.run import read_phone_check  # noqa: PLC0415 - only when reading

    reading = read_phone_check(adb, device.serial, lookup, indicators_version=version)
    console.print(t("phone.reminder"), style="bold", markup=False)
    return reading

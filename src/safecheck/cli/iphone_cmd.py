"""The iPhone side of `safecheck phone`: a backup folder, or an iPhone connected by USB.

Only the terminal dialogue is here (asking a backup's password, progress while a backup is
made); reading and judging are in `safecheck.phone.iphone`, loaded when a check starts.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from safecheck.cli.common import print_problems
from safecheck.core.errors import DataError, QuickExit, UsageError
from safecheck.core.fileio import read_regular
from safecheck.core.i18n import Translator
from safecheck.report.model import Report
from safecheck.report.render.common import visible

if TYPE_CHECKING:
    from safecheck.phone.iphone.live import UsbIPhone
    from safecheck.phone.match import IndicatorsLookup

Lookups = tuple["IndicatorsLookup | None", "IndicatorsLookup | None", str]
Reading = Callable[[Translator], Report]  # a report, written in any language

MAX_PASSWORD_FILE = 4096  # bytes: a password file is one short line
PASSWORD_TRIES = 3

# How a password is asked on the terminal (replaced in tests): prompt -> typed text.
PasswordAsker = Callable[[str], str]


def _ask_password(prompt: str) -> str:
    try:
        return getpass.getpass(prompt + " ", stream=sys.stderr)
    except (KeyboardInterrupt, EOFError):
        raise QuickExit from None


def password_from_file(path: Path, t: Translator) -> str:
    """The first line of the file given with --backup-password-file (line ending removed)."""
    shown = visible(str(path))
    try:
        data = read_regular(path, MAX_PASSWORD_FILE)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise UsageError(t("iphone.backup.password_file_bad", reason=reason, file=shown)) from None
    if len(data) > MAX_PASSWORD_FILE:
        raise UsageError(t("iphone.backup.password_file_long", file=shown))
    lines = data.decode("utf-8", errors="replace").splitlines()
    first = lines[0] if lines else ""
    if not first:
        raise UsageError(t("iphone.backup.password_file_empty", file=shown))
    return first


def _indicators(console: Console) -> Lookups:
    from safecheck.phone.match import installed_iphone_lookups  # noqa: PLC0415

    try:
        return installed_iphone_lookups()
    except DataError as exc:  # a damaged list: said, then the other checks still run
        print_problems(console, exc, style="yellow")
        return None, None, ""


def read_iphone_backup(
    t: Translator,
    console: Console,
    folder: Path,
    password_file: Path | None,
    redact: bool = True,
    ask: PasswordAsker | None = None,
) -> Reading:
    """Read an iPhone backup folder; ask its password on a terminal when it is encrypted. The
    result writes the report in any language (--report-lang)."""
    # the backup reader (sqlite3, cryptography) is only loaded for this command
    from safecheck.phone.iphone.errors import (  # noqa: PLC0415
        BackupPasswordNeeded,
        WrongBackupPassword,
    )
    from safecheck.phone.iphone.report import read_iphone_backup as backup_reading  # noqa: PLC0415

    bundles, domains, version = _indicators(console)
    console.print(t("iphone.backup.reading"), markup=False)
    password = password_from_file(password_file, t) if password_file is not None else None
    if ask is None and sys.stdin.isatty() and sys.stderr.isatty():
        ask = _ask_password
    tries = 0
    while True:
        try:
            return backup_reading(
                folder,
                bundles,
                domains,
                password=password,
                redact=redact,
                indicators_version=version,
            )
        except BackupPasswordNeeded:
            if ask is None:
                raise UsageError(t("iphone.backup.no_terminal")) from None
            console.print(t("iphone.backup.password_needed"), markup=False)
        except WrongBackupPassword as exc:
            tries += 1
            if ask is None or password_file is not None:
                raise UsageError(exc.text(t)) from None
            if tries >= PASSWORD_TRIES:
                raise UsageError(t("iphone.backup.password_tries")) from None
            console.print(exc.text(t), markup=False, style="yellow")
        console.print(t("iphone.backup.password_leave"), markup=False)
        password = ask(t("iphone.backup.password_prompt"))
        if not password:
            raise QuickExit


def connected_iphones() -> tuple[list[str], str | None]:
    """The iPhones on USB, and why none could be listed (a message key) when that failed."""
    from safecheck.phone.iphone.errors import IPhoneError  # noqa: PLC0415
    from safecheck.phone.iphone.live import list_usb_iphones  # noqa: PLC0415

    try:
        return list_usb_iphones(), None
    except IPhoneError as exc:
        return [], exc.key


def read_iphone_live(
    t: Translator,
    console: Console,
    serial: str | None,
    redact: bool = True,
    make_backup: Path | None = None,
    password_file: Path | None = None,
) -> Reading:
    """Read the iPhone connected by USB; with `make_backup`, back it up there and read that.
    The result writes the report in any language (--report-lang)."""
    from safecheck.phone.iphone.errors import IPhoneError  # noqa: PLC0415
    from safecheck.phone.iphone.live import UsbIPhone  # noqa: PLC0415
    from safecheck.phone.iphone.report import read_iphone_live as live_reading  # noqa: PLC0415

    folder = _backup_folder(make_backup, t) if make_backup is not None else None
    console.print(t("iphone.live.trust"), markup=False)
    try:
        with UsbIPhone(serial) as phone:
            if folder is not None:
                warning = t("iphone.make_backup.warning", folder=str(folder))
                console.print(visible(warning), markup=False)
                made = _back_up(phone, folder, t, console)
                done = t("iphone.make_backup.done", folder=str(made))
                console.print(visible(done), markup=False)
            else:
                bundles, _domains, version = _indicators(console)
                model = str(phone.values().get("ProductType", "") or "?")
                console.print(visible(t("iphone.live.reading", model=model)), markup=False)
                return live_reading(
                    phone,
                    bundles,
                    redact=redact,
                    indicators_version=version,
                )
    except IPhoneError as exc:
        raise UsageError(exc.text(t)) from None
    return read_iphone_backup(t, console, made, password_file, redact)


def _backup_folder(folder: Path, t: Translator) -> Path:
    path = folder.expanduser()
    shown = visible(str(path))
    if path.exists() and not path.is_dir():
        raise UsageError(t("iphone.make_backup.not_folder", folder=shown))
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise UsageError(
            t("iphone.make_backup.cannot_create", reason=reason, folder=shown)
        ) from None
    return path


def _back_up(phone: UsbIPhone, folder: Path, t: Translator, console: Console) -> Path:
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn  # noqa: PLC0415

    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(t("iphone.make_backup.progress"), total=100)
        return phone.make_backup(folder, lambda done: progress.update(task, completed=done))


def offer_iphone_check(
    t: Translator, console: Console, confirm: Callable[[str], bool]
) -> Reading | None:
    """For the guided checkup: when an iPhone is connected and the iPhone part is installed,
    offer to check it. Quiet otherwise: the checkup goes on without it."""
    iphones, _why = connected_iphones()
    if not iphones:
        return None
    console.print()
    console.print(t("iphone.offer"), markup=False)
    if not confirm(t("iphone.offer_prompt")):
        return None
    try:
        reading = read_iphone_live(t, console, iphones[0])
    except UsageError as exc:  # the phone went away or refused: said, and the checkup goes on
        console.print(exc.text(t), markup=False, style="yellow")
        return None
    console.print(t("iphone.reminder"), style="bold", markup=False)
    return reading

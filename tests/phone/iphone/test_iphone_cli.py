"""`safecheck phone` for iPhones through typer: a backup folder (plain or encrypted, password
from a file or the terminal), the iPhone over USB (a stand-in pymobiledevice3), which phone is
read when an Android phone is connected too, `--make-backup`, and the guided checkup's offer."""

from __future__ import annotations

import io
import shutil
import sys
import types
from pathlib import Path
from typing import Any

import pytest
import typer
from iphone_backup_builder import SPY_BUNDLE, snapshot, spied_backup
from iphone_fake_device import FakeLibrary, without_library
from iphone_indicators import BUNDLES, SITES
from rich.console import Console
from typer.testing import CliRunner

from safecheck.cli import checkup, iphone_cmd
from safecheck.cli.iphone_cmd import read_iphone_backup
from safecheck.cli.phone_cmd import phone_command
from safecheck.core.errors import QuickExit, UsageError
from safecheck.core.i18n import Translator
from safecheck.phone.android.adb import Adb
from safecheck.phone.android.parsers import Device

PASSWORD = "correct horse battery staple"  # noqa: S105 (a test backup's)

app = typer.Typer()
app.command()(phone_command)


@app.callback()
def _main() -> None:
    """Makes `phone` a subcommand, as in the real app."""


@pytest.fixture(autouse=True)
def test_indicators(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SAFECHECK_DATA_DIR", str(tmp_path / "no-data"))
    monkeypatch.setattr(iphone_cmd, "_indicators", lambda _console: (BUNDLES, SITES, "test"))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["phone-command", "--lang", "en", *args])
    return result.exit_code, result.stdout, result.stderr


def no_android(monkeypatch: pytest.MonkeyPatch, devices: list[Device] | None = None) -> None:
    monkeypatch.setattr(Adb, "devices", lambda _self: list(devices or []))


def usb_iphones(monkeypatch: pytest.MonkeyPatch, serials: list[str]) -> FakeLibrary:
    library = FakeLibrary()
    library.install(monkeypatch)
    usbmux = types.ModuleType("pymobiledevice3.usbmux")

    async def list_devices() -> list[Any]:
        return [types.SimpleNamespace(serial=s, connection_type="USB") for s in serials] + [
            types.SimpleNamespace(serial="wifi-only", connection_type="Network")
        ]

    usbmux.list_devices = list_devices  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pymobiledevice3.usbmux", usbmux)
    return library


# ---- backups ---------------------------------------------------------------------------------


def test_a_backup_folder_is_read_and_left_unchanged(tmp_path: Path) -> None:
    folder = spied_backup(tmp_path / "00008110-000A1B2C3D4E5F60", tmp_path)
    before = snapshot(folder)
    code, out, err = run("--backup", str(folder), "--format", "json")
    assert code == 0, err
    assert '"SC-IOS-STALKERWARE"' in out and SPY_BUNDLE in out
    assert '"SC-IOS-STALKERWARE-SITE"' in out  # the Safari history was read
    assert "private data" in err  # the reminder about the backup folder
    assert snapshot(folder) == before
    assert folder.name not in out  # the iPhone's identifier is hidden by default


def test_an_encrypted_backup_with_a_password_file(tmp_path: Path) -> None:
    folder = spied_backup(tmp_path / "backup", tmp_path, password=PASSWORD)
    secret = tmp_path / "password.txt"
    secret.write_text(PASSWORD + "\r\n", encoding="utf-8")
    code, out, err = run("--backup", str(folder), "--backup-password-file", str(secret))
    assert code == 0, err
    assert "SpyCo" in out


def test_a_wrong_password_file_is_a_clear_error(tmp_path: Path) -> None:
    folder = spied_backup(tmp_path / "backup", tmp_path, password=PASSWORD)
    secret = tmp_path / "password.txt"
    secret.write_text("not it\n", encoding="utf-8")
    code, out, err = run("--backup", str(folder), "--backup-password-file", str(secret))
    assert code == 2 and out == ""
    assert "does not open the backup" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"\n\n", "is empty"),
        (None, "cannot be read"),
        (b"x" * 5000, "longer than a password"),
    ],
)
def test_a_bad_password_file(tmp_path: Path, content: bytes | None, expected: str) -> None:
    folder = spied_backup(tmp_path / "backup", tmp_path, password=PASSWORD)
    secret = tmp_path / "password.txt"
    if content is not None:
        secret.write_bytes(content)
    code, _out, err = run("--backup", str(folder), "--backup-password-file", str(secret))
    assert code == 2 and expected in err


def test_an_encrypted_backup_without_a_terminal_says_how_to_give_the_password(
    tmp_path: Path,
) -> None:
    folder = spied_backup(tmp_path / "backup", tmp_path, password=PASSWORD)
    code, _out, err = run("--backup", str(folder))
    assert code == 2
    assert "--backup-password-file" in err


def console() -> Console:
    return Console(file=io.StringIO(), width=100)


def test_the_password_is_asked_again_after_a_wrong_one(tmp_path: Path) -> None:
    folder = spied_backup(tmp_path / "backup", tmp_path, password=PASSWORD)
    typed = iter(["wrong", PASSWORD])
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(typed)

    report = read_iphone_backup(Translator("en"), console(), folder, None, ask=ask)(
        Translator("en")
    )
    assert any(f.id == "SC-IOS-STALKERWARE" for f in report.findings)
    assert len(prompts) == 2 and "nothing shows" in prompts[0]


def test_three_wrong_passwords_stop_and_an_empty_one_leaves(tmp_path: Path) -> None:
    folder = spied_backup(tmp_path / "backup", tmp_path, password=PASSWORD)
    with pytest.raises(UsageError, match="Three wrong passwords"):
        read_iphone_backup(Translator("en"), console(), folder, None, ask=lambda _p: "wrong")
    with pytest.raises(QuickExit):
        read_iphone_backup(Translator("en"), console(), folder, None, ask=lambda _p: "")


def test_not_a_backup_is_a_clear_error(tmp_path: Path) -> None:
    code, _out, err = run("--backup", str(tmp_path))
    assert code == 2 and "not an iPhone backup" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--android", "--iphone"], "cannot be used together"),
        (["--android", "--backup", "."], "cannot be used with --android"),
        (["--backup", ".", "--make-backup", "x"], "use one of them"),
    ],
)
def test_contradictory_options(args: list[str], expected: str) -> None:
    code, _out, err = run(*args)
    assert code == 2 and expected in err


# ---- which phone -----------------------------------------------------------------------------


def test_nothing_connected_says_both_and_the_backup_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    no_android(monkeypatch)
    without_library(monkeypatch)
    code, _out, err = run()
    assert code == 2
    assert "Android" in err and "pymobiledevice3" in err and "--backup FOLDER" in err


def test_a_connected_iphone_is_read_when_no_android_phone_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    no_android(monkeypatch, [Device("R58N", "unauthorized")])  # not ready: not a choice
    library = usb_iphones(monkeypatch, ["00008030-001A2B3C4D5E6F70"])
    code, out, err = run("--format", "json")
    assert code == 0, err
    assert '"SC-IOS-STALKERWARE"' in out
    assert library.connect_kwargs["connection_type"] == "USB"
    assert "Trust" in err and "Reset Location & Privacy" in err
    assert library.closed


def test_both_kinds_connected_asks_to_choose(monkeypatch: pytest.MonkeyPatch) -> None:
    no_android(monkeypatch, [Device("R58N", "device", "Pixel 7")])
    usb_iphones(monkeypatch, ["00008030-001A2B3C4D5E6F70"])
    code, _out, err = run()
    assert code == 2 and "--android or --iphone" in err
    code, out, err = run("--iphone", "--format", "json")
    assert code == 0, err
    assert '"platform": "ios"' in out


def test_iphone_without_the_library_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    without_library(monkeypatch)
    code, _out, err = run("--iphone")
    assert code == 2 and "safecheck[iphone]" in err


def test_make_backup_writes_where_asked_then_reads_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    usb_iphones(monkeypatch, ["00008030-001A2B3C4D5E6F70"])
    made_from = spied_backup(tmp_path / "source", tmp_path)
    module = types.ModuleType("pymobiledevice3.services.mobilebackup2")
    calls: list[dict[str, Any]] = []

    class Mobilebackup2Service:
        def __init__(self, lockdown: object) -> None:
            self.udid = getattr(lockdown, "udid", "")

        async def __aenter__(self) -> Mobilebackup2Service:
            return self

        async def __aexit__(self, *_exc: object) -> None:
            return None

        async def backup(self, **kwargs: Any) -> None:
            calls.append(kwargs)
            kwargs["progress_callback"](50.0)
            shutil.copytree(made_from, Path(kwargs["backup_directory"]) / self.udid)

    module.Mobilebackup2Service = Mobilebackup2Service  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pymobiledevice3.services.mobilebackup2", module)
    target = tmp_path / "made"
    code, out, err = run("--make-backup", str(target), "--format", "json")
    assert code == 0, err
    assert calls and calls[0]["full"] is True
    assert (target / "00008030-001A2B3C4D5E6F70" / "Manifest.db").is_file()
    assert '"SC-IOS-STALKERWARE-SITE"' in out  # read from the backup: Safari history
    assert "private data" in err


def test_make_backup_refuses_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    usb_iphones(monkeypatch, ["x"])
    target = tmp_path / "a-file"
    target.write_text("keep me", encoding="utf-8")
    code, _out, err = run("--make-backup", str(target))
    assert code == 2 and "not a folder" in err
    assert target.read_text(encoding="utf-8") == "keep me"


# ---- the guided checkup ----------------------------------------------------------------------


def test_the_checkup_offers_a_connected_iphone(monkeypatch: pytest.MonkeyPatch) -> None:
    no_android(monkeypatch)
    usb_iphones(monkeypatch, ["00008030-001A2B3C4D5E6F70"])
    monkeypatch.setattr(checkup, "ask_yes_no", lambda _console, _question: True)
    out = console()
    reading = checkup.offer_phone(Translator("fr"), out, iphone_questions=True)
    assert reading is not None
    assert any(f.id == "SC-IOS-STALKERWARE" for f in reading(Translator("fr")).findings)
    text = out.file.getvalue()  # type: ignore[attr-defined]
    assert "Un iPhone est branché" in text


def test_the_checkup_says_how_to_check_an_iphone_when_none_is_connected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    no_android(monkeypatch)
    without_library(monkeypatch)
    out = console()
    assert checkup.offer_phone(Translator("en"), out, iphone_questions=True) is None
    said = " ".join(out.file.getvalue().split())  # type: ignore[attr-defined]
    assert "safecheck phone --backup FOLDER" in said and "idevicebackup2" in said
    quiet = console()
    assert checkup.offer_phone(Translator("en"), quiet, iphone_questions=False) is None
    assert quiet.file.getvalue() == ""  # type: ignore[attr-defined]


def test_no_usbmuxd_service_is_said_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    no_android(monkeypatch)
    usb_iphones(monkeypatch, [])
    failing = types.ModuleType("pymobiledevice3.usbmux")

    class ConnectionFailedToUsbmuxdError(Exception):
        pass

    async def list_devices() -> list[Any]:
        raise ConnectionFailedToUsbmuxdError("Failed to connect to usbmuxd socket")

    failing.list_devices = list_devices  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pymobiledevice3.usbmux", failing)
    code, _out, err = run()
    assert code == 2
    assert "talks to iPhones over USB is not running" in err
    assert "Traceback" not in err

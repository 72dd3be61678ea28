"""The adb wrapper: only read-only commands, clear errors, time limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from phone_fake_adb import install_fake_adb, make_adb, use_scenario

from safecheck.phone.android.adb import (
    ALLOWED,
    Adb,
    AdbError,
    AdbMissingError,
    AdbTimeoutError,
    NotAllowedError,
    is_allowed,
)


@pytest.fixture
def fake_bin(tmp_path: Path) -> Path:
    return install_fake_adb(tmp_path / "bin")


class RecordingRunner:
    def __init__(self, code: int = 0, text: str = "") -> None:
        self.calls: list[list[str]] = []
        self.code = code
        self.text = text

    def run(self, argv: list[str], timeout: float = 10.0) -> tuple[int, str]:
        self.calls.append(argv)
        return self.code, self.text


@pytest.mark.parametrize(
    "args",
    [
        ("pm", "uninstall", "com.spy"),
        ("pm", "grant", "com.x", "android.permission.CAMERA"),
        ("pm", "revoke", "com.x", "android.permission.CAMERA"),
        ("settings", "put", "global", "adb_enabled", "0"),
        ("am", "start", "-a", "android.settings.SETTINGS"),
        ("screencap", "-p", "/sdcard/s.png"),
        ("dumpsys", "package", "com.x;reboot"),
        ("dumpsys", "package", "$(reboot)"),
        ("dumpsys", "package", "com.x", "extra"),
        ("getprop", "ro.product.model;", "reboot"),
        ("sh", "-c", "id"),
        (),
    ],
)
def test_refuses_anything_not_read_only_before_running(args: tuple[str, ...]) -> None:
    runner = RecordingRunner()
    with pytest.raises(NotAllowedError):
        Adb(runner).shell("2B121FDH2006ZJ", *args)
    assert runner.calls == []


def test_refuses_a_serial_that_could_be_an_option() -> None:
    runner = RecordingRunner()
    with pytest.raises(NotAllowedError):
        Adb(runner).shell("-d", "getprop", "ro.product.model")
    assert runner.calls == []


def test_allow_list_is_read_only() -> None:
    first_words = {args[0] for args in ALLOWED}
    assert first_words <= {"pm", "dumpsys", "cmd", "settings", "getprop", "date", "which"}
    assert all(args[:2] == ("settings", "get") for args in ALLOWED if args[0] == "settings")
    assert all(args[:3] == ("pm", "list", "packages") for args in ALLOWED if args[0] == "pm")
    assert is_allowed(("dumpsys", "package", "com.whatsapp"))


def test_shell_runs_adb_with_the_serial() -> None:
    runner = RecordingRunner(text="Pixel 7\n")
    result = Adb(runner).shell("2B121FDH2006ZJ", "getprop", "ro.product.model")
    assert runner.calls == [["adb", "-s", "2B121FDH2006ZJ", "shell", "getprop", "ro.product.model"]]
    assert result.text == "Pixel 7\n" and result.command == "adb shell getprop ro.product.model"


def test_adb_missing_from_the_runner() -> None:
    with pytest.raises(AdbMissingError) as caught:
        Adb(RecordingRunner(code=127)).devices()
    assert caught.value.key == "phone.error.adb_missing"


def test_adb_missing_for_real(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(AdbMissingError):
        make_adb(tmp_path / "empty").devices()


def test_timeout_once_then_no_more_waiting(
    fake_bin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_scenario(monkeypatch, tmp_path, "hanging")
    adb = make_adb(fake_bin, timeout=1.0)
    assert [d.serial for d in adb.devices()] == ["2B121FDH2006ZJ"]
    with pytest.raises(AdbTimeoutError):
        adb.shell("2B121FDH2006ZJ", "getprop", "ro.product.model")
    calls = len(adb.calls)
    with pytest.raises(AdbTimeoutError):
        adb.shell("2B121FDH2006ZJ", "dumpsys", "appops")
    assert len(adb.calls) == calls  # not run: the phone did not answer before


def test_cannot_run_is_an_adb_error() -> None:
    with pytest.raises(AdbError) as caught:
        Adb(RecordingRunner(code=126)).devices()
    assert caught.value.key == "phone.error.adb_cannot_run"

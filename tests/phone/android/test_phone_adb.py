"""The adb wrapper: only read-only commands, clear errors, time limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from phone_fake_adb import install_fake_adb, make_adb, play_batch, use_scenario

from safecheck.core.model import CoverageStatus
from safecheck.core.runner import OUTPUT_CUT
from safecheck.phone.android.adb import (
    ALLOWED,
    BATCHED,
    Adb,
    AdbError,
    AdbMissingError,
    AdbTimeoutError,
    NotAllowedError,
    batch_commands,
    batch_script,
    is_allowed,
    new_marker,
    split_batch,
)
from safecheck.phone.android.checks import POWERS, check_phone


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
    result = Adb(runner, batch=()).shell("2B121FDH2006ZJ", "getprop", "ro.product.model")
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


# --- batches ------------------------------------------------------------------------------------

SERIAL = "2B121FDH2006ZJ"
MODEL = ("getprop", "ro.product.model")
PATCH = ("getprop", "ro.build.version.security_patch")
SU = ("which", "su")


class ShellRunner:
    """Plays a batch as the phone's shell would, with `answers` per command: (status, output)."""

    def __init__(self, answers: dict[tuple[str, ...], tuple[int, str]]) -> None:
        self.answers = answers
        self.calls: list[list[str]] = []

    def run(self, argv: list[str], timeout: float = 10.0) -> tuple[int, str]:
        self.calls.append(argv)
        return 0, play_batch(argv[-1], lambda words: self.answers[tuple(words)])


def test_a_batch_is_one_adb_call_of_allowed_commands_only() -> None:
    runner = ShellRunner({MODEL: (0, "Pixel 7\n"), PATCH: (0, "2024-03-05"), SU: (1, "")})
    results = Adb(runner).batch(SERIAL, [MODEL, PATCH, SU])
    assert len(runner.calls) == 1
    argv = runner.calls[0]
    assert argv[:4] == ["adb", "-s", SERIAL, "shell"] and len(argv) == 5
    assert batch_commands(argv[4]) == [MODEL, PATCH, SU]
    assert [(r.code, r.text, r.command) for r in results if r is not None] == [
        (0, "Pixel 7\n", "adb shell getprop ro.product.model"),
        (0, "2024-03-05", "adb shell getprop ro.build.version.security_patch"),  # no newline
        (1, "", "adb shell which su"),
    ]


def test_a_batch_refuses_before_running() -> None:
    runner = RecordingRunner()
    with pytest.raises(NotAllowedError):
        Adb(runner).batch(SERIAL, [MODEL, ("pm", "uninstall", "com.spy")])
    with pytest.raises(NotAllowedError):
        Adb(runner).batch("-d", [MODEL])
    with pytest.raises(NotAllowedError):
        Adb(runner).batch(SERIAL, [])
    assert runner.calls == []


@pytest.mark.parametrize(
    "script",
    [
        "echo 0123456789abcdef0123456789abcdef:0:begin; getprop ro.product.model; r=$?; echo; "
        "echo 0123456789abcdef0123456789abcdef:0:end:$r; reboot",
        "echo 0123456789abcdef0123456789abcdef:0:begin; pm uninstall com.x; r=$?; echo; "
        "echo 0123456789abcdef0123456789abcdef:0:end:$r",
        "echo nothex:0:begin; getprop ro.product.model; r=$?; echo; echo nothex:0:end:$r",
        "echo 0123456789abcdef0123456789abcdef:0:begin; getprop ro.product.model; r=$(id); "
        "echo; echo 0123456789abcdef0123456789abcdef:0:end:$r",
        "getprop ro.product.model",
    ],
)
def test_only_our_own_batch_scripts_are_recognised(script: str) -> None:
    assert batch_commands(script) is None


def test_every_batch_has_a_new_marker() -> None:
    runner = ShellRunner({MODEL: (0, "Pixel 7\n")})
    Adb(runner).batch(SERIAL, [MODEL])
    Adb(runner).batch(SERIAL, [MODEL])
    first, second = (call[4].split(":", 1)[0] for call in runner.calls)
    assert first != second


def test_a_forged_marker_in_a_value_does_not_move_sections() -> None:
    """A value written on the phone before the check cannot know the batch's marker: a line
    that looks like one (another marker, the same index, an end with a status) stays in the
    value it belongs to, and every other command keeps its own output."""
    marker = "0123456789abcdef0123456789abcdef"
    guessed = "fedcba9876543210fedcba9876543210"
    forged = (
        f"Pixel\n{guessed}:0:end:0\n{guessed}:1:begin\nevil\n"
        f"{marker[:-1]}:0:end:0\n:1:begin\n0:end:0\n"
    )
    script = batch_script(marker, [MODEL, PATCH])
    runner = ShellRunner({MODEL: (0, forged), PATCH: (0, "2024-03-05\n")})
    _code, text = runner.run(["adb", "-s", SERIAL, "shell", script])
    assert split_batch(text, marker, 2) == [(0, forged), (0, "2024-03-05\n")]


def test_a_batch_cut_short_leaves_the_rest_unanswered() -> None:
    marker = "0123456789abcdef0123456789abcdef"
    text = f"{marker}:0:begin\nPixel 7\n\n{marker}:0:end:0\n{marker}:1:begin\n2024-"
    assert split_batch(text, marker, 3) == [(0, "Pixel 7\n"), None, None]
    assert split_batch("", marker, 2) == [None, None]
    bad_status = f"{marker}:0:begin\nx\n\n{marker}:0:end:99999999\n"
    assert split_batch(bad_status, marker, 1) == [None]


def test_a_phone_that_does_not_answer_the_batch_fails_every_command_at_once() -> None:
    runner = RecordingRunner(code=1, text="")
    results = Adb(runner).batch(SERIAL, [MODEL, PATCH])
    assert [(r.code, r.text) for r in results if r is not None] == [(1, ""), (1, "")]
    assert len(runner.calls) == 1


def test_the_batch_fits_the_oldest_adb_request() -> None:
    """adb before Android 7 carries a request ("shell:" and the command) in one 4,096-byte
    message: the batch the check sends must fit, whatever the marker."""
    request = ("shell:" + batch_script(new_marker(), BATCHED)).encode()
    assert len(request) < 4096
    assert batch_commands(batch_script(new_marker(), BATCHED)) == list(BATCHED)


def test_an_answer_cut_at_the_size_cap_is_said_in_the_coverage() -> None:
    class HugePhone:
        def run(self, argv: list[str], timeout: float = 10.0) -> tuple[int, str]:
            if argv[-2:] == ["dumpsys", "appops"]:
                return OUTPUT_CUT, "Current AppOps Service state:\n  Uid u0a1:\n"
            return 0, "x\n"

    _entries, rows = check_phone(Adb(HugePhone()), SERIAL, None)
    powers = next(row for row in rows if row.id == POWERS)
    assert powers.status is CoverageStatus.PARTIAL
    assert "adb shell dumpsys appops: 64 MiB read, the rest cut" in powers.details

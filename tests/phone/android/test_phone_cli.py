"""`safecheck phone` through typer, with the fake adb: choosing the phone, clear messages when
none is ready, the report on stdout, the reminder at the end."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
import typer
from phone_fake_adb import FIXTURES, install_fake_adb
from rich.console import Console
from typer.testing import CliRunner

from paths import REPO
from safecheck.cli import phone_cmd
from safecheck.cli.phone_cmd import phone_command, pick_device
from safecheck.core.errors import UsageError
from safecheck.core.i18n import Translator
from safecheck.indicators.update import import_from
from safecheck.phone.android.parsers import Device


@pytest.fixture
def fake_bin(tmp_path: Path) -> Path:
    return install_fake_adb(tmp_path / "bin")


app = typer.Typer()
app.command()(phone_command)


@app.callback()
def _main() -> None:
    """Makes `phone` a subcommand, as in the real app."""


def run(
    scenario: str, fake_bin: Path, monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, str, str]:
    monkeypatch.setenv("FAKE_ADB_SCENARIO", str(FIXTURES / scenario))
    if "SAFECHECK_DATA_DIR" not in os.environ:  # never the real user's installed list
        monkeypatch.setenv("SAFECHECK_DATA_DIR", str(fake_bin.parent / "no-data"))
    result = CliRunner().invoke(
        app, ["phone-command", "--adb-path", str(fake_bin), "--lang", "en", *args]
    )
    return result.exit_code, result.stdout, result.stderr


def test_clean_phone_report_and_reminder(fake_bin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run("clean", fake_bin, monkeypatch)
    assert code == 0, err
    assert "Developer options" in out
    assert "turn off USB debugging" in err
    assert "only reads the phone" in err
    assert "stalkerware list missing" in out  # no list installed in this test


def test_stalkerware_with_a_list(fake_bin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        phone_cmd,
        "indicators_lookup_factory",
        lambda: ({"android.helper.system": ("mSpy", "stalkerware")}.get, "test"),
    )
    code, out, _err = run("stalkerware", fake_bin, monkeypatch, "--format", "json")
    assert code == 0
    assert '"SC-AND-STALKERWARE"' in out and "mSpy" in out


def test_output_file(fake_bin: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    target = tmp_path / "phone.md"
    code, out, _err = run("clean", fake_bin, monkeypatch, "--format", "markdown", "-o", str(target))
    assert code == 0 and out == ""
    assert "SC-AND-DEBUGGING-ON" in target.read_text() or "USB debugging" in target.read_text()


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ("no_device", "No phone found"),
        ("unauthorized", "accept the prompt"),
        ("several", "Several phones are connected: 2B121FDH2006ZJ, R58M41ABCDE"),
    ],
)
def test_not_ready(
    scenario: str, expected: str, fake_bin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(scenario, fake_bin, monkeypatch)
    assert code == 2
    assert expected in " ".join(err.split())
    assert out == ""


def test_several_with_serial(fake_bin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _out, err = run("several", fake_bin, monkeypatch, "--serial", "2B121FDH2006ZJ")
    assert code == 0, err


def test_unknown_serial(fake_bin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _out, err = run("clean", fake_bin, monkeypatch, "--serial", "NOPE")
    assert code == 2 and "NOPE" in err


def test_adb_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "nothing").mkdir()
    monkeypatch.setenv("FAKE_ADB_SCENARIO", str(FIXTURES / "clean"))
    result = CliRunner().invoke(
        app, ["phone-command", "--adb-path", str(tmp_path / "nothing"), "--lang", "en"]
    )
    assert result.exit_code == 2
    assert "install the adb program (Debian package adb" in " ".join(result.stderr.split())


def test_adb_hanging_on_devices(
    fake_bin: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    scenario = tmp_path / "hang-all"
    scenario.mkdir()
    (scenario / "hang.txt").write_text("devices\n")
    monkeypatch.setenv("FAKE_ADB_SCENARIO", str(scenario))
    monkeypatch.setattr(phone_cmd, "ADB_TIMEOUT", 1.0)
    result = CliRunner().invoke(app, ["phone-command", "--adb-path", str(fake_bin), "--lang", "en"])
    assert result.exit_code == 2
    assert "did not answer within 1 s" in " ".join(result.stderr.split())


def test_pick_device_asks_on_a_terminal() -> None:
    t = Translator("en")
    devices = [Device("A1", "device"), Device("B2", "device"), Device("C3", "offline")]
    assert pick_device(devices, None, t, lambda ready: ready[1]).serial == "B2"
    with pytest.raises(UsageError):
        pick_device(devices, None, t, None)
    with pytest.raises(UsageError, match="not answering"):
        pick_device(devices, "C3", t, None)
    with pytest.raises(UsageError, match="no permissions"):
        pick_device([Device("D4", "no permissions")], None, t, None)


def test_installed_list_is_used_end_to_end(
    fake_bin: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The real Echap list, imported as a person would from a USB copy, finds mSpy."""
    echap = REPO.parent / "shared" / "data" / "echap"
    data = tmp_path / "data"
    import_from(echap, data / "indicators")
    monkeypatch.setenv("SAFECHECK_DATA_DIR", str(data))
    code, out, err = run("stalkerware", fake_bin, monkeypatch, "--format", "text")
    assert code == 0, err
    assert "mSpy" in out and "[high]" in out
    assert "stalkerware list missing" not in out


def test_checkup_offer_only_when_a_phone_is_ready(
    fake_bin: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    t = Translator("en")
    console = Console(file=io.StringIO())
    asked: list[str] = []

    def yes(question: str) -> bool:
        asked.append(question)
        return True

    monkeypatch.setenv("SAFECHECK_DATA_DIR", str(tmp_path / "no-data"))
    monkeypatch.setenv("FAKE_ADB_SCENARIO", str(FIXTURES / "stalkerware"))
    reading = phone_cmd.offer_phone_check(t, console, yes, str(fake_bin))
    assert reading is not None and asked == ["Check this phone now? [y/n]"]
    assert reading(t).metadata.host["platform"] == "android"
    assert reading(Translator("fr")).metadata.language == "fr"  # read once, any language
    assert phone_cmd.offer_phone_check(t, console, lambda _q: False, str(fake_bin)) is None
    monkeypatch.setenv("FAKE_ADB_SCENARIO", str(FIXTURES / "no_device"))
    asked.clear()
    assert phone_cmd.offer_phone_check(t, console, yes, str(fake_bin)) is None
    assert asked == []  # nothing connected: not even asked
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    assert phone_cmd.offer_phone_check(t, console, yes, str(empty)) is None  # no adb at all


def test_phone_text_cannot_drive_the_terminal(
    fake_bin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The phone's model is set by whoever controls the phone: escape sequences and bidi
    # overrides in it are shown, not obeyed, in the status lines and the report.
    code, out, err = run("hostile_model", fake_bin, monkeypatch)
    assert code == 0, err
    for stream in (out, err):
        for raw in ("\x1b", "\x07", "\u202e"):
            assert raw not in stream
    assert "\\x1b[2J" in err  # "Reading the phone Pix\x1b[2J..." as visible text

"""The whole phone check, through the real subprocess path, against recorded phones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from phone_fake_adb import NOW, install_fake_adb, make_adb, use_scenario

from safecheck.core.i18n import Translator
from safecheck.core.model import CoverageStatus, Severity
from safecheck.phone.android.adb import BATCHED, batch_commands, is_allowed
from safecheck.phone.match import IndicatorsLookup
from safecheck.phone.run import run_phone_check
from safecheck.report.model import Report


@pytest.fixture
def fake_bin(tmp_path: Path) -> Path:
    return install_fake_adb(tmp_path / "bin")


PIXEL = "2B121FDH2006ZJ"
SAMSUNG = "R58M41ABCDE"
LOOKUP: dict[str, tuple[str, str]] = {
    "android.helper.system": ("mSpy", "stalkerware"),
    "com.wondershare.famisafe.kids": ("FamiSafe", "watchware"),
}


def check(
    scenario: str,
    fake_bin: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    serial: str = PIXEL,
    lookup: IndicatorsLookup | None = LOOKUP.get,
    timeout: float = 20.0,
    lang: str = "en",
) -> Report:
    log = use_scenario(monkeypatch, tmp_path, scenario)
    report = run_phone_check(
        make_adb(fake_bin, timeout), serial, Translator(lang), lookup, lambda: NOW
    )
    for argv in calls(log):  # every call was read-only
        assert argv[:3] == ["-s", serial, "shell"]
        assert all(is_allowed(args) for args in commands_of(argv))
    return report


def calls(log: Path) -> list[list[str]]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def commands_of(argv: list[str]) -> list[tuple[str, ...]]:
    """The commands one `adb -s SERIAL shell ...` call ran: one, or those of a batch."""
    if len(argv) == 4 and "; " in argv[3]:
        commands = batch_commands(argv[3])
        assert commands is not None, argv[3]
        return commands
    return [tuple(argv[3:])]


def ids(report: Report, at_least: Severity = Severity.INFO) -> set[str]:
    return {f.id for f in report.findings if f.severity >= at_least}


def test_clean_phone(fake_bin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = check("clean", fake_bin, tmp_path, monkeypatch)
    assert ids(report, Severity.LOW) == set()
    assert ids(report) == {"SC-AND-DEBUGGING-ON", "SC-AND-ACCOUNTS", "SC-AND-RECENT-SENSORS"}
    assert all(c.status is CoverageStatus.OK for c in report.coverage), report.coverage
    host = report.metadata.host
    assert host["platform"] == "android" and host["model"] == "Pixel 7"
    assert host["os_version"] == "14" and host["security_patch"] == "2024-03-05"
    accounts = next(f for f in report.findings if f.id == "SC-AND-ACCOUNTS")
    assert "camille" not in repr(accounts) and "+336" not in repr(accounts)
    assert "[account-1]" in repr(accounts)


def test_accounts_shown_with_no_redact(
    fake_bin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_scenario(monkeypatch, tmp_path, "clean")
    report = run_phone_check(
        make_adb(fake_bin), PIXEL, Translator("en"), None, lambda: NOW, redact_accounts=False
    )
    assert "camille.martin@gmail.com" in repr(report.findings)


def test_stalkerware_and_watchware(
    fake_bin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = check("stalkerware", fake_bin, tmp_path, monkeypatch)
    by_id = {f.id: f for f in report.findings}
    spy = by_id["SC-AND-STALKERWARE"]
    assert spy.severity is Severity.HIGH and "mSpy" in spy.title
    assert spy.evidence[0].command == "adb shell dumpsys package android.helper.system"
    assert "installed 2024-02-27 23:41:07" in (spy.evidence[0].path or "")
    assert "destroys evidence" in spy.safety_note
    watch = by_id["SC-AND-WATCHWARE"]
    assert watch.severity is Severity.MEDIUM and "FamiSafe" in watch.title
    assert "?" in watch.title
    assert by_id["SC-AND-BACKGROUND-LOCATION"].evidence  # the spy's background location
    assert "SC-AND-HIDDEN" in by_id  # no launcher icon


def test_accessibility_and_notification_abuse(
    fake_bin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = check("accessibility", fake_bin, tmp_path, monkeypatch, serial=SAMSUNG)
    by_id = {f.id: f for f in report.findings}
    assert by_id["SC-AND-ACCESSIBILITY"].severity is Severity.HIGH
    assert "com.sync.helper.service" in by_id["SC-AND-ACCESSIBILITY"].title
    notif = by_id["SC-AND-NOTIFICATIONS"]
    assert [e.command for e in notif.evidence] == [
        "adb shell settings get secure enabled_notification_listeners"
    ]  # the launcher's listener (a system app) is not reported
    assert by_id["SC-AND-DEVICE-ADMIN"].title.endswith("com.sync.helper.service")
    assert {"SC-AND-OVERLAY", "SC-AND-USAGE-ACCESS", "SC-AND-INSTALL-APPS"} <= set(by_id)
    assert {"SC-AND-OFFSTORE", "SC-AND-IMPERSONATION", "SC-AND-HIDDEN"} <= set(by_id)
    sensors = by_id["SC-AND-RECENT-SENSORS"]
    assert any("RECORD_AUDIO" in (e.path or "") for e in sensors.evidence)
    assert "SC-AND-CLOCK" in by_id  # 15 minutes ahead
    assert "SC-AND-PATCH-OLD" in by_id and "2019-08-01" in by_id["SC-AND-PATCH-OLD"].title
    assert report.metadata.host["os_version"] == "9"
    assert report.metadata.host["clock_offset_seconds"] == "900"
    clock = by_id["SC-AND-CLOCK"].evidence[0]
    assert clock.command == "adb shell date +%s" and "+900 s" in (clock.path or "")


def test_device_owner(fake_bin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = check("device_owner", fake_bin, tmp_path, monkeypatch)
    by_id = {f.id: f for f in report.findings}
    owner = by_id["SC-AND-DEVICE-OWNER"]
    assert owner.severity is Severity.HIGH and "com.mdm.remote.agent" in owner.title
    assert owner.evidence[0].command == "adb shell dumpsys device_policy"
    assert "SC-AND-DEVICE-ADMIN" in by_id


def test_play_protect_off(fake_bin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = check("play_protect_off", fake_bin, tmp_path, monkeypatch, lang="fr")
    by_id = {f.id: f for f in report.findings}
    protect = by_id["SC-AND-PLAY-PROTECT-OFF"]
    assert protect.severity is Severity.HIGH and "désactivé" in protect.title
    assert {e.command for e in protect.evidence} == {
        "adb shell settings get global package_verifier_enable",
        "adb shell settings get global package_verifier_user_consent",
    }
    assert {"SC-AND-ADB-VERIFY-OFF", "SC-AND-UNKNOWN-SOURCES"} <= set(by_id)


def test_hanging_adb_gives_coverage_rows_not_a_hang(
    fake_bin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = check("hanging", fake_bin, tmp_path, monkeypatch, timeout=1.0)
    assert report.findings == ()
    failed = [c for c in report.coverage if c.status is CoverageStatus.FAILED]
    assert len(failed) == 7  # every area read on the phone, so the apps were not compared
    assert "did not answer within 1 s" in failed[0].reason


def test_missing_indicator_list_is_a_coverage_row(
    fake_bin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = check("stalkerware", fake_bin, tmp_path, monkeypatch, lookup=None)
    row = next(c for c in report.coverage if c.id == "android.indicators")
    assert row.status is CoverageStatus.FAILED
    assert "safecheck indicators update" in row.reason
    assert "SC-AND-STALKERWARE" not in ids(report)
    assert "SC-AND-IMPERSONATION" in ids(report)  # still caught without the list


def test_phone_gone_between_commands(
    fake_bin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_scenario(monkeypatch, tmp_path, "clean")
    report = run_phone_check(make_adb(fake_bin), "GONE123", Translator("en"), None, lambda: NOW)
    assert report.findings == ()
    assert all(c.status is CoverageStatus.FAILED for c in report.coverage)


def test_older_android_without_an_option_is_partial(
    fake_bin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = check("old_android", fake_bin, tmp_path, monkeypatch)
    row = next(c for c in report.coverage if c.id == "android.apps")
    assert row.status is CoverageStatus.PARTIAL
    assert "Unknown option: --show-versioncode" in row.reason
    # the apps are still known from dumpsys package
    assert ids(report, Severity.LOW) == set()
    assert int(report.metadata.host["entries"]) > 5


def test_power_of_an_app_in_no_package_list_is_reported(
    fake_bin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # com.hidden.agent holds accessibility but none of the phone's package lists names it;
    # TalkBack is not listed either, but it is a known Google package: both are reported,
    # never dropped as "system apps".
    report = check("unlisted_power", fake_bin, tmp_path, monkeypatch)
    unlisted = [f for f in report.findings if f.id == "SC-AND-UNLISTED-APP"]
    titles = " ".join(f.title for f in unlisted)
    assert "com.hidden.agent" in titles
    accessibility = [f for f in report.findings if f.id == "SC-AND-ACCESSIBILITY"]
    assert any("com.hidden.agent" in f.title for f in accessibility)
    assert all(f.severity is Severity.HIGH for f in unlisted)


def test_blank_patch_level_and_a_command_missing_on_the_phone(
    fake_bin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = check("unlisted_power", fake_bin, tmp_path, monkeypatch)
    assert report.metadata.host["security_patch"] == "unknown"
    # dumpsys exits 127 on the phone: the check goes on, that one command is "partial" with
    # the phone's own message, and adb is not called missing.
    coverage = {c.id: c for c in report.coverage}
    powers = coverage["android.powers"]
    assert powers.status is CoverageStatus.PARTIAL
    assert "dumpsys device_policy" in powers.reason and "not found" in powers.reason
    assert coverage["android.apps"].status is CoverageStatus.OK
    assert not any("install the adb program" in repr(c) for c in report.coverage)


def test_package_names_the_phone_made_up_never_reach_a_command(
    fake_bin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = check("tampered_names", fake_bin, tmp_path, monkeypatch)
    tampered = [f for f in report.findings if f.id == "SC-AND-TAMPERED-NAME"]
    assert {f.title.split(": ", 1)[1] for f in tampered} >= {"com.evil;touch${IFS}/tmp/p", "-rf"}
    commands = [e.command or "" for f in report.findings for e in f.evidence]
    assert not any("dumpsys package com.evil;" in c or c.endswith("package -rf") for c in commands)
    assert any("does not allow" in c for c in commands)


MAX_ADB_CALLS = 12  # issue 13: whatever the phone


@pytest.mark.parametrize(
    ("scenario", "serial"),
    [("clean", PIXEL), ("stalkerware", PIXEL), ("accessibility", SAMSUNG), ("device_owner", PIXEL)],
)
def test_the_check_makes_few_adb_calls(
    scenario: str, serial: str, fake_bin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check(scenario, fake_bin, tmp_path, monkeypatch, serial)
    made = calls(tmp_path / "adb-calls.jsonl")
    assert len(made) <= MAX_ADB_CALLS, made
    ran = [args for argv in made for args in commands_of(argv)]
    batches = [argv for argv in made if len(commands_of(argv)) > 1]
    assert len(batches) == 1 and commands_of(batches[0]) == list(BATCHED)
    assert len(ran) == len(set(ran)), "a command was asked twice"
    assert len(made) == 1 + len(ran) - len(BATCHED)  # every other command once, alone

"""Orchestration of `safecheck phone`: read the phone, judge, build a Report. No terminal I/O."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from safecheck.core.entries import Entry, Hit
from safecheck.core.i18n import Translator
from safecheck.phone.android.adb import Adb, AdbError, ShellResult
from safecheck.phone.android.analysis import judge_phone
from safecheck.phone.android.checks import DEVICE, Clock, check_phone
from safecheck.phone.coverage import phone_report
from safecheck.phone.match import IndicatorsLookup
from safecheck.report.model import Report


def run_phone_check(
    adb: Adb,
    serial: str,
    t: Translator,
    indicators_lookup: IndicatorsLookup | None,
    clock: Clock = lambda: datetime.now(UTC),
    redact_accounts: bool = True,
    indicators_version: str = "",
) -> Report:
    """Reads the phone `serial` (read-only) and reports what may let someone watch it."""
    return read_phone_check(
        adb, serial, indicators_lookup, clock, redact_accounts, indicators_version
    )(t)


def read_phone_check(
    adb: Adb,
    serial: str,
    indicators_lookup: IndicatorsLookup | None,
    clock: Clock = lambda: datetime.now(UTC),
    redact_accounts: bool = True,
    indicators_version: str = "",
) -> Callable[[Translator], Report]:
    """Reads the phone once; the result writes the report in any language. The phone's answers
    are kept, so the evidence is put in words again for each language without asking the
    phone a second time."""
    now = clock()
    recorded = RecordedAdb(adb)
    check_phone(recorded, serial, indicators_lookup, lambda: now, redact_accounts)

    def report(t: Translator) -> Report:
        replay = recorded.replay()
        entries, rows = check_phone(
            replay,
            serial,
            indicators_lookup,
            lambda: now,
            redact_accounts,
            t,
        )
        hits: list[Hit] = []
        for entry in entries:
            hits.extend(judge_phone(entry))
        host = _host(t, entries, serial, redact_accounts)
        version = indicators_version if indicators_lookup is not None else None
        return phone_report(t, now, hits, rows, host, version)

    return report


class RecordedAdb:
    """An Adb that keeps every answer (or failure) of the phone, and replays them."""

    def __init__(self, adb: Adb | None) -> None:
        self._adb = adb
        self._answers: dict[tuple[str, ...], ShellResult | AdbError] = {}

    def replay(self) -> RecordedAdb:
        again = RecordedAdb(None)
        again._answers = self._answers
        return again

    def shell(self, serial: str, *args: str) -> ShellResult:
        key = (serial, *args)
        if self._adb is None:  # replaying: the same answer, or the same failure, again
            answer = self._answers[key]
            if isinstance(answer, AdbError):
                raise answer
            return answer
        try:
            result = self._adb.shell(serial, *args)
        except AdbError as exc:
            self._answers[key] = exc
            raise
        self._answers[key] = result
        return result


def _host(
    t: Translator, entries: list[Entry], serial: str, redact_accounts: bool
) -> dict[str, str | bool | int]:
    """What the report says was inspected: the phone's model, Android version, patch level."""
    device = next((e for e in entries if e.collector == DEVICE and e.name != "clock"), None)
    clock_entry = next((e for e in entries if e.collector == DEVICE and e.name == "clock"), None)
    shown_model = device.name if device is not None else "?"
    host: dict[str, str | bool | int] = {
        "platform": "android",
        "live": False,
        "root": t("phone.inspected", serial=serial if not redact_accounts else shown_model),
        "entries": len(entries),
        "os": "Android",
    }
    if device is not None:
        for key, value in (
            ("model", device.name if device.name != "phone" else ""),
            ("manufacturer", device.detail("manufacturer")),
            ("os_version", device.detail("android")),
            ("security_patch", device.detail("patch")),
        ):
            if value:
                host[key] = value
        host.setdefault("security_patch", "unknown")  # a blank patch level is not a date
    if clock_entry is not None:
        host["clock_offset_seconds"] = clock_entry.detail("clock_offset") or ""
    return host

"""Orchestration of `safecheck phone`: read the phone, judge, build a Report. No terminal I/O."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from safecheck.core.entries import Entry, Hit
from safecheck.core.i18n import Translator
from safecheck.phone.android.adb import Adb, AdbError, ShellResult
from safecheck.phone.android.analysis import judge_phone
from safecheck.phone.android.checks import DEVICE, Clock, check_phone
from safecheck.phone.coverage import CheckRow, coverage_row
from safecheck.phone.match import IndicatorsLookup
from safecheck.report.findings import findings_from_hits
from safecheck.report.model import Metadata, Report
from safecheck.report.rules import load_rules, rules_version


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
        return _report(
            t,
            now,
            entries,
            rows,
            hits,
            serial,
            redact_accounts,
            indicators_lookup is not None,
            indicators_version,
        )

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


def _report(
    t: Translator,
    now: datetime,
    entries: list[Entry],
    rows: list[CheckRow],
    hits: list[Hit],
    serial: str,
    redact_accounts: bool,
    with_indicators: bool,
    indicators_version: str,
) -> Report:
    findings = findings_from_hits(hits, load_rules(), t, lambda _program: None)
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
    versions = {"rules": rules_version()}
    if with_indicators:
        versions["indicators"] = indicators_version or "installed"
    metadata = Metadata.of_run(now, t.lang, versions, host=host)
    return Report(
        metadata=metadata,
        findings=tuple(findings),
        answers=(),
        risks=(),
        coverage=tuple(coverage_row(row, t) for row in rows),
    )

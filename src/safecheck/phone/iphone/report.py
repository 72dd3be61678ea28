"""The report of an iPhone check, from a backup folder or a phone connected by USB.

The CLI calls `run_iphone_backup_check` or `run_iphone_live_check`; both return a Report and
raise `IPhoneError` (with a message key) when nothing can be read at all. No terminal I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from safecheck.core.entries import Entry, Hit
from safecheck.core.i18n import Translator
from safecheck.phone.coverage import phone_report
from safecheck.phone.iphone.analysis import judge_iphone
from safecheck.phone.iphone.backup import open_backup
from safecheck.phone.iphone.backup_facts import read_backup_facts
from safecheck.phone.iphone.checks import check_iphone
from safecheck.phone.iphone.facts import IPhoneFacts
from safecheck.phone.iphone.live import IPhoneConnection, read_live_facts
from safecheck.phone.match import IndicatorsLookup
from safecheck.report.model import Report

Clock = Callable[[], datetime]


def run_iphone_backup_check(
    folder: Path,
    t: Translator,
    bundle_lookup: IndicatorsLookup | None,
    domain_lookup: IndicatorsLookup | None,
    password: str | None = None,
    clock: Clock = lambda: datetime.now(UTC),
    redact: bool = True,
    indicators_version: str = "",
) -> Report:
    """Reads the backup in `folder` (never changed) and reports what may let someone watch the
    iPhone. Raises BackupPasswordNeeded (encrypted, no password: ask and call again),
    WrongBackupPassword, IPhoneError (not a backup, damaged Manifest.plist)."""
    return read_iphone_backup(
        folder, bundle_lookup, domain_lookup, password, clock, redact, indicators_version
    )(t)


def read_iphone_backup(
    folder: Path,
    bundle_lookup: IndicatorsLookup | None,
    domain_lookup: IndicatorsLookup | None,
    password: str | None = None,
    clock: Clock = lambda: datetime.now(UTC),
    redact: bool = True,
    indicators_version: str = "",
) -> Callable[[Translator], Report]:
    """`run_iphone_backup_check` read once, written in any language."""
    with open_backup(folder, password) as backup:
        facts = read_backup_facts(backup, domain_lookup)
        encrypted = backup.encrypted
    moment = clock()

    def report(t: Translator) -> Report:
        # the folder is named after the iPhone's identifier: hidden unless asked
        where = (
            t("iphone.inspected_backup_hidden")
            if redact
            else t("iphone.inspected_backup", folder=str(folder))
        )
        return iphone_report(
            facts,
            t,
            bundle_lookup,
            domain_lookup,
            moment,
            redact,
            indicators_version,
            where,
            encrypted,
        )

    return report


def run_iphone_live_check(
    phone: IPhoneConnection,
    t: Translator,
    bundle_lookup: IndicatorsLookup | None,
    clock: Clock = lambda: datetime.now(UTC),
    redact: bool = True,
    indicators_version: str = "",
) -> Report:
    """Reads the connected iPhone (read-only) and reports what may let someone watch it."""
    return read_iphone_live(phone, bundle_lookup, clock, redact, indicators_version)(t)


def read_iphone_live(
    phone: IPhoneConnection,
    bundle_lookup: IndicatorsLookup | None,
    clock: Clock = lambda: datetime.now(UTC),
    redact: bool = True,
    indicators_version: str = "",
) -> Callable[[Translator], Report]:
    """`run_iphone_live_check` read once, written in any language."""
    facts = read_live_facts(phone)
    moment = clock()
    return lambda t: iphone_report(
        facts,
        t,
        bundle_lookup,
        None,
        moment,
        redact,
        indicators_version,
        t("iphone.inspected_live"),
    )


def iphone_report(
    facts: IPhoneFacts,
    t: Translator,
    bundle_lookup: IndicatorsLookup | None,
    domain_lookup: IndicatorsLookup | None,
    now: datetime,
    redact: bool,
    indicators_version: str,
    where: str,
    encrypted: bool | None = None,
) -> Report:
    entries, rows = check_iphone(facts, bundle_lookup, domain_lookup, redact, t)
    hits: list[Hit] = []
    for entry in entries:
        hits.extend(judge_iphone(entry))
    host = _host(facts, entries, where, redact, encrypted)
    version = indicators_version if bundle_lookup is not None else None
    return phone_report(t, now, hits, rows, host, version)


def _host(
    facts: IPhoneFacts, entries: list[Entry], where: str, redact: bool, encrypted: bool | None
) -> dict[str, str | bool | int]:
    host: dict[str, str | bool | int] = {
        "platform": "ios",
        "live": False,  # never "this computer": the phone is another device
        "root": where,
        "entries": len(entries),
        "os": "iOS",
    }
    device = facts.device
    if device is not None:
        for key, value in (
            ("model", device.product_name or device.product_type),
            ("model_id", device.product_type),
            ("os_version", device.ios_version),
            ("build", device.build),
        ):
            if value:
                host[key] = value
        if device.backup_date is not None:
            host["backup_date"] = device.backup_date.isoformat(timespec="seconds")
        if not redact:
            if device.name:
                host["device_name"] = device.name
            if device.serial:
                host["serial"] = device.serial
    if encrypted is not None:
        host["backup_encrypted"] = encrypted
    return host

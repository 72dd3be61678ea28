"""From the facts of one iPhone to entries (plain facts the analysis judges) and coverage rows.
The same for a backup and a live phone; apps and sites are matched against the indicators here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from safecheck.core.entries import Entry
from safecheck.core.i18n import Translator
from safecheck.core.model import CoverageStatus
from safecheck.phone.coverage import CheckRow
from safecheck.phone.iphone import known
from safecheck.phone.iphone.backup_facts import valid_bundle_id
from safecheck.phone.iphone.facts import (
    APPS,
    DEVICE,
    FIND_MY,
    HISTORY,
    ICLOUD,
    INDICATORS,
    JAILBREAK,
    PROFILES,
    AppFacts,
    DeviceFacts,
    IPhoneFacts,
    ManagementFacts,
    ProfileFacts,
)
from safecheck.phone.match import IndicatorsLookup

# Says a piece of evidence in the report's language (a Translator); English when not given.
Say = Callable[..., str]
# What the readers say of an app's App Store record, as message keys.
_STORE_DETAILS = {
    "App Store record in Info.plist": "iphone.evidence.store.record",
    "no App Store record (iTunesMetadata) in Info.plist": "iphone.evidence.store.no_record",
    "installed with a developer or company profile (ProfileValidated)": (
        "iphone.evidence.store.profile"
    ),
    "signed by the App Store": "iphone.evidence.store.signed",
}


def _english() -> Say:
    return Translator("en")


def _entry(
    kind: str,
    area: str,
    location: str,
    name: str,
    read_from: str,
    modified: datetime | None = None,
    **facts: str,
) -> Entry:
    return Entry(
        collector=area,
        kind=kind,
        location=location,
        name=name,
        modified=modified,
        details=tuple((k, v) for k, v in {**facts, "read-from": read_from}.items() if v != ""),
    )


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment is not None else ""


def device_entry(device: DeviceFacts, say: Say | None = None) -> Entry:
    say = say or _english()
    newest = known.newest_ios(device.product_type)
    behind = known.majors_behind(device.ios_version, newest) if newest is not None else None
    model = device.product_name or device.product_type or "iPhone"
    shown = " ".join(
        part
        for part in (
            model,
            f"({device.product_type})" if device.product_name and device.product_type else "",
            f"iOS {device.ios_version or say('iphone.evidence.unknown')}",
            f"({device.build})" if device.build else "",
        )
        if part
    )
    return _entry(
        "iphone-device",
        DEVICE,
        shown,
        model,
        device.source,
        product_type=device.product_type,
        ios=device.ios_version,
        newest_ios=str(newest) if newest is not None else "",
        majors_behind=str(behind) if behind is not None else "",
        passcode=_yes_no(device.passcode_set),
        developer_mode=_yes_no(device.developer_mode),
    )


def app_entries(
    apps: list[AppFacts], lookup: IndicatorsLookup | None, redact: bool, say: Say | None = None
) -> list[Entry]:
    say = say or _english()
    entries: list[Entry] = []
    accounts: dict[str, str] = {}
    for app in apps:
        found = lookup(app.bundle_id) if lookup is not None else None
        purchaser = app.purchaser
        if purchaser:
            accounts.setdefault(purchaser.lower(), f"[account-{len(accounts) + 1}]")
            purchaser = accounts[purchaser.lower()] if redact else purchaser
        version = say("iphone.evidence.version", version=app.version) if app.version else ""
        facts = [f for f in (app.name, version) if f]
        if app.store == "no":
            detail = _STORE_DETAILS.get(app.store_detail, "")
            shown = say(detail) if detail else app.store_detail
            facts.append(shown or say("iphone.evidence.store.not_app_store"))
        if purchaser:
            facts.append(say("iphone.evidence.purchaser", account=purchaser))
        entries.append(
            _entry(
                "iphone-app",
                APPS,
                f"{app.bundle_id} ({'; '.join(facts)})" if facts else app.bundle_id,
                app.bundle_id,
                app.source,
                store=app.store,
                store_detail=app.store_detail,
                system="yes" if app.system else "",
                path=app.path,
                purchaser=purchaser,
                invalid_name="" if valid_bundle_id(app.bundle_id) else "yes",
                indicator=found[0] if found else "",
                indicator_type=found[1] if found else "",
            )
        )
    if len(accounts) > 1:
        listed = sorted(accounts.values()) if redact else sorted(accounts)
        entries.append(
            _entry(
                "iphone-apple-accounts",
                APPS,
                say("iphone.evidence.accounts", count=len(accounts), accounts=", ".join(listed)),
                "apple-accounts",
                "Info.plist",
                accounts=str(len(accounts)),
            )
        )
    return entries


def profile_entry(profile: ProfileFacts, say: Say | None = None) -> Entry:
    say = say or _english()
    powers: list[str] = []
    if profile.payload_types is not None:
        powers = list(
            dict.fromkeys(known.PAYLOAD_POWERS.get(t, known.OTHER) for t in profile.payload_types)
        )
        if profile.proxy and known.PROXY not in powers:
            powers.append(known.PROXY)
    watching = [p for p in powers if p in known.WATCHING_POWERS]
    shown_powers = ", ".join(say(f"iphone.power.{p}") for p in powers)
    parts = [
        profile.name or profile.identifier,
        say("iphone.evidence.issuer", organization=profile.organization)
        if profile.organization
        else say("iphone.evidence.no_issuer"),
        say("iphone.evidence.allows", powers=shown_powers) if powers else "",
        say("iphone.evidence.contents_unknown") if profile.payload_types is None else "",
        say("iphone.evidence.mdm_server", server=profile.mdm_server) if profile.mdm_server else "",
        say("iphone.evidence.not_removable") if profile.removal_disallowed else "",
        say("iphone.evidence.installed", date=_day(profile.installed)) if profile.installed else "",
    ]
    return _entry(
        "iphone-profile",
        PROFILES,
        "; ".join(p for p in parts if p),
        profile.identifier,
        profile.source,
        modified=profile.installed,
        display=profile.name,
        organization=profile.organization,
        powers=",".join(powers),
        watching=",".join(watching),
        mdm="yes" if known.MDM in powers else "",
        mdm_server=profile.mdm_server,
        contents="unknown" if profile.payload_types is None else "",
        removal_disallowed=_yes_no(profile.removal_disallowed),
    )


def management_entry(management: ManagementFacts, say: Say | None = None) -> Entry:
    say = say or _english()
    supervision = (
        "iphone.evidence.supervised"
        if management.supervised
        else "iphone.evidence.not_supervised"
        if management.supervised is False
        else "iphone.evidence.supervision_unknown"
    )
    server = management.enrolment_server
    parts = [
        say(supervision),
        say("iphone.evidence.organisation", organization=management.organization)
        if management.organization
        else "",
        say("iphone.evidence.enrolment_server", server=server) if server else "",
        say("iphone.evidence.management_not_removable") if management.mdm_unremovable else "",
    ]
    return _entry(
        "iphone-management",
        PROFILES,
        "; ".join(p for p in parts if p),
        management.organization or "cloud configuration",
        management.source,
        supervised=_yes_no(management.supervised),
        organization=management.organization,
        enrolment_server=management.enrolment_server,
        mdm_unremovable=_yes_no(management.mdm_unremovable),
    )


def check_iphone(
    facts: IPhoneFacts,
    bundle_lookup: IndicatorsLookup | None,
    domain_lookup: IndicatorsLookup | None,
    redact: bool = True,
    say: Say | None = None,
) -> tuple[list[Entry], list[CheckRow]]:
    """Entries for the analysis and every coverage row (the readers' and the indicators'); the
    evidence they show is said with `say` (the report's Translator)."""
    say = say or _english()
    entries: list[Entry] = []
    if facts.device is not None:
        entries.append(device_entry(facts.device, say))
    entries.extend(app_entries(facts.apps or [], bundle_lookup, redact, say))
    for profile in facts.profiles or []:
        entries.append(profile_entry(profile, say))
    if facts.management is not None:
        entries.append(management_entry(facts.management, say))
    for sign in facts.jailbreak or []:
        entries.append(
            _entry(
                "iphone-jailbreak",
                JAILBREAK,
                f"{sign.name} ({sign.label})" if sign.label else sign.name,
                sign.name,
                sign.source,
                sign=sign.kind,
                label=sign.label,
            )
        )
    for site in facts.visits or []:
        dates = ", ".join(d.isoformat(timespec="minutes") for d in site.recent)
        entries.append(
            _entry(
                "iphone-site-visit",
                HISTORY,
                say(
                    "iphone.evidence.visits",
                    site=site.site,
                    count=site.count,
                    first=_day(site.first) or "?",
                    last=_day(site.last) or "?",
                    dates=dates or "-",
                ),
                site.host,
                site.source,
                modified=site.last,
                indicator=site.indicator,
                indicator_type=site.indicator_type,
                count=str(site.count),
            )
        )
    rows = list(facts.rows)
    if bundle_lookup is None:
        rows.append(CheckRow(INDICATORS, CoverageStatus.FAILED, "phone.coverage.no_indicators"))
    else:
        count = sum(1 for e in entries if e.kind == "iphone-app")
        status = CoverageStatus.OK if facts.apps is not None else CoverageStatus.FAILED
        rows.append(
            CheckRow(INDICATORS, status, "iphone.coverage.indicators", {"count": str(count)})
        )
    rows.append(CheckRow(ICLOUD, CoverageStatus.FAILED, "iphone.coverage.icloud"))
    rows.append(CheckRow(FIND_MY, CoverageStatus.FAILED, "iphone.coverage.find_my"))
    return entries, rows

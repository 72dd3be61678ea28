"""From the facts of one iPhone to entries (plain facts the analysis judges) and coverage rows.
The same for a backup and a live phone; apps and sites are matched against the indicators here.
"""

from __future__ import annotations

from datetime import datetime

from safecheck.core.entries import Entry
from safecheck.core.model import CoverageStatus
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
    CheckRow,
    DeviceFacts,
    IPhoneFacts,
    ManagementFacts,
    ProfileFacts,
)
from safecheck.phone.match import IndicatorsLookup


def _entry(
    kind: str,
    area: str,
    location: str,
    name: str,
    command: str,
    modified: datetime | None = None,
    **facts: str,
) -> Entry:
    return Entry(
        collector=area,
        kind=kind,
        location=location,
        name=name,
        command=command,
        modified=modified,
        details=tuple((k, v) for k, v in facts.items() if v != ""),
    )


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment is not None else ""


def device_entry(device: DeviceFacts) -> Entry:
    newest = known.newest_ios(device.product_type)
    behind = known.majors_behind(device.ios_version, newest) if newest is not None else None
    model = device.product_name or device.product_type or "iPhone"
    shown = " ".join(
        part
        for part in (
            model,
            f"({device.product_type})" if device.product_name and device.product_type else "",
            f"iOS {device.ios_version or 'unknown'}",
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


def app_entries(apps: list[AppFacts], lookup: IndicatorsLookup | None, redact: bool) -> list[Entry]:
    entries: list[Entry] = []
    accounts: dict[str, str] = {}
    for app in apps:
        found = lookup(app.bundle_id) if lookup is not None else None
        purchaser = app.purchaser
        if purchaser:
            accounts.setdefault(purchaser.lower(), f"[account-{len(accounts) + 1}]")
            purchaser = accounts[purchaser.lower()] if redact else purchaser
        facts = [f for f in (app.name, app.version and f"version {app.version}") if f]
        if app.store == "no":
            facts.append(app.store_detail or "not from the App Store")
        if purchaser:
            facts.append(f"downloaded with the Apple Account {purchaser}")
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
        shown = sorted(accounts.values()) if redact else sorted(accounts)
        entries.append(
            _entry(
                "iphone-apple-accounts",
                APPS,
                f"apps downloaded with {len(accounts)} Apple Accounts: {', '.join(shown)}",
                "apple-accounts",
                "Info.plist",
                accounts=str(len(accounts)),
            )
        )
    return entries


def profile_entry(profile: ProfileFacts) -> Entry:
    powers: list[str] = []
    if profile.payload_types is not None:
        powers = list(
            dict.fromkeys(known.PAYLOAD_POWERS.get(t, known.OTHER) for t in profile.payload_types)
        )
        if profile.proxy and known.PROXY not in powers:
            powers.append(known.PROXY)
    watching = [p for p in powers if p in known.WATCHING_POWERS]
    parts = [
        profile.name or profile.identifier,
        f"from {profile.organization}" if profile.organization else "issuer not given",
        f"allows: {', '.join(powers)}" if powers else "",
        "contents not readable over USB (a backup shows them)"
        if profile.payload_types is None
        else "",
        f"MDM server {profile.mdm_server}" if profile.mdm_server else "",
        "cannot be removed without a password" if profile.removal_disallowed else "",
        f"installed {_day(profile.installed)}" if profile.installed else "",
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


def management_entry(management: ManagementFacts) -> Entry:
    parts = [
        "supervised"
        if management.supervised
        else "not supervised"
        if management.supervised is False
        else "supervision unknown",
        f"organisation {management.organization}" if management.organization else "",
        f"enrolment server {management.enrolment_server}" if management.enrolment_server else "",
        "management cannot be removed" if management.mdm_unremovable else "",
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
) -> tuple[list[Entry], list[CheckRow]]:
    """Entries for the analysis and every coverage row (the readers' and the indicators')."""
    entries: list[Entry] = []
    if facts.device is not None:
        entries.append(device_entry(facts.device))
    entries.extend(app_entries(facts.apps or [], bundle_lookup, redact))
    for profile in facts.profiles or []:
        entries.append(profile_entry(profile))
    if facts.management is not None:
        entries.append(management_entry(facts.management))
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
                f"{site.site}: {site.count} visit(s), first {_day(site.first) or '?'}, last "
                f"{_day(site.last) or '?'} (UTC; latest: {dates or 'no date'})",
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

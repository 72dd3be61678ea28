"""Reading the facts of an iPhone out of an opened backup (see backup.py for the format).

Where each fact is in a backup:
- device: Info.plist ("Product Type", "Product Version", "Device Name"...), else the
  `Lockdown` dictionary of Manifest.plist; `WasPasscodeSet` in Manifest.plist;
- apps: `Applications` of Manifest.plist (bundle id, install path) and "Installed
  Applications" of Info.plist; an app has an App Store record (`iTunesMetadata`, the store's
  `ApplicationSINF`) in Info.plist's `Applications` when it came from the App Store;
- configuration profiles: `Library/ConfigurationProfiles/profile-*.stub` and
  `CloudConfigurationDetails.plist` (supervision, Automated Device Enrollment) in the domain
  `SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles`;
- Safari history: see history.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from safecheck.core.model import CoverageStatus
from safecheck.phone.coverage import CheckRow
from safecheck.phone.iphone import known
from safecheck.phone.iphone.backup import (
    FLAG_FILE,
    Backup,
    BackupFile,
)
from safecheck.phone.iphone.errors import BackupFileError
from safecheck.phone.iphone.facts import (
    APPS,
    DEVICE,
    HISTORY,
    JAILBREAK,
    PROFILES,
    AppFacts,
    DeviceFacts,
    IPhoneFacts,
    JailbreakSign,
    ManagementFacts,
    ProfileFacts,
)
from safecheck.phone.iphone.history import read_history_facts
from safecheck.phone.iphone.plists import (
    PlistError,
    data,
    flag,
    host_of,
    items,
    load_plist,
    mapping,
    moment,
    text,
)
from safecheck.phone.match import IndicatorsLookup

PROFILES_DOMAIN = "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles"
CLOUD_CONFIGURATION = "Library/ConfigurationProfiles/CloudConfigurationDetails.plist"

MAX_APPS = 5_000
MAX_PROFILES = 200
MAX_PROFILE_BYTES = 4 * 1024 * 1024
MAX_METADATA_BYTES = 1024 * 1024  # one app's iTunesMetadata
MAX_PAYLOADS = 500
BUNDLE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,254}")


def read_backup_facts(backup: Backup, domain_lookup: IndicatorsLookup | None) -> IPhoneFacts:
    """Every fact the backup holds, with one coverage row per area."""
    facts = IPhoneFacts()
    steps: list[tuple[str, Callable[[], CheckRow]]] = [
        (DEVICE, lambda: _device(backup, facts)),
        (APPS, lambda: _apps(backup, facts)),
        (PROFILES, lambda: _profiles(backup, facts)),
        (JAILBREAK, lambda: _jailbreak(backup, facts)),
        (HISTORY, lambda: read_history_facts(backup, facts, domain_lookup)),
    ]
    for area, step in steps:
        try:
            facts.rows.append(step())
        except Exception as exc:  # a reader bug must not lose the other areas
            facts.rows.append(
                CheckRow(
                    area,
                    CoverageStatus.FAILED,
                    "iphone.coverage.failed",
                    {"reason": f"{type(exc).__name__}: {exc}"[:300]},
                )
            )
    return facts


def _problems_of(backup: Backup, name: str) -> tuple[str, ...]:
    return tuple(p for p in backup.problems if p.startswith(name))


# ---- device ---------------------------------------------------------------------------------


def _device(backup: Backup, facts: IPhoneFacts) -> CheckRow:
    info, lockdown = backup.info, mapping(backup.manifest.get("Lockdown"))

    def value(info_key: str, lockdown_key: str) -> str:
        return text(info.get(info_key), 120) or text(lockdown.get(lockdown_key), 120)

    facts.device = DeviceFacts(
        product_type=value("Product Type", "ProductType"),
        product_name=text(info.get("Product Name"), 120),
        ios_version=value("Product Version", "ProductVersion"),
        build=value("Build Version", "BuildVersion"),
        name=value("Device Name", "DeviceName"),
        serial=value("Serial Number", "SerialNumber"),
        passcode_set=flag(backup.manifest.get("WasPasscodeSet")),
        backup_date=moment(info.get("Last Backup Date"))
        or moment(backup.manifest.get("Date"))
        or moment(backup.status.get("Date")),
        source="Info.plist" if info else "Manifest.plist",
    )
    details = _problems_of(backup, "Info.plist") + _problems_of(backup, "Status.plist")
    if text(backup.status.get("SnapshotState")) not in ("", "finished"):
        details += ("Status.plist: the backup was not finished",)
    if not facts.device.product_type and not facts.device.ios_version:
        return CheckRow(
            DEVICE,
            CoverageStatus.FAILED,
            "iphone.coverage.failed",
            {"reason": "; ".join(details) or "no model or iOS version in the backup"},
            details,
        )
    status = CoverageStatus.PARTIAL if details else CoverageStatus.OK
    return CheckRow(
        DEVICE, status, "iphone.coverage.device", {"source": facts.device.source}, details
    )


# ---- apps -----------------------------------------------------------------------------------


def _apps(backup: Backup, facts: IPhoneFacts) -> CheckRow:
    manifest_apps = mapping(backup.manifest.get("Applications"))
    info_apps = mapping(backup.info.get("Applications"))
    ids: list[str] = []
    for bundle, entry in manifest_apps.items():
        kind = text(mapping(entry).get("ContainerContentClass"))
        if kind in ("", "Data/Application"):  # not an extension or a plug-in
            ids.append(bundle[:255])
    ids.extend(text(b, 255) for b in items(backup.info.get("Installed Applications")))
    unique = sorted({b for b in ids if b})
    cut = len(unique) > MAX_APPS
    apps: list[AppFacts] = []
    for bundle in unique[:MAX_APPS]:
        store, detail, name, purchaser = _store_record(info_apps, bundle)
        apps.append(
            AppFacts(
                bundle_id=bundle,
                name=name,
                version=text(mapping(manifest_apps.get(bundle)).get("CFBundleVersion"), 60),
                path=text(mapping(manifest_apps.get(bundle)).get("Path")),
                store=store,
                store_detail=detail,
                purchaser=purchaser,
                source="Manifest.plist" if bundle in manifest_apps else "Info.plist",
            )
        )
    facts.apps = apps
    if not manifest_apps and "Installed Applications" not in backup.info:
        return CheckRow(
            APPS,
            CoverageStatus.FAILED,
            "iphone.coverage.failed",
            {"reason": "the backup lists no apps (Manifest.plist, Info.plist)"},
        )
    values = {"count": str(len(apps))}
    if cut:
        return CheckRow(
            APPS,
            CoverageStatus.PARTIAL,
            "iphone.coverage.apps_cut",
            values | {"max": str(MAX_APPS)},
        )
    return CheckRow(APPS, CoverageStatus.OK, "iphone.coverage.apps", values)


def _store_record(info_apps: dict[str, Any], bundle: str) -> tuple[str, str, str, str]:
    """(store, why, name, purchaser) from Info.plist's record of the app."""
    if not info_apps:
        return "", "", "", ""
    record = mapping(info_apps.get(bundle))
    if bundle not in info_apps:
        return "", "", "", ""
    metadata: dict[str, Any] = {}
    raw = data(record.get("iTunesMetadata"))
    if raw:
        try:
            metadata = mapping(load_plist(raw, MAX_METADATA_BYTES))
        except PlistError:
            metadata = {}
    name = text(metadata.get("itemName"), 120) or text(metadata.get("bundleDisplayName"), 120)
    account = mapping(
        mapping(metadata.get("com.apple.iTunesStore.downloadInfo")).get("accountInfo")
    )
    purchaser = text(account.get("AppleID"), 200) or text(metadata.get("appleId"), 200)
    if metadata or data(record.get("ApplicationSINF")):
        return "yes", "App Store record in Info.plist", name, purchaser
    return "no", "no App Store record (iTunesMetadata) in Info.plist", name, purchaser


# ---- configuration profiles and supervision ---------------------------------------------------


def _profiles(backup: Backup, facts: IPhoneFacts) -> CheckRow:
    try:
        in_domain = backup.files("domain = ?", (PROFILES_DOMAIN,), limit=1)
        rows = backup.files(
            "domain = ? AND relativePath LIKE ? AND flags = ?",
            (PROFILES_DOMAIN, "%profile-%", FLAG_FILE),
            limit=MAX_PROFILES + 1,
        )
        rows = [r for r in rows if r.relative_path.rsplit("/", 1)[-1].startswith("profile-")]
    except BackupFileError as exc:
        facts.profiles = None
        return CheckRow(
            PROFILES, CoverageStatus.FAILED, "iphone.coverage.failed", {"reason": exc.reason}
        )
    failed: list[str] = []
    profiles: list[ProfileFacts] = []
    for row in rows[:MAX_PROFILES]:
        try:
            parsed = mapping(load_plist(backup.read(row, MAX_PROFILE_BYTES), MAX_PROFILE_BYTES))
        except (BackupFileError, PlistError) as exc:
            reason = exc.reason if isinstance(exc, BackupFileError) else str(exc)
            failed.append(f"{row.relative_path}: {reason}")
            continue
        profiles.append(profile_from_plist(parsed, row))
    facts.profiles = profiles
    facts.management = _management(backup, failed)
    details = tuple(failed)
    values = {"count": str(len(profiles))}
    if not in_domain:
        return CheckRow(PROFILES, CoverageStatus.PARTIAL, "iphone.coverage.profiles_absent")
    if failed or len(rows) > MAX_PROFILES:
        return CheckRow(
            PROFILES,
            CoverageStatus.PARTIAL,
            "iphone.coverage.partial",
            values | {"reason": "; ".join(details[:5]) or f"more than {MAX_PROFILES} profiles"},
            details,
        )
    return CheckRow(PROFILES, CoverageStatus.OK, "iphone.coverage.profiles", values)


def profile_from_plist(profile: dict[str, Any], row: BackupFile | None = None) -> ProfileFacts:
    """A configuration profile (its top-level keys and `PayloadContent`)."""
    types: list[str] = []
    server = ""
    proxy = False
    for payload in items(profile.get("PayloadContent"))[:MAX_PAYLOADS]:
        content = mapping(payload)
        kind = text(content.get("PayloadType"), 120)
        if kind:
            types.append(kind)
        if kind == "com.apple.mdm":
            server = server or host_of(text(content.get("ServerURL"), 2048))
        if kind == "com.apple.wifi.managed" and text(content.get("ProxyType")) in (
            "Manual",
            "Auto",
        ):
            proxy = True
    location = ""
    if row is not None:
        location = f"{row.domain}/{row.relative_path}"
    return ProfileFacts(
        identifier=text(profile.get("PayloadIdentifier"), 200)
        or (row.relative_path if row else ""),
        name=text(profile.get("PayloadDisplayName"), 200),
        organization=text(profile.get("PayloadOrganization"), 200),
        description=text(profile.get("PayloadDescription"), 300),
        payload_types=tuple(dict.fromkeys(types)),
        removal_disallowed=flag(profile.get("PayloadRemovalDisallowed")),
        installed=moment(profile.get("InstallDate")),
        mdm_server=server,
        proxy=proxy,
        source=location,
    )


def _management(backup: Backup, failed: list[str]) -> ManagementFacts | None:
    try:
        row = backup.find(PROFILES_DOMAIN, CLOUD_CONFIGURATION)
    except BackupFileError as exc:
        failed.append(f"{CLOUD_CONFIGURATION}: {exc.reason}")
        return None
    if row is None:
        return None
    try:
        details = mapping(load_plist(backup.read(row, MAX_PROFILE_BYTES), MAX_PROFILE_BYTES))
    except (BackupFileError, PlistError) as exc:
        reason = exc.reason if isinstance(exc, BackupFileError) else str(exc)
        failed.append(f"{CLOUD_CONFIGURATION}: {reason}")
        return None
    return management_from(details, f"{PROFILES_DOMAIN}/{CLOUD_CONFIGURATION}")


def management_from(details: dict[str, Any], source: str) -> ManagementFacts:
    """The cloud configuration's keys (the same in a backup's plist and over USB)."""
    return ManagementFacts(
        supervised=flag(details.get("IsSupervised")),
        organization=text(details.get("OrganizationName"), 200),
        enrolment_server=host_of(text(details.get("ConfigurationURL"), 2048)),
        mdm_unremovable=flag(details.get("IsMDMUnremovable")),
        source=source,
    )


# ---- jailbreak ------------------------------------------------------------------------------


def jailbreak_app_signs(apps: list[AppFacts], source: str) -> list[JailbreakSign]:
    """Package managers and jailbreak tools among the apps, and non-Apple apps installed where
    iOS keeps its own."""
    signs: list[JailbreakSign] = []
    for app in apps:
        label = known.JAILBREAK_APPS.get(app.bundle_id)
        if label:
            signs.append(JailbreakSign("app", app.bundle_id, label, source))
        elif app.path.startswith(known.SYSTEM_APP_FOLDERS) and not app.bundle_id.startswith(
            known.APPLE_PREFIX
        ):
            signs.append(JailbreakSign("system-app", app.bundle_id, app.path, source))
    return signs


def _jailbreak(backup: Backup, facts: IPhoneFacts) -> CheckRow:
    signs = jailbreak_app_signs(facts.apps or [], "Manifest.plist")
    pieces = known.JAILBREAK_PATHS
    where = " OR ".join("domain LIKE ? OR relativePath LIKE ?" for _ in pieces)
    params = tuple(f"%{p}%" for p in pieces for _ in (0, 1))
    try:
        rows = backup.files(f"({where})", params, limit=50)
    except BackupFileError as exc:
        facts.jailbreak = signs
        return CheckRow(
            JAILBREAK,
            CoverageStatus.PARTIAL,
            "iphone.coverage.jailbreak_apps_only",
            {"reason": exc.reason},
        )
    for row in rows:
        found = f"{row.domain}/{row.relative_path}"
        piece = next((p for p in pieces if p.lower() in found.lower()), "")
        signs.append(JailbreakSign("file", found, piece, "Manifest.db"))
    facts.jailbreak = signs
    return CheckRow(JAILBREAK, CoverageStatus.OK, "iphone.coverage.jailbreak")


def valid_bundle_id(bundle: str) -> bool:
    return BUNDLE_ID.fullmatch(bundle) is not None

"""Judging what was read on a phone: which rule of `data/rules/phone.yaml` each entry triggers.
Plain functions, one entry at a time, no I/O."""

from __future__ import annotations

import re

from safecheck.core.entries import Entry, Hit

CLOCK_TOLERANCE = 300  # seconds
OLD_PATCH_DAYS = 365
# Installed (not preinstalled) apps whose id claims to be part of the system.
SYSTEM_PREFIXES = ("com.android.", "android.", "com.google.android.gms.", "com.samsung.android.")
# Words of system components, as whole dot-separated parts or run together ("systemservice").
SYSTEM_WORDS = re.compile(
    r"(?:^|[._])(?:system|service|services|update|updater|framework|sysupdate|syscore)(?:$|[._])"
    r"|system.?(?:service|update|manager|core|sync|health)|android.?(?:system|service|update)"
    r"|google.?(?:service|update)s?(?:$|\.)",
    re.IGNORECASE,
)
APPOP_RULES = {
    "REQUEST_INSTALL_PACKAGES": "SC-AND-INSTALL-APPS",
    "SYSTEM_ALERT_WINDOW": "SC-AND-OVERLAY",
    "GET_USAGE_STATS": "SC-AND-USAGE-ACCESS",
    "BACKGROUND_LOCATION": "SC-AND-BACKGROUND-LOCATION",
}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _named(entry: Entry) -> dict[str, str]:
    return {"name": entry.detail("indicator") or entry.name, "program": entry.name}


def _installed(entry: Entry) -> bool:
    """Installed by someone (not part of the system), or unknown: worth judging."""
    return entry.detail("third_party") != "no" or bool(entry.detail("indicator"))


def impersonates_system(package: str) -> bool:
    return package.startswith(SYSTEM_PREFIXES) or SYSTEM_WORDS.search(package) is not None


def _app(entry: Entry) -> list[Hit]:
    hits: list[Hit] = []
    kind = entry.detail("indicator_type")
    if kind == "stalkerware":
        hits.append(Hit("SC-AND-STALKERWARE", entry.name, entry, _named(entry)))
    elif kind == "watchware":
        hits.append(Hit("SC-AND-WATCHWARE", entry.name, entry, _named(entry)))
    if entry.detail("third_party") != "yes":
        return hits
    if impersonates_system(entry.name) and entry.detail("store") != "yes" and not kind:
        hits.append(Hit("SC-AND-IMPERSONATION", entry.name, entry, _named(entry)))
    if entry.detail("store") != "yes" and not kind:
        hits.append(Hit("SC-AND-OFFSTORE", "", entry))
    if entry.detail("launcher") == "no":
        hits.append(Hit("SC-AND-HIDDEN", "", entry))
    return hits


def _setting(entry: Entry) -> list[Hit]:
    value = entry.detail("value")
    rule = {
        ("package_verifier_enable", "0"): "SC-AND-PLAY-PROTECT-OFF",
        ("package_verifier_user_consent", "-1"): "SC-AND-PLAY-PROTECT-OFF",
        ("verifier_verify_adb_installs", "0"): "SC-AND-ADB-VERIFY-OFF",
        ("install_non_market_apps", "1"): "SC-AND-UNKNOWN-SOURCES",
        ("development_settings_enabled", "1"): "SC-AND-DEBUGGING-ON",
        ("adb_enabled", "1"): "SC-AND-DEBUGGING-ON",
    }.get((entry.name, value or ""))
    return [Hit(rule, "", entry)] if rule else []


def _device(entry: Entry) -> list[Hit]:
    hits: list[Hit] = []
    offset = _int(entry.detail("clock_offset"))
    if offset is not None and abs(offset) > CLOCK_TOLERANCE:
        hits.append(Hit("SC-AND-CLOCK", "", entry))
    age = _int(entry.detail("patch_age_days"))
    if age is not None and age > OLD_PATCH_DAYS:
        hits.append(Hit("SC-AND-PATCH-OLD", "", entry, {"name": entry.detail("patch") or ""}))
    return hits


def judge_phone(entry: Entry) -> list[Hit]:
    """The rules one phone entry triggers (none for most)."""
    hits = _judge(entry)
    if entry.detail("invalid_name") == "yes":  # the phone's answers were tampered with
        hits.append(Hit("SC-AND-TAMPERED-NAME", entry.name, entry, _named(entry)))
    return hits


def _judge(entry: Entry) -> list[Hit]:
    kind = entry.kind
    if kind == "android-app":
        return _app(entry)
    if kind == "android-setting":
        return _setting(entry)
    if kind == "android-device":
        return _device(entry)
    if kind == "android-root":
        return [Hit("SC-AND-ROOT", "", entry)]
    if kind == "android-account":
        return [Hit("SC-AND-ACCOUNTS", "", entry)]
    if kind == "android-device-owner":
        return [Hit("SC-AND-DEVICE-OWNER", entry.name, entry, _named(entry))]
    if not _installed(entry):
        return []  # a power held by the phone's own system apps
    hits = _power(entry)
    if entry.detail("unlisted") == "yes":
        hits.append(Hit("SC-AND-UNLISTED-APP", entry.name, entry, _named(entry)))
    return hits


def _power(entry: Entry) -> list[Hit]:
    kind = entry.kind
    if kind == "android-accessibility":
        return [Hit("SC-AND-ACCESSIBILITY", entry.name, entry, _named(entry))]
    if kind == "android-notification-listener":
        return [Hit("SC-AND-NOTIFICATIONS", entry.name, entry, _named(entry))]
    if kind == "android-device-admin":
        return [Hit("SC-AND-DEVICE-ADMIN", entry.name, entry, _named(entry))]
    if kind == "android-appop":
        if entry.detail("recent") == "yes":
            return [Hit("SC-AND-RECENT-SENSORS", "", entry)]
        rule = APPOP_RULES.get(entry.detail("op") or "")
        return [Hit(rule, "", entry)] if rule else []
    return []

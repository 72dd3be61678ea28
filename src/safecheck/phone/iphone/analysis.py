"""Judging iPhone entries: which rule of `data/rules/iphone.yaml` each one triggers. Plain
functions, one entry at a time, no I/O."""

from __future__ import annotations

from safecheck.core.entries import Entry, Hit

OLD_IOS_MAJORS = 1  # a phone this many major versions behind what it can run gets a finding


def _named(entry: Entry, name: str | None = None) -> dict[str, str]:
    return {"name": name or entry.detail("indicator") or entry.name, "program": entry.name}


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def _app(entry: Entry) -> list[Hit]:
    kind = entry.detail("indicator_type")
    if kind == "stalkerware":
        return [Hit("SC-IOS-STALKERWARE", entry.name, entry, _named(entry))]
    if kind == "watchware":
        return [Hit("SC-IOS-WATCHWARE", entry.name, entry, _named(entry))]
    if entry.detail("store") == "no" and entry.detail("system") != "yes":
        return [Hit("SC-IOS-NOT-APP-STORE", "", entry)]
    return []


def _profile(entry: Entry) -> list[Hit]:
    issuer = entry.detail("organization") or "?"
    values = {"name": entry.detail("display") or entry.name, "program": issuer}
    if entry.detail("mdm") == "yes":
        return [Hit("SC-IOS-MDM", "mdm", entry, {"name": issuer, "program": issuer})]
    if entry.detail("watching"):
        return [Hit("SC-IOS-PROFILE-WATCHING", entry.name, entry, values)]
    return [Hit("SC-IOS-PROFILE", entry.name, entry, values)]


def _management(entry: Entry) -> list[Hit]:
    hits: list[Hit] = []
    issuer = entry.detail("organization") or "?"
    if entry.detail("supervised") == "yes":
        hits.append(Hit("SC-IOS-SUPERVISED", "", entry, {"name": issuer, "program": issuer}))
    if entry.detail("enrolment_server"):
        hits.append(Hit("SC-IOS-MDM", "mdm", entry, {"name": issuer, "program": issuer}))
    return hits


def _device(entry: Entry) -> list[Hit]:
    hits: list[Hit] = []
    behind = _int(entry.detail("majors_behind"))
    if behind is not None and behind >= OLD_IOS_MAJORS:
        version = entry.detail("ios") or "?"
        hits.append(
            Hit(
                "SC-IOS-OLD-VERSION",
                "",
                entry,
                {"name": version, "program": entry.detail("newest_ios") or "?"},
            )
        )
    if entry.detail("passcode") == "no":
        hits.append(Hit("SC-IOS-NO-PASSCODE", "", entry))
    if entry.detail("developer_mode") == "yes":
        hits.append(Hit("SC-IOS-DEVELOPER-MODE", "", entry))
    return hits


def judge_iphone(entry: Entry) -> list[Hit]:
    """The rules one iPhone entry triggers (none for most)."""
    kind = entry.kind
    if kind == "iphone-app":
        return _app(entry)
    if kind == "iphone-profile":
        return _profile(entry)
    if kind == "iphone-management":
        return _management(entry)
    if kind == "iphone-device":
        return _device(entry)
    if kind == "iphone-jailbreak":
        return [Hit("SC-IOS-JAILBREAK", "", entry)]
    if kind == "iphone-site-visit" and entry.detail("indicator_type") == "stalkerware":
        return [Hit("SC-IOS-STALKERWARE-SITE", entry.name, entry, _named(entry))]
    if kind == "iphone-apple-accounts":
        return [Hit("SC-IOS-APPLE-ACCOUNTS", "", entry, {"count": entry.detail("accounts") or ""})]
    return []

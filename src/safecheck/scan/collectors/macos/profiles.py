"""`macos.profiles`: configuration profiles and device management (MDM) enrolment.

Entries:
- "config-profile": one per profile in the stored profiles
  (/private/var/db/ConfigurationProfiles/Store/*: property lists, XML or binary), name = its
  PayloadDisplayName or PayloadIdentifier; details: identifier, organization, payload-types;
- "mdm-enrollment": the device management enrolment: a profile holding a com.apple.mdm payload
  (details server-url, topic), the Automated Device Enrolment markers
  /private/var/db/ConfigurationProfiles/Settings/.cloudConfigRecordFound and
  .cloudConfigProfileInstalled, or, live, `profiles status -type enrollment`;
- "managed-preference": one per property list of /Library/Managed Preferences (and its
  per-person folders): settings imposed by management;
- live only (`profiles list`): "config-profile" per profile identifier listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import Host
from safecheck.scan.collectors.macos import PLATFORMS, MacReader, text_of

COLLECTOR_ID = "macos.profiles"
STORE = "/private/var/db/ConfigurationProfiles/Store"
SETTINGS = "/private/var/db/ConfigurationProfiles/Settings"
CLOUD_MARKERS = (".cloudConfigRecordFound", ".cloudConfigProfileInstalled")
MANAGED_PREFS = "/Library/Managed Preferences"
MDM_PAYLOAD = "com.apple.mdm"
_LIST_LINE = re.compile(r"^(\S+?)\[\d+\]\s+attribute:\s+profileIdentifier:\s+(\S+)")
_STATUS_LINE = re.compile(r"^\s*(Enrolled via DEP|MDM enrollment|MDM server)\s*:\s*(.+?)\s*$")


class ProfilesCollector:
    id = COLLECTOR_ID
    platforms = PLATFORMS
    live_only = False

    def collect(self, host: Host) -> CollectorResult:
        reader = MacReader(host, COLLECTOR_ID)
        for entry in reader.walk(STORE, 2):
            data = reader.plist(entry.path)
            if data is not None:
                for profile in _profiles(data):
                    _profile(reader, entry.path, profile)
        for marker in CLOUD_MARKERS:
            path = f"{SETTINGS}/{marker}"
            if host.lstat(path) is not None:
                reader.looked_at()
                reader.add(
                    "mdm-enrollment",
                    path,
                    "Automated Device Enrollment",
                    enabled=True,
                    details=(("source", marker.lstrip(".")),),
                )
        for entry in reader.walk(MANAGED_PREFS, 2):
            if entry.name.endswith(".plist"):
                reader.looked_at()
                reader.add(
                    "managed-preference",
                    entry.path,
                    entry.name.removesuffix(".plist"),
                    details=(("domain", entry.name.removesuffix(".plist")),),
                )
        if host.live and host.runner is not None:
            _live(reader, host)
        return reader.result


def _profiles(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Profiles (dicts with PayloadType "Configuration", or top-level ones with
    PayloadContent) anywhere in a stored property list."""
    if depth > 8:
        return
    if isinstance(data, dict):
        kind = data.get("PayloadType")
        if kind == "Configuration" or (depth == 0 and "PayloadContent" in data):
            yield data
            return
        for value in data.values():
            yield from _profiles(value, depth + 1)
    elif isinstance(data, list):
        for value in data:
            yield from _profiles(value, depth + 1)


def _payloads(profile: dict[str, Any]) -> list[dict[str, Any]]:
    content = profile.get("PayloadContent")
    if not isinstance(content, list):
        return []
    return [p for p in content if isinstance(p, dict)]


def _profile(reader: MacReader, path: str, profile: dict[str, Any]) -> None:
    identifier = text_of(profile.get("PayloadIdentifier")) or ""
    name = text_of(profile.get("PayloadDisplayName")) or identifier or "?"
    payloads = _payloads(profile)
    types = sorted({t for p in payloads if (t := text_of(p.get("PayloadType")))})
    details = [("identifier", identifier), ("payload-types", ",".join(types))]
    organization = text_of(profile.get("PayloadOrganization"))
    if organization:
        details.append(("organization", organization))
    reader.add("config-profile", path, name, details=tuple(details))
    for payload in payloads:
        if payload.get("PayloadType") != MDM_PAYLOAD:
            continue
        mdm = [("source", "profile"), ("identifier", identifier)]
        for key, label in (("ServerURL", "server-url"), ("Topic", "topic")):
            value = text_of(payload.get(key))
            if value:
                mdm.append((label, value))
        if organization:
            mdm.append(("organization", organization))
        reader.add("mdm-enrollment", path, name, enabled=True, details=tuple(mdm))


def parse_profiles_list(text: str) -> list[tuple[str, str]]:
    """(scope, identifier) from `profiles list`: `_computerlevel[1] attribute:
    profileIdentifier: com.example` (scope `_computerlevel` or a user name)."""
    out: list[tuple[str, str]] = []
    for line in text.splitlines():
        found = _LIST_LINE.match(line.strip())
        if found:
            out.append((found.group(1), found.group(2)))
    return out


def parse_enrollment_status(text: str) -> dict[str, str]:
    """`profiles status -type enrollment`: {"Enrolled via DEP": "No", "MDM enrollment":
    "Yes (User Approved)", "MDM server": "https://..."} (lines it does not know are skipped)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        found = _STATUS_LINE.match(line)
        if found:
            out[found.group(1)] = found.group(2)
    return out


def _live(reader: MacReader, host: Host) -> None:
    runner = host.runner
    if runner is None:
        return
    code, text = runner.run(["profiles", "list"], 20.0)
    if code == 0:
        reader.looked_at()
        for scope, identifier in parse_profiles_list(text):
            user = None if scope == "_computerlevel" else scope
            reader.add(
                "config-profile",
                "profiles list",
                identifier,
                user=user,
                details=(("identifier", identifier), ("source", "profiles list")),
            )
    code, text = runner.run(["profiles", "status", "-type", "enrollment"], 20.0)
    if code == 0:
        reader.looked_at()
        status = parse_enrollment_status(text)
        dep = status.get("Enrolled via DEP", "").lower().startswith("yes")
        mdm = status.get("MDM enrollment", "").lower().startswith("yes")
        if dep or mdm:
            details = [("source", "profiles status")]
            details += [(k.lower().replace(" ", "-"), v) for k, v in status.items()]
            reader.add(
                "mdm-enrollment",
                "profiles status",
                "Automated Device Enrollment" if dep else "MDM enrollment",
                enabled=True,
                details=tuple(details),
            )

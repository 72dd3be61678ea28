"""Judging what the macOS collectors found: catalog matches by bundle id, launchd label and
path, and the rules of macOS-only kinds (privacy permissions, sharing, device management,
authorization plugins). Plain functions, no I/O; registered for entries of macOS collectors.

The program heuristics of `common` (runs from /tmp, hidden folder, download-and-run) also apply
to launchd jobs, login items and cron lines, since they start programs.
"""

from __future__ import annotations

from collections.abc import Iterator

from safecheck.catalog.index import Match
from safecheck.core.entries import Entry, Hit
from safecheck.scan.analysis.base import TOOL_RULES, Context, on_macos, register

APPLE_PREFIX = "com.apple."
APPLE_PATHS = ("/System/", "/usr/libexec/", "/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/")
# Privacy permissions a monitoring tool needs, and the rule of each.
TCC_RULES = {
    "kTCCServiceScreenCapture": "SC-MAC-TCC-SCREEN",
    "kTCCServiceAccessibility": "SC-MAC-TCC-CONTROL",
    "kTCCServicePostEvent": "SC-MAC-TCC-CONTROL",
    "kTCCServiceListenEvent": "SC-MAC-TCC-KEYBOARD",
    "kTCCServiceSystemPolicyAllFiles": "SC-MAC-TCC-FILES",
    "kTCCServiceCamera": "SC-MAC-TCC-CAMERA",
    "kTCCServiceMicrophone": "SC-MAC-TCC-MICROPHONE",
}
SCREEN_SERVICES = frozenset({"screen-sharing", "remote-management"})
CATALOG_KINDS = frozenset(
    {
        "launchd-job",
        "login-item",
        "app",
        "tcc-grant",
        "kernel-extension",
        "system-extension",
        "auth-plugin",
        "config-profile",
        "startup-item",
    }
)


def is_apple(identifier: str) -> bool:
    """An Apple bundle id or a program of the system itself."""
    return identifier.lower().startswith(APPLE_PREFIX) or identifier.startswith(APPLE_PATHS)


def _values(entry: Entry) -> dict[str, str]:
    return {
        "name": entry.name,
        "path": entry.location,
        "user": entry.user or "",
        "program": entry.program or entry.command or entry.name,
    }


def _catalog_hits(entry: Entry, ctx: Context) -> Iterator[Hit]:
    index = ctx.index
    matches: list[Match] = []
    bundle_id = entry.detail("bundle-id")
    if bundle_id:
        matches += index.by_bundle_id(bundle_id)
    if entry.kind == "launchd-job":
        matches += index.by_label(entry.detail("label") or entry.name)
    elif entry.kind == "login-item" and bundle_id:
        matches += index.by_label(bundle_id)  # sfltool lists a daemon by its launchd label
    if entry.kind == "tcc-grant" and not bundle_id:
        matches += index.by_path(entry.name, "darwin")
    if entry.location.startswith("/"):
        matches += index.by_path(entry.location, "darwin")
    unique = {m.tool.id: m for m in reversed(matches)}  # one hit per tool
    for match in unique.values():
        tool = match.tool
        values = {"tool": tool.name, "name": entry.name, "program": entry.program or ""}
        yield Hit(TOOL_RULES[tool.category], tool.id, entry, values, tool)


def _kind_hits(entry: Entry) -> Iterator[Hit]:
    values = _values(entry)
    kind = entry.kind
    if kind == "tcc-grant":
        rule = TCC_RULES.get(entry.detail("service") or "")
        if rule and not is_apple(entry.name):
            key = f"{entry.user or '*'}:{entry.name}:{rule}"
            yield Hit(rule, key, entry, values)
    elif kind == "macos-sharing" and entry.enabled:
        service = entry.detail("service") or entry.name
        rule = "SC-MAC-SHARING-SCREEN" if service in SCREEN_SERVICES else "SC-MAC-SHARING-ON"
        yield Hit(rule, service, entry, values)
    elif kind == "mdm-enrollment":
        yield Hit("SC-MAC-MDM-ENROLLED", "mdm", entry, values)
    elif kind == "config-profile":
        types = (entry.detail("payload-types") or "").split(",")
        identifier = entry.detail("identifier") or entry.name
        if "com.apple.mdm" not in types and not is_apple(identifier):
            yield Hit("SC-MAC-PROFILE", identifier, entry, values)
    elif kind == "auth-plugin" and not is_apple(entry.detail("bundle-id") or ""):
        yield Hit("SC-MAC-AUTH-PLUGIN", entry.location, entry, values)
    elif kind == "startup-item":
        yield Hit("SC-MAC-STARTUP-ITEM", entry.location, entry, values)
    elif kind == "cron-job" and entry.collector == "macos.schedule":
        yield Hit("SC-MAC-CRON-JOB", f"{entry.location}:{entry.line}", entry, values)
    elif kind == "launchd-job" and entry.detail("dyld-insert"):
        yield Hit("SC-MAC-DYLD-INSERT", entry.location, entry, values)


@register("macos", order=20, applies=on_macos)
def judge_macos(entry: Entry, ctx: Context) -> list[Hit]:
    """The macOS rules one entry triggers (none for entries of other collectors)."""
    if not on_macos(entry):
        return []
    hits: list[Hit] = []
    if entry.kind in CATALOG_KINDS:
        hits += _catalog_hits(entry, ctx)
    hits += _kind_hits(entry)
    return hits

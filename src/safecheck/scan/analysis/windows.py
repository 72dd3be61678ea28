"""Judging what the Windows collectors found. Plain functions over entries, no I/O.

Each entry is looked up in the catalog (service names, program names and paths, registry keys,
installed programs' names), then checked for the ways a hidden tool starts on Windows: an
Image File Execution Options debugger, AppInit DLLs, a replaced Winlogon shell, programs kept
in temporary or shared folders, and command lines that download and run code.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator

from safecheck.catalog.index import WINDOWS_FOLDERS, CatalogIndex, Match
from safecheck.catalog.model import ArtifactKind
from safecheck.core.entries import Entry, Hit
from safecheck.scan.analysis.base import TOOL_RULES, Context, on_windows, register

PLATFORM = "win32"
# Entries that start a program on their own: checked for odd places and download commands.
STARTS_PROGRAMS = frozenset(
    {
        "run-key",
        "winlogon",
        "ifeo-debugger",
        "appinit",
        "active-setup",
        "service",
        "startup-item",
        "scheduled-task",
        "wmi-consumer",
    }
)
ODD_PLACES = re.compile(
    r"(?:^|/)appdata/local/temp/"  # %TEMP%
    r"|^c:/windows/temp/"
    r"|^c:/temp/"
    r"|^c:/users/public/"
    r"|^c:/programdata/[^/]+$"  # a program straight in ProgramData, not in a vendor folder
    r"|^~/appdata/(?:roaming|local)/[^/]+$"  # straight in AppData
    r"|^c:/\$recycle\.bin/"
    r"|/(?:\.[^/]+)/",  # a hidden (dot) folder
)
ODD_NAME = re.compile(
    r"^\."  # hidden file
    r"|\.(?:pdf|docx?|xlsx?|jpe?g|png|txt)\.(?:exe|scr|com|bat|cmd|vbs|js)$"  # double extension
    r"|^[0-9a-f]{12,}\.(?:exe|dll|scr)$",  # random hexadecimal name
    re.IGNORECASE,
)
_FETCH = (
    r"(?:downloadstring|downloaddata|net\.webclient|iwr|invoke-webrequest|irm|invoke-restmethod)"
)
DOWNLOAD_EXEC = re.compile(
    r"\b(?:powershell|pwsh)(?:\.exe)?\b.*\s[-/]e(?:c|n|nc|nco|ncod|ncode|ncoded\w*)?\s+"
    r"[\w+/=]{16,}"
    rf"|\b(?:iex|invoke-expression)\b.*\b{_FETCH}\b"
    rf"|\b{_FETCH}\b.*\|\s*(?:iex|invoke-expression)\b"
    r"|\bmshta(?:\.exe)?\b\s*[\"']?(?:https?:|javascript:|vbscript:)"
    r"|\brundll32(?:\.exe)?\b.*\bjavascript:"
    r"|\bbitsadmin(?:\.exe)?\b.*\s/transfer\b"
    r"|\bcertutil(?:\.exe)?\b.*\s[-/]urlcache\b"
    r"|\bregsvr32(?:\.exe)?\b.*\s/i:\s*https?:",
    re.IGNORECASE,
)
_HOME = re.compile(r"^c:/users/(?!public/|public$|default/)[^/]+(?=/|$)")
_names: weakref.WeakKeyDictionary[CatalogIndex, dict[str, list[Match]]] = (
    weakref.WeakKeyDictionary()
)


def windows_path(path: str) -> str:
    """A Windows path in one spelling: lower case, `/`, known `%VARIABLES%` written out, a
    person's home folder written `~`."""
    text = path.strip().strip('"').replace("\\", "/").lower()
    if text.startswith("/") and not text.startswith("//"):
        text = "c:" + text  # a path relative to the system drive, as collectors keep them
    variable = re.match(r"^%[^%/]+%", text)
    if variable and variable.group(0) in WINDOWS_FOLDERS:
        text = WINDOWS_FOLDERS[variable.group(0)] + text[variable.end() :]
    text = re.sub(r"^\\?\?/|^\\\\\?/", "", text)
    text = re.sub(r"^(?:/)?systemroot/", "c:/windows/", text)
    home = _HOME.match(text)
    return "~" + text[home.end() :] if home else text


def _base(path: str) -> str:
    return re.split(r"[/\\]", path.strip().strip('"'))[-1]


def _tool_names(index: CatalogIndex) -> dict[str, list[Match]]:
    """Tool names and aliases, lower case, for matching an installed program's DisplayName."""
    found = _names.get(index)
    if found is None:
        found = {}
        for tool in index.catalog.tools:
            for name in (tool.name, *tool.aliases):
                key = name.strip().lower()
                if len(key) >= 4:  # two- or three-letter names match too much
                    found.setdefault(key, []).append(Match(tool, ArtifactKind.PACKAGE, name))
        _names[index] = found
    return found


def _by_display_name(display: str, index: CatalogIndex) -> list[Match]:
    """ "TeamViewer 15" and "TeamViewer Host" are TeamViewer: the name, then shorter prefixes."""
    names = _tool_names(index)
    words = display.strip().lower().split()
    out: list[Match] = []
    for end in range(len(words), 0, -1):
        out += names.get(" ".join(words[:end]), [])
    return out


def _catalog_hits(entry: Entry, ctx: Context) -> Iterator[Hit]:
    index = ctx.index
    matches: list[Match] = []
    if entry.kind == "service":
        matches += index.by_service(entry.name, PLATFORM)
        matches += index.by_registry_key(entry.location)
    if entry.kind == "installed-program":
        matches += index.by_package(entry.name, PLATFORM)
        matches += _by_display_name(entry.name, index)
        matches += index.by_registry_key(entry.location)
    if entry.kind == "program-file":  # a renamed copy keeps its version information
        for key in ("original-name", "internal-name"):
            name = entry.detail(key)
            if name:
                matches += index.by_process(_base(name), PLATFORM)
        product = entry.detail("product")
        if product:
            matches += _by_display_name(product, index)
    if entry.kind == "defender-exclusion" and entry.detail("exclusion") == "process":
        matches += index.by_process(_base(entry.name), PLATFORM)
    program = entry.program or ""
    if program and entry.kind not in ("rdp", "remote-assistance"):
        if entry.kind != "installed-program":
            matches += index.by_process(_base(program), PLATFORM)
        matches += index.by_path(windows_path(program), PLATFORM)
    seen: set[str] = set()
    for match in matches:
        if match.tool.id in seen:
            continue
        seen.add(match.tool.id)
        values = {"tool": match.tool.name, "name": entry.name, "program": program}
        yield Hit(TOOL_RULES[match.tool.category], match.tool.id, entry, values, match.tool)


def _values(entry: Entry) -> dict[str, str]:
    return {
        "name": entry.name,
        "path": entry.location,
        "program": entry.program or entry.command or "",
        "user": entry.user or "",
    }


def _winlogon_changed(entry: Entry) -> bool:
    expected = "explorer.exe" if entry.name.lower() == "shell" else "userinit.exe"
    programs = [p for p in (entry.detail("programs") or "").split("|") if p.strip()]
    return any(_base(p).lower() != expected for p in programs)


def _kind_hits(entry: Entry, values: dict[str, str]) -> Iterator[Hit]:
    kind = entry.kind
    if kind == "ifeo-debugger":
        yield Hit("SC-WIN-IFEO-DEBUGGER", entry.location, entry, values)
    elif kind == "appinit":
        rule = "SC-WIN-APPINIT" if entry.enabled is not False else "SC-WIN-APPINIT-LISTED"
        yield Hit(rule, entry.location, entry, values)
    elif kind == "winlogon" and _winlogon_changed(entry):
        shown = {**values, "program": entry.command or values["program"]}  # the whole value
        yield Hit("SC-WIN-WINLOGON", f"{entry.location}:{entry.name}", entry, shown)
    elif kind == "rdp" and entry.enabled:
        yield Hit("SC-WIN-RDP-ENABLED", "rdp", entry, values)
    elif kind == "remote-assistance" and entry.enabled:
        yield Hit("SC-WIN-REMOTE-ASSISTANCE", "remote-assistance", entry, values)
    elif kind == "wmi-consumer":
        shown = {**values, "program": entry.command or values["program"]}
        yield Hit("SC-WIN-WMI-CONSUMER", f"wmi:{entry.name}", entry, shown)
    elif kind == "defender-exclusion":
        key = f"{entry.detail('exclusion')}:{entry.name.lower()}"
        yield Hit("SC-WIN-DEFENDER-EXCLUSION", key, entry, values)


def _program_hits(entry: Entry, values: dict[str, str]) -> Iterator[Hit]:
    command = entry.command or ""
    if DOWNLOAD_EXEC.search(command):
        yield Hit("SC-WIN-DOWNLOAD-EXEC", f"{entry.location}:{entry.name}", entry, values)
    program = entry.program or ""
    if not program:
        return
    place = windows_path(program)
    if ODD_PLACES.search(place) or ODD_NAME.search(_base(place)):
        yield Hit("SC-WIN-ODD-LOCATION", place, entry, values)


@register("windows", order=10, applies=on_windows)
def judge_windows(entry: Entry, ctx: Context) -> list[Hit]:
    """Every rule one entry of a Windows collector triggers."""
    values = _values(entry)
    hits = list(_catalog_hits(entry, ctx))
    hits += _kind_hits(entry, values)
    # A disabled service, task or Active Setup component runs nothing on its own.
    if entry.kind in STARTS_PROGRAMS and entry.enabled is not False:
        hits += _program_hits(entry, values)
    return hits

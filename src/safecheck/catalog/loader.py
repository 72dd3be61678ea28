"""Load and validate the tool catalog, collecting every problem as `file:line:col: message`.

The catalog is a folder of YAML files (`data/catalog/*.yaml`, one per category). Each file has
`sources` (id: "Title, https://address") and `tools`. The format is documented in
docs/catalog-format.md; keep the two in step.

Besides the shape of the data, the validator refuses artifacts that would point to every
computer rather than to one tool: common process names (`svchost.exe`, `python`, `sshd`),
shared folders (`C:\\Program Files`), ports every program uses (443), shared domains
(`amazonaws.com`), wildcards. A scan that flags everything helps no one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import yaml

from safecheck.catalog.compiled import PACKAGED_DIR, catalog_files, load_compiled
from safecheck.catalog.index import (
    WINDOWS_FOLDERS,
    domain_key,
    name_key,
    path_key,
    process_key,
    registry_key,
    service_key,
)
from safecheck.catalog.model import (
    PLATFORM_KEYS,
    PLATFORMS,
    Artifacts,
    Catalog,
    Category,
    PlatformArtifacts,
    PortRange,
    Tool,
)
from safecheck.core.errors import DataError, Problem
from safecheck.core.i18n import LANGUAGES
from safecheck.core.yamlio import (
    INT_TAG,
    NULL_TAG,
    Problems,
    as_int,
    as_list,
    as_localized,
    as_mapping,
    as_open_mapping,
    as_text,
    as_text_list,
    as_word,
    compose_file,
    did_you_mean,
)

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HTTPS_ADDRESS = re.compile(r"https://[^\s,;]+\.[^\s,;]+")
REVERSE_DNS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)+$")
DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")
PORT_RANGE = re.compile(r"^\s*(\d{1,6})\s*-\s*(\d{1,6})\s*$")
WILDCARDS = re.compile(r"[*?]")
CATEGORIES = [c.value for c in Category]
# Words people use for a category, and the category they mean.
CATEGORY_HINTS = {
    "stalkerware": "monitoring",
    "spyware": "monitoring",
    "employee-monitoring": "monitoring",
    "parental": "parental-control",
    "parental-controls": "parental-control",
    "remote": "remote-access",
    "rmm": "remote-access",
    "rat": "remote-access",
    "vpn": "tunnel",
}

FILE_REQUIRED = ("sources", "tools")
TOOL_REQUIRED = ("id", "name", "category", "does", "artifacts", "source")
TOOL_OPTIONAL = ("aliases",)
ARTIFACT_KEYS = (*PLATFORMS, "ports", "domains")
MAX_PORT_RANGE = 1000


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Names found on nearly every computer, or so vague they would: never an artifact of one tool.
# Compared in normal form (lower case, without `.exe`, without `.service`). The tests keep the
# same list, so removing a name here makes them fail.
GENERIC_NAMES = _words(
    """
    agent app application bash chrome client cmd conhost core csrss cscript curl daemon
    dbus-daemon dllhost electron explorer firefox helper host init install installer java javaw
    launcher launchd lsass main monitor msedge msiexec node perl php powershell pwsh python
    python3 pythonw remote ruby run rundll32 server service services setup sh smss ssh
    ssh-agent sshd start svchost system systemd taskhost taskhostw tray uninstall update
    updater wget wininit winlogon wscript zsh cron crond sudo su login kworker xorg
    gnome-shell dock finder loginwindow windowserver kernel_task spoolsv sihost ctfmon
    runtimebroker taskmgr notepad regedit wmiprvse searchindexer code git nc ncat socat dwm
    dd
    """
)

# Ports that nearly every computer uses: they cannot point to one tool.
COMMON_PORTS = frozenset(
    {20, 21, 22, 23, 25, 53, 67, 68, 80, 110, 123, 143, 443, 465, 587, 993, 995}
)

# Domains shared by many sites (clouds, hosting, big platforms): only a subdomain of one of
# them can belong to one tool.
SHARED_DOMAINS = _words(
    """
    amazonaws.com s3.amazonaws.com cloudfront.net azurewebsites.net azureedge.net windows.net
    blob.core.windows.net firebaseio.com firebase.io appspot.com googleapis.com google.com
    gstatic.com microsoft.com live.com apple.com icloud.com github.com github.io
    githubusercontent.com cloudflare.com cloudflare.net akamaihd.net akamaized.net
    herokuapp.com zendesk.com page.link livekit.cloud co.uk com.br com.au com.ar com.cn com.es
    com.tr co.il net.au
    """
)

# Folders that hold many programs' files: a catalog path must name the tool's own place.
# fmt: off
_GENERIC_PATHS_RAW: dict[str, tuple[str, ...]] = {
    "linux": (
        "/", "~", "/bin", "/sbin", "/usr", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64",
        "/usr/local", "/usr/local/bin", "/usr/local/lib", "/usr/share", "/usr/share/applications",
        "/lib", "/lib64", "/opt", "/etc", "/etc/systemd", "/etc/systemd/system",
        "/lib/systemd/system", "/usr/lib/systemd/system", "/etc/init.d", "/etc/xdg/autostart",
        "/var", "/var/lib", "/var/log", "/tmp", "/home", "/root", "~/.config", "~/.local",  # noqa: S108
        "~/.local/share", "~/.local/bin", "~/.config/autostart", "~/.config/systemd/user",
        "~/.cache",
    ),
    "darwin": (
        "/", "~", "/Applications", "/Applications/Utilities", "/Library",
        "/Library/Application Support", "/Library/LaunchAgents", "/Library/LaunchDaemons",
        "/Library/PrivilegedHelperTools", "/Library/Preferences", "/Library/Extensions",
        "/Library/SystemExtensions", "/System", "/usr", "/usr/local", "/usr/local/bin",
        "/opt/homebrew", "/opt/homebrew/bin", "/private", "/private/var", "/private/tmp",
        "/tmp", "/Users", "~/Library", "~/Library/Application Support",  # noqa: S108
        "~/Library/LaunchAgents",
        "~/Library/Preferences", "~/Library/Caches", "~/Library/Logs", "~/Applications",
    ),
    "win32": (
        "C:\\", "C:", "~", "C:\\Program Files", "C:\\Program Files\\Common Files",
        "C:\\ProgramData", "C:\\Windows", "C:\\Windows\\System32", "C:\\Windows\\SysWOW64",
        "C:\\Windows\\Temp", "C:\\Users", "C:\\Users\\Public", "%APPDATA%", "%LOCALAPPDATA%",
        "%TEMP%", "%LOCALAPPDATA%\\Programs", "%PROGRAMDATA%\\Microsoft",
        "%APPDATA%\\Microsoft\\Windows\\Start Menu\\Programs\\Startup",
        "%PROGRAMDATA%\\Microsoft\\Windows\\Start Menu\\Programs\\StartUp",
    ),
}
# fmt: on
GENERIC_PATHS: dict[str, frozenset[str]] = {
    platform: frozenset(path_key(p, platform) for p in paths)
    for platform, paths in _GENERIC_PATHS_RAW.items()
}
GENERIC_REGISTRY_KEYS = frozenset(
    registry_key(k)
    for k in (
        "HKLM\\SOFTWARE\\Classes",
        "HKLM\\SYSTEM\\CurrentControlSet\\Services",
        "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run",
        "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\RunOnce",
        "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
        "HKCU\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run",
        "HKCU\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\RunOnce",
        "HKCU\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
        "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion",
        "HKCU\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion",
        "HKLM\\SOFTWARE\\Microsoft\\Windows",
        "HKCU\\SOFTWARE\\Microsoft\\Windows",
        "HKLM\\SOFTWARE\\Microsoft",
        "HKCU\\SOFTWARE\\Microsoft",
    )
)


def packaged_catalog_dir() -> Path:
    """The catalog shipped with safecheck."""
    return PACKAGED_DIR


@dataclass(frozen=True)
class _Mark:
    path: str
    line: int
    column: int


def _mark(p: Problems, node: yaml.Node) -> _Mark:
    return _Mark(p.path, node.start_mark.line + 1, node.start_mark.column + 1)


# Checks of one artifact value: each returns what is wrong with it, or None.


def _common_name(value: str, key: str) -> str | None:
    if key in GENERIC_NAMES:
        return f"'{value}' is too common a name to point to one tool (it would flag every computer)"
    return None


def _check_process(value: str, platform: str) -> str | None:
    if re.search(r"[/\\]", value):
        return f"'{value}' is a path; give the process name, or put the path under 'paths'"
    return _common_name(value, process_key(value, platform))


def _check_service(value: str, platform: str) -> str | None:
    if re.search(r"[/\\]", value):
        return f"'{value}' is not a service name (no / or \\)"
    return _common_name(value, service_key(value, platform))


def _check_package(value: str, platform: str) -> str | None:
    return _common_name(value, name_key(value))


def _check_path(value: str, platform: str) -> str | None:
    if platform == "win32":
        variable = re.match(r"^%[^%\\/]*%", value)
        if variable and variable.group(0).lower() not in WINDOWS_FOLDERS:
            return (
                f"unknown folder variable '{variable.group(0)}' in '{value}'; use %PROGRAMFILES%, "
                "%PROGRAMDATA%, %APPDATA%, %LOCALAPPDATA%, %USERPROFILE% or %SYSTEMROOT%"
            )
        if not variable and not re.match(r"^[A-Za-z]:\\", value):
            return f"'{value}' must start with a drive (C:\\) or a variable (%PROGRAMDATA%\\)"
    elif not value.startswith(("/", "~/")):
        return f"'{value}' must start with / or ~/ (a person's home folder)"
    if platform != "win32" and "\\" in value:
        return f"'{value}': paths on {platform} use /, not \\"
    if path_key(value, platform) in GENERIC_PATHS[platform]:
        return f"'{value}' is a folder many programs share; give the tool's own file or folder"
    return None


def _check_reverse_dns(what: str) -> Callable[[str, str], str | None]:
    def check(value: str, platform: str) -> str | None:
        if not REVERSE_DNS.match(value):
            return f"'{value}' is not a {what} (written like com.example.app)"
        return None

    return check


def _check_registry_key(value: str, platform: str) -> str | None:
    first = value.replace("/", "\\").split("\\", 1)[0].lower()
    if first not in (
        "hklm",
        "hkcu",
        "hku",
        "hkcr",
        "hkey_local_machine",
        "hkey_current_user",
        "hkey_users",
        "hkey_classes_root",
    ):
        return f"'{value}' must start with HKLM\\ or HKCU\\ (or HKEY_LOCAL_MACHINE\\, ...)"
    if "/" in value:
        return f"'{value}': registry keys use \\, not /"
    key = registry_key(value)
    if key.count("/") < 2 or key in GENERIC_REGISTRY_KEYS:
        return f"'{value}' is a key many programs share; give the tool's own key"
    return None


def _check_domain(value: str) -> str | None:
    key = domain_key(value)
    if "*" in key:
        return f"'{value}': write the domain without '*'; its subdomains are matched too"
    if key.startswith(("http:", "https:")) or "/" in key:
        return f"'{value}' is an address; give only the domain (example.com)"
    if not DOMAIN.match(key):
        return f"'{value}' is not a domain name (like example.com)"
    if key in SHARED_DOMAINS:
        return f"'{value}' is shared by many sites; give the tool's own subdomain"
    return None


ValueCheck = Callable[[str, str], str | None]
KEY_CHECKS: dict[str, tuple[ValueCheck, Callable[[str, str], str]]] = {
    "processes": (_check_process, process_key),
    "paths": (_check_path, path_key),
    "services": (_check_service, service_key),
    "packages": (_check_package, lambda value, _platform: name_key(value)),
    "bundle_ids": (_check_reverse_dns("bundle id"), lambda value, _platform: name_key(value)),
    "launchd_labels": (
        _check_reverse_dns("launchd label"),
        lambda value, _platform: name_key(value),
    ),
    "registry_keys": (_check_registry_key, lambda value, _platform: registry_key(value)),
}


def _value_nodes(node: yaml.Node | None, p: Problems, what: str) -> list[yaml.Node]:
    """The items of a list; a single value is accepted where a list is expected."""
    if isinstance(node, yaml.ScalarNode) and node.tag != NULL_TAG:
        return [node]
    nodes = as_list(node, p, what)
    if isinstance(node, yaml.SequenceNode) and not nodes:
        p.add(node, f"{what}: the list is empty; remove the key or add values")
    return nodes


def _texts(
    node: yaml.Node | None,
    p: Problems,
    what: str,
    check: Callable[[str], str | None],
    normal: Callable[[str], str],
    wildcards_checked: bool = False,
) -> list[str]:
    """A list of texts, each checked, none listed twice (as compared in normal form)."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for child in _value_nodes(node, p, what):
        value = as_text(child, p, what)
        if value is None:
            continue
        value = value.strip()
        if not wildcards_checked and WILDCARDS.search(value):
            p.add(child, f"{what}: '{value}' has a wildcard (* or ?); give the exact name")
            continue
        wrong = check(value)
        if wrong is not None:
            p.add(child, f"{what}: {wrong}")
            continue
        key = normal(value)
        if key in seen:
            p.add(child, f"{what}: '{value}' is listed twice (first on line {seen[key]})")
            continue
        seen[key] = child.start_mark.line + 1
        out.append(value)
    return out


_T = TypeVar("_T")


def _bind(function: Callable[[str, str], _T], platform: str) -> Callable[[str], _T]:
    """A check or a normal form of one platform, as a function of the value alone."""

    def bound(value: str) -> _T:
        return function(value, platform)

    return bound


def _platform(node: yaml.Node | None, platform: str, p: Problems, what: str) -> PlatformArtifacts:
    where = f"{what}: {platform}"
    view = as_mapping(node, p, required=(), optional=tuple(PLATFORM_KEYS), what=where)
    if view is None:
        return PlatformArtifacts()
    if isinstance(node, yaml.MappingNode) and not node.value:
        p.add(node, f"{where}: nothing listed; remove it or add artifacts")
    lists: dict[str, tuple[str, ...]] = {}
    for key, value_node in view.values.items():
        if platform not in PLATFORM_KEYS[key]:
            only = " and ".join(PLATFORM_KEYS[key])
            p.add(view.keys[key], f"{what}: '{key}' is only for {only}, not {platform}")
            continue
        check, normal = KEY_CHECKS[key]
        lists[key] = tuple(
            _texts(
                value_node, p, f"{where} '{key}'", _bind(check, platform), _bind(normal, platform)
            )
        )
    return PlatformArtifacts(**lists)


def _port(node: yaml.Node, p: Problems, what: str) -> PortRange | None:
    if isinstance(node, yaml.ScalarNode) and node.tag == INT_TAG:
        number = as_int(node, p, what)
        if number is None:
            return None
        low = high = number
    else:
        text = as_text(node, p, what)
        if text is None:
            return None
        match = PORT_RANGE.match(text)
        if match is None:
            p.add(node, f"{what}: '{text}' is not a port (5938) or a range of ports (5900-5906)")
            return None
        low, high = int(match[1]), int(match[2])
    for port in (low, high):
        if not 1 <= port <= 65535:
            p.add(node, f"{what}: port {port} does not exist; a port is from 1 to 65535")
            return None
    if low > high:
        p.add(node, f"{what}: '{node.value}': put the smaller port first ({high}-{low})")
        return None
    if high - low >= MAX_PORT_RANGE:
        p.add(node, f"{what}: '{node.value}' is too wide a range (at most {MAX_PORT_RANGE} ports)")
        return None
    common = sorted(port for port in COMMON_PORTS if low <= port <= high)
    if common:
        p.add(
            node, f"{what}: port {common[0]} is used by most programs; it cannot point to one tool"
        )
        return None
    return PortRange(low, high)


def _artifacts(node: yaml.Node | None, p: Problems, what: str) -> Artifacts | None:
    view = as_mapping(node, p, required=(), optional=ARTIFACT_KEYS, what=f"{what}: 'artifacts'")
    if view is None:
        return None
    start = len(p.items)
    per_os = {
        platform: _platform(view.get(platform), platform, p, what)
        for platform in PLATFORMS
        if platform in view
    }
    ports: list[PortRange] = []
    for child in _value_nodes(view.get("ports"), p, f"{what}: 'ports'"):
        port = _port(child, p, f"{what}: 'ports'")
        if port is not None:
            ports.append(port)
    domains = _texts(
        view.get("domains"),
        p,
        f"{what}: 'domains'",
        _check_domain,
        domain_key,
        wildcards_checked=True,
    )
    artifacts = Artifacts(
        **per_os, ports=tuple(ports), domains=tuple(domain_key(d) for d in domains)
    )
    if artifacts.is_empty() and len(p.items) == start:
        p.add(
            node,
            f"{what}: 'artifacts' gives nothing to look for; add at least one process, "
            "path, service, package, bundle id, launchd label, registry key, port or domain",
        )
        return None
    return artifacts


def _peek_id(node: yaml.Node) -> str | None:
    """The tool's id as written, to name the tool in messages about its other keys."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "id":
                if isinstance(value, yaml.ScalarNode) and ID_PATTERN.fullmatch(str(value.value)):
                    return str(value.value)
                return None
    return None


def _tool(node: yaml.Node, sources: dict[str, str], p: Problems) -> tuple[Tool, _Mark] | None:
    peeked = _peek_id(node)
    view = as_mapping(
        node, p, TOOL_REQUIRED, TOOL_OPTIONAL, what=f"tool '{peeked}'" if peeked else "tool"
    )
    if view is None:
        return None
    start = len(p.items)
    id_node = view.get("id")
    raw_id = as_text(id_node, p, "tool: 'id'")
    tool_id = None
    if raw_id is not None:
        if ID_PATTERN.fullmatch(raw_id):  # match() would let a trailing newline through
            tool_id = raw_id
        else:
            p.add(id_node, f"tool: id '{raw_id}' must be lowercase letters, digits and dashes")
    what = f"tool '{tool_id or raw_id or '?'}'"
    name = as_text(view.get("name"), p, f"{what}: 'name'")
    aliases = as_text_list(view.get("aliases"), p, f"{what}: 'aliases'")
    category_node = view.get("category")
    word = None
    meant = CATEGORY_HINTS.get(str(getattr(category_node, "value", "")).strip().lower())
    if isinstance(category_node, yaml.ScalarNode) and meant:
        p.add(category_node, f"{what}: 'category': write '{meant}' (not '{category_node.value}')")
    else:
        word = as_word(category_node, p, f"{what}: 'category'", CATEGORIES)
    does = as_localized(view.get("does"), p, f"{what}: 'does'", LANGUAGES)
    artifacts = _artifacts(view.get("artifacts"), p, what)

    source_node = view.get("source")
    source_ids: list[str] = []
    for child in _value_nodes(source_node, p, f"{what}: 'source'"):
        sid = as_text(child, p, f"{what}: 'source'")
        if sid is None:
            continue
        if sid not in sources:
            same = [s for s in sources if s.lower() == sid.lower()]
            extra = f" (did you mean '{same[0]}'?)" if same else did_you_mean(sid, list(sources))
            p.add(
                child,
                f"{what}: unknown source '{sid}'{extra}; "
                "add it under 'sources' at the top of the file",
            )
        elif sid not in source_ids:
            source_ids.append(sid)

    if (
        len(p.items) > start
        or tool_id is None
        or name is None
        or word is None
        or does is None
        or artifacts is None
        or not source_ids
    ):
        return None
    tool = Tool(
        id=tool_id,
        name=name.strip(),
        aliases=tuple(a.strip() for a in aliases),
        category=Category(word),
        does=does,
        artifacts=artifacts,
        source_ids=tuple(source_ids),
        sources=tuple(sources[s] for s in source_ids),
        path=p.path,
        line=node.start_mark.line + 1,
    )
    return tool, _mark(p, id_node or node)


def _sources(node: yaml.Node | None, p: Problems) -> dict[str, str]:
    view = as_open_mapping(node, p, what="'sources' (source id: \"Title, https://address\")")
    out: dict[str, str] = {}
    if view is None:
        return out
    for key, value in view.values.items():
        text = as_text(value, p, f"source '{key}'")
        if text is None:
            continue
        if not HTTPS_ADDRESS.search(text):
            p.add(
                value,
                f"source '{key}': give the title and the https:// address of the public "
                "page ('Title, https://...')",
            )
            continue
        out[key] = text.strip()
    return out


def parse_catalog(node: yaml.Node | None, p: Problems) -> list[tuple[Tool, _Mark]]:
    """The good tools of one file, with where each id is written; problems go to `p`."""
    if node is None:
        if not p.items:
            p.add(None, "the file is empty")
        return []
    view = as_mapping(node, p, FILE_REQUIRED, what="catalog file")
    if view is None:
        return []
    sources = _sources(view.get("sources"), p)
    tools_node = view.get("tools")
    tool_nodes = as_list(tools_node, p, "catalog file: 'tools'")
    if isinstance(tools_node, yaml.SequenceNode) and not tool_nodes:
        p.add(tools_node, "catalog file: 'tools' is empty")
    out: list[tuple[Tool, _Mark]] = []
    for tool_node in tool_nodes:
        found = _tool(tool_node, sources, p)
        if found is not None:
            out.append(found)
    return out


def load_catalog_file(path: Path, display: str | None = None) -> tuple[list[Tool], list[Problem]]:
    problems = Problems(display or str(path))
    tools = parse_catalog(compose_file(path, problems), problems)
    return [tool for tool, _ in tools], problems.items


def _cross_check(tools: list[tuple[Tool, _Mark]]) -> tuple[list[Tool], list[Problem]]:
    """Ids used twice (in one file or two); names or aliases given to two tools."""
    problems: list[Problem] = []
    kept: list[Tool] = []
    first: dict[str, _Mark] = {}
    names: dict[str, Tool] = {}
    for tool, mark in tools:
        if tool.id in first:
            other = first[tool.id]
            where = (
                f"first on line {other.line}"
                if other.path == mark.path
                else f"also used in {other.path}:{other.line}"
            )
            problems.append(
                Problem(
                    mark.path,
                    mark.line,
                    mark.column,
                    f"tool '{tool.id}': duplicate tool id ({where})",
                )
            )
            continue
        first[tool.id] = mark
        for name in dict.fromkeys(n.casefold() for n in (tool.name, *tool.aliases)):
            owner = names.setdefault(name, tool)
            if owner is not tool:
                problems.append(
                    Problem(
                        mark.path,
                        mark.line,
                        mark.column,
                        f"tool '{tool.id}': the name '{name}' is also given to "
                        f"tool '{owner.id}' ({owner.path}:{owner.line})",
                    )
                )
        kept.append(tool)
    return kept, problems


def validate_catalog(paths: Iterable[Path]) -> tuple[list[Tool], list[Problem]]:
    """Load every file and cross-check them; return the good tools and all problems."""
    given = list(paths)
    files = catalog_files(given)
    found: list[tuple[Tool, _Mark]] = []
    problems: list[Problem] = []
    for path in files:
        p = Problems(str(path))
        found.extend(parse_catalog(compose_file(path, p), p))
        problems.extend(p.items)
    if not files:
        where = str(given[0]) if len(given) == 1 else "."
        problems.append(Problem(where, 1, 1, "no catalog files (*.yaml) found"))
    tools, more = _cross_check(found)
    return tools, problems + more


def load_catalog(paths: list[Path] | None = None) -> Catalog:
    """The catalog (the packaged one by default), or DataError listing every problem. The
    packaged catalog is read from its compiled form when that was made from these very files
    (safecheck.catalog.compiled; a scan asks `catalog.packaged`, which does not load us)."""
    if paths is None:
        folder = packaged_catalog_dir()
        compiled = load_compiled(folder, catalog_files([folder]))
        if compiled is not None:
            return compiled
    tools, problems = validate_catalog(paths if paths is not None else [packaged_catalog_dir()])
    if problems:
        raise DataError(problems)
    return Catalog(tools=tuple(tools))

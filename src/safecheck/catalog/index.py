"""Look tools up by what a scan sees, without going through the whole catalog.

`CatalogIndex` is built once from a `Catalog`: one dictionary per kind of artifact, keyed by the
artifact in a normal form (lower case; `.exe` dropped on Windows; `.service` dropped for systemd
units; `\\` turned into `/` and known folders such as `%ProgramData%` written out in Windows paths;
a person's home folder written `~`). A name lookup is one dictionary access; a path, registry key
or domain lookup is one access per level (`/opt/teamviewer/tv_bin` tries three keys), never a
scan of the tools.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from safecheck.catalog.model import PLATFORMS, ArtifactKind, Catalog, Tool

LINUX_COMM_LENGTH = 15  # /proc/PID/comm keeps the first 15 bytes of a process name

# Windows folders written with an environment variable, as the catalog and the scan may write
# them, and their usual place. A person's own folders are written under `~`.
WINDOWS_FOLDERS: dict[str, str] = {
    "%programfiles%": "c:/program files",
    "%programfiles(x86)%": "c:/program files",  # 32- and 64-bit programs count the same
    "%programw6432%": "c:/program files",
    "%commonprogramfiles%": "c:/program files/common files",
    "%commonprogramfiles(x86)%": "c:/program files/common files",
    "%programdata%": "c:/programdata",
    "%allusersprofile%": "c:/programdata",
    "%systemroot%": "c:/windows",
    "%windir%": "c:/windows",
    "%systemdrive%": "c:",
    "%public%": "c:/users/public",
    "%userprofile%": "~",
    "%appdata%": "~/appdata/roaming",
    "%localappdata%": "~/appdata/local",
    "%temp%": "~/appdata/local/temp",
    "%tmp%": "~/appdata/local/temp",
}
_WINDOWS_VARIABLE = re.compile(r"^%[^%/]+%")
_WINDOWS_HOME = re.compile(r"^c:/users/(?!public/|public$|default/|default$)[^/]+(?=/|$)")
_DARWIN_HOME = re.compile(r"^/users/(?!shared/|shared$)[^/]+(?=/|$)")
_LINUX_HOME = re.compile(r"^(?:/home/[^/]+|/root)(?=/|$)")

REGISTRY_HIVES: dict[str, str] = {
    "hkey_local_machine": "hklm",
    "hklm": "hklm",
    "hkey_current_user": "hkcu",
    "hkcu": "hkcu",
    "hkey_classes_root": "hklm/software/classes",
    "hkcr": "hklm/software/classes",
    "hkey_users": "hku",
    "hku": "hku",
}


class Match(NamedTuple):
    """A tool found by a lookup, what kind of artifact matched, and the artifact as indexed."""

    tool: Tool
    kind: ArtifactKind
    artifact: str


def _check_platform(platform: str) -> None:
    if platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}; expected one of {PLATFORMS}")


def _basename(name: str) -> str:
    """What follows the last `/` or `\\` (plain string methods: this runs for every entry)."""
    text = name.strip()
    return text[max(text.rfind("/"), text.rfind("\\")) + 1 :]


def process_key(name: str, platform: str) -> str:
    """A process or executable name in normal form: its base name, lower case, no `.exe`."""
    key = _basename(name).lower()
    if platform == "win32" and key.endswith(".exe"):
        key = key[: -len(".exe")]
    return key


def service_key(name: str, platform: str) -> str:
    """A service name in normal form: lower case, no `.service` for systemd units."""
    key = name.strip().lower()
    if platform == "linux" and key.endswith(".service"):
        key = key[: -len(".service")]
    return key


def name_key(name: str) -> str:
    """Package names, bundle ids and launchd labels: lower case."""
    return name.strip().lower()


_SLASHES = re.compile(r"/{2,}")


def path_key(path: str, platform: str) -> str:
    """A path in normal form; Windows and macOS paths are compared without regard to case."""
    text = path.strip()
    if platform == "win32":
        text = text.replace("\\", "/").lower()
        variable = _WINDOWS_VARIABLE.match(text)
        if variable and variable.group(0) in WINDOWS_FOLDERS:
            text = WINDOWS_FOLDERS[variable.group(0)] + text[variable.end() :]
        text = re.sub(r"^c:/program files \(x86\)(?=/|$)", "c:/program files", text)
    elif platform == "darwin":
        text = text.lower()
    if "//" in text:  # most paths have none: no search for each entry
        text = _SLASHES.sub("/", text)
    if len(text) > 1:
        text = text.rstrip("/")
    return text


def _home_folded(key: str, platform: str) -> str | None:
    """The same path with a person's home folder written `~`, when it is in one."""
    pattern = {"win32": _WINDOWS_HOME, "darwin": _DARWIN_HOME, "linux": _LINUX_HOME}[platform]
    match = pattern.match(key)
    return "~" + key[match.end() :] if match else None


def registry_key(key: str) -> str:
    """A registry key in normal form: short hive name, `/` between keys, lower case, any user's
    keys under `hkcu`, 32-bit views and numbered control sets folded into the usual key."""
    parts = [p for p in key.strip().replace("\\", "/").lower().split("/") if p]
    if not parts:
        return ""
    hive = REGISTRY_HIVES.get(parts[0])
    if hive is None:
        return "/".join(parts)
    rest = parts[1:]
    if hive == "hku" and rest:  # HKU\<SID>\Software\... is one person's HKCU
        hive, rest = "hkcu", rest[1:]
    rest = [p for p in rest if p != "wow6432node"]
    rest = ["currentcontrolset" if re.fullmatch(r"controlset\d{3}", p) else p for p in rest]
    return "/".join([hive, *rest])


def domain_key(domain: str) -> str:
    return domain.strip().lower().rstrip(".")


def _prefixes(key: str) -> list[str]:
    """`a/b/c` -> [`a/b/c`, `a/b`, `a`]; `/a/b` -> [`/a/b`, `/a`]."""
    out = [key]
    while "/" in key.strip("/"):
        key = key.rsplit("/", 1)[0]
        out.append(key)
    return out


_Table = dict[str, list[Match]]


class CatalogIndex:
    """Dictionary lookups from what a scan sees to the tools that leave it."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._processes: dict[str, _Table] = {p: defaultdict(list) for p in PLATFORMS}
        self._comm: _Table = defaultdict(list)  # Linux names cut to 15 characters
        self._services: dict[str, _Table] = {p: defaultdict(list) for p in PLATFORMS}
        self._packages: dict[str, _Table] = {p: defaultdict(list) for p in PLATFORMS}
        self._paths: dict[str, _Table] = {p: defaultdict(list) for p in PLATFORMS}
        self._bundle_ids: _Table = defaultdict(list)
        self._labels: _Table = defaultdict(list)
        self._registry: _Table = defaultdict(list)
        self._ports: dict[int, list[Match]] = defaultdict(list)
        self._domains: _Table = defaultdict(list)
        for tool in catalog:
            self._add_tool(tool)
        self._freeze()

    def _add(self, table: _Table, key: str, tool: Tool, kind: ArtifactKind, value: str) -> None:
        if not key:
            return
        if any(m.tool.id == tool.id and m.kind is kind for m in table[key]):
            return  # the same tool listed it twice in two spellings
        table[key].append(Match(tool, kind, value))

    def _add_tool(self, tool: Tool) -> None:
        art = tool.artifacts
        for platform in PLATFORMS:
            own = art.on(platform)
            for name in own.processes:
                key = process_key(name, platform)
                self._add(self._processes[platform], key, tool, ArtifactKind.PROCESS, name)
                if platform == "linux" and len(key) > LINUX_COMM_LENGTH:
                    cut = key[:LINUX_COMM_LENGTH]
                    self._add(self._comm, cut, tool, ArtifactKind.PROCESS, name)
            for name in own.services:
                key = service_key(name, platform)
                self._add(self._services[platform], key, tool, ArtifactKind.SERVICE, name)
            for name in own.packages:
                self._add(
                    self._packages[platform], name_key(name), tool, ArtifactKind.PACKAGE, name
                )
            for path in own.paths:
                key = path_key(path, platform)
                self._add(self._paths[platform], key, tool, ArtifactKind.PATH, path)
            for name in own.bundle_ids:
                self._add(self._bundle_ids, name_key(name), tool, ArtifactKind.BUNDLE_ID, name)
            for name in own.launchd_labels:
                self._add(self._labels, name_key(name), tool, ArtifactKind.LAUNCHD_LABEL, name)
            for key_text in own.registry_keys:
                self._add(
                    self._registry,
                    registry_key(key_text),
                    tool,
                    ArtifactKind.REGISTRY_KEY,
                    key_text,
                )
        for ports in art.ports:
            for port in range(ports.low, ports.high + 1):
                if not any(m.tool.id == tool.id for m in self._ports[port]):
                    self._ports[port].append(Match(tool, ArtifactKind.PORT, str(ports)))
        for domain in art.domains:
            self._add(self._domains, domain_key(domain), tool, ArtifactKind.DOMAIN, domain)

    def _freeze(self) -> None:
        """Plain dictionaries from here on, so a lookup never adds an empty entry."""
        for tables in (self._processes, self._services, self._packages, self._paths):
            for platform in PLATFORMS:
                tables[platform] = dict(tables[platform])
        self._comm = dict(self._comm)
        self._bundle_ids = dict(self._bundle_ids)
        self._labels = dict(self._labels)
        self._registry = dict(self._registry)
        self._ports = dict(self._ports)
        self._domains = dict(self._domains)

    # lookups by name: one dictionary access each

    def by_process(self, name: str, platform: str) -> list[Match]:
        """Tools with this process or executable name (a full path is cut to its base name)."""
        _check_platform(platform)
        key = process_key(name, platform)
        found = list(self._processes[platform].get(key, ()))
        if platform == "linux" and len(key) == LINUX_COMM_LENGTH:
            found += [m for m in self._comm.get(key, ()) if m not in found]
        return found

    def by_service(self, name: str, platform: str) -> list[Match]:
        """Tools with this service; an instance of a systemd template (`name@1`) also matches
        the template (`name@`)."""
        _check_platform(platform)
        key = service_key(name, platform)
        found = list(self._services[platform].get(key, ()))
        if platform == "linux" and "@" in key and not key.endswith("@"):
            template = key.split("@", 1)[0] + "@"
            found += [m for m in self._services[platform].get(template, ()) if m not in found]
        return found

    def by_package(self, name: str, platform: str) -> list[Match]:
        _check_platform(platform)
        return list(self._packages[platform].get(name_key(name), ()))

    def by_bundle_id(self, bundle_id: str) -> list[Match]:
        return list(self._bundle_ids.get(name_key(bundle_id), ()))

    def by_label(self, label: str) -> list[Match]:
        """Tools with this launchd label (macOS)."""
        return list(self._labels.get(name_key(label), ()))

    def by_port(self, port: int) -> list[Match]:
        return list(self._ports.get(port, ()))

    # lookups by place: one dictionary access per level

    def by_path(self, path: str, platform: str, home: str | None = None) -> list[Match]:
        """Tools whose file or folder is `path` or holds it. Paths under a person's home folder
        (`/home/NAME`, `/Users/NAME`, `C:\\Users\\NAME`, or `home` when given) are also matched
        against the catalog's `~/...` paths."""
        _check_platform(platform)
        key = path_key(path, platform)
        keys = [key]
        if home:
            home_key = path_key(home, platform)
            if key == home_key or key.startswith(home_key.rstrip("/") + "/"):
                keys.append("~" + key[len(home_key.rstrip("/")) :])
        folded = _home_folded(key, platform)
        if folded is not None and folded not in keys:
            keys.append(folded)
        return self._walk(self._paths[platform], (p for k in keys for p in _prefixes(k)))

    def by_registry_key(self, key: str) -> list[Match]:
        """Tools whose registry key is `key` or one of its parents (Windows)."""
        return self._walk(self._registry, _prefixes(registry_key(key)))

    def by_domain(self, host: str) -> list[Match]:
        """Tools that use `host` or a domain it belongs to (`x.teamviewer.com` -> TeamViewer)."""
        labels = domain_key(host).split(".")
        return self._walk(self._domains, (".".join(labels[i:]) for i in range(len(labels))))

    @staticmethod
    def _walk(table: _Table, keys: Iterable[str]) -> list[Match]:
        """The matches of every key, most specific first, each tool once."""
        found: list[Match] = []
        seen: set[str] = set()
        for key in keys:
            for match in table.get(key, ()):
                if match.tool.id not in seen:
                    seen.add(match.tool.id)
                    found.append(match)
        return found

"""The catalog of remote-access and monitoring tools, as loaded from `data/catalog/*.yaml`.

Every fact in it names the public source it comes from. The format is documented in
docs/catalog-format.md; keep the two in step.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum

from safecheck.core.i18n import LocalizedText

PLATFORMS: tuple[str, ...] = ("linux", "darwin", "win32")


class Category(Enum):
    """What kind of tool it is. Dual-use tools (remote access, tunnels) are never called malware."""

    REMOTE_ACCESS = "remote-access"  # see and control the computer from elsewhere
    MONITORING = "monitoring"  # stalkerware and employee monitoring: records what is done
    PARENTAL_CONTROL = "parental-control"  # sold to watch children; can be turned on adults
    KEYLOGGER = "keylogger"  # records every key pressed
    TUNNEL = "tunnel"  # opens the computer to the internet, often used with the others


class ArtifactKind(Enum):
    """What a lookup matched on; the values are the YAML keys (singular)."""

    PROCESS = "process"
    PATH = "path"
    SERVICE = "service"
    PACKAGE = "package"
    BUNDLE_ID = "bundle_id"
    LAUNCHD_LABEL = "launchd_label"
    REGISTRY_KEY = "registry_key"
    PORT = "port"
    DOMAIN = "domain"


# The per-OS keys of `artifacts`, and the operating systems each one is for.
PLATFORM_KEYS: dict[str, tuple[str, ...]] = {
    "processes": PLATFORMS,
    "paths": PLATFORMS,
    "services": PLATFORMS,
    "packages": PLATFORMS,
    "bundle_ids": ("darwin",),
    "launchd_labels": ("darwin",),
    "registry_keys": ("win32",),
}


@dataclass(frozen=True)
class PlatformArtifacts:
    """What the tool leaves on one operating system. Every list may be empty."""

    processes: tuple[str, ...] = ()  # process or executable names, as written
    paths: tuple[str, ...] = ()  # files or folders; a folder covers everything inside it
    services: tuple[str, ...] = ()  # systemd units, Windows service names
    packages: tuple[str, ...] = ()  # Linux packages, Homebrew casks/formulae, Windows programs
    bundle_ids: tuple[str, ...] = ()  # macOS only
    launchd_labels: tuple[str, ...] = ()  # macOS only
    registry_keys: tuple[str, ...] = ()  # Windows only; a key covers its subkeys

    def is_empty(self) -> bool:
        return not any(getattr(self, key) for key in PLATFORM_KEYS)

    def items(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        """(key, values) for every non-empty list, in the order of the format."""
        for key in PLATFORM_KEYS:
            values: tuple[str, ...] = getattr(self, key)
            if values:
                yield key, values


@dataclass(frozen=True)
class PortRange:
    """One port (low == high) or an inclusive range of ports."""

    low: int
    high: int

    def __contains__(self, port: object) -> bool:
        return isinstance(port, int) and self.low <= port <= self.high

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"


@dataclass(frozen=True)
class Artifacts:
    linux: PlatformArtifacts = PlatformArtifacts()
    darwin: PlatformArtifacts = PlatformArtifacts()
    win32: PlatformArtifacts = PlatformArtifacts()
    ports: tuple[PortRange, ...] = ()
    domains: tuple[str, ...] = ()  # a domain covers its subdomains

    def on(self, platform: str) -> PlatformArtifacts:
        """The artifacts of one platform ("linux", "darwin" or "win32")."""
        if platform not in PLATFORMS:
            raise ValueError(f"unknown platform {platform!r}; expected one of {PLATFORMS}")
        result: PlatformArtifacts = getattr(self, platform)
        return result

    @property
    def platforms(self) -> tuple[str, ...]:
        """The operating systems this tool has artifacts for."""
        return tuple(p for p in PLATFORMS if not self.on(p).is_empty())

    def is_empty(self) -> bool:
        return not self.platforms and not self.ports and not self.domains


@dataclass(frozen=True)
class Tool:
    id: str  # stable: reports and findings use it
    name: str
    category: Category
    does: LocalizedText = field(hash=False)  # what it lets someone do, in plain words
    artifacts: Artifacts
    aliases: tuple[str, ...] = ()
    source_ids: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # "Title, https://address", one per source id
    path: str = ""  # the file it was read from
    line: int = 0


@dataclass(frozen=True)
class Catalog:
    """Every tool of every catalog file, in file order."""

    tools: tuple[Tool, ...]
    _by_id: dict[str, Tool] = field(default_factory=dict, init=False, compare=False, repr=False)
    _by_name: dict[str, Tool] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        for tool in self.tools:
            self._by_id.setdefault(tool.id, tool)
        for tool in self.tools:
            for name in (tool.name, *tool.aliases):
                self._by_name.setdefault(name.casefold(), tool)

    def __len__(self) -> int:
        return len(self.tools)

    def __iter__(self) -> Iterator[Tool]:
        return iter(self.tools)

    def get(self, tool_id: str) -> Tool | None:
        return self._by_id.get(tool_id)

    def find(self, text: str) -> Tool | None:
        """A tool by id, else by its name or an alias, ignoring case."""
        return (
            self._by_id.get(text)
            or self._by_id.get(text.lower())
            or self._by_name.get(text.strip().casefold())
        )

    def ids(self) -> list[str]:
        return list(self._by_id)

    def in_category(self, category: Category) -> tuple[Tool, ...]:
        return tuple(t for t in self.tools if t.category is category)

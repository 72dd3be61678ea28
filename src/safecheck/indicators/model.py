"""Stalkerware and watchware indicators (Echap `ioc.yaml` / `watchware.yaml`) as plain values.

An `App` is one product; `Indicators` is one installed set of them with where it came from,
plus dictionary indexes so a scan looks a package, certificate, domain or iOS bundle up in O(1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

STALKERWARE = "stalkerware"
WATCHWARE = "watchware"
APP_TYPES: tuple[str, ...] = (STALKERWARE, WATCHWARE)

SOURCE_URL = "https://github.com/AssoEchap/stalkerware-indicators"
LICENCE = "CC BY 4.0"
ATTRIBUTION = "Stalkerware indicators by Echap (https://echap.eu.org), CC BY 4.0"


@dataclass(frozen=True)
class App:
    """One product of the Echap lists. Every list may be empty (most keys are optional)."""

    name: str
    type: str  # STALKERWARE or WATCHWARE
    names: tuple[str, ...] = ()  # aliases, rebrands, white labels
    packages: tuple[str, ...] = ()  # Android application ids, exactly as written
    certificates: tuple[str, ...] = ()  # SHA-1 of the signing certificate, upper-case hex
    websites: tuple[str, ...] = ()  # lower-case
    distribution: tuple[str, ...] = ()  # domains or URLs the APK is downloaded from
    c2_ips: tuple[str, ...] = ()  # `c2.ips` and the variant `c2.ip`, merged
    c2_domains: tuple[str, ...] = ()  # lower-case
    ios_bundles: tuple[str, ...] = ()


def _index(apps: Iterable[App], keys: str) -> Mapping[str, tuple[App, ...]]:
    found: dict[str, list[App]] = {}
    for app in apps:
        for key in getattr(app, keys):
            bucket = found.setdefault(key, [])
            if app not in bucket:
                bucket.append(app)
    return MappingProxyType({k: tuple(v) for k, v in found.items()})


def normalize_certificate(value: str) -> str:
    """`ab:cd:...` or `abcd...` -> `ABCD...` (the spelling of the Echap files)."""
    return value.replace(":", "").replace(" ", "").strip().upper()


def normalize_domain(value: str) -> str:
    return value.strip().rstrip(".").lower()


@dataclass(frozen=True)
class Indicators:
    """An installed set of indicators and its provenance."""

    apps: tuple[App, ...]
    source: str = SOURCE_URL
    commit: str = "unknown"
    retrieved_at: str = ""  # ISO 8601, UTC
    sha256: Mapping[str, str] = field(default_factory=dict)  # file name -> hex digest
    folder: str = ""  # where they were loaded from ("" when not from disk)
    package_index: Mapping[str, tuple[App, ...]] = field(init=False, repr=False, compare=False)
    certificate_index: Mapping[str, tuple[App, ...]] = field(init=False, repr=False, compare=False)
    domain_index: Mapping[str, tuple[App, ...]] = field(init=False, repr=False, compare=False)
    ios_bundle_index: Mapping[str, tuple[App, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sha256", MappingProxyType(dict(self.sha256)))
        object.__setattr__(self, "package_index", _index(self.apps, "packages"))
        object.__setattr__(self, "certificate_index", _index(self.apps, "certificates"))
        object.__setattr__(self, "ios_bundle_index", _index(self.apps, "ios_bundles"))
        domains: dict[str, list[App]] = {}
        for app in self.apps:
            for domain in (*app.c2_domains, *app.websites, *_hosts(app.distribution)):
                bucket = domains.setdefault(domain, [])
                if app not in bucket:
                    bucket.append(app)
        object.__setattr__(
            self, "domain_index", MappingProxyType({k: tuple(v) for k, v in domains.items()})
        )

    def by_package(self, package: str) -> tuple[App, ...]:
        """The products that use this Android application id (exact match), usually one."""
        return self.package_index.get(package.strip(), ())

    def by_certificate(self, sha1: str) -> tuple[App, ...]:
        """The products signed with this certificate (SHA-1, any case, colons allowed)."""
        return self.certificate_index.get(normalize_certificate(sha1), ())

    def by_ios_bundle(self, bundle_id: str) -> tuple[App, ...]:
        return self.ios_bundle_index.get(bundle_id.strip(), ())

    def by_domain(self, domain: str) -> tuple[App, ...]:
        """The products whose C2, website or download host is this domain or a parent of it
        (`x.api.example.test` matches `api.example.test`)."""
        name = normalize_domain(domain)
        while name:
            apps = self.domain_index.get(name)
            if apps:
                return apps
            _, _, name = name.partition(".")
            if "." not in name:  # never match a bare top-level domain
                break
        return ()

    def of_type(self, app_type: str) -> tuple[App, ...]:
        return tuple(app for app in self.apps if app.type == app_type)

    def counts(self) -> dict[str, int]:
        """Products per type, and distinct values per kind of indicator."""
        return {
            STALKERWARE: len(self.of_type(STALKERWARE)),
            WATCHWARE: len(self.of_type(WATCHWARE)),
            "packages": len(self.package_index),
            "certificates": len(self.certificate_index),
            "c2_domains": len({d for app in self.apps for d in app.c2_domains}),
            "c2_ips": len({ip for app in self.apps for ip in app.c2_ips}),
            "websites": len({w for app in self.apps for w in app.websites}),
            "ios_bundles": len(self.ios_bundle_index),
        }


def _hosts(values: Iterable[str]) -> list[str]:
    """The host part of `distribution` values, which are domains or full URLs."""
    hosts = []
    for value in values:
        rest = value.split("://", 1)[-1]
        host = rest.split("/", 1)[0].split("@")[-1].split(":", 1)[0]
        if host:
            hosts.append(normalize_domain(host))
    return hosts

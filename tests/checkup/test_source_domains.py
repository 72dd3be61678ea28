"""Every public source safecheck cites is on the reviewed list of source domains.

The list is src/safecheck/data/source-domains.yaml. The data files are read as text, so an
address in a comment (the protection-order sources in resources.yaml) is checked too. A domain
that no source uses any more must leave the list, so the list always says what is really cited.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from paths import REPO, SRC
from safecheck.catalog.loader import load_catalog
from safecheck.checkup.checklist.loader import load_checklists
from safecheck.core.resources import load_resources

ALLOW_LIST = SRC / "data" / "source-domains.yaml"
KINDS = {"vendor", "government", "ngo", "research", "standard", "press", "legal"}
# A web address as the data files write it: it ends at a space, a quote, a comma, a semicolon
# or a closing bracket. A host without a dot ("https://address" in a comment) is not an address.
ADDRESS = re.compile(
    r"\bhttps?://(?P<host>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?P<path>/[^\s\"',;)>\]]*)?"
)


def data_files() -> list[Path]:
    data = SRC / "data"
    return [
        *sorted((REPO / "checklists").glob("*.yaml")),
        *sorted((data / "catalog").glob("*.yaml")),
        data / "resources.yaml",
        *sorted((data / "rules").glob("*.yaml")),
    ]


@dataclass(frozen=True)
class Address:
    file: Path
    line: int
    url: str
    host: str
    path: str

    def __str__(self) -> str:
        return f"{self.file.relative_to(REPO)}:{self.line}: {self.url}"


def addresses_in(text: str, file: Path = REPO) -> Iterator[Address]:
    for number, line in enumerate(text.splitlines(), start=1):
        for match in ADDRESS.finditer(line):
            host = match["host"].lower().removeprefix("www.")
            yield Address(file, number, match[0], host, match["path"] or "/")


def cited() -> list[Address]:
    found: list[Address] = []
    for file in data_files():
        found.extend(addresses_in(file.read_text(encoding="utf-8"), file))
    return found


def allow_list() -> list[dict[str, Any]]:
    data = yaml.safe_load(ALLOW_LIST.read_text(encoding="utf-8"))
    entries = data["domains"]
    assert isinstance(entries, list)
    return entries


def matches(entry: str, address: Address) -> bool:
    """`apple.com` covers apple.com and its subdomains; `github.com/owner` only that owner's
    pages (owner names compared without case, as GitHub does)."""
    domain, _, owner = entry.lower().partition("/")
    if address.host != domain and not address.host.endswith("." + domain):
        return False
    if not owner:
        return True
    first = address.path.lower().strip("/").split("/", 1)[0]
    return first == owner


def allowed(address: Address, entries: list[str]) -> bool:
    return any(matches(entry, address) for entry in entries)


# --- the matching rule itself ------------------------------------------------------------------


def one(url: str) -> Address:
    (address,) = addresses_in(url)
    return address


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://support.apple.com/guide/personal-safety/welcome/web", True),
        ("https://www.apple.com/legal/privacy/", True),
        ("https://apple.com.evil.example/x", False),  # look-alike: apple.com is not its suffix
        ("https://notapple.com/", False),  # no dot before the listed domain
        ("https://github.com/AssoEchap/stalkerware-indicators", True),
        ("https://github.com/assoechap/stalkerware-indicators", True),
        ("https://github.com/someone-else/stalkerware-indicators", False),
        ("https://github.com/", False),
        ("https://kaofeng-lee-s90t.squarespace.com/documentationtips", False),
    ],
)
def test_matching_rule(url: str, expected: bool) -> None:
    assert allowed(one(url), ["apple.com", "github.com/AssoEchap"]) is expected


def test_addresses_are_found_in_comments_and_quotes_and_end_at_separators() -> None:
    text = (
        "# Sources: https://www.example.org/a-b?c=1 (note) ;\n"
        '  G1: "Title, https://support.example.com/x/y ; Other, https://other.example/z"\n'
        '# format: "Title, https://address"\n'
    )
    assert [(a.line, a.host, a.path) for a in addresses_in(text)] == [
        (1, "example.org", "/a-b?c=1"),
        (2, "support.example.com", "/x/y"),
        (2, "other.example", "/z"),
    ]


# --- the list ----------------------------------------------------------------------------------


def test_allow_list_entries_say_who_and_what_kind() -> None:
    problems = []
    seen: set[str] = set()
    for entry in allow_list():
        domain = str(entry.get("domain", ""))
        if set(entry) != {"domain", "kind", "who"}:
            problems.append(f"{domain or entry}: needs exactly domain, kind and who")
        if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+(/[A-Za-z0-9_.-]+)?", domain):
            problems.append(f"{domain}: write the host without https:// or www.")
        if domain.startswith("www."):
            problems.append(f"{domain}: leave out www.")
        if entry.get("kind") not in KINDS:
            problems.append(f"{domain}: kind must be one of {sorted(KINDS)}")
        if not str(entry.get("who", "")).strip():
            problems.append(f"{domain}: say who publishes it")
        if domain.lower() in seen:
            problems.append(f"{domain}: listed twice")
        seen.add(domain.lower())
    assert not problems, "\n".join(problems)


def test_the_files_cite_sources_at_all() -> None:
    # A broken scan (a wrong folder, a regex that finds nothing) would make the next test pass
    # vacuously; the checklists, catalog and contacts cite well over a hundred pages.
    found = cited()
    assert len(found) > 300
    assert {a.file.parent.name for a in found} >= {"checklists", "catalog", "data"}


def test_every_cited_address_is_on_the_reviewed_list() -> None:
    entries = [str(e["domain"]) for e in allow_list()]
    outside = [str(a) for a in cited() if not allowed(a, entries)]
    assert not outside, (
        "These sources are on domains nobody has reviewed. Cite the vendor's, the government's "
        "or the helpline's own page instead; if the domain is a good source, add it to "
        f"{ALLOW_LIST.relative_to(REPO)} with who publishes it:\n" + "\n".join(outside)
    )


def test_every_listed_domain_is_still_cited() -> None:
    found = cited()
    domains = [str(e["domain"]) for e in allow_list()]
    unused = [d for d in domains if not any(matches(d, a) for a in found)]
    assert not unused, f"no source uses these any more; remove them from the list: {unused}"


def test_every_cited_address_uses_https() -> None:
    plain = [str(a) for a in cited() if a.url.startswith("http://")]
    assert not plain, "\n".join(plain)


def test_the_scan_sees_every_source_the_loaders_load() -> None:
    # The loaders are what users see; if a source ever stops being written as an https address
    # on one line, the text scan would miss it and this test says so.
    texts: list[str] = []
    for checklist in load_checklists().all:
        texts.extend(checklist.sources.values())
    for tool in load_catalog().tools:
        texts.extend(tool.sources)
    for country in load_resources().values():
        texts.extend(contact.source for contact in country.contacts)
    assert len(texts) > 200
    entries = [str(e["domain"]) for e in allow_list()]
    for text in texts:
        found = list(addresses_in(text))
        assert found, f"no https:// address found in source {text!r}"
        outside = [a.url for a in found if not allowed(a, entries)]
        assert not outside, f"{text!r}: {outside}"

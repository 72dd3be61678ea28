"""Emergency and support contacts per country, shown in the safety briefing and by
`safecheck resources`.

The contacts live in `data/resources.yaml`, written and checked by people, not programmers: every
mistake is reported as `file:line:col: message`, and all of them are collected before giving up.
Every number must name the public page that states it.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml

from safecheck.core.errors import DataError
from safecheck.core.i18n import LANGUAGES, LocalizedText, Translator
from safecheck.core.yamlio import (
    FLOAT_TAG,
    INT_TAG,
    MappingView,
    Problems,
    as_list,
    as_localized,
    as_mapping,
    as_text,
    as_word,
    compose_file,
)

# What a contact is, which decides nothing but how a reader should use it:
# emergency (call now), helpline (someone to talk to), sms (write, don't speak), chat (online
# conversation), web (a site or an online form), legal (legal help), note (not a number: something
# to say or do, such as a code phrase at a pharmacy).
KINDS = ["emergency", "helpline", "sms", "chat", "web", "legal", "note"]
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE_PATTERN = re.compile(r"^[A-Z]{2}$")
HTTPS_ADDRESS = re.compile(r"https://[^\s,;]+\.[^\s,;]+")

COUNTRY_REQUIRED = ("name", "contacts", "protection_order")
CONTACT_REQUIRED = ("id", "kind", "contact", "name", "description", "source")

WIDTH = 80
INDENT = "    "


@dataclass(frozen=True)
class Contact:
    """One way to get help: a number to call or text, an address, or something to say."""

    id: str
    kind: str
    contact: str  # the number, SMS number, address or phrase, exactly as it is written
    name: LocalizedText
    description: LocalizedText
    source: str  # "Title, https://address" of the public page that states it
    line: int = 0
    # One line that says what the number is for and how it can be used (free, anonymous,
    # 24/7, by text...), shown wherever the number is shown.
    summary: LocalizedText | None = None
    # Shown on the checkup's first screen, which must fit a 24-line terminal: a few per country.
    first_screen: bool = False


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2, upper case
    name: LocalizedText
    contacts: tuple[Contact, ...]
    protection_order: LocalizedText


def packaged_resources_file() -> Path:
    """The contacts shipped with safecheck."""
    return Path(__file__).resolve().parents[1] / "data" / "resources.yaml"


def _localized(view: MappingView, key: str, p: Problems, what: str) -> LocalizedText | None:
    return as_localized(view.get(key), p, f"{what}: '{key}'", LANGUAGES)


def _contact_text(node: yaml.Node | None, p: Problems, what: str) -> str | None:
    if isinstance(node, yaml.ScalarNode) and node.tag in (INT_TAG, FLOAT_TAG) and not node.style:
        p.add(node, f'{what}: put the number in quotes ("{node.value}") so it is kept as written')
        return None
    value = as_text(node, p, what)
    return value.strip() if value is not None else None


def _source(node: yaml.Node | None, p: Problems, what: str) -> str | None:
    value = as_text(node, p, what)
    if value is None:
        return None
    if not HTTPS_ADDRESS.search(value):
        p.add(
            node,
            f"{what}: name the public page that states it and give its https:// address "
            "('Title, https://...')",
        )
        return None
    return value.strip()


def _contact(node: yaml.Node, p: Problems) -> Contact | None:
    view = as_mapping(node, p, CONTACT_REQUIRED, ("summary", "first_screen"), what="contact")
    if view is None:
        return None
    start = len(p.items)
    raw_id = as_text(view.get("id"), p, "contact: 'id'")
    contact_id = None
    if raw_id is not None:
        if ID_PATTERN.match(raw_id):
            contact_id = raw_id
        else:
            p.add(
                view.get("id"),
                f"contact: id '{raw_id}' must be lowercase letters, digits and dashes",
            )
    what = f"contact '{contact_id or raw_id or '?'}'"
    kind = as_word(view.get("kind"), p, f"{what}: 'kind'", KINDS)
    contact = _contact_text(view.get("contact"), p, f"{what}: 'contact'")
    name = _localized(view, "name", p, what)
    description = _localized(view, "description", p, what)
    summary = _localized(view, "summary", p, what) if view.get("summary") is not None else None
    source = _source(view.get("source"), p, f"{what}: 'source'")
    first_screen = view.get("first_screen") is not None and (
        as_word(view.get("first_screen"), p, f"{what}: 'first_screen'", ["true", "false"]) == "true"
    )
    if (
        len(p.items) > start
        or contact_id is None
        or kind is None
        or contact is None
        or name is None
        or description is None
        or source is None
    ):
        return None
    return Contact(
        id=contact_id,
        kind=kind,
        contact=contact,
        name=name,
        description=description,
        source=source,
        line=node.start_mark.line + 1,
        summary=summary,
        first_screen=first_screen,
    )


def _country(code: str, node: yaml.Node, seen: dict[str, int], p: Problems) -> Country | None:
    what = f"country {code}"
    view = as_mapping(node, p, COUNTRY_REQUIRED, what=what)
    if view is None:
        return None
    start = len(p.items)
    name = _localized(view, "name", p, what)
    protection_order = _localized(view, "protection_order", p, what)
    contacts: list[Contact] = []
    contact_nodes = as_list(view.get("contacts"), p, f"{what}: 'contacts'")
    if "contacts" in view and not contact_nodes:
        p.add(view.get("contacts"), f"{what}: 'contacts' is empty")
    for contact_node in contact_nodes:
        contact = _contact(contact_node, p)
        if contact is None:
            continue
        if contact.id in seen:
            p.add(
                contact_node,
                f"contact '{contact.id}': duplicate contact id (first on line {seen[contact.id]})",
            )
            continue
        seen[contact.id] = contact.line
        contacts.append(contact)
    if len(p.items) > start or name is None or protection_order is None:
        return None
    return Country(
        code=code, name=name, contacts=tuple(contacts), protection_order=protection_order
    )


def parse_resources(node: yaml.Node | None, p: Problems) -> dict[str, Country]:
    """Build the countries from the YAML tree, adding every problem found to `p`."""
    if node is None:
        if not p.items:
            p.add(None, "the file is empty")
        return {}
    if not isinstance(node, yaml.MappingNode):
        p.add(node, "expected a mapping of country codes (FR, BE, ...) to countries")
        return {}
    countries: dict[str, Country] = {}
    first_line: dict[str, int] = {}
    seen_contacts: dict[str, int] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            p.add(key_node, "a country code must be two capital letters, such as FR")
            continue
        code = str(key_node.value)
        if not CODE_PATTERN.match(code):
            p.add(key_node, f"country code '{code}' must be two capital letters, such as FR")
            continue
        if code in first_line:
            p.add(key_node, f"duplicate country '{code}' (first on line {first_line[code]})")
            continue
        first_line[code] = key_node.start_mark.line + 1
        country = _country(code, value_node, seen_contacts, p)
        if country is not None:
            countries[code] = country
    if not first_line and not p.items:
        p.add(node, "no countries in the file")
    return countries


def load_resources(path: Path | None = None) -> dict[str, Country]:
    """The countries and their contacts, in file order, or DataError listing every problem."""
    file = path if path is not None else packaged_resources_file()
    problems = Problems(str(file))
    countries = parse_resources(compose_file(file, problems), problems)
    if problems.items:
        raise DataError(problems.items)
    return countries


_KEEP = "\u00a0"  # stands for a space that must not become a line break
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_GLUE = (
    re.compile(r"(?<=\d) (?=\d)"),  # 116 006, 0800 30 030: keep a number on one line
    re.compile(r"(?<=\d) (?=[hj]\b)"),  # 24 h/24, 7 j/7, 9 h
    re.compile(r" (?=[?!:;»])"),  # French typography: "danger :", "« masque 19 »"
    re.compile(r"(?<=«) "),
)


def _glue(text: str) -> str:
    """One paragraph on one line, with the spaces that must not break made unbreakable."""
    flat = _SPACES.sub(" ", text).strip()
    for pattern in _GLUE:
        flat = pattern.sub(_KEEP, flat)
    return flat


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    """Wrap prepared text to WIDTH columns, never inside a number, an address or a phone
    number's dashes, then turn the unbreakable spaces back into plain ones."""
    lines = textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [line.replace(_KEEP, " ") for line in lines]


def render_resources_text(country: Country, lang: str, heading: str) -> str:
    """The contacts of one country as plain text, no line longer than 80 columns:
    each contact as "NUMBER  Name" with its description indented below, then what a
    protection order is there."""
    pick = Translator(lang).pick  # ar/es/pt/tr texts come from their gettext catalogs
    lines = _wrap(_glue(heading))
    lines.append("")
    for contact in country.contacts:
        title = f"{_glue(contact.contact)}  {_glue(pick(contact.name))}"
        lines.extend(_wrap(title, rest=INDENT))
        if contact.summary is not None:  # what it is for, in one line, before the details
            lines.extend(_wrap(_glue(pick(contact.summary)), INDENT, INDENT))
        lines.extend(_wrap(_glue(pick(contact.description)), INDENT, INDENT))
        lines.append("")
    lines.extend(_wrap(_glue(pick(country.protection_order))))
    return "\n".join(lines) + "\n"

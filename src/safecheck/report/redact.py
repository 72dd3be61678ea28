"""Redaction of a report for sharing beyond the advocate (`--redact`).

Replaced, in every free-text field of the report (titles, explanations, steps, safety notes,
evidence, answers' notes, risks, coverage, the values of `metadata.host`):
- user names: from evidence `user` fields, from home folders in paths (`/home/NAME`, `/Users/NAME`,
  `C:\\Users\\NAME`, `/run/media/NAME`, `/media/NAME/`) and from `extra_names` -> `[user-N]` /
  `[name-N]`; a home path keeps the rest of the path: `/home/[user-1]/.config/autostart/x`;
- host names: `metadata.host["hostname"]` and `extra_hosts` -> `[host-N]`;
- e-mail addresses -> `[email-N]`;
- phone numbers (international `+33 6 12 34 56 78`, national `06 12 34 56 78`, `06.12.34.56.78`,
  North American `(555) 123-4567`, `555-123-4567`, ...) -> `[phone-N]`. Kept: short numbers
  (17, 112, 3919, 116 006), free-phone numbers (0800, 0808, 1-800...), every number of the
  packaged help resources, and what is not a phone: dates, times, versions, IP addresses, ports,
  process ids, hashes.

Within one report the same value always gets the same placeholder (`+33 6 12 34 56 78` and
`06 12 34 56 78` are one number), so an advocate can still follow it from finding to finding.
Identifiers chosen by safecheck (finding and item ids, sources, categories, references, hashes,
dates) are left alone; any field added later is redacted unless listed in `_KEEP`.

Limits: names are matched as whole words (not inside other words), case-insensitively; a
one-letter user name is not redacted; a name that only appears in free text and nowhere that
identifies it as a name (evidence user, home path, extra_names) is not found.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from enum import Enum
from typing import Any, TypeVar, cast

from safecheck.core.model import Coverage, Evidence, Finding
from safecheck.report.model import AnsweredItem, Metadata, Report, Risk

T = TypeVar("T")

# Fields that hold safecheck's own identifiers or values that cannot carry personal data.
_KEEP: dict[type, frozenset[str]] = {
    Finding: frozenset({"id", "source", "category", "references"}),
    Evidence: frozenset({"sha256", "modified", "answer"}),
    AnsweredItem: frozenset({"item_id", "checklist_id", "answer"}),
    Risk: frozenset({"item_id"}),
    Coverage: frozenset({"id"}),
    Metadata: frozenset(
        {"tool", "version", "generated_at", "language", "country", "data_versions", "redacted"}
    ),
}

# Accounts and folders that are not a person.
_NOT_PERSONAL = frozenset(
    {
        "root", "nobody", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news",
        "uucp", "proxy", "www-data", "backup", "list", "irc", "gnats", "messagebus", "syslog",
        "sshd", "polkitd", "rtkit", "avahi", "colord", "gdm", "lightdm", "pulse", "saned",
        "usbmux", "dnsmasq", "geoclue", "kernoops", "whoopsie", "tss", "cups-pk-helper",
        "speech-dispatcher", "hplip", "fwupd-refresh", "gnome-initial-setup", "nm-openvpn",
        "system", "local service", "network service", "localservice", "networkservice",
        "trustedinstaller", "defaultaccount", "wdagutilityaccount", "guest", "administrator",
        "shared", "public", "default", "default user", "all users", "user", "users", "home",
        "nt authority", "builtin", "workgroup", "localhost", "unknown", "none",
    }
)  # fmt: skip

_NAME_CHARS = r"[^/\\\s'\"`,;:()\[\]{}<>|*?]+"
_HOME_PATTERNS = (
    re.compile(rf"(?:/home|/var/home|/Users|/run/media)/({_NAME_CHARS})", re.IGNORECASE),
    re.compile(rf"/media/({_NAME_CHARS})/"),
    re.compile(
        r"(?<![^\W\d_])[a-z]:[\\/]+(?:Users|Documents and Settings)[\\/]+"
        r"(?:([^\\/\r\n\t:*?\"<>|]+)(?=[\\/])|([^\\/\s:*?\"<>|,;'()]+))",
        re.IGNORECASE,
    ),
)

_EMAIL = r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}"
_SEP = r"[ .\-]"
_PHONE = (
    r"(?<![\w+])(?<!\d[.:,\-])"
    r"(?:"
    rf"\+\d{{1,3}}(?:{_SEP}?\(0\))?(?:{_SEP}?\(?\d{{1,6}}\)?){{1,6}}"  # +33 6 12 34 56 78
    rf"|(?:1{_SEP}?)?\([2-9]\d{{2}}\){_SEP}?\d{{3}}{_SEP}\d{{4}}"  # (555) 123-4567
    rf"|(?:1{_SEP})?[2-9]\d{{2}}{_SEP}\d{{3}}{_SEP}\d{{4}}"  # 555-123-4567, 1 800 363-9010
    rf"|0[1-9](?P<s1>{_SEP}?)\d{{2}}(?:(?P=s1)\d{{2}}){{3}}"  # 06 12 34 56 78, 06.12.34.56.78
    rf"|0[1-9]\d{{1,4}}(?P<s2>{_SEP})\d{{2,8}}(?:(?P=s2)\d{{2,4}}){{0,2}}"  # 07700 900123
    r")"
    r"(?!\w)(?![.:\-]\d)"
)
# Country codes whose national numbers are written with a leading 0 (+33 6... = 06...), with
# the length of the national number without that 0.
_TRUNK_ZERO = {
    "33": (9, 9), "32": (8, 9), "41": (9, 9), "44": (9, 10), "49": (5, 11), "43": (4, 13),
    "31": (9, 9),
}  # fmt: skip
_NA_TOLL_FREE = ("800", "888", "877", "866", "855", "844", "833")


def _phone_key(text: str) -> str | None:
    """The number in a canonical form, or None when the digits cannot be a phone number."""
    digits = re.sub(r"\D", "", text.replace("(0)", ""))
    if text.startswith("+"):
        if not 8 <= len(digits) <= 15:
            return None
        if digits.startswith("1"):
            return digits[1:] if len(digits) == 11 else None
        for code, (shortest, longest) in _TRUNK_ZERO.items():
            if digits.startswith(code):
                national = digits[len(code) :]
                return "0" + national if shortest <= len(national) <= longest else None
        return "+" + digits
    if not 10 <= len(digits) <= 11:
        return None
    if len(digits) == 11 and digits.startswith("1"):
        return digits[1:]
    return digits


def _phone_prefix(text: str) -> tuple[str, str] | None:
    """The longest start of `text` that is a phone number, and its key; None if there is none.

    The pattern is greedy: "07700 900123 030 1234567" first matches past the first number.
    """
    while True:
        key = _phone_key(text)
        if key is not None:
            return text, key
        cut = max(text.rfind(c) for c in " .-")
        if cut <= 0:
            return None
        text = text[:cut].rstrip(" .-(")


@functools.cache
def public_numbers() -> frozenset[str]:
    """The numbers of the packaged help resources, which are never redacted."""
    try:
        from safecheck.core.resources import load_resources  # noqa: PLC0415

        countries = load_resources()
    except Exception:
        return frozenset()
    keys: set[str] = set()
    for country in countries.values():
        for contact in country.contacts:
            digits = re.sub(r"\D", "", contact.contact)
            if digits:
                keys.add(digits)
                keys.add(_phone_key(contact.contact) or digits)
    return frozenset(keys)


def _is_public(key: str) -> bool:
    national = key.lstrip("+")
    if key.startswith("080"):  # free-phone in FR, BE, CH, DE, UK...
        return True
    if len(national) == 10 and national.startswith(_NA_TOLL_FREE) and not key.startswith("0"):
        return True
    return key in public_numbers() or national in public_numbers()


def _personal(word: str) -> bool:
    """Can `word` be a person's user or host name (and not a system account or a placeholder)?"""
    w = word.strip().lower()
    return (
        len(w) >= 2
        and not w.isdigit()
        and not w.startswith(("_", "[", "systemd-", "$"))
        and w not in _NOT_PERSONAL
        and not re.fullmatch(r"[\d.:]+", w)
    )


class _Redactor:
    """Remembers what it replaced, so a value gets the same placeholder everywhere."""

    def __init__(self) -> None:
        self._words: dict[str, str] = {}  # lower-case name -> placeholder
        self._found: dict[tuple[str, str], str] = {}  # (kind, canonical value) -> placeholder
        self._counts: dict[str, int] = {}
        self._pattern: re.Pattern[str] | None = None

    def _next(self, kind: str) -> str:
        self._counts[kind] = self._counts.get(kind, 0) + 1
        return f"[{kind}-{self._counts[kind]}]"

    def _add(self, kind: str, word: str, placeholder: str | None = None) -> str:
        key = word.lower()
        if key not in self._words:
            self._words[key] = placeholder or self._next(kind)
            self._pattern = None
        return self._words[key]

    def add_user(self, name: str, kind: str = "user") -> None:
        name = name.strip().rstrip(".")
        if "\\" in name:  # DOMAIN\user (Windows): the domain is often the computer's name
            domain, _, name = name.rpartition("\\")
            self.add_host(domain)
        if not _personal(name):
            return
        placeholder = self._add(kind, name)
        for part in re.split(r"[\s._]+", name):  # "Amira Khelifi", "amira.k": each part too
            if part != name and len(part) >= 3 and _personal(part):
                self._add(kind, part, placeholder)

    def add_host(self, host: str) -> None:
        host = host.strip().rstrip(".")
        if not _personal(host):
            return
        placeholder = self._add("host", host)
        label = host.split(".", 1)[0]
        if label != host and _personal(label):
            self._add("host", label, placeholder)

    def collect_paths(self, text: str) -> None:
        """Learn the user names that appear as home folders in `text`."""
        found = [
            (match.start(), next((g for g in match.groups() if g), ""))
            for pattern in _HOME_PATTERNS
            for match in pattern.finditer(text)
        ]
        for _start, name in sorted(found):  # numbered in the order they appear
            self.add_user(name)

    def _compiled(self) -> re.Pattern[str]:
        if self._pattern is None:
            words = sorted(self._words, key=len, reverse=True)
            alternatives = [f"(?P<email>{_EMAIL})", f"(?P<phone>{_PHONE})"]
            # Names of 4 letters or more are found next to digits and "_" too ("amira_k",
            # "amira2"); shorter ones only as whole words ("ed" not in "ed25519").
            long_names = "|".join(re.escape(w) for w in words if len(w) >= 4)
            short_names = "|".join(re.escape(w) for w in words if len(w) < 4)
            if long_names:
                alternatives.append(rf"(?P<word>(?<![^\W\d_])(?:{long_names})(?![^\W\d_]))")
            if short_names:
                alternatives.append(rf"(?P<short>(?<!\w)(?:{short_names})(?!\w))")
            self._pattern = re.compile("|".join(alternatives), re.IGNORECASE)
        return self._pattern

    def _value(self, kind: str, key: str) -> str:
        if (kind, key) not in self._found:
            self._found[(kind, key)] = self._next(kind)
        return self._found[(kind, key)]

    def _replace(self, match: re.Match[str]) -> str:
        text = match.group(0)
        if match.group("email"):
            return self._value("email", text.lower())
        placeholder = self._words.get(text.lower())
        if placeholder is None:  # a case mapping re and str.lower() disagree on
            placeholder = next(
                (p for w, p in self._words.items() if w.casefold() == text.casefold()),
                "[redacted]",
            )
        return placeholder

    def __call__(self, text: str) -> str:
        pattern = self._compiled()
        out: list[str] = []
        pos = 0
        while (match := pattern.search(text, pos)) is not None:
            out.append(text[pos : match.start()])
            if not match.group("phone"):
                out.append(self._replace(match))
                pos = match.end()
                continue
            found = _phone_prefix(match.group(0))
            if found is None:  # digits that are no phone number: go on after its first char
                out.append(text[match.start()])
                pos = match.start() + 1
                continue
            number, key = found
            out.append(number if _is_public(key) else self._value("phone", key))
            pos = match.start() + len(number)  # what follows is scanned again
        out.append(text[pos:])
        return "".join(out)


# -- walking the report ------------------------------------------------------------------------


def _strings(value: object) -> Iterator[str]:
    """Every string of `value` that redaction would rewrite."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        keep = _KEEP.get(type(value), frozenset())
        for f in dataclasses.fields(value):
            if f.name not in keep:
                yield from _strings(getattr(value, f.name))


def _rewrite(value: T, fn: Callable[[str], str]) -> T:
    """A copy of `value` with `fn` applied to every string `_strings` would yield."""
    result: object
    if isinstance(value, str):
        result = fn(value)
    elif isinstance(value, Enum | bool | int | float) or value is None:
        result = value
    elif isinstance(value, tuple):
        result = tuple(_rewrite(item, fn) for item in value)
    elif isinstance(value, dict):
        result = {key: _rewrite(item, fn) for key, item in value.items()}
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        keep = _KEEP.get(type(value), frozenset())
        changes = {
            f.name: _rewrite(getattr(value, f.name), fn)
            for f in dataclasses.fields(value)
            if f.name not in keep
        }
        result = dataclasses.replace(cast(Any, value), **changes)
    else:
        result = value
    return cast(T, result)


def redact_report(
    report: Report, extra_names: Iterable[str] = (), extra_hosts: Iterable[str] = ()
) -> Report:
    """A copy of `report` with personal data replaced by placeholders, marked `redacted`.

    `extra_names`: more names to hide (the person's name, the other person's name), shown as
    `[name-N]`; `extra_hosts`: more computer names (the CLI passes this computer's name for a
    live scan, since the scan metadata may not carry it).
    """
    redactor = _Redactor()
    for finding in report.findings:
        for evidence in finding.evidence:
            if evidence.user:
                redactor.add_user(evidence.user)
    hostname = report.metadata.host.get("hostname")
    if isinstance(hostname, str):
        redactor.add_host(hostname)
    for host in extra_hosts:
        redactor.add_host(host)
    for name in extra_names:
        redactor.add_user(name, kind="name")
    for text in _strings(report):
        redactor.collect_paths(text)
    redacted = _rewrite(report, redactor)
    return dataclasses.replace(
        redacted, metadata=dataclasses.replace(redacted.metadata, redacted=True)
    )


def redact_text(text: str, names: Iterable[str] = (), hosts: Iterable[str] = ()) -> str:
    """`text` with the given user names and host names, the home folders' user names, e-mail
    addresses and phone numbers replaced (placeholders numbered within this text only)."""
    redactor = _Redactor()
    for name in names:
        redactor.add_user(name)
    for host in hosts:
        redactor.add_host(host)
    redactor.collect_paths(text)
    return redactor(text)

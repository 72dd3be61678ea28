"""Every user-facing string exists in every language, with the same placeholders."""

from __future__ import annotations

import json
import re

import pytest
from babel.core import Locale
from babel.numbers import format_decimal

from paths import REPO
from safecheck.core.i18n import (
    LANGUAGES,
    Plural,
    Translator,
    catalog,
    catalog_parts,
    language_from_environment,
    placeholders,
    plural_category,
)
from safecheck.core.i18n.bidi import FSI, PDI
from safecheck.core.model import Answer, CoverageStatus, Severity

SRC = REPO / "src" / "safecheck"
I18N = SRC / "core" / "i18n"


def test_same_keys_in_every_language() -> None:
    reference = set(catalog("en"))
    for lang in LANGUAGES:
        keys = set(catalog(lang))
        assert keys - reference == set(), f"{lang} has keys English lacks"
        assert reference - keys == set(), f"{lang} is missing keys"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_key_defined_twice(lang: str) -> None:
    seen: dict[str, str] = {}
    for name, part in catalog_parts(lang).items():
        for key in part:
            assert key not in seen, f"{lang}: {key} in both {seen[key]} and {name}"
            seen[key] = name
    assert set(catalog_parts(lang)) == set(catalog_parts("en"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_same_placeholders_and_no_empty_text(lang: str) -> None:
    for key, message in catalog("en").items():
        other = catalog(lang)[key]
        texts = other.texts() if isinstance(other, Plural) else [other]
        assert all(text.strip() for text in texts), f"{lang}:{key} is empty"
        assert placeholders(other) == placeholders(message), f"{lang}:{key}"


def test_every_key_used_in_code_exists() -> None:
    """Literal keys in the source, and the keys built from enums, are all in the catalog."""
    used: set[str] = set()
    pattern = re.compile(
        r"""\b(?:t|HELP|self\.t|Translator\([^)]*\))\(\s*"([a-z][\w.\-]*)"\s*[,)]"""
    )
    # keys passed around as values (a collector's reason) rather than looked up at once
    passed = re.compile(r"""["'](scan\.reason\.[a-z_]+)["']|\bkey=["']([a-z][\w.\-]*)["']""")
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used.update(pattern.findall(text))
        used.update(k for pair in passed.findall(text) for k in pair if k)
    used.update(f"answer.{a.value}" for a in Answer)
    used.update(f"severity.{s.value}" for s in Severity)
    used.update(f"coverage.status.{c.value}" for c in CoverageStatus)
    assert len(used) > 60  # the pattern really finds the keys
    missing = sorted(k for k in used if k not in catalog("en"))
    assert missing == []


# Placeholders that hold a count. Beside a noun ("{count} apps") they need a plural message; a
# count given as a label ("Not checked: {count}") does not.
COUNTS = {
    "count",
    "total",
    "seconds",
    "limit",
    "items",
    "tools",
    "problems",
    "findings",
    "entries",
    "read",
    "unread",
    "followed",
    "files",
    "checklists",
    "denied",
    "unreadable",
    "checked",
    "answered",
    "skipped",
    "commands",
    "max",
    "number",
    "high",
    "medium",
    "low",
    "info",
}
# Counts beside a word that does not change with the number in English.
INVARIABLE = {
    "{checked} read",
    "{denied} need",
    "{unreadable} could",
    "{followed} of",
    "{unread} could",
    "{seconds} s",
    "{high} high",
    "{medium} medium",
    "{low} low",
    "{info} for",
    "{skipped} of",
    "{number} of",
    "{limit} per",
    "{limit} KiB",
    "{max}, the",
    "{count}, first",
}
SAMPLE_COUNTS = (0, 1, 2, 3, 11, 100)


def test_every_count_beside_a_noun_is_a_plural_message() -> None:
    """ "1 findings" cannot happen: a count followed by a word is chosen by the plural rules."""
    wrong = []
    for key, message in catalog("en").items():
        texts = message.texts() if isinstance(message, Plural) else [message]
        by = message.by if isinstance(message, Plural) else None
        for text in texts:
            for match in re.finditer(r"\{(\w+)\}[ ,]*\w+", text):
                name = match.group(1)
                if name not in COUNTS or name == by:
                    continue
                if not any(match.group(0).startswith(ok) for ok in INVARIABLE):
                    wrong.append(f"{key}: {match.group(0)}")
    assert wrong == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_messages_are_plural_in_every_language(lang: str) -> None:
    for key, message in catalog("en").items():
        other = catalog(lang)[key]
        if isinstance(message, Plural):
            assert isinstance(other, Plural), f"{lang}:{key} needs one form per plural category"
            assert other.by == message.by, f"{lang}:{key} counts by another placeholder"


def sample_values(message: Plural, count: int) -> dict[str, object]:
    values: dict[str, object] = dict.fromkeys(placeholders(message), "X")
    values[message.by] = count
    return values


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("count", SAMPLE_COUNTS)
def test_plural_forms_for_sample_counts(lang: str, count: int) -> None:
    """Each language writes the form its CLDR rules choose for 0, 1, 2, 3, 11 and 100."""
    t = Translator(lang)
    category = plural_category(lang, count)
    for key, message in catalog(lang).items():
        if not isinstance(message, Plural):
            continue
        assert category in message.forms, f"{lang}:{key} has no '{category}' form (for {count})"
        text = t(key, **sample_values(message, count)).replace(FSI, "").replace(PDI, "")
        expected = message.forms[category].format(**sample_values(message, count))
        assert text == expected.replace(str(count), t.number(count)), f"{lang}:{key}"
        assert "{" not in text and "}" not in text, f"{lang}:{key}"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["other", "one", "other", "other", "other", "other"]),
        ("fr", ["one", "one", "other", "other", "other", "other"]),
        ("ar", ["zero", "one", "two", "few", "many", "other"]),
        ("es", ["other", "one", "other", "other", "other", "other"]),
        ("pt", ["one", "one", "other", "other", "other", "other"]),
        ("tr", ["other", "one", "other", "other", "other", "other"]),
    ],
)
def test_cldr_plural_rules_come_from_babel(lang: str, expected: list[str]) -> None:
    assert [plural_category(lang, n) for n in SAMPLE_COUNTS] == expected


def test_plural_messages_read_right() -> None:
    assert Translator("en")("scan.summary", findings=1, high=1, medium=0, low=0, info=0).startswith(
        "1 finding:"
    )
    assert Translator("fr")("coverage.answered", total=0) == "0 question répondue."
    assert Translator("ar")("iphone.coverage.apps", count=2) == "قُرئ تطبيقان."
    assert Translator("ar")("iphone.coverage.apps", count=11) == "قُرئ 11 تطبيقًا."
    assert Translator("tr")("iphone.coverage.apps", count=3) == "3 uygulama okundu."
    assert Translator("es")("iphone.coverage.apps", count=1) == "1 app leída."


def test_french_is_not_english_copied() -> None:
    en, fr = catalog("en"), catalog("fr")
    same = []
    for key, text in en.items():
        if isinstance(text, str) and text == fr[key] and len(text) > 12 and "{" not in text:
            same.append(key)
    assert same == [], same


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LC_ALL": "fr_BE.UTF-8", "LANG": "en_US.UTF-8"}, "fr"),
        ({"LC_ALL": "C.UTF-8", "LANG": "fr_CA.UTF-8"}, "fr"),
        ({"LANG": "de_DE.UTF-8"}, None),
        ({}, None),
    ],
)
def test_language_from_environment(env: dict[str, str], expected: str | None) -> None:
    assert language_from_environment(env) == expected


def test_translator_formats() -> None:
    assert Translator("fr")("keys.legend", keys="o oui") == "Touches : o oui"
    with pytest.raises(ValueError, match="unsupported"):
        Translator("xx")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_written_plural_rules_are_babels(lang: str) -> None:
    """i18n/plural_rules.json is Babel's CLDR data written down (tools/translations.py
    plural-rules): the same rules, and the same category for every count Babel is asked."""
    babel_rule = Locale.parse(lang).plural_form
    written = json.loads((I18N / "plural_rules.json").read_text(encoding="utf-8"))["rules"][lang]
    assert written == babel_rule.rules, "run: python tools/translations.py plural-rules"
    for count in [*range(0, 2100), 1_000_000, 2_000_000, 0.5, 1.0, 1.5, 2.25, 100.0]:
        assert plural_category(lang, count) == babel_rule(count), (lang, count)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_small_whole_numbers_are_written_as_babel_writes_them(lang: str) -> None:
    t = Translator(lang)
    for value in [*range(0, 1000), 1000, 12345, 1234567, -5, 2.5]:
        expected = format_decimal(value, locale=lang, numbering_system="latn")
        assert t.number(value) == expected, (lang, value)

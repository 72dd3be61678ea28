"""Every user-facing string exists in every language, with the same placeholders."""

from __future__ import annotations

import re

import pytest

from paths import REPO
from safecheck.core.i18n import (
    LANGUAGES,
    Translator,
    catalog,
    catalog_parts,
    language_from_environment,
    placeholders,
)
from safecheck.core.model import Answer, CoverageStatus, Severity

SRC = REPO / "src" / "safecheck"


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
        assert other.strip(), f"{lang}:{key} is empty"
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


def test_french_is_not_english_copied() -> None:
    en, fr = catalog("en"), catalog("fr")
    same = [k for k in en if en[k] == fr[k] and len(en[k]) > 12 and "{" not in en[k]]
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

"""User-facing strings: one catalog per language, the same keys in each.

Each language is a folder beside this module (`en/`, `fr/`) of YAML files, one per part of the
tool (`core.yaml`, `scan.yaml`, ...), so translators can edit them and parts do not collide.
`tests/unit/test_i18n.py` fails when a key or a placeholder is missing in any language, or
when two files of one language define the same key.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from pathlib import Path

import yaml

LANGUAGES: tuple[str, ...] = ("en", "fr")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}

LocalizedText = Mapping[str, str]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def catalog_parts(lang: str) -> dict[str, dict[str, str]]:
    """The message files of one language: file name -> {key: message}."""
    parts: dict[str, dict[str, str]] = {}
    # next to this module, as in the wheel (importlib.resources costs the start-up 20 ms)
    folder = Path(__file__).parent / lang
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.load(entry.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
        if not isinstance(data, dict):
            raise RuntimeError(f"i18n catalog {lang}/{entry.name} is not a mapping")
        parts[entry.name] = {str(k): str(v) for k, v in data.items()}
    return parts


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    """The messages of one language, keyed by id."""
    merged: dict[str, str] = {}
    for part in catalog_parts(lang).values():
        merged.update(part)
    return merged


def placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


class Translator:
    """Looks up messages in one language, formatting `{placeholders}`."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unsupported language {lang!r}")
        self.lang = lang
        self._messages = catalog(lang)

    def __call__(self, key: str, **values: object) -> str:
        message = self._messages[key]
        return message.format(**values) if values else message

    def pick(self, text: LocalizedText) -> str:
        """The text of a data file (checklist, resources) in this language."""
        return text.get(self.lang) or text[DEFAULT_LANGUAGE]


def language_from_environment(environ: Mapping[str, str]) -> str | None:
    """The system's language (LC_ALL, LC_MESSAGES, LANG), when we support it."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = environ.get(var, "").strip()
        if not value or value in ("C", "POSIX") or value.startswith(("C.", "POSIX.")):
            continue
        code = value.split(":")[0].split("_")[0].split(".")[0].lower()
        return code if code in LANGUAGES else None
    return None

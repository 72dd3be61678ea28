"""User-facing strings: one catalog per language, the same keys in each.

Each language is a folder beside this module (`en/`, `fr/`, `ar/`, ...) of YAML files, one per
part of the tool (`core.yaml`, `scan.yaml`, ...), so translators can edit them and parts do not
collide. Only the folder of the language in use is read, the first time it is needed.
`tests/core/test_i18n.py` fails when a key or a placeholder is missing in any language, or
when two files of one language define the same key.

A message that depends on a number is a mapping of CLDR plural categories (`zero`, `one`,
`two`, `few`, `many`, `other`) with `plural:` naming the placeholder that chooses the form; the
rules come from Babel's CLDR data (imported only when such a message is shown). How to add or fix
a language: docs/translating.md.
"""

from __future__ import annotations

import datetime
import functools
import json
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from babel.core import Locale

LANGUAGES: tuple[str, ...] = ("en", "fr", "ar", "es", "pt", "tr")
DEFAULT_LANGUAGE = "en"
# Every data text (checklists, rules, contacts) must exist in these; the others may be missing
# in a data file and then fall back to FALLBACK_LANGUAGE, marked as such (see `Translator.pick`).
REQUIRED_LANGUAGES: tuple[str, ...] = ("en", "fr")
FALLBACK_LANGUAGE = "en"
# Each language's name written in itself, so a person can find their own in a list.
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "ar": "العربية",
    "es": "Español",
    "pt": "Português",
    "tr": "Türkçe",
}
RTL_LANGUAGES = frozenset({"ar"})
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")

LocalizedText = Mapping[str, str]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Plural:
    """A message with one form per plural category; `by` names the counting placeholder."""

    by: str
    forms: Mapping[str, str]

    def texts(self) -> list[str]:
        return list(self.forms.values())


Message = str | Plural


def _message(lang: str, name: str, key: str, value: object) -> Message:
    if not isinstance(value, dict):
        return str(value)
    by = value.get("plural")
    forms = {str(k): str(v) for k, v in value.items() if k != "plural"}
    if not isinstance(by, str) or "other" not in forms or set(forms) - set(PLURAL_CATEGORIES):
        raise RuntimeError(
            f"i18n catalog {lang}/{name}: {key} needs 'plural: <placeholder>', an 'other' form "
            f"and only the forms {', '.join(PLURAL_CATEGORIES)}"
        )
    return Plural(by, forms)


@functools.cache
def catalog_parts(lang: str) -> dict[str, dict[str, Message]]:
    """The message files of one language: file name -> {key: message}."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    parts: dict[str, dict[str, Message]] = {}
    # next to this module, as in the wheel (importlib.resources costs the start-up 20 ms)
    folder = Path(__file__).parent / lang
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.load(entry.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
        if not isinstance(data, dict):
            raise RuntimeError(f"i18n catalog {lang}/{entry.name} is not a mapping")
        parts[entry.name] = {str(k): _message(lang, entry.name, k, v) for k, v in data.items()}
    return parts


@functools.cache
def catalog(lang: str) -> dict[str, Message]:
    """The messages of one language, keyed by id."""
    merged: dict[str, Message] = {}
    for part in catalog_parts(lang).values():
        merged.update(part)
    return merged


def placeholders(message: Message | str) -> set[str]:
    texts = message.texts() if isinstance(message, Plural) else [message]
    return {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}


@dataclass(frozen=True)
class LanguageStatus:
    code: str
    name: str
    status: str  # "source", "reviewed" (by a native speaker) or "unreviewed"
    note: str

    @property
    def reviewed(self) -> bool:
        return self.status in ("source", "reviewed")


@functools.cache
def language_statuses() -> dict[str, LanguageStatus]:
    """Who wrote or checked each language (`languages.yaml` beside this module)."""
    text = (Path(__file__).parent / "languages.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=_Loader)  # noqa: S506
    out: dict[str, LanguageStatus] = {}
    for code in LANGUAGES:
        entry = data[code]
        out[code] = LanguageStatus(
            code, LANGUAGE_NAMES[code], str(entry["status"]), " ".join(str(entry["note"]).split())
        )
    return out


@functools.cache
def _locale(lang: str) -> Locale:
    # Babel's CLDR data is only loaded when a count, number or date is shown.
    from babel.core import Locale  # noqa: PLC0415

    return Locale.parse(lang)


@functools.cache
def _plural_rule(lang: str) -> Callable[[int | float], str]:
    # Babel's CLDR rules, written down by `tools/translations.py plural-rules` (a test checks
    # they are still Babel's): a count then costs no load of Babel's whole locale data.
    from babel.plural import PluralRule  # noqa: PLC0415

    text = (Path(__file__).parent / "plural_rules.json").read_text(encoding="utf-8")
    rule: Callable[[int | float], str] = PluralRule(json.loads(text)["rules"][lang])
    return rule


def plural_category(lang: str, count: int | float) -> str:
    """The CLDR plural category of `count` in `lang` ("one", "few", ...)."""
    return str(_plural_rule(lang)(abs(count)))


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _as_number(value: object) -> int | float | None:
    if _is_number(value):
        return value  # type: ignore[return-value]
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


class Translator:
    """Looks up messages in one language, formatting `{placeholders}`."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unsupported language {lang!r}")
        self.lang = lang
        self._messages = catalog(lang)

    @property
    def rtl(self) -> bool:
        return self.lang in RTL_LANGUAGES

    def __call__(self, key: str, **values: object) -> str:
        message = self._messages[key]
        if isinstance(message, Plural):
            return self._plural(message, values)
        return message.format(**values) if values else message

    def _plural(self, message: Plural, values: dict[str, object]) -> str:
        count = _as_number(values.get(message.by))
        if count is None:  # not a count after all: the general form is the least wrong
            general = message.forms["other"]
            return general.format(**values)
        form = message.forms.get(plural_category(self.lang, count), message.forms["other"])
        shown = {k: self.number(v) if _is_number(v) else v for k, v in values.items()}
        return form.format(**shown)

    def number(self, value: object) -> str:
        """A number written the way this language writes it (1,234 · 1 234 · 1.234)."""
        if not isinstance(value, int | float) or isinstance(value, bool):
            return str(value)
        if isinstance(value, int) and 0 <= value < 1000:
            return str(value)  # no separator to place: the same in every language (tested)
        from babel.numbers import format_decimal  # noqa: PLC0415

        # Latin digits in every language: they are what phones, keyboards and commands use.
        return str(format_decimal(value, locale=_locale(self.lang), numbering_system="latn"))

    def date(self, moment: datetime.datetime | datetime.date) -> str:
        """A date and time written the way this language writes them."""
        from babel.dates import format_date, format_datetime  # noqa: PLC0415

        if isinstance(moment, datetime.datetime):
            return str(format_datetime(moment, format="medium", locale=_locale(self.lang)))
        return str(format_date(moment, format="medium", locale=_locale(self.lang)))

    def _own(self, text: LocalizedText) -> str | None:
        own = text.get(self.lang)
        if own:
            return own
        english = text.get(FALLBACK_LANGUAGE)
        if english and self.lang not in REQUIRED_LANGUAGES:
            return data_translations(self.lang).get(english.strip())
        return None

    def pick(self, text: LocalizedText) -> str:
        """The text of a data file (checklist, rules, contacts) in this language: inline in the
        data file (en, fr), else from this language's gettext catalogs. A text not yet
        translated is shown in FALLBACK_LANGUAGE after a mark that says so in this language."""
        own = self._own(text)
        if own is not None:
            return own
        fallback = text.get(FALLBACK_LANGUAGE) or text[DEFAULT_LANGUAGE]
        if self.lang in REQUIRED_LANGUAGES:
            return fallback
        return self("i18n.fallback_mark") + " " + fallback


def data_folder(lang: str) -> Path:
    """Where the gettext catalogs of a language's data texts are (`<lang>/data/*.po`)."""
    return Path(__file__).parent / lang / "data"


def _fields(text: str) -> set[str] | None:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:  # an unbalanced brace: compared as such
        return None


@functools.cache
def data_translations(lang: str) -> dict[str, str]:
    """English data text -> its translation, merged over every `.po` catalog of one language.
    Read once, and only for the language in use. An empty or fuzzy translation, or one whose
    {placeholders} differ from the English, counts as not translated (the English is shown,
    marked): a translator's slip must never break a report."""
    folder = data_folder(lang)
    if not folder.is_dir():
        return {}
    from babel.messages.pofile import read_po  # noqa: PLC0415

    merged: dict[str, str] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".po"):
            continue
        with entry.open("rb") as file:
            po = read_po(file, locale=lang)
        for message in po:
            english, translated = message.id, message.string
            if not (isinstance(english, str) and english and isinstance(translated, str)):
                continue
            if message.fuzzy or not translated.strip():
                continue
            if _fields(translated) != _fields(english):
                continue
            merged[english.strip()] = translated.strip()
    return merged


def language_from_environment(environ: Mapping[str, str]) -> str | None:
    """The system's language (LC_ALL, LC_MESSAGES, LANG), when we support it."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = environ.get(var, "").strip()
        if not value or value in ("C", "POSIX") or value.startswith(("C.", "POSIX.")):
            continue
        code = value.split(":")[0].split("_")[0].split(".")[0].lower()
        return code if code in LANGUAGES else None
    return None

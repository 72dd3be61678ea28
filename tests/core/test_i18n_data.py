"""Data texts (checklists, rules, contacts) of languages beyond en/fr come from gettext catalogs:
`Translator.pick` looks the English text up in `<lang>/data/*.po`. These tests write their own
catalog: the real ones are being filled by translators."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from safecheck.core import i18n
from safecheck.core.i18n import Translator, data_translations

PO = r"""# A catalog as Poedit writes one.
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Language: es\n"

#: checklists/android.yaml:items/x/question
msgid "Is there an app you did not install?"
msgstr "¿Hay una app que usted no instaló?"

msgid "Open Settings."
msgstr ""

#, fuzzy
msgid "Look at the list."
msgstr "Mire la lista vieja."

msgid "{tool} can read your messages."
msgstr "{herramienta} puede leer sus mensajes."

msgid "{tool} can see where you are."
msgstr "{tool} puede ver dónde está."

msgid ""
"A text on two lines\n"
"in the data file."
msgstr "Un texto en dos líneas."
"""

ENGLISH_MARK = "[en inglés]"


@pytest.fixture
def catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "es").mkdir()
    (tmp_path / "es" / "checklists.po").write_text(PO, encoding="utf-8")
    (tmp_path / "es" / "rules.po").write_text(
        'msgid "Turn it off."\nmsgstr "Desactívelo."\n', encoding="utf-8"
    )
    (tmp_path / "es" / "notes.txt").write_text("not a catalog", encoding="utf-8")
    monkeypatch.setattr(i18n, "data_folder", lambda lang: tmp_path / lang)
    data_translations.cache_clear()
    yield tmp_path
    data_translations.cache_clear()


def text(english: str, french: str = "texte") -> dict[str, str]:
    return {"en": english, "fr": french}


def test_translated_text_comes_from_the_catalog(catalogs: Path) -> None:
    t = Translator("es")
    assert t.pick(text("Is there an app you did not install?")) == (
        "¿Hay una app que usted no instaló?"
    )


def test_catalogs_of_every_domain_are_merged(catalogs: Path) -> None:
    assert Translator("es").pick(text("Turn it off.")) == "Desactívelo."


def test_surrounding_spaces_of_the_data_file_do_not_matter(catalogs: Path) -> None:
    # the data loader strips texts; a folded YAML text may end with a newline in the template
    assert Translator("es").pick(text("A text on two lines\nin the data file.")) == (
        "Un texto en dos líneas."
    )


@pytest.mark.parametrize(
    "english",
    [
        "Open Settings.",  # empty translation
        "Look at the list.",  # fuzzy: Poedit's "needs work"
        "{tool} can read your messages.",  # a placeholder renamed by mistake
        "A sentence no catalog has.",
    ],
)
def test_untranslated_text_is_english_after_the_mark(catalogs: Path, english: str) -> None:
    t = Translator("es")
    assert t("i18n.fallback_mark") == ENGLISH_MARK
    assert t.pick(text(english)) == f"{ENGLISH_MARK} {english}"


def test_a_placeholder_kept_is_fine(catalogs: Path) -> None:
    assert Translator("es").pick(text("{tool} can see where you are.")) == (
        "{tool} puede ver dónde está."
    )


def test_inline_text_wins_and_en_fr_never_read_catalogs(catalogs: Path) -> None:
    inline = {"en": "Open Settings.", "fr": "Ouvrez Réglages.", "es": "Abra Ajustes."}
    assert Translator("es").pick(inline) == "Abra Ajustes."
    assert Translator("fr").pick(text("Turn it off.", "Désactivez-le.")) == "Désactivez-le."
    assert Translator("en").pick(text("Turn it off.")) == "Turn it off."
    assert data_translations.cache_info().currsize == 0  # nothing read for en/fr


def test_catalogs_are_read_once_and_only_for_the_language_in_use(catalogs: Path) -> None:
    t = Translator("es")
    for _ in range(3):
        t.pick(text("Turn it off."))
    info = data_translations.cache_info()
    assert (info.misses, info.currsize) == (1, 1)


def test_a_language_without_catalogs_falls_back(catalogs: Path) -> None:
    t = Translator("tr")
    assert t.pick(text("Turn it off.")).endswith(" Turn it off.")
    assert t.pick(text("Turn it off.")) != "Turn it off."

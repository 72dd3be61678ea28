"""The checkup's keys come from each language's catalog and never mean two things (issue 17)."""

from __future__ import annotations

import pytest

from safecheck.cli.keys import ACTIONS, HELP, NOTE, Keys
from safecheck.cli.prompt import QUIT_WORDS, minutes_left
from safecheck.core.i18n import LANGUAGES, Translator
from safecheck.core.model import Answer


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_key_or_word_means_two_things(lang: str) -> None:
    keys = Keys.of(Translator(lang), advocate=True)
    assert keys.clashes() == []
    for action in ACTIONS:
        if action != "quit":  # q, quit, quitter leave at once in every language
            assert keys.keys[action].lower() not in QUIT_WORDS, (lang, action)
            assert keys.words[action].lower() not in QUIT_WORDS, (lang, action)


def test_a_clash_is_found() -> None:
    keys = Keys.of(Translator("en"))
    clashing = Keys({**keys.keys, "note": "n"}, keys.words, advocate=True)
    assert clashing.clashes() != []


def test_french_keys_are_french() -> None:
    keys = Keys.of(Translator("fr"))
    assert keys.hint() == "[o/n/?/i/p/r/a/q]"
    assert keys.parse("o") is Answer.YES
    assert keys.parse("OUI") is Answer.YES
    assert keys.parse("i") is Answer.CANT_FIND
    assert keys.parse("p") is Answer.SKIP
    assert keys.parse("a") == HELP
    assert keys.parse("y") is None  # the English key means nothing in a French session
    assert keys.legend().startswith("o oui · n non · ? je ne sais pas · i introuvable")


def test_english_keys_and_the_advocates_note_key() -> None:
    plain, advocate = Keys.of(Translator("en")), Keys.of(Translator("en"), advocate=True)
    assert plain.hint() == "[y/n/?/c/s/b/h/q]"
    assert advocate.hint() == "[y/n/?/c/s/b/h/*/q]"
    assert plain.parse("*") is None
    assert advocate.parse("*") == NOTE
    assert "* note" in advocate.legend() and "note" not in plain.legend()
    assert plain.parse("can't find it") is Answer.CANT_FIND
    assert plain.parse("maybe") is None


@pytest.mark.parametrize(
    ("remaining", "minutes"), [(1, 1), (2, 1), (15, 10), (16, 10), (30, 20), (94, 65)]
)
def test_the_time_left_is_rounded_calmly(remaining: int, minutes: int) -> None:
    assert minutes_left(remaining) == minutes


def test_a_note_is_read_after_its_key_only_in_advocate_mode() -> None:
    advocate = Keys.of(Translator("fr"), advocate=True)
    assert advocate.note_text("*") == ""
    assert advocate.note_text("* vu le 3 nov.") == "vu le 3 nov."
    assert advocate.note_text("*vu") == "vu"
    assert advocate.note_text("non") is None
    assert Keys.of(Translator("fr")).note_text("* vu") is None
    # a language whose note key is a letter keeps its words that start with that letter
    lettered = Keys({**advocate.keys, "note": "m"}, advocate.words, advocate=True)
    assert lettered.note_text("m rendez-vous") == "rendez-vous"
    assert lettered.note_text("merci") is None


def test_turkish_capitals_and_the_arabic_question_mark() -> None:
    turkish = Keys({"no": "h"}, {"no": "hayır"}, advocate=False, lang="tr")
    assert turkish.fold("HAYIR") == turkish.fold("hayır")
    arabic = Keys({"unsure": "?"}, {"unsure": "لا أعرف"}, advocate=False, lang="ar")
    assert arabic.fold("؟") == "?"

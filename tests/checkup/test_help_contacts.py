"""What the survivor reads about each help number, wherever it is shown: the first screen of the
checkup, `safecheck resources` and the help part of every report (issue 17)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from safecheck.cli.checkup import show_briefing
from safecheck.core.i18n import LANGUAGES, REQUIRED_LANGUAGES, Translator
from safecheck.core.resources import Contact, load_resources, render_resources_text


def every_contact() -> list[Contact]:
    return [c for country in load_resources().values() for c in country.contacts]


@pytest.mark.parametrize("contact", every_contact(), ids=lambda c: c.id)
def test_every_contact_has_a_one_line_summary_in_every_language(contact: Contact) -> None:
    assert contact.summary is not None, f"{contact.id}: add a summary (line {contact.line})"
    for lang in REQUIRED_LANGUAGES:  # the others come from gettext catalogs
        text = contact.summary.get(lang, "")
        assert text.strip(), f"{contact.id}: no {lang} summary"
        assert "\n" not in text and len(text) <= 200, (
            f"{contact.id}: keep the {lang} summary to one line"
        )


def briefing(lang: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n\n"))  # Enter on each of the two screens
    out = io.StringIO()
    console = Console(file=out, width=200, color_system=None)
    show_briefing(console, Translator(lang), load_resources()["FR"])
    return out.getvalue()


def test_the_french_first_screen_gives_each_number_its_full_description(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = {
        line.split()[0]: line for line in briefing("fr", monkeypatch).splitlines() if line.strip()
    }
    assert "SMS, fax ou application" in lines["114"]
    assert "sourdes ou malentendantes et toute personne qui ne peut pas parler" in lines["114"]
    assert "gratuit, anonyme, 24 h/24, 7 j/7" in lines["3919"]
    assert "Hébergement d'urgence" in lines["115"] and "gratuit" in lines["115"]


def test_the_english_first_screen_too(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = {
        line.split()[0]: line for line in briefing("en", monkeypatch).splitlines() if line.strip()
    }
    assert "SMS, fax or app" in lines["114"]
    assert "deaf or hard-of-hearing people and anyone who cannot speak" in lines["114"]
    assert "free, anonymous, 24/7" in lines["3919"]
    assert "Emergency shelter" in lines["115"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_resources_and_reports_show_each_summary_under_its_number(lang: str) -> None:
    # render_resources_text is what `safecheck resources` prints and what every report format
    # embeds as its help section.
    pick = Translator(lang).pick
    for country in load_resources().values():
        text = render_resources_text(country, lang, "Aide").replace("\u00a0", " ")
        flat = " ".join(text.split())
        for contact in country.contacts:
            assert contact.summary is not None
            assert " ".join(pick(contact.summary).split()) in flat, (country.code, contact.id)

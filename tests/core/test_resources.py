"""The emergency and support contacts: the packaged file, the loader's errors, the text output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from safecheck.core.errors import DataError, Problem
from safecheck.core.i18n import LANGUAGES, REQUIRED_LANGUAGES, Translator
from safecheck.core.resources import (
    KINDS,
    Contact,
    Country,
    load_resources,
    render_resources_text,
)

REQUIRED_COUNTRIES = ["FR", "BE", "CH", "CA", "GB", "US", "ES", "DE", "MA"]
FRANCE_NUMBERS = ["17", "112", "114", "3919", "119", "116 006"]
SOURCE = re.compile(r"[^,;]\S.*, https://[^\s;]+\.[^\s;]+")

# A small valid file; the malformed files below are this one with one mistake each, so the
# line numbers in the assertions refer to it (line 1 is "FR:").
VALID = """\
FR:
  name:
    en: France
    fr: France
  protection_order:
    en: An order made by a judge.
    fr: Une décision d'un juge.
  contacts:
    - id: fr-police
      kind: emergency
      contact: "17"
      name:
        en: Police
        fr: Police
      description:
        en: Call in danger.
        fr: Appelez en cas de danger.
      source: "Example, https://example.org/17"
"""


@pytest.fixture(scope="module")
def packaged() -> dict[str, Country]:
    return load_resources()


def all_contacts(countries: dict[str, Country]) -> list[Contact]:
    return [contact for country in countries.values() for contact in country.contacts]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "resources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(DataError) as caught:
        load_resources(path)
    return caught.value.problems


def only_problem(path: Path) -> Problem:
    problems = problems_of(path)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


# --- the packaged file -----------------------------------------------------------------------


def test_packaged_file_loads_with_france_first(packaged: dict[str, Country]) -> None:
    assert next(iter(packaged)) == "FR"
    assert all(country.contacts for country in packaged.values())


def test_every_required_country_is_there(packaged: dict[str, Country]) -> None:
    assert set(REQUIRED_COUNTRIES) <= set(packaged)
    assert list(packaged) == REQUIRED_COUNTRIES
    for code, country in packaged.items():
        assert country.code == code


def test_france_has_the_essential_numbers(packaged: dict[str, Country]) -> None:
    france = packaged["FR"]
    numbers = {contact.contact for contact in france.contacts}
    for number in FRANCE_NUMBERS:
        assert number in numbers, number
    by_number = {contact.contact: contact for contact in france.contacts}
    assert by_number["114"].kind == "sms"
    assert by_number["17"].kind == "emergency"
    chats = [c for c in france.contacts if "arretonslesviolences" in c.contact]
    assert len(chats) == 1
    assert chats[0].kind == "chat"


def test_france_protection_order_covers_the_essentials(packaged: dict[str, Country]) -> None:
    text = packaged["FR"].protection_order
    assert "juge aux affaires familiales" in text["fr"]
    assert "juge aux affaires familiales" in text["en"]
    for lang in REQUIRED_LANGUAGES:
        assert "6 " in text[lang]  # the judge decides within 6 days
        assert "vie privée et familiale" in text[lang]  # the residence card
    assert "« vie privée et familiale »" in text["fr"]


def test_every_contact_has_a_source_with_an_https_address(packaged: dict[str, Country]) -> None:
    for contact in all_contacts(packaged):
        assert "https://" in contact.source, contact.id
        for part in contact.source.split(" ; "):
            assert SOURCE.fullmatch(part), f"{contact.id}: {part!r}"


def test_every_text_exists_in_every_inline_language(packaged: dict[str, Country]) -> None:
    # English and French are written in the data file; the other languages in gettext catalogs
    assert set(REQUIRED_LANGUAGES) == {"en", "fr"}
    for country in packaged.values():
        for text in (country.name, country.protection_order):
            assert set(text) == set(REQUIRED_LANGUAGES)
            assert all(value.strip() for value in text.values())
        for contact in country.contacts:
            for text in (contact.name, contact.description):
                assert set(text) == set(REQUIRED_LANGUAGES), contact.id
                assert all(value.strip() for value in text.values()), contact.id


def test_contact_ids_are_unique_and_kinds_known(packaged: dict[str, Country]) -> None:
    contacts = all_contacts(packaged)
    ids = [contact.id for contact in contacts]
    assert len(ids) == len(set(ids))
    assert {contact.kind for contact in contacts} <= set(KINDS)


def test_french_texts_use_french_spacing(packaged: dict[str, Country]) -> None:
    """A space before ? ! : ; in French; none of "mot:" or "mot;"."""
    texts = [c.protection_order["fr"] for c in packaged.values()]
    texts += [c.description["fr"] for c in all_contacts(packaged)]
    for text in texts:
        assert not re.search(r"\w[?!;]", text), text
        assert not re.search(r"[^\s\d/]:(?!//)", text), text


# --- rendering -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("code", REQUIRED_COUNTRIES)
def test_render_fits_80_columns_and_lists_every_number(
    packaged: dict[str, Country], code: str, lang: str
) -> None:
    country = packaged[code]
    pick = Translator(lang).pick  # en/fr inline, the others from their catalogs or marked English
    heading = f"Help in {pick(country.name)}"
    out = render_resources_text(country, lang, heading)
    lines = out.splitlines()
    assert lines[0] == heading
    assert max(len(line) for line in lines) <= 80
    for contact in country.contacts:
        assert any(line.startswith(f"{contact.contact}  ") for line in lines), contact.id
    assert " ".join(pick(country.protection_order).split()[:4]) in " ".join(out.split())


def test_render_indents_descriptions_and_keeps_numbers_whole(
    packaged: dict[str, Country],
) -> None:
    out = render_resources_text(packaged["FR"], "fr", "Numéros utiles")
    lines = out.splitlines()
    start = lines.index("3919  Violences Femmes Info")
    assert lines[start + 1].startswith("    ")
    assert "+33 1 80 52 33 76" in out  # never broken across two lines
    assert "24 h/24, 7 j/7" in " ".join(out.split())
    for line in lines:
        # French spacing: the space before ; : ? ! » never becomes a line break
        assert not line.lstrip().startswith((";", ":", "?", "!", "»")), line
        assert not line.endswith(("«", " 24", " 7")), line


def test_render_wraps_a_long_heading_and_uses_the_language() -> None:
    country = Country(
        code="FR",
        name={"en": "France", "fr": "France"},
        contacts=(
            Contact(
                id="fr-police",
                kind="emergency",
                contact="17",
                name={"en": "Police", "fr": "Police secours"},
                description={"en": "Call in danger.", "fr": "Appelez en cas de danger."},
                source="Example, https://example.org/17",
            ),
        ),
        protection_order={"en": "An order.", "fr": "Une ordonnance."},
    )
    heading = "Numéros d'urgence et d'aide " * 6
    out = render_resources_text(country, "fr", heading)
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "17  Police secours" in lines
    assert "    Appelez en cas de danger." in lines
    assert lines[-1] == "Une ordonnance."
    assert "17  Police" in render_resources_text(country, "en", "Help").splitlines()


# --- malformed files -------------------------------------------------------------------------


def test_the_valid_sample_loads(tmp_path: Path) -> None:
    countries = load_resources(write(tmp_path, VALID))
    assert list(countries) == ["FR"]
    (contact,) = countries["FR"].contacts
    assert contact.contact == "17"
    assert contact.line == 9


def test_unknown_key_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    text = VALID.replace("      kind: emergency\n", "      kind: emergency\n      colour: red\n")
    path = write(tmp_path, text)
    problem = only_problem(path)
    assert (problem.path, problem.line, problem.column) == (str(path), 11, 7)
    assert "unknown key 'colour'" in problem.message
    assert str(problem).startswith(f"{path}:11:7: ")


def test_misspelt_key_suggests_the_right_one(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("      description:", "      descripton:"))
    problems = problems_of(path)
    unknown = [p for p in problems if "unknown key 'descripton'" in p.message]
    assert len(unknown) == 1
    assert (unknown[0].line, unknown[0].column) == (15, 7)
    assert "did you mean 'description'" in unknown[0].message
    assert any("missing key 'description'" in p.message for p in problems)


def test_missing_french_text(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("        fr: Appelez en cas de danger.\n", ""))
    problem = only_problem(path)
    assert (problem.line, problem.column) == (16, 9)
    assert "missing key 'fr'" in problem.message
    assert "'description'" in problem.message


def test_missing_source(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace('      source: "Example, https://example.org/17"\n', ""))
    problem = only_problem(path)
    assert (problem.line, problem.column) == (9, 7)
    assert "missing key 'source'" in problem.message


def test_source_without_an_address(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("Example, https://example.org/17", "Example page"))
    problem = only_problem(path)
    assert (problem.line, problem.column) == (18, 15)
    assert "https://" in problem.message


def test_duplicate_contact_id(tmp_path: Path) -> None:
    second = VALID[VALID.index("    - id: fr-police") :]
    path = write(tmp_path, VALID + second)
    problem = only_problem(path)
    assert (problem.line, problem.column) == (19, 7)
    assert "duplicate contact id" in problem.message
    assert "first on line 9" in problem.message


def test_duplicate_contact_id_across_countries(tmp_path: Path) -> None:
    belgium = VALID.replace("FR:", "BE:").replace("France", "Belgium")
    path = write(tmp_path, VALID + belgium)
    problem = only_problem(path)
    assert (problem.line, problem.column) == (27, 7)
    assert problem.message.startswith("contact 'fr-police': duplicate contact id")


@pytest.mark.parametrize("code", ["fr", "FRA", "F1", "Fr"])
def test_bad_country_code(tmp_path: Path, code: str) -> None:
    path = write(tmp_path, VALID.replace("FR:", f"{code}:", 1))
    problem = only_problem(path)
    assert (problem.line, problem.column) == (1, 1)
    assert f"country code '{code}'" in problem.message


def test_duplicate_country(tmp_path: Path) -> None:
    other = VALID.replace("fr-police", "fr-police-again")
    path = write(tmp_path, VALID + other)
    problem = only_problem(path)
    assert (problem.line, problem.column) == (19, 1)
    assert "duplicate country 'FR'" in problem.message


def test_unknown_kind(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("kind: emergency", "kind: hotline"))
    problem = only_problem(path)
    assert (problem.line, problem.column) == (10, 13)
    assert "unknown value 'hotline'" in problem.message
    assert "did you mean 'helpline'" in problem.message


def test_bad_contact_id(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("id: fr-police", "id: FR_Police"))
    problem = only_problem(path)
    assert (problem.line, problem.column) == (9, 11)
    assert "lowercase letters, digits and dashes" in problem.message


def test_unquoted_number_must_be_quoted(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace('contact: "17"', "contact: 17"))
    problem = only_problem(path)
    assert (problem.line, problem.column) == (11, 16)
    assert "quotes" in problem.message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    second = (
        VALID.replace("FR:", "BE:")
        .replace("fr-police", "be-police")
        .replace("kind: emergency", "kind: hotline")
        .replace('      source: "Example, https://example.org/17"\n', "")
    )
    text = VALID.replace("FR:", "fr:") + second
    path = write(tmp_path, text)
    problems = problems_of(path)
    messages = " | ".join(p.message for p in problems)
    assert "country code 'fr'" in messages
    assert "unknown value 'hotline'" in messages
    assert "missing key 'source'" in messages
    assert [p.line for p in problems] == sorted(p.line for p in problems)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("- FR\n", "expected a mapping of country codes"),
        ("FR: [\n", "YAML syntax error"),
        ("FR:\n  name: {en: France, fr: France}\n", "missing key 'contacts'"),
    ],
)
def test_broken_files(tmp_path: Path, text: str, message: str) -> None:
    problems = problems_of(write(tmp_path, text))
    assert any(message in p.message for p in problems), [str(p) for p in problems]


def test_missing_file_is_a_data_error(tmp_path: Path) -> None:
    problems = problems_of(tmp_path / "nowhere.yaml")
    assert "cannot read the file" in problems[0].message


def test_every_french_number_says_what_it_is_for_everywhere() -> None:
    france = load_resources()["FR"]
    numbers = {c.contact: c for c in france.contacts}
    assert {"17", "112", "114", "115", "3919"} <= set(numbers)
    for number in ("17", "112", "114", "115", "3919"):
        summary = numbers[number].summary
        assert summary is not None and summary["en"] and summary["fr"], number
    assert "cannot speak" in (numbers["114"].summary or {})["en"]
    assert "anonymous" in (numbers["3919"].summary or {})["en"]
    lines = render_resources_text(france, "fr", "Aide").replace("\u00a0", " ").splitlines()
    start = lines.index("115  Hébergement d'urgence (Samu social)")
    assert lines[start + 1].startswith("    un hébergement pour la nuit")

"""The checkup's first screens fit a 24-line, 80-column terminal in every language and for
every country, and French puts a space before the colon (issue 17)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from safecheck.cli.checkup import briefing_contacts, show_briefing
from safecheck.core.i18n import LANGUAGES, Translator
from safecheck.core.resources import load_resources

COUNTRIES = sorted(load_resources())


def screens(lang: str, code: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n\n"))  # Enter on each screen
    out = io.StringIO()
    console = Console(file=out, width=80, height=24, color_system=None, soft_wrap=False)
    t = Translator(lang)
    show_briefing(console, t, load_resources()[code])
    first, second = out.getvalue().split(t("briefing.next"), 1)
    return first + t("briefing.next"), second


@pytest.mark.parametrize("code", COUNTRIES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_screen_fits_24_lines(lang: str, code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = screens(lang, code, monkeypatch)
    # The prompt's own line counts; the terminal keeps one line for the typed Enter.
    assert len(first.splitlines()) <= 23, first
    assert len(second.splitlines()) <= 23, second
    # columns, not characters: Arabic vowel signs take no column of their own
    assert all(cell_len(line.rstrip()) <= 80 for line in (first + second).splitlines())


@pytest.mark.parametrize("code", COUNTRIES)
def test_every_country_marks_a_few_contacts_for_the_first_screen(code: str) -> None:
    country = load_resources()[code]
    marked = [c for c in country.contacts if c.first_screen]
    assert 2 <= len(marked) <= 4
    assert briefing_contacts(country) == marked
    assert any(c.kind == "emergency" for c in marked)


def test_the_first_screen_says_how_to_leave_and_the_second_what_acting_reveals(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = screens("en", "FR", monkeypatch)
    assert "type q and press Enter" in first and "3919" in first
    assert "can be noticed by the other person" in second
    assert "safer device" in second


def test_name_and_summary_joined_as_each_language_writes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first_fr, _ = screens("fr", "FR", monkeypatch)
    first_en, _ = screens("en", "FR", monkeypatch)
    assert "Hébergement d'urgence (Samu social) : un hébergement" in first_fr
    assert "Emergency shelter (SAMU social): a place" in first_en


def test_the_protection_order_is_in_the_help_section_not_among_the_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = screens("fr", "FR", monkeypatch)
    assert "juge aux affaires familiales" not in first + second
    assert "ordonnance de protection" in first  # where to read about it


def test_the_checklists_load_while_the_first_screen_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The guided checkup shows its first screen without waiting for the packaged checklists:
    they load once that screen and its prompt are shown, before the person's Enter is read."""
    import safecheck.cli.checkup as flow  # noqa: PLC0415
    from safecheck.cli.output import OutputOptions  # noqa: PLC0415

    out = io.StringIO()
    shown_when_loaded: list[str] = []

    class Stop(Exception):
        pass

    def fake_load(paths: object = None) -> object:
        shown_when_loaded.append(out.getvalue())
        raise Stop  # enough: the order is what this test is about

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Tty("\n\n"))
    monkeypatch.setattr(flow, "load_checklists", fake_load)
    monkeypatch.setattr(flow, "install_quick_exit_on_interrupt", lambda: None)
    monkeypatch.setattr(
        flow, "err_console", lambda soft_wrap=True: Console(file=out, width=80, color_system=None)
    )
    with pytest.raises(Stop):
        flow.run("en", "FR", False, None, None, False, OutputOptions())
    t = Translator("en")
    assert len(shown_when_loaded) == 1
    assert "3919" in shown_when_loaded[0]  # the first screen's contacts
    assert shown_when_loaded[0].rstrip().endswith(t("briefing.next"))
    assert t("briefing.continue") not in shown_when_loaded[0]  # Enter not read yet


def test_checklists_given_on_the_command_line_load_before_the_briefing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A problem in a file the person gave is said before anything else."""
    import safecheck.cli.checkup as flow  # noqa: PLC0415
    from safecheck.cli.output import OutputOptions  # noqa: PLC0415
    from safecheck.core.errors import DataError  # noqa: PLC0415

    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed\n", encoding="utf-8")
    out = io.StringIO()

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Tty("\n\n"))
    monkeypatch.setattr(flow, "install_quick_exit_on_interrupt", lambda: None)
    monkeypatch.setattr(
        flow, "err_console", lambda soft_wrap=True: Console(file=out, width=80, color_system=None)
    )
    with pytest.raises(DataError):
        flow.run("en", "FR", False, None, [bad], False, OutputOptions())
    assert out.getvalue() == ""  # nothing of the briefing was shown

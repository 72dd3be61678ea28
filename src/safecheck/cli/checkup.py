"""`safecheck checkup` (and `safecheck` alone): the guided session, or a scripted run."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from safecheck.checkup.checklist.answers_file import ScriptedAsker, load_answers_file
from safecheck.checkup.checklist.loader import load_checklists
from safecheck.checkup.run import build_report, run_checkup
from safecheck.cli.common import err_console, out_console, use_language
from safecheck.cli.output import OutputOptions, write_report
from safecheck.cli.prompt import TerminalAsker, install_quick_exit_on_interrupt, read_line
from safecheck.core.errors import UsageError
from safecheck.core.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, Translator
from safecheck.core.i18n.bidi import has_rtl, isolate
from safecheck.core.resources import Contact, Country, load_resources
from safecheck.report.model import Report, merge_scan
from safecheck.report.render.terminal import print_summary


def find_country(code: str) -> Country:
    countries = load_resources()
    found = countries.get(code.upper())
    if found is None:
        raise UsageError(
            Translator(DEFAULT_LANGUAGE)(
                "error.unknown_country", code=code, known=", ".join(sorted(countries))
            )
        )
    return found


# "Language" in each language, so that whoever sits at the keyboard finds a word they read.
LANGUAGE_HEADING = "Language / Langue / اللغة / Idioma / Língua / Dil"


def language_choice(text: str) -> str | None:
    """The language a typed answer names: its number in the list, its code, its name, or the
    first letter of its name when no other name starts with it."""
    text = text.strip().casefold()
    if text.isdigit() and 1 <= int(text) <= len(LANGUAGES):
        return LANGUAGES[int(text) - 1]
    for lang in LANGUAGES:
        if text in (lang, LANGUAGE_NAMES[lang].casefold()):
            return lang
    starting = [lang for lang in LANGUAGES if LANGUAGE_NAMES[lang].casefold().startswith(text)]
    return starting[0] if text and len(starting) == 1 else None


def ask_language(console: Console) -> str:
    """Asked when neither --lang nor the system's language is one we speak: each language's
    name written in itself, with a number to type."""
    console.print(LANGUAGE_HEADING, markup=False)
    for number, lang in enumerate(LANGUAGES, 1):
        # the Arabic name is isolated so the number and code around it keep their places
        name = LANGUAGE_NAMES[lang]
        shown = isolate(name) if has_rtl(name) else name
        console.print(f"  {number}  {shown}  ({lang})", markup=False)
    console.print("  q  quit / quitter", markup=False)
    while True:
        chosen = language_choice(read_line(console, "> "))
        if chosen is not None:
            return chosen


BRIEFING_KINDS = ("emergency", "sms", "helpline", "chat")  # when a country marks none


def briefing_contacts(country: Country) -> list[Contact]:
    """The few contacts of the first screen, as the country's data marks them."""
    marked = [c for c in country.contacts if c.first_screen]
    return marked or [c for c in country.contacts if c.kind in BRIEFING_KINDS]


def show_briefing(
    console: Console, t: Translator, country: Country, meanwhile: Callable[[], object] | None = None
) -> None:
    """The safety briefing, before any question, on two screens that each fit 24 lines of 80
    columns: what the checkup is, how to leave and whom to call; then what acting may reveal
    and why another device may be safer. `meanwhile` runs while the first screen is read."""
    console.print(
        Panel(escape(t("briefing.body")), title=escape(t("briefing.title")), border_style="yellow")
    )
    console.print(
        f"[bold]{escape(t('briefing.help_heading'))} — {escape(t.pick(country.name))}[/bold]"
    )
    contacts = Table.grid(padding=(0, 2))
    contacts.add_column(style="bold", no_wrap=True)
    contacts.add_column()
    for contact in briefing_contacts(country):
        line = t.pick(contact.name)
        if contact.summary is not None:
            line += t("briefing.separator") + t.pick(contact.summary)
        contacts.add_row(Text(contact.contact), Text(line))
    console.print(Padding(contacts, (0, 0, 0, 2)))
    console.print(t("briefing.more", country=country.code), style="dim", markup=False)
    read_line(console, t("briefing.next") + " ", meanwhile)
    console.print()
    console.print(Panel(escape(t("briefing.body_more")), border_style="yellow"))
    read_line(console, t("briefing.continue") + " ")


# y/n in every language's prompt; the words of each language work too
YES = frozenset({"y", "yes", "o", "oui", "s", "si", "sí", "sim", "e", "evet", "نعم", "ن"})
NO = frozenset({"n", "no", "non", "não", "nao", "h", "hayır", "hayir", "لا", "ل"})


def ask_yes_no(console: Console, question: str) -> bool:
    while True:
        answer = read_line(console, question + " ").lower()
        if answer in YES:
            return True
        if answer in NO:
            return False


def offer_to_save(console: Console, t: Translator, report: Report, options: OutputOptions) -> None:
    console.print()
    console.print(Panel(escape(t("save.warning")), border_style="yellow"))
    while True:
        answer = read_line(console, t("save.prompt") + " ")
        if not answer:
            console.print(t("save.not_saved"))
            return
        chosen = replace(options, output=Path(answer).expanduser())
        try:
            digest = write_report(
                report, t, chosen, console, confirm=lambda q: ask_yes_no(console, q)
            )
        except UsageError as exc:
            console.print(t("save.failed", error=exc.text(t)), style="red", markup=False)
            continue
        if digest is None:  # the person chose not to write into an exposed folder
            continue
        return


Reading = Callable[[Translator], Report]  # a part of the report, written in any language


def combined(readings: list[Reading], t: Translator) -> Report:
    report = readings[0](t)
    for reading in readings[1:]:
        report = merge_scan(report, reading(t))
    return report


def live_scan(t: Translator, console: Console | None, advocate: bool = False) -> Reading:
    # psutil is only loaded when the person asks for the inspection
    from safecheck.cli.scan_cmd import scan_this_computer  # noqa: PLC0415

    return scan_this_computer(t, console is not None, full_commands=advocate)


def offer_phone(t: Translator, console: Console, iphone_questions: bool) -> Reading | None:
    """At the end of a guided session: offer to check a connected Android phone, else a
    connected iPhone; when the iPhone questions were asked and no iPhone could be offered, say
    how to check one from a backup."""
    # adb and the phone modules are only loaded here, at the end of a guided session
    from safecheck.cli.iphone_cmd import offer_iphone_check  # noqa: PLC0415
    from safecheck.cli.phone_cmd import offer_phone_check  # noqa: PLC0415

    def confirm(question: str) -> bool:
        return ask_yes_no(console, question)

    report = offer_phone_check(t, console, confirm)
    if report is None:
        report = offer_iphone_check(t, console, confirm)
    if report is None and iphone_questions:
        console.print()
        console.print(t("iphone.checkup_hint"), markup=False)
        console.print(t("iphone.backup.how_to"), markup=False)
    return report


def offer_scan(console: Console, t: Translator) -> bool:
    console.print()
    console.print(Panel(escape(t("checkup.scan_offer")), border_style="cyan"))
    return ask_yes_no(console, t("checkup.scan_prompt"))


def run(
    lang: str | None,
    country_code: str,
    advocate: bool,
    answers_file: Path | None,
    checklist_paths: list[Path] | None,
    scan: bool | None,
    options: OutputOptions,
) -> None:
    if answers_file is not None:  # interactive runs get the output path at the end
        options.check(Translator(lang or DEFAULT_LANGUAGE))
    if answers_file is None and not sys.stdin.isatty():
        raise UsageError(Translator(lang or DEFAULT_LANGUAGE)("error.no_terminal"))
    country = find_country(country_code)
    # checklist files given with --checklists load first, so that a problem in them is said
    # before anything else; the packaged ones (checked by the tests) load while the person
    # reads the briefing's first screen, which then shows sooner
    given = load_checklists(checklist_paths) if checklist_paths else None
    if answers_file is not None:
        checklists = given or load_checklists(None)
        responses = load_answers_file(answers_file, checklists)
        t = use_language(Translator(lang or DEFAULT_LANGUAGE))
        answers = run_checkup(checklists, ScriptedAsker(responses))
        readings: list[Reading] = [
            lambda tt: build_report(checklists, answers, tt, country.code, advocate)
        ]
        if scan:
            readings.append(live_scan(t, None, advocate))
        write_report(combined(readings, options.report_translator(t)), t, options, err_console())
        return

    install_quick_exit_on_interrupt()
    console = err_console(soft_wrap=False)
    t = use_language(Translator(lang or ask_language(console)))
    packaged = functools.cache(lambda: load_checklists(None))
    show_briefing(console, t, country, None if given else packaged)
    checklists = given or packaged()  # loaded once: during the briefing, or now
    answers = run_checkup(checklists, TerminalAsker(console, t, advocate))
    parts: list[Reading] = [
        lambda tt: build_report(checklists, answers, tt, country.code, advocate)
    ]
    if scan is True or (scan is None and offer_scan(console, t)):
        parts.append(live_scan(t, console, advocate))
    phone = offer_phone(t, console, any(item.startswith("iphone-") for item in answers))
    if phone is not None:
        parts.append(phone)
    console.print()
    report = combined(parts, t)
    print_summary(out_console(), report, t)
    # the saved report may be in another language (--report-lang) than the session
    report_t = options.report_translator(t)
    saved = report if report_t is t else combined(parts, report_t)
    if options.output is not None:
        write_report(saved, t, options, console, confirm=lambda q: ask_yes_no(console, q))
    else:
        offer_to_save(console, t, saved, options)
    console.print(t("end.goodbye"), style="dim", markup=False)

"""`safecheck checkup` (and `safecheck` alone): the guided session, or a scripted run."""

from __future__ import annotations

import sys
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
from safecheck.checkup.checklist.model import ChecklistSet
from safecheck.checkup.run import build_report, run_checkup
from safecheck.cli.common import err_console, out_console, use_language
from safecheck.cli.output import OutputOptions, write_report
from safecheck.cli.prompt import TerminalAsker, install_quick_exit_on_interrupt, read_line
from safecheck.core.errors import UsageError
from safecheck.core.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, Translator
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


def ask_language(console: Console) -> str:
    choices = " · ".join(f"[{lang[0]}] {LANGUAGE_NAMES[lang]}" for lang in LANGUAGES)
    console.print("Language / Langue: " + choices + "   [q] quit / quitter", markup=False)
    while True:
        text = read_line(console, "> ").lower()
        for lang in LANGUAGES:
            if text in (lang, lang[0], LANGUAGE_NAMES[lang].lower()):
                return lang


BRIEFING_KINDS = ("emergency", "sms", "helpline", "chat")  # when a country marks none


def briefing_contacts(country: Country) -> list[Contact]:
    """The few contacts of the first screen, as the country's data marks them."""
    marked = [c for c in country.contacts if c.first_screen]
    return marked or [c for c in country.contacts if c.kind in BRIEFING_KINDS]


def show_briefing(console: Console, t: Translator, country: Country) -> None:
    """The safety briefing, before any question, on two screens that each fit 24 lines of 80
    columns: what the checkup is, how to leave and whom to call; then what acting may reveal
    and why another device may be safer."""
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
    read_line(console, t("briefing.next") + " ")
    console.print()
    console.print(Panel(escape(t("briefing.body_more")), border_style="yellow"))
    read_line(console, t("briefing.continue") + " ")


def ask_yes_no(console: Console, question: str) -> bool:
    while True:
        answer = read_line(console, question + " ").lower()
        if answer in ("y", "yes", "o", "oui"):
            return True
        if answer in ("n", "no", "non"):
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


def live_scan(t: Translator, console: Console | None, advocate: bool = False) -> Report:
    # psutil is only loaded when the person asks for the inspection
    from safecheck.cli.scan_cmd import scan_this_computer  # noqa: PLC0415

    return scan_this_computer(t, console is not None, full_commands=advocate)


def offer_phone(t: Translator, console: Console, iphone_questions: bool) -> Report | None:
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
    checklists: ChecklistSet = load_checklists(checklist_paths or None)
    if answers_file is not None:
        responses = load_answers_file(answers_file, checklists)
        t = use_language(Translator(lang or DEFAULT_LANGUAGE))
        answers = run_checkup(checklists, ScriptedAsker(responses))
        report = build_report(checklists, answers, t, country.code, advocate)
        if scan:
            report = merge_scan(report, live_scan(t, None, advocate))
        write_report(report, t, options, err_console())
        return

    install_quick_exit_on_interrupt()
    console = err_console(soft_wrap=False)
    t = use_language(Translator(lang or ask_language(console)))
    show_briefing(console, t, country)
    answers = run_checkup(checklists, TerminalAsker(console, t, advocate))
    report = build_report(checklists, answers, t, country.code, advocate)
    if scan is True or (scan is None and offer_scan(console, t)):
        report = merge_scan(report, live_scan(t, console, advocate))
    phone = offer_phone(t, console, any(item.startswith("iphone-") for item in answers))
    if phone is not None:
        report = merge_scan(report, phone)
    console.print()
    print_summary(out_console(), report, t)
    if options.output is not None:
        write_report(report, t, options, console, confirm=lambda q: ask_yes_no(console, q))
    else:
        offer_to_save(console, t, report, options)
    console.print(t("end.goodbye"), style="dim", markup=False)

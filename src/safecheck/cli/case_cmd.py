"""`safecheck case ...`: one encrypted case per survivor, gathering the devices an advocate
checks with her over one or more meetings, notes, and the activity log (docs/case-format.md)."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from safecheck.case.report import case_content, case_digest, log_line, render_case
from safecheck.case.store import CASE_FILE, Case, CaseError, initials_from, wipe
from safecheck.checkup.checklist.answers_file import ScriptedAsker, load_answers_file
from safecheck.checkup.checklist.loader import load_checklists
from safecheck.checkup.checklist.model import ChecklistSet
from safecheck.checkup.checklist.runner import AnswerRecord, Asker, Response, Step, run_checklists
from safecheck.checkup.run import build_report
from safecheck.cli.checkup import ask_language, find_country
from safecheck.cli.common import (
    HELP,
    choose_language,
    err_console,
    handled_errors,
    translator,
)
from safecheck.cli.output import STANDARD_OUTPUT, exposed_warning
from safecheck.cli.phone_cmd import (
    AndroidOption,
    BackupOption,
    BackupPasswordFileOption,
    IPhoneOption,
)
from safecheck.cli.prompt import TerminalAsker, install_quick_exit_on_interrupt, read_line
from safecheck.cli.scan_cmd import Platform
from safecheck.core.crypto import passphrase_strength_note, read_passphrase_file
from safecheck.core.errors import UsageError
from safecheck.core.fileio import write_private_file
from safecheck.core.i18n import DEFAULT_LANGUAGE, Translator
from safecheck.core.model import Answer
from safecheck.report.jsonio import report_json_dict
from safecheck.report.model import Report
from safecheck.report.render.formats import ReportFormat

app = typer.Typer(help=HELP("case.help"), no_args_is_help=True)


DirArg = Annotated[Path, typer.Argument(metavar="DIR", help=HELP("case.help.dir"), file_okay=False)]
PassphraseOption = Annotated[
    Path | None,
    typer.Option("--passphrase-file", metavar="FILE", help=HELP("help.option.passphrase_file")),
]
InitialsOption = Annotated[
    str | None, typer.Option("--initials", metavar="XX", help=HELP("case.help.initials"))
]
LangOption = Annotated[str | None, typer.Option("--lang", help=HELP("help.option.lang"))]
LabelOption = Annotated[
    str | None, typer.Option("--label", metavar="LABEL", help=HELP("case.help.label"))
]


def _passphrase(path: Path | None, t: Translator, twice: bool = False) -> str:
    if path is not None:
        return read_passphrase_file(path)
    if not sys.stdin.isatty():
        raise UsageError(t("case.no_passphrase"))
    if twice:
        return _ask_new_passphrase(t, err_console())
    return getpass.getpass(t("case.passphrase") + " ", stream=sys.stderr)


def _ask_new_passphrase(t: Translator, console: Console) -> str:
    """Twice, never echoed, never on the command line."""
    while True:
        first = getpass.getpass(t("case.passphrase_new") + " ", stream=sys.stderr)
        if not first:
            console.print(t("output.passphrase_empty"), style="red", markup=False)
            continue
        note = passphrase_strength_note(first)
        if note:
            console.print(note, style="yellow", markup=False)
        second = getpass.getpass(t("output.passphrase_again") + " ", stream=sys.stderr)
        if first == second:
            return first
        console.print(t("output.passphrase_mismatch"), style="red", markup=False)


@contextmanager
def _opened(folder: Path, passphrase_file: Path | None, t: Translator) -> Iterator[Case]:
    case = Case.open(folder, _passphrase(passphrase_file, t))
    try:
        yield case
    finally:
        case.close()


# -- new ---------------------------------------------------------------------------------------


@app.command("new", help=HELP("case.help.new"))
def new_command(
    folder: DirArg,
    passphrase_file: PassphraseOption = None,
    initials: InitialsOption = None,
    lang: LangOption = None,
) -> None:
    with handled_errors():
        t = translator(lang)
        case = Case.create(
            folder, _passphrase(passphrase_file, t, twice=True), initials_from(initials)
        )
        case.close()
        err_console().print(t("case.created", path=str(case.path)), markup=False)


# -- checkup and resume ------------------------------------------------------------------------


class RecordingAsker:
    """Wraps an Asker: replays the answers already in the case (resume), then saves the case
    after every new answer, so that a crash or a quick exit loses at most the current question."""

    def __init__(self, inner: Asker, case: Case) -> None:
        self.inner = inner
        self.case = case
        self.replaying = True
        self.resumed_at: int | None = None

    @property
    def answers(self) -> dict[str, Any]:
        pending = self.case.pending
        assert pending is not None  # noqa: S101 -- set before the walk starts
        answers: dict[str, Any] = pending["answers"]
        return answers

    def ask(self, step: Step) -> Response:
        recorded = self.answers.get(step.item.id)
        if self.replaying and isinstance(recorded, dict):
            try:
                return Response(answer=Answer(recorded["answer"]), note=recorded.get("note"))
            except (KeyError, ValueError):
                pass
        if self.replaying:
            self.replaying = False
            self.resumed_at = step.number
        response = self.inner.ask(step)
        if response.answer is not None and not response.back:
            self.answers[step.item.id] = {
                "answer": response.answer.value,
                "checklist": step.checklist.id,
                "note": response.note,
            }
            self.case.save()
        return response


def _initial(pending: dict[str, Any]) -> dict[str, AnswerRecord]:
    out: dict[str, AnswerRecord] = {}
    for item_id, value in pending["answers"].items():
        try:
            out[item_id] = AnswerRecord(
                item_id, str(value["checklist"]), Answer(value["answer"]), value.get("note")
            )
        except (KeyError, ValueError, TypeError):
            continue
    return out


def _walk(
    case: Case,
    checklists: ChecklistSet,
    answers_file: Path | None,
    initials: str,
    resuming: bool,
) -> None:
    pending = case.pending
    assert pending is not None  # noqa: S101
    t = Translator(pending["lang"])
    advocate = bool(pending.get("advocate"))
    if answers_file is not None:
        inner: Asker = ScriptedAsker(load_answers_file(answers_file, checklists))
    else:
        install_quick_exit_on_interrupt()
        inner = TerminalAsker(err_console(soft_wrap=False), t, advocate)
    asker = RecordingAsker(inner, case)
    if resuming and answers_file is None:
        err_console().print(
            t("case.resuming", label=pending["label"], answered=len(pending["answers"])),
            markup=False,
        )
    answers = run_checklists(checklists, asker, initial=_initial(pending))
    report = build_report(checklists, answers, t, pending["country"], advocate)
    case.add_device(pending["label"], "checkup", report_json_dict(report))
    case.set_pending(None)
    case.log("checkup-finished", pending["label"], initials)
    case.save()
    err_console().print(
        t("case.device_added", label=pending["label"], findings=len(report.findings)),
        markup=False,
    )


def _checklists(paths: list[str] | None) -> ChecklistSet:
    return load_checklists([Path(p) for p in paths] if paths else None)


@app.command("checkup", help=HELP("case.help.checkup"))
def checkup_command(
    folder: DirArg,
    label: LabelOption = None,
    answers: Annotated[
        Path | None,
        typer.Option("--answers", metavar="FILE", help=HELP("help.option.answers"), dir_okay=False),
    ] = None,
    checklists: Annotated[
        list[Path] | None,
        typer.Option("--checklists", metavar="PATH", help=HELP("help.option.checklists")),
    ] = None,
    country: Annotated[str, typer.Option("--country", help=HELP("help.option.country"))] = "FR",
    advocate: Annotated[
        bool, typer.Option("--advocate", help=HELP("help.option.advocate"))
    ] = False,
    passphrase_file: PassphraseOption = None,
    initials: InitialsOption = None,
    lang: LangOption = None,
) -> None:
    with handled_errors():
        t = translator(lang)
        if answers is None and not sys.stdin.isatty():
            raise UsageError(t("error.no_terminal"))
        find_country(country)
        paths = [str(p.resolve()) for p in checklists] if checklists else None
        loaded = _checklists(paths)
        if answers is not None:
            load_answers_file(answers, loaded)  # mistakes are reported before anything changes
        who = initials_from(initials)
        with _opened(folder, passphrase_file, t) as case:
            if case.pending is not None:
                raise CaseError(t("case.pending_exists", label=case.pending["label"]))
            chosen = choose_language(lang)
            if chosen is None:
                chosen = ask_language(err_console()) if answers is None else DEFAULT_LANGUAGE
            name = label or t("case.default_label.checkup")
            case.set_pending(
                {
                    "label": name,
                    "lang": chosen,
                    "country": country.upper(),
                    "advocate": advocate,
                    "checklists": paths,
                    "answers": {},
                }
            )
            case.log("checkup-started", name, who)
            case.save()
            _walk(case, loaded, answers, who, resuming=False)


@app.command("resume", help=HELP("case.help.resume"))
def resume_command(
    folder: DirArg,
    answers: Annotated[
        Path | None,
        typer.Option("--answers", metavar="FILE", help=HELP("help.option.answers"), dir_okay=False),
    ] = None,
    passphrase_file: PassphraseOption = None,
    initials: InitialsOption = None,
    lang: LangOption = None,
) -> None:
    with handled_errors():
        t = translator(lang)
        if answers is None and not sys.stdin.isatty():
            raise UsageError(t("error.no_terminal"))
        who = initials_from(initials)
        with _opened(folder, passphrase_file, t) as case:
            pending = case.pending
            if pending is None:
                raise CaseError(t("case.nothing_to_resume"))
            loaded = _checklists(pending.get("checklists"))
            case.log("checkup-resumed", pending["label"], who)
            case.save()
            _walk(case, loaded, answers, who, resuming=True)


# -- scan and phone ----------------------------------------------------------------------------


def _add_report(case: Case, label: str, kind: str, report: Report, who: str, t: Translator) -> None:
    case.add_device(label, kind, report_json_dict(report))
    case.log(f"{kind}-added", label, who)
    case.save()
    err_console().print(
        t("case.device_added", label=label, findings=len(report.findings)), markup=False
    )


@app.command("scan", help=HELP("case.help.scan"))
def scan_command(
    folder: DirArg,
    root: Annotated[
        Path | None,
        typer.Option("--root", metavar="DIR", help=HELP("help.option.root"), file_okay=False),
    ] = None,
    platform: Annotated[
        Platform, typer.Option("--platform", help=HELP("help.option.platform"))
    ] = Platform.linux,
    label: LabelOption = None,
    passphrase_file: PassphraseOption = None,
    initials: InitialsOption = None,
    lang: LangOption = None,
) -> None:
    with handled_errors():
        from safecheck.cli.scan_cmd import _host, _scan  # noqa: PLC0415

        t = translator(lang)
        who = initials_from(initials)
        with _opened(folder, passphrase_file, t) as case:
            report = _scan(_host(root, platform), t, show_progress=sys.stderr.isatty())(t)
            name = label or t("case.default_label.scan")
            _add_report(case, name, "scan", report, who, t)


@app.command("phone", help=HELP("case.help.phone"))
def phone_command(
    folder: DirArg,
    serial: Annotated[
        str | None, typer.Option("--serial", "-s", metavar="S", help=HELP("help.option.serial"))
    ] = None,
    adb_path: Annotated[
        Path | None,
        typer.Option("--adb-path", metavar="PATH", help=HELP("help.option.adb_path")),
    ] = None,
    android: AndroidOption = False,
    iphone: IPhoneOption = False,
    backup: BackupOption = None,
    backup_password_file: BackupPasswordFileOption = None,
    label: LabelOption = None,
    passphrase_file: PassphraseOption = None,
    initials: InitialsOption = None,
    lang: LangOption = None,
) -> None:
    with handled_errors():
        # adb and the phone modules are only loaded for this command
        from safecheck.cli.phone_cmd import PhoneChoice, read_chosen_phone  # noqa: PLC0415

        t = translator(lang)
        who = initials_from(initials)
        console = err_console()
        choice = PhoneChoice(android, iphone, backup, None)
        with _opened(folder, passphrase_file, t) as case:
            reading, reminder = read_chosen_phone(
                t, console, choice, serial, adb_path, backup_password_file
            )
            report = reading(t)
            model = str(report.metadata.host.get("model", "") or "")
            name = label or model or t("case.default_label.phone")
            _add_report(case, name, "phone", report, who, t)
            console.print(t(reminder), style="bold", markup=False)


# -- notes and log -----------------------------------------------------------------------------


@app.command("note", help=HELP("case.help.note"))
def note_command(
    folder: DirArg,
    client: Annotated[
        bool, typer.Option("--client/--consultant", help=HELP("case.help.note_kind"))
    ] = False,
    text: Annotated[
        str | None, typer.Option("--text", metavar="TEXT", help=HELP("case.help.note_text"))
    ] = None,
    passphrase_file: PassphraseOption = None,
    initials: InitialsOption = None,
    lang: LangOption = None,
) -> None:
    with handled_errors():
        t = translator(lang)
        who = initials_from(initials)
        with _opened(folder, passphrase_file, t) as case:
            if text is None:
                if sys.stdin.isatty():
                    text = read_line(err_console(), t("case.note_prompt") + " ")
                else:
                    text = sys.stdin.read()
            text = text.strip()
            if not text:
                raise UsageError(t("case.note_empty"))
            kind = "client" if client else "consultant"
            case.add_note(kind, text, who)
            case.log("note-added", kind, who)
            case.save()
            err_console().print(t(f"case.note_added.{kind}"), markup=False)


@app.command("log", help=HELP("case.help.log"))
def log_command(
    folder: DirArg,
    passphrase_file: PassphraseOption = None,
    lang: LangOption = None,
) -> None:
    with handled_errors():
        t = translator(lang)
        with _opened(folder, passphrase_file, t) as case:
            entries = case.entries
        sys.stdout.write(t("case.log_heading", path=str(folder / CASE_FILE)) + "\n")
        for entry in entries:
            sys.stdout.write(log_line(entry) + "\n")


@app.command("report", help=HELP("case.help.report"))
def report_command(
    folder: DirArg,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", help=HELP("help.option.report_format"))
    ] = ReportFormat.text,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help=HELP("help.option.output")),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=HELP("help.option.force"))] = False,
    with_notes: Annotated[
        bool, typer.Option("--with-notes", help=HELP("case.help.with_notes"))
    ] = False,
    passphrase_file: PassphraseOption = None,
    initials: InitialsOption = None,
    lang: LangOption = None,
) -> None:
    with handled_errors():
        t = translator(lang)
        who = initials_from(initials)
        console = err_console()
        with _opened(folder, passphrase_file, t) as case:
            content = case_content(case, with_notes)
            text = render_case(content, t, fmt)
            digest = case_digest(content)
            if output is None or str(output) == STANDARD_OUTPUT:
                sys.stdout.write(text)
                return
            warning = exposed_warning(output, t)
            if warning:
                console.print(warning, style="yellow", markup=False)
            write_private_file(output, text, overwrite=force)
            case.log("report-exported", f"{fmt.value} sha256:{digest}", who)
            case.save()
            console.print(t("save.saved", path=str(output), digest=digest), markup=False)


# -- wipe --------------------------------------------------------------------------------------


@app.command("wipe", help=HELP("case.help.wipe"))
def wipe_command(
    folder: DirArg,
    yes: Annotated[bool, typer.Option("--yes", help=HELP("case.help.yes"))] = False,
    lang: LangOption = None,
) -> None:
    with handled_errors():
        t = translator(lang)
        console: Console = err_console()
        if not yes:
            if not sys.stdin.isatty():
                raise UsageError(t("case.wipe_needs_yes"))
            answer = read_line(console, t("case.wipe_confirm", path=str(folder / CASE_FILE)) + " ")
            if answer.lower() not in ("wipe", "effacer"):
                console.print(t("case.wipe_cancelled"), markup=False)
                return
        path = wipe(folder)
        console.print(t("case.wiped", path=str(path)), markup=False)

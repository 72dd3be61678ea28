"""The `safecheck` command: typer app, commands and the entry point."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from safecheck import __version__
from safecheck.cli import checkup as checkup_flow
from safecheck.cli.case_cmd import app as case_app
from safecheck.cli.catalog_cmd import app as catalog_app
from safecheck.cli.checklists_cmd import app as checklists_app
from safecheck.cli.common import (
    HELP,
    ReportLangOption,
    check_language,
    choose_language,
    for_terminal,
    handled_errors,
    languages_text,
)
from safecheck.cli.indicators_cmd import app as indicators_app
from safecheck.cli.output import OutputOptions
from safecheck.cli.phone_cmd import phone_command
from safecheck.cli.report_cmd import report_command
from safecheck.cli.resources_cmd import resources_command
from safecheck.cli.scan_cmd import scan_command
from safecheck.core.i18n import DEFAULT_LANGUAGE, Translator, language_from_environment
from safecheck.report.render.formats import ReportFormat

app = typer.Typer(
    name="safecheck",
    help=HELP("help.app"),
    add_completion=False,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(checklists_app, name="checklists")
app.add_typer(catalog_app, name="catalog")
app.add_typer(indicators_app, name="indicators")
app.add_typer(case_app, name="case")
app.command("resources", help=HELP("help.resources"))(resources_command)
app.command("scan", help=HELP("help.scan"))(scan_command)
app.command("report", help=HELP("help.report"))(report_command)
app.command("phone", help=HELP("help.phone"))(phone_command)


@app.command("languages", help=HELP("help.languages"))
def languages(
    lang: Annotated[str | None, typer.Option("--lang", help=HELP("help.option.lang"))] = None,
) -> None:
    with handled_errors():
        check_language(lang)
        # a list, not a session: no notice about unreviewed translations here
        t = Translator(lang or language_from_environment(os.environ) or DEFAULT_LANGUAGE)
        typer.echo(for_terminal(t, languages_text(t)), nl=False)


LangOption = Annotated[str | None, typer.Option("--lang", help=HELP("help.option.lang"))]
CountryOption = Annotated[str, typer.Option("--country", help=HELP("help.option.country"))]
AdvocateOption = Annotated[bool, typer.Option("--advocate", help=HELP("help.option.advocate"))]
AnswersOption = Annotated[
    Path | None,
    typer.Option("--answers", metavar="FILE", help=HELP("help.option.answers"), dir_okay=False),
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", metavar="FILE", help=HELP("help.option.output"))
]
ForceOption = Annotated[bool, typer.Option("--force", help=HELP("help.option.force"))]
FormatOption = Annotated[
    ReportFormat, typer.Option("--format", help=HELP("help.option.report_format"))
]
AsciiOption = Annotated[bool, typer.Option("--ascii", help=HELP("help.option.ascii"))]
RedactOption = Annotated[bool, typer.Option("--redact", help=HELP("help.option.redact"))]
EncryptOption = Annotated[bool, typer.Option("--encrypt", help=HELP("help.option.encrypt"))]
PassphraseOption = Annotated[
    Path | None,
    typer.Option("--passphrase-file", metavar="FILE", help=HELP("help.option.passphrase_file")),
]
ScanOption = Annotated[
    bool | None,
    typer.Option("--scan/--no-scan", help=HELP("help.option.checkup_scan"), show_default=False),
]
ChecklistsOption = Annotated[
    list[Path] | None,
    typer.Option("--checklists", metavar="PATH", help=HELP("help.option.checklists")),
]


def _checkup(
    lang: str | None,
    country: str,
    advocate: bool,
    answers: Path | None,
    checklists: list[Path] | None,
    scan: bool | None,
    options: OutputOptions,
) -> None:
    with handled_errors():
        check_language(lang)
        check_language(options.report_lang)
        checkup_flow.run(
            choose_language(lang), country, advocate, answers, checklists, scan, options
        )


@app.callback()
def root(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", help=HELP("help.option.version"))] = False,
    lang: LangOption = None,
    country: CountryOption = "FR",
    advocate: AdvocateOption = False,
    answers: AnswersOption = None,
    output: OutputOption = None,
    force: ForceOption = False,
    checklists: ChecklistsOption = None,
    scan: ScanOption = None,
    fmt: FormatOption = ReportFormat.text,
    ascii_only: AsciiOption = False,
    redact: RedactOption = False,
    encrypt: EncryptOption = False,
    passphrase_file: PassphraseOption = None,
    report_lang: ReportLangOption = None,
) -> None:
    if version:
        typer.echo(f"safecheck {__version__}")
        raise typer.Exit(0)
    if ctx.invoked_subcommand is None:
        options = OutputOptions(
            fmt, output, force, ascii_only, redact, encrypt, passphrase_file, report_lang
        )
        _checkup(lang, country, advocate, answers, checklists, scan, options)
    elif lang == "list":  # `safecheck --lang list ...`: the list, whatever comes after
        check_language(lang)


@app.command("checkup", help=HELP("help.checkup"))
def checkup(
    lang: LangOption = None,
    country: CountryOption = "FR",
    advocate: AdvocateOption = False,
    answers: AnswersOption = None,
    output: OutputOption = None,
    force: ForceOption = False,
    checklists: ChecklistsOption = None,
    scan: ScanOption = None,
    fmt: FormatOption = ReportFormat.text,
    ascii_only: AsciiOption = False,
    redact: RedactOption = False,
    encrypt: EncryptOption = False,
    passphrase_file: PassphraseOption = None,
    report_lang: ReportLangOption = None,
) -> None:
    options = OutputOptions(
        fmt, output, force, ascii_only, redact, encrypt, passphrase_file, report_lang
    )
    _checkup(lang, country, advocate, answers, checklists, scan, options)


def main() -> None:
    app(prog_name="safecheck")

"""The `safecheck` command: typer app, commands and the entry point."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from safecheck import __version__
from safecheck.cli import checkup as checkup_flow
from safecheck.cli.catalog_cmd import app as catalog_app
from safecheck.cli.checklists_cmd import app as checklists_app
from safecheck.cli.common import HELP, check_language, choose_language, handled_errors
from safecheck.cli.resources_cmd import resources_command
from safecheck.cli.scan_cmd import scan_command

app = typer.Typer(
    name="safecheck",
    help=HELP("help.app"),
    add_completion=False,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(checklists_app, name="checklists")
app.add_typer(catalog_app, name="catalog")
app.command("resources", help=HELP("help.resources"))(resources_command)
app.command("scan", help=HELP("help.scan"))(scan_command)

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
    output: Path | None,
    force: bool,
    checklists: list[Path] | None,
    scan: bool | None,
) -> None:
    with handled_errors():
        check_language(lang)
        checkup_flow.run(
            choose_language(lang), country, advocate, answers, output, force, checklists, scan
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
) -> None:
    if version:
        typer.echo(f"safecheck {__version__}")
        raise typer.Exit(0)
    if ctx.invoked_subcommand is None:
        _checkup(lang, country, advocate, answers, output, force, checklists, scan)


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
) -> None:
    _checkup(lang, country, advocate, answers, output, force, checklists, scan)


def main() -> None:
    app(prog_name="safecheck")

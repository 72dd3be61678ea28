"""The `safecheck` command: typer app, commands and the entry point.

The guided checkup (`safecheck` alone, `safecheck checkup`) is defined here; every other
command's module is imported only when that command is asked for (`_LazyCommands`): a person
starting the checkup does not wait for the scan, the phone, the case and the catalog commands
to load. `--help` lists them from their help texts alone, and every command's help screen is
ours (`help_screen`), not typer's.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from safecheck import __version__
from safecheck.cli.common import (
    HELP,
    ReportLangOption,
    check_language,
    choose_language,
    for_terminal,
    handled_errors,
    languages_text,
)
from safecheck.cli.help_screen import HelpCommand, HelpGroup
from safecheck.cli.loading import loaded_code
from safecheck.cli.output import OutputOptions
from safecheck.core.i18n import DEFAULT_LANGUAGE, Translator, language_from_environment
from safecheck.report.render.formats import ReportFormat


def _command(module: str, function: str, name: str) -> Callable[[], Any]:
    """A command defined by a function of `module`, made when first asked for."""

    def make() -> Any:
        single = typer.Typer(add_completion=False)
        single.command(name, help=HELP(f"help.{name}"), cls=HelpCommand)(
            getattr(importlib.import_module(module), function)
        )
        return typer.main.get_command(single)

    return make


def _with_our_help(sub_app: typer.Typer) -> None:
    """Every command and group of `sub_app` shows our help screen (unless it chose a class of
    its own: typer gives its base classes to those that did not)."""
    for command_info in sub_app.registered_commands:
        if command_info.cls in (None, TyperCommand):
            command_info.cls = HelpCommand
    for group_info in sub_app.registered_groups:
        if group_info.typer_instance is not None:
            _with_our_help(group_info.typer_instance)
            if group_info.cls in (None, TyperGroup):
                group_info.cls = HelpGroup


def _group(module: str, name: str) -> Callable[[], Any]:
    """A group of commands (the typer app `app` of `module`), made when first asked for."""

    def make() -> Any:
        sub_app = importlib.import_module(module).app
        _with_our_help(sub_app)
        return typer.main.get_group_from_info(
            typer.models.TyperInfo(sub_app, name=name, cls=HelpGroup),
            pretty_exceptions_short=sub_app.pretty_exceptions_short,
            suggest_commands=sub_app.suggest_commands,
            rich_markup_mode=sub_app.rich_markup_mode,
        )

    return make


# In the order `--help` lists them: (how to make it, the key of its help text, a group);
# None for the commands defined here ("languages", "checkup").
LAZY_COMMANDS: dict[str, tuple[Callable[[], Any], str, bool] | None] = {
    "resources": (
        _command("safecheck.cli.resources_cmd", "resources_command", "resources"),
        "help.resources",
        False,
    ),
    "scan": (_command("safecheck.cli.scan_cmd", "scan_command", "scan"), "help.scan", False),
    "report": (
        _command("safecheck.cli.report_cmd", "report_command", "report"),
        "help.report",
        False,
    ),
    "phone": (_command("safecheck.cli.phone_cmd", "phone_command", "phone"), "help.phone", False),
    "checkup": None,
    "checklists": (_group("safecheck.cli.checklists_cmd", "checklists"), "help.checklists", True),
    "catalog": (_group("safecheck.cli.catalog_cmd", "catalog"), "help.catalog", True),
    "indicators": (_group("safecheck.cli.indicators_cmd", "indicators"), "help.indicators", True),
    "case": (_group("safecheck.cli.case_cmd", "case"), "case.help", True),
    "languages": None,
}


class _LazyCommands(MutableMapping[str, Any]):
    """The commands of the group: those already made, and the others made on first use.
    While the group's help is written (`listing`), a command not yet made is shown by a
    stand-in with its help text, so that `--help` imports none of them."""

    def __init__(self, made: MutableMapping[str, Any]) -> None:
        self.made = made
        self.listing = False

    def __getitem__(self, name: str) -> Any:
        if name not in self.made:
            lazy = LAZY_COMMANDS.get(name)
            if lazy is None:
                raise KeyError(name)
            make, help_key, is_group = lazy
            if self.listing:
                kind = HelpGroup if is_group else HelpCommand
                return kind(name=name, help=HELP(help_key))
            self.made[name] = loaded_code(make)  # its modules load now
        return self.made[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self.made[name] = command

    def __delitem__(self, name: str) -> None:
        del self.made[name]

    def __iter__(self) -> Iterator[str]:
        yield from LAZY_COMMANDS
        yield from (name for name in self.made if name not in LAZY_COMMANDS)

    def __len__(self) -> int:
        return len(set(LAZY_COMMANDS) | set(self.made))

    def __contains__(self, name: object) -> bool:
        return name in self.made or LAZY_COMMANDS.get(str(name)) is not None


class _LazyGroup(HelpGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = _LazyCommands(self.commands)
        self.commands = self.lazy

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self.lazy.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.lazy.listing = False


app = typer.Typer(
    name="safecheck",
    help=HELP("help.app"),
    add_completion=False,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    cls=_LazyGroup,
)


@app.command("languages", help=HELP("help.languages"), cls=HelpCommand)
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
        # the checkup's code loads when it runs: `--help` and the other commands never need it
        from safecheck.cli import checkup as checkup_flow  # noqa: PLC0415

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


@app.command("checkup", help=HELP("help.checkup"), cls=HelpCommand)
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

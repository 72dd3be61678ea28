"""`safecheck checklists list|show|validate`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.rule import Rule
from rich.table import Table

from safecheck.checkup.checklist.loader import (
    checklist_files,
    load_checklists,
    packaged_checklist_dir,
)
from safecheck.checkup.checklist.loader import validate as validate_files
from safecheck.cli.common import (
    HELP,
    LangOption,
    ListFormat,
    err_console,
    handled_errors,
    out_console,
    translator,
)
from safecheck.core.errors import ExitCode, UsageError
from safecheck.core.i18n import LANGUAGES

app = typer.Typer(help=HELP("help.checklists"), no_args_is_help=True, add_completion=False)


@app.command("list", help=HELP("help.checklists.list"))
def list_checklists(
    fmt: Annotated[ListFormat, typer.Option("--format", help=HELP("help.option.list_format"))] = (
        ListFormat.table
    ),
    lang: LangOption = None,
) -> None:
    with handled_errors():
        t = translator(lang)
        checklists = load_checklists()
        rows = [
            {
                "id": c.id,
                "kind": c.kind.value,
                "title": t.pick(c.title),
                "items": len(c.items),
                "version": c.version,
                "languages": list(LANGUAGES),
            }
            for c in checklists.all
        ]
        if fmt is ListFormat.json:
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        table = Table(
            t("checklists.col.id"),
            t("checklists.col.title"),
            t("checklists.col.items"),
            t("checklists.col.version"),
        )
        for row in rows:
            table.add_row(str(row["id"]), str(row["title"]), str(row["items"]), str(row["version"]))
        out_console().print(table)


@app.command("show", help=HELP("help.checklists.show"))
def show_checklist(
    checklist_id: Annotated[str, typer.Argument(metavar="ID", help=HELP("help.arg.checklist_id"))],
    lang: LangOption = None,
) -> None:
    with handled_errors():
        t = translator(lang)
        checklists = load_checklists()
        checklist = checklists.by_id(checklist_id)
        if checklist is None:
            known = ", ".join(c.id for c in checklists.all)
            raise UsageError(t("error.unknown_checklist", id=checklist_id, known=known))
        console = out_console()
        console.print(Rule(escape(t.pick(checklist.title))))
        if checklist.intro:
            console.print(escape(t.pick(checklist.intro)))
        for number, item in enumerate(checklist.items, 1):
            console.print()
            console.print(
                f"[bold]{number}. {escape(t.pick(item.question))}[/bold]  "
                f"[dim]({escape(item.id)})[/dim]"
            )
            sections = [
                ("prompt.why", item.why),
                ("prompt.where", item.where),
                ("prompt.what_to_do", item.do),
                ("prompt.before_you_act", item.safety),
                ("prompt.detail", item.detail),
                ("prompt.risk", item.risk),
            ]
            for key, text in sections:
                if text:
                    console.print(f"  [bold]{escape(t(key))}[/bold] {escape(t.pick(text))}")
            if item.concern_if is not None:
                console.print(
                    "  "
                    + t(
                        "checklists.concern",
                        answer=t(f"answer.{item.concern_if.value}"),
                        severity=t(f"severity.{item.severity.value}"),
                    ),
                    style="dim",
                    markup=False,
                )
            for source in checklist.source_texts(item):
                console.print(f"  [dim]{escape(t('prompt.sources'))} {escape(source)}[/dim]")


@app.command("validate", help=HELP("help.checklists.validate"))
def validate_checklists(
    paths: Annotated[
        list[Path] | None, typer.Argument(metavar="[PATH]...", help=HELP("help.arg.paths"))
    ] = None,
) -> None:
    with handled_errors():
        targets = paths or [packaged_checklist_dir()]
        for path in targets:
            if not path.exists():
                raise UsageError(HELP("error.no_such_path", path=str(path)))
        checklists, problems = validate_files(targets)
        for problem in problems:
            typer.echo(str(problem))
        files = len(checklist_files(targets))
        if problems:
            err_console().print(
                HELP("checklists.invalid", problems=len(problems), files=files), markup=False
            )
            raise typer.Exit(int(ExitCode.USAGE))
        items = sum(len(c.items) for c in checklists)
        err_console().print(
            HELP("checklists.valid", checklists=len(checklists), items=items), markup=False
        )

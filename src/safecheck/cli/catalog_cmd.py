"""`safecheck catalog list|show|validate`: the remote-access and monitoring tools a scan knows."""

from __future__ import annotations

import difflib
import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.rule import Rule
from rich.table import Table

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
from safecheck.core.i18n import Translator

if TYPE_CHECKING:
    from safecheck.catalog.model import Tool

# The catalog's code loads when a catalog command runs, not with every safecheck command.

app = typer.Typer(help=HELP("help.catalog"), no_args_is_help=True, add_completion=False)


class CategoryChoice(StrEnum):
    """The categories as typer choices, spelt as in the catalog files (the values of `Category`)."""

    remote_access = "remote-access"
    monitoring = "monitoring"
    parental_control = "parental-control"
    keylogger = "keylogger"
    tunnel = "tunnel"


def _bold(text: str) -> str:
    return f"[bold]{escape(text)}[/bold]"


def _platform_names(t: Translator, tool: Tool) -> str:
    return ", ".join(t(f"catalog.platform.{p}") for p in tool.artifacts.platforms)


def _row(t: Translator, tool: Tool) -> dict[str, object]:
    return {
        "id": tool.id,
        "name": tool.name,
        "aliases": list(tool.aliases),
        "category": tool.category.value,
        "platforms": list(tool.artifacts.platforms),
        "does": t.pick(tool.does),
    }


@app.command("list", help=HELP("help.catalog.list"))
def list_tools(
    category: Annotated[
        CategoryChoice | None,
        typer.Option("--category", help=HELP("help.catalog.option.category")),
    ] = None,
    fmt: Annotated[ListFormat, typer.Option("--format", help=HELP("help.option.list_format"))] = (
        ListFormat.table
    ),
    lang: LangOption = None,
) -> None:
    with handled_errors():
        from safecheck.catalog import Category, load_catalog  # noqa: PLC0415

        t = translator(lang)
        catalog = load_catalog()
        tools = list(catalog)
        if category is not None:
            wanted = Category(category.value)
            tools = [tool for tool in tools if tool.category is wanted]
        if fmt is ListFormat.json:
            rows = [_row(t, tool) for tool in tools]
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        table = Table(
            t("catalog.col.id"),
            t("catalog.col.name"),
            t("catalog.col.category"),
            t("catalog.col.platforms"),
        )
        for tool in tools:
            table.add_row(
                escape(tool.id),
                escape(tool.name),
                escape(t(f"catalog.category.{tool.category.value}")),
                escape(_platform_names(t, tool)),
            )
        console = out_console()
        console.print(table)
        err_console().print(t("catalog.count", tools=len(tools)), markup=False)


@app.command("show", help=HELP("help.catalog.show"))
def show_tool(
    tool_id: Annotated[str, typer.Argument(metavar="ID", help=HELP("help.catalog.arg.tool_id"))],
    lang: LangOption = None,
) -> None:
    with handled_errors():
        from safecheck.catalog import PLATFORMS, load_catalog  # noqa: PLC0415

        t = translator(lang)
        catalog = load_catalog()
        tool = catalog.find(tool_id)
        if tool is None:
            close = difflib.get_close_matches(tool_id.lower(), catalog.ids(), n=3, cutoff=0.6)
            hint = " " + t("catalog.did_you_mean", ids=", ".join(close)) if close else ""
            raise UsageError(t("catalog.unknown_tool", id=tool_id) + hint)
        console = out_console()
        console.print(Rule(escape(f"{tool.name} ({tool.id})")))
        category = t(f"catalog.category.{tool.category.value}")
        console.print(f"{_bold(t('catalog.label.category'))} {escape(category)}")
        if tool.aliases:
            console.print(f"{_bold(t('catalog.label.aliases'))} {escape(', '.join(tool.aliases))}")
        console.print(f"{_bold(t('catalog.label.does'))} {escape(t.pick(tool.does))}")
        for platform in PLATFORMS:
            own = tool.artifacts.on(platform)
            if own.is_empty():
                continue
            console.print()
            console.print(_bold(t(f"catalog.platform.{platform}")))
            for key, values in own.items():
                label = t(f"catalog.artifact.{key}")
                console.print(f"  {escape(label)} {escape(', '.join(values))}")
        if tool.artifacts.ports or tool.artifacts.domains:
            console.print()
            console.print(_bold(t("catalog.label.network")))
            if tool.artifacts.ports:
                ports = ", ".join(str(p) for p in tool.artifacts.ports)
                console.print(f"  {escape(t('catalog.artifact.ports'))} {escape(ports)}")
            if tool.artifacts.domains:
                domains = ", ".join(tool.artifacts.domains)
                console.print(f"  {escape(t('catalog.artifact.domains'))} {escape(domains)}")
        console.print()
        console.print(_bold(t("prompt.sources")))
        for source in tool.sources:
            console.print(f"  [dim]{escape(source)}[/dim]")


@app.command("validate", help=HELP("help.catalog.validate"))
def validate_files(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(metavar="[PATH]...", help=HELP("help.catalog.arg.paths")),
    ] = None,
) -> None:
    with handled_errors():
        from safecheck.catalog import (  # noqa: PLC0415
            catalog_files,
            packaged_catalog_dir,
            validate_catalog,
        )

        targets = paths or [packaged_catalog_dir()]
        for path in targets:
            if not path.exists():
                raise UsageError(HELP("error.no_such_path", path=str(path)))
        tools, problems = validate_catalog(targets)
        # file by file, in the order a person reads them
        for problem in sorted(problems, key=lambda p: (p.path, p.line, p.column)):
            typer.echo(str(problem))
        files = len(catalog_files(targets))
        if problems:
            err_console().print(
                HELP("catalog.invalid", problems=len(problems), files=files), markup=False
            )
            raise typer.Exit(int(ExitCode.USAGE))
        err_console().print(HELP("catalog.valid", tools=len(tools), files=files), markup=False)

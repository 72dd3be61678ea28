"""The `--help` screen of every command, written by us with rich's panels and tables.

typer's own help screen (`typer.rich_utils`) imports rich's Markdown, Syntax, Traceback and
Columns, with markdown-it and pygments, whatever the markup mode: about a third of the time
`safecheck --help` took. This one shows the same content with the modules the guided checkup
loads anyway (console, panel, table, text), and says its headings in the language of the help
texts (`HELP`, the --lang or system language): the usage line, the description, the arguments
and options (names, value, help, default, required) and, for a group, its commands, each in a
panel.

Usage errors (`safecheck scan --bogus`) are still written by typer.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from enum import Enum
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

from safecheck.cli.common import HELP
from safecheck.core.i18n import Translator

# The colours of typer's screen, so that the help looks as it always did.
USAGE_STYLE = "bold"
USAGE_LABEL_STYLE = "bold yellow"
OPTION_STYLE = "bold cyan"  # --output, and option names in help texts
SHORT_STYLE = "bold green"  # -o
NEGATIVE_STYLE = "bold magenta"  # --no-scan
VALUE_STYLE = "bold yellow"  # FILE, <text|json>
REQUIRED_STYLE = "red"
NOTE_STYLE = "dim"  # [default: ...]
REQUIRED_NOTE_STYLE = "dim red"
BORDER_STYLE = "dim"
COMMAND_STYLE = "bold cyan"

# An option named in running text: "--root", "-o"; not "e-mail", "ex-partner" or " - ".
_LONG_IN_TEXT = re.compile(r"(?<![\w-])--[A-Za-z][\w-]*")
_SHORT_IN_TEXT = re.compile(r"(?<![\w-])-[A-Za-z](?![\w-])")


def _prose(text: str, style: str = "") -> Text:
    """A help text as it is (never read as markup), with the option names in it coloured."""
    shown = Text(text, style=style)
    shown.highlight_regex(_LONG_IN_TEXT, OPTION_STYLE)
    shown.highlight_regex(_SHORT_IN_TEXT, SHORT_STYLE)
    return shown


def _paragraphs(text: str | None) -> list[str]:
    """Paragraphs (blank-line separated), each on one line; what follows a form feed is for
    developers only, as in click."""
    cleaned = inspect.cleandoc(text or "").partition("\f")[0]
    return [" ".join(part.split()) for part in cleaned.split("\n\n") if part.strip()]


def _compatible(method: Any, ctx: Any, **more: Any) -> Any:
    """click >= 8.2 passes the context to metavar methods; older clicks did not."""
    try:
        return method(ctx=ctx, **more)
    except TypeError:
        return method(**more)


def _default_text(param: Any, ctx: Any) -> str | None:
    """The default shown beside an option, as typer shows it: none for a plain flag (its
    absence is its default) or an option with no default value."""
    if isinstance(param.show_default, str):
        return param.show_default
    if not (param.show_default or getattr(ctx, "show_default", False)):
        return None
    value = param.get_default(ctx, call=False)
    if value is None or callable(value):
        return None
    if getattr(param, "is_flag", False):
        if not param.secondary_opts:
            return None
        return str((param.opts if value else param.secondary_opts)[0]).lstrip("-")
    values = value if isinstance(value, list | tuple) else [value]
    shown = ", ".join(str(v.value if isinstance(v, Enum) else v) for v in values)
    return shown or None


def _is_argument(param: Any) -> bool:
    return bool(getattr(param, "param_type_name", "") == "argument")


def _value_text(param: Any, ctx: Any) -> str:
    """What an option or argument takes (FILE, <text|json>); nothing for a flag."""
    if _is_argument(param):
        shown = _compatible(param.type.get_metavar, ctx, param=param)
        return str(shown or f"<{param.type.name}>")
    if getattr(param, "is_flag", False):
        return ""
    return str(_compatible(param.make_metavar, ctx) or "")


def _param_help(param: Any, ctx: Any, t: Translator) -> Text:
    if not _is_argument(param) and set(param.opts) <= set(ctx.help_option_names):
        text = t("help.option.help")  # click's own option, said in the help language
    else:
        text = " ".join(_paragraphs(getattr(param, "help", None)))
    shown = _prose(text)
    notes = []
    default = _default_text(param, ctx)
    if default is not None:
        notes.append(Text(t("help.screen.default", value=default), style=NOTE_STYLE))
    if param.required:
        notes.append(Text(t("help.screen.required"), style=REQUIRED_NOTE_STYLE))
    for note in notes:
        shown.append("\n" if shown.plain else "")
        shown.append_text(note)
    return shown


def _param_row(param: Any, ctx: Any, t: Translator) -> list[Text]:
    """required mark, names (long, short, negative: `--output, -o`, `--scan / --no-scan`),
    value, help. One cell for the names: the screen draws in a third less time."""
    if _is_argument(param):
        names = Text(str(param.metavar or param.name or ""), style=COMMAND_STYLE)
    else:
        names = Text(", ".join(o for o in param.opts if o.startswith("--")), style=OPTION_STYLE)
        for short in (o for o in param.opts if not o.startswith("--")):
            names.append(", ")
            names.append(short, style=SHORT_STYLE)
    for negative in param.secondary_opts:
        names.append(" / ")
        names.append(negative, style=NEGATIVE_STYLE)
    return [
        Text("*" if param.required else "", style=REQUIRED_STYLE),
        names,
        Text(_value_text(param, ctx), style=VALUE_STYLE),
        _param_help(param, ctx, t),
    ]


VALUE_COLUMN = 2  # in a row of _param_row
HELP_MIN_WIDTH = 24  # the help column never gets narrower than this when it can be avoided


class _ParamTable:
    """The rows of a panel laid out for the width there is: names and values as wide as they
    are and the help in what is left; on a narrow terminal a long value list (<a|b|c>) folds
    first so that the help keeps HELP_MIN_WIDTH, and when even that cannot be, every column
    shares the width as rich shares it."""

    def __init__(self, rows: list[list[Text]]) -> None:
        self.rows = rows
        # a column empty in every row is left out
        self.kept = [i for i in range(len(rows[0])) if any(row[i].plain for row in rows)]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        widths = {i: max(row[i].cell_len for row in self.rows) for i in self.kept[:-1]}
        # each column but the last is followed by one space; the panel takes 4 (border, padding)
        room = options.max_width - 4 - len(widths) - HELP_MIN_WIDTH
        value_width = widths.get(VALUE_COLUMN, 0)
        names_width = sum(widths.values()) - value_width
        fits = names_width + min(value_width, 8) <= room
        table = Table(show_header=False, box=None, padding=(0, 1), pad_edge=False, expand=True)
        for index in self.kept:
            if index == self.kept[-1]:
                table.add_column(ratio=1 if fits else None, overflow="fold")
            elif index == VALUE_COLUMN:
                narrower = max(room - names_width, 8) if fits else None
                table.add_column(overflow="fold", max_width=narrower)
            else:
                table.add_column(no_wrap=fits, overflow="fold")
        for row in self.rows:
            table.add_row(*(row[i] for i in self.kept))
        yield table


def _panel(title: str, body: RenderableType) -> Panel:
    # the title as text, never read as markup
    return Panel(body, title=Text(title), title_align="left", border_style=BORDER_STYLE)


def _param_panels(command: Any, ctx: Any, t: Translator) -> Iterable[Panel]:
    """Arguments first, then options; a parameter with a `rich_help_panel` in its own panel."""
    panels: dict[tuple[bool, str], list[list[Text]]] = {}
    arguments, options = t("help.screen.arguments"), t("help.screen.options")
    for param in command.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        argument = _is_argument(param)
        title = getattr(param, "rich_help_panel", None) or (arguments if argument else options)
        panels.setdefault((not argument, title), []).append(_param_row(param, ctx, t))
    for (_is_option, title), rows in sorted(
        panels.items(), key=lambda item: (item[0][0], item[0][1] not in (arguments, options))
    ):
        yield _panel(title, _ParamTable(rows))


def _command_panels(group: Any, ctx: Any, t: Translator) -> Iterable[Panel]:
    """The group's commands with the first paragraph of each one's help, grouped by their
    `rich_help_panel`; the name column is as wide in every panel."""
    panels: dict[str, list[tuple[str, str]]] = {}
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        title = getattr(command, "rich_help_panel", None) or t("help.screen.commands")
        first = (_paragraphs(command.short_help or command.help) or [""])[0]
        panels.setdefault(title, []).append((command.name or name, first))
    width = max((len(name) for rows in panels.values() for name, _ in rows), default=0)
    for title, rows in panels.items():
        table = Table(show_header=False, box=None, padding=(0, 1), pad_edge=False, expand=True)
        table.add_column(style=COMMAND_STYLE, no_wrap=True, width=width)
        table.add_column(ratio=1)
        for name, first in rows:
            table.add_row(Text(name), _prose(first))
        yield _panel(title, table)


def help_screen(command: Any, ctx: Any, t: Translator) -> Group:
    """Everything `--help` shows for `command` (a click command or group in context `ctx`), in
    the order typer showed it, with the headings in `t`'s language."""
    pieces = " ".join(command.collect_usage_pieces(ctx))
    usage = Text.assemble(
        (t("help.screen.usage") + " ", USAGE_LABEL_STYLE), f"{ctx.command_path} {pieces}"
    )
    parts: list[RenderableType] = [Padding(usage, 1, style=USAGE_STYLE)]
    paragraphs = _paragraphs(command.help)
    if paragraphs:
        description = _prose(paragraphs[0])
        for rest in paragraphs[1:]:
            description.append("\n\n")
            description.append_text(_prose(rest, style="dim"))
        parts.append(Padding(description, (0, 1, 1, 1)))
    parts.extend(_param_panels(command, ctx, t))
    if hasattr(command, "list_commands"):  # a group
        parts.extend(_command_panels(command, ctx, t))
    if command.epilog:
        parts.append(Padding(_prose(" ".join(_paragraphs(command.epilog))), 1))
    return Group(*parts)


def print_help(command: Any, ctx: Any, t: Translator) -> None:
    """On standard output, coloured on a terminal (unless NO_COLOR), plain when piped, as wide
    as the terminal or COLUMNS."""
    Console(highlight=False).print(help_screen(command, ctx, t))


class HelpCommand(TyperCommand):
    """A command whose --help is ours."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        print_help(self, ctx, HELP)


class HelpGroup(TyperGroup):
    """A group of commands whose --help is ours."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        print_help(self, ctx, HELP)

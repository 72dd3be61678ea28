"""The help screens of the command line (`safecheck --help`, `safecheck scan --help`, ...).

typer draws its help through `typer.rich_utils`, which imports rich's Markdown (markdown-it),
syntax highlighting (pygments) and tracebacks at every `--help`: about a third of the help's
time, for nothing our help texts use. This draws the same content with rich's panels and
tables alone, with the headings in the session's language (typer's are English only):
usage, the description, then panels of arguments, options and commands.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

from safecheck.cli.common import HELP
from safecheck.core.i18n import Translator

if TYPE_CHECKING:
    from rich.panel import Panel

HELP_OPTION_NAMES = ("--help", "-h")


def _panel(title: str, rows: list[tuple[Text, Text]]) -> Panel:
    # imported here: the checkup, which loads this module for its command, draws no help
    from rich import box  # noqa: PLC0415
    from rich.panel import Panel  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style="bold cyan")
    table.add_column(ratio=1)
    for name, text in rows:
        table.add_row(name, text)
    return Panel(table, title=title, title_align="left", box=box.ROUNDED, border_style="dim")


def _metavar(param: Any, ctx: Any) -> str:
    """What a value looks like: the metavar we gave, the choices, else the option's name."""
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""
    if param.metavar:
        return str(param.metavar)
    choices = getattr(param.type, "choices", None)
    if choices:
        return "|".join(str(getattr(c, "value", c)) for c in choices)
    return str(param.name or "value").upper()


def _default(param: Any, t: Translator) -> str | None:
    shown = getattr(param, "show_default", None)
    if shown is False:
        return None
    if isinstance(shown, str):
        return t("help.screen.default", value=shown)
    value = param.default
    if getattr(param, "is_flag", False):
        if not param.secondary_opts:  # --force: its absence is the default, nothing to say
            return None
        chosen = param.opts[0] if value else param.secondary_opts[0]
        return t("help.screen.default", value=chosen.lstrip("-"))
    if value is None or value in ((), "") or callable(value):
        return None
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    return t("help.screen.default", value=str(value))


def _describe(help_text: str | None, param: Any, t: Translator) -> Text:
    text = Text(help_text or "")
    marks = []
    default = _default(param, t)
    if default:
        marks.append(f"[{default}]")
    if getattr(param, "required", False):
        marks.append(f"[{t('help.screen.required')}]")
    if marks:
        text.append(("\n" if help_text else "") + " ".join(marks), style="dim")
    return text


def _option_row(param: Any, ctx: Any, t: Translator) -> tuple[Text, Text]:
    names = ", ".join([*param.opts, *param.secondary_opts])
    metavar = _metavar(param, ctx)
    name = Text(names)
    if metavar:
        name.append(" " + metavar, style="yellow")
    is_help = set(param.opts) <= set(HELP_OPTION_NAMES)
    help_text = t("help.option.help") if is_help else param.help
    return name, _describe(help_text, param, t)


def _argument_row(param: Any, t: Translator) -> tuple[Text, Text]:
    name = str(param.metavar or (param.name or "").upper())
    if not param.required and not name.startswith("["):
        name = f"[{name}]"
    if getattr(param, "nargs", 1) == -1 and not name.endswith("..."):
        name += "..."
    return Text(name), _describe(getattr(param, "help", None), param, t)


def _command_rows(group: Any, ctx: Any) -> list[tuple[Text, Text]]:
    rows = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        summary = command.short_help or (command.help or "").split("\n\n")[0]
        rows.append((Text(name), Text(" ".join(summary.split()))))
    return rows


def help_screen(command: Any, ctx: Any, t: Translator) -> Group:
    """Everything `--help` shows for `command` (a click command or group in context `ctx`)."""
    pieces: list[Any] = []
    usage = " ".join([ctx.command_path, *command.collect_usage_pieces(ctx)])
    line = Text(f"{t('help.screen.usage')}: ", style="bold")
    line.append(usage)
    pieces += [Text(), line, Text()]
    for paragraph in _paragraphs(command.help or ""):
        pieces += [Text(paragraph), Text()]
    params = command.get_params(ctx)
    arguments = [_argument_row(p, t) for p in params if p.param_type_name == "argument"]
    options = [
        _option_row(p, ctx, t)
        for p in params
        if p.param_type_name == "option" and not getattr(p, "hidden", False)
    ]
    if arguments:
        pieces.append(_panel(t("help.screen.arguments"), arguments))
    if options:
        pieces.append(_panel(t("help.screen.options"), options))
    if hasattr(command, "list_commands"):
        commands = _command_rows(command, ctx)
        if commands:
            pieces.append(_panel(t("help.screen.commands"), commands))
    return Group(*pieces)


def _paragraphs(text: str) -> Iterable[str]:
    for paragraph in text.split("\n\n"):
        if paragraph.strip():
            yield " ".join(paragraph.split())


def print_help(command: Any, ctx: Any, t: Translator) -> None:
    Console(highlight=False).print(help_screen(command, ctx, t))


class HelpCommand(TyperCommand):
    """A command whose `--help` is drawn by `print_help`."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        print_help(self, ctx, HELP)


class HelpGroup(TyperGroup):
    """A group of commands whose `--help` is drawn by `print_help`."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        print_help(self, ctx, HELP)

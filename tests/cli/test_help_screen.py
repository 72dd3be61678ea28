"""The --help screen of every command (cli/help_screen.py): all its options, arguments and
commands shown, headings in the help language, plain text when piped, colours on a terminal,
help texts never read as markup."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from typing import Any

import pytest
import typer
import typer.main
from rich.console import Console
from typer import Context
from typer.testing import CliRunner

from safecheck.cli.app import LAZY_COMMANDS, app
from safecheck.cli.common import HELP
from safecheck.cli.help_screen import HelpCommand, HelpGroup, help_screen
from safecheck.core.i18n import LANGUAGES, Translator

ESCAPE = "\x1b["


def command_paths() -> list[tuple[str, ...]]:
    """The root, every command and every command of a group, as a person types them."""
    root = typer.main.get_command(app)
    paths: list[tuple[str, ...]] = [()]
    for name in LAZY_COMMANDS:
        command: Any = root.commands[name]  # type: ignore[attr-defined]
        paths.append((name,))
        paths.extend((name, sub) for sub in getattr(command, "commands", {}))
    return paths


def command_at(path: tuple[str, ...]) -> Any:
    command: Any = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return command


def show_help(*args: str, columns: int = 200) -> str:
    result = CliRunner().invoke(
        app, [*args, "--help"], env={"LANG": "C", "LC_ALL": "", "COLUMNS": str(columns)}
    )
    assert result.exit_code == 0, (args, result.output)
    return result.stdout


def test_there_are_commands_and_sub_commands_to_check() -> None:
    paths = command_paths()
    assert ("scan",) in paths and ("case", "new") in paths and ("catalog", "list") in paths
    assert len(paths) > 25


@pytest.mark.parametrize("path", command_paths(), ids=lambda path: " ".join(path) or "root")
def test_every_help_shows_every_option_argument_and_command(path: tuple[str, ...]) -> None:
    out = show_help(*path)
    command = command_at(path)
    assert out.count(HELP("help.screen.usage")) == 1
    assert f"safecheck {' '.join(path)}".strip() + " [OPTIONS]" in out
    assert ESCAPE not in out  # piped: plain text
    first_words = " ".join((command.help or "").split()[:4])
    assert first_words and first_words in " ".join(out.split())
    assert HELP("help.screen.options") in out
    lines = out.splitlines()
    for param in command.params:
        if param.param_type_name == "argument":
            assert HELP("help.screen.arguments") in out
            assert any(param.metavar in line for line in lines), param.metavar
        else:
            for name in (*param.opts, *param.secondary_opts):
                assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", out), name
        if param.required:
            assert HELP("help.screen.required") in out
    for name in getattr(command, "commands", {}):
        assert re.search(rf"^│ {re.escape(name)} ", out, re.MULTILINE), name
    if hasattr(command, "commands"):
        assert HELP("help.screen.commands") in out
    assert "--help, -h" in out
    assert HELP("help.option.help") in out
    assert "Show this message and exit." not in out  # click's own words: not ours


def test_defaults_are_shown_as_before() -> None:
    out = show_help()
    assert HELP("help.screen.default", value="FR") in out  # --country
    assert HELP("help.screen.default", value="text") in out  # --format
    assert HELP("help.option.help") in out
    note = show_help("case", "note")
    assert HELP("help.screen.default", value="consultant") in note  # --client/--consultant
    assert "[default: False]" not in out  # a flag's absence is its default
    report = show_help("report")
    assert HELP("help.screen.required") in report  # the report file
    assert "[FILE]" in report  # an optional argument in brackets


def test_the_root_lists_commands_without_loading_them() -> None:
    out = show_help()
    for name in LAZY_COMMANDS:
        assert re.search(rf"^│ {name} ", out, re.MULTILINE), name
    assert "The guided checkup" in out  # the first paragraph of the checkup's help


def run_safecheck(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "safecheck", *args],
        capture_output=True,
        text=True,
        env={**base, "LANG": "C", "LC_ALL": "", "COLUMNS": "100", **env},
        check=False,
        timeout=60,
    )


def test_headings_are_in_the_help_language() -> None:
    out = run_safecheck("--lang", "fr", "--help").stdout
    assert "Utilisation : safecheck [OPTIONS] COMMAND [ARGS]..." in out
    assert "─ Commandes ─" in out and "─ Options ─" in out
    assert "[par défaut : FR]" in out
    assert "Afficher cette aide et quitter." in out
    assert "Show this" not in out and "Usage:" not in out and "[default" not in out
    out = run_safecheck("case", "new", "--lang", "fr", "--help").stdout
    assert "─ Arguments ─" in out and "[obligatoire]" in out and "[required]" not in out
    out = run_safecheck("--lang", "es", "scan", "--help").stdout
    assert "Uso: safecheck scan" in out and "─ Opciones ─" in out
    assert "[predeterminado: auto]" in out


def test_colours_on_a_terminal_plain_when_piped() -> None:
    piped = run_safecheck("scan", "--help")
    coloured = run_safecheck("scan", "--help", FORCE_COLOR="1")
    assert piped.returncode == coloured.returncode == 0
    assert ESCAPE not in piped.stdout
    assert "\x1b[1;36m--root" in coloured.stdout  # an option's name, bold cyan
    no_colour = run_safecheck("scan", "--help", FORCE_COLOR="1", NO_COLOR="1")
    assert not re.search(r"\x1b\[[0-9;]*3[0-7]m", no_colour.stdout)  # no colour, maybe bold
    words = re.sub(r"\x1b\[[0-9;]*m", "", coloured.stdout).split()
    assert words == piped.stdout.split()


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_the_help_fits_the_terminal_width(columns: int) -> None:
    for path in ((), ("scan",), ("catalog", "list"), ("case", "note")):
        out = show_help(*path, columns=columns)
        assert max(len(line) for line in out.splitlines()) <= columns, (path, columns)
        # the help text of each option is still there, only wrapped
        assert "--help" in out


def tiny_app() -> typer.Typer:
    tiny = typer.Typer(add_completion=False)

    @tiny.command(cls=HelpCommand, help="Uses [bold]brackets[/bold] and [red] as text.")
    def main(
        name: str = typer.Argument(..., metavar="NAME", help="A [name] to show."),
        level: int = typer.Option(3, "--level", "-l", help="How much [b]."),
        colour: str = typer.Option("x", "--colour", rich_help_panel="Looks", help="[i]tint"),
    ) -> None:
        raise AssertionError("not run: only --help")

    return tiny


def test_help_texts_are_never_read_as_markup_and_panels_are_kept() -> None:
    result = CliRunner().invoke(tiny_app(), ["--help"], env={"COLUMNS": "100"})
    out = result.stdout
    assert result.exit_code == 0, out
    assert "Uses [bold]brackets[/bold] and [red] as text." in out
    assert "A [name] to show." in out and "How much [b]." in out and "[i]tint" in out
    assert "NAME" in out and "-l" in out and HELP("help.screen.default", value="3") in out
    # the option in its own panel, after the default one
    assert out.index("─ Looks ─") > out.index(HELP("help.screen.options")) > out.index("NAME")
    assert out.index("--colour") > out.index("─ Looks ─")


def test_groups_and_their_commands_use_our_help() -> None:
    assert isinstance(command_at(("case",)), HelpGroup)
    assert isinstance(command_at(("case", "new")), HelpCommand)
    assert isinstance(command_at(("scan",)), HelpCommand)
    assert isinstance(command_at(("checkup",)), HelpCommand)


def test_a_usage_error_is_still_said_plainly() -> None:
    done = run_safecheck("scan", "--bogus")
    assert done.returncode == 2
    assert "--bogus" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_help_screens_are_in_the_lang_language() -> None:
    for lang in LANGUAGES:
        t = Translator(lang)
        done = run_safecheck("--lang", lang, "case", "note", "--help")
        assert done.returncode == 0, done.stderr
        for key in ("usage", "arguments", "options"):
            assert t(f"help.screen.{key}") in done.stdout, (lang, key)
        assert t("help.option.help") in done.stdout
        assert t("help.screen.required") in done.stdout
        assert t("help.screen.default", value="consultant") in done.stdout


def test_help_screen_in_any_language_and_as_written() -> None:
    # square brackets in a help text are words, not rich markup
    command = HelpCommand(name="demo", help="Use [red]this[/red] as [bold]written[/].")
    console = Console(width=100, record=True, file=io.StringIO())
    with Context(command, info_name="demo") as ctx:
        console.print(help_screen(command, ctx, Translator("fr")))
    text = console.export_text()
    assert "Use [red]this[/red] as [bold]written[/]." in text
    assert "Utilisation : demo [OPTIONS]" in text and "Afficher cette aide et quitter." in text

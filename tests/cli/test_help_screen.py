"""Every help screen is drawn by safecheck.cli.help_screen (not typer's rich help): it names
every argument, option and sub-command of its command, marks defaults and required values, and
is written in the session's language, headings included."""

from __future__ import annotations

import io
import subprocess
import sys
from typing import Any

import pytest
from rich.console import Console
from typer import Context
from typer.main import get_command
from typer.testing import CliRunner

from safecheck.cli.app import LAZY_COMMANDS, app
from safecheck.cli.help_screen import HelpCommand, help_screen
from safecheck.core.i18n import LANGUAGES, Translator


def every_command() -> list[tuple[str, ...]]:
    """The path of every command and group, found by making each lazy command."""
    root = get_command(app)
    paths: list[tuple[str, ...]] = [()]
    for name in LAZY_COMMANDS:
        command: Any = root.commands[name]  # type: ignore[attr-defined]
        paths.append((name,))
        for sub in getattr(command, "commands", {}):
            paths.append((name, sub))
    return paths


def command_at(path: tuple[str, ...]) -> Any:
    command: Any = get_command(app)
    for name in path:
        command = command.commands[name]
    return command


def show_help(*args: str) -> str:
    result = CliRunner().invoke(
        app, [*args, "--help"], env={"LANG": "C", "LC_ALL": "", "COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("path", every_command(), ids=lambda p: " ".join(p) or "safecheck")
def test_help_names_every_option_argument_and_command(path: tuple[str, ...]) -> None:
    text = show_help(*path)
    command = command_at(path)
    assert f"Usage: {' '.join(['safecheck', *path])}" in " ".join(text.split())
    for param in command.params:
        if param.param_type_name == "option" and not param.hidden:
            for name in [*param.opts, *param.secondary_opts]:
                assert name in text, (path, name)
        elif param.param_type_name == "argument":
            assert str(param.metavar or param.name.upper()) in text, (path, param.name)
    for name in getattr(command, "commands", {}):
        assert f"│ {name} " in text, (path, name)
    assert "--help, -h" in text or "-h, --help" in text
    assert "Show this help and exit." in text
    assert "Show this message and exit." not in text  # click's own words: not ours


def test_defaults_and_required_values_are_marked() -> None:
    assert "[default: FR]" in show_help()  # --country
    assert "[default: consultant]" in show_help("case", "note")  # --client/--consultant
    report = show_help("report")
    assert "[required]" in report  # the report file
    assert "[FILE]" in report  # an optional argument in brackets


def test_help_screens_are_in_the_lang_language() -> None:
    for lang in LANGUAGES:
        t = Translator(lang)
        done = subprocess.run(
            [sys.executable, "-m", "safecheck", "--lang", lang, "case", "note", "--help"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={"LANG": "C", "PATH": "/usr/bin:/bin", "COLUMNS": "200"},
        )
        assert done.returncode == 0, done.stderr
        for key in ("usage", "arguments", "options"):
            assert t(f"help.screen.{key}") in done.stdout, (lang, key)
        assert t("help.option.help") in done.stdout
        assert t("help.screen.required") in done.stdout
        assert t("help.screen.default", value="consultant") in done.stdout


def test_help_texts_are_shown_as_written_not_as_markup() -> None:
    # square brackets in a help text are words, not rich markup
    command = HelpCommand(name="demo", help="Use [red]this[/red] as [bold]written[/].")
    console = Console(width=100, record=True, file=io.StringIO())
    with Context(command, info_name="demo") as ctx:
        console.print(help_screen(command, ctx, Translator("en")))
    assert "Use [red]this[/red] as [bold]written[/]." in console.export_text()

"""What every command shares: the help language, error handling, quick exit."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

from safecheck.core.errors import DataError, ExitCode, QuickExit, SafecheckError, UsageError
from safecheck.core.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    RTL_LANGUAGES,
    Translator,
    language_from_environment,
    language_statuses,
)
from safecheck.core.i18n.bidi import isolate_lines, isolate_ltr_runs


def language_from_arguments(argv: list[str]) -> str | None:
    """The language named by --lang on the command line, read before typer parses it so that
    --help is written in it too."""
    for index, arg in enumerate(argv):
        value = None
        if arg == "--lang" and index + 1 < len(argv):
            value = argv[index + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value in LANGUAGES:
            return value
    return None


# --help is printed in the language of --lang, else of the system, else English.
HELP = Translator(
    language_from_arguments(sys.argv[1:])
    or language_from_environment(os.environ)
    or DEFAULT_LANGUAGE
)

# Clears the screen and, where the terminal allows, the scrollback.
CLEAR_SCREEN = "\x1b[3J\x1b[H\x1b[2J"


class SessionConsole(Console):
    """A console that, while the session's language is written right to left, keeps command
    names, paths, package names and numbers with punctuation left to right (Unicode isolates
    around each, added to the finished lines so device text, already made visible, cannot
    bring its own). Left-to-right sessions print exactly what they did."""

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterable[Segment]:
        segments = super().render(renderable, options)
        if not (_session_language and _session_language[0] in RTL_LANGUAGES):
            yield from segments
            return
        for segment in segments:
            if segment.control or not segment.text.strip():
                yield segment
            else:
                yield Segment(isolate_ltr_runs(segment.text, force=True), segment.style)


def for_terminal(t: Translator, text: str) -> str:
    """Plain text printed without a console (typer.echo): isolated like the console's lines
    when the language is written right to left."""
    return isolate_lines(text) if t.rtl else text


def err_console(soft_wrap: bool = True) -> Console:
    """Standard error. Messages are not wrapped (a file:line:col line stays whole); the guided
    session asks for word wrapping instead."""
    return SessionConsole(stderr=True, highlight=False, soft_wrap=soft_wrap)


def out_console() -> Console:
    return SessionConsole(highlight=False)


def quick_exit() -> None:
    """Leave at once: clear the screen, write nothing, exit 0 without running any clean-up."""
    for stream in (sys.stderr, sys.stdout):
        try:
            if stream.isatty():
                # straight to the terminal: Ctrl-C may come while the console is writing to
                # this stream, and its buffered writer refuses a reentrant call
                os.write(stream.fileno(), CLEAR_SCREEN.encode())
        except (OSError, ValueError, RuntimeError):
            pass
    os._exit(0)


def choose_language(option: str | None) -> str | None:
    """--lang, else the system's language if we have it, else None (ask)."""
    if option:
        return option
    return language_from_environment(os.environ)


class ListFormat(StrEnum):
    table = "table"
    json = "json"


LangOption = Annotated[str | None, typer.Option("--lang", help=HELP("help.option.lang"))]
ReportLangOption = Annotated[
    str | None, typer.Option("--report-lang", metavar="LANG", help=HELP("help.option.report_lang"))
]


# The language of the running command once it is known (--lang, the environment, or asked), so
# that its errors are said in that language too.
_session_language: list[str] = []


def use_language(t: Translator) -> Translator:
    """Say the session's language is `t`'s; a translation not yet reviewed by a native speaker
    says so once, on standard error, before anything else."""
    _session_language[:] = [t.lang]
    status = language_statuses()[t.lang]
    if not status.reviewed and t.lang not in _warned:
        _warned.add(t.lang)
        err_console().print(
            t("i18n.unreviewed", language=status.name), style="yellow", markup=False
        )
    return t


_warned: set[str] = set()


def languages_text(t: Translator) -> str:
    """Each language: its code, its name written in itself, and who wrote or checked it."""
    lines = [t("i18n.languages_heading")]
    for code, status in language_statuses().items():
        padding = " " * max(1, 12 - len(status.name))
        lines.append(f"  {code}  {status.name}{padding}{t(f'i18n.status.{status.status}')}")
    lines.append(t("i18n.usage"))
    return "\n".join(lines) + "\n"


def report_translator(option: str | None, t: Translator) -> Translator:
    """--report-lang: the saved report's language when it differs from the session's."""
    check_language(option)
    return Translator(option) if option and option != t.lang else t


def error_translator() -> Translator:
    if _session_language:
        return Translator(_session_language[0])
    return Translator(language_from_environment(os.environ) or DEFAULT_LANGUAGE)


def translator(lang: str | None) -> Translator:
    """--lang, else the system's language, else English: for commands that ask nothing."""
    check_language(lang)
    return use_language(
        Translator(lang or language_from_environment(os.environ) or DEFAULT_LANGUAGE)
    )


def check_language(option: str | None) -> None:
    if option == "list":  # `--lang list`: the languages, their names and statuses
        typer.echo(for_terminal(HELP, languages_text(HELP)), nl=False)
        raise typer.Exit(0)
    if option is not None and option not in LANGUAGES:
        raise UsageError(HELP("error.bad_language", languages=", ".join(LANGUAGES)))


def print_problems(console: Console, error: DataError, style: str | None = None) -> None:
    """The problems of a data file, one a line. A file handed over (an indicator list on a USB
    stick) may have been written to attack the screen: its text is shown, never obeyed."""
    from safecheck.report.render.common import visible  # noqa: PLC0415 - only on an error

    for problem in error.problems:
        console.print(visible(str(problem)), markup=False, style=style)


@contextmanager
def handled_errors() -> Iterator[None]:
    """Our errors become a message and an exit code, never a traceback."""
    _session_language.clear()  # a new command: its language is not known yet
    try:
        yield
    except QuickExit:
        quick_exit()
    except DataError as exc:
        print_problems(err_console(), exc)
        raise typer.Exit(int(exc.exit_code)) from None
    except SafecheckError as exc:
        t = error_translator()
        err_console().print(t("error.prefix") + " " + exc.text(t), markup=False)
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt:
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    except typer.Exit:
        raise
    except Exception as exc:  # a bug: say so plainly, without a traceback
        if os.environ.get("SAFECHECK_DEBUG"):
            raise
        err_console().print(
            HELP("error.internal", error=f"{type(exc).__name__}: {exc}"), markup=False
        )
        raise typer.Exit(int(ExitCode.INTERNAL)) from None

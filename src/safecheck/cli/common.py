"""What every command shares: the help language, error handling, quick exit."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console

from safecheck.core.errors import DataError, ExitCode, QuickExit, SafecheckError, UsageError
from safecheck.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator, language_from_environment

# --help is printed in the language of the system (French for fr_*), English otherwise.
HELP = Translator(language_from_environment(os.environ) or DEFAULT_LANGUAGE)

# Clears the screen and, where the terminal allows, the scrollback.
CLEAR_SCREEN = "\x1b[3J\x1b[H\x1b[2J"


def err_console(soft_wrap: bool = True) -> Console:
    """Standard error. Messages are not wrapped (a file:line:col line stays whole); the guided
    session asks for word wrapping instead."""
    return Console(stderr=True, highlight=False, soft_wrap=soft_wrap)


def out_console() -> Console:
    return Console(highlight=False)


def quick_exit() -> None:
    """Leave at once: clear the screen, write nothing, exit 0 without running any clean-up."""
    for stream in (sys.stderr, sys.stdout):
        try:
            if stream.isatty():
                stream.write(CLEAR_SCREEN)
                stream.flush()
        except (OSError, ValueError):
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


# The language of the running command once it is known (--lang, the environment, or asked), so
# that its errors are said in that language too.
_session_language: list[str] = []


def use_language(t: Translator) -> Translator:
    _session_language[:] = [t.lang]
    return t


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
    if option is not None and option not in LANGUAGES:
        raise UsageError(HELP("error.bad_language", languages=", ".join(LANGUAGES)))


@contextmanager
def handled_errors() -> Iterator[None]:
    """Our errors become a message and an exit code, never a traceback."""
    _session_language.clear()  # a new command: its language is not known yet
    try:
        yield
    except QuickExit:
        quick_exit()
    except DataError as exc:
        console = err_console()
        for problem in exc.problems:
            console.print(str(problem), markup=False)
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

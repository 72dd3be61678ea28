"""Errors and exit codes shared by every command."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """The process exit codes, documented in the README."""

    OK = 0
    FINDINGS = 1  # findings at or above --fail-on
    USAGE = 2  # bad command line, bad data file, nothing to answer with
    INTERNAL = 3  # a bug: reported without a traceback unless --debug
    INTERRUPTED = 130


@dataclass(frozen=True)
class Problem:
    """One mistake in a data file, reported compiler-style."""

    path: str
    line: int  # 1-based
    column: int  # 1-based
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class SafecheckError(Exception):
    """Base of every error that is the user's to fix; the CLI prints it without a traceback.

    An error raised with `key=` (and values) is shown in the person's language through that
    message key; `str(error)` stays the English text, for logs and for errors without a key."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, *args: object, key: str | None = None, **values: object) -> None:
        super().__init__(*args)
        self.key = key
        self.values: dict[str, object] = dict(values)

    def text(self, translate: Callable[..., str]) -> str:
        """The message in the language of `translate` (a Translator), when it has a key."""
        return translate(self.key, **self.values) if self.key else str(self)


class DataError(SafecheckError):
    """One or more data files (checklists, resources, answers) are invalid."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.path, p.line, p.column))
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(SafecheckError):
    """The command cannot run as asked (no terminal, unknown id, bad path)."""


class QuickExit(BaseException):  # a request to leave, not an error
    """The person asked to leave at once (q, Ctrl-C, end of input)."""

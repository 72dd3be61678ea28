"""Errors and exit codes shared by every command."""

from __future__ import annotations

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
    """Base of every error that is the user's to fix; the CLI prints it without a traceback."""

    exit_code: ExitCode = ExitCode.USAGE


class DataError(SafecheckError):
    """One or more data files (checklists, resources, answers) are invalid."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.path, p.line, p.column))
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(SafecheckError):
    """The command cannot run as asked (no terminal, unknown id, bad path)."""


class QuickExit(BaseException):  # a request to leave, not an error
    """The person asked to leave at once (q, Ctrl-C, end of input)."""

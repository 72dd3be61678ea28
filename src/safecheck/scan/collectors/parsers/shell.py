"""Shell start-up files (.bashrc, /etc/profile, .zshrc, config.fish ...): the lines worth showing.

Most lines of these files set options, aliases and variables. `flag_lines` keeps only those that
start something: a program put in the background, code fetched from the network and run, a
network shell, an `LD_PRELOAD` library, or a program run by absolute path from outside the
usual system folders. Each flagged line gets one reason, the strongest that applies:
"network-shell", "download-exec", "ld-preload", "background", "program" (and "long-line" for a
line too long to search).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from safecheck.scan.collectors.parsers import split_lines
from safecheck.scan.collectors.parsers.commands import program_of, split_command, split_segments

_SH = r"(?:(?<!\S)\S*/)?(?:env\s+)?(?:ba|da|z|k|a|fi|mk|yet)?sh\b"
_INTERPRETER = rf"(?:sudo\s+(?:-\S+\s+)*)?(?:{_SH}|(?:\S*/)?(?:python[0-9.]*|perl|ruby|php|node)\b)"
_FETCH = r"\b(?:curl|wget|fetch|aria2c|lwp-download)\b"
_NETCAT = r"\b(?:nc|ncat|netcat|nc\.traditional|nc\.openbsd|telnet|openssl)\b"

# A rule is a sequence of patterns that must be found in this order, each searched after the
# end of the previous one: `A.*B` written as (A, B) takes linear time on any line, where the
# single pattern would go back over the line for every A.
Rule = tuple[re.Pattern[str], ...]


def _rule(*patterns: str) -> Rule:
    return tuple(re.compile(pattern) for pattern in patterns)


NETWORK_SHELL: tuple[Rule, ...] = (
    _rule(r"/dev/(?:tcp|udp)/"),
    _rule(r"\bsocat\b", r"\b(?i:exec|system):"),
    _rule(r"\b(?:ba|da|z|k)?sh\s+-i\b", rf"[<>]&|\|\s*{_NETCAT}"),
    _rule(_NETCAT, rf"\|\s*{_SH}"),
    _rule(r"\bmkfifo\b", _NETCAT),
    _rule(r"\b(?:python[0-9.]*|perl|ruby|php)\b", r"\bsocket\b|fsockopen|TCPSocket|IO::Socket"),
)
# checked in each simple command: the option belongs to netcat, not to a later command
NETCAT_EXEC: tuple[Rule, ...] = (
    _rule(
        r"\b(?:nc|ncat|netcat|nc\.traditional|nc\.openbsd)\b",
        r"\s(?:-[a-zA-Z]*[ec]\b|--exec\b|--sh-exec\b|--lua-exec\b)",
    ),
)
DOWNLOAD_EXEC: tuple[Rule, ...] = (
    _rule(_FETCH, rf"\|\s*{_INTERPRETER}"),
    _rule(r"\bbase64\s+(?:-\w*[dD]\w*|--decode)\b", rf"\|\s*{_INTERPRETER}"),
    _rule(
        rf"(?:\beval|\bsource|(?<![^\s;&|])\.|{_SH}(?:\s+-c)?|\bpython[0-9.]*\s+-c)"
        rf"\s+[\"']?(?:\$\(|<\(|`)\s*{_FETCH}"
    ),
)
LD_PRELOAD: tuple[Rule, ...] = (
    _rule(r"\bLD_PRELOAD\s*="),
    _rule(r"\b(?:set|setenv)\b", r"\bLD_PRELOAD\b"),
)
BACKGROUND: tuple[Rule, ...] = (
    _rule(r"(?<![&|<>])&\s*$"),
    _rule(r"(?:^|[\s;&|(`])(?:nohup|setsid|disown|daemonize)\b"),
    _rule(r"\bscreen\b", r"\s-[a-zA-Z]*d[a-zA-Z]*m"),
    _rule(r"\btmux\b", r"\bnew(?:-session)?\b", r"\s-d\b"),
)
_PRELOADED = re.compile(r"\bLD_PRELOAD(?:\s*=\s*|\s+)[\"']?([^\"'\s:;]+)")
_VALUE_COMMAND = re.compile(r"(?:PROMPT_COMMAND|precmd_functions)\+?=(.*)")

STANDARD_PROGRAM_FOLDERS = (
    "/bin/",
    "/sbin/",
    "/usr/bin/",
    "/usr/sbin/",
    "/usr/local/bin/",
    "/usr/local/sbin/",
    "/usr/games/",
    "/usr/lib/",
    "/usr/lib64/",
    "/usr/libexec/",
    "/usr/share/",
    "/lib/",
    "/lib64/",
    "/snap/bin/",
)
TEMPORARY_FOLDERS = ("/tmp/", "/var/tmp/", "/dev/shm/")  # noqa: S108 (looked for, not used)
_HOME_PREFIXES = ("~/", "$HOME/", "${HOME}/", '"$HOME"/', '"${HOME}"/')


# Longer lines are not searched (a crafted line could make the searches slow): they are shown
# as they are, with the reason "long-line".
MAX_LINE_LENGTH = 8192


class ShellFlag(NamedTuple):
    line: int  # 1-based, first physical line of a continued line
    text: str  # the line as written, continuations joined, trailing comment removed
    reason: str
    program: str | None


def strip_comment(line: str) -> str:
    """The line without its `# comment` (a `#` starting a word outside quotes)."""
    if "#" not in line or len(line) > MAX_LINE_LENGTH:
        return line.rstrip()
    quote = ""
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\" and quote == '"':
                index += 1
            elif char == quote:
                quote = ""
        elif char == "\\":
            index += 1
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t;&|("):
            return line[:index].rstrip()
        index += 1
    return line.rstrip()


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each command line: backslash-newline joined, comments and
    blank lines dropped."""
    out: list[tuple[int, str]] = []
    parts: list[str] = []
    first = 0
    for number, raw in enumerate(split_lines(text), 1):
        if not parts:
            if raw.lstrip().startswith("#"):
                continue
            first = number
        trailing = len(raw) - len(raw.rstrip("\\"))
        if trailing % 2 == 1:
            parts.append(raw[:-1])
            continue
        parts.append(raw)
        logical = strip_comment("".join(parts)).strip()
        parts = []
        if logical:
            out.append((first, logical))
    if parts:
        logical = strip_comment("".join(parts)).strip()
        if logical:
            out.append((first, logical))
    return out


def is_standard_program(program: str) -> bool:
    return program.startswith(STANDARD_PROGRAM_FOLDERS)


def _unusual_program(segment: str) -> str | None:
    """The program of one simple command when it is named by a path outside system folders."""
    words = split_command(segment)
    while words and (
        words[0] in ("if", "then", "else", "elif", "do", "!", "{", "(") or "=" in words[0]
    ):
        words = words[1:]
    if not words:
        return None
    if words[0] in (".", "source"):
        target = words[1] if len(words) > 1 else ""
        return target if target.startswith(TEMPORARY_FOLDERS) else None
    if words[0] == "alias":
        for word in words[1:]:
            _, equals, body = word.partition("=")
            found = _unusual_in(body) if equals else None
            if found:
                return found
        return None
    program = program_of(segment)
    if program is None:
        return None
    if program.startswith("/") and not is_standard_program(program):
        return program
    return program if program.startswith(_HOME_PREFIXES) else None


def _unusual_in(command: str) -> str | None:
    for segment in split_segments(command):
        found = _unusual_program(segment)
        if found:
            return found
    return None


def _found(rule: Rule, text: str) -> bool:
    position = 0
    for pattern in rule:
        match = pattern.search(text, position)
        if match is None:
            return False
        position = match.end()
    return True


def _any(rules: tuple[Rule, ...], text: str) -> bool:
    return any(_found(rule, text) for rule in rules)


def flag_line(text: str) -> tuple[str, str | None] | None:
    """(reason, program) for one logical line, or None when it is ordinary."""
    if len(text) > MAX_LINE_LENGTH:
        return "long-line", None
    if _any(NETWORK_SHELL, text) or any(_any(NETCAT_EXEC, s) for s in split_segments(text)):
        return "network-shell", program_of(text)
    if _any(DOWNLOAD_EXEC, text):
        return "download-exec", program_of(text)
    if _any(LD_PRELOAD, text):
        library = _PRELOADED.search(text)
        return "ld-preload", library.group(1) if library else None
    if _any(BACKGROUND, text):
        return "background", program_of(text)
    found = _unusual_in(text)
    if found is None:
        value = _VALUE_COMMAND.search(text)
        if value:
            inner = split_command(value.group(1))
            found = _unusual_in(inner[0]) if inner else None
    return ("program", found) if found else None


def flag_lines(text: str) -> list[ShellFlag]:
    """The lines of a shell start-up file worth showing, with the reason for each."""
    flags: list[ShellFlag] = []
    for number, line in logical_lines(text):
        flagged = flag_line(line)
        if flagged is not None:
            flags.append(ShellFlag(number, line, flagged[0], flagged[1]))
    return flags

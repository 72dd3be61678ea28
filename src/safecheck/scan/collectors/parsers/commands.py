"""Command lines as written in units, crontabs and start-up files: words and the real program.

`split_command` splits like a POSIX shell (shlex), and falls back on a plain whitespace split when
the quotes do not balance. `program_of` finds the program a command really starts, looking
through wrappers (`env X=1 prog`, `nohup prog`, `sudo -u u prog`, `sh -c '...'`) and leading
`cd /x &&` steps. Nothing here runs, expands or looks anything up; nothing raises.
"""

from __future__ import annotations

import re
import shlex

_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")
_REDIRECT = re.compile(r"\d*[<>]|&>")
_PLAIN_WORD = re.compile(r"[^ \t\r\n]+")  # shlex's whitespace
_SEPARATOR = re.compile(r"[;&|][;&|]|[;|\n]|(?<![<>])&(?!>)")
MAX_DEPTH = 6
MAX_COMMAND_LENGTH = 8192  # the program is near the start; longer commands are cut for speed

SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "yash", "fish"})
# Shell keywords and commands that only prepare the real step: `cd / && run-parts ...`.
_PREPARATION = frozenset(
    {"cd", "umask", "export", "set", "unset", "true", ":", "test", "[", "[[", "sleep", "ulimit"}
    | {"shopt", "local", "readonly", "declare", "typeset", "pushd", "popd", "wait", "trap"}
)
_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "(", "time"})
# wrapper -> (options that take a value, positional arguments before the program)
_WRAPPERS: dict[str, tuple[frozenset[str], int]] = {
    "env": (frozenset({"-u", "--unset", "-C", "--chdir"}), 0),
    "nohup": (frozenset(), 0),
    "setsid": (frozenset(), 0),
    "exec": (frozenset({"-a"}), 0),
    "command": (frozenset(), 0),
    "builtin": (frozenset(), 0),
    "nice": (frozenset({"-n", "--adjustment"}), 0),
    "ionice": (frozenset({"-c", "-n", "--class", "--classdata"}), 0),
    "timeout": (frozenset({"-s", "--signal", "-k", "--kill-after"}), 1),
    "stdbuf": (frozenset({"-i", "-o", "-e", "--input", "--output", "--error"}), 0),
    "sudo": (frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T"}), 0),
    "doas": (frozenset({"-u", "-C"}), 0),
    "runuser": (frozenset({"-u", "-g", "-G"}), 0),
    "chrt": (frozenset(), 1),
    "taskset": (frozenset(), 1),
    "flock": (frozenset({"-w", "-E", "--timeout", "--conflict-exit-code"}), 1),
    "torsocks": (frozenset({"-u", "-p", "-a", "-P"}), 0),
    "proxychains": (frozenset({"-f"}), 0),
    "proxychains4": (frozenset({"-f"}), 0),
    "busybox": (frozenset(), 0),
    "unbuffer": (frozenset(), 0),
    "daemonize": (frozenset({"-a", "-c", "-e", "-o", "-p", "-l", "-u", "-E"}), 0),
    "xvfb-run": (frozenset({"-n", "-s", "-f", "-e", "-p"}), 0),
    ".": (frozenset(), 0),
    "source": (frozenset(), 0),
}
_SHELL_VALUE_OPTIONS = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})


def split_command(command: str) -> list[str]:
    """The words of a command line; whitespace-split (outer quotes trimmed) when unbalanced."""
    if "'" not in command and '"' not in command and "\\" not in command:
        return _join_substitutions(_PLAIN_WORD.findall(command))  # what shlex gives, faster
    try:
        words = shlex.split(command, comments=False, posix=True)
    except ValueError:
        words = [w for w in (word.strip("'\"") for word in command.split()) if w]
    return _join_substitutions(words)


def _join_substitutions(words: list[str]) -> list[str]:
    """Put `$(cat /x)` and `` `cat /x` `` back together when the split cut them."""
    merged: list[str] = []
    depth, backtick = 0, False
    for word in words:
        if depth > 0 or backtick:
            merged[-1] += " " + word
        else:
            merged.append(word)
        if depth > 0 or "$(" in word or "<(" in word:
            depth = max(0, depth + word.count("(") - word.count(")"))
        if word.count("`") % 2 == 1:
            backtick = not backtick
    return merged


def split_segments(command: str) -> list[str]:
    """The simple commands of a line, split on unquoted `;`, `&&`, `||`, `|`, `&` and newlines.

    `2>&1`, `>&2` and `&>file` are redirections, not separators. Empty segments are dropped.
    """
    if not any(char in command for char in "'\"`\\"):  # nothing quoted: one regex split
        return [part.strip() for part in _SEPARATOR.split(command) if part.strip()]
    segments: list[str] = []
    current: list[str] = []
    quote = ""
    index, size = 0, len(command)
    while index < size:
        char = command[index]
        if quote:
            current.append(char)
            if char == "\\" and quote == '"' and index + 1 < size:
                current.append(command[index + 1])
                index += 1
            elif char == quote:
                quote = ""
        elif char == "\\" and index + 1 < size:
            current.append(command[index : index + 2])
            index += 1
        elif char in "'\"`":
            quote = char
            current.append(char)
        elif char in ";|\n" or (
            char == "&"
            and not (current and current[-1][-1:] in ("<", ">"))
            and command[index + 1 : index + 2] != ">"
        ):
            segments.append("".join(current))
            current = []
            if command[index + 1 : index + 2] in ("&", "|", ";") and char != "\n":
                index += 1
        else:
            current.append(char)
        index += 1
    segments.append("".join(current))
    return [segment.strip() for segment in segments if segment.strip()]


def basename(word: str) -> str:
    return word.rstrip("/").rsplit("/", 1)[-1]


def _skip_options(words: list[str], start: int, takes_value: frozenset[str]) -> int:
    index = start
    while index < len(words):
        word = words[index]
        if word == "--":
            return index + 1
        if not word.startswith("-") or word == "-":
            return index
        index += 2 if word in takes_value else 1
    return index


def _after_shell(words: list[str], start: int, depth: int) -> str | None:
    """The program run by `sh [options] -c 'script'` or `sh [options] script-file`."""
    index = start
    while index < len(words):
        word = words[index]
        if word in _SHELL_VALUE_OPTIONS:
            index += 2
            continue
        if word.startswith(("-", "+")) and word not in ("-", "--"):
            if not word.startswith("--") and "c" in word[1:]:
                script = words[index + 1] if index + 1 < len(words) else ""
                return _program(script, depth + 1)
            index += 1
            continue
        if word == "--":
            index += 1
            continue
        return None if _REDIRECT.match(word) else word
    return None


def _from_words(words: list[str], depth: int) -> tuple[str | None, bool]:
    """(program, preparation-only) for one simple command's words."""
    index = 0
    while index < len(words):
        word = words[index]
        stripped = word.lstrip("({")
        if not stripped or word in _KEYWORDS:
            index += 1
            continue
        if _ASSIGNMENT.match(stripped):
            index += 1
            continue
        if _REDIRECT.match(stripped):
            return None, False
        name = basename(stripped)
        if (
            name == "env"
            and index + 1 < len(words)
            and words[index + 1] in ("-S", "--split-string")
        ):
            inner = words[index + 2] if index + 2 < len(words) else ""
            words = split_command(inner) + words[index + 3 :]
            index = 0
            continue
        if name in SHELLS:
            found = _after_shell(words, index + 1, depth)
            return (found if found is not None else stripped), False
        if name == "su" and "-c" in words[index + 1 :]:
            at = words.index("-c", index + 1)
            return _program(words[at + 1] if at + 1 < len(words) else "", depth + 1), False
        wrapper = _WRAPPERS.get(name)
        if wrapper is not None:
            takes_value, positional = wrapper
            after = _skip_options(words, index + 1, takes_value) + positional
            while after < len(words) and _ASSIGNMENT.match(words[after]):
                after += 1
            if after >= len(words):
                return stripped, False
            index = after
            continue
        while stripped.endswith(")") and stripped.count(")") > stripped.count("("):
            stripped = stripped[:-1]
        return stripped or None, name in _PREPARATION
    return None, True


def _program(command: str, depth: int) -> str | None:
    if depth > MAX_DEPTH:
        return None
    fallback: str | None = None
    for segment in split_segments(command[:MAX_COMMAND_LENGTH]):
        program, preparation = _from_words(split_command(segment), depth)
        if program is None and preparation:
            continue
        if not preparation:
            return program
        if fallback is None:
            fallback = program
    return fallback


def program_of(command: str) -> str | None:
    """The program a command line starts, as written (`/tmp/.x/agent`, `run-parts`), or None.

    Wrappers are looked through: `env X=1 prog`, `/usr/bin/env prog`, `nohup prog`, `sudo -u u
    prog`, `sh -c 'prog ...'`, `bash script.sh` (the script); leading preparation steps too
    (`cd / && prog`, `[ -x prog ] && prog`). A command that is only a redirection gives None.
    """
    return _program(command, 0)

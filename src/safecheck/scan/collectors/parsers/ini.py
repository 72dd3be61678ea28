"""systemd unit files and freedesktop .desktop files: `[Section]` then `Key=value` lines.

Keys may repeat (`ExecStartPre=` twice), so each key maps to the list of its values with their
1-based line numbers. Lines starting with `#` or `;` are comments. In systemd files a line
ending with a backslash continues on the next one (the backslash becomes a space, comment lines
inside are skipped); .desktop files have no continuations. Keys before any section go in the
section "". Bad lines are skipped: parsing never raises.
"""

from __future__ import annotations

import re

from safecheck.scan.collectors.parsers import split_lines

Values = list[tuple[str, int]]
Section = dict[str, Values]
IniData = dict[str, Section]

# a field code with the blanks before it; runs of blanks are entered once (linear time)
_FIELD_CODE = re.compile(r"(?:^|(?<!\s)\s++)%[fFuUdDnNickvm](?!\S)")
_DESKTOP_ESCAPES = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}
_DESKTOP_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def parse_ini(text: str, *, continuation: bool = True) -> IniData:
    """Sections -> keys -> [(value, line)], in file order. Repeated sections are merged."""
    data: IniData = {}
    section: Section = data.setdefault("", {})
    pending: tuple[str, list[str], int] | None = None  # key, parts, first line
    # (one pass with plain string methods: this runs for each of a disk's units)
    lines = split_lines(text) if "\r" in text else text.split("\n")
    for number, raw in enumerate(lines, 1):
        stripped = raw.strip()
        if pending is not None:
            if stripped[:1] in _COMMENT_STARTS:
                continue
            key, parts, first = pending
            if continuation and stripped.endswith("\\"):
                parts.append(stripped[:-1].strip())
                continue
            parts.append(stripped)
            _add(section, key, " ".join(p for p in parts if p), first)
            pending = None
            continue
        if not stripped or stripped[0] in "#;":
            continue
        if stripped[0] == "[":
            if stripped[-1] == "]" and len(stripped) > 2:
                section = data.setdefault(stripped[1:-1].strip(), {})
            continue
        key, equals, value = stripped.partition("=")
        if not equals:
            continue
        key = key.rstrip()  # the line is stripped: no blank before the key
        if not key:
            continue
        value = value.strip()
        if continuation and value.endswith("\\"):
            pending = (key, [value[:-1].strip()], number)
            continue
        _add(section, key, value, number)
    if pending is not None:
        key, parts, first = pending
        _add(section, key, " ".join(p for p in parts if p), first)
    if not data[""]:
        del data[""]
    return data


_COMMENT_STARTS = ("#", ";")


def _add(section: Section, key: str, value: str, line: int) -> None:
    found = section.get(key)
    if found is None:
        section[key] = [(value, line)]
    else:
        found.append((value, line))


def values(data: IniData, section: str, key: str) -> Values:
    """Every value of `key` in `section` (empty list when absent)."""
    return data.get(section, {}).get(key, [])


def last(data: IniData, section: str, key: str) -> tuple[str, int] | None:
    """The value that counts for a single-valued key: the last one written."""
    found = values(data, section, key)
    return found[-1] if found else None


def unescape_desktop(value: str) -> str:
    r"""Undo the escapes of desktop entry strings: \s \n \t \r \\ (others are kept)."""
    return _DESKTOP_ESCAPE.sub(lambda m: _DESKTOP_ESCAPES.get(m.group(1), m.group(0)), value)


def strip_field_codes(command: str) -> str:
    """A desktop `Exec=` value without its field codes (%f %U ...); `%%` becomes `%`."""
    return _FIELD_CODE.sub("", command).replace("%%", "%").strip()

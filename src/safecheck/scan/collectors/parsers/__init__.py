"""Pure parsers for the text formats collectors read: no file access, never raise on bad input.

- `ini`: systemd units and freedesktop .desktop files (sections, repeated keys, continuations);
- `commands`: splitting a command line and finding the program it really runs;
- `crontab`: system and user crontabs, anacrontab, at job scripts;
- `shell`: the lines of shell start-up files that start, fetch or hide programs.
"""


def split_lines(text: str) -> list[str]:
    """The lines of a file as editors, shells and daemons count them: split on "\\n" only (a
    "\\r" before it is dropped). `str.splitlines` would also split on form feeds and other
    rare characters, and so give wrong line numbers."""
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]

"""What a start-up command or script does, judged from its text: downloading and running code,
reverse shells, hidden or encoded PowerShell (decoded and judged in turn), decoding and running
a hidden payload, running programs kept in temporary folders.

Plain functions over text, no I/O: the scan reads script bodies (size-capped, never run,
`scan/script_bodies.py`) and turns each match into a "script-match" entry, which the rule set
at the end of this module reports. Every pattern has bounded gaps and each line is looked at
in windows of at most `MAX_LINE` characters, so the time is linear in the size of the text;
at most `MAX_TEXT` characters of one script are judged. Windows command-line obfuscation
(`p^ow^er""shell`) is undone before matching.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from safecheck.core.entries import Entry, Hit
from safecheck.scan.analysis.base import Context, register

MAX_TEXT = 256 * 1024  # characters of one script or command judged
MAX_LINE = 4096  # longer lines are judged in overlapping windows of this size
_OVERLAP = 512
MAX_EVIDENCE = 200  # characters of matched text kept as evidence
MAX_DEPTH = 3  # encoded PowerShell inside encoded PowerShell...
MAX_MATCHES = 20  # per script: enough to act on
MAX_LOCAL_SCRIPTS = 8

DOWNLOAD_RUN = "SC-SCRIPT-DOWNLOAD-RUN"
REVERSE_SHELL = "SC-SCRIPT-REVERSE-SHELL"
ENCODED_POWERSHELL = "SC-SCRIPT-ENCODED-POWERSHELL"
HIDDEN_WINDOW = "SC-SCRIPT-HIDDEN-WINDOW"
DECODE_RUN = "SC-SCRIPT-DECODE-RUN"
TEMP_EXEC = "SC-SCRIPT-TEMP-EXEC"
# A line that starts a program quietly; a finding only when the program is a catalog tool.
SILENT_TOOL = "SC-SCRIPT-SILENT-TOOL"
RULES = (
    DOWNLOAD_RUN,
    REVERSE_SHELL,
    ENCODED_POWERSHELL,
    HIDDEN_WINDOW,
    DECODE_RUN,
    TEMP_EXEC,
    SILENT_TOOL,
)


@dataclass(frozen=True)
class ScriptMatch:
    rule: str
    line: int  # 1-based line of the script (of the decoded text's outer line when decoded)
    evidence: str  # the matched text (decoded PowerShell is prefixed "decoded: ")
    programs: tuple[str, ...] = ()  # SILENT_TOOL: the program names the line may start


_I = re.IGNORECASE
_SHELL = r"(?:sudo\s+)?(?:/(?:usr/)?bin/)?(?:ba|z|da|k|fi|a)?sh\b"
_FETCH_PS = (
    r"(?:downloadstring|downloaddata|downloadfile|net\.webclient|iwr|irm|invoke-webrequest"
    r"|invoke-restmethod|start-bitstransfer)"
)
_TEMP = r"(?:/tmp|/var/tmp|/dev/shm)/"

# (rule, pattern) judged on each line
LINE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        DOWNLOAD_RUN,
        re.compile(rf"\b(?:curl|wget|fetch)\b[^|;\n]{{0,400}}\|\s*{_SHELL}", _I),
    ),
    (
        DOWNLOAD_RUN,
        re.compile(
            r"\b(?:curl|wget)\b[^|;\n]{0,400}\|\s*(?:sudo\s+)?(?:python[0-9.]*|perl|ruby|php|node)\b",
            _I,
        ),
    ),
    (DOWNLOAD_RUN, re.compile(r"\b(?:ba|z|da)?sh\s+<\(\s*(?:curl|wget)\b", _I)),
    (
        DOWNLOAD_RUN,
        re.compile(r"\b(?:(?:ba|z|da)?sh\s+-c|eval)\s+[\"']?\$\(\s*(?:curl|wget)\b", _I),
    ),
    (
        DOWNLOAD_RUN,
        re.compile(
            rf"\b(?:{_FETCH_PS}|curl|wget)\b[^|\n]{{0,400}}\|\s*(?:iex|invoke-expression)\b", _I
        ),
    ),
    (
        DOWNLOAD_RUN,
        re.compile(rf"\b(?:iex|invoke-expression)\b[^\n]{{0,400}}\b{_FETCH_PS}\b", _I),
    ),
    (DOWNLOAD_RUN, re.compile(r"\bbitsadmin(?:\.exe)?\b[^\n]{0,200}\s/transfer\b", _I)),
    (DOWNLOAD_RUN, re.compile(r"\bcertutil(?:\.exe)?\b[^\n]{0,200}\s[-/]urlcache\b", _I)),
    (
        DOWNLOAD_RUN,
        re.compile(r"\bmshta(?:\.exe)?\b\s*[\"']?(?:https?:|javascript:|vbscript:)", _I),
    ),
    (
        DOWNLOAD_RUN,
        re.compile(r"\bregsvr32(?:\.exe)?\b[^\n]{0,200}/i:\s*[\"']?https?:", _I),
    ),
    (REVERSE_SHELL, re.compile(r"/dev/(?:tcp|udp)/[^\s/]{1,255}/\d", _I)),
    (
        REVERSE_SHELL,
        re.compile(
            r"\b(?:nc|ncat|netcat|nc\.traditional|nc\.openbsd)\b[^|;&\n]{0,200}\s-[a-z]{0,6}[ec]\s",
            _I,
        ),
    ),
    (REVERSE_SHELL, re.compile(r"\bsocat\b[^\n]{0,400}\b(?:exec|system):", _I)),
    (REVERSE_SHELL, re.compile(r"\bmkfifo\b[^\n]{0,400}\b(?:nc|ncat|netcat|telnet)\b", _I)),
    (REVERSE_SHELL, re.compile(rf"\btelnet\b[^\n|]{{0,200}}\|\s*{_SHELL}", _I)),
    (
        REVERSE_SHELL,
        re.compile(
            r"\b(?:python[0-9.]*|perl|ruby|php)\b[^\n]{0,400}\bsocket\b[^\n]{0,400}"
            r"\b(?:connect|dup2|fsockopen|tcpsocket)\b",
            _I,
        ),
    ),
    (
        REVERSE_SHELL,
        re.compile(r"\bnet\.sockets\.tcpclient\b[^\n]{0,400}\bgetstream\b", _I),
    ),
    (
        DECODE_RUN,
        re.compile(rf"\bbase64\s+(?:-d|--decode|-D)\b[^\n]{{0,400}}\|\s*{_SHELL}", _I),
    ),
    (
        DECODE_RUN,
        re.compile(
            rf"\b(?:openssl\s+(?:base64|enc)\b[^\n|]{{0,200}}-d|xxd\s+-r)\b[^\n]{{0,200}}\|\s*{_SHELL}",
            _I,
        ),
    ),
    (
        DECODE_RUN,
        re.compile(
            r"\bfrombase64string\b[^\n]{0,400}\b(?:iex|invoke-expression|scriptblock\]::create)\b"
            r"|\b(?:iex|invoke-expression)\b[^\n]{0,400}\bfrombase64string\b",
            _I,
        ),
    ),
    (
        DECODE_RUN,
        re.compile(
            r"\b(?:exec|eval)\s*\(\s*(?:base64\.b64decode|zlib\.decompress|codecs\.decode"
            r"|decode_base64|base64_decode|gzinflate)",
            _I,
        ),
    ),
    (
        HIDDEN_WINDOW,
        re.compile(
            r"\b(?:powershell|pwsh)(?:\.exe)?\b[^\n]{0,400}\s[-/]w(?:i|in|ind|indo|indow|indows"
            r"|indowst|indowsty|indowstyl|indowstyle)?\s+[\"']?(?:hidden|1)\b",
            _I,
        ),
    ),
    (HIDDEN_WINDOW, re.compile(r"-windowstyle\s+[\"']?hidden\b", _I)),
    (
        TEMP_EXEC,
        re.compile(
            rf"\bchmod\s+(?:[0-7]{{3,4}}|[ugoa]*\+[rwx]*x[rwx]*)\s+[\"']?{_TEMP}\S{{1,255}}", _I
        ),
    ),
    (
        TEMP_EXEC,
        re.compile(rf"(?:^|[;&|(`]\s*|\bexec\s+|\bnohup\s+)[\"']?{_TEMP}[^\s\"';|&)]{{1,255}}", _I),
    ),
    (
        TEMP_EXEC,
        re.compile(
            r"(?:%temp%|%tmp%|\$env:te?mp|\\appdata\\local\\temp|\\users\\public|\\windows\\temp)"
            r"\\[^\s\"'|<>]{1,255}\.(?:exe|scr|com|bat|cmd|ps1|vbs|vbe|js|jse|wsf|hta|dll)\b",
            _I,
        ),
    ),
)

# Ways of starting a program so that nobody sees it: a hidden or minimised window, an
# installer's silent switch, output thrown away, detached from the terminal, a WScript.Shell
# Run with window style 0.
_QUIET = re.compile(
    r"-w(?:indowstyle)?\s+[\"']?(?:hidden|minimized)\b"
    r"|\bstart\b(?:\s+\"[^\"\n]{0,200}\")?\s+/(?:min|b)\b"
    r"|(?:^|\s)(?:--|/|-)(?:very)?(?:silent|quiet)\b"
    r"|>\s*(?:nul|/dev/null)\b|&>\s*/dev/null\b"
    r"|\b(?:nohup|setsid|disown)\b"
    r"|\.run\b[^\n]{0,400},\s*0\b",
    _I,
)
QUIET_WORDS: tuple[str, ...] = (
    "hidden", "minimized", "/min", "/b", "silent", "quiet", "nul", "nohup", "setsid", "disown",
    ".run",
)  # fmt: skip
MAX_PROGRAMS = 16
# Whether a program name (a path's last part) is a catalog tool; given by the scan.
IsTool = Callable[[str], bool]


def programs_in(line: str) -> tuple[str, ...]:
    """The words of a line that could name the program it starts (each path's last part)."""
    found: list[str] = []
    for part in re.split(r"[\s\"'`()|&;<>,=]+", line[:MAX_LINE]):
        tail = part.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
        if len(tail) >= 2 and tail not in found:
            found.append(tail)
        if len(found) >= MAX_PROGRAMS:
            break
    return tuple(found)


TEMP_FOLDERS = ("/tmp/", "/var/tmp/", "/dev/shm/")  # noqa: S108 - looked for, never written to
# Every rule above needs one of these words (lower case): only lines that hold one are judged,
# and finding them is a plain substring search per word, so an ordinary script costs little.
TRIGGERS = (
    "curl", "wget", "fetch", "iex", "invoke-", "bitsadmin", "certutil", "mshta", "regsvr32",
    "/dev/tcp/", "/dev/udp/", "nc ", "nc\t", "nc.", "ncat", "netcat", "socat", "mkfifo",
    "telnet", "socket", "tcpclient", "base64", "openssl", "xxd", "exec", "eval", "gzinflate",
    "powershell", "pwsh", "-windowstyle", "chmod", "%temp%", "%tmp%", "$env:t", "\\temp\\",
    "\\public\\", *TEMP_FOLDERS,
)  # fmt: skip
# What a line that runs a local script holds.
RUNS_SCRIPT = (
    ".sh", ".py", ".pl", ".rb", ".php", ".ps1", ".bat", ".cmd", ".vbs", ".vbe", ".js", ".wsf",
    ".command", ".applescript", "source ", ". /", "sh ", "python", "perl", "ruby", "osascript",
)  # fmt: skip
_POWERSHELL = re.compile(r"\b(?:powershell|pwsh)(?:\.exe)?\b", _I)
_ENCODED = re.compile(
    r"\s[-/]e(?:c|n|nc|nco|ncod|ncode|ncoded|ncodedc|ncodedco|ncodedcom|ncodedcomm"
    r"|ncodedcomma|ncodedcomman|ncodedcommand)?\s+[\"']?([A-Za-z0-9+/]{8,}={0,2})",
    _I,
)
_COMMENTS = ("#", "::", "'", "//")
_CARETS = re.compile(r"\^(?=\S)")
_SPLIT_QUOTES = re.compile(r"(?<=[A-Za-z])\"\"?(?=[A-Za-z])")

# Scripts a text runs: an absolute path with a script's ending, or after an interpreter.
_SCRIPT_ENDINGS = r"(?:sh|bash|zsh|py|pl|rb|php|ps1|bat|cmd|vbs|vbe|js|jse|wsf|command|applescript)"
_LOCAL_SCRIPT = re.compile(
    rf"(?:^|[\s;&|(\"'=])(/[\w.@+/-]{{1,255}}\.{_SCRIPT_ENDINGS})(?=$|[\s;&|)\"'])"
    r"|(?:^|[\s;&|(])(?:source|\.|sh|bash|zsh|dash|python[0-9.]*|perl|ruby|osascript)\s+"
    r"(?:-\S+\s+){0,3}[\"']?(/[\w.@+/-]{1,255})"
    rf"|([a-z]:\\[^\s\"'|<>*?]{{1,255}}\.{_SCRIPT_ENDINGS})\b"
    r"|-file\s+[\"']?([a-z]:\\[^\"'|<>*?\n]{1,255}?\.ps1)\b",
    _I | re.MULTILINE,
)


def _windows(line: str) -> Iterator[str]:
    """The line, or overlapping windows of it when it is very long."""
    if len(line) <= MAX_LINE:
        yield line
        return
    step = MAX_LINE - _OVERLAP
    for start in range(0, len(line), step):
        yield line[start : start + MAX_LINE]


def normalised(line: str) -> str:
    """cmd.exe escapes (`p^ow^ershell`) and split quotes (`"powe""rshell"`) undone."""
    if "^" in line:
        line = _CARETS.sub("", line)
    if '"' in line:
        line = _SPLIT_QUOTES.sub("", line)
    return line


def _evidence(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_EVIDENCE else text[: MAX_EVIDENCE - 1] + "…"


def decode_powershell(encoded: str) -> str | None:
    """The text of `-EncodedCommand` (base64 of UTF-16LE), or None when it is not that."""
    padded = encoded + "=" * (-len(encoded) % 4)
    try:
        raw = base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) < 2:
        return None
    return raw[: MAX_TEXT * 2].decode("utf-16-le", errors="replace")


def _line_matches(
    line: str, number: int, depth: int, is_tool: IsTool | None
) -> Iterator[ScriptMatch]:
    for rule, pattern in LINE_RULES:
        found = pattern.search(line)
        if found:
            yield ScriptMatch(rule, number, _evidence(found.group(0)))
    if _POWERSHELL.search(line):
        for encoded in _ENCODED.finditer(line):
            decoded = decode_powershell(encoded.group(1))
            shown = f"decoded: {decoded}" if decoded is not None else encoded.group(0)
            yield ScriptMatch(ENCODED_POWERSHELL, number, _evidence(shown))
            if decoded is not None and depth < MAX_DEPTH:
                for inner in _analyse(decoded, depth + 1, is_tool):
                    evidence = inner.evidence
                    if not evidence.startswith("decoded: "):
                        evidence = _evidence(f"decoded: {evidence}")
                    yield ScriptMatch(inner.rule, number, evidence)


def _silent_match(line: str, number: int, is_tool: IsTool) -> ScriptMatch | None:
    if not _QUIET.search(line):
        return None
    tools = tuple(p for p in programs_in(line) if is_tool(p))
    return ScriptMatch(SILENT_TOOL, number, _evidence(line.strip()), tools) if tools else None


def lines_with(text: str, words: tuple[str, ...]) -> list[tuple[int, str]]:
    """The lines (number, text) that hold one of the words, in order. Each word is found by a
    substring search that skips to the next line once found: linear in the text's size."""
    lower = text.lower()
    starts: set[int] = set()
    for word in words:
        position = lower.find(word)
        while position >= 0:
            starts.add(lower.rfind("\n", 0, position) + 1)
            end = lower.find("\n", position)
            position = -1 if end < 0 else lower.find(word, end + 1)
    found: list[tuple[int, str]] = []
    number, counted = 1, 0
    for start in sorted(starts):
        number += text.count("\n", counted, start)
        counted = start
        end = text.find("\n", start)
        found.append((number, text[start : len(text) if end < 0 else end]))
    return found


def _analyse(text: str, depth: int, is_tool: IsTool | None) -> list[ScriptMatch]:
    found: dict[tuple[int, str], ScriptMatch] = {}
    text = text[:MAX_TEXT]
    triggers = TRIGGERS + QUIET_WORDS if is_tool is not None else TRIGGERS
    # The text as written, then with cmd.exe's obfuscation undone (line numbers are kept).
    for view in dict.fromkeys((text, normalised(text))):
        for number, raw in lines_with(view, triggers):
            stripped = raw.lstrip()
            if stripped.startswith(_COMMENTS) or stripped[:4].lower() == "rem ":
                continue  # a comment runs nothing
            lower = raw.lower()
            # a line found only for a quiet word ("> /dev/null") is not judged by every rule
            judged = any(word in lower for word in TRIGGERS)
            quiet = is_tool is not None and any(word in lower for word in QUIET_WORDS)
            for window in _windows(raw):
                matches = list(_line_matches(window, number, depth, is_tool)) if judged else []
                silent = _silent_match(window, number, is_tool) if quiet and is_tool else None
                for match in (*matches, *([silent] if silent else [])):
                    found.setdefault((number, match.rule), match)  # one per rule and line
            if len(found) >= MAX_MATCHES:
                break
    return sorted(found.values(), key=lambda m: (m.line, RULES.index(m.rule)))[:MAX_MATCHES]


def analyse_script(text: str, is_tool: IsTool | None = None) -> list[ScriptMatch]:
    """What a command line or a script body does that a start-up entry should not. With
    `is_tool`, also the lines that quietly start a program it accepts."""
    return _analyse(text, 0, is_tool)


def local_scripts(text: str) -> list[str]:
    """The local scripts a command or script runs (absolute paths as written), to read them
    one level further. Nothing is checked on disk here."""
    found: list[str] = []
    for _number, line in lines_with(normalised(text[:MAX_TEXT]), RUNS_SCRIPT):
        for window in _windows(line):
            for match in _LOCAL_SCRIPT.finditer(window):
                path = next(group for group in match.groups() if group)
                if path not in found:
                    found.append(path)
                if len(found) >= MAX_LOCAL_SCRIPTS:
                    return found
    return found


# --- the rule set ---------------------------------------------------------------------------

SCRIPT_KIND = "script-match"  # an entry made by the scan from a match in a script's body
# On an entry's own command line the OS rule sets already judge downloads, reverse shells and
# temporary folders; what only this module sees there is hidden and encoded PowerShell.
COMMAND_LINE_RULES = frozenset({HIDDEN_WINDOW, ENCODED_POWERSHELL})


def _script_values(entry: Entry, path: str, match: str) -> dict[str, str]:
    return {"name": entry.name, "path": path, "program": match}


def _command_line_hits(entry: Entry) -> Iterator[Hit]:
    command = entry.command or ""
    lower = command.lower()
    if not any(word in lower for word in ("powershell", "pwsh", "-windowstyle", "^", '""')):
        return  # the rules judged on command lines all need PowerShell
    for match in analyse_script(command):
        decoded = match.evidence.startswith("decoded: ")
        if match.rule not in COMMAND_LINE_RULES and not decoded:
            continue
        shown = Entry(
            collector=entry.collector,
            kind=SCRIPT_KIND,
            location=entry.location,
            name=entry.name,
            command=match.evidence,
            line=entry.line,
            user=entry.user,
            enabled=entry.enabled,
            modified=entry.modified,
            pid=entry.pid,
        )
        key = f"{entry.location}:{entry.line}:{entry.pid}"
        yield Hit(match.rule, key, shown, _script_values(entry, entry.location, match.evidence))


def _silent_tool_hits(entry: Entry, ctx: Context, values: dict[str, str]) -> list[Hit]:
    """A quiet start of a catalog tool, named with the tool and what it lets someone do."""
    for program in (entry.detail("programs") or "").split(" "):
        found = ctx.index.by_process(program, ctx.platform) if program else []
        if found:
            tool = found[0].tool
            named = {**values, "tool": tool.name, "category": tool.category.value}
            return [Hit(SILENT_TOOL, f"{entry.location}:{entry.line}", entry, named, tool)]
    return []


@register("scripts", order=35, applies=lambda entry: True)
def judge_scripts(entry: Entry, ctx: Context) -> list[Hit]:
    """Matches found in scripts' bodies (made entries by the scan), and hidden or encoded
    PowerShell on any entry's command line."""
    if entry.kind == SCRIPT_KIND:
        rule = entry.detail("rule")
        if rule not in RULES:
            return []
        values = _script_values(entry, entry.location, entry.command or "")
        if rule == SILENT_TOOL:
            return _silent_tool_hits(entry, ctx, values)
        return [Hit(rule, entry.location, entry, values)]
    if not entry.command:
        return []
    return list(_command_line_hits(entry))

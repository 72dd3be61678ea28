"""Permanent WMI event subscriptions, found by keyword in the WMI repository's OBJECTS.DATA.

A subscription is three objects in `root\\subscription`: a filter (when), a consumer (what to
run) and a binding between them. Only two consumer classes run something:
`CommandLineEventConsumer` (a command line) and `ActiveScriptEventConsumer` (VBScript or
JScript text). The repository is a paged database with no maintained offline reader in Python,
so this does what forensic practice does instead of parsing it: it looks for the names of those
two classes, and of the bindings that point at them, and reads the strings stored next to them
(ASCII or UTF-16). It is a search, not a parser: a consumer whose strings are split across
pages can be missed, and the report says the repository was searched, not fully read.

Pure: bytes in, candidates out; the collector reads the file in chunks under a cap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CONSUMER_CLASSES = ("CommandLineEventConsumer", "ActiveScriptEventConsumer")
WINDOW = 4096  # bytes after a class name where that object's strings are looked for
OVERLAP = WINDOW + 512  # kept from one chunk to the next, so a hit at a chunk's end is whole
MAX_CONSUMERS = 64
MAX_STRING = 2048

_MARKERS = re.compile(
    b"|".join(
        re.escape(name.encode(encoding))
        for name in CONSUMER_CLASSES
        for encoding in ("ascii", "utf-16-le")
    )
)
_ASCII_RUN = re.compile(rb"[\x20-\x7e\t]{3,%d}" % MAX_STRING)
_WIDE_RUN = re.compile(rb"(?:[\x20-\x7e\t]\x00){3,%d}" % MAX_STRING)
_BOUND = re.compile(
    r"(CommandLineEventConsumer|ActiveScriptEventConsumer)\.Name=\"([^\"]{1,256})\""
)
# What only a command or a script holds (the class definition's own strings hold none).
_RUNS_SOMETHING = re.compile(
    r"(?i)\.(?:exe|bat|cmd|ps1|vbs|js|hta|dll)\b|\b(?:powershell|pwsh|cmd|cscript|wscript|mshta|"
    r"rundll32|regsvr32|certutil|bitsadmin)\b|\bcreateobject\b|\bwscript\.shell\b|https?://"
)
# Property names, qualifiers and descriptions of the classes themselves.
_SCHEMA_WORDS = frozenset(
    {
        "commandlinetemplate", "executablepath", "workingdirectory", "scripttext",
        "scriptfilename", "scriptingengine", "killtimeout", "maximumqueuesize",
    }
)  # fmt: skip
# Shipped with older Windows (root\subscription "BVTConsumer", running KernCap.vbs): not set up
# by a person.
_SHIPPED = ("kerncap.vbs",)


@dataclass
class Consumer:
    """A consumer object's class, its name and what it would run, as found."""

    kind: str  # one of CONSUMER_CLASSES
    runs: list[str] = field(default_factory=list)  # command lines or script lines
    strings: set[str] = field(default_factory=set)  # everything readable beside it
    name: str = ""  # the name a binding gives it


@dataclass
class WmiFindings:
    consumers: list[Consumer] = field(default_factory=list)
    bound: dict[str, str] = field(default_factory=dict)  # consumer name -> class
    cut: bool = False  # more consumers than MAX_CONSUMERS


def strings_in(window: bytes) -> list[str]:
    """The readable strings of a piece of the repository, ASCII and UTF-16, in order."""
    found: list[tuple[int, str]] = []
    for match in _ASCII_RUN.finditer(window):
        found.append((match.start(), match.group().decode("ascii")))
    for match in _WIDE_RUN.finditer(window):
        found.append((match.start(), match.group().decode("utf-16-le")))
    return [text.strip() for _start, text in sorted(found) if text.strip()]


def _runs(strings: list[str]) -> list[str]:
    runs: list[str] = []
    for text in strings:
        if text.lower() in _SCHEMA_WORDS or not _RUNS_SOMETHING.search(text):
            continue
        if any(shipped in text.lower() for shipped in _SHIPPED):
            continue
        if text not in runs:
            runs.append(text)
    return runs


class RepositorySearch:
    """Fed the repository chunk by chunk (`feed`), then `result()`; memory stays at one chunk
    and one window whatever the file's size."""

    def __init__(self) -> None:
        self._tail = b""
        self._seen: set[tuple[str, tuple[str, ...]]] = set()
        self._candidates: list[Consumer] = []
        self.findings = WmiFindings()

    def feed(self, chunk: bytes, last: bool = False) -> None:
        data = self._tail + chunk
        # hits whose window is whole in this data; the rest waits for the next chunk
        limit = len(data) if last else max(0, len(data) - OVERLAP)
        for match in _MARKERS.finditer(data):
            if match.start() >= limit:
                break
            self._hit(match.group(), data[match.start() : match.start() + WINDOW])
        for text in strings_in(data):  # the overlap is read twice: names are kept once
            for bound in _BOUND.finditer(text):
                if len(self.findings.bound) < MAX_CONSUMERS * 4:
                    self.findings.bound.setdefault(bound.group(2), bound.group(1))
        self._tail = data[limit:]

    def _hit(self, marker: bytes, window: bytes) -> None:
        kind = marker.replace(b"\x00", b"").decode("ascii")
        runs = _runs(strings_in(window))
        if not runs:
            return  # the class definition, or a consumer whose strings are elsewhere
        key = (kind, tuple(runs))
        if key in self._seen:
            return
        self._seen.add(key)
        if len(self._candidates) >= MAX_CONSUMERS * 4:
            self.findings.cut = True
            return
        self._candidates.append(Consumer(kind, runs, set(strings_in(window))))

    def result(self) -> WmiFindings:
        """The consumers a binding points at: an unbound consumer runs nothing, and the classes'
        own definitions (which hold no bound name) are never taken for one."""
        for candidate in self._candidates:
            names = [
                name
                for name, kind in self.findings.bound.items()
                if kind == candidate.kind and name in candidate.strings
            ]
            if not names:
                continue
            if len(self.findings.consumers) >= MAX_CONSUMERS:
                self.findings.cut = True
                break
            candidate.name = names[0]
            candidate.runs = [r for r in candidate.runs if r != candidate.name]
            self.findings.consumers.append(candidate)
        return self.findings

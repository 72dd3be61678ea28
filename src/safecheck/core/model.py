"""Core value types shared by checkups, scans and reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class _Ordered(Enum):
    """An enum whose members compare in declaration order."""

    def __init__(self, *_value: object) -> None:
        # the members made before this one: its place, known once (sorting 20,000 findings
        # asks for it twice per comparison)
        self._rank = len(type(self).__members__)

    @property
    def rank(self) -> int:
        return self._rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        return self.rank <= other.rank


class Severity(_Ordered):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Confidence(_Ordered):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class CoverageStatus(Enum):
    OK = "ok"
    PARTIAL = "partial"
    NEEDS_ADMIN = "needs-admin"
    NOT_APPLICABLE = "not-applicable"
    FAILED = "failed"
    SKIPPED = "skipped"  # the person chose not to go through it


@dataclass(frozen=True)
class Evidence:
    """What was seen, where. Only the fields that apply are set."""

    path: str | None = None
    line: int | None = None
    command: str | None = None
    pid: int | None = None
    process: str | None = None
    user: str | None = None
    port: int | None = None
    sha256: str | None = None
    modified: str | None = None
    answer: str | None = None  # for checklist findings: the answer given
    note: str | None = None
    read_from: str | None = None  # a phone's file or service the fact was read from


@dataclass(frozen=True)
class Finding:
    """One thing worth acting on or reviewing, already in the report's language."""

    id: str
    title: str
    severity: Severity
    confidence: Confidence
    source: str  # collector or checklist id
    category: str
    explanation: str
    steps: tuple[str, ...] = ()
    safety_note: str = ""
    evidence: tuple[Evidence, ...] = ()
    references: tuple[str, ...] = ()
    # One sentence in plain words, for rules whose title needs technical words; reports lead
    # with it and keep the title for advocate mode.
    plain: str = ""
    evidence_left_out: int = 0  # items of evidence beyond the cap, counted but not listed


@dataclass(frozen=True)
class Coverage:
    """What one collector or checklist covered, and why not when it did not."""

    id: str
    status: CoverageStatus
    reason: str = ""
    details: tuple[str, ...] = field(default=())


class Answer(Enum):
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"
    CANT_FIND = "cant-find"
    SKIP = "skip"


class Outcome(Enum):
    ACT = "act"  # the answer is the concern: act on it (after the safety note)
    REVIEW = "review"  # not sure / can't find it: go through it with an advocate
    DONE = "done"
    NOT_CHECKED = "not-checked"  # skipped

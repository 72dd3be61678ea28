"""Checklist data, as loaded and validated from the YAML files in `checklists/`."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from safecheck.core.i18n import LocalizedText
from safecheck.core.model import Answer, Severity

# The answers of an answers file (--answers), the same in every language; the keys typed in a
# terminal are in the session's language (cli/keys.py, i18n key.*).
ANSWER_KEYS: dict[str, Answer] = {
    "y": Answer.YES,
    "n": Answer.NO,
    "?": Answer.UNSURE,
    "c": Answer.CANT_FIND,
    "s": Answer.SKIP,
}
ANSWER_WORDS = [a.value for a in Answer]


class Kind(Enum):
    CHECKLIST = "checklist"
    SITUATION = "situation"


@dataclass(frozen=True)
class Condition:
    """Ask an item only when an earlier item got one of these answers."""

    item: str
    answers: frozenset[Answer]


@dataclass(frozen=True)
class Item:
    id: str
    question: LocalizedText
    why: LocalizedText
    where: LocalizedText | None = None
    do: LocalizedText | None = None
    safety: LocalizedText | None = None
    detail: LocalizedText | None = None  # shown in advocate mode
    concern_if: Answer | None = None
    severity: Severity = Severity.MEDIUM
    sources: tuple[str, ...] = ()
    ask_if: Condition | None = None
    # situation questions only
    risk: LocalizedText | None = None
    prioritise: tuple[str, ...] = ()
    skip_if_no: tuple[str, ...] = ()
    line: int = 0
    # where each reference to another item or checklist was written: key -> (line, column)
    marks: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Checklist:
    id: str
    kind: Kind
    version: str
    title: LocalizedText
    items: tuple[Item, ...]
    intro: LocalizedText | None = None
    order: int = 100
    sources: dict[str, str] = field(default_factory=dict)
    path: str = ""

    def source_texts(self, item: Item) -> list[str]:
        return [self.sources[s] for s in item.sources if s in self.sources]


@dataclass(frozen=True)
class ChecklistSet:
    """Everything the guided checkup walks: situation questions first, then the checklists."""

    situation: Checklist | None
    checklists: tuple[Checklist, ...]

    @property
    def all(self) -> tuple[Checklist, ...]:
        return ((self.situation,) if self.situation else ()) + self.checklists

    def by_id(self, checklist_id: str) -> Checklist | None:
        return next((c for c in self.all if c.id == checklist_id), None)

    def item(self, item_id: str) -> tuple[Checklist, Item] | None:
        for checklist in self.all:
            for item in checklist.items:
                if item.id == item_id:
                    return checklist, item
        return None

"""The neutral ground of analysis: what a rule set sees (`Context`), the registry every rule set
registers into, and `judge`, which runs the registered rule sets on one entry.

Rule-set modules (`common`, `macos`, `windows`, ...) import this module and nothing of each
other; this module imports none of them (the package's `__init__` loads them all).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from safecheck.catalog.index import CatalogIndex
from safecheck.catalog.model import Category
from safecheck.core.entries import Entry, Hit

# The rule of a finding that recognises a catalog tool, by the tool's category.
TOOL_RULES = {
    Category.MONITORING: "SC-TOOL-MONITORING",
    Category.KEYLOGGER: "SC-TOOL-KEYLOGGER",
    Category.PARENTAL_CONTROL: "SC-TOOL-PARENTAL",
    Category.REMOTE_ACCESS: "SC-TOOL-REMOTE-ACCESS",
    Category.TUNNEL: "SC-TOOL-TUNNEL",
}


@dataclass
class Context:
    platform: str
    index: CatalogIndex
    now: datetime
    # Whether a path on the inspected system belongs to an installed package; None = unknown.
    packaged: Callable[[str], bool | None] = lambda _path: None


Judge = Callable[[Entry, Context], Iterable[Hit]]


@dataclass(frozen=True)
class RuleSet:
    name: str
    order: int  # rule sets run in this order, so findings come out in a stable order
    applies: Callable[[Entry], bool]
    judge: Judge


_RULE_SETS: dict[str, RuleSet] = {}
_ORDERED: list[RuleSet] = []  # _RULE_SETS in order, made again after each register


def register(
    name: str, *, order: int, applies: Callable[[Entry], bool]
) -> Callable[[Judge], Judge]:
    """Adds a rule set: `judge` calls it for every entry that `applies` accepts."""

    def add(function: Judge) -> Judge:
        _RULE_SETS[name] = RuleSet(name, order, applies, function)
        _ORDERED.clear()
        return function

    return add


def rule_sets() -> list[RuleSet]:
    if not _ORDERED:  # sorted once, not once per entry
        _ORDERED.extend(sorted(_RULE_SETS.values(), key=lambda r: (r.order, r.name)))
    return list(_ORDERED)


def judge(entry: Entry, ctx: Context) -> list[Hit]:
    """Every rule one entry triggers, from every registered rule set that applies to it."""
    hits: list[Hit] = []
    for rule_set in _ORDERED or rule_sets():
        if rule_set.applies(entry):
            hits += rule_set.judge(entry, ctx)
    return hits


def names_of(path: str) -> list[str]:
    """The names in a POSIX path as `PurePosixPath(path).parts` gives them after the root:
    empty parts and "." dropped, ".." kept (plain strings: this runs for every entry)."""
    return [part for part in path.split("/") if part and part != "."]


def basename(path: str) -> str:
    """`PurePosixPath(path.replace("\\\\", "/")).name`, without building a path object."""
    names = names_of(path.replace("\\", "/"))
    return names[-1] if names else ""


def on_windows(entry: Entry) -> bool:
    return entry.collector.startswith("windows.")


def on_macos(entry: Entry) -> bool:
    return entry.collector.startswith("macos.")

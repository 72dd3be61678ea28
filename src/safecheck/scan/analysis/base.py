"""The neutral ground of analysis: what a rule set sees (`Context`), the registry every rule set
registers into, and `judge`, which runs the registered rule sets on one entry.

Rule-set modules (`common`, `macos`, `windows`, ...) import this module and nothing of each
other; this module imports none of them (the package's `__init__` loads them all).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath

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


def register(
    name: str, *, order: int, applies: Callable[[Entry], bool]
) -> Callable[[Judge], Judge]:
    """Adds a rule set: `judge` calls it for every entry that `applies` accepts."""

    def add(function: Judge) -> Judge:
        _RULE_SETS[name] = RuleSet(name, order, applies, function)
        return function

    return add


def rule_sets() -> list[RuleSet]:
    return sorted(_RULE_SETS.values(), key=lambda r: (r.order, r.name))


def judge(entry: Entry, ctx: Context) -> list[Hit]:
    """Every rule one entry triggers, from every registered rule set that applies to it."""
    hits: list[Hit] = []
    for rule_set in rule_sets():
        if rule_set.applies(entry):
            hits += rule_set.judge(entry, ctx)
    return hits


def basename(path: str) -> str:
    return PurePosixPath(path.replace("\\", "/")).name


def on_windows(entry: Entry) -> bool:
    return entry.collector.startswith("windows.")


def on_macos(entry: Entry) -> bool:
    return entry.collector.startswith("macos.")

"""Load and validate checklist YAML files, collecting every problem as `file:line:col: message`.

The format is documented in docs/checklist-format.md; keep the two in step.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from safecheck.checkup.checklist.model import (
    ANSWER_WORDS,
    Checklist,
    ChecklistSet,
    Condition,
    Item,
    Kind,
)
from safecheck.core.errors import DataError, Problem
from safecheck.core.i18n import LANGUAGES
from safecheck.core.model import Answer, Severity
from safecheck.core.yamlio import (
    MappingView,
    Problems,
    as_int,
    as_list,
    as_localized,
    as_mapping,
    as_open_mapping,
    as_text,
    as_text_list,
    as_word,
    compose_file,
    did_you_mean,
)

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SEVERITIES = [s.value for s in Severity]

FILE_REQUIRED = ("id", "version", "title", "items")
FILE_OPTIONAL = ("kind", "intro", "order", "sources")
ITEM_REQUIRED = ("id", "question", "why")
ITEM_OPTIONAL = (
    "where",
    "do",
    "safety",
    "detail",
    "concern_if",
    "severity",
    "source",
    "ask_if",
    "risk",
    "prioritise",
    "skip_if_no",
)
SITUATION_ONLY = ("risk", "prioritise", "skip_if_no")


def packaged_checklist_dir() -> Path:
    """The checklists shipped with safecheck: in the wheel, or at the top of a source checkout."""
    inside = Path(__file__).resolve().parents[2] / "checklists"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parents[4] / "checklists"


def checklist_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into their *.yaml files, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        else:
            files.append(path)
    return files


def _text(view: MappingView, key: str, p: Problems, what: str) -> str | None:
    return as_text(view.get(key), p, f"{what}: '{key}'")


def _localized(view: MappingView, key: str, p: Problems, what: str) -> dict[str, str] | None:
    return as_localized(view.get(key), p, f"{what}: '{key}'", LANGUAGES)


def _check_id(node: yaml.Node | None, value: str | None, p: Problems, what: str) -> str | None:
    if value is None:
        return None
    if not ID_PATTERN.fullmatch(value):  # match() would let a trailing newline through
        p.add(node, f"{what}: id '{value}' must be lowercase letters, digits and dashes")
        return None
    return value


def _condition(node: yaml.Node | None, p: Problems, what: str) -> Condition | None:
    view = as_mapping(node, p, required=("item", "answer"), what=f"{what}: 'ask_if'")
    if view is None:
        return None
    item = as_text(view.get("item"), p, f"{what}: 'ask_if' item")
    answer_node = view.get("answer")
    answers: set[Answer] = set()
    nodes = (
        [answer_node]
        if isinstance(answer_node, yaml.ScalarNode)
        else as_list(answer_node, p, f"{what}: 'ask_if' answer")
    )
    for child in nodes:
        word = as_word(child, p, f"{what}: 'ask_if' answer", ANSWER_WORDS)
        if word is not None:
            answers.add(Answer(word))
    if isinstance(answer_node, yaml.SequenceNode) and not nodes:
        p.add(answer_node, f"{what}: 'ask_if' answer: give at least one answer")
    if item is None or not answers:
        return None
    return Condition(item=item, answers=frozenset(answers))


def _item(node: yaml.Node, kind: Kind, sources: dict[str, str], p: Problems) -> Item | None:
    line = node.start_mark.line + 1
    view = as_mapping(node, p, ITEM_REQUIRED, ITEM_OPTIONAL, what="item")
    if view is None:
        return None
    raw_id = as_text(view.get("id"), p, "item: 'id'")
    item_id = _check_id(view.get("id"), raw_id, p, "item")
    what = f"item '{item_id or raw_id or '?'}'"
    start = len(p.items)

    if kind is Kind.CHECKLIST:
        for key in SITUATION_ONLY:
            if key in view:
                p.add(view.keys[key], f"{what}: '{key}' is only for situation questions")
        for key in ("where", "do", "safety", "concern_if", "source"):
            if key not in view:
                p.add(node, f"{what}: missing key '{key}'")

    concern_node = view.get("concern_if")
    concern_word = as_word(concern_node, p, f"{what}: 'concern_if'", ["yes", "no"])
    concern = Answer(concern_word) if concern_word else None
    severity = Severity.MEDIUM
    if "severity" in view:
        word = as_word(view.get("severity"), p, f"{what}: 'severity'", SEVERITIES)
        severity = Severity(word) if word else severity
    elif concern is not None:
        p.add(node, f"{what}: missing key 'severity' (needed with 'concern_if')")
    if kind is Kind.SITUATION and concern is not None and "risk" not in view:
        p.add(node, f"{what}: missing key 'risk' (needed with 'concern_if')")

    source_node = view.get("source")
    source_ids = as_text_list(source_node, p, f"{what}: 'source'")
    # point at the unknown id itself, not at the start of the list
    source_nodes = source_node.value if isinstance(source_node, yaml.SequenceNode) else []
    for sid in source_ids:
        if sid not in sources:
            at = next(
                (n for n in source_nodes if isinstance(n, yaml.ScalarNode) and str(n.value) == sid),
                source_node,
            )
            hint = [s for s in sources if s.lower() == sid.lower()]
            extra = f" (did you mean '{hint[0]}'?)" if hint else ""
            p.add(
                at,
                f"{what}: unknown source '{sid}'{extra}; "
                "add it under 'sources' at the top of the file",
            )

    item = Item(
        id=item_id or "",
        question=_localized(view, "question", p, what) or {},
        why=_localized(view, "why", p, what) or {},
        where=_localized(view, "where", p, what),
        do=_localized(view, "do", p, what),
        safety=_localized(view, "safety", p, what),
        detail=_localized(view, "detail", p, what),
        concern_if=concern,
        severity=severity,
        sources=tuple(source_ids),
        ask_if=_condition(view.get("ask_if"), p, what) if "ask_if" in view else None,
        risk=_localized(view, "risk", p, what),
        prioritise=tuple(as_text_list(view.get("prioritise"), p, f"{what}: 'prioritise'")),
        skip_if_no=tuple(as_text_list(view.get("skip_if_no"), p, f"{what}: 'skip_if_no'")),
        line=line,
        marks={
            key: (view.get(key).start_mark.line + 1, view.get(key).start_mark.column + 1)  # type: ignore[union-attr]
            for key in ("ask_if", "prioritise", "skip_if_no")
            if key in view
        },
    )
    return item if len(p.items) == start and item_id else None


def _sources(node: yaml.Node | None, p: Problems) -> dict[str, str]:
    view = as_open_mapping(node, p, what="'sources' (source id: \"title, address\")")
    out: dict[str, str] = {}
    if view is not None:
        for key, value in view.values.items():
            text = as_text(value, p, f"source '{key}'")
            if text is not None:
                out[key] = text
    return out


def parse_checklist(node: yaml.Node | None, p: Problems) -> Checklist | None:
    """Build one checklist from its YAML tree, adding every problem found to `p`."""
    if node is None:
        if not p.items:
            p.add(None, "the file is empty")
        return None
    view = as_mapping(node, p, FILE_REQUIRED, FILE_OPTIONAL, what="checklist")
    if view is None:
        return None
    start = len(p.items)
    checklist_id = _check_id(view.get("id"), _text(view, "id", p, "checklist"), p, "checklist")
    kind = Kind.CHECKLIST
    if "kind" in view:
        word = as_word(view.get("kind"), p, "checklist: 'kind'", [k.value for k in Kind])
        kind = Kind(word) if word else kind
    version = _text(view, "version", p, "checklist")
    title = _localized(view, "title", p, "checklist")
    intro = _localized(view, "intro", p, "checklist")
    order = as_int(view.get("order"), p, "checklist: 'order'") if "order" in view else 100
    sources = _sources(view.get("sources"), p)

    items: list[Item] = []
    seen: dict[str, int] = {}
    item_nodes = as_list(view.get("items"), p, "checklist: 'items'")
    if isinstance(view.get("items"), yaml.SequenceNode) and not item_nodes:
        p.add(view.get("items"), "checklist: 'items' is empty")
    for item_node in item_nodes:
        item = _item(item_node, kind, sources, p)
        if item is None:
            continue
        if item.id in seen:
            p.add(item_node, f"item '{item.id}': duplicate item id (first on line {seen[item.id]})")
            continue
        seen[item.id] = item.line
        items.append(item)
    if len(p.items) > start or not checklist_id or not version or not title:
        return None
    return Checklist(
        id=checklist_id,
        kind=kind,
        version=version,
        title=title,
        intro=intro,
        order=order if order is not None else 100,
        items=tuple(items),
        sources=sources,
        path=p.path,
    )


def load_checklist_file(
    path: Path, display: str | None = None
) -> tuple[Checklist | None, list[Problem]]:
    problems = Problems(display or str(path))
    checklist = parse_checklist(compose_file(path, problems), problems)
    return checklist, problems.items


def _cross_check(checklists: list[Checklist]) -> list[Problem]:
    """Problems that span files: duplicate ids, references to unknown items or checklists."""
    problems: list[Problem] = []
    checklist_ids: dict[str, Checklist] = {}
    item_ids: dict[str, tuple[Checklist, Item]] = {}
    situations = [c for c in checklists if c.kind is Kind.SITUATION]
    for checklist in checklists:
        if checklist.id in checklist_ids:
            other = checklist_ids[checklist.id].path
            problems.append(
                Problem(
                    checklist.path, 1, 1, f"checklist id '{checklist.id}' is also used by {other}"
                )
            )
        checklist_ids[checklist.id] = checklist
        for item in checklist.items:
            if item.id in item_ids:
                other_cl, other_item = item_ids[item.id]
                problems.append(
                    Problem(
                        checklist.path,
                        item.line,
                        1,
                        f"item '{item.id}': the same id is used in "
                        f"{other_cl.path}:{other_item.line}",
                    )
                )
            else:
                item_ids[item.id] = (checklist, item)
    if len(situations) > 1:
        for extra in situations[1:]:
            problems.append(
                Problem(
                    extra.path, 1, 1, f"only one situation file is allowed ({situations[0].path})"
                )
            )
    checklist_names = sorted(c.id for c in checklists if c.kind is Kind.CHECKLIST)
    for checklist in checklists:
        for item in checklist.items:
            for key, refs in (("prioritise", item.prioritise), ("skip_if_no", item.skip_if_no)):
                line, col = item.marks.get(key, (item.line, 1))
                for ref in refs:
                    if ref not in checklist_names:
                        hint = did_you_mean(ref, checklist_names)
                        problems.append(
                            Problem(
                                checklist.path,
                                line,
                                col,
                                f"item '{item.id}': unknown checklist '{ref}'{hint}",
                            )
                        )
            if item.ask_if is not None:
                ref = item.ask_if.item
                target = item_ids.get(ref)
                line, col = item.marks.get("ask_if", (item.line, 1))
                if target is None:
                    hint = did_you_mean(ref, sorted(item_ids))
                    problems.append(
                        Problem(
                            checklist.path,
                            line,
                            col,
                            f"item '{item.id}': 'ask_if' names unknown item '{ref}'{hint}",
                        )
                    )
                elif target[0] is checklist and target[1].line >= item.line:
                    problems.append(
                        Problem(
                            checklist.path,
                            line,
                            col,
                            f"item '{item.id}': 'ask_if' must name an item "
                            f"asked before it, not '{ref}'",
                        )
                    )
                elif target[0] is not checklist and target[0].kind is not Kind.SITUATION:
                    problems.append(
                        Problem(
                            checklist.path,
                            line,
                            col,
                            f"item '{item.id}': 'ask_if' may name an item of "
                            f"this checklist or a situation question, not '{ref}'",
                        )
                    )
    return problems


def validate(paths: Iterable[Path]) -> tuple[list[Checklist], list[Problem]]:
    """Load every file and cross-check them; return the good checklists and all problems."""
    given = list(paths)
    files = checklist_files(given)
    checklists: list[Checklist] = []
    problems: list[Problem] = []
    for path in files:
        checklist, found = load_checklist_file(path)
        problems.extend(found)
        if checklist is not None:
            checklists.append(checklist)
    if not files:
        where = str(given[0]) if len(given) == 1 else "."  # name the folder that was given
        problems.append(Problem(where, 1, 1, "no checklist files (*.yaml) found"))
    problems.extend(_cross_check(checklists))
    return checklists, problems


def load_checklists(paths: Iterable[Path] | None = None) -> ChecklistSet:
    """The checklists to walk, or DataError listing every problem."""
    checklists, problems = validate(paths if paths is not None else [packaged_checklist_dir()])
    if problems:
        raise DataError(problems)
    situation = next((c for c in checklists if c.kind is Kind.SITUATION), None)
    ordered = sorted(
        (c for c in checklists if c.kind is Kind.CHECKLIST), key=lambda c: (c.order, c.id)
    )
    return ChecklistSet(situation=situation, checklists=tuple(ordered))

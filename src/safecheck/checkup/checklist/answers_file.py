"""Answers for a scripted checkup (`--answers FILE`): item id -> answer key, or {answer, note}."""

from __future__ import annotations

from pathlib import Path

import yaml

from safecheck.checkup.checklist.model import ANSWER_KEYS, ChecklistSet
from safecheck.checkup.checklist.runner import Response, Step
from safecheck.core.errors import DataError
from safecheck.core.model import Answer
from safecheck.core.yamlio import (
    MappingView,
    Problems,
    as_mapping,
    as_open_mapping,
    as_text,
    compose_file,
    did_you_mean,
)

# Every spelling accepted in a file: the prompt keys, the words, and French words.
ANSWER_SPELLINGS: dict[str, Answer] = {
    **ANSWER_KEYS,
    **{a.value: a for a in Answer},
    "not-sure": Answer.UNSURE,
    "not sure": Answer.UNSURE,
    "can't find": Answer.CANT_FIND,
    "cant find": Answer.CANT_FIND,
    "oui": Answer.YES,
    "o": Answer.YES,
    "non": Answer.NO,
    "true": Answer.YES,  # YAML 1.1 readers turn yes/no into booleans; accept what they meant
    "false": Answer.NO,
}


def parse_answer(text: str) -> Answer | None:
    return ANSWER_SPELLINGS.get(text.strip().lower())


def load_answers_file(path: Path, checklists: ChecklistSet) -> dict[str, Response]:
    """Read and check an answers file; every mistake is reported as file:line:col."""
    problems = Problems(str(path))
    root = compose_file(path, problems)
    if root is None and not problems.items:
        problems.add(None, "the answers file is empty")
    known = sorted(i.id for c in checklists.all for i in c.items)
    out: dict[str, Response] = {}
    if root is not None:
        view = as_open_mapping(root, problems, what="answers")
        if view is not None:
            for item_id, node in view.values.items():
                response = _response(item_id, node, view, problems)
                if item_id not in known:
                    problems.add(
                        view.keys[item_id],
                        f"unknown item '{item_id}'{did_you_mean(item_id, known)}",
                    )
                elif response is not None:
                    out[item_id] = response
    if problems.items:
        raise DataError(problems.items)
    return out


def _response(
    item_id: str, node: yaml.Node, view: MappingView, problems: Problems
) -> Response | None:
    note: str | None = None
    answer_node: yaml.Node | None = node
    if isinstance(node, yaml.MappingNode):
        inner = as_mapping(
            node,
            problems,
            required=("answer",),
            optional=("note",),
            what=f"answers for '{item_id}'",
        )
        if inner is None:
            return None
        answer_node = inner.get("answer")
        note = (
            as_text(inner.get("note"), problems, f"note for '{item_id}'")
            if ("note" in inner)
            else None
        )
    if not isinstance(answer_node, yaml.ScalarNode):
        problems.add(
            answer_node or view.keys[item_id], f"'{item_id}': expected an answer (y, n, ?, c or s)"
        )
        return None
    answer = parse_answer(str(answer_node.value))
    if answer is None:
        problems.add(
            answer_node,
            f"'{item_id}': unknown answer '{answer_node.value}'; "
            'use y, n, "?", c or s (yes, no, unsure, cant-find, skip)',
        )
        return None
    return Response(answer=answer, note=note)


class ScriptedAsker:
    """Answers from a file; an item the file does not mention counts as skipped."""

    def __init__(self, responses: dict[str, Response]) -> None:
        self.responses = responses

    def ask(self, step: Step) -> Response:
        return self.responses.get(step.item.id, Response(answer=Answer.SKIP))

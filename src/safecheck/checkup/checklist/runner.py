"""Walk the situation questions and the checklists one item at a time, through an Asker.

The runner knows nothing of terminals: an Asker (the terminal prompt, an answers file, a test)
gives each answer or asks to go back. The order of checklists depends on earlier answers, so the
plan is worked out again after every answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from safecheck.checkup.checklist.model import Checklist, ChecklistSet, Item
from safecheck.checkup.checklist.outcomes import is_concern_or_unsure
from safecheck.core.model import Answer


@dataclass(frozen=True)
class AnswerRecord:
    item_id: str
    checklist_id: str
    answer: Answer
    note: str | None = None


@dataclass(frozen=True)
class Step:
    """What the Asker needs to show one question."""

    checklist: Checklist
    item: Item
    number: int  # 1-based, in the whole walk
    total: int  # questions in the walk as planned now
    number_in_checklist: int
    total_in_checklist: int
    previous: AnswerRecord | None  # the answer given before, when the person came back
    # Questions left from this one on, counting follow-ups whose condition is not answered
    # yet: an upper bound, so the time estimate only shrinks as answers prune the plan.
    remaining: int = 1

    @property
    def first_of_checklist(self) -> bool:
        return self.number_in_checklist == 1


@dataclass(frozen=True)
class Response:
    answer: Answer | None = None
    note: str | None = None
    back: bool = False


BACK = Response(back=True)


class Asker(Protocol):
    def ask(self, step: Step) -> Response: ...


@dataclass(frozen=True)
class Plan:
    checklists: tuple[Checklist, ...]  # in the order they will be walked
    skipped: Mapping[str, str]  # checklist id -> id of the situation item that ruled it out
    steps: tuple[tuple[Checklist, Item], ...]


def _askable(item: Item, answers: Mapping[str, AnswerRecord]) -> bool:
    if item.ask_if is None:
        return True
    record = answers.get(item.ask_if.item)
    return record is not None and record.answer in item.ask_if.answers


def make_plan(checklists: ChecklistSet, answers: Mapping[str, AnswerRecord]) -> Plan:
    """Which checklists to walk, in which order, given the answers so far."""
    skipped: dict[str, str] = {}
    score: dict[str, int] = {}
    situation = checklists.situation
    if situation is not None:
        for item in situation.items:
            record = answers.get(item.id)
            if record is None:
                continue
            if record.answer is Answer.NO:
                for checklist_id in item.skip_if_no:
                    skipped.setdefault(checklist_id, item.id)
            if is_concern_or_unsure(item, record.answer):
                for checklist_id in item.prioritise:
                    score[checklist_id] = score.get(checklist_id, 0) + 1
    chosen = [c for c in checklists.checklists if c.id not in skipped]
    chosen.sort(key=lambda c: (-score.get(c.id, 0), c.order, c.id))
    steps: list[tuple[Checklist, Item]] = []
    for checklist in ((situation,) if situation else ()) + tuple(chosen):
        steps.extend((checklist, item) for item in checklist.items if _askable(item, answers))
    return Plan(checklists=tuple(chosen), skipped=skipped, steps=tuple(steps))


def _may_be_asked(item: Item, answers: Mapping[str, AnswerRecord]) -> bool:
    """Asked now, or perhaps later: its condition has not been answered yet."""
    return item.ask_if is None or item.ask_if.item not in answers or _askable(item, answers)


def _possible_steps(
    checklists: ChecklistSet, plan: Plan, answers: Mapping[str, AnswerRecord]
) -> list[tuple[Checklist, Item]]:
    """The plan's checklists with every item that may still be asked, in the plan's order."""
    situation = checklists.situation
    walked = ((situation,) if situation else ()) + plan.checklists
    return [(c, i) for c in walked for i in c.items if _may_be_asked(i, answers)]


def _step(
    checklists: ChecklistSet, plan: Plan, position: int, answers: Mapping[str, AnswerRecord]
) -> Step:
    checklist, item = plan.steps[position]
    possible = _possible_steps(checklists, plan, answers)
    same = [i for c, i in possible if c is checklist]
    return Step(
        checklist=checklist,
        item=item,
        number=position + 1,
        total=len(plan.steps),
        number_in_checklist=same.index(item) + 1,
        total_in_checklist=len(same),
        previous=answers.get(item.id),
        remaining=len(possible) - possible.index((checklist, item)),
    )


def run_checklists(
    checklists: ChecklistSet,
    asker: Asker,
    initial: Mapping[str, AnswerRecord] | None = None,
) -> dict[str, AnswerRecord]:
    """Ask every planned item in turn; `back` steps to the previous one.

    Returns the answers to the items of the final plan, in the order they were asked.
    """
    answers: dict[str, AnswerRecord] = dict(initial or {})
    position = 0
    while True:
        plan = make_plan(checklists, answers)
        if position >= len(plan.steps):
            break
        step = _step(checklists, plan, position, answers)
        response = asker.ask(step)
        if response.back:
            position = max(0, position - 1)
            continue
        if response.answer is None:
            continue  # nothing chosen: ask again
        answers[step.item.id] = AnswerRecord(
            item_id=step.item.id,
            checklist_id=step.checklist.id,
            answer=response.answer,
            note=response.note,
        )
        position += 1
    final = make_plan(checklists, answers)
    return {item.id: answers[item.id] for _, item in final.steps if item.id in answers}

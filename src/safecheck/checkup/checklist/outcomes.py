"""What each answer means: act on now, review with an advocate, done, or not checked."""

from __future__ import annotations

from safecheck.checkup.checklist.model import Item
from safecheck.core.model import Answer, Outcome


def outcome(item: Item, answer: Answer) -> Outcome:
    if answer is Answer.SKIP:
        return Outcome.NOT_CHECKED
    if answer in (Answer.UNSURE, Answer.CANT_FIND):
        return Outcome.REVIEW
    if item.concern_if is not None and answer is item.concern_if:
        return Outcome.ACT
    return Outcome.DONE


def is_concern_or_unsure(item: Item, answer: Answer) -> bool:
    """For situation questions: a "not sure" counts as a possible risk, never as a no."""
    return outcome(item, answer) in (Outcome.ACT, Outcome.REVIEW) and (item.concern_if is not None)

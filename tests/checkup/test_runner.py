"""The runner: order of questions, back, conditional items, skipped checklists."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from safecheck.checkup.checklist.model import ChecklistSet
from safecheck.checkup.checklist.runner import BACK, Response, Step, make_plan, run_checklists
from safecheck.core.model import Answer


class ListAsker:
    """Replays a list of responses and records the items it was asked."""

    def __init__(self, responses: list[Response]) -> None:
        self._responses: Iterator[Response] = iter(responses)
        self.asked: list[str] = []
        self.steps: list[Step] = []

    def ask(self, step: Step) -> Response:
        self.asked.append(step.item.id)
        self.steps.append(step)
        return next(self._responses)


def r(answer: Answer, note: str | None = None) -> Response:
    return Response(answer=answer, note=note)


Y, N, U, C, S = Answer.YES, Answer.NO, Answer.UNSURE, Answer.CANT_FIND, Answer.SKIP


def test_walks_situation_then_checklists_in_order(mini: ChecklistSet) -> None:
    asker = ListAsker([r(Y), r(N), r(N), r(Y), r(N)])
    answers = run_checklists(mini, asker)
    assert asker.asked == [
        "s-android",
        "s-passwords",
        "phone-unknown-app",
        "phone-protect",
        "acct-forwarding",
    ]
    assert answers["phone-protect"].answer is Y
    assert list(answers) == asker.asked


def test_concern_in_situation_moves_checklist_first(mini: ChecklistSet) -> None:
    asker = ListAsker([r(Y), r(Y), r(N), r(N), r(Y)])
    run_checklists(mini, asker)
    assert asker.asked[2] == "acct-forwarding"


def test_unsure_in_situation_also_prioritises(mini: ChecklistSet) -> None:
    asker = ListAsker([r(Y), r(U), r(N), r(N), r(Y)])
    run_checklists(mini, asker)
    assert asker.asked[2] == "acct-forwarding"


def test_no_skips_the_checklist_it_names(mini: ChecklistSet) -> None:
    asker = ListAsker([r(N), r(N), r(N)])
    answers = run_checklists(mini, asker)
    assert asker.asked == ["s-android", "s-passwords", "acct-forwarding"]
    plan = make_plan(mini, answers)
    assert plan.skipped == {"phone": "s-android"}


def test_follow_up_asked_only_after_matching_answer(mini: ChecklistSet) -> None:
    asker = ListAsker([r(Y), r(N), r(U), r(Y), r(Y), r(N)])
    run_checklists(mini, asker)
    assert asker.asked[2:4] == ["phone-unknown-app", "phone-unknown-app-name"]


def test_back_returns_to_previous_and_shows_earlier_answer(mini: ChecklistSet) -> None:
    asker = ListAsker([r(Y), BACK, r(N), r(Y), r(N), r(Y), r(N)])
    answers = run_checklists(mini, asker)
    assert asker.asked[:4] == ["s-android", "s-passwords", "s-android", "s-passwords"]
    assert asker.steps[2].previous is not None
    assert asker.steps[2].previous.answer is Y
    assert answers["s-android"].answer is N
    # Changing the answer to "no" left the phone checklist out, and its answers with it.
    assert not any(k.startswith("phone-") for k in answers)


def test_back_on_first_question_stays(mini: ChecklistSet) -> None:
    asker = ListAsker([BACK, r(N), r(N), r(N)])
    run_checklists(mini, asker)
    assert asker.asked[:2] == ["s-android", "s-android"]


def test_changing_an_answer_drops_orphaned_follow_up(mini: ChecklistSet) -> None:
    # unknown app: yes -> follow-up asked; then back twice and change to no.
    asker = ListAsker([r(Y), r(N), r(Y), r(N), BACK, BACK, r(N), r(N), r(N)])
    answers = run_checklists(mini, asker)
    assert "phone-unknown-app-name" not in answers
    assert answers["phone-unknown-app"].answer is N


def test_progress_numbers(mini: ChecklistSet) -> None:
    asker = ListAsker([r(Y), r(N), r(N), r(N), r(N)])
    run_checklists(mini, asker)
    first_phone = asker.steps[2]
    assert first_phone.first_of_checklist
    assert (first_phone.number, first_phone.total) == (3, 5)
    # The follow-up counts until the answer it depends on rules it out.
    assert (first_phone.number_in_checklist, first_phone.total_in_checklist) == (1, 3)
    second_phone = asker.steps[3]
    assert (second_phone.number_in_checklist, second_phone.total_in_checklist) == (2, 2)


def test_remaining_questions_only_shrink_as_answers_prune_the_plan(mini: ChecklistSet) -> None:
    # "no" to Android leaves the phone checklist out; "yes" to the app adds no question
    # that was not already counted.
    for responses in (
        [r(N), r(N), r(N)],
        [r(Y), r(Y), r(Y), r(Y), r(N), r(N)],
        [r(Y), r(N), r(N), r(N), r(N)],
    ):
        asker = ListAsker(responses)
        run_checklists(mini, asker)
        remaining = [step.remaining for step in asker.steps]
        assert remaining[0] == 6  # every item of every checklist, before any answer
        assert remaining[-1] == 1
        assert all(a > b for a, b in pairwise(remaining)), remaining


def test_sections_keep_their_numbers_when_the_plan_is_pruned(mini: ChecklistSet) -> None:
    asker = ListAsker([r(N), r(N), r(N)])
    run_checklists(mini, asker)
    shown = [(s.checklist.id, s.number_in_checklist, s.total_in_checklist) for s in asker.steps]
    assert shown == [("situation", 1, 2), ("situation", 2, 2), ("accounts", 1, 1)]


def test_notes_are_kept(mini: ChecklistSet) -> None:
    asker = ListAsker([r(N), r(N, "client unsure about dates"), r(S)])
    answers = run_checklists(mini, asker)
    assert answers["s-passwords"].note == "client unsure about dates"

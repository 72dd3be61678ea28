"""Answers files for scripted checkups."""

from __future__ import annotations

from pathlib import Path

import pytest

from safecheck.checkup.checklist.answers_file import load_answers_file, parse_answer
from safecheck.checkup.checklist.model import ChecklistSet
from safecheck.core.errors import DataError
from safecheck.core.model import Answer


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_all_spellings(mini: ChecklistSet, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        's-android: yes\ns-passwords: "?"\nphone-protect: n\n'
        "acct-forwarding: {answer: c, note: the advocate looked}\nphone-unknown-app: skip\n",
    )
    got = load_answers_file(path, mini)
    assert got["s-android"].answer is Answer.YES
    assert got["s-passwords"].answer is Answer.UNSURE
    assert got["phone-protect"].answer is Answer.NO
    assert got["acct-forwarding"].answer is Answer.CANT_FIND
    assert got["acct-forwarding"].note == "the advocate looked"
    assert got["phone-unknown-app"].answer is Answer.SKIP


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("s-androd: y\n", ":1:1:", "did you mean 's-android'"),
        ("s-android: maybe\n", ":1:12:", "unknown answer 'maybe'"),
        ("s-android: y\ns-android: n\n", ":2:1:", "duplicate key"),
        ("s-android: [y]\n", ":1:12:", "expected an answer"),
        ("- y\n", ":1:1:", "expected a mapping"),
        ("s-android: {answer: y, nota: x}\n", ":1:24:", "did you mean 'note'"),
        ("s-android: 'y\n", ":", "YAML syntax error"),
        ("", ":1:1:", "empty"),
    ],
)
def test_mistakes(mini: ChecklistSet, tmp_path: Path, text: str, where: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(DataError) as caught:
        load_answers_file(path, mini)
    first = str(caught.value.problems[0])
    assert first.startswith(str(path) + where), first
    assert message in first


def test_unreadable_file(mini: ChecklistSet, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot read"):
        load_answers_file(tmp_path / "missing.yaml", mini)


def test_parse_answer() -> None:
    assert parse_answer(" Oui ") is Answer.YES
    assert parse_answer("not sure") is Answer.UNSURE
    assert parse_answer("perhaps") is None

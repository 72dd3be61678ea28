"""The checklist validator: every mistake an advocate can make is reported as file:line:col.

Each fixture in tests/fixtures/checklists/bad/ holds one kind of mistake; the expected problems
below give the exact line and column and the part of the message that tells how to fix it.
docs/checklist-format.md shows the same messages, so keep the two in step.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paths import REPO, TESTS
from safecheck.checkup.checklist.loader import load_checklists, parse_checklist, validate
from safecheck.checkup.checklist.model import Checklist, Condition, Kind
from safecheck.core.errors import DataError, Problem
from safecheck.core.model import Answer, Severity
from safecheck.core.yamlio import Problems, compose_text

FIXTURES = TESTS / "fixtures" / "checklists"
GOOD_DIR = FIXTURES / "good"
GOOD = GOOD_DIR / "android.yaml"
BAD = FIXTURES / "bad"

LINE_FORMAT = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<message>\S.*)$")

# fixture -> [(line, column, the key part of the message)], in the order they are reported
EXPECTED: dict[str, list[tuple[int, int, str]]] = {
    # libyaml says "... in this context", PyYAML "... here": check the common part
    "syntax.yaml": [(18, 23, "YAML syntax error: mapping values are not allowed")],
    "unknown_key.yaml": [
        (11, 5, "unknown key 'quesiton' in item (did you mean 'question'?)"),
        (10, 5, "missing key 'question' in item"),
    ],
    "duplicate_key.yaml": [
        (13, 7, "duplicate key 'en' in item 'android-play-protect': 'question' (first on line 12)"),
        (12, 7, "missing key 'fr' in item 'android-play-protect': 'question'"),
    ],
    "boolean_text.yaml": [
        (27, 11, "'detail' (en): 'no' is read as true/false by YAML; put the text in quotes"),
        (28, 11, "'detail' (fr): 'yes' is read as true/false by YAML; put the text in quotes"),
    ],
    "missing_language.yaml": [(21, 7, "missing key 'fr' in item 'android-play-protect': 'do'")],
    "unknown_item_ref.yaml": [
        (
            49,
            7,
            "item 'android-harmful-app': 'ask_if' names unknown item 'android-play-protec' "
            "(did you mean 'android-play-protect'?)",
        )
    ],
    "unknown_severity.yaml": [
        (
            27,
            15,
            "item 'android-play-protect': 'severity': unknown value 'critcal'; "
            "expected one of info, low, medium, high",
        )
    ],
    "unknown_source.yaml": [
        (
            31,
            9,
            "item 'android-play-protect': unknown source 'a2' (did you mean 'A2'?); "
            "add it under 'sources' at the top of the file",
        )
    ],
    "duplicate_item_id.yaml": [
        (29, 5, "item 'android-play-protect': duplicate item id (first on line 10)")
    ],
    "unknown_checklist_ref.yaml": [
        (24, 17, "item 'sit-phone-access': unknown checklist 'andriod'")
    ],
    "empty.yaml": [(1, 1, "the file is empty")],
    "situation_key_in_checklist.yaml": [
        (29, 5, "item 'android-play-protect': 'prioritise' is only for situation questions")
    ],
    "ask_if_later_item.yaml": [
        (
            30,
            7,
            "item 'android-play-protect': 'ask_if' must name an item asked before it, "
            "not 'android-harmful-app'",
        )
    ],
    "several_mistakes.yaml": [
        (4, 1, "unknown key 'titel' in checklist (did you mean 'title'?)"),
        (2, 1, "missing key 'title' in checklist"),
        (2, 5, "checklist: id 'Android' must be lowercase letters, digits and dashes"),
        (26, 15, "item 'android-play-protect': 'severity': unknown value 'critcal'"),
        (27, 18, "item 'android-play-protect': unknown source 'B2'; add it under 'sources'"),
        (12, 7, "missing key 'fr' in item 'android-play-protect': 'question'"),
        (24, 11, "'safety' (fr): 'off' is read as true/false by YAML; put the text in quotes"),
        (28, 5, "item 'android-harmful-app': missing key 'where'"),
        (28, 5, "item 'android-harmful-app': missing key 'do'"),
        (28, 5, "item 'android-harmful-app': missing key 'safety'"),
        (28, 5, "item 'android-harmful-app': missing key 'source'"),
        (28, 5, "item 'android-harmful-app': missing key 'severity' (needed with 'concern_if')"),
    ],
}


def assert_problems(
    problems: list[Problem], path: Path, expected: list[tuple[int, int, str]]
) -> None:
    found = [(p.line, p.column, p.message) for p in problems]
    assert len(found) == len(expected), "\n".join(str(p) for p in problems)
    for (line, col, message), (want_line, want_col, want) in zip(found, expected, strict=True):
        assert (line, col) == (want_line, want_col), message
        assert want in message
    assert {p.path for p in problems} == {str(path)}


def test_every_bad_fixture_is_tested() -> None:
    assert sorted(p.name for p in BAD.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_fixture_reports_exact_problems(name: str) -> None:
    path = BAD / name
    checklists, problems = validate([path])
    assert_problems(problems, path, EXPECTED[name])
    if name not in (
        "unknown_item_ref.yaml",
        "ask_if_later_item.yaml",
        "unknown_checklist_ref.yaml",
    ):
        # mistakes found inside one file drop that file; only cross-file checks keep it
        assert checklists == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_problems_print_as_one_line_each(name: str) -> None:
    _, problems = validate([BAD / name])
    for problem in problems:
        match = LINE_FORMAT.match(str(problem))
        assert match is not None, str(problem)
        assert "\n" not in str(problem)
        assert match["path"] == str(BAD / name)


def test_unknown_checklist_ref_suggests_the_checklist_it_meant() -> None:
    path = BAD / "unknown_checklist_ref.yaml"
    checklists, problems = validate([GOOD, path])
    assert [c.id for c in checklists] == ["android", "situation"]
    assert [str(p) for p in problems] == [
        f"{path}:24:17: item 'sit-phone-access': unknown checklist 'andriod' "
        "(did you mean 'android'?)"
    ]


def test_several_mistakes_are_all_reported() -> None:
    _, problems = validate([BAD / "several_mistakes.yaml"])
    assert len(problems) == 12
    lines = {p.line for p in problems}
    # the file's id and title, both items, a language, a yes/no word, a severity, a source
    assert lines >= {2, 4, 12, 24, 26, 27, 28}


def test_a_folder_of_files_reports_the_problems_of_every_file() -> None:
    _, together = validate([BAD])
    for name in EXPECTED:
        _, alone = validate([BAD / name])
        per_file = [
            p for p in alone if "ask_if" not in p.message and "checklist '" not in p.message
        ]
        assert set(per_file) <= set(together), name


def test_not_utf8_file_points_at_the_first_bad_byte(tmp_path: Path) -> None:
    # French text saved by an editor in Windows-1252 instead of UTF-8
    text = GOOD.read_text(encoding="utf-8")
    path = tmp_path / "not_utf8.yaml"
    path.write_bytes(text.encode("cp1252"))
    checklists, problems = validate([path])
    assert checklists == []
    byte = text.index("é")  # everything before it is ASCII: one byte per character
    assert [str(p) for p in problems] == [f"{path}:7:8: the file is not UTF-8 text (byte {byte})"]


def test_control_character_points_at_it(tmp_path: Path) -> None:
    text = GOOD.read_text(encoding="utf-8").replace("Android phone", "Android\x01phone")
    path = tmp_path / "control.yaml"
    path.write_text(text, encoding="utf-8")
    _, problems = validate([path])
    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == (6, 14)
    assert "control characters are not allowed" in problems[0].message
    assert "\n" not in problems[0].message


def test_comment_only_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "comment.yaml"
    path.write_text("# nothing here yet\n", encoding="utf-8")
    _, problems = validate([path])
    assert [str(p) for p in problems] == [f"{path}:1:1: the file is empty"]


def test_good_fixture_loads_without_problems() -> None:
    checklists, problems = validate([GOOD_DIR])
    assert problems == []
    assert len(checklists) == 1
    checklist = checklists[0]
    assert isinstance(checklist, Checklist)
    assert checklist.id == "android"
    assert checklist.kind is Kind.CHECKLIST
    assert checklist.version == "2026.11"
    assert checklist.order == 10
    assert checklist.title == {"en": "Android phone", "fr": "Téléphone Android"}
    assert checklist.intro is not None
    assert checklist.intro["fr"].startswith("Des vérifications")
    assert set(checklist.sources) == {"A1", "N4"}
    assert checklist.sources["A1"].endswith("https://support.google.com/googleplay/answer/2812853")
    assert checklist.path == str(GOOD)

    first, second = checklist.items
    assert first.id == "android-play-protect"
    assert first.question == {
        "en": "Is Play Protect turned on?",
        "fr": "Play Protect est-il activé ?",
    }
    assert first.concern_if is Answer.NO
    assert first.severity is Severity.HIGH
    assert first.sources == ("A1",)
    assert first.ask_if is None
    assert first.detail is None
    assert first.where is not None
    # a `|` block keeps its line breaks; the last one is trimmed
    assert first.where["en"] == (
        "Usually here: Play Store > your profile picture > Play Protect.\n"
        "On some phones: Settings > Security > Google Play Protect."
    )
    assert first.safety is not None
    assert "\n" not in first.safety["en"]  # a `>-` block is folded into one paragraph
    assert first.line == 15

    assert second.id == "android-play-protect-found"
    assert second.question["fr"] == "Play Protect a-t-il trouvé une application dangereuse ?"
    assert second.concern_if is Answer.YES
    assert second.severity is Severity.HIGH
    assert second.sources == ("A1", "N4")
    assert second.detail is not None
    assert second.ask_if == Condition(
        item="android-play-protect", answers=frozenset({Answer.YES, Answer.UNSURE})
    )
    assert checklist.source_texts(second) == [checklist.sources["A1"], checklist.sources["N4"]]


def test_load_checklists_returns_the_good_fixture() -> None:
    loaded = load_checklists([GOOD_DIR])
    assert loaded.situation is None
    assert [c.id for c in loaded.checklists] == ["android"]
    found = loaded.item("android-play-protect-found")
    assert found is not None
    assert found[0].id == "android"


def test_load_checklists_raises_data_error_with_every_problem() -> None:
    path = BAD / "several_mistakes.yaml"
    with pytest.raises(DataError) as caught:
        load_checklists([path])
    lines = str(caught.value).splitlines()
    assert len(lines) == len(EXPECTED["several_mistakes.yaml"])
    for line in lines:
        match = LINE_FORMAT.match(line)
        assert match is not None, line
        assert match["path"] == str(path)
    # sorted by line then column, as the person reads the file
    positions = [(int(m["line"]), int(m["col"])) for m in map(LINE_FORMAT.match, lines) if m]
    assert positions == sorted(positions)
    assert f"{path}:4:1: unknown key 'titel' in checklist (did you mean 'title'?)" in lines


def test_folder_without_yaml_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a checklist\n", encoding="utf-8")
    checklists, problems = validate([tmp_path])
    assert checklists == []
    assert [str(p) for p in problems] == [f"{tmp_path}:1:1: no checklist files (*.yaml) found"]
    with pytest.raises(DataError, match=r":1:1: no checklist files"):
        load_checklists([tmp_path])


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    _, problems = validate([path])
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"{path}:1:1: cannot read the file")


# Regressions of mistakes the validator once let through or misplaced.

HEADER = 'id: situation\nkind: situation\nversion: "2026.11"\ntitle: {en: A, fr: B}\n'


def problems_in(text: str) -> list[str]:
    problems = Problems("f.yaml")
    parse_checklist(compose_text(text, problems), problems)
    return [str(p) for p in problems.items]


def test_ask_if_with_no_answers_is_reported() -> None:
    text = HEADER + (
        "items:\n"
        "  - id: sit-a\n"
        "    question: {en: A?, fr: A ?}\n"
        "    why: {en: A, fr: A}\n"
        "  - id: sit-b\n"
        "    question: {en: B?, fr: B ?}\n"
        "    why: {en: B, fr: B}\n"
        "    ask_if: {item: sit-a, answer: []}\n"
    )
    assert problems_in(text) == [
        "f.yaml:12:35: item 'sit-b': 'ask_if' answer: give at least one answer"
    ]


def test_id_with_a_line_break_is_refused() -> None:
    text = 'id: "situation\\n"\nkind: situation\nversion: "1"\ntitle: {en: A, fr: B}\n'
    text += "items:\n  - id: sit-a\n    question: {en: A?, fr: A ?}\n    why: {en: A, fr: A}\n"
    assert problems_in(text) == [
        "f.yaml:1:5: checklist: id 'situation\\n' must be lowercase letters, digits and dashes"
    ]


def test_items_that_are_not_a_list_are_reported_once() -> None:
    assert problems_in(HEADER + "items:\n") == [
        "f.yaml:5:7: checklist: 'items': expected a list (lines starting with '- ')"
    ]
    assert problems_in(HEADER + "items: []\n") == ["f.yaml:5:8: checklist: 'items' is empty"]


# Property tests: whatever the text, the validator returns problems and never raises.


def check_never_raises(text: str) -> None:
    problems = Problems("f.yaml")
    checklist = parse_checklist(compose_text(text, problems), problems)
    if checklist is None:
        assert problems.items, "a file that does not load must say why"
    # YAML breaks lines on \r\n, \r, \n, NEL and the Unicode line and paragraph separators.
    line_count = len(re.split("\r\n|[\r\n\x85\u2028\u2029]", text))
    for problem in problems.items:
        assert problem.path == "f.yaml"
        assert 1 <= problem.line <= line_count + 1
        assert problem.column >= 1
        assert problem.message.strip()
        assert "\n" not in problem.message


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    check_never_raises(text)


YAMLISH = st.text(
    alphabet=st.sampled_from(list(" :-[]{}#&*!|>'\"?,%@`\t\nabyesnoé0\x01")), max_size=6
)
MUTATION = st.tuples(
    st.sampled_from(
        [
            "delete-line",
            "duplicate-line",
            "swap-lines",
            "indent",
            "dedent",
            "delete-char",
            "insert",
            "replace-line",
        ]
    ),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
    YAMLISH,
)


def mutate(text: str, mutations: list[tuple[str, int, int, str]]) -> str:
    for kind, a, b, extra in mutations:
        lines = text.split("\n")
        i, j = a % len(lines), b % len(lines)
        if kind == "delete-line":
            del lines[i]
        elif kind == "duplicate-line":
            lines.insert(i, lines[i])
        elif kind == "swap-lines":
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "indent":
            lines[i] = "  " + lines[i]
        elif kind == "dedent":
            lines[i] = lines[i][2:] if lines[i].startswith("  ") else lines[i].lstrip()
        elif kind == "replace-line":
            lines[i] = extra
        text = "\n".join(lines)
        if kind == "delete-char" and text:
            text = text[: a % len(text)] + text[a % len(text) + 1 :]
        elif kind == "insert":
            pos = a % (len(text) + 1)
            text = text[:pos] + extra + text[pos:]
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MUTATION, min_size=1, max_size=4))
def test_mutated_good_fixture_never_raises(mutations: list[tuple[str, int, int, str]]) -> None:
    check_never_raises(mutate(GOOD.read_text(encoding="utf-8"), mutations))


def test_good_fixture_is_plain_yaml() -> None:
    # the fixture is also shown in the docs: it must read the same with any YAML tool
    data = yaml.safe_load(GOOD.read_text(encoding="utf-8"))
    assert data["items"][0]["concern_if"] is False  # why the validator reads words, not booleans


# docs/checklist-format.md shows the good fixture and the real output for every bad one.

DOC = REPO / "docs" / "checklist-format.md"


def test_doc_shows_the_good_fixture() -> None:
    assert GOOD.read_text(encoding="utf-8") in DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - {"syntax.yaml"}))
def test_doc_shows_the_real_messages(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # the docs were made from the top of the project, so paths start with tests/
    monkeypatch.chdir(DOC.parents[1])
    doc = DOC.read_text(encoding="utf-8")
    _, problems = validate([Path("tests/fixtures/checklists/bad") / name])
    for problem in problems:
        assert str(problem) in doc


def test_doc_situation_example_is_valid(tmp_path: Path) -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    situation = [b for b in blocks if "kind: situation" in b]
    assert len(situation) == 1
    (tmp_path / "situation.yaml").write_text(situation[0], encoding="utf-8")
    (tmp_path / "android.yaml").write_text(GOOD.read_text(encoding="utf-8"), encoding="utf-8")
    checklists, problems = validate([tmp_path])
    assert problems == []
    assert sorted(c.id for c in checklists) == ["android", "situation"]

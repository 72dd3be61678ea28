"""Saving a report as JSON and reading it back: the same report, the same text in every format,
the same digest; and every kind of bad file answered with a clear DataError."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_sample import HELP, combined_report

from paths import REPO
from safecheck.checkup.checklist.model import ChecklistSet
from safecheck.core.errors import DataError
from safecheck.core.i18n import Translator
from safecheck.core.model import (
    Answer,
    Confidence,
    Coverage,
    CoverageStatus,
    Evidence,
    Finding,
    Outcome,
    Severity,
)
from safecheck.report.jsonio import (
    SCHEMA_VERSION,
    canonical_json,
    load_report,
    parse_report,
    report_digest,
    report_from_dict,
    report_to_dict,
)
from safecheck.report.model import AnsweredItem, Metadata, Report, Risk
from safecheck.report.render.html import render_html
from safecheck.report.render.json_report import render_json
from safecheck.report.render.markdown import render_markdown
from safecheck.report.render.text import WIDTH, render_text


@pytest.fixture
def combined(mini: ChecklistSet, utc: None) -> Report:
    return combined_report(mini, "en")


@pytest.fixture
def combined_fr(mini: ChecklistSet, utc: None) -> Report:
    return combined_report(mini, "fr")


def all_formats(report: Report, lang: str) -> dict[str, str]:
    t = Translator(lang)
    return {
        "text": render_text(report, t, HELP[lang]),
        "ascii": render_text(report, t, HELP[lang], ascii_only=True),
        "markdown": render_markdown(report, t, HELP[lang]),
        "html": render_html(report, t, HELP[lang]),
        "json": render_json(report),
    }


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_round_trip_gives_identical_text(
    lang: str, combined: Report, combined_fr: Report, tmp_path: Path
) -> None:
    report = combined if lang == "en" else combined_fr
    saved = tmp_path / "report.json"
    saved.write_text(render_json(report), encoding="utf-8")
    loaded = load_report(saved)
    assert loaded == report
    assert report_digest(loaded) == report_digest(report)
    assert all_formats(loaded, lang) == all_formats(report, lang)


def test_digest_is_sha256_of_the_canonical_content(combined: Report) -> None:
    data = json.loads(render_json(combined))
    integrity = data.pop("integrity")
    assert integrity == {"algorithm": "sha256", "digest": report_digest(combined)}
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == integrity["digest"]
    assert canonical_json(report_to_dict(combined)) == canonical.encode("utf-8")
    digest = report_digest(combined)
    for text in all_formats(combined, "en").values():
        assert digest in text


def test_digest_changes_with_the_content(combined: Report) -> None:
    changed = Report(
        metadata=combined.metadata,
        findings=combined.findings[1:],
        answers=combined.answers,
        risks=combined.risks,
        coverage=combined.coverage,
    )
    assert report_digest(changed) != report_digest(combined)


def test_json_keeps_the_scan_fields(combined: Report) -> None:
    data = json.loads(render_json(combined))
    assert data["schema_version"] == SCHEMA_VERSION == "1.4"
    assert set(data) == {
        "schema_version",
        "tool",
        "generated_at",
        "language",
        "country",
        "advocate_mode",
        "redacted",
        "data_versions",
        "host",
        "findings",
        "answers",
        "risks",
        "coverage",
        "integrity",
    }
    forwarding = next(a for a in data["answers"] if a["item"] == "acct-forwarding")
    assert forwarding == {
        "item": "acct-forwarding",
        "checklist": "accounts",
        "question": "Is mail forwarded to an address you do not know?",
        "answer": "yes",
        "outcome": "act",
        "severity": "high",
        "note": "seen 3 Nov <b>*x*</b>",
    }
    assert data["risks"] == [
        {
            "item": "s-passwords",
            "text": "Passwords may be known.",
            "severity": "high",
            "possible": True,
        }
    ]


# --- bad files ----------------------------------------------------------------------------


def saved(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(render_json(report))
    return data


def problems_of(data: Any) -> list[str]:
    with pytest.raises(DataError) as caught:
        report_from_dict(data, "r.json")
    return [str(p) for p in caught.value.problems]


def resealed(data: dict[str, Any]) -> dict[str, Any]:
    """The data with a digest that matches it, so only the schema problem shows."""
    content = {k: v for k, v in data.items() if k != "integrity"}
    digest = hashlib.sha256(canonical_json(content)).hexdigest()
    return content | {"integrity": {"algorithm": "sha256", "digest": digest}}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{", "r.json:1:2: not valid JSON: Expecting property name enclosed in double quotes"),
        ('{\n  "a": 1,\n  "b": ]\n}', "r.json:3:8: not valid JSON: Expecting value"),
        ("", "r.json:1:1: not valid JSON: Expecting value"),
        ("[1, 2]", "r.json:1:1: expected a JSON object (a safecheck report), got a list"),
        ('"report"', "r.json:1:1: expected a JSON object (a safecheck report), got a string"),
        ('{"a": 1, "a": 2}', "r.json:1:1: not valid JSON: the key 'a' appears twice"),
        ('{"a": NaN}', "r.json:1:1: not valid JSON: NaN is not a valid JSON value"),
        ("[" * 100_000, "r.json:1:1: not valid JSON for a report: nested too deeply"),
        ("{}", "r.json:1:1: missing field 'schema_version': this is not a safecheck report"),
    ],
)
def test_bad_json_text(text: str, expected: str) -> None:
    with pytest.raises(DataError) as caught:
        parse_report(text, "r.json")
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("2.0", "schema_version 2.0: this report was written by a newer safecheck"),
        ("0.9", "schema_version 0.9: this report was written by an older safecheck"),
        ("one", 'schema_version: expected a version such as "1.4", got a string'),
        (1.1, "schema_version: expected a version such as"),
    ],
)
def test_unknown_schema_version(combined: Report, version: object, expected: str) -> None:
    data = saved(combined)
    data["schema_version"] = version
    problems = problems_of(data)
    assert len(problems) == 1 and expected in problems[0]


def _drop(data: dict[str, Any], *path: str | int) -> None:
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]


def _set(value: Any) -> Any:
    def change(data: dict[str, Any], *path: str | int) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "path", "expected"),
    [
        (_drop, ("findings", 0, "title"), "findings[0]: missing field 'title'"),
        (_drop, ("tool",), "report: missing field 'tool'"),
        (_drop, ("advocate_mode",), "report: missing field 'advocate_mode'"),
        (_drop, ("coverage",), "report: missing field 'coverage'"),
        (_drop, ("answers", 0, "outcome"), "answers[0]: missing field 'outcome'"),
        (_drop, ("risks", 0, "possible"), "risks[0]: missing field 'possible'"),
        (
            _set("severe"),
            ("findings", 0, "severity"),
            "findings[0].severity: 'severe' is not one of info, low, medium, high",
        ),
        (
            _set(3),
            ("findings", 0, "title"),
            "findings[0].title: expected a string, got a number (3)",
        ),
        (
            _set("1"),
            ("findings", 1, "evidence", 0, "line"),
            "findings[1].evidence[0].line: expected a whole number, got a string ('1')",
        ),
        (
            _set(True),
            ("findings", 1, "evidence", 0, "pid"),
            "findings[1].evidence[0].pid: expected a whole number, got true",
        ),
        (
            _set("step"),
            ("findings", 0, "steps"),
            "findings[0].steps: expected a list, got a string ('step')",
        ),
        (
            _set([1]),
            ("findings", 0, "references"),
            "findings[0].references[0]: expected a string, got a number (1)",
        ),
        (
            _set([]),
            ("findings", 0, "evidence", 0),
            "findings[0].evidence[0]: expected an object, got a list",
        ),
        (
            _set("act now"),
            ("answers", 0, "outcome"),
            "answers[0].outcome: 'act now' is not one of act, review, done, not-checked",
        ),
        (
            _set("maybe"),
            ("answers", 0, "answer"),
            "answers[0].answer: 'maybe' is not one of yes, no, unsure, cant-find, skip",
        ),
        (
            _set(5),
            ("answers", 0, "note"),
            "answers[0].note: expected a string or null, got a number (5)",
        ),
        (
            _set("yes"),
            ("risks", 0, "possible"),
            "risks[0].possible: expected true or false, got a string ('yes')",
        ),
        (
            _set("fine"),
            ("coverage", 0, "status"),
            "coverage[0].status: 'fine' is not one of ok, partial",
        ),
        (_set(None), ("coverage",), "report.coverage: expected a list, got null"),
        (_set([1, 2]), ("host", "live"), "host.live: expected a string, number or true/false"),
        (
            _set(3),
            ("data_versions", "phone"),
            "data_versions.phone: expected a string, got a number (3)",
        ),
        (
            _set("yesterday"),
            ("generated_at",),
            "generated_at: 'yesterday' is not a date and time (ISO 8601)",
        ),
        (
            _set("2026-11-27T10:30:00"),
            ("generated_at",),
            "generated_at: '2026-11-27T10:30:00' lacks its time zone",
        ),
        (_set("de"), ("language",), "language: 'de' is not one of en, fr"),
        (
            _set("1"),
            ("advocate_mode",),
            "report.advocate_mode: expected true or false, got a string ('1')",
        ),
        (_set([]), ("tool",), "tool: expected an object, got a list"),
    ],
)
def test_wrong_or_missing_field(
    combined: Report, change: Any, path: tuple[str | int, ...], expected: str
) -> None:
    data = saved(combined)
    change(data, *path)
    problems = problems_of(resealed(data))
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"r.json:1:1: {expected}"), problems


def test_every_problem_is_reported_at_once(combined: Report) -> None:
    data = saved(combined)
    data["findings"][0]["severity"] = "severe"
    data["answers"][1]["answer"] = "maybe"
    data["language"] = "xx"
    problems = problems_of(resealed(data))
    assert len(problems) == 3, problems


def test_changed_report_is_detected(combined: Report) -> None:
    data = saved(combined)
    data["findings"][0]["title"] = "Nothing to see here"
    assert problems_of(data) == [
        "r.json:1:1: integrity: the report was changed after it was made (the SHA-256 of its "
        "content does not match the digest it holds)"
    ]
    data = saved(combined)
    noted = next(a for a in data["answers"] if a["note"])
    noted["note"] = None  # a removed note is a change too
    assert "changed after it was made" in problems_of(data)[0]


@pytest.mark.parametrize(
    ("integrity", "expected"),
    [
        (None, "integrity: expected an object, got null"),
        ({"algorithm": "md5", "digest": "0" * 32}, "integrity.algorithm: 'md5' is not supported"),
        ({"algorithm": "sha256", "digest": "ABC"}, "integrity.digest: expected 64 lowercase"),
        ({"algorithm": "sha256"}, "integrity: missing field 'digest'"),
    ],
)
def test_bad_integrity(combined: Report, integrity: Any, expected: str) -> None:
    data = saved(combined)
    data["integrity"] = integrity
    assert expected in problems_of(data)[0]


def test_missing_integrity(combined: Report) -> None:
    data = saved(combined)
    del data["integrity"]
    assert problems_of(data) == [
        "r.json:1:1: missing field 'integrity': the report's digest is not there"
    ]


def test_scan_report_of_schema_1_0_still_loads() -> None:
    """What `safecheck scan --format json` wrote before 1.1: no answers, no digest."""
    old = {
        "schema_version": "1.0",
        "tool": {"name": "safecheck", "version": "0.1.0"},
        "generated_at": "2026-11-27T10:30:00+00:00",
        "language": "en",
        "host": {"platform": "linux", "root": "/mnt/disk", "live": False, "entries": 412},
        "findings": [
            {
                "id": "SC-LNX-NETWORK-SHELL",
                "severity": "high",
                "confidence": "high",
                "title": "A start-up command opens a remote control connection",
                "category": "suspicious-startup",
                "source": "linux.shell",
                "explanation": "This command gives a command prompt to another computer.",
                "steps": ["Treat this computer as controlled by someone else."],
                "safety_note": "Removing it may alert the person who installed it.",
                "evidence": [{"path": "/home/ana/.bashrc", "line": 12, "user": "ana"}],
                "references": [],
            }
        ],
        "coverage": [{"id": "linux.shell", "status": "ok", "reason": "14 read, 1 entries found."}],
    }
    report = report_from_dict(old)
    assert report.answers == () and report.metadata.country == ""
    assert report.findings[0].evidence == (Evidence(path="/home/ana/.bashrc", line=12, user="ana"),)
    text = render_text(report, Translator("en"))
    assert "A start-up command opens a remote control connection [high]" in text
    assert "YOUR ANSWERS" not in text


def test_newer_minor_version_with_unknown_fields_loads(combined: Report) -> None:
    data = saved(combined)
    data["schema_version"] = "1.7"
    data["something_new"] = {"x": 1}
    data["findings"][0]["also_new"] = True
    loaded = report_from_dict(resealed(data))
    assert loaded.findings == combined.findings
    data["something_new"] = {"x": 2}  # unknown fields are covered by the digest too
    assert "changed after it was made" in problems_of(data)[0]


def test_load_report_file_problems(tmp_path: Path, combined: Report) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(DataError, match=r"missing\.json:1:1: cannot read the file: No such file"):
        load_report(missing)
    with pytest.raises(DataError, match="cannot read the file"):
        load_report(tmp_path)
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{\n  "language": "fran\xe7ais"}')
    with pytest.raises(
        DataError, match=r"latin\.json:2:20: not a JSON report: the file is not UTF-8"
    ):
        load_report(latin)
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + render_json(combined).encode("utf-8"))
    assert load_report(bom) == combined
    broken = tmp_path / "broken.json"
    broken.write_text(render_json(combined)[:-20], encoding="utf-8")
    with pytest.raises(DataError, match=r"broken\.json:\d+:\d+: not valid JSON"):
        load_report(broken)


# --- any report survives the round trip and renders within the limits ----------------------

_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60)
_word = st.text("abcdefghijklmnopqrstuvwxyz-.", min_size=1, max_size=12)
_evidence = st.builds(
    Evidence,
    path=st.none() | _text,
    line=st.none() | st.integers(0, 10**6),
    command=st.none() | st.text(max_size=400),
    pid=st.none() | st.integers(0, 2**31),
    process=st.none() | _text,
    user=st.none() | _text,
    port=st.none() | st.integers(0, 65535),
    sha256=st.none() | st.text("0123456789abcdef", min_size=64, max_size=64),
    modified=st.none() | _text,
    answer=st.none() | st.sampled_from([a.value for a in Answer]),
    note=st.none() | _text,
)
_finding = st.builds(
    Finding,
    id=_word,
    title=_text,
    severity=st.sampled_from(Severity),
    confidence=st.sampled_from(Confidence),
    source=_word,
    category=_word,
    explanation=_text,
    steps=st.lists(_text, max_size=3).map(tuple),
    safety_note=_text,
    evidence=st.lists(_evidence, max_size=3).map(tuple),
    references=st.lists(_text, max_size=2).map(tuple),
)
_answered = st.builds(
    AnsweredItem,
    item_id=_word,
    checklist_id=_word,
    question=_text,
    answer=st.sampled_from([a.value for a in Answer]),
    outcome=st.sampled_from(Outcome),
    severity=st.none() | st.sampled_from(Severity),
    note=st.none() | _text,
)
_risk = st.builds(
    Risk, item_id=_word, text=_text, severity=st.sampled_from(Severity), possible=st.booleans()
)
_coverage = st.builds(
    Coverage,
    id=_word,
    status=st.sampled_from(CoverageStatus),
    reason=_text,
    details=st.lists(_text, max_size=2).map(tuple),
)
_metadata = st.builds(
    Metadata,
    tool=st.just("safecheck"),
    version=_word,
    generated_at=st.datetimes(timezones=st.timezones()).map(
        lambda d: d.isoformat(timespec="seconds")
    ),
    language=st.sampled_from(["en", "fr"]),
    country=st.sampled_from(["", "FR", "BE"]),
    advocate_mode=st.booleans(),
    data_versions=st.dictionaries(_word, _word, max_size=3),
    host=st.dictionaries(_word, _text | st.booleans() | st.integers(-(2**40), 2**40), max_size=4),
)
_report = st.builds(
    Report,
    metadata=_metadata,
    findings=st.lists(_finding, max_size=3).map(tuple),
    answers=st.lists(_answered, max_size=4).map(tuple),
    risks=st.lists(_risk, max_size=2).map(tuple),
    coverage=st.lists(_coverage, max_size=3).map(tuple),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=_report, help_text=st.none() | _text)
def test_any_report_round_trips_and_fits(report: Report, help_text: str | None) -> None:
    text = render_json(report)
    loaded = parse_report(text)
    assert loaded == report
    assert report_digest(loaded) == report_digest(report)
    t = Translator(report.metadata.language)
    plain = render_text(report, t, help_text)
    ascii_text = render_text(loaded, t, help_text, ascii_only=True)
    assert all(len(line) <= WIDTH for line in plain.splitlines())
    assert all(len(line) <= WIDTH for line in ascii_text.splitlines())
    assert ascii_text.isascii()
    for rendered in (plain, ascii_text, render_markdown(report, t), render_html(report, t)):
        assert "\x1b" not in rendered and "\u202e" not in rendered
    assert copy.deepcopy(report) == report


def test_the_documented_example_is_a_real_report() -> None:
    doc = REPO / "docs" / "report-format.md"
    text = doc.read_text(encoding="utf-8")
    example = text[text.index("```json\n", text.index("## Example")) + len("```json\n") :]
    example = example[: example.index("```")]
    report = parse_report(example, str(doc))
    assert json.loads(render_json(report)) == json.loads(example)
    assert report.findings and report.answers and report.risks and report.coverage
    assert report.metadata.host and report.metadata.advocate_mode


def test_redacted_flag_survives_the_round_trip_and_is_shown(combined: Report) -> None:
    redacted = dataclasses.replace(
        combined, metadata=dataclasses.replace(combined.metadata, redacted=True)
    )
    again = parse_report(render_json(redacted), "r.json")
    assert again.metadata.redacted is True
    assert parse_report(render_json(combined), "r.json").metadata.redacted is False
    t = Translator("en")
    assert "Redacted:" in render_text(again, t)
    assert "Redacted:" not in render_text(combined, t)

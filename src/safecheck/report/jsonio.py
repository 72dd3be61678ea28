"""A Report as JSON data and back: what `--format json` writes and `safecheck report FILE.json`
reads again (documented in docs/report-format.md).

`report_to_dict` holds everything a renderer needs, so a saved report renders again to the same
text in every format. `report_digest` is the SHA-256 of that content, written at the end of every
format (and as `integrity` in the JSON) so that an advocate can note it and later tell whether a
file was changed. `report_from_dict` / `load_report` check everything before anything is
rendered, and answer a bad file with a `DataError` listing every problem, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from safecheck.core.errors import DataError, Problem
from safecheck.core.fileio import read_regular
from safecheck.core.i18n import LANGUAGES
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
from safecheck.report.model import AnsweredItem, Metadata, Report, Risk

SCHEMA_VERSION = "1.4"
SCHEMA_MAJOR = 1
DIGEST_ALGORITHM = "sha256"
MAX_REPORT_BYTES = 64 * 1024 * 1024  # a real report is a few hundred kilobytes at most
DEFAULT_SOURCE = "<report>"

_VERSION = re.compile(r"^(\d{1,9})\.(\d{1,9})$")  # a 5,000-digit number is not a version
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_EVIDENCE_INT = {"line", "pid", "port"}
_EVIDENCE_FIELDS = tuple(f.name for f in fields(Evidence))

E = TypeVar("E", Severity, Confidence, CoverageStatus, Outcome, Answer)
T = TypeVar("T")


# --- writing -------------------------------------------------------------------------------


def evidence_to_dict(item: Evidence) -> dict[str, Any]:
    """Only the fields that apply (the others are None) are written."""
    return {
        name: getattr(item, name) for name in _EVIDENCE_FIELDS if getattr(item, name) is not None
    }


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """`evidence_left_out` (schema 1.4) is written only when evidence was cut: a finding
    without cuts has the fields it had in 1.3."""
    data: dict[str, Any] = {
        "id": finding.id,
        "severity": finding.severity.value,
        "confidence": finding.confidence.value,
        "title": finding.title,
        "category": finding.category,
        "source": finding.source,
        "explanation": finding.explanation,
        "steps": list(finding.steps),
        "safety_note": finding.safety_note,
        "evidence": [evidence_to_dict(e) for e in finding.evidence],
        "references": list(finding.references),
        **({"plain": finding.plain} if finding.plain else {}),
    }
    if finding.evidence_left_out:
        data["evidence_left_out"] = finding.evidence_left_out
    return data


def _answer_to_dict(item: AnsweredItem) -> dict[str, Any]:
    return {
        "item": item.item_id,
        "checklist": item.checklist_id,
        "question": item.question,
        "answer": item.answer,
        "outcome": item.outcome.value,
        "severity": item.severity.value if item.severity is not None else None,
        "note": item.note,
    }


def _risk_to_dict(risk: Risk) -> dict[str, Any]:
    return {
        "item": risk.item_id,
        "text": risk.text,
        "severity": risk.severity.value,
        "possible": risk.possible,
    }


def _coverage_to_dict(row: Coverage) -> dict[str, Any]:
    return {
        "id": row.id,
        "status": row.status.value,
        "reason": row.reason,
        "details": list(row.details),
    }


def report_to_dict(report: Report) -> dict[str, Any]:
    """The whole report as JSON-ready data, without `integrity` (see `report_json_dict`)."""
    meta = report.metadata
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": meta.tool, "version": meta.version},
        "generated_at": meta.generated_at,
        "language": meta.language,
        "country": meta.country,
        "advocate_mode": meta.advocate_mode,
        "redacted": meta.redacted,
        "data_versions": dict(meta.data_versions),
        "host": dict(meta.host),
        "findings": [finding_to_dict(f) for f in report.findings],
        "answers": [_answer_to_dict(a) for a in report.answers],
        "risks": [_risk_to_dict(r) for r in report.risks],
        "coverage": [_coverage_to_dict(c) for c in report.coverage],
    }


def canonical_json(data: dict[str, Any]) -> bytes:
    """The bytes the digest is taken over: sorted keys, no spaces, UTF-8."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def _digest_of(data: dict[str, Any]) -> str:
    content = {k: v for k, v in data.items() if k != "integrity"}
    return hashlib.sha256(canonical_json(content)).hexdigest()


def report_digest(report: Report) -> str:
    """SHA-256 (hex) of the report's content: the same for every format it is rendered in."""
    return _digest_of(report_to_dict(report))


def report_json_dict(report: Report) -> dict[str, Any]:
    """What `--format json` writes: the content and its `integrity` digest."""
    data = report_to_dict(report)
    data["integrity"] = {"algorithm": DIGEST_ALGORITHM, "digest": _digest_of(data)}
    return data


# --- reading -------------------------------------------------------------------------------


class _Invalid(Exception):
    """One problem found while reading; collected, never shown as a traceback."""


class _Reader:
    """Checks values against the schema, collecting every problem with where it is."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(self, message: str) -> None:
        self.problems.append(Problem(self.source, 1, 1, message))

    def field(self, obj: dict[str, Any], key: str, where: str) -> Any:
        if key not in obj:
            raise _Invalid(f"{where}: missing field '{key}'")
        return obj[key]

    def text(self, obj: dict[str, Any], key: str, where: str) -> str:
        value = self.field(obj, key, where)
        if not isinstance(value, str):
            raise _Invalid(f"{where}.{key}: expected a string, got {_kind(value)}")
        return value

    def optional_text(self, obj: dict[str, Any], key: str, where: str) -> str | None:
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise _Invalid(f"{where}.{key}: expected a string or null, got {_kind(value)}")
        return value

    def boolean(self, obj: dict[str, Any], key: str, where: str) -> bool:
        value = self.field(obj, key, where)
        if not isinstance(value, bool):
            raise _Invalid(f"{where}.{key}: expected true or false, got {_kind(value)}")
        return value

    def obj(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _Invalid(f"{where}: expected an object, got {_kind(value)}")
        return value

    def array(self, obj: dict[str, Any], key: str, where: str) -> list[Any]:
        value = self.field(obj, key, where)
        if not isinstance(value, list):
            raise _Invalid(f"{where}.{key}: expected a list, got {_kind(value)}")
        return value

    def texts(self, obj: dict[str, Any], key: str, where: str, default: bool = False) -> list[str]:
        if default and key not in obj:
            return []
        values = self.array(obj, key, where)
        for number, value in enumerate(values):
            if not isinstance(value, str):
                raise _Invalid(f"{where}.{key}[{number}]: expected a string, got {_kind(value)}")
        return values

    def enum(self, kind: type[E], obj: dict[str, Any], key: str, where: str) -> E:
        value = self.text(obj, key, where)
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(m.value for m in kind)
            raise _Invalid(f"{where}.{key}: '{value}' is not one of {allowed}") from None

    def items(
        self, data: dict[str, Any], key: str, read: Callable[[_Reader, dict[str, Any], str], T]
    ) -> list[T]:
        """Each element of a top-level list; a bad element is a problem, the others still read."""
        try:
            values = self.array(data, key, "report")
        except _Invalid as exc:
            self.add(str(exc))
            return []
        out: list[T] = []
        for number, value in enumerate(values):
            where = f"{key}[{number}]"
            try:
                out.append(read(self, self.obj(value, where), where))
            except _Invalid as exc:
                self.add(str(exc))
        return out


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({value[:40]!r})"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _evidence(r: _Reader, data: dict[str, Any], where: str) -> Evidence:
    values: dict[str, Any] = {}
    for name in _EVIDENCE_FIELDS:
        value = data.get(name)
        if value is None:
            continue
        if name in _EVIDENCE_INT:
            if type(value) is not int:
                raise _Invalid(f"{where}.{name}: expected a whole number, got {_kind(value)}")
        elif not isinstance(value, str):
            raise _Invalid(f"{where}.{name}: expected a string, got {_kind(value)}")
        values[name] = value
    return Evidence(**values)


def _finding(r: _Reader, data: dict[str, Any], where: str) -> Finding:
    evidence: list[Evidence] = []
    for number, value in enumerate(r.array(data, "evidence", where)):
        item_where = f"{where}.evidence[{number}]"
        evidence.append(_evidence(r, r.obj(value, item_where), item_where))
    return Finding(
        id=r.text(data, "id", where),
        title=r.text(data, "title", where),
        severity=r.enum(Severity, data, "severity", where),
        confidence=r.enum(Confidence, data, "confidence", where),
        source=r.text(data, "source", where),
        category=r.text(data, "category", where),
        explanation=r.text(data, "explanation", where),
        steps=tuple(r.texts(data, "steps", where)),
        safety_note=r.text(data, "safety_note", where),
        evidence=tuple(evidence),
        references=tuple(r.texts(data, "references", where)),
        plain=r.optional_text(data, "plain", where) or "",
        evidence_left_out=_count(data, "evidence_left_out", where),
    )


def _count(data: dict[str, Any], key: str, where: str) -> int:
    """An optional count: a whole number from 0 up, 0 when absent."""
    value = data.get(key, 0)
    if type(value) is not int or value < 0:
        raise _Invalid(f"{where}.{key}: expected a whole number from 0 up, got {_kind(value)}")
    return value


def _answer(r: _Reader, data: dict[str, Any], where: str) -> AnsweredItem:
    severity = None
    if data.get("severity") is not None:
        severity = r.enum(Severity, data, "severity", where)
    return AnsweredItem(
        item_id=r.text(data, "item", where),
        checklist_id=r.text(data, "checklist", where),
        question=r.text(data, "question", where),
        answer=r.enum(Answer, data, "answer", where).value,
        outcome=r.enum(Outcome, data, "outcome", where),
        severity=severity,
        note=r.optional_text(data, "note", where),
    )


def _risk(r: _Reader, data: dict[str, Any], where: str) -> Risk:
    return Risk(
        item_id=r.text(data, "item", where),
        text=r.text(data, "text", where),
        severity=r.enum(Severity, data, "severity", where),
        possible=r.boolean(data, "possible", where),
    )


def _coverage(r: _Reader, data: dict[str, Any], where: str) -> Coverage:
    return Coverage(
        id=r.text(data, "id", where),
        status=r.enum(CoverageStatus, data, "status", where),
        reason=r.text(data, "reason", where),
        details=tuple(r.texts(data, "details", where, default=True)),
    )


def _schema_minor(r: _Reader, data: dict[str, Any]) -> int | None:
    """The minor version, or None (with a problem) when this safecheck cannot read the file."""
    if "schema_version" not in data:
        r.add("missing field 'schema_version': this is not a safecheck report")
        return None
    version = data["schema_version"]
    match = _VERSION.match(version) if isinstance(version, str) else None
    if match is None:
        r.add(
            f'schema_version: expected a version such as "{SCHEMA_VERSION}", got {_kind(version)}'
        )
        return None
    major = int(match.group(1))
    if major != SCHEMA_MAJOR:
        newer = "a newer" if major > SCHEMA_MAJOR else "an older"
        r.add(
            f"schema_version {version}: this report was written by {newer} safecheck; this one "
            f"reads versions {SCHEMA_MAJOR}.x"
        )
        return None
    return int(match.group(2))


def _metadata(r: _Reader, data: dict[str, Any], minor: int) -> Metadata | None:
    where = "report"
    try:
        tool = r.obj(r.field(data, "tool", where), "tool")
        name = r.text(tool, "name", "tool")
        version = r.text(tool, "version", "tool")
        generated_at = r.text(data, "generated_at", where)
        try:
            moment = datetime.fromisoformat(generated_at)
        except ValueError:
            raise _Invalid(
                f"generated_at: '{generated_at[:40]}' is not a date and time (ISO 8601)"
            ) from None
        if moment.tzinfo is None:
            raise _Invalid(f"generated_at: '{generated_at}' lacks its time zone (+00:00)")
        language = r.text(data, "language", where)
        if language not in LANGUAGES:
            raise _Invalid(f"language: '{language[:40]}' is not one of {', '.join(LANGUAGES)}")
        added = minor >= 1  # fields added in 1.1 are required from then on
        country = r.text(data, "country", where) if added or "country" in data else ""
        advocate = r.boolean(data, "advocate_mode", where) if added else False
        # added in 1.2: names, hosts, home folders, e-mails and phones were replaced (--redact)
        redacted = r.boolean(data, "redacted", where) if minor >= 2 else False
        versions: dict[str, str] = {}
        if added or "data_versions" in data:
            raw = r.obj(r.field(data, "data_versions", where), "data_versions")
            for key, value in raw.items():
                if not isinstance(value, str):
                    raise _Invalid(f"data_versions.{key}: expected a string, got {_kind(value)}")
                versions[key] = value
        host: dict[str, str | bool | int] = {}
        for key, value in r.obj(r.field(data, "host", where), "host").items():
            if not isinstance(value, str | bool | int):
                raise _Invalid(f"host.{key}: expected a string, number or true/false")
            host[key] = value
    except _Invalid as exc:
        r.add(str(exc))
        return None
    return Metadata(
        tool=name,
        version=version,
        generated_at=generated_at,
        language=language,
        country=country,
        advocate_mode=advocate,
        redacted=redacted,
        data_versions=versions,
        host=host,
    )


def _check_integrity(r: _Reader, data: dict[str, Any], minor: int) -> None:
    if "integrity" not in data:
        if minor >= 1:
            r.add("missing field 'integrity': the report's digest is not there")
        return
    try:
        integrity = r.obj(data["integrity"], "integrity")
        algorithm = r.text(integrity, "algorithm", "integrity")
        digest = r.text(integrity, "digest", "integrity")
    except _Invalid as exc:
        r.add(str(exc))
        return
    if algorithm != DIGEST_ALGORITHM:
        r.add(f"integrity.algorithm: '{algorithm[:40]}' is not supported (only {DIGEST_ALGORITHM})")
    elif not _HEX64.match(digest):
        r.add("integrity.digest: expected 64 lowercase hexadecimal characters")
    elif digest != _digest_of(data):
        r.add(
            "integrity: the report was changed after it was made (the SHA-256 of its content "
            "does not match the digest it holds)"
        )


def report_from_dict(data: Any, source: str = DEFAULT_SOURCE) -> Report:
    """A Report from JSON data, or DataError listing every problem (with `source` as the file).

    Fields this version does not know are ignored (a newer 1.x file); the digest is checked over
    the file's content as written, so a change to any field is reported."""
    r = _Reader(source)
    if not isinstance(data, dict):
        r.add(f"expected a JSON object (a safecheck report), got {_kind(data)}")
        raise DataError(r.problems)
    minor = _schema_minor(r, data)
    if minor is None:
        raise DataError(r.problems)
    metadata = _metadata(r, data, minor)
    findings = r.items(data, "findings", _finding)
    added = minor >= 1  # a 1.0 scan report has no answers nor risks
    answers = r.items(data, "answers", _answer) if added or "answers" in data else []
    risks = r.items(data, "risks", _risk) if added or "risks" in data else []
    coverage = r.items(data, "coverage", _coverage)
    _check_integrity(r, data, minor)
    if r.problems or metadata is None:
        raise DataError(r.problems)
    return Report(
        metadata=metadata,
        findings=tuple(findings),
        answers=tuple(answers),
        risks=tuple(risks),
        coverage=tuple(coverage),
    )


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Invalid(f"the key '{key[:40]}' appears twice in one object")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise _Invalid(f"{name} is not a valid JSON value")


def parse_report(text: str, source: str = DEFAULT_SOURCE) -> Report:
    """A Report from JSON text, or DataError (with line and column when the JSON is broken)."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg}"
        raise DataError([Problem(source, exc.lineno, exc.colno, message)]) from None
    except _Invalid as exc:
        raise DataError([Problem(source, 1, 1, f"not valid JSON: {exc}")]) from None
    except RecursionError:
        message = "not valid JSON for a report: nested too deeply"
        raise DataError([Problem(source, 1, 1, message)]) from None
    except ValueError as exc:  # e.g. a number of thousands of digits (int_max_str_digits)
        raise DataError([Problem(source, 1, 1, f"not valid JSON for a report: {exc}")]) from None
    return report_from_dict(data, source)


def load_report(path: Path) -> Report:
    """Read a saved JSON report, checking everything; a DataError names the file."""
    source = str(path)
    try:
        raw = read_regular(path, MAX_REPORT_BYTES)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise DataError([Problem(source, 1, 1, f"cannot read the file: {reason}")]) from None
    if len(raw) > MAX_REPORT_BYTES:
        message = f"too large for a report (over {MAX_REPORT_BYTES // (1024 * 1024)} MB)"
        raise DataError([Problem(source, 1, 1, message)])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = "not a JSON report: the file is not UTF-8 text"
        raise DataError([Problem(source, line, column, message)]) from None
    return parse_report(text, source)

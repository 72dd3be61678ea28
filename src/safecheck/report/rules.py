"""The findings a scan can report, loaded from `data/rules/*.yaml` (ids, levels, texts).

The packaged rules are also shipped validated, as `data/rules.compiled.json` with the SHA-256
of the YAML files they came from: a run uses it only when the YAML is byte for byte the one
it was made from (else the YAML is parsed and checked as before), and never writes it.
`python -m safecheck.report.rules --compile` writes it; tests/report/test_rules_compiled.py
fails when it is not current.
"""

from __future__ import annotations

import functools
import json
import string
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safecheck.core.errors import DataError, Problem
from safecheck.core.fileio import files_digest
from safecheck.core.i18n import LANGUAGES, LocalizedText, Translator
from safecheck.core.model import Confidence, Evidence, Finding, Severity
from safecheck.core.yamlio import (
    Problems,
    as_list,
    as_localized,
    as_mapping,
    as_text,
    as_word,
    compose_file,
)

PLACEHOLDERS = {"tool", "does", "name", "path", "program", "port", "user", "count"}
RULE_KEYS = ("id", "severity", "confidence", "category", "title", "explanation", "steps", "safety")
OPTIONAL_RULE_KEYS = ("plain",)  # one plain sentence, when the title needs technical words


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    confidence: Confidence
    category: str
    title: LocalizedText
    explanation: LocalizedText
    steps: tuple[LocalizedText, ...]
    safety: LocalizedText
    plain: LocalizedText | None = None

    def finding(
        self,
        t: Translator,
        source: str,
        evidence: tuple[Evidence, ...],
        references: tuple[str, ...] = (),
        **values: str,
    ) -> Finding:
        """The finding in one language; missing placeholders are left visible, not fatal."""
        # str.format_map, not string.Formatter (the same for our texts' `{name}` fields, in C:
        # a disk of 100,000 entries makes 20,000 findings). Values are put in, never parsed.
        fill = _Filler(values)
        return Finding(
            id=self.id,
            title=t.pick(self.title).format_map(fill),
            severity=self.severity,
            confidence=self.confidence,
            source=source,
            category=self.category,
            explanation=" ".join(t.pick(self.explanation).format_map(fill).split()),
            steps=tuple(t.pick(step) for step in self.steps),
            safety_note=t.pick(self.safety),
            evidence=evidence,
            references=references,
            plain=t.pick(self.plain).format_map(fill) if self.plain else "",
        )


class _Filler(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def packaged_rules_dir() -> Path:
    """One YAML file per group of rules (common.yaml, macos.yaml, windows.yaml, phone.yaml...)."""
    # beside the package: importlib.resources costs an import of its own at every scan
    return Path(__file__).parent.parent / "data" / "rules"


def rule_files(path: Path | None = None) -> list[Path]:
    folder = path or packaged_rules_dir()
    if folder.is_file():
        return [folder]
    return sorted(p for p in folder.iterdir() if p.suffix == ".yaml")


def parse_rules(path: Path) -> tuple[dict[str, Rule], list[str], Problems]:
    p = Problems(str(path))
    root = as_mapping(compose_file(path, p), p, ("version", "rules"), ("notes",), what="rules")
    rules: dict[str, Rule] = {}
    if root is None:
        return rules, [], p
    for node in as_list(root.get("rules"), p, "'rules'"):
        view = as_mapping(node, p, RULE_KEYS, OPTIONAL_RULE_KEYS, what="rule")
        if view is None:
            continue
        rule_id = as_text(view.get("id"), p, "rule: 'id'") or ""
        what = f"rule '{rule_id}'"
        severity = as_word(view.get("severity"), p, what, [s.value for s in Severity])
        confidence = as_word(view.get("confidence"), p, what, [c.value for c in Confidence])
        texts = {
            key: as_localized(view.get(key), p, f"{what}: '{key}'", LANGUAGES)
            for key in ("title", "explanation", "safety")
        }
        plain = (
            as_localized(view.get("plain"), p, f"{what}: 'plain'", LANGUAGES)
            if view.get("plain") is not None
            else None
        )
        steps = [
            as_localized(s, p, f"{what}: step", LANGUAGES)
            for s in as_list(view.get("steps"), p, what)
        ]
        for key, text in (*((k, texts[k]) for k in ("title", "explanation")), ("plain", plain)):
            if text is None:
                continue
            names = {lang: _placeholders(value) for lang, value in text.items()}
            unknown = set().union(*names.values()) - PLACEHOLDERS
            if unknown:
                p.add(view.get(key), f"{what}: unknown placeholder(s) {sorted(unknown)}")
            if len({frozenset(v) for v in names.values()}) > 1:
                p.add(view.get(key), f"{what}: '{key}' uses different placeholders per language")
        if rule_id in rules:
            p.add(view.get("id"), f"duplicate rule id '{rule_id}'")
        category = as_text(view.get("category"), p, what)
        title, explanation, safety = texts["title"], texts["explanation"], texts["safety"]
        if (
            severity
            and confidence
            and category
            and title
            and explanation
            and safety
            and all(steps)
            and rule_id
        ):
            rules[rule_id] = Rule(
                id=rule_id,
                severity=Severity(severity),
                confidence=Confidence(confidence),
                category=category,
                title=title,
                explanation=explanation,
                steps=tuple(s for s in steps if s),
                safety=safety,
                plain=plain,
            )
    version = as_text(root.get("version"), p, "'version'") or ""
    return rules, [version], p


def _parse_all(files: list[Path]) -> tuple[dict[str, Rule], str]:
    """Every rule of every file, and the newest version among them; DataError on mistakes."""
    rules: dict[str, Rule] = {}
    versions: list[str] = []
    problems = []
    for file in files:
        found, file_versions, file_problems = parse_rules(file)
        problems.extend(file_problems.items)
        versions.extend(v for v in file_versions if v)
        for rule_id in found.keys() & rules.keys():
            problems.append(
                Problem(str(file), 1, 1, f"rule id '{rule_id}' is also in another file")
            )
        rules.update(found)
    if problems:
        raise DataError(problems)
    return rules, max(versions) if versions else ""


@functools.cache
def _load(path: Path | None) -> tuple[dict[str, Rule], str]:
    """Every rule of every file, and the newest version among them: each file parsed once
    (the packaged rules from their compiled form when it is current)."""
    files = rule_files(path)
    if path is None:
        found = load_compiled_rules(packaged_rules_dir(), files)
        if found is not None:
            return found
    return _parse_all(files)


# --- the compiled form of the packaged rules ---------------------------------------------------

COMPILED_FORMAT = 1


def compiled_rules_path(folder: Path) -> Path:
    return folder.parent / "rules.compiled.json"


def _rule_json(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "severity": rule.severity.value,
        "confidence": rule.confidence.value,
        "category": rule.category,
        "title": dict(rule.title),
        "explanation": dict(rule.explanation),
        "steps": [dict(step) for step in rule.steps],
        "safety": dict(rule.safety),
        "plain": dict(rule.plain) if rule.plain is not None else None,
    }


def _rule_of(data: dict[str, Any]) -> Rule:
    plain = data["plain"]
    return Rule(
        id=data["id"],
        severity=Severity(data["severity"]),
        confidence=Confidence(data["confidence"]),
        category=data["category"],
        title=dict(data["title"]),
        explanation=dict(data["explanation"]),
        steps=tuple(dict(step) for step in data["steps"]),
        safety=dict(data["safety"]),
        plain=dict(plain) if plain is not None else None,
    )


def compile_rules(files: list[Path]) -> str:
    """The JSON text that stands for the rules of `files` (DataError when they have mistakes)."""
    rules, version = _parse_all(files)
    data = {
        "format": COMPILED_FORMAT,
        "sources_sha256": files_digest(files),
        "version": version,
        "rules": [_rule_json(rule) for rule in rules.values()],
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def load_compiled_rules(folder: Path, files: list[Path]) -> tuple[dict[str, Rule], str] | None:
    """The compiled rules of `folder`, or None when there are none, they cannot be read, or
    they were not made from these very `files`."""
    try:
        data = json.loads(compiled_rules_path(folder).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != COMPILED_FORMAT:
            return None
        if data.get("sources_sha256") != files_digest(files):
            return None
        rules = {rule.id: rule for rule in (_rule_of(item) for item in data["rules"])}
        return rules, str(data["version"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def load_rules(path: Path | None = None) -> dict[str, Rule]:
    """Every rule of every file; a rule id used in two files is an error."""
    return _load(path)[0]


def rules_version(path: Path | None = None) -> str:
    """The newest version among the rule files."""
    return _load(path)[1]


def rules_reference(lang: str = "en") -> str:
    """docs/findings.md, made from the rule files so the two cannot disagree."""
    t = Translator(lang)
    lines = [
        "# Findings reference",
        "",
        "Every finding `safecheck scan` can report, with its stable id, level and texts. Made",
        "from `src/safecheck/data/rules/*.yaml` by `python -m safecheck.report.rules`; do not",
        "edit by hand. Checklist answers give findings `SC-CHK-<ITEM-ID>` (see the checklists).",
        "",
        "| id | severity | confidence | category | title |",
        "| --- | --- | --- | --- | --- |",
    ]
    rules = load_rules()
    for rule in rules.values():
        title = t.pick(rule.title).replace("|", "\\|")
        lines.append(
            f"| `{rule.id}` | {rule.severity.value} | {rule.confidence.value} | "
            f"{rule.category} | {title} |"
        )
    for rule in rules.values():
        lines += ["", f"## {rule.id}", "", " ".join(t.pick(rule.explanation).split()), ""]
        lines += [f"- {t.pick(step)}" for step in rule.steps]
        lines += ["", "Before acting: " + " ".join(t.pick(rule.safety).split())]
    return "\n".join(lines) + "\n"


def _write_compiled() -> None:
    folder = packaged_rules_dir()
    target = compiled_rules_path(folder)
    text = compile_rules(rule_files(folder))
    target.write_text(text, encoding="utf-8")
    print(f"{target}: {len(json.loads(text)['rules'])} rules")


if __name__ == "__main__":
    if sys.argv[1:] == ["--compile"]:
        _write_compiled()
    else:
        print(rules_reference(), end="")

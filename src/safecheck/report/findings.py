"""From hits to findings: hits of the same rule and key become one finding, with the rule's texts
in the session's language, the evidence of every entry behind it (newest first, capped) and the
sources of the tool it recognised. Used by the scan and the phone check alike.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from safecheck.core.entries import Entry, Hit
from safecheck.core.i18n import Translator
from safecheck.core.model import Evidence, Finding
from safecheck.report.rules import Rule

MAX_EVIDENCE = 25  # per finding: enough to act on, not a wall of text


def evidence_of(entry: Entry, sha256: str | None) -> Evidence:
    is_process = entry.kind in ("process", "listener", "connection")
    return Evidence(
        path=entry.program if is_process else entry.location,
        line=entry.line,
        command=entry.command or (entry.program if not is_process else None),
        pid=entry.pid,
        process=entry.name if is_process else None,
        user=entry.user,
        port=entry.port,
        sha256=sha256,
        modified=entry.modified.astimezone(UTC).isoformat(timespec="seconds")
        if entry.modified
        else None,
        note=entry.remote,
    )


def findings_from_hits(
    hits: list[Hit],
    rules: dict[str, Rule],
    t: Translator,
    hasher: Callable[[str | None], str | None],
) -> list[Finding]:
    grouped: dict[tuple[str, str], list[Hit]] = {}
    for hit in hits:
        grouped.setdefault((hit.rule, hit.key), []).append(hit)
    findings: list[Finding] = []
    for (rule_id, _key), group in grouped.items():
        rule = rules[rule_id]
        first = group[0]
        values = dict(first.values)
        references: tuple[str, ...] = ()
        if first.tool is not None:
            values["tool"] = first.tool.name
            values["does"] = t.pick(first.tool.does)
            references = first.tool.sources
        values.setdefault("count", str(len(group)))
        seen: set[Evidence] = set()
        evidence: list[Evidence] = []
        for hit in sorted(
            group, key=lambda h: h.entry.modified or datetime.min.replace(tzinfo=UTC), reverse=True
        ):
            item = evidence_of(hit.entry, hasher(hit.entry.program))
            if item not in seen:
                seen.add(item)
                evidence.append(item)
        findings.append(
            rule.finding(
                t, first.entry.collector, tuple(evidence[:MAX_EVIDENCE]), references, **values
            )
        )
    findings.sort(key=lambda f: (-f.severity.rank, -f.confidence.rank, f.id, f.title))
    return findings

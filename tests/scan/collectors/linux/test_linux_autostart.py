"""linux.autostart on planted desktop entries and KDE scripts."""

from __future__ import annotations

from pathlib import Path

import pytest
from linux_fakeroot import ALICE_HOME, debian_root, make_host, of_kind, write

from safecheck.core.entries import Entry
from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.linux.autostart import AutostartCollector

UPDATER = """\
[Desktop Entry]
Type=Application
Name=System Updater
Name[fr]=Mise à jour
Comment=Keeps things up to date
Exec=/home/alice/.local/share/.upd/updater --tray %U
Icon=system-software-update
X-GNOME-Autostart-enabled=true
NoDisplay=true
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return debian_root(tmp_path)


def collect(root: Path) -> CollectorResult:
    result = AutostartCollector().collect(make_host(root))
    assert result.errors == []
    return result


def test_personal_autostart_entry(root: Path) -> None:
    path = f"{ALICE_HOME}/.config/autostart/updater.desktop"
    write(root, path, UPDATER)
    (entry,) = [e for e in collect(root).entries if e.location == path]
    assert entry == Entry(
        collector="linux.autostart",
        kind="autostart",
        location=path,
        name="updater.desktop",
        command="/home/alice/.local/share/.upd/updater --tray",
        program="/home/alice/.local/share/.upd/updater",
        line=6,
        user="alice",
        enabled=True,
        modified=make_host(root).modified(path),
        details=(("display-name", "System Updater"),),
    )


def test_personal_file_replaces_the_system_one(root: Path) -> None:
    path = f"{ALICE_HOME}/.config/autostart/gnome-keyring-ssh.desktop"
    write(root, path, "[Desktop Entry]\nType=Application\nName=SSH Key Agent\nHidden=true\n")
    result = collect(root)
    system, personal = [e for e in result.entries if e.name == "gnome-keyring-ssh.desktop"]
    assert system.detail("replaced-for") == "alice"
    assert system.enabled is True
    assert (personal.user, personal.enabled, personal.command) == ("alice", False, None)
    assert personal.detail("hidden") == "true"


def test_disabled_entries(root: Path) -> None:
    write(
        root,
        "/etc/xdg/autostart/off.desktop",
        "[Desktop Entry]\nName=Off\nExec=/opt/off/bin/off\nX-GNOME-Autostart-enabled=false\n",
    )
    write(
        root,
        "/etc/xdg/autostart/missing.desktop",
        "[Desktop Entry]\nName=Gone\nTryExec=/opt/gone/bin/gone\nExec=/opt/gone/bin/gone -x\n"
        "NotShowIn=KDE;\n",
    )
    result = collect(root)
    (off,) = [e for e in result.entries if e.name == "off.desktop"]
    assert (off.enabled, off.detail("gnome-autostart-enabled")) == (False, "false")
    (gone,) = [e for e in result.entries if e.name == "missing.desktop"]
    assert gone.enabled is False
    assert gone.details == (
        ("display-name", "Gone"),
        ("try-exec", "/opt/gone/bin/gone"),
        ("try-exec-found", "no"),
        ("not-show-in", "KDE;"),
    )
    (found,) = [e for e in result.entries if e.name == "xdg-user-dirs.desktop"]
    assert found.enabled is True  # its TryExec is in /usr/bin


def test_field_codes_and_escapes_are_removed(root: Path) -> None:
    write(
        root,
        f"{ALICE_HOME}/.config/autostart/q.desktop",
        '[Desktop Entry]\nExec=sh -c "/opt/q/run --name=%%x" %f %F %k\n',
    )
    (entry,) = [e for e in collect(root).entries if e.name == "q.desktop"]
    assert entry.command == 'sh -c "/opt/q/run --name=%x"'
    assert entry.program == "/opt/q/run"


def test_kde_autostart_scripts(root: Path) -> None:
    script = f"{ALICE_HOME}/.config/autostart-scripts/pkc12-register"
    write(root, script, "#!/bin/sh\n/home/alice/.pkc/reg &\n", 0o755)
    write(root, f"{ALICE_HOME}/.kde4/Autostart/old.desktop", "[Desktop Entry]\nExec=/opt/o\n")
    write(root, f"{ALICE_HOME}/.kde/Autostart/notes.txt", "not executable\n", 0o644)
    result = collect(root)
    scripts = of_kind(result, "autostart-script")
    assert scripts == [
        Entry(
            collector="linux.autostart",
            kind="autostart-script",
            location=script,
            name="pkc12-register",
            program=script,
            user="alice",
            enabled=True,
            modified=make_host(root).modified(script),
        ),
        Entry(
            collector="linux.autostart",
            kind="autostart-script",
            location=f"{ALICE_HOME}/.kde/Autostart/notes.txt",
            name="notes.txt",
            program=f"{ALICE_HOME}/.kde/Autostart/notes.txt",
            user="alice",
            enabled=False,
            modified=make_host(root).modified(f"{ALICE_HOME}/.kde/Autostart/notes.txt"),
        ),
    ]
    (old,) = [e for e in result.entries if e.name == "old.desktop"]
    assert (old.kind, old.program, old.user) == ("autostart", "/opt/o", "alice")

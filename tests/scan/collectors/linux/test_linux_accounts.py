"""linux.accounts: authorised SSH keys, the SSH server, extra UID 0, NOPASSWD sudo rules."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from linux_fakeroot import (
    ACCOUNT_LINES,
    ALICE_HOME,
    ED25519_FINGERPRINT,
    ED25519_KEY,
    RSA_FINGERPRINT,
    RSA_KEY,
    SUDOERS,
    debian_root,
    link,
    make_host,
    of_kind,
    write,
)

from safecheck.core.entries import Entry
from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.linux.accounts import AccountsCollector, parse_authorized_keys


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return debian_root(tmp_path)


def collect(root: Path) -> CollectorResult:
    result = AccountsCollector().collect(make_host(root))
    assert result.errors == []
    return result


def test_authorized_key_with_fingerprint(root: Path) -> None:
    path = f"{ALICE_HOME}/.ssh/authorized_keys"
    write(root, path, f"# added by alice\n{ED25519_KEY} alice@laptop\n", 0o600)
    (entry,) = of_kind(collect(root), "ssh-key")
    assert entry == Entry(
        collector="linux.accounts",
        kind="ssh-key",
        location=path,
        name="alice@laptop",
        line=2,
        user="alice",
        enabled=True,
        modified=make_host(root).modified(path),
        details=(("type", "ssh-ed25519"), ("fingerprint", ED25519_FINGERPRINT)),
    )


def test_key_with_options_and_forced_command(root: Path) -> None:
    path = "/root/.ssh/authorized_keys2"
    options = 'no-pty,from="203.0.113.0/24",command="/usr/local/bin/tunnel \\"x y\\""'
    write(root, path, f"{options} {RSA_KEY} backup key\n", 0o600)
    (entry,) = of_kind(collect(root), "ssh-key")
    assert (entry.user, entry.name, entry.command, entry.program) == (
        "root",
        "backup key",
        '/usr/local/bin/tunnel "x y"',
        "/usr/local/bin/tunnel",
    )
    assert entry.details == (
        ("type", "ssh-rsa"),
        ("fingerprint", RSA_FINGERPRINT),
        ("options", options),
    )


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")
def test_fingerprint_matches_ssh_keygen(tmp_path: Path) -> None:
    key = tmp_path / "k"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "made in test", "-f", str(key)],
        check=True,
        timeout=30,
    )
    listed = subprocess.run(
        ["ssh-keygen", "-lf", f"{key}.pub"], check=True, capture_output=True, text=True, timeout=30
    ).stdout.split()
    (parsed,) = parse_authorized_keys(Path(f"{key}.pub").read_text())
    assert parsed.fingerprint == listed[1]
    assert parsed.comment == "made in test"


def test_key_in_a_service_account_home(root: Path) -> None:
    path = "/var/www/.ssh/authorized_keys"
    write(root, path, f"{ED25519_KEY} www\n")
    (entry,) = of_kind(collect(root), "ssh-key")
    assert (entry.location, entry.user) == (path, "www-data")


def test_key_file_named_in_sshd_config(root: Path) -> None:
    write(root, "/etc/ssh/sshd_config.d/10-keys.conf", "AuthorizedKeysFile /etc/ssh/keys/%u\n")
    write(root, "/etc/ssh/keys/alice", f"{ED25519_KEY} hidden\n")
    result = collect(root)
    (entry,) = of_kind(result, "ssh-key")
    assert (entry.location, entry.user, entry.name) == ("/etc/ssh/keys/alice", "alice", "hidden")
    (server,) = of_kind(result, "ssh-server")
    assert server.detail("authorizedkeysfile") == "/etc/ssh/keys/%u"


def test_ssh_server_settings_and_match_blocks(root: Path) -> None:
    write(
        root,
        "/etc/ssh/sshd_config.d/50-x.conf",
        "Port 2222\nPermitRootLogin yes\nMatch User bob\n  PasswordAuthentication yes\n",
    )
    (server,) = of_kind(collect(root), "ssh-server")
    assert server == Entry(
        collector="linux.accounts",
        kind="ssh-server",
        location="/usr/sbin/sshd",
        name="sshd",
        program="/usr/sbin/sshd",
        user="root",
        enabled=True,
        modified=make_host(root).modified("/usr/sbin/sshd"),
        details=(
            ("installed", "yes"),
            ("started-by", "ssh.service"),
            ("port", "2222"),
            ("permitrootlogin", "yes"),
        ),
    )


def test_ssh_server_disabled_masked_and_sysv(root: Path) -> None:
    (root / "etc/systemd/system/multi-user.target.wants/ssh.service").unlink()
    (server,) = of_kind(collect(root), "ssh-server")
    assert server.enabled is False
    link(root, "/etc/rc3.d/S02ssh", "../init.d/ssh")
    (server,) = of_kind(collect(root), "ssh-server")
    assert (server.enabled, server.detail("started-by")) == (True, "/etc/rc3.d/S02ssh")
    link(root, "/etc/systemd/system/ssh.service", "/dev/null")
    (server,) = of_kind(collect(root), "ssh-server")
    assert (server.enabled, server.detail("masked")) == (False, "ssh.service")


def test_no_ssh_server(root: Path) -> None:
    (root / "usr/sbin/sshd").unlink()
    assert of_kind(collect(root), "ssh-server") == []


def test_extra_uid0_account(root: Path) -> None:
    write(root, "/etc/passwd", ACCOUNT_LINES + "panixpw:x:0:0::/root:/bin/bash\n")
    (entry,) = of_kind(collect(root), "uid0-account")
    assert entry == Entry(
        collector="linux.accounts",
        kind="uid0-account",
        location="/etc/passwd",
        name="panixpw",
        line=ACCOUNT_LINES.count("\n") + 1,
        user="panixpw",
        enabled=True,
        modified=make_host(root).modified("/etc/passwd"),
        details=(("home", "/root"), ("shell", "/bin/bash")),
    )


def test_nopasswd_rules(root: Path) -> None:
    path = "/etc/sudoers.d/alice"
    write(root, path, "alice ALL=(ALL) NOPASSWD: ALL\n", 0o440)
    write(root, "/etc/sudoers.d/old.bak", "bob ALL=(ALL) NOPASSWD:ALL\n", 0o440)
    write(
        root,
        "/etc/sudoers",
        SUDOERS + "Defaults:alice !authenticate\n%adm ALL=(root) NOPASSWD: /usr/bin/tee, \\\n"
        "    /usr/bin/cat # logs\n",
        0o440,
    )
    entries = of_kind(collect(root), "sudo-nopasswd")
    planted = [e for e in entries if e.location == path]
    assert planted == [
        Entry(
            collector="linux.accounts",
            kind="sudo-nopasswd",
            location=path,
            name="alice",
            command="alice ALL=(ALL) NOPASSWD: ALL",
            line=1,
            user="alice",
            enabled=True,
            modified=make_host(root).modified(path),
            details=(("runs", "ALL"),),
        )
    ]
    line = SUDOERS.count("\n")
    assert [(e.location, e.line, e.name, e.enabled, e.detail("runs")) for e in entries] == [
        ("/etc/sudoers", line + 1, "Defaults:alice", True, "ALL"),
        ("/etc/sudoers", line + 2, "%adm", True, "/usr/bin/tee,     /usr/bin/cat"),
        (path, 1, "alice", True, "ALL"),
        ("/etc/sudoers.d/old.bak", 1, "bob", False, "ALL"),
    ]


def test_key_file_tokens() -> None:
    from safecheck.scan.collectors.linux.accounts import _key_files  # noqa: PLC0415

    assert _key_files(".ssh/k_%%_%u /etc/keys/%U none %h/x", "/home/a", "a", 1000) == [
        "/home/a/.ssh/authorized_keys",
        "/home/a/.ssh/authorized_keys2",
        "/home/a/.ssh/k_%_a",
        "/etc/keys/1000",
        "/home/a/x",
    ]

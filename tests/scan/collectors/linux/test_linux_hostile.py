"""Hostile roots: link loops, links out of the root, FIFOs, devices, huge and binary files,
names that are not UTF-8, unreadable files. Never a traceback, never a hang; what could not be
read is in `errors`."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from linux_fakeroot import ALICE_HOME, ED25519_KEY, debian_root, link, make_host, of_kind, write

from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import Host, ReadError, ReadProblem
from safecheck.scan.collectors.linux import linux_collectors
from safecheck.scan.collectors.linux.accounts import AccountsCollector
from safecheck.scan.collectors.linux.cron import CronCollector
from safecheck.scan.collectors.linux.shellrc import ShellCollector
from safecheck.scan.collectors.linux.systemd import SystemdCollector

TIMEOUT = 60.0


def collect_all(host: Host) -> dict[str, CollectorResult]:
    """Run every collector in a thread, failing (not hanging) when one blocks."""
    results: dict[str, CollectorResult] = {}
    failures: list[BaseException] = []

    def run() -> None:
        try:
            for collector in linux_collectors():
                results[collector.id] = collector.collect(host)
        except BaseException as exc:  # reported below, with the traceback
            failures.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(TIMEOUT)
    assert not worker.is_alive(), "a collector blocked (FIFO or device opened?)"
    if failures:
        raise failures[0]
    return results


def problems(result: CollectorResult) -> set[tuple[str, ReadProblem]]:
    return {(error.path, error.problem) for error in result.errors}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return debian_root(tmp_path / "root")


def test_link_loops(root: Path) -> None:
    link(root, "/etc/cron.d/loop1", "loop2")
    link(root, "/etc/cron.d/loop2", "/etc/cron.d/loop1")
    link(root, "/etc/systemd/system/a.service", "b.service")
    link(root, "/etc/systemd/system/b.service", "a.service")
    link(root, f"{ALICE_HOME}/.ssh/authorized_keys", "authorized_keys")
    link(root, "/etc/NetworkManager/dispatcher.d/sub", "..")
    shutil.rmtree(root / "etc/cron.daily")
    link(root, "/etc/cron.daily", "/etc/cron.daily")
    results = collect_all(make_host(root))
    cron = problems(results["linux.cron"])
    assert ("/etc/cron.d/loop1", ReadProblem.LINK_LOOP) in cron
    assert ("/etc/cron.d/loop2", ReadProblem.LINK_LOOP) in cron
    assert ("/etc/cron.daily", ReadProblem.LINK_LOOP) in cron
    assert ("/etc/crontab", ReadProblem.LINK_LOOP) not in cron
    assert of_kind(results["linux.cron"], "cron-job")  # the rest is still read
    keys = problems(results["linux.accounts"])
    assert (f"{ALICE_HOME}/.ssh/authorized_keys", ReadProblem.LINK_LOOP) in keys
    assert of_kind(results["linux.boot"], "network-dispatcher") == []


def test_absolute_link_resolves_inside_the_root(root: Path) -> None:
    """A link to /etc/shadow on a mounted disk means the disk's /etc/shadow, never ours."""
    write(root, "/etc/shadow", f"{ED25519_KEY} from-the-fake-root\n", 0o600)
    link(root, f"{ALICE_HOME}/.ssh/authorized_keys", "/etc/shadow")
    link(root, "/etc/cron.d/shadow", "/etc/shadow")
    link(root, "/etc/systemd/system/shadow.service", "../../../../../../etc/shadow")
    results = collect_all(make_host(root))
    (key,) = of_kind(results["linux.accounts"], "ssh-key")
    assert key.name == "from-the-fake-root"
    for result in results.values():
        assert all("root:" not in (e.command or "") for e in result.entries)


def test_link_out_of_the_root_to_a_missing_file_is_not_followed(tmp_path: Path) -> None:
    root = debian_root(tmp_path / "root")
    outside = tmp_path / "outside.txt"
    outside.write_text(f"{ED25519_KEY} outside\n")
    link(root, f"{ALICE_HOME}/.ssh/authorized_keys", str(outside))
    link(root, "/root/.ssh/authorized_keys", "../../../outside.txt")
    results = collect_all(make_host(root))
    assert of_kind(results["linux.accounts"], "ssh-key") == []


def test_fifos_do_not_block(root: Path) -> None:
    fifos = [
        "/etc/systemd/system/evil.service",
        "/etc/systemd/system/cron.service.d/x.conf",
        "/etc/cron.d/fifo",
        "/etc/crontab",
        f"{ALICE_HOME}/.bashrc",
        "/etc/ld.so.preload",
        "/etc/xdg/autostart/f.desktop",
        f"{ALICE_HOME}/.ssh/authorized_keys",
        "/etc/sudoers.d/fifo",
        "/etc/update-motd.d/fifo",
    ]
    for path in fifos:
        real = root / path.lstrip("/")
        real.parent.mkdir(parents=True, exist_ok=True)
        if real.exists():
            real.unlink()
        os.mkfifo(real)
    results = collect_all(make_host(root))
    found = set().union(*(problems(r) for r in results.values()))
    for path in fifos:
        assert (path, ReadProblem.NOT_REGULAR) in found


def test_device_files_are_not_opened(root: Path) -> None:
    target = root / "etc/cron.d/zero"
    try:
        os.mknod(target, 0o600 | 0o020000, os.makedev(1, 5))  # a character device like /dev/zero
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device file here: {exc}")
    results = collect_all(make_host(root))
    assert ("/etc/cron.d/zero", ReadProblem.NOT_REGULAR) in problems(results["linux.cron"])


def test_huge_file_is_refused_without_reading(root: Path) -> None:
    crontab = root / "etc/crontab"
    with crontab.open("r+b") as handle:
        handle.truncate(20 * 1024 * 1024)  # sparse: 20 MB without writing them
    big_bashrc = root / "home/alice/.bashrc"
    big_bashrc.write_bytes(b"alias x=y\n" * (2 * 1024 * 1024))
    results = collect_all(make_host(root))
    assert ("/etc/crontab", ReadProblem.TOO_LARGE) in problems(results["linux.cron"])
    assert (f"{ALICE_HOME}/.bashrc", ReadProblem.TOO_LARGE) in problems(results["linux.shell"])


def test_binary_garbage(root: Path) -> None:
    garbage = b"".join(hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(2048))
    for path in (
        "/etc/cron.d/garbage",
        "/var/spool/cron/crontabs/alice",
        "/usr/lib/systemd/system/garbage.service",
        "/etc/xdg/autostart/garbage.desktop",
        f"{ALICE_HOME}/.zshrc",
        f"{ALICE_HOME}/.ssh/authorized_keys",
        "/etc/sudoers.d/garbage",
        "/etc/udev/rules.d/garbage.rules",
        "/etc/apt/apt.conf.d/garbage",
        "/etc/pam.d/garbage",
        "/etc/polkit-1/rules.d/garbage.rules",
        f"{ALICE_HOME}/.gitconfig",
        "/etc/ssh/sshd_config.d/garbage.conf",
        "/var/spool/cron/atjobs/a0000101b15de0",
    ):
        write(root, path, garbage + b"\n" + bytes(range(256)))
    write(root, "/etc/passwd", b"\xff\xfe:x:0:0::/:\n" + garbage + b"\n" + open_passwd(root))
    results = collect_all(make_host(root))
    for result in results.values():
        assert result.errors == []


def open_passwd(root: Path) -> bytes:
    return (root / "etc/passwd").read_bytes()


def test_names_that_are_not_utf8(root: Path) -> None:
    cron_d = os.fsencode(root / "etc/cron.d")
    with open(os.path.join(cron_d, b"job-\xff\xfe"), "wb") as handle:
        handle.write(b"@reboot root /opt/\xe9t\xe9/run\n")
    units = os.fsencode(root / "etc/systemd/system")
    with open(os.path.join(units, b"\xff.service"), "wb") as handle:
        handle.write(b"[Service]\nExecStart=/opt/x\n")
    results = collect_all(make_host(root))
    # undecodable bytes are shown as escapes, in names and in commands alike
    jobs = [e for e in of_kind(results["linux.cron"], "cron-job") if e.name.startswith("job-")]
    assert [(e.name, e.location, e.program) for e in jobs] == [
        ("job-\\xff\\xfe", "/etc/cron.d/job-\\xff\\xfe", "/opt/\\xe9t\\xe9/run")
    ]
    (unit,) = [e for e in results["linux.systemd"].entries if e.program == "/opt/x"]
    assert unit.location == "/etc/systemd/system/\\xff.service"
    assert unit.modified is not None  # the date still comes from the real file
    assert all(r.errors == [] for r in results.values())


def _cron_as_ordinary_account(folder: Path) -> dict[str, list[str]]:
    """Run the cron collector as `nobody` when the tests run as root (root ignores chmod 000),
    so the real refusal from the system is what gets recorded."""

    def collect() -> dict[str, list[str]]:
        result = CronCollector().collect(make_host(folder))
        return {
            "problems": sorted(f"{e.path}={e.problem.value}" for e in result.errors),
            "names": sorted(e.name for e in result.entries),
        }

    if os.geteuid() != 0:
        return collect()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child drops to nobody, collects, reports through the pipe
        report: dict[str, object] = {}
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            report = dict(collect())
        except BaseException as exc:
            report = {"error": repr(exc)}
        finally:
            os.write(write_end, json.dumps(report).encode())
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = json.loads(pipe.read() or b"{}")
    os.waitpid(pid, 0)
    assert "error" not in data, data
    return {"problems": list(data["problems"]), "names": list(data["names"])}


def test_unreadable_files_with_chmod() -> None:
    folder = Path(tempfile.mkdtemp(prefix="safecheck-chmod-"))
    try:
        folder.chmod(0o755)
        write(folder, "/etc/crontab", "* * * * * root /usr/bin/true\n", 0o000)
        write(folder, "/etc/cron.d/job", "* * * * * root /usr/bin/job\n", 0o644)
        for sub in ("etc", "etc/cron.d"):
            (folder / sub).chmod(0o755)
        seen = _cron_as_ordinary_account(folder)
    finally:
        shutil.rmtree(folder)
    assert "/etc/crontab=permission" in seen["problems"]
    assert "job" in seen["names"]  # the readable file next to it is still read


class RefusingHost(Host):
    """A Host that refuses some paths the way the system refuses a normal account."""

    refused: tuple[str, ...] = ()

    def read_bytes(self, path: str, max_bytes: int | None = None) -> bytes:
        if path.startswith(self.refused):
            raise ReadError(path, ReadProblem.PERMISSION, "Permission denied")
        return super().read_bytes(path, max_bytes)


def test_unreadable_files_are_recorded_and_the_rest_is_read(root: Path) -> None:
    write(root, "/etc/sudoers.d/alice", "alice ALL=(ALL) NOPASSWD: ALL\n", 0o440)
    write(root, f"{ALICE_HOME}/.zshrc", "nohup /tmp/x &\n")
    host = RefusingHost("linux", root)
    host.refused = (
        "/etc/sudoers",
        "/usr/lib/systemd/system/ssh.service",
        "/etc/crontab",
        f"{ALICE_HOME}/.bashrc",
    )
    accounts = AccountsCollector().collect(host)
    assert problems(accounts) == {
        ("/etc/sudoers", ReadProblem.PERMISSION),
        ("/etc/sudoers.d/README", ReadProblem.PERMISSION),
        ("/etc/sudoers.d/alice", ReadProblem.PERMISSION),
    }
    systemd = SystemdCollector().collect(host)
    assert problems(systemd) == {("/usr/lib/systemd/system/ssh.service", ReadProblem.PERMISSION)}
    assert {e.name for e in of_kind(systemd, "systemd-unit")} >= {"cron.service"}
    cron = CronCollector().collect(host)
    assert problems(cron) == {("/etc/crontab", ReadProblem.PERMISSION)}
    shell = ShellCollector().collect(host)
    assert problems(shell) == {(f"{ALICE_HOME}/.bashrc", ReadProblem.PERMISSION)}
    assert [e.location for e in shell.entries] == [f"{ALICE_HOME}/.zshrc"]


def test_unreadable_passwd_is_recorded(root: Path) -> None:
    host = RefusingHost("linux", root)
    host.refused = ("/etc/passwd",)
    results = collect_all(host)
    assert ("/etc/passwd", ReadProblem.PERMISSION) in problems(results["linux.accounts"])
    assert results["linux.shell"].entries == []  # no home folders known: system files only


def test_root_is_a_file_or_missing(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    for root in (tmp_path / "file", tmp_path / "missing"):
        results = collect_all(make_host(root))
        assert all(r.entries == [] for r in results.values())


def test_crafted_shell_file_is_read_in_bounded_time(root: Path) -> None:
    """Lines made to slow down searches (many anchors, no match) take linear time."""
    unit = "curl socat tmux new set nc eval python mkfifo " * 170 + "\n"
    write(root, f"{ALICE_HOME}/.bashrc", unit * (6 * 1024 * 1024 // len(unit)))
    host = make_host(root)
    outcome: list[CollectorResult] = []
    worker = threading.Thread(
        target=lambda: outcome.append(ShellCollector().collect(host)), daemon=True
    )
    worker.start()
    worker.join(TIMEOUT)
    assert not worker.is_alive(), "the shell parser took too long on a crafted file"
    assert outcome[0].errors == []


def test_nul_characters_in_paths_read_from_files(root: Path) -> None:
    """Paths taken from file contents (AuthorizedKeysFile, TryExec, @include) may hold a NUL:
    the Host treats them as missing instead of letting os calls raise ValueError."""
    write(root, "/etc/ssh/sshd_config.d/nul.conf", "AuthorizedKeysFile /etc/ssh/k\0%u\n")
    write(root, "/etc/ssh/sshd_config.d/inc.conf", "Include /etc/ssh/x\0*.conf\n")
    write(root, "/etc/xdg/autostart/nul.desktop", "[Desktop Entry]\nTryExec=/opt/a\0b\nExec=x\n")
    write(root, "/etc/sudoers.d/nul", "@include /etc/sudo\0ers.local\n", 0o440)
    results = collect_all(make_host(root))
    assert all(r.errors == [] for r in results.values())
    (entry,) = [e for e in results["linux.autostart"].entries if e.name == "nul.desktop"]
    assert entry.enabled is False

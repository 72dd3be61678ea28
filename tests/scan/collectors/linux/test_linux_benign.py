"""A benign Debian-like system: every collector reads it without error and reports only the
stock facts (nothing in shell files, no key, no NOPASSWD, no extra UID 0 ...)."""

from __future__ import annotations

from pathlib import Path

import pytest
from linux_fakeroot import debian_root, make_host, of_kind

from safecheck.scan.collectors.base import Collector, Status
from safecheck.scan.collectors.linux import linux_collectors
from safecheck.scan.collectors.linux.accounts import AccountsCollector
from safecheck.scan.collectors.linux.autostart import AutostartCollector
from safecheck.scan.collectors.linux.boot import BootCollector
from safecheck.scan.collectors.linux.cron import CronCollector
from safecheck.scan.collectors.linux.shellrc import ShellCollector
from safecheck.scan.collectors.linux.systemd import SystemdCollector


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return debian_root(tmp_path)


def test_the_collectors_are_listed_once_each_for_linux() -> None:
    collectors = linux_collectors()
    ids = [c.id for c in collectors]
    assert ids == [
        "linux.systemd",
        "linux.cron",
        "linux.autostart",
        "linux.shell",
        "linux.boot",
        "linux.accounts",
        "linux.files",
    ]
    for collector in collectors:
        assert collector.platforms == frozenset({"linux"})
        assert collector.live_only is False


@pytest.mark.parametrize("collector", linux_collectors(), ids=lambda c: c.id)
def test_every_collector_reads_the_benign_root_without_error(
    root: Path, collector: Collector
) -> None:
    result = collector.collect(make_host(root))
    assert result.errors == []
    assert result.status == Status.OK
    assert result.checked > 0
    assert all(entry.collector == collector.id for entry in result.entries)


@pytest.mark.parametrize("collector", linux_collectors(), ids=lambda c: c.id)
def test_every_collector_copes_with_an_empty_root(tmp_path: Path, collector: Collector) -> None:
    result = collector.collect(make_host(tmp_path))
    assert result.entries == []
    assert result.errors == []


def test_systemd_reports_stock_units_once_with_their_state(root: Path) -> None:
    result = SystemdCollector().collect(make_host(root))
    starts = [e for e in of_kind(result, "systemd-unit") if e.detail("directive") == "ExecStart"]
    assert sorted((e.name, e.program, e.enabled, e.detail("state")) for e in starts) == [
        ("cron.service", "/usr/sbin/cron", True, "enabled"),
        ("getty@.service", "/sbin/agetty", True, "enabled"),
        ("ssh.service", "/usr/sbin/sshd", True, "enabled"),
        ("systemd-tmpfiles-clean.service", "systemd-tmpfiles", None, "static"),
    ]
    # /lib is a link to /usr/lib: the unit is read once, reported at its /usr/lib path
    assert {e.location for e in starts} == {
        "/usr/lib/systemd/system/cron.service",
        "/usr/lib/systemd/system/getty@.service",
        "/usr/lib/systemd/system/ssh.service",
        "/usr/lib/systemd/system/systemd-tmpfiles-clean.service",
    }
    reloads = [e.command for e in result.entries if e.detail("directive") == "ExecReload"]
    assert reloads == ["/usr/sbin/sshd -t", "/bin/kill -HUP $MAINPID"]
    (timer,) = of_kind(result, "systemd-timer")
    assert timer.detail("triggers") == "systemd-tmpfiles-clean.service"
    assert timer.command == "systemd-tmpfiles --clean"
    assert timer.enabled is True
    assert (timer.detail("OnBootSec"), timer.detail("OnUnitActiveSec")) == ("15min", "1d")
    (generator,) = of_kind(result, "systemd-generator")
    assert generator.program == "/usr/lib/systemd/system-generators/systemd-fstab-generator"
    assert generator.enabled is True
    assert result.checked == 6  # five unit files and one generator


def test_cron_reports_the_stock_crontab(root: Path) -> None:
    result = CronCollector().collect(make_host(root))
    jobs = of_kind(result, "cron-job")
    assert [(j.location, j.line, j.user, j.program) for j in jobs] == [
        ("/etc/crontab", 19, "root", "run-parts"),
        ("/etc/crontab", 20, "root", "run-parts"),
        ("/etc/crontab", 21, "root", "run-parts"),
        ("/etc/crontab", 22, "root", "run-parts"),
        (
            "/etc/cron.d/e2scrub_all",
            1,
            "root",
            "/usr/lib/x86_64-linux-gnu/e2fsprogs/e2scrub_all_cron",
        ),
        ("/etc/cron.d/e2scrub_all", 2, "root", "/sbin/e2scrub_all"),
    ]
    assert jobs[0].detail("schedule") == "17 * * * *"
    assert [e.name for e in of_kind(result, "cron-script")] == ["dpkg"]


def test_autostart_reports_the_system_entries(root: Path) -> None:
    result = AutostartCollector().collect(make_host(root))
    assert [(e.name, e.enabled, e.user) for e in result.entries] == [
        ("at-spi-dbus-bus.desktop", True, None),
        ("gnome-keyring-ssh.desktop", True, None),
        ("xdg-user-dirs.desktop", True, None),
    ]
    keyring = result.entries[1]
    assert keyring.detail("only-show-in") == "GNOME;Unity;MATE;Cinnamon;"


def test_stock_shell_files_give_no_entry(root: Path) -> None:
    result = ShellCollector().collect(make_host(root))
    assert result.entries == []
    assert result.checked == 7  # profile, bash.bashrc, environment, profile.d, 3 home files


def test_boot_reports_only_stock_hooks(root: Path) -> None:
    result = BootCollector().collect(make_host(root))
    kinds = sorted(e.kind for e in result.entries)
    assert kinds == ["dbus-service", "init-script", "motd-script", "package-hook", "udev-rule"]
    (udev,) = of_kind(result, "udev-rule")  # RUN{builtin} is not a program
    assert udev.program == "/usr/lib/udev/hwclock-set"
    (init,) = of_kind(result, "init-script")
    assert init.enabled is True


def test_accounts_reports_only_the_ssh_server(root: Path) -> None:
    result = AccountsCollector().collect(make_host(root))
    (server,) = result.entries
    assert server.kind == "ssh-server"
    assert server.enabled is True
    assert server.detail("started-by") == "ssh.service"

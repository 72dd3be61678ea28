"""linux.boot on one planted item per location."""

from __future__ import annotations

from pathlib import Path

import pytest
from linux_fakeroot import ALICE_HOME, debian_root, link, make_host, of_kind, write

from safecheck.core.entries import Entry
from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.linux.boot import BootCollector


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return debian_root(tmp_path)


def collect(root: Path) -> CollectorResult:
    result = BootCollector().collect(make_host(root))
    assert result.errors == []
    return result


def expected(root: Path, kind: str, location: str, name: str, **fields: object) -> Entry:
    return Entry(
        collector="linux.boot",
        kind=kind,
        location=location,
        name=name,
        modified=make_host(root).modified(location),
        **fields,  # type: ignore[arg-type]
    )


def test_rc_local(root: Path) -> None:
    path = "/etc/rc.local"
    write(root, path, "#!/bin/sh -e\n# rc.local\n\n/usr/local/bin/.rc-helper &\nexit 0\n", 0o755)
    link(root, "/etc/rc.d/rc.local", "../rc.local")
    entries = of_kind(collect(root), "rc-local")
    assert entries == [
        expected(
            root,
            "rc-local",
            path,
            "rc.local",
            command="/usr/local/bin/.rc-helper &",
            program="/usr/local/bin/.rc-helper",
            line=4,
            user="root",
            enabled=True,
        )
    ]


def test_udev_run_rule(root: Path) -> None:
    path = "/etc/udev/rules.d/10-sedexp.rules"
    write(root, path, 'ACTION=="add", ENV{MAJOR}=="1", ENV{MINOR}=="8", RUN+="/bin/sedexp"\n')
    write(root, "/etc/udev/rules.d/85-hwclock.rules", "# local override: nothing\n")
    result = collect(root)
    (planted,) = [e for e in of_kind(result, "udev-rule") if e.location == path]
    assert planted == expected(
        root,
        "udev-rule",
        path,
        "10-sedexp.rules",
        command="/bin/sedexp",
        program="/bin/sedexp",
        line=1,
        user="root",
        enabled=True,
        details=(("key", "RUN"),),
    )
    (hwclock,) = [e for e in of_kind(result, "udev-rule") if e.name == "85-hwclock.rules"]
    assert hwclock.enabled is False
    assert hwclock.detail("shadowed-by") == "/etc/udev/rules.d/85-hwclock.rules"


def test_udev_program_and_import(root: Path) -> None:
    write(
        root,
        "/run/udev/rules.d/60-x.rules",
        'KERNEL=="sd*", PROGRAM="/opt/x/id %k", IMPORT{program}="/opt/x/env $devnode", \\\n'
        '  RUN="/opt/x/go"\nKERNEL=="sd*", PROGRAM=="no"\n',
    )
    entries = [e for e in of_kind(collect(root), "udev-rule") if e.name == "60-x.rules"]
    assert [(e.detail("key"), e.command, e.line) for e in entries] == [
        ("PROGRAM", "/opt/x/id %k", 1),
        ("IMPORT{program}", "/opt/x/env $devnode", 1),
        ("RUN", "/opt/x/go", 1),
    ]


def test_ld_so_preload(root: Path) -> None:
    write(root, "/etc/ld.so.preload", "# preload\n/lib/preload_backdoor.so\n")
    (entry,) = of_kind(collect(root), "ld-preload")
    assert entry == expected(
        root,
        "ld-preload",
        "/etc/ld.so.preload",
        "preload_backdoor.so",
        command="/lib/preload_backdoor.so",
        program="/lib/preload_backdoor.so",
        line=2,
        enabled=True,
    )


def test_kernel_modules(root: Path) -> None:
    path = "/etc/modules-load.d/panix.conf"
    write(root, path, "# load at boot\n; also a comment\npanix\n")
    write(root, "/etc/modules", "# /etc/modules\nloop\nlp io=0x378\n")
    entries = of_kind(collect(root), "kernel-module")
    assert [(e.location, e.name, e.line, e.details) for e in entries] == [
        ("/etc/modules", "loop", 2, ()),
        ("/etc/modules", "lp", 3, (("arguments", "io=0x378"),)),
        (path, "panix", 3, ()),
    ]
    assert entries[2] == expected(
        root, "kernel-module", path, "panix", command="panix", line=3, enabled=True
    )


def test_apt_pre_invoke_hook(root: Path) -> None:
    path = "/etc/apt/apt.conf.d/01python-upgrades"
    write(
        root,
        path,
        'APT::Update::Pre-Invoke {"(nohup /usr/bin/python3 /tmp/.u.py >/dev/null 2>&1 &)"};\n',
    )
    (entry,) = [e for e in of_kind(collect(root), "package-hook") if e.location == path]
    assert entry == expected(
        root,
        "package-hook",
        path,
        "APT::Update::Pre-Invoke",
        command="(nohup /usr/bin/python3 /tmp/.u.py >/dev/null 2>&1 &)",
        program="/usr/bin/python3",
        line=1,
        user="root",
        enabled=True,
        details=(("manager", "apt"),),
    )


def test_dnf_and_yum_plugins(root: Path) -> None:
    write(root, "/etc/dnf/plugins/dnfcon.conf", "[main]\nenabled=1\n")
    write(root, "/etc/dnf/plugins/off.conf", "[main]\nenabled=0\n")
    write(root, "/etc/yum/pluginconf.d/yumcon.conf", "[main]\nenabled = True\n")
    write(root, "/usr/lib/yum-plugins/yumcon.py", "import os\n")
    hooks = [e for e in of_kind(collect(root), "package-hook") if e.detail("plugin")]
    assert [(e.name, e.program, e.line, e.detail("manager")) for e in hooks] == [
        ("dnfcon", None, 2, "dnf"),
        ("yumcon", "/usr/lib/yum-plugins/yumcon.py", 2, "yum"),
    ]


def test_pam_exec(root: Path) -> None:
    path = "/etc/pam.d/common-auth"
    text = (root / path.lstrip("/")).read_text()
    write(
        root,
        path,
        text + "auth optional pam_exec.so quiet expose_authtok /var/log/spy.sh --all\n",
    )
    (entry,) = of_kind(collect(root), "pam-exec")
    assert entry == expected(
        root,
        "pam-exec",
        path,
        "common-auth",
        command="/var/log/spy.sh --all",
        program="/var/log/spy.sh",
        line=text.count("\n") + 1,
        user="root",
        enabled=True,
        details=(("type", "auth"), ("control", "optional"), ("options", "quiet expose_authtok")),
    )


def test_pam_exec_with_bracket_control(root: Path) -> None:
    write(
        root,
        "/etc/pam.d/sshd",
        "@include common-auth\n"
        "-session [success=ok default=ignore] /lib/security/pam_exec.so seteuid log=/tmp/l "
        "/bin/pam_exec_backdoor.sh\n",
    )
    (entry,) = of_kind(collect(root), "pam-exec")
    assert (entry.program, entry.detail("type"), entry.detail("control")) == (
        "/bin/pam_exec_backdoor.sh",
        "session",
        "[success=ok default=ignore]",
    )
    assert entry.detail("options") == "seteuid log=/tmp/l"


def test_polkit_allow_all_rule(root: Path) -> None:
    path = "/etc/polkit-1/rules.d/99-panix.rules"
    write(
        root,
        path,
        "// a helpful rule\n/* return polkit.Result.NO; */\n"
        "polkit.addRule(function(action, subject) {\n"
        '    if (action.id == "org.freedesktop.systemd1.manage-units") {\n'
        "        return polkit.Result.YES;\n    }\n});\n",
    )
    (entry,) = of_kind(collect(root), "polkit-rule")
    assert entry == expected(
        root,
        "polkit-rule",
        path,
        "99-panix.rules",
        line=5,
        enabled=True,
        details=(("allows", "all"), ("actions", "org.freedesktop.systemd1.manage-units")),
    )


def test_polkit_pkla_for_everyone(root: Path) -> None:
    path = "/etc/polkit-1/localauthority/50-local.d/panix.pkla"
    write(
        root,
        path,
        "[Allow Everything]\nIdentity=unix-user:*\nAction=*\nResultAny=yes\n"
        "ResultInactive=yes\nResultActive=yes\n\n"
        "[Admins only]\nIdentity=unix-group:sudo\nAction=*\nResultActive=yes\n",
    )
    (entry,) = of_kind(collect(root), "polkit-rule")
    assert (entry.location, entry.name, entry.line, entry.details) == (
        path,
        "Allow Everything",
        4,
        (("allows", "all"), ("actions", "*")),
    )


def test_git_fsmonitor(root: Path) -> None:
    path = f"{ALICE_HOME}/.config/git/config"
    write(root, path, '[core]\n\tfsmonitor = "/home/alice/.git-hooks/monitor.sh" ; set by x\n')
    write(root, "/etc/gitconfig", "[core]\n\tpager = less -R\n\thooksPath = /opt/hooks\n")
    entries = of_kind(collect(root), "git-config")
    assert entries[-1] == expected(
        root,
        "git-config",
        path,
        "core.fsmonitor",
        command="/home/alice/.git-hooks/monitor.sh",
        program="/home/alice/.git-hooks/monitor.sh",
        line=2,
        user="alice",
        enabled=True,
        details=(("value", "/home/alice/.git-hooks/monitor.sh"),),
    )
    assert [(e.name, e.command, e.detail("value")) for e in entries[:2]] == [
        ("core.pager", "less -R", "less -R"),
        ("core.hooksPath", None, "/opt/hooks"),
    ]


def test_init_script_motd_and_dispatcher(root: Path) -> None:
    write(root, "/etc/init.d/ssh-procps", "#!/bin/sh\n/usr/local/bin/p &\n", 0o755)
    for level in "2345":
        link(root, f"/etc/rc{level}.d/S01ssh-procps", "../init.d/ssh-procps")
    write(root, "/etc/update-motd.d/137-python-upgrades", "#!/bin/sh\n/tmp/u\n", 0o755)
    write(
        root, "/etc/NetworkManager/dispatcher.d/pre-up.d/panix-dispatcher.sh", "#!/bin/sh\n", 0o755
    )
    result = collect(root)
    (init,) = [e for e in of_kind(result, "init-script") if e.name == "ssh-procps"]
    assert init == expected(
        root,
        "init-script",
        "/etc/init.d/ssh-procps",
        "ssh-procps",
        program="/etc/init.d/ssh-procps",
        user="root",
        enabled=True,
    )
    motd = [e.program for e in of_kind(result, "motd-script")]
    assert motd == ["/etc/update-motd.d/10-uname", "/etc/update-motd.d/137-python-upgrades"]
    (nm,) = of_kind(result, "network-dispatcher")
    assert nm.location == "/etc/NetworkManager/dispatcher.d/pre-up.d/panix-dispatcher.sh"
    assert nm.enabled is True


def test_dbus_services(root: Path) -> None:
    system = "/usr/share/dbus-1/system-services/org.panix.persistence.service"
    write(
        root,
        system,
        "[D-BUS Service]\nName=org.panix.persistence\nExec=/usr/local/bin/dbus-panix.sh\n"
        "User=root\n",
    )
    personal = f"{ALICE_HOME}/.local/share/dbus-1/services/org.x.Helper.service"
    write(root, personal, "[D-BUS Service]\nName=org.x.Helper\nExec=/home/alice/.x/helper\n")
    entries = of_kind(collect(root), "dbus-service")
    (planted,) = [e for e in entries if e.location == system]
    assert planted == expected(
        root,
        "dbus-service",
        system,
        "org.panix.persistence",
        command="/usr/local/bin/dbus-panix.sh",
        program="/usr/local/bin/dbus-panix.sh",
        line=3,
        user="root",
        details=(("bus", "system"),),
    )
    (mine,) = [e for e in entries if e.location == personal]
    assert (mine.user, mine.program, mine.detail("bus")) == (
        "alice",
        "/home/alice/.x/helper",
        "session",
    )


def test_scripts_the_runner_would_skip_are_disabled(tmp_path: Path) -> None:
    root = tmp_path
    write(root, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n")
    write(root, "/etc/NetworkManager/dispatcher.d/01-ifupdown", "#!/bin/sh\n", 0o755)
    write(root, "/etc/NetworkManager/dispatcher.d/01-ifupdown.dpkg-new", "#!/bin/sh\n", 0o755)
    write(root, "/etc/NetworkManager/dispatcher.d/.hidden", "#!/bin/sh\n", 0o755)
    write(root, "/etc/update-motd.d/10-uname", "#!/bin/sh\n", 0o755)
    write(root, "/etc/update-motd.d/10-uname.bak", "#!/bin/sh\n", 0o755)
    result = BootCollector().collect(make_host(root))
    enabled = {
        e.name: e.enabled for e in result.entries if e.kind in ("network-dispatcher", "motd-script")
    }
    assert enabled == {
        "01-ifupdown": True,
        "01-ifupdown.dpkg-new": False,
        ".hidden": False,
        "10-uname": True,
        "10-uname.bak": False,
    }

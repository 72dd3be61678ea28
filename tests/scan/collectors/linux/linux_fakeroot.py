"""Fake Linux roots for the collector tests: real-format files written under tmp_path.

`debian_root` builds a benign, Debian-like system (merged /usr, stock units, crontab, autostart
entries, shell files, sudoers); tests then plant one thing each and check the exact entry.
"""

from __future__ import annotations

import os
from pathlib import Path

from safecheck.core.entries import Entry
from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import Host

ALICE_HOME = "/home/alice"

ACCOUNT_LINES = """\
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
systemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin
sshd:x:100:65534::/run/sshd:/usr/sbin/nologin
alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash
"""

CRON_SERVICE = """\
[Unit]
Description=Regular background program processing daemon
Documentation=man:cron(8)
After=remote-fs.target nss-user-lookup.target

[Service]
EnvironmentFile=-/etc/default/cron
ExecStart=/usr/sbin/cron -f -P $EXTRA_OPTS
IgnoreSIGPIPE=false
KillMode=process
Restart=on-failure
SyslogFacility=cron

[Install]
WantedBy=multi-user.target
"""

SSH_SERVICE = """\
[Unit]
Description=OpenBSD Secure Shell server
Documentation=man:sshd(8) man:sshd_config(5)
After=network.target auditd.service
ConditionPathExists=!/etc/ssh/sshd_not_to_be_run

[Service]
EnvironmentFile=-/etc/default/ssh
ExecStartPre=/usr/sbin/sshd -t
ExecStart=/usr/sbin/sshd -D $SSHD_OPTS
ExecReload=/usr/sbin/sshd -t
ExecReload=/bin/kill -HUP $MAINPID
KillMode=process
Restart=on-failure
RestartPreventExitStatus=255
Type=notify
RuntimeDirectory=sshd
RuntimeDirectoryMode=0755

[Install]
WantedBy=multi-user.target
Alias=sshd.service
"""

GETTY_SERVICE = """\
[Unit]
Description=Getty on %I
Documentation=man:agetty(8) man:systemd-getty-generator(8)
After=systemd-user-sessions.service plymouth-quit-wait.service getty-pre.target
Before=getty.target
ConditionPathExists=/dev/tty0

[Service]
# the VT is cleared by TTYVTDisallocate
ExecStart=-/sbin/agetty -o '-p -- \\\\u' --noclear - $TERM
Type=idle
Restart=always
UtmpIdentifier=%I

[Install]
WantedBy=getty.target
DefaultInstance=tty1
"""

TMPFILES_TIMER = """\
[Unit]
Description=Daily Cleanup of Temporary Directories
Documentation=man:tmpfiles.d(5) man:systemd-tmpfiles(8)

[Timer]
OnBootSec=15min
OnUnitActiveSec=1d
"""

TMPFILES_SERVICE = """\
[Unit]
Description=Cleanup of Temporary Directories
DefaultDependencies=no

[Service]
Type=oneshot
ExecStart=systemd-tmpfiles --clean
SuccessExitStatus=DATAERR
"""

CRONTAB = """\
# /etc/crontab: system-wide crontab
# Unlike any other crontab you don't have to run the `crontab'
# command to install the new version when you edit this file
# and files in /etc/cron.d. These files also have username fields,
# that none of the other crontabs do.

SHELL=/bin/sh
# You can also override PATH, but by default, newer versions inherit it from the environment
#PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin

# Example of job definition:
# .---------------- minute (0 - 59)
# |  .------------- hour (0 - 23)
# |  |  .---------- day of month (1 - 31)
# |  |  |  .------- month (1 - 12) OR jan,feb,mar,apr ...
# |  |  |  |  .---- day of week (0 - 6) (Sunday=0 or 7) OR sun,mon,tue,wed,thu,fri,sat
# |  |  |  |  |
# *  *  *  *  * user-name command to be executed
17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly
25 6\t* * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }
47 6\t* * 7\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.weekly; }
52 6\t1 * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.monthly; }
#
"""

E2SCRUB = (
    "30 3 * * 0 root test -e /run/systemd/system || "
    "SERVICE_MODE=1 /usr/lib/x86_64-linux-gnu/e2fsprogs/e2scrub_all_cron\n"
    "10 3 * * * root test -e /run/systemd/system || SERVICE_MODE=1 /sbin/e2scrub_all -A -r\n"
)

AT_SPI_DESKTOP = """\
[Desktop Entry]
Type=Application
Name=AT-SPI D-Bus Bus
Exec=/usr/libexec/at-spi-bus-launcher --launch-immediately
OnlyShowIn=GNOME;
NoDisplay=true
X-GNOME-AutoRestart=true
X-GNOME-Autostart-Phase=Initialization
"""

USER_DIRS_DESKTOP = """\
[Desktop Entry]
Exec=xdg-user-dirs-update
TryExec=xdg-user-dirs-update
NoDisplay=true
X-GNOME-Autostart-Phase=Initialization
X-KDE-autostart-phase=1
Name=User folders update
Name[fr]=Mise à jour des dossiers utilisateur
Comment=Update common folders names to match current locale
Type=Application
"""

KEYRING_DESKTOP = """\
[Desktop Entry]
Type=Application
Name=SSH Key Agent
Comment=GNOME Keyring: SSH Agent
Exec=/usr/bin/gnome-keyring-daemon --start --components=ssh
OnlyShowIn=GNOME;Unity;MATE;Cinnamon;
X-GNOME-Autostart-Phase=PreDisplayServer
X-GNOME-AutoRestart=false
X-GNOME-Autostart-Notify=true
X-GNOME-Bugzilla-Bugzilla=GNOME
X-GNOME-Bugzilla-Product=gnome-keyring
X-GNOME-Bugzilla-Component=general
"""

BASHRC = """\
# ~/.bashrc: executed by bash(1) for non-login shells.

# If not running interactively, don't do anything
case $- in
    *i*) ;;
      *) return;;
esac

HISTCONTROL=ignoreboth
shopt -s histappend
HISTSIZE=1000
HISTFILESIZE=2000
shopt -s checkwinsize

#[ -x /usr/bin/lesspipe ] && eval "$(SHELL=/bin/sh lesspipe)"

if [ -z "${debian_chroot:-}" ] && [ -r /etc/debian_chroot ]; then
    debian_chroot=$(cat /etc/debian_chroot)
fi

case "$TERM" in
    xterm-color|*-256color) color_prompt=yes;;
esac

if [ "$color_prompt" = yes ]; then
    PS1='${debian_chroot:+($debian_chroot)}\\[\\033[01;32m\\]\\u@\\h\\[\\033[00m\\]:\\w\\$ '
else
    PS1='${debian_chroot:+($debian_chroot)}\\u@\\h:\\w\\$ '
fi
unset color_prompt force_color_prompt

if [ -x /usr/bin/dircolors ]; then
    test -r ~/.dircolors && eval "$(dircolors -b ~/.dircolors)" || eval "$(dircolors -b)"
    alias ls='ls --color=auto'
    alias grep='grep --color=auto'
fi

alias ll='ls -alF'
alias la='ls -A'
alias l='ls -CF'
alias alert='notify-send --urgency=low -i "$([ $? = 0 ] && echo terminal || echo error)" \
"$(history|tail -n1|sed -e '\\''s/^\\s*[0-9]\\+\\s*//;s/[;&|]\\s*alert$//'\\'')"'

if [ -f ~/.bash_aliases ]; then
    . ~/.bash_aliases
fi

if ! shopt -oq posix; then
  if [ -f /usr/share/bash-completion/bash_completion ]; then
    . /usr/share/bash-completion/bash_completion
  elif [ -f /etc/bash_completion ]; then
    . /etc/bash_completion
  fi
fi
export PATH="$HOME/.local/bin:$PATH"
"""

PROFILE = """\
# ~/.profile: executed by the command interpreter for login shells.
if [ -n "$BASH_VERSION" ]; then
    if [ -f "$HOME/.bashrc" ]; then
\t. "$HOME/.bashrc"
    fi
fi
if [ -d "$HOME/bin" ] ; then
    PATH="$HOME/bin:$PATH"
fi
"""

ETC_PROFILE = """\
# /etc/profile: system-wide .profile file for the Bourne shell (sh(1))
if [ "$(id -u)" -eq 0 ]; then
  PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
else
  PATH="/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games"
fi
export PATH

if [ "${PS1-}" ]; then
  if [ "${BASH-}" ] && [ "$BASH" != "/bin/sh" ]; then
    if [ -f /etc/bash.bashrc ]; then
      . /etc/bash.bashrc
    fi
  else
    if [ "$(id -u)" -eq 0 ]; then
      PS1='# '
    else
      PS1='$ '
    fi
  fi
fi

if [ -d /etc/profile.d ]; then
  for i in /etc/profile.d/*.sh; do
    if [ -r $i ]; then
      . $i
    fi
  done
  unset i
fi
"""

BASH_BASHRC = """\
# System-wide .bashrc file for interactive bash(1) shells.
[ -z "$PS1" ] && return
shopt -s checkwinsize
if [ -x /usr/lib/command-not-found -o -x /usr/share/command-not-found/command-not-found ]; then
\tfunction command_not_found_handle {
                if [ -x /usr/lib/command-not-found ]; then
\t\t   /usr/lib/command-not-found -- "$1"
                   return $?
\t\telse
\t\t   printf "%s: command not found\\n" "$1" >&2
\t\t   return 127
\t\tfi
\t}
fi
"""

BASH_COMPLETION_SH = """\
# shellcheck shell=sh disable=SC1091,SC2039,SC2166
# Check for interactive bash and that we haven't already been sourced.
if [ "x${BASH_VERSION-}" != x -a "x${PS1-}" != x -a "x${BASH_COMPLETION_VERSINFO-}" = x ]; then
    # Check for recent enough version of bash.
    if [ "${BASH_VERSINFO[0]}" -gt 4 ] || \\
        [ "${BASH_VERSINFO[0]}" -eq 4 -a "${BASH_VERSINFO[1]}" -ge 2 ]; then
        [ -r "${XDG_CONFIG_HOME:-$HOME/.config}/bash_completion" ] && \\
            . "${XDG_CONFIG_HOME:-$HOME/.config}/bash_completion"
        if shopt -q progcomp && [ -r /usr/share/bash-completion/bash_completion ]; then
            # Source completion code.
            . /usr/share/bash-completion/bash_completion
        fi
    fi
fi
"""

HWCLOCK_RULES = """\
# Set the System Time from the Hardware Clock and set the kernel's timezone
# value to the local timezone when the kernel clock module is loaded.

KERNEL=="rtc0", RUN+="/usr/lib/udev/hwclock-set $root/$name"
"""

DM_RULES = """\
SUBSYSTEM!="block", GOTO="dm_end"
KERNEL!="dm-[0-9]*", GOTO="dm_end"
ACTION!="add|change", GOTO="dm_end"
ENV{DM_UDEV_RULES_VSN}="2"
RUN{builtin}+="kmod load dm_mod"
LABEL="dm_end"
"""

LOGIN1_DBUS = """\
#  SPDX-License-Identifier: LGPL-2.1-or-later

[D-BUS Service]
Name=org.freedesktop.login1
Exec=/bin/false
User=root
SystemdService=dbus-org.freedesktop.login1.service
"""

DEBCONF_APT = """\
// Pre-configure all packages with debconf before they are installed.
// If you don't like it, comment it out.
DPkg::Pre-Install-Pkgs {"/usr/sbin/dpkg-preconfigure --apt || true";};
"""

COMMON_AUTH = """\
#
# /etc/pam.d/common-auth - authentication settings common to all services
#
# here are the per-package modules (the "Primary" block)
auth\t[success=1 default=ignore]\tpam_unix.so nullok
# here's the fallback if no module succeeds
auth\trequisite\t\t\tpam_deny.so
auth\trequired\t\t\tpam_permit.so
auth\toptional\t\t\tpam_cap.so
"""

POLKIT_ADMIN_RULES = """\
// Allow members of the sudo group to administer without password? No: ask them.
polkit.addAdminRule(function(action, subject) {
    return ["unix-group:sudo"];
});

polkit.addRule(function(action, subject) {
    if (action.id == "org.freedesktop.NetworkManager.settings.modify.system" &&
        subject.isInGroup("netdev")) {
        return polkit.Result.YES;
    }
});
"""

SUDOERS = """\
#
# This file MUST be edited with the 'visudo' command as root.
#
Defaults\tenv_reset
Defaults\tmail_badpass
Defaults\tsecure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
Defaults\tuse_pty

# User privilege specification
root\tALL=(ALL:ALL) ALL

# Allow members of group sudo to execute any command
%sudo\tALL=(ALL:ALL) ALL

# See sudoers(5) for more information on "@include" directives:

@includedir /etc/sudoers.d
"""

SUDOERS_README = """\
#
# The default /etc/sudoers file created on installation of the
# sudo  package now includes the directive:
#
# \t@includedir /etc/sudoers.d
#
# This will cause sudo to read and parse any files in the /etc/sudoers.d
# directory that do not end in '~' or contain a '.' character.
#
"""

SSHD_CONFIG = """\
# This is the sshd server system-wide configuration file.  See
# sshd_config(5) for more information.

Include /etc/ssh/sshd_config.d/*.conf

#Port 22
#PermitRootLogin prohibit-password
KbdInteractiveAuthentication no
UsePAM yes
X11Forwarding yes
PrintMotd no
AcceptEnv LANG LC_*
Subsystem\tsftp\t/usr/lib/openssh/sftp-server
"""

GITCONFIG = """\
[user]
\tname = Alice
\temail = alice@example.org
[init]
\tdefaultBranch = main
"""

MOTD_UNAME = "#!/bin/sh\nuname -snrvm\n"
CRON_INIT = "#!/bin/sh\n### BEGIN INIT INFO\n# Provides:          cron\n### END INIT INFO\n"
RC_CRON_DAILY_DPKG = "#!/bin/sh\n# Skip if systemd is running.\nexit 0\n"

# A real ed25519 public key and its fingerprint as printed by `ssh-keygen -lf` (test vector
# made once with ssh-keygen 9; the private half was thrown away).
ED25519_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJcK+Kit6wJcUCHzlH7y4VKWuFkUpQlJRpjlf27pwVB6"
ED25519_FINGERPRINT = "SHA256:iK/z4tPdwr4L4jmnqQ/5yVDd0HEz4Xi6+qlk9Y1wUVQ"
RSA_KEY = (
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDBlPZEwZ+PJvigrYlXqM6uXonkD3gz53IM5b5JYje5WlrQ1mHKDHx"
    "+gA7iFhBNDzanb4pSuftGUhBBDk9lTw4CyrACLfP4jNuM/w+2/Q2qYFK3+vYllXAm2HoUPfEbLZCYHa6bTdJpR5lq"
    "UCccWqRbeaMh+r/e+jlpCzjTvjmEjB7Wm/MfH6X8yIUfd3CLNzsNMfodUmIeY6hUTsr150ITMUEUa41Y+zLJqHvg2"
    "gHomWpATniYLtgw3dyKZSmhT+JVjl3O0V9K+ww3Rrj7rPSnT9xYAZe1xMcimseasM54KZWdcBGTcSMXDiFZ9VKFAgA4"
    "ermDL35ZcfeDSfq01sSR"
)
RSA_FINGERPRINT = "SHA256:ttpy85gK+ftn4Z+MaSUb2oUdo9MPIX/0edbBqBE5XYA"


def write(root: Path, path: str, content: str | bytes, mode: int = 0o644) -> Path:
    """Write a file at an inspected-system path under `root`, creating its folders."""
    real = root / path.lstrip("/")
    real.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        real.write_bytes(content)
    else:
        real.write_text(content, encoding="utf-8")
    real.chmod(mode)
    return real


def link(root: Path, path: str, target: str) -> Path:
    """A symbolic link at `path` (inside the root) whose text is `target`, as on the system."""
    real = root / path.lstrip("/")
    real.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, real)
    return real


def folder(root: Path, path: str) -> Path:
    real = root / path.lstrip("/")
    real.mkdir(parents=True, exist_ok=True)
    return real


def make_host(root: Path) -> Host:
    return Host("linux", root)


def of_kind(result: CollectorResult, kind: str) -> list[Entry]:
    return [entry for entry in result.entries if entry.kind == kind]


def debian_root(root: Path) -> Path:
    """A benign Debian-like system: what a fresh desktop install has in these places."""
    link(root, "/lib", "usr/lib")
    link(root, "/bin", "usr/bin")
    link(root, "/sbin", "usr/sbin")
    write(root, "/etc/passwd", ACCOUNT_LINES)
    folder(root, "/root")
    folder(root, "/tmp")
    folder(root, f"{ALICE_HOME}/Downloads")
    folder(root, ALICE_HOME)
    folder(root, "/var/www")
    folder(root, "/dev")
    for program in ("cron", "sshd", "agetty", "dpkg-preconfigure"):
        write(root, f"/usr/sbin/{program}", b"\x7fELF", 0o755)
    for program in ("xdg-user-dirs-update", "gnome-keyring-daemon", "systemd-tmpfiles"):
        write(root, f"/usr/bin/{program}", b"\x7fELF", 0o755)
    # systemd
    units = "/usr/lib/systemd/system"
    write(root, f"{units}/cron.service", CRON_SERVICE)
    write(root, f"{units}/ssh.service", SSH_SERVICE)
    write(root, f"{units}/getty@.service", GETTY_SERVICE)
    write(root, f"{units}/systemd-tmpfiles-clean.timer", TMPFILES_TIMER)
    write(root, f"{units}/systemd-tmpfiles-clean.service", TMPFILES_SERVICE)
    link(
        root,
        f"{units}/timers.target.wants/systemd-tmpfiles-clean.timer",
        "../systemd-tmpfiles-clean.timer",
    )
    link(root, f"{units}/dbus-org.freedesktop.login1.service", "systemd-logind.service")
    etc = "/etc/systemd/system"
    link(root, f"{etc}/multi-user.target.wants/cron.service", "/lib/systemd/system/cron.service")
    link(root, f"{etc}/multi-user.target.wants/ssh.service", "/lib/systemd/system/ssh.service")
    link(root, f"{etc}/sshd.service", "/lib/systemd/system/ssh.service")
    link(root, f"{etc}/getty.target.wants/getty@tty1.service", "/lib/systemd/system/getty@.service")
    write(root, "/usr/lib/systemd/system-generators/systemd-fstab-generator", b"\x7fELF", 0o755)
    # cron
    write(root, "/etc/crontab", CRONTAB)
    write(root, "/etc/cron.d/e2scrub_all", E2SCRUB)
    write(root, "/etc/cron.d/.placeholder", "# DO NOT EDIT OR REMOVE\n")
    write(root, "/etc/cron.daily/dpkg", RC_CRON_DAILY_DPKG, 0o755)
    folder(root, "/var/spool/cron/crontabs")
    # autostart
    write(root, "/etc/xdg/autostart/at-spi-dbus-bus.desktop", AT_SPI_DESKTOP)
    write(root, "/etc/xdg/autostart/xdg-user-dirs.desktop", USER_DIRS_DESKTOP)
    write(root, "/etc/xdg/autostart/gnome-keyring-ssh.desktop", KEYRING_DESKTOP)
    # shell
    write(root, "/etc/profile", ETC_PROFILE)
    write(root, "/etc/bash.bashrc", BASH_BASHRC)
    write(root, "/etc/profile.d/bash_completion.sh", BASH_COMPLETION_SH)
    write(root, "/etc/environment", "")
    write(root, f"{ALICE_HOME}/.bashrc", BASHRC)
    write(root, f"{ALICE_HOME}/.profile", PROFILE)
    write(root, "/root/.bashrc", BASHRC)
    # boot and hooks
    write(root, "/etc/init.d/cron", CRON_INIT, 0o755)
    link(root, "/etc/rc2.d/S01cron", "../init.d/cron")
    write(root, "/etc/update-motd.d/10-uname", MOTD_UNAME, 0o755)
    write(root, "/usr/lib/udev/rules.d/85-hwclock.rules", HWCLOCK_RULES)
    write(root, "/usr/lib/udev/rules.d/55-dm.rules", DM_RULES)
    write(root, "/etc/modules", "# /etc/modules: kernel modules to load at boot time.\n#\n")
    write(root, "/usr/share/dbus-1/system-services/org.freedesktop.login1.service", LOGIN1_DBUS)
    write(root, "/etc/apt/apt.conf.d/70debconf", DEBCONF_APT)
    write(root, "/etc/pam.d/common-auth", COMMON_AUTH)
    write(root, "/usr/share/polkit-1/rules.d/50-default.rules", POLKIT_ADMIN_RULES)
    write(root, f"{ALICE_HOME}/.gitconfig", GITCONFIG)
    # accounts
    write(root, "/etc/ssh/sshd_config", SSHD_CONFIG)
    folder(root, "/etc/ssh/sshd_config.d")
    write(root, "/etc/sudoers", SUDOERS, 0o440)
    write(root, "/etc/sudoers.d/README", SUDOERS_README, 0o440)
    return root

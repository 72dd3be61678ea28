"""The case store: one writer at a time, kill -9 during writes never loses what was saved, a
newer format is refused clearly."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from case_helpers import FAST, PASSPHRASE, case_cli, fast_and_private

from safecheck.case import CASE_FILE, Case, CaseError
from safecheck.core import crypto

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and flock")

CHILD = """
import sys
from pathlib import Path
from safecheck.case import store
from safecheck.core.crypto import ScryptParams
store.SCRYPT_PARAMS = ScryptParams(log2_n=4, r=1, p=1)
folder, passphrase, start, mode = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
case = store.Case.open(folder, passphrase)
print("open", flush=True)
if mode == "hold":
    sys.stdin.readline()
    raise SystemExit(0)
number = start
while True:
    case.add_note("consultant", f"note-{number}-" + "x" * (number % 50), "KL")
    case.save()
    print(number, flush=True)
    number += 1
"""


def child(folder: Path, start: int, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(folder), PASSPHRASE, str(start), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    fast_and_private(monkeypatch, tmp_path)
    place = tmp_path / "case"
    Case.create(place, PASSPHRASE, "AB").close()
    return place


def test_two_writers_in_one_process(folder: Path) -> None:
    with Case.open(folder, PASSPHRASE), pytest.raises(CaseError, match="open in another"):
        Case.open(folder, PASSPHRASE)
    Case.open(folder, PASSPHRASE).close()  # released


def test_a_second_safecheck_gets_a_clear_message(folder: Path, tmp_path: Path) -> None:
    holder = child(folder, 0, "hold")
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        before = (folder / CASE_FILE).read_bytes()
        pw = tmp_path / "secrets" / "pw.txt"
        result = case_cli("note", str(folder), "--text", "hello", "--passphrase-file", str(pw))
        assert result.exit_code == 2
        assert "the case is open in another safecheck" in result.output
        assert (folder / CASE_FILE).read_bytes() == before
        result = case_cli("wipe", str(folder), "--yes")
        assert result.exit_code == 2
        assert (folder / CASE_FILE).exists()
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    result = case_cli("note", str(folder), "--text", "hello", "--passphrase-file", str(pw))
    assert result.exit_code == 0, result.output


def test_kill_9_during_writes_loses_nothing_saved(folder: Path) -> None:
    rng = random.Random(7)  # noqa: S311 -- test timings, not secrets
    saved: set[int] = set()
    start = 0
    for _ in range(20):
        writer = child(folder, start, "loop")
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "open"
        time.sleep(rng.uniform(0.01, 0.3))
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
        for line in writer.stdout.read().splitlines():
            if line.strip().isdigit():
                saved.add(int(line))
        writer.stdout.close()
        with Case.open(folder, PASSPHRASE) as case:  # readable, and the lock was released
            numbers = {int(n["text"].split("-")[1]) for n in case.notes}
        missing = saved - numbers
        assert not missing, f"notes reported as saved but lost: {sorted(missing)}"
        start = max(numbers | saved, default=-1) + 1
        leftovers = {p.name for p in folder.iterdir()} - {CASE_FILE}
        # Only the instant between naming the complete temporary file and the rename can
        # leave one; it is encrypted and complete.
        assert all(name.startswith(".safecheck-") for name in leftovers), leftovers
    assert len(saved) >= 20


def test_a_newer_format_is_refused(folder: Path) -> None:
    data = {"format": "safecheck-case", "version": 2, "devices": [], "notes": [], "log": []}
    blob = crypto.encrypt(json.dumps(data).encode(), PASSPHRASE, params=FAST)
    (folder / CASE_FILE).write_bytes(blob)
    with pytest.raises(CaseError, match="update safecheck"):
        Case.open(folder, PASSPHRASE)
    blob = crypto.encrypt(b'{"format": "other"}', PASSPHRASE, params=FAST)
    (folder / CASE_FILE).write_bytes(blob)
    with pytest.raises(CaseError, match="damaged or was not made by safecheck"):
        Case.open(folder, PASSPHRASE)


def test_the_content_is_what_was_saved(folder: Path) -> None:
    with Case.open(folder, PASSPHRASE) as case:
        case.add_note("client", "éà ✓", "MN")
        case.add_device("tablet", "scan", {"schema_version": "1.1"})
        case.save()
    with Case.open(folder, PASSPHRASE) as case:
        assert case.notes[0]["text"] == "éà ✓"
        assert case.devices[0]["label"] == "tablet"


def test_a_case_file_that_is_a_link_is_never_followed(tmp_path: Path) -> None:
    from safecheck.case.store import wipe  # noqa: PLC0415

    folder = tmp_path / "case"
    Case.create(folder, PASSPHRASE, "AB").close()
    outside = tmp_path / "outside.txt"
    outside.write_bytes((folder / CASE_FILE).read_bytes())  # even a real case elsewhere
    before = outside.read_bytes()
    (folder / CASE_FILE).unlink()
    (folder / CASE_FILE).symlink_to(outside)
    with pytest.raises(CaseError, match="is a link"):
        wipe(folder)
    with pytest.raises(CaseError, match="is a link"):
        Case.open(folder, PASSPHRASE)
    assert outside.read_bytes() == before
    assert (folder / CASE_FILE).is_symlink()

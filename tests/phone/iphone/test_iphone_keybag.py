"""The backup keybag: Apple's round counts, a wrong password, damaged and hostile keybags."""

from __future__ import annotations

import os
import struct
import time
from pathlib import Path

import pytest
from iphone_backup_builder import Keys, spied_backup

from safecheck.phone.iphone import keybag as kb
from safecheck.phone.iphone.backup import open_backup


def test_apple_round_counts_open_a_backup_in_seconds(tmp_path: Path) -> None:
    # iOS 10.2+ writes DPIC = 10,000,000 and ITER = 10,000: the real cost of a real backup
    folder = spied_backup(tmp_path / "b", tmp_path, "pw", dpic=10_000_000, iterations=10_000)
    started = time.monotonic()
    with open_backup(folder, "pw") as backup:
        assert backup.db is not None
        assert backup.files("1", limit=1000)
    elapsed = time.monotonic() - started
    assert elapsed < 30, f"{elapsed:.1f} s"  # ~3 s on a laptop, twice the key derivation at most


def test_class_keys_unwrap_with_the_right_password_only() -> None:
    keys = Keys("secret", dpic=100, iterations=5)
    bag = kb.parse_keybag(keys.keybag())
    assert bag.integer("ITER") == 5 and bag.integer("DPIC") == 100
    assert set(bag.class_keys) == set(keys.class_keys)
    assert kb.unlock(bag, "secret") == keys.class_keys
    with pytest.raises(kb.WrongPassword):
        kb.unlock(bag, "Secret")


def test_wrapped_file_keys_and_contents() -> None:
    keys = Keys("pw", dpic=10, iterations=1)
    class_keys = kb.unlock(kb.parse_keybag(keys.keybag()), "pw")
    file_key = os.urandom(32)
    assert kb.unwrap_with_class(class_keys, keys.wrapped(3, file_key)) == file_key
    with pytest.raises(kb.KeybagError):
        kb.unwrap_with_class(class_keys, struct.pack("<I", 99) + b"\x00" * 40)  # no such class
    with pytest.raises(kb.KeybagError):
        kb.unwrap_with_class(class_keys, keys.wrapped(3, file_key)[:-8])
    with pytest.raises(kb.KeybagError):
        kb.decrypt(file_key, b"\x00" * 15)


@pytest.mark.parametrize(
    "blob",
    [
        b"",
        b"VERS",  # a header cut short
        b"VERS\x00\x00\x10\x00abc",  # a length past the end
        b"\xff\xfe\xfd\xfc\x00\x00\x00\x00",  # a tag that is not text
        b"VERS\x00\x00\x00\x04\x00\x00\x00\x03",  # no SALT, no ITER
        b"x" * (kb.MAX_KEYBAG_BYTES + 1),
    ],
)
def test_damaged_keybags(blob: bytes) -> None:
    with pytest.raises(kb.KeybagError):
        kb.parse_keybag(blob)


def test_a_keybag_asking_for_endless_rounds_is_refused_at_once() -> None:
    keys = Keys("pw", dpic=10, iterations=10)
    field = b"DPIC" + struct.pack(">II", 4, 10)
    blob = keys.keybag().replace(field, b"DPIC" + struct.pack(">II", 4, 2**32 - 1))
    started = time.monotonic()
    with pytest.raises(kb.KeybagError, match="rounds"):
        kb.unlock(kb.parse_keybag(blob), "pw")
    assert time.monotonic() - started < 1


def test_a_keybag_without_password_protected_keys() -> None:
    keys = Keys("pw", dpic=10, iterations=1)
    blob = keys.keybag().replace(struct.pack(">I", 2) + b"KTYP", struct.pack(">I", 1) + b"KTYP")
    with pytest.raises(kb.KeybagError, match="no class key"):
        kb.unlock(kb.parse_keybag(blob), "pw")

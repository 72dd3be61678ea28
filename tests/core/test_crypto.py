"""Encrypted reports: round trip, wrong passphrase, damaged and truncated files, passphrases."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safecheck.core.crypto import (
    DEFAULT_SCRYPT,
    MAGIC,
    NONCE_LEN,
    SALT_LEN,
    TAG_LEN,
    DamagedFileError,
    EncryptedFileError,
    NotEncryptedFileError,
    PassphraseError,
    ScryptParams,
    TruncatedFileError,
    UnsupportedFormatError,
    WrongPassphraseError,
    decrypt,
    encrypt,
    looks_encrypted,
    passphrase_strength_note,
    read_header,
    read_passphrase_file,
)
from safecheck.core.errors import SafecheckError

# Fast parameters for tests only: 2 KiB of memory instead of 128 MiB.
FAST = ScryptParams(log2_n=4, r=1, p=1)
REPORT = b'{"schema_version": "1.0", "findings": []}\n'
PASSPHRASE = "blue tractor under the rain"  # noqa: S105


@pytest.fixture(scope="module")
def blob() -> bytes:
    return encrypt(REPORT, PASSPHRASE, params=FAST)


def test_round_trip(blob: bytes) -> None:
    assert decrypt(blob, PASSPHRASE) == REPORT
    assert looks_encrypted(blob)
    assert not looks_encrypted(REPORT)
    assert REPORT not in blob


def test_round_trip_with_default_parameters() -> None:
    sealed = encrypt(b"secret", PASSPHRASE)
    header = read_header(sealed)
    assert header.scrypt == DEFAULT_SCRYPT == ScryptParams(17, 8, 1)
    assert decrypt(sealed, PASSPHRASE) == b"secret"


def test_empty_plaintext(blob: bytes) -> None:
    sealed = encrypt(b"", PASSPHRASE, params=FAST)
    assert len(sealed) == read_header(blob).size + TAG_LEN
    assert decrypt(sealed, PASSPHRASE) == b""


def test_header_read_back(blob: bytes) -> None:
    header = read_header(blob)
    assert header.version == 1
    assert header.kdf == 1 and header.cipher == 1
    assert header.scrypt == FAST
    assert header.plaintext_length == len(REPORT)
    assert len(header.salt) == SALT_LEN and len(header.nonce) == NONCE_LEN
    assert header.size == len(MAGIC) + 3 + 3 + 1 + SALT_LEN + NONCE_LEN + 8
    assert len(blob) == header.size + len(REPORT) + TAG_LEN
    assert blob.startswith(MAGIC)


def test_fresh_salt_and_nonce_each_time() -> None:
    one = read_header(encrypt(REPORT, PASSPHRASE, params=FAST))
    two = read_header(encrypt(REPORT, PASSPHRASE, params=FAST))
    assert one.salt != two.salt and one.nonce != two.nonce


def test_wrong_passphrase(blob: bytes) -> None:
    with pytest.raises(WrongPassphraseError) as info:
        decrypt(blob, PASSPHRASE + " ")
    assert "wrong passphrase, or the file was damaged or changed" in str(info.value)
    assert isinstance(info.value, SafecheckError)


def test_every_bit_of_the_header_is_protected(blob: bytes) -> None:
    size = read_header(blob).size
    for index in range(size):
        for bit in range(8):
            damaged = bytearray(blob)
            damaged[index] ^= 1 << bit
            with pytest.raises(EncryptedFileError):
                decrypt(bytes(damaged), PASSPHRASE)
        damaged = bytearray(blob)
        damaged[index] ^= 0xFF
        with pytest.raises(EncryptedFileError):
            decrypt(bytes(damaged), PASSPHRASE)


def test_every_byte_of_the_body_is_protected(blob: bytes) -> None:
    size = read_header(blob).size
    for index in range(size, len(blob)):
        damaged = bytearray(blob)
        damaged[index] ^= 0x01
        with pytest.raises(WrongPassphraseError):
            decrypt(bytes(damaged), PASSPHRASE)


@pytest.mark.parametrize("keep", [1, 5, 8, 9, 10, 12, 20, 40, 50, 51, 52, 60, -16, -1])
def test_truncated(blob: bytes, keep: int) -> None:
    with pytest.raises(TruncatedFileError) as info:
        decrypt(blob[:keep], PASSPHRASE)
    assert "incomplete" in str(info.value) or "empty" in str(info.value)


def test_empty_file() -> None:
    with pytest.raises(TruncatedFileError, match="empty"):
        decrypt(b"", PASSPHRASE)


def test_bytes_appended(blob: bytes) -> None:
    with pytest.raises(DamagedFileError, match="unexpected bytes"):
        decrypt(blob + b"\n", PASSPHRASE)


@pytest.mark.parametrize(
    "data",
    [REPORT, b"\x89PNG\r\n\x1a\n....", b"SAFECHKX" + bytes(60), b"hello", b"PK\x03\x04"],
)
def test_not_our_format(data: bytes) -> None:
    with pytest.raises(NotEncryptedFileError, match="not a safecheck encrypted file"):
        decrypt(data, PASSPHRASE)


def test_newer_version(blob: bytes) -> None:
    newer = MAGIC + bytes([2]) + blob[len(MAGIC) + 1 :]
    with pytest.raises(UnsupportedFormatError, match="newer safecheck"):
        decrypt(newer, PASSPHRASE)


def test_unknown_kdf_and_cipher(blob: bytes) -> None:
    kdf = bytearray(blob)
    kdf[9] = 2
    with pytest.raises(UnsupportedFormatError, match="key derivation 2"):
        read_header(bytes(kdf))
    cipher = bytearray(blob)
    cipher[14] = 7
    with pytest.raises(UnsupportedFormatError, match="cipher 7"):
        read_header(bytes(cipher))


def test_hostile_parameters_are_refused_before_deriving(blob: bytes) -> None:
    hostile = bytearray(blob)
    hostile[11] = 30  # n = 2**30: 1 TiB with r = 8
    with pytest.raises(DamagedFileError, match="out of range"):
        decrypt(bytes(hostile), PASSPHRASE)
    hostile[11:14] = bytes([22, 255, 1])  # 128 * 255 * 2**22 bytes
    with pytest.raises(DamagedFileError, match="too much"):
        decrypt(bytes(hostile), PASSPHRASE)


def test_empty_passphrase_is_refused(blob: bytes) -> None:
    with pytest.raises(PassphraseError, match="empty"):
        encrypt(REPORT, "", params=FAST)
    with pytest.raises(PassphraseError, match="empty"):
        decrypt(blob, "")


def test_unicode_forms_of_one_passphrase_open_the_file() -> None:
    composed = unicodedata.normalize("NFC", "café crème brûlée")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert decrypt(encrypt(b"x", composed, params=FAST), decomposed) == b"x"


def test_strength_note() -> None:
    note = passphrase_strength_note("short")
    assert note is not None and "5 characters" in note
    assert passphrase_strength_note("four unrelated words here") is None
    assert passphrase_strength_note("x" * 12) is None
    assert passphrase_strength_note("x" * 11) is not None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=4096), passphrase=st.text(min_size=1, max_size=64))
def test_round_trip_property(data: bytes, passphrase: str) -> None:
    sealed = encrypt(data, passphrase, params=FAST)
    assert read_header(sealed).plaintext_length == len(data)
    assert decrypt(sealed, passphrase) == data


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=200))
def test_arbitrary_bytes_give_a_clear_error(data: bytes) -> None:
    with pytest.raises(EncryptedFileError):
        decrypt(data, PASSPHRASE)
    with pytest.raises(EncryptedFileError):
        decrypt(MAGIC + data, PASSPHRASE)


# -- passphrase files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"secret words\n", "secret words"),
        (b"secret words", "secret words"),
        (b"secret words\r\nsecond line\n", "secret words"),
        (b"  spaces kept  \n", "  spaces kept  "),
        ("caf\u00e9 \u00e0 l'\u00e9t\u00e9\n".encode(), "caf\u00e9 \u00e0 l'\u00e9t\u00e9"),
        (b"\xef\xbb\xbfwith a BOM\r\n", "with a BOM"),
    ],
)
def test_read_passphrase_file(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "pass.txt"
    path.write_bytes(content)
    assert read_passphrase_file(path) == expected


@pytest.mark.parametrize("content", [b"", b"\n", b"\r\n", b"\nsecret on line 2\n"])
def test_empty_passphrase_file_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "pass.txt"
    path.write_bytes(content)
    with pytest.raises(PassphraseError, match="empty"):
        read_passphrase_file(path)


def test_unreadable_passphrase_file(tmp_path: Path) -> None:
    with pytest.raises(PassphraseError, match="cannot read the passphrase file"):
        read_passphrase_file(tmp_path / "missing.txt")
    with pytest.raises(PassphraseError, match="is a folder"):
        read_passphrase_file(tmp_path)
    binary = tmp_path / "binary"
    binary.write_bytes(b"\xff\xfe\x00secret\n")
    with pytest.raises(PassphraseError, match="not UTF-8"):
        read_passphrase_file(binary)
    huge = tmp_path / "huge"
    huge.write_bytes(b"x" * 100_000)
    with pytest.raises(PassphraseError, match="too long"):
        read_passphrase_file(huge)

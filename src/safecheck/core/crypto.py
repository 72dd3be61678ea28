"""Passphrase encryption of reports: scrypt key derivation + AES-256-GCM (see
docs/encrypted-format.md).

Everything here works on bytes and strings; reading files, prompting for the passphrase and
writing the result belong to the CLI (`fileio.write_encrypted_file` writes the blob).

The whole header is authenticated (it is the AEAD's associated data), so changing any byte of the
file, header or body, makes decryption fail: a damaged file never decrypts to wrong text.
"""

from __future__ import annotations

import os
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from safecheck.core.errors import SafecheckError
from safecheck.core.fileio import read_regular

MAGIC = b"SAFECHKE"  # "safecheck, encrypted"
FORMAT_VERSION = 1
KDF_SCRYPT = 1
CIPHER_AES_256_GCM = 1
SALT_LEN = 16
NONCE_LEN = 12
TAG_LEN = 16
KEY_LEN = 32

# Limits on what a file may ask for before a single byte is authenticated: a damaged or hostile
# header must not make us allocate gigabytes or compute for minutes.
MAX_SCRYPT_LOG2_N = 24
MAX_SCRYPT_MEMORY = 1 << 30  # bytes: 128 * r * n
MAX_SCRYPT_WORK = 1 << 31  # bytes processed: 128 * r * n * p
MAX_SCRYPT_P = 16

MIN_PASSPHRASE_NOTE = 12  # characters; shorter passphrases get a note, not a refusal
PASSPHRASE_FILE_MAX = 64 * 1024  # bytes read from a passphrase file


# -- errors ------------------------------------------------------------------------------------


class EncryptedFileError(SafecheckError):
    """A blob that cannot be decrypted; the message says why, in plain words."""


class NotEncryptedFileError(EncryptedFileError):
    def __init__(self) -> None:
        super().__init__(
            "this is not a safecheck encrypted file (it does not start with the safecheck mark)",
            key="error.crypto.not_encrypted",
        )


class UnsupportedFormatError(EncryptedFileError):
    """A version, key derivation or cipher this safecheck does not know (a newer one made it)."""


class TruncatedFileError(EncryptedFileError):
    """The file ends early: it was cut off while being copied, downloaded or written."""


class DamagedFileError(EncryptedFileError):
    """The header holds values no safecheck writes, or the file is longer than it says."""


class WrongPassphraseError(EncryptedFileError):
    """Authentication failed. AES-GCM cannot tell a wrong passphrase from a changed file."""

    def __init__(self) -> None:
        super().__init__(
            "cannot decrypt: wrong passphrase, or the file was damaged or changed "
            "(the two cannot be told apart). Check the passphrase (letter case, keyboard "
            "layout) and try again, or use another copy of the file.",
            key="error.crypto.wrong_passphrase",
        )


class PassphraseError(SafecheckError):
    """An empty passphrase, or a passphrase file that cannot be used."""


# -- parameters and header ---------------------------------------------------------------------


@dataclass(frozen=True)
class ScryptParams:
    """scrypt cost: n = 2**log2_n, block size r, parallelism p. Memory used: 128 * r * n bytes."""

    log2_n: int = 17
    r: int = 8
    p: int = 1

    @property
    def n(self) -> int:
        return 1 << self.log2_n

    @property
    def memory(self) -> int:
        return 128 * self.r * self.n

    def problem(self) -> str | None:
        """Why these parameters are refused, or None when they are acceptable."""
        if not 1 <= self.log2_n <= MAX_SCRYPT_LOG2_N:
            return f"scrypt n = 2**{self.log2_n} is out of range"
        if not 1 <= self.r <= 255 or not 1 <= self.p <= MAX_SCRYPT_P:
            return f"scrypt r = {self.r}, p = {self.p} are out of range"
        if self.log2_n >= 16 * self.r:  # scrypt's own rule: n < 2**(128 * r / 8)
            return f"scrypt n = 2**{self.log2_n} is too large for r = {self.r}"
        if self.memory > MAX_SCRYPT_MEMORY or self.memory * self.p > MAX_SCRYPT_WORK:
            return "scrypt parameters ask for too much memory or time"
        return None

    def encode(self) -> bytes:
        return struct.pack(">BBB", self.log2_n, self.r, self.p)


# n = 2**17, r = 8, p = 1: 128 MiB, about 0.26 s on the development machine (2 cores, 2026);
# see docs/encrypted-format.md for the measurement and how to change it.
DEFAULT_SCRYPT = ScryptParams()


@dataclass(frozen=True)
class Header:
    """What the header of an encrypted file says (all of it authenticated at decryption)."""

    version: int
    kdf: int
    scrypt: ScryptParams
    cipher: int
    salt: bytes
    nonce: bytes
    plaintext_length: int
    size: int  # bytes taken by the header itself

    def encode(self) -> bytes:
        params = self.scrypt.encode()
        return (
            MAGIC
            + bytes([self.version, self.kdf, len(params)])
            + params
            + bytes([self.cipher])
            + self.salt
            + self.nonce
            + struct.pack(">Q", self.plaintext_length)
        )


class _Reader:
    """Reads the header field by field; running out of bytes is a truncated file."""

    def __init__(self, blob: bytes) -> None:
        self.blob = blob
        self.pos = 0

    def take(self, count: int, what: str) -> bytes:
        if self.pos + count > len(self.blob):
            raise TruncatedFileError(
                f"the file is incomplete: it ends inside the header ({what}); it was probably "
                "cut off while being copied or saved"
            )
        chunk = self.blob[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def byte(self, what: str) -> int:
        return self.take(1, what)[0]


def looks_encrypted(data: bytes) -> bool:
    """True when `data` starts like a safecheck encrypted file (to suggest `report decrypt`)."""
    return data.startswith(MAGIC)


def read_header(blob: bytes) -> Header:
    """Parse and check the header, without the passphrase. Raises an EncryptedFileError."""
    if not blob:
        raise TruncatedFileError("the file is empty")
    if not blob.startswith(MAGIC):
        if MAGIC.startswith(blob):
            raise TruncatedFileError("the file is incomplete: it ends inside the safecheck mark")
        raise NotEncryptedFileError()
    reader = _Reader(blob)
    reader.take(len(MAGIC), "mark")
    version = reader.byte("format version")
    if version != FORMAT_VERSION:
        raise UnsupportedFormatError(
            f"this encrypted file has format version {version}; this safecheck reads version "
            f"{FORMAT_VERSION} only"
            + (" (a newer safecheck made it: update safecheck)" if version > FORMAT_VERSION else "")
        )
    kdf = reader.byte("key derivation")
    if kdf != KDF_SCRYPT:
        raise UnsupportedFormatError(
            f"this encrypted file uses key derivation {kdf}, which this safecheck does not know"
        )
    params_len = reader.byte("key derivation parameters")
    if params_len != 3:
        raise DamagedFileError(
            "the file is damaged: its key derivation parameters have an impossible length"
        )
    log2_n, r, p = struct.unpack(">BBB", reader.take(3, "key derivation parameters"))
    scrypt = ScryptParams(log2_n=log2_n, r=r, p=p)
    problem = scrypt.problem()
    if problem is not None:
        raise DamagedFileError(f"the file is damaged or was not made by safecheck: {problem}")
    cipher = reader.byte("cipher")
    if cipher != CIPHER_AES_256_GCM:
        raise UnsupportedFormatError(
            f"this encrypted file uses cipher {cipher}, which this safecheck does not know"
        )
    salt = reader.take(SALT_LEN, "salt")
    nonce = reader.take(NONCE_LEN, "nonce")
    (length,) = struct.unpack(">Q", reader.take(8, "length"))
    return Header(
        version=version,
        kdf=kdf,
        scrypt=scrypt,
        cipher=cipher,
        salt=salt,
        nonce=nonce,
        plaintext_length=length,
        size=reader.pos,
    )


# -- passphrases -------------------------------------------------------------------------------


def _passphrase_bytes(passphrase: str) -> bytes:
    if not passphrase:
        raise PassphraseError(
            "the passphrase is empty; an empty passphrase protects nothing",
            key="error.crypto.empty_passphrase",
        )
    # NFC, so that "é" typed on macOS (often decomposed) and on Windows (composed) is one key.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8", "surrogatepass")


def passphrase_strength_note(passphrase: str) -> str | None:
    """A gentle note for a short passphrase (it is not refused), or None."""
    length = len(unicodedata.normalize("NFC", passphrase))
    if length >= MIN_PASSPHRASE_NOTE:
        return None
    return (
        f"This passphrase is short ({length} characters). Someone who gets the file can try "
        f"many guesses; {MIN_PASSPHRASE_NOTE} characters or more, for example four or five "
        "unrelated words, is much harder to guess."
    )


def read_passphrase_file(path: Path) -> str:
    """The first line of `path`, without its line ending (spaces are kept).

    For scripted use (`--passphrase-file`). An empty file or first line is refused.
    """
    try:
        raw = read_regular(path, PASSPHRASE_FILE_MAX)
    except IsADirectoryError:
        raise PassphraseError(f"the passphrase file {path} is a folder") from None
    except OSError as exc:
        raise PassphraseError(
            f"cannot read the passphrase file {path}: {exc.strerror or exc}"
        ) from None
    line, newline, _rest = raw.partition(b"\n")
    if not newline and len(raw) > PASSPHRASE_FILE_MAX:
        raise PassphraseError(f"the first line of the passphrase file {path} is too long")
    if line.endswith(b"\r"):
        line = line[:-1]
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PassphraseError(f"the passphrase file {path} is not UTF-8 text") from None
    if not text:
        what = "is empty" if not raw.strip(b"\r\n\xef\xbb\xbf") else "starts with an empty line"
        raise PassphraseError(f"the passphrase file {path} {what}; put the passphrase on line 1")
    return text


# -- encryption --------------------------------------------------------------------------------


# cryptography is imported by the three functions below only: the command line (and the case
# commands that merely read passphrase files) start without it.


def _derive(passphrase: bytes, salt: bytes, params: ScryptParams) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt  # noqa: PLC0415

    try:
        kdf = Scrypt(salt=salt, length=KEY_LEN, n=params.n, r=params.r, p=params.p)
        return kdf.derive(passphrase)
    except MemoryError:
        raise EncryptedFileError(
            f"not enough memory to derive the key: it needs {params.memory // 2**20} MiB; "
            "close other programs and try again"
        ) from None


def encrypt(plaintext: bytes, passphrase: str, *, params: ScryptParams = DEFAULT_SCRYPT) -> bytes:
    """Encrypt `plaintext` under `passphrase`. `params` is lowered only by tests."""
    secret = _passphrase_bytes(passphrase)
    problem = params.problem()
    if problem is not None:
        raise ValueError(problem)
    salt = os.urandom(SALT_LEN)
    nonce = os.urandom(NONCE_LEN)  # a fresh salt gives a fresh key, so nonces never repeat
    header = Header(
        version=FORMAT_VERSION,
        kdf=KDF_SCRYPT,
        scrypt=params,
        cipher=CIPHER_AES_256_GCM,
        salt=salt,
        nonce=nonce,
        plaintext_length=len(plaintext),
        size=0,
    ).encode()
    key = _derive(secret, salt, params)
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

    return header + AESGCM(key).encrypt(nonce, plaintext, header)


def decrypt(blob: bytes, passphrase: str) -> bytes:
    """The plaintext of `blob`, or an EncryptedFileError / PassphraseError saying why not."""
    header = read_header(blob)
    secret = _passphrase_bytes(passphrase)
    body = blob[header.size :]
    expected = header.plaintext_length + TAG_LEN
    if len(body) < expected:
        raise TruncatedFileError(
            f"the file is incomplete: {len(body)} of {expected} encrypted bytes are there; it "
            "was probably cut off while being copied or saved"
        )
    if len(body) > expected:
        raise DamagedFileError(
            f"the file is damaged: {len(body) - expected} unexpected bytes follow the end of "
            "the encrypted report"
        )
    key = _derive(secret, header.salt, header.scrypt)
    from cryptography.exceptions import InvalidTag  # noqa: PLC0415
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

    try:
        return AESGCM(key).decrypt(header.nonce, body, blob[: header.size])
    except InvalidTag:
        raise WrongPassphraseError() from None

"""The backup keybag of an encrypted iPhone backup, and the keys it unlocks.

The format, as Apple's iOS Security Guide describes it and as public backup tools read it: the
keybag (`BackupKeyBag` in Manifest.plist) is a run of tag-length-value records (a four-letter
tag, a 32-bit big-endian length, the value). The first records describe the keybag (VERS, TYPE,
UUID, HMCK, WRAP, SALT, ITER and, since iOS 10.2, DPWT, DPIC, DPSL); then each `UUID` starts one
class key (CLAS, WRAP, KTYP, WPKY). The key that unwraps the class keys is derived from the
password in two steps: PBKDF2-HMAC-SHA256 with DPSL and DPIC rounds (iOS 10.2 and later), then
PBKDF2-HMAC-SHA1 with SALT and ITER rounds. A class key whose WRAP has the passcode bit (2) is
unwrapped with AES key wrap (RFC 3394); a failed integrity check means a wrong password. The
Manifest.db key and each file's key are 4 bytes of protection class (little-endian) followed by
a wrapped key, unwrapped with that class's key. Contents are AES-256-CBC with a zero IV.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap

WRAP_PASSCODE = 2
MAX_KEYBAG_BYTES = 64 * 1024  # a real one is about 2 KB
MAX_CLASS_KEYS = 64
# Apple uses 10,000,000 and 10,000 rounds; a hostile keybag must not make us spin for hours.
MAX_DPIC = 50_000_000
MAX_ITER = 10_000_000
_ZERO_IV = bytes(16)


class KeybagError(Exception):
    """The keybag cannot be used: damaged, or a kind this reader does not handle."""


class WrongPassword(Exception):
    """The password does not unwrap the class keys."""


@dataclass
class Keybag:
    attributes: dict[str, bytes] = field(default_factory=dict)
    class_keys: dict[int, dict[str, bytes]] = field(default_factory=dict)

    def integer(self, tag: str) -> int | None:
        value = self.attributes.get(tag)
        return int.from_bytes(value, "big") if value is not None and len(value) <= 8 else None


def _records(blob: bytes) -> list[tuple[str, bytes]]:
    records: list[tuple[str, bytes]] = []
    at = 0
    while at < len(blob):
        if at + 8 > len(blob):
            raise KeybagError("keybag ends inside a record header")
        tag_bytes, length = struct.unpack(">4sI", blob[at : at + 8])
        at += 8
        if at + length > len(blob):
            raise KeybagError("keybag record runs past its end")
        try:
            tag = tag_bytes.decode("ascii")
        except UnicodeDecodeError:
            raise KeybagError("keybag record with a tag that is not text") from None
        records.append((tag, blob[at : at + length]))
        at += length
    return records


def parse_keybag(blob: bytes) -> Keybag:
    if not blob or len(blob) > MAX_KEYBAG_BYTES:
        raise KeybagError(f"keybag of {len(blob)} bytes")
    bag = Keybag()
    current: dict[str, bytes] | None = None
    for tag, value in _records(blob):
        if tag == "UUID" and "UUID" in bag.attributes:  # a new class key begins
            current = {"UUID": value}
            if len(bag.class_keys) >= MAX_CLASS_KEYS:
                raise KeybagError("keybag with too many class keys")
            continue
        if current is None:
            bag.attributes[tag] = value
            continue
        current[tag] = value
        if tag == "CLAS" and len(value) == 4:
            bag.class_keys[int.from_bytes(value, "big")] = current
    if "SALT" not in bag.attributes or bag.integer("ITER") is None:
        raise KeybagError("keybag without SALT or ITER")
    return bag


def passcode_key(bag: Keybag, password: str) -> bytes:
    """The key derived from the backup password (seconds of work with Apple's round counts)."""
    secret = password.encode("utf-8")
    iterations = bag.integer("ITER") or 0
    if not 1 <= iterations <= MAX_ITER:
        raise KeybagError(f"keybag asks for {iterations} rounds")
    salt2 = bag.attributes.get("DPSL")
    if salt2 is not None:
        rounds = bag.integer("DPIC") or 0
        if not 1 <= rounds <= MAX_DPIC:
            raise KeybagError(f"keybag asks for {rounds} rounds")
        secret = hashlib.pbkdf2_hmac("sha256", secret, salt2, rounds, 32)
    return hashlib.pbkdf2_hmac("sha1", secret, bag.attributes["SALT"], iterations, 32)


def unlock(bag: Keybag, password: str) -> dict[int, bytes]:
    """The class keys (protection class -> 32-byte key). Raises WrongPassword, KeybagError."""
    key = passcode_key(bag, password)
    keys: dict[int, bytes] = {}
    for clas, record in bag.class_keys.items():
        wrap = int.from_bytes(record.get("WRAP", b""), "big")
        wrapped = record.get("WPKY")
        if wrapped is None or not wrap & WRAP_PASSCODE:
            continue
        try:
            keys[clas] = aes_key_unwrap(key, wrapped)
        except InvalidUnwrap:
            raise WrongPassword from None
        except ValueError:  # a wrapped key of an impossible length
            raise KeybagError(f"class key {clas} cannot be unwrapped") from None
    if not keys:
        raise KeybagError("keybag holds no class key protected by the password")
    return keys


def unwrap_with_class(class_keys: dict[int, bytes], blob: bytes) -> bytes:
    """A file or Manifest.db key: 4 bytes of class (little-endian) then the wrapped key."""
    if len(blob) < 4 + 24:
        raise KeybagError("wrapped key too short")
    clas = int.from_bytes(blob[:4], "little")
    key = class_keys.get(clas)
    if key is None:
        raise KeybagError(f"no key for protection class {clas}")
    try:
        return aes_key_unwrap(key, blob[4:])
    except (InvalidUnwrap, ValueError):
        raise KeybagError("wrapped key does not unwrap") from None


def decrypt(key: bytes, encrypted: bytes) -> bytes:
    """AES-CBC with a zero IV; the PKCS#7 padding is removed when it is well formed."""
    if len(encrypted) % 16:
        raise KeybagError("encrypted data is not a whole number of blocks")
    try:
        decryptor = Cipher(algorithms.AES(key), modes.CBC(_ZERO_IV)).decryptor()
    except ValueError:
        raise KeybagError("key of a wrong length") from None
    plain = decryptor.update(encrypted) + decryptor.finalize()
    pad = plain[-1] if plain else 0
    if 1 <= pad <= 16 and plain.endswith(bytes([pad]) * pad):
        plain = plain[:-pad]
    return plain

"""Property lists read from a backup or a phone, which the other person may have written.

`load_plist` caps the size before parsing and turns every failure (a damaged file, a cycle,
nesting deep enough to exhaust the stack, XML entities, which plistlib refuses) into None; the
accessors below never trust a value's type, and cut strings and lists to a size that cannot
set our memory or the report's length.
"""

from __future__ import annotations

import plistlib
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

MAX_TEXT = 512  # characters of one value we keep (names, identifiers, addresses)
MAX_ITEMS = 20_000  # items of one list or mapping we look at


class PlistError(Exception):
    """A property list that is too large or cannot be parsed; the text says which."""


def load_plist(data: bytes, max_bytes: int) -> Any:
    """The parsed property list (XML or binary). Raises PlistError."""
    if len(data) > max_bytes:
        raise PlistError(f"too large ({len(data)} bytes, at most {max_bytes} read)")
    try:
        return plistlib.loads(data)
    except Exception as exc:  # any damage: InvalidFileException, ValueError, RecursionError...
        raise PlistError(f"not a readable property list ({type(exc).__name__})") from None


def mapping(value: object) -> dict[str, Any]:
    """A dictionary with text keys, or an empty one."""
    if not isinstance(value, dict):
        return {}
    found: dict[str, Any] = {}
    for key, item in value.items():
        if len(found) >= MAX_ITEMS:
            break
        if isinstance(key, str):
            found[key] = item
    return found


def items(value: object) -> list[Any]:
    """A list (at most MAX_ITEMS of its items), or an empty one."""
    return list(value[:MAX_ITEMS]) if isinstance(value, list) else []


def text(value: object, limit: int = MAX_TEXT) -> str:
    """A string value, cut to `limit` characters; "" for anything else."""
    if isinstance(value, str):
        return value[:limit]
    return ""


def number(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def flag(value: object) -> bool | None:
    """A boolean value; None when absent or of another type."""
    return value if isinstance(value, bool) else None


def data(value: object) -> bytes:
    return bytes(value) if isinstance(value, bytes | bytearray) else b""


def moment(value: object) -> datetime | None:
    """A plist date (naive, UTC by convention) as an aware datetime."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return None


def host_of(address: str) -> str:
    """The host of an address, lower-case; "" when there is none."""
    try:
        host = urlsplit(address.strip()).hostname or ""
    except ValueError:
        return ""
    return host[:253]

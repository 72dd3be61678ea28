"""Applying an SQLite write-ahead log to an in-memory copy of its database.

Safari keeps its newest visits in `History.db-wal` until the log is checkpointed, and a backup
holds both files. SQLite only reads a log beside a file on disk; to stay in memory we apply it
ourselves, as SQLite's file format documentation describes it: a 32-byte header (magic
0x377f0682 or 0x377f0683 for the byte order of the checksums, version, page size, checkpoint
sequence, two salts, a checksum), then frames of a 24-byte header (page number, database size
in pages for a commit frame, the two salts, a running checksum) and one page. Frames count up
to the last commit frame before the first one whose salts or checksum do not match.
"""

from __future__ import annotations

import struct

MAGIC_LITTLE = 0x377F0682
MAGIC_BIG = 0x377F0683
HEADER = 32
FRAME_HEADER = 24
MAX_PAGES = 1 << 20  # a database size no phone's history reaches; a bigger claim is damage


def _checksum(data: bytes, order: str, first: int, second: int) -> tuple[int, int]:
    for x0, x1 in struct.iter_unpack(order + "II", data):
        first = (first + x0 + second) & 0xFFFFFFFF
        second = (second + x1 + first) & 0xFFFFFFFF
    return first, second


def apply_wal(database: bytes, wal: bytes) -> bytes:
    """The database as SQLite would read it with this log; unchanged when the log is empty,
    damaged, or does not belong to it."""
    if len(wal) < HEADER:
        return database
    magic, _version, page_size, _seq, salt1, salt2, ck1, ck2 = struct.unpack(">8I", wal[:HEADER])
    if magic not in (MAGIC_LITTLE, MAGIC_BIG):
        return database
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        return database
    order = ">" if magic == MAGIC_BIG else "<"
    running = _checksum(wal[:24], order, 0, 0)
    if running != (ck1, ck2):
        return database
    pages: dict[int, bytes] = {}
    pending: dict[int, bytes] = {}
    size = 0
    at = HEADER
    while at + FRAME_HEADER + page_size <= len(wal):
        number, commit, s1, s2, f1, f2 = struct.unpack(">6I", wal[at : at + FRAME_HEADER])
        page = wal[at + FRAME_HEADER : at + FRAME_HEADER + page_size]
        if (s1, s2) != (salt1, salt2) or not 1 <= number <= MAX_PAGES:
            break
        running = _checksum(wal[at : at + 8], order, *running)
        running = _checksum(page, order, *running)
        if running != (f1, f2):
            break
        pending[number] = page
        if commit:
            if commit > MAX_PAGES:
                break
            pages.update(pending)
            pending = {}
            size = commit
        at += FRAME_HEADER + page_size
    if not pages:
        return database
    result = bytearray(database[: size * page_size].ljust(size * page_size, b"\x00"))
    for number, page in pages.items():
        if number <= size:
            result[(number - 1) * page_size : number * page_size] = page
    return bytes(result)

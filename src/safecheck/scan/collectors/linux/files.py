"""`linux.files`: programs kept where people and downloads put them. A remote-access tool run
from a download (an AppImage, an unpacked archive) leaves no package behind; each executable
file or AppImage in a person's Downloads, Desktop, ~/.local/bin and ~/bin, and in the
temporary folders, is an entry, matched against the catalog by its name (an AppImage by the
name before its version: `RustDesk-1.2.3-x86_64.AppImage` is `rustdesk`).

Nothing is read but the folders' listings and the files' modes. Entries: "program-file",
location and program = the file.
"""

from __future__ import annotations

import re
import stat

from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import DirEntry, Host, ReadError, ReadProblem
from safecheck.scan.collectors.linux import PLATFORMS
from safecheck.scan.collectors.reading import Reader, join

COLLECTOR_ID = "linux.files"
MAX_FILES = 20_000
PERSONAL = (("Downloads", 3), ("Desktop", 2), (".local/bin", 1), ("bin", 1))
# The names these folders have in the languages safecheck speaks, when user-dirs.dirs says none.
LOCALISED = {"Downloads": ("Téléchargements",), "Desktop": ("Bureau",)}
TEMPORARY = (("/tmp", 2), ("/var/tmp", 2), ("/dev/shm", 2))  # noqa: S108 - listed, never written
USER_DIRS = ".config/user-dirs.dirs"
_XDG = re.compile(r'^XDG_(DOWNLOAD|DESKTOP)_DIR="\$HOME/([^"]{1,200})"', re.MULTILINE)
_APPIMAGE_NAME = re.compile(r"^(.+?)(?:[-_. ]v?\d[^/]*)?\.appimage$", re.IGNORECASE)


def program_name(file_name: str) -> str:
    """The name a catalog knows a program by: an AppImage's name without version and ending."""
    match = _APPIMAGE_NAME.match(file_name)
    return match.group(1) if match else file_name


class _Walk:
    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.seen = 0
        self.cut = False

    def folder(self, folder: str, depth: int, user: str | None) -> None:
        if not self.reader.host.is_dir(folder):
            return
        self.reader.looked_at()  # the folder was looked at, even when it holds no program
        for item in self.reader.listing(folder):
            if self.seen >= MAX_FILES:
                self.cut = True
                return
            if item.is_symlink:
                continue
            if item.is_dir and depth > 1:
                self.folder(item.path, depth - 1, user)
            elif item.is_file and self._runnable(item):
                self.seen += 1
                self.reader.add(
                    "program-file",
                    item.path,
                    program_name(item.name),
                    program=item.path,
                    user=user,
                    details=(("file", item.name),),
                )

    def _runnable(self, item: DirEntry) -> bool:
        if item.name.lower().endswith(".appimage"):
            return True
        info = self.reader.host.lstat(item.path)
        return info is not None and stat.S_ISREG(info.st_mode) and bool(info.st_mode & 0o111)


def _personal_folders(reader: Reader, home: str) -> list[tuple[str, int]]:
    names = {kind: [kind, *LOCALISED.get(kind, ())] for kind in ("Downloads", "Desktop")}
    text = reader.text(join(home, USER_DIRS)) if reader.host.exists(join(home, USER_DIRS)) else None
    for kind, folder in _XDG.findall(text or ""):
        names["Downloads" if kind == "DOWNLOAD" else "Desktop"].insert(0, folder)
    out: list[tuple[str, int]] = []
    for folder, depth in PERSONAL:
        for name in dict.fromkeys(names.get(folder, [folder])):
            out.append((join(home, name), depth))
    return out


class FilesCollector:
    id = COLLECTOR_ID
    platforms = PLATFORMS
    live_only = False

    def collect(self, host: Host) -> CollectorResult:
        reader = Reader(host, COLLECTOR_ID)
        walk = _Walk(reader)
        for folder, depth in TEMPORARY:
            walk.folder(folder, depth, None)
        for account in host.human_homes():
            for folder, depth in _personal_folders(reader, account.home):
                if reader.once(folder):
                    walk.folder(folder, depth, account.name)
        if walk.cut:  # said in coverage ("partial"), never a silent stop
            detail = f"more than {MAX_FILES} programs: the rest were not looked at"
            reader.result.errors.append(ReadError("/", ReadProblem.OTHER, detail))
        return reader.result

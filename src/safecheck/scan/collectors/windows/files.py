"""Programs kept where people and downloads put them: a portable remote-access tool copied into
Downloads, the Desktop, AppData, a temporary or shared folder leaves no Uninstall key and no
service until it runs. Each `.exe` there is an entry with its file name and, read with pefile
(only from the file's bytes, never run), the names of its version information (ProductName,
CompanyName, OriginalFilename, FileDescription), so a renamed copy is still recognised.

Program Files is listed by name only (installed programs are found by their Uninstall keys);
only files up to `MAX_PE_BYTES`, at most `MAX_PE_READS` of them and `MAX_PE_TOTAL` bytes in
all, are read for version information; the others are known by their names.
Entries: "program-file", location and program = the Windows path.
"""

from __future__ import annotations

from typing import Any

from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import DirEntry, Host, ReadError, ReadProblem
from safecheck.scan.collectors.windows import PLATFORMS, WinReader, windows_display
from safecheck.scan.collectors.windows.registry import NOT_PEOPLE, HiveRegistry

COLLECTOR_ID = "windows.files"
EXECUTABLE_ENDINGS = (".exe", ".scr", ".com")
MAX_PE_BYTES = 64 * 1024 * 1024
MAX_PE_READS = 400
MAX_PE_TOTAL = 512 * 1024 * 1024  # bytes read for version information per scan, at most
MAX_FILES = 20_000  # executables looked at per scan, whatever the disk holds
VERSION_KEYS = {
    "ProductName": "product",
    "CompanyName": "company",
    "OriginalFilename": "original-name",
    "InternalName": "internal-name",
    "FileDescription": "description",
}
MAX_VALUE = 200
# (folder under each person's profile, depth): where downloads and portable tools land.
PERSONAL = (
    ("Downloads", 3),
    ("Desktop", 3),
    ("Documents", 2),
    ("AppData/Local/Temp", 3),
    ("AppData/Roaming", 2),
    ("AppData/Local", 1),
)
# (machine folder, depth, read version information)
MACHINE = (
    ("/Users/Public", 3, True),
    ("/ProgramData", 1, True),
    ("/Windows/Temp", 2, True),
    ("/Program Files", 2, False),
    ("/Program Files (x86)", 2, False),
)


def version_info(data: bytes) -> dict[str, str]:
    """The string version information of a PE file's bytes ({} when it has none or is not a
    PE file). Never raises for damaged input."""
    import pefile  # noqa: PLC0415 - only a scan of a Windows disk needs it

    try:
        pe = pefile.PE(data=data, fast_load=True)
        pe.parse_data_directories(
            directories=[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_RESOURCE"]]
        )
        tables: Any = getattr(pe, "FileInfo", None) or []
        found: dict[str, str] = {}
        for group in tables:
            for info in group:
                for table in getattr(info, "StringTable", []) or []:
                    for key, value in table.entries.items():
                        name = key.decode("utf-8", "replace")
                        text = value.decode("utf-8", "replace").strip("\0 ").strip()
                        if name in VERSION_KEYS and text:
                            found.setdefault(VERSION_KEYS[name], text[:MAX_VALUE])
        pe.close()
        return found
    except Exception:  # pefile raises many kinds on hostile input: no version information
        return {}


class _Walk:
    def __init__(self, reader: WinReader) -> None:
        self.reader = reader
        self.seen = 0
        self.reads = 0
        self.bytes_read = 0
        self.cut = False

    def folder(self, folder: str, depth: int, read: bool, user: str | None) -> None:
        for item in self._executables(folder, depth):
            if self.seen >= MAX_FILES:
                self.cut = True
                return
            self.seen += 1
            self._item(item, read, user)

    def _executables(self, folder: str, depth: int) -> list[DirEntry]:
        found: list[DirEntry] = []
        for item in self.reader.listing(folder):
            if item.is_symlink:
                continue
            if item.is_dir and depth > 1:
                found += self._executables(item.path, depth - 1)
            elif item.is_file and item.name.lower().endswith(EXECUTABLE_ENDINGS):
                found.append(item)
        return found

    def _item(self, item: DirEntry, read: bool, user: str | None) -> None:
        details: list[tuple[str, str]] = []
        if read and self.reads < MAX_PE_READS and self.bytes_read < MAX_PE_TOTAL:
            try:
                data = self.reader.host.read_bytes(item.path, MAX_PE_BYTES)
                self.bytes_read += len(data)
            except ReadError:
                data = b""  # too large or unreadable: known by its name only
                details.append(("version-info", "not read"))
            if data:
                self.reads += 1
                details += sorted(version_info(data).items())
        self.reader.looked_at()
        shown_path = windows_display(item.path)
        self.reader.add_entry(
            "program-file",
            shown_path,
            item.name,
            program=shown_path,
            user=user,
            modified=self.reader.host.modified(item.path),
            details=tuple(details),
        )


class FilesCollector:
    id = COLLECTOR_ID
    platforms = PLATFORMS
    live_only = False

    def collect(self, host: Host) -> CollectorResult:
        reader = WinReader(host, self.id, HiveRegistry(host))
        walk = _Walk(reader)
        for folder, depth, read in MACHINE:
            walk.folder(folder, depth, read, None)
        for person in reader.listing("/Users"):
            if not person.is_dir or person.is_symlink or person.name.lower() in NOT_PEOPLE:
                continue
            for folder, depth in PERSONAL:
                walk.folder(f"{person.path}/{folder}", depth, True, person.name)
        if walk.cut:  # said in coverage ("partial"), never a silent stop
            detail = f"more than {MAX_FILES} programs: the rest were not looked at"
            reader.result.errors.append(ReadError("/", ReadProblem.OTHER, detail))
        return reader.result

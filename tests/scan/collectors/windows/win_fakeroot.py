"""Windows test roots: the real hives of ../shared/data/windows-hives (decompressed into the
test's folder, never copied into the project), values planted with `hivexsh`, task XML in the
real schema, and a fake in-memory registry for the keys no shared hive holds."""

from __future__ import annotations

import lzma
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from paths import REPO
from safecheck.core.entries import Entry
from safecheck.scan.collectors.base import Collector, CollectorResult
from safecheck.scan.collectors.host import Host, ReadError, ReadProblem
from safecheck.scan.collectors.windows.registry import RegData, RegKey, split_key

HIVES = REPO.parent / "shared" / "data" / "windows-hives"
CONFIG = "Windows/System32/config"
ANYDESK_IMAGE = 'expandstring:"C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe" --service'


def shared_hive(name: str, dest: Path) -> Path:
    """Decompress one shared hive (`NTUSER.DAT`, `SYSTEM`, `corrupted_system_hive`) to `dest`."""
    source = HIVES / f"{name}.xz"
    if not source.is_file():
        pytest.fail(f"shared test hives not found at {HIVES} (../shared beside the checkout)")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with lzma.open(source) as compressed, dest.open("wb") as out:
        shutil.copyfileobj(compressed, out)
    return dest


def hivexsh(hive: Path, *commands: str) -> None:
    """Run hivexsh commands on a copy of a hive and commit them."""
    if shutil.which("hivexsh") is None:
        pytest.fail("hivexsh not installed: apt-get install libhivex-bin (.ci/run does it)")
    script = "\n".join([*commands, "commit", ""])
    done = subprocess.run(
        ["hivexsh", "-w", str(hive)],
        check=False,
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def _exists(hive: Path, key: str) -> bool:
    done = subprocess.run(
        ["hivexget", str(hive), key], check=False, capture_output=True, text=True, timeout=60
    )
    return done.returncode == 0


def plant(hive: Path, keys: dict[str, dict[str, str]]) -> None:
    """Create keys (`Software\\Microsoft\\...`, parents as needed) and set their values, given
    as hivexsh typed strings (`string:...`, `expandstring:...`, `dword:0x1`). The values of a
    planted key replace the ones it had."""
    if shutil.which("hivexsh") is None:
        pytest.fail("hivexsh not installed: apt-get install libhivex-bin (.ci/run does it)")
    commands: list[str] = []
    created: set[str] = set()
    for key, values in keys.items():
        commands.append("cd \\")
        parts = key.split("\\")
        for end, name in enumerate(parts, 1):
            path = "\\".join(parts[:end]).lower()
            if path not in created and not _exists(hive, "\\" + "\\".join(parts[:end])):
                commands.append(f"add {name}")
                created.add(path)
            commands.append(f"cd {name}")
        if values:
            commands.append(f"setval {len(values)}")
            for name, value in values.items():
                commands += [name, value]
    hivexsh(hive, *commands)


def windows_root(tmp_path: Path, users: tuple[str, ...] = ("alice",), system: bool = True) -> Path:
    """A Windows system drive with the real SYSTEM hive and each user's real NTUSER.DAT."""
    root = tmp_path / "C"
    (root / CONFIG).mkdir(parents=True)
    if system:
        shared_hive("SYSTEM", root / CONFIG / "SYSTEM")
    for user in users:
        shared_hive("NTUSER.DAT", root / "Users" / user / "NTUSER.DAT")
    (root / "ProgramData/Microsoft/Windows/Start Menu/Programs/StartUp").mkdir(parents=True)
    (root / "Windows/System32/Tasks/Microsoft/Windows").mkdir(parents=True)
    return root


def software_hive(root: Path, keys: dict[str, dict[str, str]] | None = None) -> Path:
    """A SOFTWARE hive in the real format: there is none in the shared data, so a copy of the
    real NTUSER.DAT stands in (its own keys are harmless under HKLM\\SOFTWARE), with keys
    planted by hivexsh."""
    hive = shared_hive("NTUSER.DAT", root / CONFIG / "SOFTWARE")
    if keys:
        plant(hive, keys)
    return hive


def host(root: Path) -> Host:
    return Host(platform="win32", root=root, live=False)


def run(collector: Collector, root: Path) -> CollectorResult:
    return collector.collect(host(root))


def of_kind(result: CollectorResult, kind: str) -> list[Entry]:
    return [e for e in result.entries if e.kind == kind]


# --- a registry in memory ---------------------------------------------------------------------


class FakeRegistry:
    """A `RegistrySource` from a dict: key path -> values; subkeys are derived from the paths.
    A path listed in `broken` raises like a damaged hive."""

    def __init__(
        self,
        keys: dict[str, dict[str, tuple[str, RegData]]],
        users: tuple[str, ...] = (),
        broken: tuple[str, ...] = (),
    ) -> None:
        self.keys = {self._norm(k): (k, v) for k, v in keys.items()}
        self._users = list(users)
        self.broken = {self._norm(b) for b in broken}
        for path in list(self.keys):  # every parent exists
            parts = path.split("\\")
            for end in range(1, len(parts)):
                parent = "\\".join(parts[:end])
                self.keys.setdefault(parent, (parent, {}))

    @staticmethod
    def _norm(path: str) -> str:
        hive, parts = split_key(path)
        return "\\".join([hive, *parts]).lower()

    def key(self, path: str) -> RegKey | None:
        norm = self._norm(path)
        if norm in self.broken:
            raise ReadError("/Windows/System32/config/SOFTWARE", ReadProblem.OTHER, "damaged")
        found = self.keys.get(norm)
        if found is None:
            return None
        prefix = norm + "\\"
        subkeys = sorted(
            {
                self.keys[k][0].split("\\")[len(norm.split("\\"))]
                for k in self.keys
                if k.startswith(prefix)
            }
        )
        return RegKey(path, dict(found[1]), tuple(subkeys))

    def users(self) -> list[str]:
        return self._users

    def describe(self, path: str) -> str:
        return path


# --- shell links and task files ---------------------------------------------------------------

LNK_CLSID = b"\x01\x14\x02\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00\x46"


def lnk(target: str, arguments: str = "") -> bytes:
    """A shell link as Windows writes one (MS-SHLLINK): header, LinkInfo with the local base
    path, then the arguments as a Unicode StringData."""
    flags = 0x2 | 0x80 | (0x20 if arguments else 0)  # HasLinkInfo, IsUnicode, HasArguments
    header = struct.pack("<I16sI", 0x4C, LNK_CLSID, flags) + b"\0" * (0x4C - 24)
    volume = struct.pack("<IIII", 16, 3, 0x1234, 0)  # VolumeID: fixed disk, no label
    base = target.encode("cp1252") + b"\0"
    info_header = 28
    volume_offset = info_header
    base_offset = volume_offset + len(volume)
    suffix_offset = base_offset + len(base)
    body = volume + base + b"\0"
    size = info_header + len(body)
    info = struct.pack(
        "<IIIIIII", size, info_header, 0x1, volume_offset, base_offset, 0, suffix_offset
    )
    data = header + info + body
    if arguments:
        data += struct.pack("<H", len(arguments)) + arguments.encode("utf-16-le")
    return data + b"\0\0\0\0"


def task_xml(
    command: str,
    arguments: str = "",
    author: str = "Microsoft Corporation",
    hidden: bool = False,
    trigger: str = "<LogonTrigger><Enabled>true</Enabled></LogonTrigger>",
) -> bytes:
    """A task definition as Task Scheduler stores it: UTF-16 with a byte-order mark."""
    text = f"""<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.4" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Author>{author}</Author>
    <Description>Keeps things up to date.</Description>
    <URI>\\Updater</URI>
  </RegistrationInfo>
  <Triggers>
    {trigger}
  </Triggers>
  <Principals>
    <Principal id="Author">
      <UserId>S-1-5-18</UserId>
      <RunLevel>HighestAvailable</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <Enabled>true</Enabled>
    <Hidden>{"true" if hidden else "false"}</Hidden>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>{command}</Command>
      <Arguments>{arguments}</Arguments>
    </Exec>
  </Actions>
</Task>
"""
    return b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")


# The ScheduledDefrag task as Windows 10 ships it (\Microsoft\Windows\Defrag\ScheduledDefrag).
DEFRAG_TASK = """<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.6" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Source>$(@%systemroot%\\system32\\dfrgui.exe,-103)</Source>
    <Author>$(@%systemroot%\\system32\\dfrgui.exe,-102)</Author>
    <Description>$(@%systemroot%\\system32\\dfrgui.exe,-104)</Description>
    <URI>\\Microsoft\\Windows\\Defrag\\ScheduledDefrag</URI>
  </RegistrationInfo>
  <Principals>
    <Principal id="LocalSystem">
      <UserId>S-1-5-18</UserId>
    </Principal>
  </Principals>
  <Settings>
    <AllowHardTerminate>true</AllowHardTerminate>
    <DisallowStartIfOnBatteries>true</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>true</StopIfGoingOnBatteries>
    <Enabled>true</Enabled>
    <ExecutionTimeLimit>PT72H</ExecutionTimeLimit>
    <Hidden>false</Hidden>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <StartWhenAvailable>true</StartWhenAvailable>
    <RunOnlyIfIdle>true</RunOnlyIfIdle>
    <IdleSettings>
      <StopOnIdleEnd>true</StopOnIdleEnd>
      <RestartOnIdle>false</RestartOnIdle>
    </IdleSettings>
    <UseUnifiedSchedulingEngine>true</UseUnifiedSchedulingEngine>
    <MaintenanceSettings>
      <Period>P7D</Period>
      <Deadline>P1M</Deadline>
      <Exclusive>true</Exclusive>
    </MaintenanceSettings>
  </Settings>
  <Triggers />
  <Actions Context="LocalSystem">
    <Exec>
      <Command>%windir%\\system32\\defrag.exe</Command>
      <Arguments>-c -h -o -$</Arguments>
    </Exec>
  </Actions>
</Task>
"""


def utf16(text: str) -> bytes:
    return b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")


def planted_windows_root(tmp_path: Path) -> Path:
    """A Windows disk with a Run key to a program in Public, an AnyDesk service, an IFEO debugger
    on utilman.exe and a scheduled task running hidden encoded PowerShell."""
    root = windows_root(tmp_path)
    plant(
        root / "Users/alice/NTUSER.DAT",
        {
            "Software\\Microsoft\\Windows\\CurrentVersion\\Run": {
                "Updater": "string:C:\\Users\\Public\\upd.exe"
            }
        },
    )
    plant(
        root / CONFIG / "SYSTEM",
        {"ControlSet001\\Services\\anydesk": {"ImagePath": ANYDESK_IMAGE, "Start": "dword:0x2"}},
    )
    software_hive(
        root,
        {
            "Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options\\utilman.exe": {
                "Debugger": "string:C:\\Windows\\System32\\cmd.exe"
            }
        },
    )
    (root / "Windows/System32/Tasks/Sync").write_bytes(
        task_xml("powershell.exe", "-w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA")
    )
    return root

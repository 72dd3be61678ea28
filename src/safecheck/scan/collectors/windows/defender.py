"""Microsoft Defender exclusions: folders, programs and file types Defender was told not to
scan (`HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Exclusions\\Paths|Processes|Extensions`,
and the same under `Policies\\Microsoft\\Windows Defender` when set by policy). Each excluded
item is a value name; monitoring tools add themselves there so that Defender stays quiet.
"""

from __future__ import annotations

from safecheck.scan.collectors.windows import RegistryCollector, WinReader

ROOTS = (
    "HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Exclusions",
    "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Defender\\Exclusions",
)
LISTS = {"Paths": "path", "Processes": "process", "Extensions": "extension"}


class DefenderCollector(RegistryCollector):
    id = "windows.defender"
    hives = ("SOFTWARE",)

    def read(self, reader: WinReader) -> None:
        for root in ROOTS:
            for folder, what in LISTS.items():
                path = f"{root}\\{folder}"
                key = reader.key(path)
                if key is None:
                    continue
                for name in sorted(key.values):
                    if name == "(default)" or not name.strip():
                        continue
                    reader.add_entry(
                        "defender-exclusion",
                        path,
                        name,
                        program=name if what in ("path", "process") else None,
                        modified=key.modified,
                        details=(("exclusion", what),),
                    )

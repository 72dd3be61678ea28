"""Windows services and drivers: `HKLM\\SYSTEM\\CurrentControlSet\\Services\\*` with the program
they run (ImagePath, or Parameters\\ServiceDll for shared svchost services), their start type
(0 boot, 1 system, 2 automatic, 3 on demand, 4 disabled), kind and account.
"""

from __future__ import annotations

from safecheck.scan.collectors.windows import SYSTEM_CCS, RegistryCollector, WinReader, program_of

SERVICES = f"{SYSTEM_CCS}\\Services"
START_TYPES = {0: "boot", 1: "system", 2: "automatic", 3: "manual", 4: "disabled"}
# Type bits: 1 kernel driver, 2 file-system driver, 16 own process, 32 shared process.
DRIVER_TYPES = 0x1 | 0x2 | 0x4 | 0x8


class ServicesCollector(RegistryCollector):
    id = "windows.services"
    hives = ("SYSTEM",)

    def read(self, reader: WinReader) -> None:
        services = reader.key(SERVICES)
        if services is None:
            return
        for name in services.subkeys:
            path = f"{SERVICES}\\{name}"
            key = reader.key(path)
            if key is None:
                continue
            image = key.text("ImagePath")
            if not image or not image.strip():
                continue  # a configuration key, not a service or driver
            start = key.number("Start")
            kind = key.number("Type")
            service_dll = None
            if "svchost" in image.lower():
                parameters = reader.key(f"{path}\\Parameters")
                service_dll = parameters.text("ServiceDll") if parameters else None
                service_dll = service_dll or key.text("ServiceDll")
            details: list[tuple[str, str]] = [
                ("start", START_TYPES.get(start, str(start)) if start is not None else ""),
                ("type", "" if kind is None else str(kind)),
                ("driver", "yes" if kind is not None and kind & DRIVER_TYPES else "no"),
                ("account", key.text("ObjectName") or ""),
                ("display-name", key.text("DisplayName") or ""),
            ]
            if service_dll:
                details.append(("service-dll", service_dll))
            reader.add_entry(
                "service",
                path,
                name,
                command=image,
                program=program_of(service_dll or image),
                user=key.text("ObjectName"),
                enabled=None if start is None else start in (0, 1, 2),
                modified=key.modified,
                details=tuple(details),
            )

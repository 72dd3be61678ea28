"""Registry autostarts (the "Logon", "Image Hijacks" and "AppInit" tabs of Sysinternals
Autoruns): Run and RunOnce keys of the machine (64- and 32-bit views) and of each person,
Winlogon Shell and Userinit, Image File Execution Options debuggers, AppInit_DLLs and Active
Setup StubPath. Every value is recorded as found; judging it is the analysis' job.
"""

from __future__ import annotations

from safecheck.scan.collectors.windows import (
    SOFTWARE_VIEWS,
    RegistryCollector,
    WinReader,
    program_of,
)

RUN_KEYS = ("Run", "RunOnce", "RunOnceEx", "Policies\\Explorer\\Run")
CURRENT_VERSION = "Microsoft\\Windows\\CurrentVersion"
NT_CURRENT_VERSION = "Microsoft\\Windows NT\\CurrentVersion"
WINLOGON_VALUES = ("Shell", "Userinit")


class AutorunsCollector(RegistryCollector):
    id = "windows.registry"
    hives = ("SOFTWARE",)

    def read(self, reader: WinReader) -> None:
        for software, user in reader.software_keys():
            self._run_keys(reader, software, user)
        for view in SOFTWARE_VIEWS:
            self._winlogon(reader, view)
            self._ifeo(reader, view)
            self._appinit(reader, view)
            self._active_setup(reader, view)

    @staticmethod
    def _run_keys(reader: WinReader, software: str, user: str | None) -> None:
        for run in RUN_KEYS:
            path = f"{software}\\{CURRENT_VERSION}\\{run}"
            key = reader.key(path)
            if key is None:
                continue
            for name, (kind, _data) in sorted(key.values.items()):
                command = key.text(name) or ""
                if not command.strip():
                    continue
                reader.add_entry(
                    "run-key",
                    path,
                    name,
                    command=command,
                    program=program_of(command),
                    user=user,
                    modified=key.modified,
                    details=(("type", kind), ("run", run)),
                )
            if run == "RunOnceEx":  # RunOnceEx\<nnn>\<value> = command
                for sub, child in reader.subkeys(path):
                    for name in sorted(child.values):
                        command = child.text(name) or ""
                        if command.strip():
                            reader.add_entry(
                                "run-key",
                                f"{path}\\{sub}",
                                name,
                                command=command,
                                program=program_of(command),
                                user=user,
                                modified=child.modified,
                                details=(("run", run),),
                            )

    @staticmethod
    def _winlogon(reader: WinReader, view: str) -> None:
        path = f"{view}\\{NT_CURRENT_VERSION}\\Winlogon"
        key = reader.key(path)
        if key is None:
            return
        for name in WINLOGON_VALUES:
            value = key.text(name)
            if value is None:
                continue
            programs = [program_of(part) or "" for part in value.split(",") if part.strip()]
            reader.add_entry(
                "winlogon",
                path,
                name,
                command=value,
                program=programs[0] if programs else None,
                modified=key.modified,
                details=(("value", name), ("programs", "|".join(programs))),
            )

    @staticmethod
    def _ifeo(reader: WinReader, view: str) -> None:
        path = f"{view}\\{NT_CURRENT_VERSION}\\Image File Execution Options"
        for target, key in reader.subkeys(path):
            debugger = key.text("Debugger")
            if not debugger or not debugger.strip():
                continue
            reader.add_entry(
                "ifeo-debugger",
                f"{path}\\{target}",
                target,
                command=debugger,
                program=program_of(debugger),
                modified=key.modified,
                details=(("target", target),),
            )

    @staticmethod
    def _appinit(reader: WinReader, view: str) -> None:
        path = f"{view}\\{NT_CURRENT_VERSION}\\Windows"
        key = reader.key(path)
        if key is None:
            return
        dlls = (key.text("AppInit_DLLs") or "").strip()
        if not dlls:
            return
        load = key.number("LoadAppInit_DLLs")
        signed = key.number("RequireSignedAppInit_DLLs")
        reader.add_entry(
            "appinit",
            path,
            "AppInit_DLLs",
            command=dlls,
            program=program_of(dlls.replace(",", " ")),
            enabled=None if load is None else load != 0,
            modified=key.modified,
            details=(
                ("load", "" if load is None else str(load)),
                ("require-signed", "" if signed is None else str(signed)),
            ),
        )

    @staticmethod
    def _active_setup(reader: WinReader, view: str) -> None:
        path = f"{view}\\Microsoft\\Active Setup\\Installed Components"
        for component, key in reader.subkeys(path):
            stub = key.text("StubPath")
            if not stub or not stub.strip():
                continue
            is_installed = key.number("IsInstalled")
            reader.add_entry(
                "active-setup",
                f"{path}\\{component}",
                key.text("(default)") or component,
                command=stub,
                program=program_of(stub),
                enabled=None if is_installed is None else is_installed != 0,
                modified=key.modified,
                details=(("component", component),),
            )

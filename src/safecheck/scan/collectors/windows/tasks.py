"""Scheduled tasks: the task definitions under `Windows\\System32\\Tasks` (XML, usually UTF-16
with a byte-order mark), with the programs they run (Exec actions: Command and Arguments),
when they run (triggers), whether they are enabled or hidden, and who registered them.

The XML is read with the standard library after refusing any DOCTYPE: a task file never needs
one, and entity definitions are how XML bombs and external-entity reads work.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # DOCTYPE and entities are refused before parsing

from safecheck.scan.collectors.base import CollectorResult
from safecheck.scan.collectors.host import Host, ReadError, ReadProblem
from safecheck.scan.collectors.windows import PLATFORMS, WinReader, program_of, windows_display
from safecheck.scan.collectors.windows.registry import HiveRegistry

TASKS = "/Windows/System32/Tasks"
NS = "{http://schemas.microsoft.com/windows/2004/02/mit/task}"
MAX_TASK_BYTES = 2 * 1024 * 1024
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


class TaskError(ValueError):
    """A task file that is not a readable task definition."""


def decode_xml(data: bytes) -> str:
    """The text of an XML file, by its byte-order mark (UTF-16 or UTF-8)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", "replace")
    elif data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", "replace")
    elif len(data) > 1 and data[1:2] == b"\0":
        text = data.decode("utf-16-le", "replace")
    elif len(data) > 1 and data[0:1] == b"\0":
        text = data.decode("utf-16-be", "replace")
    else:
        text = data.decode("utf-8", "replace")
    return text.lstrip("\ufeff")


def parse_task(data: bytes) -> dict[str, object]:
    """A task definition as plain data; `TaskError` when it is not one, or not safe to parse."""
    text = decode_xml(data)
    if re.search(r"<!(?:DOCTYPE|ENTITY)", text, re.IGNORECASE):
        raise TaskError("DOCTYPE or entity declaration in a task file (refused)")
    text = _DECLARATION.sub("", text, count=1)
    try:
        root = ET.fromstring(text)  # noqa: S314 - no DOCTYPE, so no entities
    except ET.ParseError as exc:
        raise TaskError(f"not well-formed XML ({exc})") from None
    if root.tag not in (f"{NS}Task", "Task"):
        raise TaskError(f"not a task definition (root element {root.tag!r})")

    def find(path: str) -> str:
        node = root.find(path.replace("t:", NS))
        return (node.text or "").strip() if node is not None and node.text else ""

    actions: list[tuple[str, str, str]] = []  # (kind, command, arguments)
    container = root.find(f"{NS}Actions")
    for action in list(container) if container is not None else []:
        kind = action.tag.replace(NS, "")
        if kind == "Exec":
            command = action.findtext(f"{NS}Command", "").strip()
            arguments = action.findtext(f"{NS}Arguments", "").strip()
            actions.append(("exec", command, arguments))
        elif kind == "ComHandler":
            actions.append(("com", action.findtext(f"{NS}ClassId", "").strip(), ""))
        else:
            actions.append((kind.lower(), "", ""))
    triggers: list[str] = []
    box = root.find(f"{NS}Triggers")
    for trigger in list(box) if box is not None else []:
        name = trigger.tag.replace(NS, "")
        if trigger.findtext(f"{NS}Enabled", "true").strip().lower() == "false":
            name += " (disabled)"
        triggers.append(name)
    return {
        "author": find("t:RegistrationInfo/t:Author"),
        "uri": find("t:RegistrationInfo/t:URI"),
        "description": find("t:RegistrationInfo/t:Description"),
        "enabled": find("t:Settings/t:Enabled").lower() != "false",
        "hidden": find("t:Settings/t:Hidden").lower() == "true",
        "user": find("t:Principals/t:Principal/t:UserId"),
        "run-level": find("t:Principals/t:Principal/t:RunLevel"),
        "actions": actions,
        "triggers": triggers,
    }


class TasksCollector:
    id = "windows.tasks"
    platforms = PLATFORMS
    live_only = False

    def collect(self, host: Host) -> CollectorResult:
        reader = WinReader(host, self.id, HiveRegistry(host))
        for item in reader.walk(TASKS, max_depth=8):
            try:
                data = host.read_bytes(item.path, MAX_TASK_BYTES)
            except ReadError as error:
                reader.record(error)
                continue
            reader.looked_at()
            try:
                task = parse_task(data)
            except TaskError as exc:
                reader.record(ReadError(windows_display(item.path), ReadProblem.OTHER, str(exc)))
                continue
            self._add(reader, host, item.path, task)
        return reader.result

    @staticmethod
    def _add(reader: WinReader, host: Host, path: str, task: dict[str, object]) -> None:
        name = "\\" + path[len(TASKS) :].lstrip("/").replace("/", "\\")
        actions = task["actions"]
        triggers = task["triggers"]
        assert isinstance(actions, list)  # noqa: S101 - built just above
        assert isinstance(triggers, list)  # noqa: S101
        details = (
            ("author", str(task["author"])),
            ("hidden", "yes" if task["hidden"] else "no"),
            ("triggers", ", ".join(str(t) for t in triggers)),
            ("run-level", str(task["run-level"])),
        )
        for kind, command, arguments in actions:
            if kind == "exec":
                program = program_of(command) if command else None
                line = f"{command} {arguments}".strip()
            else:
                program, line = None, f"{kind} {command}".strip()
            reader.add_entry(
                "scheduled-task",
                windows_display(path),
                name,
                command=line,
                program=program,
                user=str(task["user"]) or None,
                enabled=bool(task["enabled"]),
                modified=host.modified(path),
                details=(*details, ("action", kind)),
            )

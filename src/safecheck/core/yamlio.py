"""A YAML reader that keeps line and column marks, shared by every data loader.

Data files are written by advocates and translators, not programmers, so every mistake is
reported as `file:line:col: message` and all of them are collected before giving up.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from safecheck.core.errors import Problem
from safecheck.core.fileio import read_regular
from safecheck.core.i18n import REQUIRED_LANGUAGES

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"
STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
MAX_FILE_BYTES = 4 * 1024 * 1024  # a checklist is a few hundred KB; refuse anything absurd
MAX_EXPANDED_NODES = 1_000_000  # the largest real data file (indicators) has far fewer


@dataclass
class Problems:
    """Collects the problems of one file, so a loader can report all of them at once."""

    path: str
    items: list[Problem] = field(default_factory=list)

    def add(self, node: yaml.Node | None, message: str) -> None:
        # one problem, one line: a value quoted in the message may hold line breaks
        message = message.replace("\r", "\\r").replace("\n", "\\n")
        if node is None:
            self.items.append(Problem(self.path, 1, 1, message))
        else:
            mark = node.start_mark
            self.items.append(Problem(self.path, mark.line + 1, mark.column + 1, message))


def expanded_size(root: yaml.Node) -> int:
    """How many nodes the tree has once every alias is expanded (an alias reuses a node: a small
    file can stand for a huge tree). Counted once per distinct node, so it costs only the
    file's own size; cycles (recursive aliases) count as too large."""
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in in_progress:
            return MAX_EXPANDED_NODES + 1  # an alias to one of its own parents
        in_progress.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            children: list[yaml.Node] = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        else:
            children = []
        for child in children:
            total += size(child)
            if total > MAX_EXPANDED_NODES:
                break
        in_progress.discard(key)
        sizes[key] = min(total, MAX_EXPANDED_NODES + 1)
        return sizes[key]

    try:
        return size(root)
    except RecursionError:
        return MAX_EXPANDED_NODES + 1


def compose_text(text: str, problems: Problems) -> yaml.Node | None:
    """Parse YAML text into a node tree; a syntax error, or a tree that its aliases make far
    larger than the file (an "alias bomb"), becomes a problem."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        if node is not None and expanded_size(node) > MAX_EXPANDED_NODES:
            message = (
                f"the file repeats parts of itself (YAML aliases) into more than "
                f"{MAX_EXPANDED_NODES} items; it is refused"
            )
            problems.items.append(Problem(problems.path, 1, 1, message))
            return None
        return node
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        problems.items.append(Problem(problems.path, line, col, f"YAML syntax error: {what}"))
    except yaml.reader.ReaderError as exc:  # e.g. a control character
        line, col = _line_col(_reader_prefix(text, exc))
        what = str(exc).split("\n", 1)[0]  # without the "in <unicode string>, position N" line
        problems.items.append(Problem(problems.path, line, col, f"YAML error: {what}"))
    except yaml.YAMLError as exc:
        problems.items.append(Problem(problems.path, 1, 1, f"YAML error: {exc}"))
    return None


def _reader_prefix(text: str, exc: yaml.reader.ReaderError) -> str:
    """The text before a reader error: libyaml counts UTF-8 bytes, PyYAML counts characters."""
    if exc.encoding == "unicode":
        return text[: exc.position]
    data = text.encode("utf-8", "surrogatepass")[: exc.position]
    return data.decode("utf-8", "replace")


def _line_col(before: str) -> tuple[int, int]:
    """The 1-based line and column just after `before`, the text preceding a mistake."""
    start = before.rfind("\n") + 1
    return before.count("\n") + 1, len(before) - start + 1


def compose_file(path: Path, problems: Problems) -> yaml.Node | None:
    """Read and parse a file; unreadable, huge or non-UTF-8 files become problems."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.add(None, f"file is too large ({size} bytes) to be a data file")
            return None
        data = read_regular(path, MAX_FILE_BYTES)
    except OSError as exc:
        problems.add(None, f"cannot read the file: {exc.strerror or exc}")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data[: exc.start].decode("utf-8", "replace"))
        problems.items.append(
            Problem(problems.path, line, col, f"the file is not UTF-8 text (byte {exc.start})")
        )
        return None
    return compose_text(text, problems)


def is_scalar(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode)


def did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class MappingView:
    """Checked access to the keys of one YAML mapping."""

    def __init__(
        self,
        node: yaml.MappingNode,
        problems: Problems,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
        what: str = "",
    ) -> None:
        self.node = node
        self.problems = problems
        self.values: dict[str, yaml.Node] = {}
        self.keys: dict[str, yaml.Node] = {}
        allowed = list(required) + list(optional)
        where = f" in {what}" if what else ""
        for key_node, value_node in node.value:
            if not is_scalar(key_node):
                problems.add(key_node, f"a key must be a plain word{where}")
                continue
            key = str(key_node.value)
            if key in self.values:
                first = self.keys[key].start_mark.line + 1
                problems.add(key_node, f"duplicate key '{key}'{where} (first on line {first})")
                continue
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                problems.add(key_node, f"unknown key '{key}'{where}{hint}")
                continue
            self.keys[key] = key_node
            self.values[key] = value_node
        for key in required:
            if key not in self.values:
                problems.add(node, f"missing key '{key}'{where}")

    def get(self, key: str) -> yaml.Node | None:
        return self.values.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self.values


def as_mapping(
    node: yaml.Node | None,
    problems: Problems,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    what: str = "",
) -> MappingView | None:
    if node is None:
        return None
    if not isinstance(node, yaml.MappingNode):
        problems.add(node, f"expected a mapping of keys to values{' for ' + what if what else ''}")
        return None
    return MappingView(node, problems, required, optional, what)


def as_open_mapping(node: yaml.Node | None, problems: Problems, what: str) -> MappingView | None:
    """A mapping whose keys are free (ids of things), still refusing duplicate keys."""
    if node is None:
        return None
    if not isinstance(node, yaml.MappingNode):
        problems.add(node, f"expected a mapping of keys to values for {what}")
        return None
    keys = tuple(str(k.value) for k, _ in node.value if isinstance(k, yaml.ScalarNode))
    return MappingView(node, problems, required=(), optional=keys, what=what)


def as_text(node: yaml.Node | None, problems: Problems, what: str) -> str | None:
    """A text value. Words YAML turns into booleans (yes, no, on, off) are refused."""
    if node is None:
        return None
    if not isinstance(node, yaml.ScalarNode):
        problems.add(node, f"{what}: expected text, found a {_kind(node)}")
        return None
    if node.tag == BOOL_TAG and not node.style:
        problems.add(
            node,
            f"{what}: '{node.value}' is read as true/false by YAML; put the text in quotes",
        )
        return None
    if node.tag == NULL_TAG and not node.style:
        problems.add(node, f"{what}: the value is empty")
        return None
    value = str(node.value)
    if not value.strip():
        problems.add(node, f"{what}: the value is empty")
        return None
    return value


def as_word(
    node: yaml.Node | None, problems: Problems, what: str, choices: list[str]
) -> str | None:
    """One of a fixed set of words. Plain yes/no are taken as the words they spell."""
    if node is None:
        return None
    if not isinstance(node, yaml.ScalarNode):
        problems.add(node, f"{what}: expected one of {', '.join(choices)}")
        return None
    value = str(node.value).strip().lower()
    if value not in choices:
        hint = did_you_mean(value, choices)
        problems.add(
            node,
            f"{what}: unknown value '{node.value}'; expected one of {', '.join(choices)}{hint}",
        )
        return None
    return value


def as_int(node: yaml.Node | None, problems: Problems, what: str) -> int | None:
    if node is None:
        return None
    if isinstance(node, yaml.ScalarNode) and node.tag == INT_TAG:
        try:
            return int(str(node.value).replace("_", ""), 0)
        except ValueError:
            pass
    problems.add(node, f"{what}: expected a whole number")
    return None


def as_list(node: yaml.Node | None, problems: Problems, what: str) -> list[yaml.Node]:
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        problems.add(node, f"{what}: expected a list (lines starting with '- ')")
        return []
    return list(node.value)


def as_text_list(node: yaml.Node | None, problems: Problems, what: str) -> list[str]:
    out: list[str] = []
    if node is not None and isinstance(node, yaml.ScalarNode) and node.tag != NULL_TAG:
        node_list: list[yaml.Node] = [node]  # a single word is accepted where a list is expected
    else:
        node_list = as_list(node, problems, what)
    for child in node_list:
        value = as_text(child, problems, what)
        if value is not None:
            out.append(value)
    return out


def walk_scalars(node: yaml.Node) -> Iterator[yaml.ScalarNode]:
    if isinstance(node, yaml.ScalarNode):
        yield node
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            yield from walk_scalars(child)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from walk_scalars(key)
            yield from walk_scalars(value)


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "mapping"
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return "value"


def as_localized(
    node: yaml.Node | None, problems: Problems, what: str, languages: tuple[str, ...]
) -> dict[str, str] | None:
    """A text given per language: a mapping such as {en: ..., fr: ..., es: ...}. The
    REQUIRED_LANGUAGES among `languages` must be there; the others may be missing (the text then
    falls back to English, marked as such, when shown: see `Translator.pick`)."""
    if node is None:
        return None
    if not isinstance(node, yaml.MappingNode):
        problems.add(node, f"{what}: expected one text per language ({', '.join(languages)})")
        return None
    required = tuple(lang for lang in languages if lang in REQUIRED_LANGUAGES)
    optional = tuple(lang for lang in languages if lang not in REQUIRED_LANGUAGES)
    view = MappingView(node, problems, required=required, optional=optional, what=what)
    out: dict[str, str] = {}
    complete = True
    for lang in languages:
        if lang in optional and lang not in view:
            continue
        value = as_text(view.get(lang), problems, f"{what} ({lang})")
        if value is not None:
            out[lang] = value.strip()
        else:
            complete = False
    return out if complete else None

"""A small YAML file whose aliases stand for a huge tree is refused before anything expands
it; ordinary anchors (the rule files use them for shared notes) still work."""

from __future__ import annotations

import time

from safecheck.core.yamlio import MAX_EXPANDED_NODES, Problems, compose_text, expanded_size
from safecheck.report.rules import load_rules


def test_alias_bomb_is_refused_quickly() -> None:
    items = ",".join(["x"] * 100_000)
    bomb = f"a: &a [{items}]\nb: [" + ",".join(["*a"] * 100_000) + "]\n"
    problems = Problems("bomb.yaml")
    start = time.process_time()
    assert compose_text(bomb, problems) is None
    assert time.process_time() - start < 20  # linear in the file, not in the expansion
    assert "aliases" in str(problems.items[0])


def test_nested_alias_levels_are_counted() -> None:
    lines = ["l0: &l0 [a, b, c, d, e, f, g, h, i, j]"]
    for level in range(1, 9):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    problems = Problems("levels.yaml")
    assert compose_text("\n".join(lines) + "\n", problems) is None  # 10^9 items expanded


def test_ordinary_anchors_are_fine() -> None:
    problems = Problems("ok.yaml")
    node = compose_text("note: &n hello\nrules: [{safety: *n}, {safety: *n}]\n", problems)
    assert node is not None and problems.items == []
    assert expanded_size(node) < 20 < MAX_EXPANDED_NODES
    assert load_rules()  # the packaged rule files share their notes through anchors

"""The compiled rules (data/rules.compiled.json): current, the same as the YAML, and never
used once the YAML has changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from safecheck.core.errors import DataError
from safecheck.report import rules as rules_module
from safecheck.report.rules import (
    compile_rules,
    compiled_rules_path,
    load_compiled_rules,
    packaged_rules_dir,
    rule_files,
)

REGENERATE = "run `python -m safecheck.report.rules --compile` after changing data/rules/*.yaml"


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data" / "rules"
    shutil.copytree(packaged_rules_dir(), folder)
    shutil.copy(compiled_rules_path(packaged_rules_dir()), compiled_rules_path(folder))
    return folder


def test_the_shipped_compiled_rules_are_current_and_the_same_as_the_yaml() -> None:
    folder = packaged_rules_dir()
    files = rule_files(folder)
    found = load_compiled_rules(folder, files)
    assert found is not None, REGENERATE
    parsed = rules_module._parse_all(files)
    assert found == parsed  # every rule, every text in every language, in order, and the version
    assert list(found[0]) == list(parsed[0])
    assert compiled_rules_path(folder).read_text(encoding="utf-8") == compile_rules(files)
    assert rules_module.load_rules() == parsed[0]
    assert rules_module.rules_version() == parsed[1]


def test_the_packaged_rules_are_found_beside_the_package() -> None:
    assert packaged_rules_dir() == Path(rules_module.__file__).parent.parent / "data" / "rules"
    assert (packaged_rules_dir() / "common.yaml").is_file()


def test_an_edited_rule_file_makes_it_stale(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    assert load_compiled_rules(folder, rule_files(folder)) is not None
    common = folder / "common.yaml"
    common.write_bytes(common.read_bytes() + b"\n")
    assert load_compiled_rules(folder, rule_files(folder)) is None


def test_an_added_rule_file_makes_it_stale(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    shutil.copy(folder / "phone.yaml", folder / "zz.yaml")
    assert load_compiled_rules(folder, rule_files(folder)) is None


def test_stale_packaged_rules_are_parsed_and_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _copy(tmp_path)
    common = folder / "common.yaml"
    common.write_text(common.read_text(encoding="utf-8") + "oops: [\n", encoding="utf-8")
    monkeypatch.setattr(rules_module, "packaged_rules_dir", lambda: folder)
    rules_module._load.cache_clear()
    try:
        with pytest.raises(DataError):
            rules_module.load_rules()
    finally:
        rules_module._load.cache_clear()


@pytest.mark.parametrize("content", ["", "[]", "{", '{"format": 1}', '{"format": 2}'])
def test_a_damaged_compiled_file_is_not_used(tmp_path: Path, content: str) -> None:
    folder = _copy(tmp_path)
    compiled_rules_path(folder).write_text(content, encoding="utf-8")
    assert load_compiled_rules(folder, rule_files(folder)) is None

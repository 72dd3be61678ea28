"""The compiled catalog (data/catalog.compiled.json): current, the same as the YAML it was made
from, and never used once the YAML has changed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from safecheck.catalog import packaged
from safecheck.catalog.compiled import (
    PACKAGED_DIR,
    catalog_files,
    compile_catalog,
    compiled_path,
    load_compiled,
)
from safecheck.catalog.loader import load_catalog, packaged_catalog_dir
from safecheck.catalog.model import Catalog
from safecheck.catalog.packaged import packaged_catalog
from safecheck.core.errors import DataError

REGENERATE = "run `python -m safecheck.catalog.packaged` after changing data/catalog/*.yaml"


def _validated(folder: Path) -> Catalog:
    return load_catalog([folder])  # a list of paths: always the YAML, never the compiled form


def _copy(tmp_path: Path) -> Path:
    """A copy of the packaged catalog folder and of its compiled form."""
    folder = tmp_path / "data" / "catalog"
    shutil.copytree(PACKAGED_DIR, folder)
    shutil.copy(compiled_path(PACKAGED_DIR), compiled_path(folder))
    return folder


def test_the_packaged_catalog_dir_is_the_loaders() -> None:
    assert packaged_catalog_dir() == PACKAGED_DIR


def test_the_shipped_compiled_catalog_is_current() -> None:
    found = load_compiled(PACKAGED_DIR, catalog_files([PACKAGED_DIR]))
    assert found is not None, REGENERATE


def test_the_compiled_catalog_is_the_validated_yaml() -> None:
    found = load_compiled(PACKAGED_DIR, catalog_files([PACKAGED_DIR]))
    validated = _validated(PACKAGED_DIR)
    assert found is not None, REGENERATE
    assert found.tools == validated.tools  # every field: names, texts, artifacts, file and line
    assert repr(found) == repr(validated)
    assert packaged_catalog().tools == validated.tools
    assert load_catalog().tools == validated.tools


def test_the_shipped_file_is_what_compiling_gives_now() -> None:
    files = catalog_files([PACKAGED_DIR])
    text = compile_catalog(_validated(PACKAGED_DIR), files)
    assert compiled_path(PACKAGED_DIR).read_text(encoding="utf-8") == text, REGENERATE


def test_an_edited_yaml_is_validated_again_not_read_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _copy(tmp_path)
    assert load_compiled(folder, catalog_files([folder])) is not None
    target = folder / "keylogger.yaml"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("name: logkeys", "name: logkeys-renamed", 1), encoding="utf-8")
    assert load_compiled(folder, catalog_files([folder])) is None
    monkeypatch.setattr(packaged, "PACKAGED_DIR", folder)
    catalog = packaged_catalog()
    tool = catalog.get("logkeys")
    assert tool is not None and tool.name == "logkeys-renamed"
    assert catalog.tools == _validated(folder).tools


def test_an_added_or_removed_file_makes_it_stale(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    shutil.copy(folder / "tunnel.yaml", folder / "zz-more.yaml")
    assert load_compiled(folder, catalog_files([folder])) is None
    (folder / "zz-more.yaml").unlink()
    (folder / "tunnel.yaml").unlink()
    assert load_compiled(folder, catalog_files([folder])) is None


def test_a_stale_catalog_with_mistakes_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _copy(tmp_path)
    (folder / "keylogger.yaml").write_text("tools: [\n", encoding="utf-8")
    monkeypatch.setattr(packaged, "PACKAGED_DIR", folder)
    with pytest.raises(DataError):
        packaged_catalog()


@pytest.mark.parametrize(
    "content",
    ["", "{", "[]", '{"format": 1}', '{"format": 99, "sources_sha256": "x", "tools": []}'],
)
def test_a_damaged_compiled_file_is_not_used(tmp_path: Path, content: str) -> None:
    folder = _copy(tmp_path)
    compiled_path(folder).write_text(content, encoding="utf-8")
    assert load_compiled(folder, catalog_files([folder])) is None


def test_a_missing_compiled_file_is_not_used(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    compiled_path(folder).unlink()
    assert load_compiled(folder, catalog_files([folder])) is None


def test_compiling_a_copy_gives_the_same_tools_with_the_copys_paths(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    compiled_path(folder).unlink()
    files = catalog_files([folder])
    validated = _validated(folder)
    compiled_path(folder).write_text(compile_catalog(validated, files), encoding="utf-8")
    found = load_compiled(folder, files)
    assert found is not None
    assert found.tools == validated.tools
    assert all(tool.path.startswith(str(folder)) for tool in found.tools)


def test_a_scan_does_not_import_the_yaml_validator() -> None:
    code = (
        "import sys; from safecheck.catalog.packaged import packaged_catalog; "
        "packaged_catalog(); print('safecheck.catalog.loader' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"

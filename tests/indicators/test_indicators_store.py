"""Where indicators live, importing a copy (--from), and reading what is installed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import indicators_fakes
import pytest
from indicators_fakes import COMMIT, ECHAP, IOC_SHA256, WATCHWARE_SHA256

from safecheck.core.errors import DataError, UsageError
from safecheck.indicators import load_installed
from safecheck.indicators import update as updater
from safecheck.indicators.store import UNKNOWN_COMMIT, indicators_folder, user_data_dir

# The fixtures of tests/indicators (a conftest.py here would clash with tests/conftest.py
# for mypy): a fake GitHub on 127.0.0.1, loopback-only connections, a private data folder.
fake_github = indicators_fakes.fake_github
loopback_only = indicators_fakes.loopback_only
no_user_data_dir = indicators_fakes.no_user_data_dir


def test_load_installed_without_a_folder_is_none(tmp_path: Path, no_user_data_dir: Path) -> None:
    assert load_installed(tmp_path / "nothing-here") is None
    assert load_installed() is None  # SAFECHECK_DATA_DIR points at a folder that does not exist
    assert not no_user_data_dir.exists()
    (tmp_path / "empty").mkdir()
    assert load_installed(tmp_path / "empty") is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]  # nothing written


def test_folder_choice(tmp_path: Path) -> None:
    home = Path("/home/someone")
    assert indicators_folder(tmp_path, environ={}) == (tmp_path, "option")
    assert indicators_folder(None, environ={"SAFECHECK_DATA_DIR": "/d"}) == (
        Path("/d/indicators"),
        "env",
    )
    folder, why = indicators_folder(None, environ={}, platform="linux", home=home)
    assert (folder, why) == (home / ".local/share/safecheck/indicators", "default")
    xdg = {"XDG_DATA_HOME": "/x/data"}
    assert user_data_dir(xdg, "linux", home) == Path("/x/data/safecheck")
    assert user_data_dir({"XDG_DATA_HOME": "rel"}, "linux", home) == home / ".local/share/safecheck"
    assert user_data_dir({}, "darwin", home) == home / "Library/Application Support/safecheck"
    local = {"LOCALAPPDATA": "C:/Users/x/AppData/Local"}
    assert user_data_dir(local, "win32", home) == Path("C:/Users/x/AppData/Local/safecheck")


def test_import_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ind"
    imported = updater.import_from(ECHAP, folder)
    assert imported.commit == UNKNOWN_COMMIT
    assert imported.folder == str(folder)
    installed = load_installed(folder)
    assert installed is not None
    assert installed.commit == UNKNOWN_COMMIT
    assert installed.sha256 == {"ioc.yaml": IOC_SHA256, "watchware.yaml": WATCHWARE_SHA256}
    assert installed.counts()["stalkerware"] == 147
    assert installed.counts()["watchware"] == 27


def test_import_a_single_ioc_file(tmp_path: Path) -> None:
    folder = tmp_path / "ind"
    updater.import_from(ECHAP / "ioc.yaml", folder)
    installed = load_installed(folder)
    assert installed is not None
    assert dict(installed.sha256) == {"ioc.yaml": IOC_SHA256}
    assert installed.counts()["watchware"] == 0
    with pytest.raises(updater.UpdateError, match=r"ioc\.yaml"):
        updater.import_from(ECHAP / "watchware.yaml", tmp_path / "other")
    with pytest.raises(updater.UpdateError, match="does not exist"):
        updater.import_from(tmp_path / "missing", tmp_path / "other")
    with pytest.raises(updater.UpdateError, match=r"no ioc\.yaml"):
        updater.import_from(tmp_path / "ind" / "..", tmp_path / "other")
    assert not (tmp_path / "other").exists()


def test_import_keeps_the_commit_of_a_manifest_beside_the_files(tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    first = tmp_path / "first"
    updater.import_from(ECHAP, first)
    shutil.copytree(first, usb)
    manifest = json.loads((usb / "manifest.json").read_text(encoding="utf-8"))
    manifest["commit"] = COMMIT
    manifest["retrieved_at"] = "2026-06-21T10:00:00Z"
    (usb / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    installed = updater.import_from(usb, tmp_path / "second")
    assert installed.commit == COMMIT
    assert installed.retrieved_at == "2026-06-21T10:00:00Z"
    # a copy whose file no longer matches its manifest is refused
    (usb / "watchware.yaml").write_bytes((ECHAP / "watchware.yaml").read_bytes() + b"\n")
    with pytest.raises(updater.UpdateError, match="SHA-256"):
        updater.import_from(usb, tmp_path / "third")
    assert not (tmp_path / "third").exists()


def test_import_of_a_file_that_does_not_parse(tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "ioc.yaml").write_text("- name: A\n  type: [x]\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        updater.import_from(usb, tmp_path / "ind")
    assert str(info.value.problems[0]).startswith(f"{usb / 'ioc.yaml'}:2:9:")
    assert not (tmp_path / "ind").exists()


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    folder = tmp_path / "ind"
    updater.import_from(ECHAP, folder)
    return folder


def test_a_changed_file_is_a_data_error(installed: Path) -> None:
    (installed / "ioc.yaml").write_text("- name: Changed\n", encoding="utf-8")
    with pytest.raises(DataError, match="changed since it was installed"):
        load_installed(installed)


def test_a_missing_file_or_manifest_is_a_data_error(installed: Path) -> None:
    (installed / "watchware.yaml").unlink()
    with pytest.raises(DataError, match="missing, but listed"):
        load_installed(installed)
    (installed / "manifest.json").unlink()
    with pytest.raises(DataError, match=r"manifest\.json:1:1: missing"):
        load_installed(installed)


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("{", "not valid JSON"),
        ("[]", "JSON object"),
        ('{"source": "s", "commit": "c", "retrieved_at": "d"}', "'files'"),
        ('{"source": "s", "retrieved_at": "d", "files": {}}', "'commit'"),
        (
            '{"source": "s", "commit": "c", "retrieved_at": "d",'
            ' "files": {"ioc.yaml": {"sha256": "zz"}}}',
            "SHA-256",
        ),
        (
            '{"source": "s", "commit": "c", "retrieved_at": "d",'
            ' "files": {"../x": {"sha256": "zz"}}}',
            "unexpected file",
        ),
    ],
)
def test_a_damaged_manifest_is_a_data_error(installed: Path, manifest: str, message: str) -> None:
    (installed / "manifest.json").write_text(manifest, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        load_installed(installed)


def test_install_never_replaces_a_folder_of_other_files(tmp_path: Path) -> None:
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "letter.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match="other files"):
        updater.import_from(ECHAP, documents)
    assert sorted(p.name for p in documents.iterdir()) == ["letter.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Documents"]
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="not a folder"):
        updater.import_from(ECHAP, tmp_path / "afile")


def test_install_into_an_empty_existing_folder(tmp_path: Path) -> None:
    (tmp_path / "ind").mkdir()
    updater.import_from(ECHAP, tmp_path / "ind")
    assert load_installed(tmp_path / "ind") is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ind"]


def test_import_a_single_file_of_any_name(tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    copy = usb / "ioc (1).yaml"
    copy.write_bytes((ECHAP / "ioc.yaml").read_bytes())
    updater.import_from(copy, tmp_path / "ind")
    installed = load_installed(tmp_path / "ind")
    assert installed is not None
    assert dict(installed.sha256) == {"ioc.yaml": IOC_SHA256}


def test_an_interrupted_swap_puts_the_old_set_back(
    installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {p.name: p.read_bytes() for p in installed.iterdir()}
    real_replace = os.replace
    calls: list[str] = []

    def replace(src: os.PathLike[str] | str, dst: os.PathLike[str] | str) -> None:
        calls.append(str(src))
        if len(calls) == 2:  # the old set is aside, the new one about to go in: Ctrl-C
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        updater.import_from(ECHAP / "ioc.yaml", installed)
    monkeypatch.setattr(os, "replace", real_replace)
    assert {p.name: p.read_bytes() for p in installed.iterdir()} == before
    assert sorted(p.name for p in installed.parent.iterdir()) == ["ind"]

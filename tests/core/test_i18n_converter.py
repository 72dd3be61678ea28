"""tools/translations.py turns the message YAML of a language into .po files (for Poedit or
Weblate) and back, without losing or changing a message."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from babel.messages.pofile import read_po, write_po

from paths import REPO
from safecheck.core.i18n import LANGUAGES

I18N = REPO / "src" / "safecheck" / "core" / "i18n"


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "translations", REPO / "tools" / "translations.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = load_tool()


def messages(folder: Path) -> dict[str, object]:
    merged: dict[str, object] = {}
    for path in sorted(folder.glob("*.yaml")):
        merged.update(yaml.safe_load(path.read_text(encoding="utf-8")))
    return merged


def copy_catalogs(tmp_path: Path, lang: str) -> Path:
    i18n = tmp_path / "i18n"
    for code in {"en", lang}:
        shutil.copytree(I18N / code, i18n / code, ignore=shutil.ignore_patterns("data"))
    return i18n


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_export_then_import_changes_nothing(tmp_path: Path, lang: str) -> None:
    i18n = copy_catalogs(tmp_path, lang)
    before = messages(i18n / lang)
    written = TOOL.export_messages(lang, tmp_path / "po", i18n)
    assert {p.stem for p in written} == {p.stem for p in (I18N / "en").glob("*.yaml")}
    assert TOOL.import_messages(lang, tmp_path / "po", i18n) == []
    assert messages(i18n / lang) == before


def test_plural_messages_become_gettext_plurals(tmp_path: Path) -> None:
    i18n = copy_catalogs(tmp_path, "ar")
    TOOL.export_messages("ar", tmp_path / "po", i18n)
    with (tmp_path / "po" / "iphone.po").open("rb") as file:
        po = read_po(file, locale="ar")
    assert po.num_plurals == 6 and "nplurals=6" in po.plural_forms
    apps = next(m for m in po if m.context == "iphone.coverage.apps")
    assert apps.id == ("{count} app read.", "{count} apps read.")
    assert isinstance(apps.string, tuple | list)
    assert apps.string[2] == "قُرئ تطبيقان."  # index 2 is "two" in Arabic's Plural-Forms
    plain = next(m for m in po if m.context == "iphone.live.locked")
    assert isinstance(plain.id, str) and plain.id.startswith("The iPhone is locked")


def test_a_translation_made_in_poedit_lands_in_the_yaml(tmp_path: Path) -> None:
    i18n = copy_catalogs(tmp_path, "es")
    TOOL.export_messages("es", tmp_path / "po", i18n)
    path = tmp_path / "po" / "iphone.po"
    with path.open("rb") as file:
        po = read_po(file, locale="es")
    for message in po:
        if message.context == "iphone.live.locked":
            message.string = "El iPhone está bloqueado: desbloquéelo."
        if message.context == "iphone.coverage.apps":
            message.string = (
                "{count} app vista.",
                "{count} apps vistas (muchas).",
                "{count} apps vistas.",
            )
    with path.open("wb") as file:
        write_po(file, po)
    assert TOOL.import_messages("es", tmp_path / "po", i18n) == []
    after = messages(i18n / "es")
    assert after["iphone.live.locked"] == "El iPhone está bloqueado: desbloquéelo."
    assert after["iphone.coverage.apps"] == {
        "plural": "count",
        "one": "{count} app vista.",
        "many": "{count} apps vistas (muchas).",
        "other": "{count} apps vistas.",
    }


def test_an_entry_left_empty_keeps_the_yaml_text(tmp_path: Path) -> None:
    i18n = copy_catalogs(tmp_path, "tr")
    TOOL.export_messages("tr", tmp_path / "po", i18n)
    path = tmp_path / "po" / "core.po"
    with path.open("rb") as file:
        po = read_po(file, locale="tr")
    for message in po:
        if message.context == "answer.yes":
            message.string = ""
    with path.open("wb") as file:
        write_po(file, po)
    assert TOOL.import_messages("tr", tmp_path / "po", i18n) == []
    assert messages(i18n / "tr")["answer.yes"] == messages(I18N / "tr")["answer.yes"]

"""Data texts (checklists, finding rules, help contacts, tool catalog) as gettext catalogs.

English and French are written inline in the data files (`en:` / `fr:`). Every other language
lives in gettext `.po` files, one per data domain, under
`src/safecheck/core/i18n/<lang>/data/<domain>.po`, so that a volunteer translator works in
Poedit or Weblate and never edits the YAML. The message id is the English text; a translation
whose English has since changed no longer matches and is shown in English until updated.

    python tools/translations.py template          # write the .pot templates from the data
    python tools/translations.py update ar es      # create or refresh ar/es .po (keeps work)
    python tools/translations.py status            # how much of each language is translated

See docs/translating.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
I18N = REPO / "src" / "safecheck" / "core" / "i18n"
TEMPLATES = I18N / "templates"
SOURCE_LANGUAGES = ("en", "fr")

# domain -> the data files whose texts it holds (repository-relative globs)
DOMAINS: dict[str, tuple[str, ...]] = {
    "checklist-situation": ("checklists/situation.yaml",),
    "checklist-android": ("checklists/android.yaml",),
    "checklist-iphone": ("checklists/iphone.yaml",),
    "checklist-accounts": ("checklists/accounts.yaml",),
    "checklist-location": ("checklists/location.yaml",),
    "rules": ("src/safecheck/data/rules/*.yaml",),
    "resources": ("src/safecheck/data/resources.yaml",),
    "catalog": ("src/safecheck/data/catalog/*.yaml",),
}


def localized_texts(node: object, where: str) -> Iterator[tuple[str, str]]:
    """(English text, where) for every `{en: ..., fr: ...}` mapping in a parsed data file."""
    if isinstance(node, dict):
        english = node.get("en")
        if isinstance(english, str) and isinstance(node.get("fr"), str):
            yield english, where  # exactly as loaded: it is the key the tool looks up
            return
        for key, value in node.items():
            yield from localized_texts(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            name = value.get("id") if isinstance(value, dict) else None
            yield from localized_texts(value, f"{where}/{name if name else index}")


def domain_files(domain: str) -> list[Path]:
    return sorted(path for pattern in DOMAINS[domain] for path in REPO.glob(pattern))


def template(domain: str) -> Catalog:
    catalog = Catalog(project="safecheck", domain=domain, fuzzy=False)
    for path in domain_files(domain):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        relative = path.relative_to(REPO).as_posix()
        for english, where in localized_texts(data, ""):
            if not english.strip():
                continue
            existing = catalog.get(english)
            location = (f"{relative}:{where.lstrip('/')}", None)
            if existing is None:
                catalog.add(english, locations=[location])
            else:
                existing.locations.append(location)
    return catalog


def write_templates() -> None:
    TEMPLATES.mkdir(parents=True, exist_ok=True)
    for domain in DOMAINS:
        with (TEMPLATES / f"{domain}.pot").open("wb") as out:
            write_po(out, template(domain), width=100, omit_header=False)


def update(lang: str) -> None:
    if lang in SOURCE_LANGUAGES:
        sys.exit(f"{lang} is written inline in the data files, not in a .po catalog")
    folder = I18N / lang / "data"
    folder.mkdir(parents=True, exist_ok=True)
    for domain in DOMAINS:
        fresh = template(domain)
        fresh.locale = lang  # type: ignore[assignment]
        path = folder / f"{domain}.po"
        if path.exists():
            with path.open("rb") as old_file:
                old = read_po(old_file, locale=lang)
            fresh.update(old, no_fuzzy_matching=True)  # type: ignore[no-untyped-call]
            for message in fresh:
                previous = old.get(message.id) if message.id else None
                if previous is not None and previous.string:
                    message.string = previous.string
        with path.open("wb") as out:
            write_po(out, fresh, width=100, omit_header=False)


def status(langs: list[str]) -> None:
    for lang in langs:
        done = total = 0
        for domain in DOMAINS:
            path = I18N / lang / "data" / f"{domain}.po"
            english = {m.id for m in template(domain) if m.id}
            total += len(english)
            if path.exists():
                with path.open("rb") as file:
                    catalog = read_po(file, locale=lang)
                done += sum(1 for m in catalog if m.id in english and m.string)
        print(f"{lang}: {done}/{total} data texts translated")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("template", help="write the .pot templates from the data files")
    update_parser = sub.add_parser("update", help="create or refresh the .po files of languages")
    update_parser.add_argument("langs", nargs="+")
    status_parser = sub.add_parser("status", help="how much of each language is translated")
    status_parser.add_argument("langs", nargs="*", default=["ar", "es", "pt", "tr"])
    args = parser.parse_args()
    if args.command == "template":
        write_templates()
    elif args.command == "update":
        for lang in args.langs:
            update(lang)
    else:
        status(args.langs)


if __name__ == "__main__":
    main()

"""Data texts (checklists, finding rules, help contacts, tool catalog) as gettext catalogs.

English and French are written inline in the data files (`en:` / `fr:`). Every other language
lives in gettext `.po` files, one per data domain, under
`src/safecheck/core/i18n/<lang>/data/<domain>.po`, so that a volunteer translator works in
Poedit or Weblate and never edits the YAML. The message id is the English text; a translation
whose English has since changed no longer matches and is shown in English until updated.

    python tools/translations.py template          # write the .pot templates from the data
    python tools/translations.py update ar es      # create or refresh ar/es .po (keeps work)
    python tools/translations.py status            # how much of each language is translated

The tool's messages (`src/safecheck/core/i18n/<lang>/*.yaml`) go to .po files and back, so the
translator of the messages uses Poedit too. The message key is the entry's context (msgctxt);
a message with a count becomes a plural entry (msgid_plural, Plural-Forms of the language):

    python tools/translations.py messages-export ar    # -> build/translations/ar/<part>.po
    python tools/translations.py messages-import ar    # <- the same folder, rewrites ar/*.yaml

Each language's plural rules are Babel's CLDR rules, written down once so that a count does not
load Babel's whole locale data (about 25 ms at every command that shows one); a test checks they
are still Babel's:

    python tools/translations.py plural-rules          # rewrites i18n/plural_rules.json

See docs/translating.md.
"""

from __future__ import annotations

import argparse
import gettext
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml
from babel.core import Locale
from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
I18N = REPO / "src" / "safecheck" / "core" / "i18n"
TEMPLATES = I18N / "templates"
MESSAGES_WORK = REPO / "build" / "translations"
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
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
            write_po(out, _without_format_flags(template(domain)), width=100, omit_header=False)


def _without_format_flags(catalog: Catalog) -> Catalog:
    # Babel marks a text holding "%" as a Python %-format; ours use {placeholders}, and the
    # wrong mark makes `msgfmt -c` reject a correct translation.
    for message in catalog:
        message.flags.discard("python-format")
    return catalog


def update(lang: str) -> None:
    """Bring a language's catalogs in line with the data: new English texts are added empty,
    translations of texts that changed are kept as obsolete (#~) entries for the translator."""
    if lang in SOURCE_LANGUAGES:
        sys.exit(f"{lang} is written inline in the data files, not in a .po catalog")
    folder = I18N / lang / "data"
    folder.mkdir(parents=True, exist_ok=True)
    for domain in DOMAINS:
        fresh = template(domain)
        path = folder / f"{domain}.po"
        if path.exists():
            with path.open("rb") as old_file:
                catalog = read_po(old_file, locale=lang)
            catalog.update(fresh, no_fuzzy_matching=True)  # type: ignore[no-untyped-call]
        else:
            fresh.locale = lang  # type: ignore[assignment]
            catalog = fresh
        with path.open("wb") as out:
            write_po(out, _without_format_flags(catalog), width=100, omit_header=False)


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


# --- the tool's messages: YAML <-> .po ------------------------------------------------------


def plural_slots(lang: str) -> list[str]:
    """The CLDR category of each gettext plural index of `lang` (index 0 = "one" in French):
    found by running the language's Plural-Forms expression and Babel's CLDR rules on the same
    numbers."""
    count, expression = get_plural(lang)
    index_of = gettext.c2py(expression)
    locale = Locale.parse(lang)
    slots: dict[int, str] = {}
    for n in [*range(0, 1001), 1_000_000, 2_000_000]:
        slots.setdefault(index_of(n), str(locale.plural_form(n)))
    return [slots.get(index, "other") for index in range(count)]


def _load_yaml(path: Path) -> dict[str, object]:
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        sys.exit(f"{path} is not a mapping")
    return {str(key): value for key, value in data.items()}


def _forms(value: object) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items() if k != "plural"}
    return {"other": str(value)}


def export_messages(lang: str, out: Path, i18n: Path = I18N) -> list[Path]:
    """One .po per message file: msgctxt is the key, msgid the English, msgstr this language."""
    out.mkdir(parents=True, exist_ok=True)
    slots = plural_slots(lang)
    written = []
    for english_file in sorted((i18n / "en").glob("*.yaml")):
        english = _load_yaml(english_file)
        own = _load_yaml(i18n / lang / english_file.name)
        catalog = Catalog(locale=lang, project="safecheck", domain=english_file.stem)
        for key, value in english.items():
            theirs = own.get(key)
            if isinstance(value, dict):  # a message with a count
                forms = _forms(value)
                their_forms = _forms(theirs) if isinstance(theirs, dict) else {}
                singular = forms.get("one", forms["other"])
                strings = tuple(
                    their_forms.get(slot, their_forms.get("other", "")) for slot in slots
                )
                catalog.add(
                    (singular, forms["other"]),
                    strings,
                    context=key,
                    auto_comments=[f"plural: {value.get('plural')}"],
                )
            else:
                translated = "" if theirs is None or isinstance(theirs, dict) else str(theirs)
                catalog.add(str(value), translated, context=key)
        path = out / f"{english_file.stem}.po"
        with path.open("wb") as file:
            write_po(file, catalog, width=100, omit_header=False)
        written.append(path)
    return written


def _yaml_text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def import_messages(lang: str, source: Path, i18n: Path = I18N) -> list[str]:
    """Rewrite `<lang>/*.yaml` from the .po files in `source`, in the English files' order.
    An entry left empty keeps the text the YAML had (or is reported when there was none)."""
    if lang == "en":
        sys.exit("English is the source: edit en/*.yaml")
    slots = plural_slots(lang)
    missing: list[str] = []
    for english_file in sorted((i18n / "en").glob("*.yaml")):
        po_path = source / f"{english_file.stem}.po"
        if not po_path.exists():
            continue
        with po_path.open("rb") as file:
            po = read_po(file, locale=lang)
        translated = {m.context: m.string for m in po if m.context}
        english = _load_yaml(english_file)
        target = i18n / lang / english_file.name
        old = _load_yaml(target)
        header = []
        if target.exists():
            for line in target.read_text(encoding="utf-8").splitlines():
                if not line.startswith("#"):
                    break
                header.append(line)
        lines = list(header)
        for key, value in english.items():
            string = translated.get(key)
            if isinstance(value, dict):
                strings = list(string) if isinstance(string, (list, tuple)) else []
                forms = {slot: text for slot, text in zip(slots, strings, strict=False) if text}
                if forms and "other" not in forms:
                    forms["other"] = strings[-1] or next(iter(forms.values()))
                if forms.get("many") == forms.get("other") and "many" not in _forms(value):
                    forms.pop("many", None)
                if not forms:
                    previous = old.get(key)
                    forms = _forms(previous) if isinstance(previous, dict) else {}
                if not forms:
                    missing.append(key)
                    continue
                lines += [f"{key}:", f"  plural: {value['plural']}"]
                shown = [cat for cat in PLURAL_CATEGORIES if cat in forms]
                lines += [f"  {cat}: {_yaml_text(forms[cat])}" for cat in shown]
            else:
                text = string if isinstance(string, str) and string else old.get(key)
                if not isinstance(text, str) or not text:
                    missing.append(key)
                    continue
                lines.append(f"{key}: {_yaml_text(text)}")
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return missing


def write_plural_rules() -> Path:
    """Babel's CLDR plural rules of every language, as `core.i18n.plural_category` reads them."""
    import babel  # noqa: PLC0415

    from safecheck.core.i18n import LANGUAGES  # noqa: PLC0415

    data = {
        "source": "Unicode CLDR plural rules, as Babel ships them "
        "(https://cldr.unicode.org/index/cldr-spec/plural-rules)",
        "babel": babel.__version__,
        "rules": {
            lang: dict(sorted(Locale.parse(lang).plural_form.rules.items())) for lang in LANGUAGES
        },
    }
    target = I18N / "plural_rules.json"
    target.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("template", help="write the .pot templates from the data files")
    update_parser = sub.add_parser("update", help="create or refresh the .po files of languages")
    update_parser.add_argument("langs", nargs="+")
    status_parser = sub.add_parser("status", help="how much of each language is translated")
    status_parser.add_argument("langs", nargs="*", default=["ar", "es", "pt", "tr"])
    for name, what in (("messages-export", "write"), ("messages-import", "read")):
        part = sub.add_parser(name, help=f"{what} the .po files of one language's messages")
        part.add_argument("lang")
        part.add_argument("folder", nargs="?", type=Path, help="default: build/translations/LANG")
    sub.add_parser("plural-rules", help="write each language's CLDR plural rules from Babel")
    args = parser.parse_args()
    if args.command == "plural-rules":
        print(write_plural_rules())
    elif args.command == "template":
        write_templates()
    elif args.command == "update":
        for lang in args.langs:
            update(lang)
    elif args.command == "messages-export":
        for path in export_messages(args.lang, args.folder or MESSAGES_WORK / args.lang):
            print(path)
    elif args.command == "messages-import":
        missing = import_messages(args.lang, args.folder or MESSAGES_WORK / args.lang)
        if missing:
            sys.exit(f"not translated, left out: {', '.join(missing)}")
    else:
        status(args.langs)


if __name__ == "__main__":
    main()

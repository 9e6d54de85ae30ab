"""Every UI string is marked for translation and is in the Polish and English catalogs,
with three plural forms in Polish and two in English, and each translation keeps the
placeholders of its source text."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def extracted_ids() -> set[str]:
    with open(ROOT / "babel.cfg", encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def catalog_of(locale: str):
    with open(ROOT / f"consult/translations/{locale}/LC_MESSAGES/messages.po", "rb") as fh:
        return read_po(fh, locale=locale)


@pytest.mark.parametrize("locale", ["pl", "en"])
def test_every_ui_string_is_in_both_catalogs(locale):
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog_of(locale)
        if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    ids = extracted_ids()
    assert len(ids) > 100
    missing = sorted(ids - translated)
    assert missing == [], f"untranslated in {locale} (run `make messages` and translate): {missing}"


@pytest.mark.parametrize("locale, forms", [("pl", 3), ("en", 2)])
def test_plural_forms_have_as_many_forms_as_the_language(locale, forms):
    """Polish: 1 spotkanie, 3 spotkania, 5 spotkań; English: 1 meeting, 5 meetings."""
    catalog = catalog_of(locale)
    assert catalog.num_plurals == forms
    plurals = [m for m in catalog if m.pluralizable and m.id]
    assert plurals and all(len(m.string) == forms and all(m.string) for m in plurals)


@pytest.mark.parametrize("locale", ["pl", "en"])
def test_translations_keep_the_placeholders_of_their_source(locale):
    """A translation with other placeholders is another message's text (what pybabel's fuzzy
    matching proposes) or would fail when formatted."""
    placeholder = re.compile(r"%\((\w+)\)[sd]")
    wrong = []
    for m in catalog_of(locale):
        if not m.id:
            continue
        ids = m.id if m.pluralizable else (m.id,)
        strings = m.string if m.pluralizable else (m.string,)
        expected = set(placeholder.findall(ids[-1]))
        wrong += [(ids[0], s) for s in strings if set(placeholder.findall(s)) != expected]
    assert wrong == []

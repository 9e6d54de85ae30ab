"""Every UI string is marked for translation and is in the Polish and English catalogs; the\nlanguage follows the switch or the browser; dates and plurals follow the language."""

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


@pytest.mark.parametrize("locale", ["pl", "en"])
def test_every_ui_string_is_in_both_catalogs(locale):
    with open(ROOT / f"consult/translations/{locale}/LC_MESSAGES/messages.po", "rb") as fh:
        catalog = read_po(fh, locale=locale)
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog
        if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    ids = extracted_ids()
    assert len(ids) > 100
    missing = sorted(ids - translated)
    assert missing == [], f"untranslated in {locale} (run `make messages` and translate): {missing}"


def test_polish_plural_forms_have_three_forms():
    with open(ROOT / "consult/translations/pl/LC_MESSAGES/messages.po", "rb") as fh:
        catalog = read_po(fh, locale="pl")
    assert catalog.num_plurals == 3
    plurals = [m for m in catalog if m.pluralizable and m.id]
    assert plurals and all(len(m.string) == 3 and all(m.string) for m in plurals)


def test_english_plural_forms_have_two_forms():
    with open(ROOT / "consult/translations/en/LC_MESSAGES/messages.po", "rb") as fh:
        catalog = read_po(fh, locale="en")
    assert catalog.num_plurals == 2
    plurals = [m for m in catalog if m.pluralizable and m.id]
    assert plurals and all(len(m.string) == 2 and all(m.string) for m in plurals)

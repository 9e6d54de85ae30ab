"""Fill the English catalog's new and fuzzy entries with their source text (msgids are English).

`make messages` runs this after `pybabel update`, so that English is complete by default;
an entry edited in consult/translations/en/LC_MESSAGES/messages.po keeps its wording.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOG = Path(__file__).resolve().parent.parent / "consult/translations/en/LC_MESSAGES/messages.po"


def main() -> None:
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        # New (empty) entries, and fuzzy ones: pybabel's guess from a similar message is
        # another message's text, never what to show.
        if message.fuzzy or not all(message.string if message.pluralizable else [message.string]):
            message.string = (message.id[0], message.id[1]) if message.pluralizable else message.id
            message.flags.discard("fuzzy")
            filled += 1
    with CATALOG.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False)
    print(f"English catalog: {filled} entries filled from their source text")


if __name__ == "__main__":
    main()

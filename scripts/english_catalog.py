"""Fill the English catalog's new entries with their source text (msgids are English).

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
        if message.pluralizable:
            if not all(message.string):
                message.string = (message.id[0], message.id[1])
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
        message.flags.discard("fuzzy")
    with CATALOG.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False)
    print(f"English catalog: {filled} entries filled from their source text")


if __name__ == "__main__":
    main()

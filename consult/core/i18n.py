"""Languages of documents.

The interface follows each person's choice (the switch in the header, else Accept-Language);
a consultation's documents — summaries, the consultation report, the e-mails to organisations
— are written in the language the consultation is held in (``Consultation.language``),
whatever the interface shows. Every language here has a complete catalog.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

DOCUMENT_LANGUAGES = {"pl": _l("Polish"), "en": _l("English")}
# The language tags documents carry (DOCX core properties).
LANGUAGE_TAGS = {"pl": "pl-PL", "en": "en-GB"}


def document_language(consultation) -> str:
    """The language the consultation's documents and e-mails are written in."""
    return consultation.language if consultation.language in DOCUMENT_LANGUAGES else "pl"

"""Languages of documents.

The interface follows each person's choice (the switch in the header, else Accept-Language);
a consultation's documents — summaries, the consultation report, the e-mails to organisations
— are written in the language the consultation is held in (``Consultation.language``),
whatever the interface shows. Every language here has a complete catalog.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

DOCUMENT_LANGUAGES = {"pl": _l("Polish"), "en": _l("English")}

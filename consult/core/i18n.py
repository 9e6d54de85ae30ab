"""Languages of documents.

The interface follows each person's choice (the switch in the header, else Accept-Language);
a consultation's documents — summaries, the consultation report, the e-mails to organisations
— are written in the language the consultation is held in (``Consultation.language``),
whatever the interface shows. Every language here has a complete catalog.
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

DOCUMENT_LANGUAGES = {"pl": _l("Polish"), "en": _l("English")}
# The language tags documents carry (DOCX core properties).
LANGUAGE_TAGS = {"pl": "pl-PL", "en": "en-GB"}


def document_language(consultation) -> str:
    """The language the consultation's documents and e-mails are written in."""
    return consultation.language if consultation.language in DOCUMENT_LANGUAGES else "pl"


# The language of parts (WCAG 3.1.2) ------------------------------------------------------
# What a consultation holds — its title and description, planes, priorities, meetings and
# their parts, sections and entries, documents' titles, the remarks organisations send and
# the stances on them — is written in the consultation's language, whatever language the
# page around it speaks (the reader's interface; in a document, the document's language,
# which is the consultation's: documents are rendered under force_locale). Where the two
# differ, the element that shows the content says its language; where they agree, nothing
# is added, so a Polish page about a Polish consultation does not repeat lang="pl".


def content_language(subject) -> str:
    """The language ``subject``'s content is written in: a consultation's language, the
    language of the consultation of anything that has one (``.consultation``: a meeting,
    plane, priority, submission), or a language code as it is."""
    if isinstance(subject, str):
        return subject if subject in DOCUMENT_LANGUAGES else "pl"
    known = getattr(subject, "content_language", None)  # a meeting reads it with its row
    if isinstance(known, str):
        return known if known in DOCUMENT_LANGUAGES else "pl"
    consultation = getattr(subject, "consultation", None) or subject
    return document_language(consultation)


def page_language() -> str:
    """The language of the page being rendered (its ``<html lang>``)."""
    return str(get_locale() or "pl")


def foreign_language(subject) -> str | None:
    """``subject``'s content language when it differs from the page's, else None."""
    language = content_language(subject)
    return language if language != page_language() else None


def lang_attr(subject) -> Markup:
    """' lang="pl"' for an element showing ``subject``'s content on a page in another
    language; nothing on a page in the same language. In templates:
    ``<h1{{ lang_attr(consultation) }}>{{ consultation.title }}</h1>``."""
    language = foreign_language(subject)
    return Markup(' lang="%s"') % language if language else Markup("")


def lang_kw(subject) -> dict[str, str]:
    """The same as HTML attributes of a WTForms option (``SelectChoice(render_kw=…)``) or
    control: ``{"lang": "pl"}``, or nothing."""
    language = foreign_language(subject)
    return {"lang": language} if language else {}


def in_language(text, subject) -> Markup:
    """``text`` (``subject``'s content) for a place inside a sentence or label of the page's
    own language: in a ``<span lang>`` when the languages differ, else as it is (escaped)."""
    language = foreign_language(subject)
    if language is None:
        return escape(text)
    return Markup('<span lang="%s">%s</span>') % (language, text)


def template_globals() -> dict:
    """What templates get from here (registered once, by the app factory)."""
    return {"lang_attr": lang_attr, "in_language": in_language, "foreign_language": foreign_language}

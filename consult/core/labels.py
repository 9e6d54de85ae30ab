"""How the app names the things of a consultation, and the limits of what people type: one
home for each, used by services, views and (as template globals) templates.

Two ways of naming a plane are deliberate: a *heading* follows the 2018 document ("1.
Płaszczyzna – Współpraca finansowa", on the board and in summaries), a *label* names it in a
list or a table cell ("Płaszczyzna 1. Współpraca finansowa": choices, the report's table).

Each name mixes words of the interface ("Płaszczyzna") with content of the consultation (the
plane's title), which is written in the consultation's language. With ``marked=True`` a name
comes as HTML for a page: the content in a ``<span lang>`` when the page speaks another
language (``consult.core.i18n.in_language``; WCAG 3.1.2), else the same text.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape

from consult.core.i18n import in_language

# Limits of what people type (the forms' maxlength and the services' checks read these).
ENTRY_TEXT_MAX = 5000  # one entry of the capture board


def plane_label(plane, marked: bool = False) -> str:
    """"Płaszczyzna 1. Współpraca finansowa": a plane in a list or a cell."""
    if not marked:
        return _("Plane %(number)d. %(title)s", number=plane.number, title=plane.title)
    return Markup(escape(_("Plane %(number)d. %(title)s"))) % {
        "number": plane.number, "title": in_language(plane.title, plane.consultation)}


def plane_heading(plane, marked: bool = False) -> str:
    """"1. Płaszczyzna – Współpraca finansowa": a plane as a heading (the 2018 layout)."""
    word = _("Plane")  # not inside the f-string: the extractor would not see it
    if marked:
        return Markup("{}. {} – {}").format(plane.number, word, in_language(plane.title, plane.consultation))
    return f"{plane.number}. {word} – {plane.title}"


def priority_label(priority, marked: bool = False) -> str:
    """"I.1.1 Wsparcie …": a priority, everywhere."""
    label = f"{priority.code} {priority.title}"
    return in_language(label, priority.consultation) if marked else label


def _content(text: str, subject, marked: bool) -> str:
    return in_language(text, subject) if marked else text


def section_subject(section, marked: bool = False) -> str:
    """What a meeting section is about, as its heading names it: its plane, priority or
    topic (without the section's own label)."""
    if section.plane is not None:
        return plane_heading(section.plane, marked)
    if section.priority is not None:
        return priority_label(section.priority, marked)
    return _content(section.topic or "", section.part.meeting, marked)


def section_name(section, marked: bool = False) -> str:
    """A meeting section in a list (the sections a remark may be added to): its plane,
    priority or topic, and its label."""
    if section.plane is not None:
        name = plane_label(section.plane, marked)
    elif section.priority is not None:
        name = priority_label(section.priority, marked)
    else:
        name = _content(section.topic or "", section.part.meeting, marked)
    if not section.label:
        return name
    label = _content(section.label, section.part.meeting, marked)
    return Markup("{} – {}").format(name, label) if marked else f"{name} – {label}"


def target_label(remark, marked: bool = False) -> str:
    """What a remark concerns, in the queue and the report's table: the document as a whole,
    a plane, a priority or a provision (with the provision it names, in the words of the
    organisation: the consultation's language)."""
    from consult.core.enums import RemarkTarget

    submission = remark.submission
    if remark.target == RemarkTarget.PLANE and remark.plane is not None:
        part = plane_label(remark.plane, marked)
    elif remark.target == RemarkTarget.PRIORITY and remark.priority is not None:
        part = priority_label(remark.priority, marked)
    elif remark.target == RemarkTarget.DOCUMENT:
        return _content(remark.document_ref or "", submission, marked)
    else:
        part = str(remark.target.label)
    if not remark.document_ref:
        return part
    ref = _content(remark.document_ref, submission, marked)
    return Markup("{} – {}").format(part, ref) if marked else f"{part} – {ref}"


def excerpt(text: str, length: int = 60) -> str:
    """The start of a text, cut at a word, for a message that names it ("…" when cut)."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0] if " " in text[:length] else text[:length]
    return cut.rstrip(",.;:–- ") + "…"


def template_globals() -> dict[str, Any]:
    """What templates get from here (registered once, by the app factory)."""
    return {"plane_label": plane_label, "plane_heading": plane_heading,
            "priority_label": priority_label, "section_subject": section_subject,
            "section_name": section_name, "target_label": target_label,
            "ENTRY_TEXT_MAX": ENTRY_TEXT_MAX}

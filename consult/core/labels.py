"""How the app names the things of a consultation, and the limits of what people type: one
home for each, used by services, views and (as template globals) templates.

Two ways of naming a plane are deliberate: a *heading* follows the 2018 document ("1.
Płaszczyzna – Współpraca finansowa", on the board and in summaries), a *label* names it in a
list or a table cell ("Płaszczyzna 1. Współpraca finansowa": choices, the report's table).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

# Limits of what people type (the forms' maxlength and the services' checks read these).
ENTRY_TEXT_MAX = 5000  # one entry of the capture board


def plane_label(plane) -> str:
    """"Płaszczyzna 1. Współpraca finansowa": a plane in a list or a cell."""
    return _("Plane %(number)d. %(title)s", number=plane.number, title=plane.title)


def plane_heading(plane) -> str:
    """"1. Płaszczyzna – Współpraca finansowa": a plane as a heading (the 2018 layout)."""
    word = _("Plane")  # not inside the f-string: the extractor would not see it
    return f"{plane.number}. {word} – {plane.title}"


def priority_label(priority) -> str:
    """"I.1.1 Wsparcie …": a priority, everywhere."""
    return f"{priority.code} {priority.title}"


def section_subject(section) -> str:
    """What a meeting section is about, as its heading names it: its plane, priority or
    topic (without the section's own label)."""
    if section.plane is not None:
        return plane_heading(section.plane)
    if section.priority is not None:
        return priority_label(section.priority)
    return section.topic or ""


def section_name(section) -> str:
    """A meeting section in a list (the sections a remark may be added to): its plane,
    priority or topic, and its label."""
    if section.plane is not None:
        name = plane_label(section.plane)
    elif section.priority is not None:
        name = priority_label(section.priority)
    else:
        name = section.topic or ""
    return f"{name} – {section.label}" if section.label else name


def target_label(remark) -> str:
    """What a remark concerns, in the queue and the report's table: the document as a whole,
    a plane, a priority or a provision (with the provision it names)."""
    from consult.core.enums import RemarkTarget

    if remark.target == RemarkTarget.PLANE and remark.plane is not None:
        part = plane_label(remark.plane)
    elif remark.target == RemarkTarget.PRIORITY and remark.priority is not None:
        part = priority_label(remark.priority)
    elif remark.target == RemarkTarget.DOCUMENT:
        return remark.document_ref or ""
    else:
        part = str(remark.target.label)
    return f"{part} – {remark.document_ref}" if remark.document_ref else part


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

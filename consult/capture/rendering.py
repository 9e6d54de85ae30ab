"""What the board templates need: the whole board, or only what changed after a revision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import g
from flask_babel import gettext as _

from consult.capture.forms import KIND_CHOICES
from consult.capture.services import Change, current_revision
from consult.core.enums import EntryKind
from consult.core.permissions import can_edit_meetings
from consult.extensions import db
from consult.meetings.models import Meeting, Part, Section
from consult.meetings.services import EntryNode, entry_nodes, load_parts, topic_numbers


def entry_labels() -> dict[str, Any]:
    """The labels of the entry controls, translated once per request.

    A section may hold hundreds of entries and its list is re-sent after every change;
    ``%(n)d`` is left in for the template to fill in with the entry's number.
    """
    if "entry_labels" not in g:
        g.entry_labels = {
            "kinds": {kind.value: str(kind.label) for kind in EntryKind},
            "edit": _("Edit"), "entry": _("entry"),
            "up": _("Move entry %(n)d up"), "up_title": _("Move up (Alt+↑)"),
            "down": _("Move entry %(n)d down"), "down_title": _("Move down (Alt+↓)"),
            "indent": _("Make entry %(n)d a sub-point"), "indent_title": _("Sub-point (Tab)"),
            "outdent": _("Move sub-point %(n)d one level up"),
            "outdent_title": _("One level up (Shift+Tab)"),
            "move": _("Move to…"), "history": _("History"), "of_entry": _("of entry"),
            "delete": _("Delete entry %(n)d"), "delete_title": _("Delete (Delete key)"),
        }
    return g.entry_labels


@dataclass
class SectionView:
    section: Section
    entries: list[EntryNode]
    topic_number: int | None
    is_new: bool = False


@dataclass
class PartView:
    part: Part
    sections: list[SectionView]
    is_new: bool = False


def _views(meeting_id: int, parts: list[Part], section_ids: set[int] | None) -> list[PartView]:
    entries = entry_nodes(meeting_id, section_ids)
    views = []
    for part in parts:
        numbers = topic_numbers(part)
        views.append(PartView(part, [
            SectionView(s, entries.get(s.id, []), numbers.get(s.id))
            for s in part.sections if section_ids is None or s.id in section_ids
        ]))
    return views


def board_context(meeting: Meeting, editable: bool) -> dict[str, Any]:
    revision = current_revision(meeting.id)  # read before the content: never newer than it
    parts = load_parts(meeting.id)
    consultation = meeting.consultation
    return {
        "meeting": meeting,
        "consultation": consultation,
        "parts": _views(meeting.id, parts, None),
        "revision": revision,
        "editable": editable,
        "planes": consultation.planes,
        "priorities": consultation.sorted_priorities,
    }


def changes_context(meeting: Meeting, since: int | None, user, *, change: Change | None = None,
                    view: str = "board", editable: bool | None = None) -> dict[str, Any]:
    """The parts and sections to re-render for a browser that has seen revision ``since``.

    Without ``since`` (a plain answer to one write) only that write's changes are sent, and
    the browser keeps its revision: its next poll brings whatever else happened. The sections
    a write names are always sent back to its writer, even when it changed nothing (an
    editor saved unchanged closes only when its list comes back).
    """
    revision = current_revision(meeting.id)
    after = since if since is not None else (change.revision - 1 if change else revision)
    changed = Section.changed_rev > after
    if change is not None and change.sections:
        changed = sa.or_(changed, Section.id.in_(change.sections))
    rows = db.session.execute(
        sa.select(Section.id, Section.part_id, Section.created_rev).join(Part)
        .where(Part.meeting_id == meeting.id, changed)).all()
    changed_parts = set(db.session.scalars(
        sa.select(Part.id).where(Part.meeting_id == meeting.id, Part.changed_rev > after)))
    section_ids = {r.id for r in rows}
    parts = load_parts(meeting.id, changed_parts | {r.part_id for r in rows}) \
        if rows or changed_parts else []
    views = _views(meeting.id, parts, section_ids)
    for part_view in views:
        part_view.is_new = part_view.part.created_rev > after
        for section_view in part_view.sections:
            section_view.is_new = section_view.section.created_rev > after
    db.session.refresh(meeting)
    if editable is None:
        editable = can_edit_meetings(user, meeting.consultation)
    return {
        "meeting": meeting,
        "parts": views,
        "changed_parts": changed_parts,
        "meta": meeting.meta_rev > after,
        "revision": revision if since is not None else None,
        "editable": editable and view == "board",
        "view": view,
        "planes": meeting.consultation.planes,
        "priorities": meeting.consultation.sorted_priorities,
        "kind_choices": KIND_CHOICES,  # the add form of a section that is new to the page
    }

"""What the board templates need: the whole board, or only what changed after a revision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from consult.capture.forms import KIND_CHOICES
from consult.capture.services import Change, current_revision
from consult.core.enums import EntryKind
from consult.core.permissions import can_edit_meetings
from consult.extensions import db
from consult.meetings.models import Entry, Meeting, Part, Section
from consult.meetings.services import EntryNode, entry_nodes, load_parts, summary_tree, tree

_LABELS: dict[str, dict[str, Any]] = {}  # per language: the catalogs do not change while running


def board_relative(url: str, meeting_id: int) -> str:
    """``url`` as a link relative to the meeting's board (/meetings/<id>/board), where entries
    are shown and updated: "entries/12/actions" — each of a thousand entries carries one."""
    base = url_for("capture.board", meeting_id=meeting_id).rsplit("/", 1)[0] + "/"
    return url[len(base):] if url.startswith(base) else url


def entry_labels() -> dict[str, Any]:
    """The labels of the entry controls, translated once per language.

    A section may hold hundreds of entries and the board asks for its controls after every
    change; ``%(n)d`` is left in for the template to fill in with the entry's number.
    """
    locale = str(get_locale())
    if locale not in _LABELS:
        _LABELS[locale] = {
            "kinds": {kind.value: str(kind.label) for kind in EntryKind},
            "edit": _("Edit"), "entry": _("entry"),
            "up": _("Move entry %(n)d up"), "up_title": _("Move up (Alt+↑)"),
            "down": _("Move entry %(n)d down"), "down_title": _("Move down (Alt+↓)"),
            "indent": _("Make entry %(n)d a sub-point"), "indent_title": _("Sub-point (Tab)"),
            "outdent": _("Move sub-point %(n)d one level up"),
            "outdent_title": _("One level up (Shift+Tab)"),
            "move": _("Move to…"), "history": _("History"), "of_entry": _("of entry"),
            "delete": _("Delete entry %(n)d"), "delete_title": _("Delete (Delete key)"),
            "actions_of": _("Actions of entry %(n)d"),
            "edit_title": _("Edit (Enter or F2)"), "from_remark": _("from a remark sent online"),
            "from_room": _("from the room"),
        }
    return _LABELS[locale]


@dataclass
class Appended:
    """Entries added at the end of one list the browser has: the section's numbered list
    (``parent_id`` None) or the sub-points of entry ``parent_id``."""

    parent_id: int | None
    nodes: list[EntryNode]


def appended_entries(section_ids: set[int], after: int) -> dict[int, list[Appended] | None]:
    """What was added to these sections after revision ``after``, as additions to the lists
    a browser that has seen ``after`` shows (None for a section where they cannot be: its
    list must be sent whole). Two small queries, whatever the size of the sections.

    Only for sections whose every change since ``after`` added entries at their lists' ends
    (``Section.reset_rev <= after``): a list is then what the browser has, followed by the
    new entries, numbered after the live ones it had; a new entry's sub-points are new too
    and travel inside it. The first sub-point of an entry needs a list the browser does not
    have yet: None.
    """
    new = list(db.session.scalars(
        sa.select(Entry).where(Entry.section_id.in_(section_ids), Entry.created_rev > after,
                               Entry.deleted_at.is_(None))
        .order_by(Entry.position, Entry.id)))
    result: dict[int, list[Appended] | None] = {sid: [] for sid in section_ids}
    if not new:
        return result
    had = dict(((r.section_id, r.parent_id), r.n) for r in db.session.execute(
        sa.select(Entry.section_id, Entry.parent_id, sa.func.count().label("n"))
        .where(Entry.section_id.in_({e.section_id for e in new}), Entry.created_rev <= after,
               Entry.deleted_at.is_(None))
        .group_by(Entry.section_id, Entry.parent_id)))
    nodes = {entry.id: EntryNode(entry, 0) for entry in new}
    groups: dict[tuple[int, int | None], Appended] = {}
    for entry in new:  # in position order: siblings in the order they are shown
        node = nodes[entry.id]
        if entry.parent_id in nodes:  # a sub-point of a new entry: inside it
            siblings = nodes[entry.parent_id].children
            node.number = len(siblings) + 1
            siblings.append(node)
            continue
        key = (entry.section_id, entry.parent_id)
        if entry.parent_id is not None and not had.get(key):
            result[entry.section_id] = None  # its entry's first sub-point
        group = groups.setdefault(key, Appended(entry.parent_id, []))
        node.number = had.get(key, 0) + len(group.nodes) + 1
        group.nodes.append(node)
    for (section_id, _parent), group in groups.items():
        if result[section_id] is not None:
            result[section_id].append(group)
    return result


def board_context(meeting: Meeting, editable: bool) -> dict[str, Any]:
    revision = current_revision(meeting.id)  # read before the content: never newer than it
    consultation = meeting.consultation
    parts = summary_tree(meeting)
    sections = [node.section for part in parts for node in part.sections]
    return {
        "meeting": meeting,
        "consultation": consultation,
        "parts": parts,
        # Where the board's first screen takes a facilitator: the section last written in
        # (highlighted on the projector), else the first one.
        "active_section": next((s for s in sections if s.id == meeting.active_section_id),
                               sections[0] if sections else None),
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
    db.session.expire(meeting)  # read afresh, the revision first: never newer than the content
    revision = meeting.revision
    after = since if since is not None else (change.revision - 1 if change else revision)
    changed = Section.changed_rev > after
    if change is not None and change.sections:
        changed = sa.or_(changed, Section.id.in_(change.sections))
    rows = db.session.execute(
        sa.select(Section.id, Section.part_id, Section.created_rev, Section.reset_rev).join(Part)
        .where(Part.meeting_id == meeting.id, changed)).all()
    changed_parts = set(db.session.scalars(
        sa.select(Part.id).where(Part.meeting_id == meeting.id, Part.changed_rev > after)))
    # A section changed only by additions since `after` gets them alone; any other gets its
    # list whole: a new one, one changed otherwise, and the sections a write changed in
    # place (even when it changed nothing: an editor saved unchanged closes when its list
    # comes back).
    in_place = change.sections if change is not None and not change.appended else set()
    whole = {r.id for r in rows if r.created_rev > after or r.reset_rev > after or r.id in in_place}
    additions = appended_entries({r.id for r in rows} - whole, after) if len(rows) > len(whole) else {}
    whole |= {sid for sid, added in additions.items() if added is None}
    # Parts and sections are read (and re-rendered) only where more than entries were added.
    entries = entry_nodes(meeting.id, whole) if whole else {}
    part_ids = changed_parts | {r.part_id for r in rows if r.id in whole}
    parts = load_parts(meeting.id, part_ids) if part_ids else []
    views = tree(parts, entries, whole)
    for part_view in views:
        part_view.is_new = part_view.part.created_rev > after
        for section_view in part_view.sections:
            section_view.is_new = section_view.section.created_rev > after
    if editable is None:
        editable = can_edit_meetings(user, meeting.consultation)
    new_parts = any(part_view.is_new for part_view in views)
    return {
        "meeting": meeting,
        "parts": views,
        "changed_parts": changed_parts,
        # Sections that only gained entries: {section id: [Appended, …]}
        "additions": {sid: added for sid, added in additions.items() if added},
        "meta": meeting.meta_rev > after,
        "revision": revision if since is not None else None,
        "editable": editable and view == "board",
        "view": view,
        # The add-section form of a part that is new to the page lists these.
        "planes": meeting.consultation.planes if new_parts else [],
        "priorities": meeting.consultation.sorted_priorities if new_parts else [],
        "kind_choices": KIND_CHOICES,  # the add form of a section that is new to the page
    }

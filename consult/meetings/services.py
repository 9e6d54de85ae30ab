"""State changes of meetings, and the summary tree that every view of a meeting reads."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import ngettext
from sqlalchemy.orm import joinedload, selectinload

from consult.auth.models import User
from consult.consultations.models import Consultation
from consult.core.errors import ServiceError
from consult.core.models import record_revision, snapshot
from consult.extensions import db
from consult.meetings.models import MAX_ENTRY_DEPTH, AgendaItem, Entry, Meeting, Part, Section

MEETING_FIELDS = (
    "title", "date", "start_time", "end_time", "location", "goal", "participants", "facilitator",
    "prepared_by", "show_kinds", "registration_open", "registration_cap",
)


def _set_agenda(meeting: Meeting, items: list[str]) -> None:
    items = [item.strip() for item in items if item and item.strip()]
    existing = list(meeting.agenda_items)
    for position, text in enumerate(items):
        if position < len(existing):
            existing[position].text = text
            existing[position].position = position
        else:
            meeting.agenda_items.append(AgendaItem(position=position, text=text))
    for stale in existing[len(items):]:
        meeting.agenda_items.remove(stale)


def _meeting_snapshot(meeting: Meeting) -> dict[str, Any]:
    return {**snapshot(meeting, MEETING_FIELDS), "agenda": meeting.agenda}


def create_meeting(consultation: Consultation, data: dict[str, Any], user: User | None) -> Meeting:
    meeting = Meeting(consultation=consultation,
                      **{k: data.get(k) for k in MEETING_FIELDS if data.get(k) is not None})
    _set_agenda(meeting, data.get("agenda", []))
    db.session.add(meeting)
    db.session.flush()
    record_revision(meeting, "create", user, None, _meeting_snapshot(meeting))
    return meeting


def update_meeting(meeting: Meeting, data: dict[str, Any], user: User | None) -> None:
    cap = data.get("registration_cap")
    if cap is not None and cap < meeting.registered_count:
        raise ServiceError(ngettext(
            "%(num)d person has registered already: offer at least as many places.",
            "%(num)d people have registered already: offer at least as many places.",
            meeting.registered_count), "registration_cap")
    before = _meeting_snapshot(meeting)
    for name in MEETING_FIELDS:
        if name in data:
            setattr(meeting, name, data[name])
    if "agenda" in data:
        _set_agenda(meeting, data["agenda"])
    after = _meeting_snapshot(meeting)
    if before != after:
        record_revision(meeting, "update", user, before, after)


# The summary tree ----------------------------------------------------------------------


@dataclass
class EntryNode:
    entry: Entry
    number: int
    children: list[EntryNode] = field(default_factory=list)


@dataclass
class SectionNode:
    section: Section
    entries: list[EntryNode]
    topic_number: int | None = None  # topics are numbered within their part
    is_new: bool = False  # (the board's updates) new to a browser that has seen a revision

    @property
    def is_empty(self) -> bool:
        return not self.entries


@dataclass
class PartNode:
    part: Part
    sections: list[SectionNode]
    is_new: bool = False


def entry_number(nodes: list[EntryNode], entry_id: int) -> str | None:
    """The number an entry shows among these nodes ("2.1.3"), or None when it is not there."""
    for node in nodes:
        if node.entry.id == entry_id:
            return str(node.number)
        below = entry_number(node.children, entry_id)
        if below is not None:
            return f"{node.number}.{below}"
    return None


def entry_nodes(meeting_id: int, section_ids: set[int] | None = None) -> dict[int, list[EntryNode]]:
    """Numbered live entries with their nested sub-points, per section (one query).

    Deleted entries, and whatever hangs below them, are left out; numbers follow positions
    among live siblings. Entries below the last level (``MAX_ENTRY_DEPTH``, made before
    the limit) are listed at that level, right after their ancestor there, in order:
    no view of a meeting nests deeper. ``section_ids`` limits the result to those sections.
    """
    query = (
        sa.select(Entry)
        .join(Section, Entry.section_id == Section.id)
        .join(Part, Section.part_id == Part.id)
        .where(Part.meeting_id == meeting_id, Entry.deleted_at.is_(None))
        .order_by(Entry.position, Entry.id)
    )
    if section_ids is not None:
        query = query.where(Entry.section_id.in_(section_ids))
    by_parent: dict[tuple[int, int | None], list[Entry]] = defaultdict(list)
    for entry in db.session.scalars(query):
        by_parent[(entry.section_id, entry.parent_id)].append(entry)

    def nodes(section_id: int, parent_id: int | None, level: int = 1) -> list[EntryNode]:
        entries = by_parent.get((section_id, parent_id), [])
        if level == MAX_ENTRY_DEPTH:
            entries = flattened(section_id, entries)
            return [EntryNode(e, number) for number, e in enumerate(entries, start=1)]
        return [
            EntryNode(e, number, nodes(section_id, e.id, level + 1))
            for number, e in enumerate(entries, start=1)
        ]

    def flattened(section_id: int, entries: list[Entry]) -> list[Entry]:
        """The entries with, right after each, whatever hangs below it, in reading order:
        sub-points made deeper than the limit before it existed are shown at its last
        level (iteratively: such a chain may be thousands of levels deep)."""
        out: list[Entry] = []
        seen: set[int] = set()
        stack = list(reversed(entries))
        while stack:
            entry = stack.pop()
            if entry.id in seen:
                continue
            seen.add(entry.id)
            out.append(entry)
            stack.extend(reversed(by_parent.get((section_id, entry.id), [])))
        return out

    wanted = section_ids if section_ids is not None else {sid for sid, _ in by_parent}
    return {section_id: nodes(section_id, None) for section_id in wanted}


def topic_numbers(part: Part) -> dict[int, int]:
    """Topics are numbered 1, 2, 3 within their part (planes and priorities have their own)."""
    topics = [s.id for s in part.sections if s.topic is not None]
    return {section_id: number for number, section_id in enumerate(topics, start=1)}


def load_parts(meeting_id: int, part_ids: set[int] | None = None) -> list[Part]:
    """Parts in order with their sections, planes and priorities loaded (two queries)."""
    query = (
        sa.select(Part)
        .where(Part.meeting_id == meeting_id)
        .order_by(Part.position, Part.id)
        .options(
            selectinload(Part.sections).options(
                joinedload(Section.plane), joinedload(Section.priority)
            )
        )
    )
    if part_ids is not None:
        query = query.where(Part.id.in_(part_ids))
    return list(db.session.scalars(query))


def tree(parts: list[Part], entries: dict[int, list[EntryNode]],
         section_ids: set[int] | None = None) -> list[PartNode]:
    """Parts → sections → numbered entries → nested sub-points: the one shape in which the
    board, its updates, the summary, its exports and the interchange format read a meeting.
    ``section_ids``: only those sections (the board's updates)."""
    nodes = []
    for part in parts:
        numbers = topic_numbers(part)
        nodes.append(PartNode(part, [
            SectionNode(section, entries.get(section.id, []), numbers.get(section.id))
            for section in part.sections if section_ids is None or section.id in section_ids
        ]))
    return nodes


def summary_tree(meeting: Meeting) -> list[PartNode]:
    """The whole meeting, in summary order. Three queries whatever its size."""
    return tree(load_parts(meeting.id), entry_nodes(meeting.id))


def entry_count(*, meeting: Meeting | None = None, consultation: Consultation | None = None) -> int:
    """How many entries a meeting (or all meetings of a consultation) has: how much there
    is to render."""
    query = (sa.select(sa.func.count(Entry.id)).join(Section, Entry.section_id == Section.id)
             .join(Part, Section.part_id == Part.id).where(Entry.deleted_at.is_(None)))
    if meeting is not None:
        query = query.where(Part.meeting_id == meeting.id)
    else:
        query = query.join(Meeting, Part.meeting_id == Meeting.id).where(
            Meeting.consultation_id == consultation.id)
    return db.session.scalar(query) or 0

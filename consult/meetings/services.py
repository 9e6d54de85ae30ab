"""State changes of meetings, and the summary tree that every view of a meeting reads."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from consult.auth.models import User
from consult.consultations.models import Consultation
from consult.core.models import record_revision, snapshot
from consult.extensions import db
from consult.meetings.models import AgendaItem, Entry, Meeting, Part, Section

MEETING_FIELDS = (
    "title", "date", "location", "goal", "participants", "facilitator", "prepared_by",
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
    meeting = Meeting(consultation=consultation, **{k: data.get(k) for k in MEETING_FIELDS})
    _set_agenda(meeting, data.get("agenda", []))
    db.session.add(meeting)
    db.session.flush()
    record_revision(meeting, "create", user, None, _meeting_snapshot(meeting))
    return meeting


def update_meeting(meeting: Meeting, data: dict[str, Any], user: User | None) -> None:
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

    @property
    def is_empty(self) -> bool:
        return not self.entries


@dataclass
class PartNode:
    part: Part
    sections: list[SectionNode]


def summary_tree(meeting: Meeting) -> list[PartNode]:
    """Parts → sections → numbered entries → nested sub-points, in summary order.

    Three queries whatever the size of the meeting; deleted entries (and whatever hangs
    below them) are left out; numbers follow positions among live siblings.
    """
    parts = db.session.scalars(
        sa.select(Part)
        .where(Part.meeting_id == meeting.id)
        .order_by(Part.position, Part.id)
        .options(
            selectinload(Part.sections).options(
                joinedload(Section.plane), joinedload(Section.priority)
            )
        )
    ).all()
    entries = db.session.scalars(
        sa.select(Entry)
        .join(Section, Entry.section_id == Section.id)
        .join(Part, Section.part_id == Part.id)
        .where(Part.meeting_id == meeting.id, Entry.deleted_at.is_(None))
        .order_by(Entry.position, Entry.id)
    ).all()
    by_parent: dict[tuple[int, int | None], list[Entry]] = defaultdict(list)
    for entry in entries:
        by_parent[(entry.section_id, entry.parent_id)].append(entry)

    def nodes(section_id: int, parent_id: int | None) -> list[EntryNode]:
        return [
            EntryNode(e, number, nodes(section_id, e.id))
            for number, e in enumerate(by_parent.get((section_id, parent_id), []), start=1)
        ]

    tree = []
    for part in parts:
        sections, topic_count = [], 0
        for section in part.sections:
            topic_number = None
            if section.topic is not None:
                topic_count += 1
                topic_number = topic_count
            sections.append(SectionNode(section, nodes(section.id, None), topic_number))
        tree.append(PartNode(part, sections))
    return tree

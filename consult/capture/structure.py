"""A meeting's parts and sections made in one step, before the meeting: from its
consultation's framework in the 2018 layout, or copied from an earlier meeting.

The 2018 layout: a part of opinions on the cooperation planes (each plane one section
"Wnioski", or three: strengths, weaknesses, conclusions), a part of new ideas (one section
"Pomysły" per free topic) and a part of the programme's priorities (one section "Pomysły"
each). Its words are written in the consultation's language, whatever the interface's.
Every part and section goes through the board's own services (positions, revisions, the
audit trail). The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from consult.auth.models import User
from consult.capture import services
from consult.consultations.models import Consultation, Plane, Priority
from consult.core.enums import EntryKind
from consult.core.errors import ServiceError
from consult.core.labels import plane_label, priority_label
from consult.core.models import parse_id
from consult.core.permissions import can_view_board
from consult.extensions import db
from consult.meetings.models import Meeting, Part, Section

MAX_TOPICS = 50


@dataclass
class Framework:
    """What the facilitator chose of the consultation's framework (ids as the form sends them)."""

    plane_ids: list[int] = field(default_factory=list)
    split_planes: bool = False  # strengths / weaknesses / conclusions, not one "Wnioski"
    priority_ids: list[int] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    planes_heading: str | None = None
    topics_heading: str | None = None
    topics_question: str | None = None
    priorities_heading: str | None = None


def default_headings(consultation: Consultation) -> dict[str, str]:
    """The parts' headings of the 2018 layout, in the consultation's language."""
    with force_locale(consultation.language):
        partner = consultation.partner_short  # "z UMK": a short name takes no declension
        program = consultation.program
        return {
            "planes_heading": _("Opinions and proposals on the cooperation with %(partner)s in the "
                                "planes of cooperation", partner=partner) if partner else
            _("Opinions and proposals on the cooperation in the planes of cooperation"),
            "topics_heading": _("New ideas for cooperation"),
            "priorities_heading": _("%(program)s – priorities for the cooperation with NGOs",
                                    program=program) if program else
            _("Priorities for the cooperation with NGOs"),
        }


def _labels(consultation: Consultation) -> dict[str, str]:
    with force_locale(consultation.language):
        return {"conclusions": _("Conclusions"), "ideas": _("Ideas"), "strengths": _("Strengths"),
                "weaknesses": _("Weaknesses")}


def _chosen(model, consultation: Consultation, ids: list[int], field_name: str, message: str):
    wanted = set(ids)
    found = {o.id: o for o in db.session.scalars(
        sa.select(model).where(model.consultation_id == consultation.id, model.id.in_(wanted)))}
    if set(found) != wanted:
        raise ServiceError(message, field_name)
    return found


def from_framework(meeting: Meeting, user: User | None, choice: Framework) -> int:
    """Makes the parts and sections chosen; returns how many sections were made."""
    consultation = meeting.consultation
    planes = _chosen(Plane, consultation, choice.plane_ids, "planes",
                     _("Choose planes of this consultation."))
    priorities = _chosen(Priority, consultation, choice.priority_ids, "priorities",
                         _("Choose priorities of this consultation."))
    topics = [t.strip() for t in choice.topics if t and t.strip()]
    if not (planes or priorities or topics):
        raise ServiceError(_("Choose at least one plane or priority, or type a topic."), "planes")
    if len(topics) > MAX_TOPICS:
        raise ServiceError(_("At most %(n)d topics.", n=MAX_TOPICS), "topics")
    headings = {**default_headings(consultation),
                **{k: v for k, v in (("planes_heading", choice.planes_heading),
                                     ("topics_heading", choice.topics_heading),
                                     ("priorities_heading", choice.priorities_heading)) if v}}
    labels = _labels(consultation)
    made = []

    def part(heading: str, question: str | None = None) -> int:
        return next(iter(services.add_part(meeting, user, heading, question).parts))

    def section(part_id: int, **subject) -> None:
        made.append(next(iter(services.add_section(meeting, user, part_id, **subject).sections)))

    if planes:
        part_id = part(headings["planes_heading"])
        for plane in sorted(planes.values(), key=lambda p: p.number):
            if choice.split_planes:
                for kind, label in ((EntryKind.STRENGTH, labels["strengths"]),
                                    (EntryKind.WEAKNESS, labels["weaknesses"]),
                                    (EntryKind.CONCLUSION, labels["conclusions"])):
                    section(part_id, plane_id=plane.id, label=label, entry_kind=kind)
            else:
                section(part_id, plane_id=plane.id, label=labels["conclusions"])
    if topics:
        part_id = part(headings["topics_heading"], choice.topics_question)
        for topic in topics:
            section(part_id, topic=topic, label=labels["ideas"])
    if priorities:
        part_id = part(headings["priorities_heading"])
        for priority in sorted(priorities.values(), key=lambda p: p.sort_key):
            section(part_id, priority_id=priority.id, label=labels["ideas"])
    services.set_active_section(meeting, made[0])  # the projector starts at the first
    return len(made)


def copy_structure(meeting: Meeting, user: User | None, source: Meeting) -> tuple[int, list[str]]:
    """Makes the parts and sections of ``source`` (of any consultation), without entries.
    A plane or priority is matched by its number or code in this meeting's consultation;
    one it does not have becomes a topic with its name. Returns how many sections were
    made, and those names."""
    consultation = meeting.consultation
    planes = {p.number: p for p in consultation.planes}
    priorities = {p.code: p for p in consultation.priorities}
    unmatched: list[str] = []
    made = []
    parts = db.session.scalars(sa.select(Part).where(Part.meeting_id == source.id)
                               .order_by(Part.position, Part.id)).all()
    for old_part in parts:
        part_id = next(iter(services.add_part(meeting, user, old_part.heading, old_part.question).parts))
        for old in sorted(old_part.sections, key=lambda s: (s.position, s.id)):
            subject: dict = {}
            if old.plane is not None and old.plane.number in planes:
                subject["plane_id"] = planes[old.plane.number].id
            elif old.priority is not None and old.priority.code in priorities:
                subject["priority_id"] = priorities[old.priority.code].id
            elif old.topic:
                subject["topic"] = old.topic
            else:
                name = plane_label(old.plane) if old.plane is not None else priority_label(old.priority)
                unmatched.append(name)
                subject["topic"] = name
            change = services.add_section(meeting, user, part_id, label=old.label,
                                          entry_kind=old.entry_kind, **subject)
            made.append(next(iter(change.sections)))
    if made:
        services.set_active_section(meeting, made[0])
    return len(made), unmatched


def earlier_meetings(user: User, but: Meeting | None = None) -> list[Meeting]:
    """Meetings whose structure this person may copy (boards they may read), newest first,
    that have at least one section."""
    with_sections = sa.select(Part.meeting_id).join(Section, Section.part_id == Part.id)
    meetings = db.session.scalars(
        sa.select(Meeting).where(Meeting.id.in_(with_sections))
        .options(selectinload(Meeting.consultation))  # its title is in the list: one query
        .order_by(Meeting.date.desc(), Meeting.id.desc())).all()
    return [m for m in meetings if m is not but and can_view_board(user, m.consultation)]


@dataclass
class Prepared:
    meeting: Meeting
    sections: int = 0
    unmatched: list[str] = field(default_factory=list)  # copied as topics (see copy_structure)


HOW = ("framework", "copy", "empty")


def prepare(meeting: Meeting, user: User, how: str, framework: Framework | None = None,
            source_id: object = None) -> Prepared:
    """The structure a new meeting starts with: ``how`` is one of HOW."""
    if how == "framework":
        return Prepared(meeting, from_framework(meeting, user, framework or Framework()))
    if how == "copy":
        source = next((m for m in earlier_meetings(user, but=meeting) if m.id == parse_id(source_id)), None)
        if source is None:
            raise ServiceError(_("Choose a meeting to copy."), "copy_from")
        return Prepared(meeting, *copy_structure(meeting, user, source))
    if how == "empty":
        return Prepared(meeting)
    raise ServiceError(_("Choose how the meeting's parts and sections are made."), "structure")

"""Reading the audit trail: revisions filtered and paged, and what each one changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from consult.audit import labels
from consult.auth.models import User
from consult.consultations.models import Consultation, ConsultationDocument, Plane, Priority
from consult.core.models import Revision
from consult.extensions import db
from consult.meetings.models import Entry, Meeting, Part, Section
from consult.remarks.models import Remark, Submission

PAGE_SIZE = 50


@dataclass
class Filters:
    object_type: str | None = None
    object_id: int | None = None
    user_id: int | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass
class Page:
    revisions: list[Revision]
    number: int
    has_next: bool


def object_types() -> list[str]:
    return list(db.session.scalars(sa.select(Revision.object_type).distinct().order_by(Revision.object_type)))


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(Revision.action).distinct().order_by(Revision.action)))


def users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.name)))


def revisions(filters: Filters, page: int = 1, zone=None) -> Page:
    """Newest first; dates are whole local days."""
    query = sa.select(Revision).order_by(Revision.created_at.desc(), Revision.id.desc())
    if filters.object_type:
        query = query.where(Revision.object_type == filters.object_type)
    if filters.object_id is not None:
        query = query.where(Revision.object_id == filters.object_id)
    if filters.user_id is not None:
        query = query.where(Revision.user_id == filters.user_id)
    if filters.action:
        query = query.where(Revision.action == filters.action)
    if filters.since:
        query = query.where(Revision.created_at >= datetime.combine(filters.since, time(), zone))
    if filters.until:
        query = query.where(Revision.created_at < datetime.combine(filters.until + timedelta(days=1), time(), zone))
    found = list(db.session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return Page(found[:PAGE_SIZE], page, len(found) > PAGE_SIZE)


def changes(revision: Revision) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for every field the revision changed (all of them on create)."""
    before = revision.before if isinstance(revision.before, dict) else {}
    after = revision.after if isinstance(revision.after, dict) else {}
    return [(key, before.get(key), after.get(key)) for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)]


@dataclass
class Shown:
    """One revision as the audit trail shows it: in words of the reader's language."""

    revision: Revision
    object: str  # "wpis #12"
    what: str | None  # the object's own words: an entry's text, a title, a receipt number
    action: str
    changes: list[tuple[str, str | None, str]]  # (field, before or None on create, after)
    # The language of the object's own words — its consultation's — when it is one of a
    # consultation's things (None for accounts, publications); then `what` and the changes
    # of the fields in CONTENT_FIELDS are marked with it (WCAG 3.1.2).
    language: str | None = None
    content: list[bool] | None = None  # for each change: is its value the consultation's words


# Fields whose values are the words of a consultation (its language), not of the interface.
CONTENT_FIELDS = frozenset({
    "text", "title", "heading", "question", "topic", "label", "rejection_reason", "reasoning",
    "resulting_change", "published_reasoning", "published_change", "organisation", "address",
    "document_ref", "proposed_wording", "justification", "location", "goal", "facilitator",
    "prepared_by", "agenda", "description", "organizer", "program", "partner_short"})

# How each kind of object reaches its consultation: the select of (object id, language).
_JOINS = {
    "consultation": lambda: sa.select(Consultation.id, Consultation.language),
    "plane": lambda: sa.select(Plane.id, Consultation.language).join(Consultation),
    "priority": lambda: sa.select(Priority.id, Consultation.language).join(Consultation),
    "consultation_document": lambda: sa.select(ConsultationDocument.id, Consultation.language).join(Consultation),
    "meeting": lambda: sa.select(Meeting.id, Consultation.language).join(Consultation),
    "part": lambda: sa.select(Part.id, Consultation.language).join(Meeting).join(Consultation),
    "section": lambda: sa.select(Section.id, Consultation.language).join(Part).join(Meeting).join(Consultation),
    "entry": lambda: sa.select(Entry.id, Consultation.language)
    .join(Section, Entry.section_id == Section.id).join(Part).join(Meeting).join(Consultation),
    "submission": lambda: sa.select(Submission.id, Consultation.language).join(Consultation),
    "postulate": lambda: sa.select(Remark.id, Consultation.language)
    .join(Consultation, Remark.consultation_id == Consultation.id),
}


def content_languages(revisions: list[Revision]) -> dict[tuple[str, int], str]:
    """The language of the consultation of each revision's object (one query per kind)."""
    wanted: dict[str, set[int]] = {}
    for revision in revisions:
        if revision.object_type in _JOINS:
            wanted.setdefault(revision.object_type, set()).add(revision.object_id)
    found = {}
    for kind, ids in wanted.items():
        query = _JOINS[kind]()
        query = query.where(query.selected_columns[0].in_(ids))  # the object's id
        found.update({(kind, object_id): language for object_id, language in db.session.execute(query)})
    return found


def shown_page(revisions: list[Revision]) -> list[Shown]:
    """The revisions of a page as shown, each with its object's language."""
    languages = content_languages(revisions)
    rows = [shown(revision) for revision in revisions]
    for row in rows:
        row.language = languages.get((row.revision.object_type, row.revision.object_id))
    return rows


def shown(revision: Revision) -> Shown:
    before = revision.before if isinstance(revision.before, dict) else {}
    after = revision.after if isinstance(revision.after, dict) else {}
    kind = revision.object_type
    changed = list(changes(revision))
    rows = [(labels.field_label(field), None if old is None and not before else labels.value(kind, field, old),
             labels.value(kind, field, new)) for field, old, new in changed]
    return Shown(revision, f"{labels.object_label(kind)} #{revision.object_id}", labels.what(before, after),
                 labels.action_label(revision.action), rows,
                 content=[field in CONTENT_FIELDS for field, _old, _new in changed])

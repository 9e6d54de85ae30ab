"""Reading the audit trail: revisions filtered and paged, and what each one changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from consult.audit import labels
from consult.auth.models import User
from consult.core.models import Revision
from consult.extensions import db

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


def shown(revision: Revision) -> Shown:
    before = revision.before if isinstance(revision.before, dict) else {}
    after = revision.after if isinstance(revision.after, dict) else {}
    kind = revision.object_type
    rows = [(labels.field_label(field), None if old is None and not before else labels.value(kind, field, old),
             labels.value(kind, field, new)) for field, old, new in changes(revision)]
    return Shown(revision, f"{labels.object_label(kind)} #{revision.object_id}", labels.what(before, after),
                 labels.action_label(revision.action), rows)

"""State changes of consultations, planes, priorities and facilitator assignments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from slugify import slugify

from consult.auth.models import User
from consult.consultations import codes, uploads
from consult.consultations.models import (
    SLUG_MAX,
    Consultation,
    ConsultationDocument,
    InvalidTransition,
    Plane,
    Priority,
)
from consult.core.enums import ConsultationMethod, ConsultationStatus, Role
from consult.core.errors import ServiceError
from consult.core.i18n import DOCUMENT_LANGUAGES
from consult.core.models import parse_id, record_revision, snapshot
from consult.extensions import db

CONSULTATION_FIELDS = (
    "title", "slug", "organizer", "partner_short", "program", "description",
    "subject", "legal_basis", "responsible_unit", "announced_on", "methods", "paper_delivery",
    "submissions_open_at", "submissions_close_at", "status", "receipt_prefix", "language",
)
# What the announcement says, set as typed (consultation form).
ANNOUNCEMENT_FIELDS = ("subject", "legal_basis", "responsible_unit", "announced_on", "paper_delivery")


def slug_taken(slug: str, exclude_id: int | None = None) -> bool:
    query = sa.select(Consultation.id).where(Consultation.slug == slug)
    if exclude_id is not None:
        query = query.where(Consultation.id != exclude_id)
    return db.session.scalar(query) is not None


def unique_slug(title: str, exclude_id: int | None = None) -> str:
    # Up to the column's SLUG_MAX characters with room for "-2" (cut at a word, the year of
    # "…na 2027 rok" kept when it fits).
    base = slugify(title, max_length=SLUG_MAX - 10, word_boundary=True) or "konsultacja"
    slug, n = base, 2
    while slug_taken(slug, exclude_id):
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_window(opens: datetime | None, closes: datetime | None) -> None:
    if opens and closes and closes <= opens:
        raise ServiceError(_("The window must close after it opens."), "submissions_close_at")


def _check_language(language: str | None) -> str:
    if language in DOCUMENT_LANGUAGES:
        return language
    raise ServiceError(_("Choose the language from the list."), "language")


def _methods(values) -> list[str]:
    """The forms of consultation chosen, known ones only, in their order (ConsultationMethod)."""
    chosen = set(values or ())
    return [m.value for m in ConsultationMethod if m.value in chosen]


def create_consultation(data: dict[str, Any], user: User | None) -> Consultation:
    _check_window(data.get("submissions_open_at"), data.get("submissions_close_at"))
    language = _check_language(data.get("language") or "pl")
    consultation = Consultation(
        title=data["title"],
        organizer=data.get("organizer"),
        partner_short=data.get("partner_short"),
        program=data.get("program"),
        description=data.get("description"),
        submissions_open_at=data.get("submissions_open_at"),
        submissions_close_at=data.get("submissions_close_at"),
        status=ConsultationStatus.DRAFT,
        language=language,
        methods=_methods(data.get("methods")),
        **{name: data.get(name) for name in ANNOUNCEMENT_FIELDS},
    )
    if data.get("receipt_prefix"):  # else made from the title (the column's default)
        consultation.receipt_prefix = data["receipt_prefix"].upper()
    typed = slugify(data["slug"], max_length=SLUG_MAX) if data.get("slug") else ""
    if typed and slug_taken(typed):  # a typed address is kept as typed, or refused
        raise ServiceError(_("Another consultation already uses this address."), "slug")
    consultation.slug = typed or unique_slug(data["title"])
    db.session.add(consultation)
    db.session.flush()
    record_revision(consultation, "create", user, None, snapshot(consultation, CONSULTATION_FIELDS))
    return consultation


def update_consultation(consultation: Consultation, data: dict[str, Any], user: User | None) -> None:
    _check_window(data.get("submissions_open_at"), data.get("submissions_close_at"))
    before = snapshot(consultation, CONSULTATION_FIELDS)
    status = data.get("status")
    if status is not None and status != consultation.status:
        try:
            consultation.move_to(ConsultationStatus(status))
        except InvalidTransition:
            raise ServiceError(
                _("A consultation cannot go from “%(old)s” to “%(new)s”.",
                  old=consultation.status.label, new=ConsultationStatus(status).label),
                "status",
            ) from None
    for name in ("title", "organizer", "partner_short", "program", "description",
                 "submissions_open_at", "submissions_close_at", *ANNOUNCEMENT_FIELDS):
        if name in data:
            setattr(consultation, name, data[name])
    if "methods" in data:
        consultation.methods = _methods(data["methods"])
    if data.get("receipt_prefix"):
        consultation.receipt_prefix = data["receipt_prefix"].upper()
    if data.get("language"):
        consultation.language = _check_language(data["language"])
    if data.get("slug") and data["slug"] != consultation.slug:
        slug = slugify(data["slug"], max_length=SLUG_MAX)
        if slug_taken(slug, exclude_id=consultation.id):
            raise ServiceError(_("Another consultation already uses this address."), "slug")
        consultation.slug = slug
    after = snapshot(consultation, CONSULTATION_FIELDS)
    if after != before:
        record_revision(consultation, "update", user, before, after)


def set_facilitators(consultation: Consultation, user_ids: list[int], user: User | None) -> None:
    before = sorted(u.id for u in consultation.facilitators)
    # An id beyond INTEGER (a forged form) matches nobody; PostgreSQL would refuse the query.
    valid = [i for i in map(parse_id, user_ids) if i is not None]
    chosen = db.session.scalars(
        sa.select(User).where(User.id.in_(valid), User.role == Role.FACILITATOR)
    ).all() if valid else []
    if len(chosen) != len(set(user_ids)):
        raise ServiceError(_("Only facilitator accounts can be assigned."), "facilitators")
    consultation.facilitators = list(chosen)
    after = sorted(u.id for u in chosen)
    if before != after:
        record_revision(consultation, "facilitators", user, {"facilitators": before},
                        {"facilitators": after})


# Planes -------------------------------------------------------------------------------


def _plane_number_taken(consultation: Consultation, number: int, exclude: Plane | None) -> bool:
    return any(p.number == number and p is not exclude for p in consultation.planes)


def add_plane(consultation: Consultation, number: int, title: str, user: User | None) -> Plane:
    if _plane_number_taken(consultation, number, None):
        raise ServiceError(_("Plane %(number)d already exists.", number=number), "number")
    plane = Plane(number=number, title=title)
    consultation.planes.append(plane)
    db.session.flush()
    record_revision(plane, "create", user, None, snapshot(plane, ("number", "title")))
    return plane


def update_plane(plane: Plane, number: int, title: str, user: User | None) -> None:
    if _plane_number_taken(plane.consultation, number, plane):
        raise ServiceError(_("Plane %(number)d already exists.", number=number), "number")
    before = snapshot(plane, ("number", "title"))
    plane.number, plane.title = number, title
    record_revision(plane, "update", user, before, snapshot(plane, ("number", "title")))


def copy_framework(consultation: Consultation, source_id: Any, user: User | None) -> int:
    """The planes and priorities of consultation ``source_id``, added to a new one (each
    in the audit trail); returns how many were copied."""
    source = db.session.get(Consultation, parse_id(source_id)) if parse_id(source_id) else None
    if source is None or source.id == consultation.id:
        raise ServiceError(_("Choose a consultation to copy from."), "copy_framework_from")
    for plane in sorted(source.planes, key=lambda p: p.number):
        add_plane(consultation, plane.number, plane.title, user)
    for priority in source.sorted_priorities:
        add_priority(consultation, priority.code, priority.title, user)
    return len(source.planes) + len(source.priorities)


# Priorities ---------------------------------------------------------------------------


def _clean_code(code: str) -> str:
    code = codes.normalise(code)
    if not codes.is_valid(code):
        raise ServiceError(
            _("Use a roman area and arabic levels separated by dots, e.g. I, I.1, I.1.1 or III.2."),
            "code",
        )
    return code


def _code_taken(consultation: Consultation, code: str, exclude: Priority | None) -> bool:
    return any(p.code == code and p is not exclude for p in consultation.priorities)


def add_priority(consultation: Consultation, code: str, title: str, user: User | None) -> Priority:
    code = _clean_code(code)
    if _code_taken(consultation, code, None):
        raise ServiceError(_("Priority %(code)s already exists.", code=code), "code")
    priority = Priority(code=code, title=title)
    consultation.priorities.append(priority)
    db.session.flush()
    record_revision(priority, "create", user, None, snapshot(priority, ("code", "title")))
    return priority


def update_priority(priority: Priority, code: str, title: str, user: User | None) -> None:
    code = _clean_code(code)
    if _code_taken(priority.consultation, code, priority):
        raise ServiceError(_("Priority %(code)s already exists.", code=code), "code")
    before = snapshot(priority, ("code", "title"))
    priority.code, priority.title = code, title
    record_revision(priority, "update", user, before, snapshot(priority, ("code", "title")))


# Documents of the consultation -----------------------------------------------------------------



def add_document(consultation: Consultation, title: str, upload, user: User | None) -> ConsultationDocument:
    checked = uploads.read_checked(upload, title)
    document = ConsultationDocument(
        consultation_id=consultation.id, title=title, file_name=checked.file_name,
        media_type=checked.media_type, content=checked.content, size=len(checked.content),
        sha256=checked.sha256, uploaded_by_id=getattr(user, "id", None))
    db.session.add(document)
    db.session.flush()
    record_revision(document, "create", user, None, {"title": title, "file_name": document.file_name,
                                                     "size": document.size, "sha256": document.sha256})
    return document


def remove_document(document, user: User | None) -> None:
    from consult.core.models import utcnow

    if document.deleted_at is None:
        document.deleted_at = utcnow()
        record_revision(document, "delete", user, {"title": document.title}, None)


def restore_document(document, user: User | None) -> None:
    if document.deleted_at is not None:
        document.deleted_at = None
        record_revision(document, "restore", user, None, {"title": document.title})


def hidden_documents(consultation: Consultation) -> list[ConsultationDocument]:
    return list(db.session.scalars(sa.select(ConsultationDocument).where(
        ConsultationDocument.consultation_id == consultation.id,
        ConsultationDocument.deleted_at.is_not(None)).order_by(ConsultationDocument.deleted_at.desc())))

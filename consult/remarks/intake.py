"""Receiving NGO submissions: the form's choices, the receipt number, the tracking token, and
the same form sent again finding what it made (idempotency)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from consult.consultations.models import Consultation, Plane, Priority
from consult.core.enums import LegalForm, RemarkTarget, SubmissionChannel
from consult.core.errors import ServiceError
from consult.core.formatting import site_zone
from consult.core.i18n import lang_kw
from consult.core.labels import plane_label, priority_label
from consult.core.models import parse_id, record_revision, snapshot, utcnow
from consult.core.tokens import token_hash
from consult.core.urls import external_url
from consult.extensions import db
from consult.remarks.models import Remark, Submission, TrackingLink

SUBMISSION_FIELDS = ("receipt_number", "organisation", "legal_form", "krs", "other_register",
                     "spam", "channel", "received_on", "late")


def target_choices(consultation: Consultation) -> list[SelectChoice]:
    """What a remark may concern: the whole document, a provision, a plane, a priority (an
    option naming a plane or a priority says the consultation's language, WCAG 3.1.2)."""
    lang = lang_kw(consultation)
    choices = [SelectChoice("general", _("The document as a whole")),
               SelectChoice("document", _("A provision of the document (give it below)"))]
    choices += [SelectChoice(f"plane:{p.id}", plane_label(p), render_kw=lang) for p in consultation.planes]
    choices += [SelectChoice(f"priority:{p.id}", priority_label(p), render_kw=lang)
                for p in consultation.sorted_priorities]
    return choices


def _target(consultation: Consultation, value: str, field: str) -> dict[str, Any]:
    """The columns of a remark's target; a value that is not one of this consultation's
    planes or priorities (a stale or forged form) is refused at its field."""
    kind, _sep, raw_id = (value or "general").partition(":")
    if kind in ("general", "document") and not raw_id:
        return {"target": RemarkTarget(kind)}
    model, number = {"plane": Plane, "priority": Priority}.get(kind), parse_id(raw_id)
    found = db.session.get(model, number) if model and number else None
    if found is None or found.consultation_id != consultation.id:
        raise ServiceError(_("Choose what the remark concerns from the list."), field)
    return {"target": RemarkTarget(kind), f"{kind}_id": found.id}


def next_sequence(consultation_id: int) -> int:
    """The consultation's next receipt sequence: one atomic UPDATE … RETURNING, so two
    submissions at the same moment never get the same number (the row stays locked until
    the submission commits)."""
    return db.session.execute(
        sa.update(Consultation).where(Consultation.id == consultation_id)
        .values(receipt_counter=Consultation.receipt_counter + 1)
        .returning(Consultation.receipt_counter)
        .execution_options(synchronize_session=False)).scalar_one()


@dataclass
class Received:
    submission: Submission
    token: str  # shown in the receipt and the e-mail; only its hash is stored
    repeated: bool = False  # the same form came again: this is the submission it made first


FORM_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_form_key() -> str:
    """The key a form carries from the moment it is shown (hidden field)."""
    return secrets.token_urlsafe(24)


def _form_keys(form_key: str | None, data: dict[str, Any]) -> tuple[str | None, str]:
    """(idempotency key, tracking token) of a form sent with ``form_key``.

    Both are HMACs under the app's secret of the form's key *and* its content: sending the
    same form again (a retry after the answer was lost, a double click) gives the same pair,
    so it finds the submission it made instead of making another; a form whose key repeats
    with other content (a copy of a page cached somewhere) is a new submission. Without a
    well-formed key there is no idempotency and the token is random.
    """
    if not form_key or not FORM_KEY.fullmatch(form_key):
        return None, secrets.token_urlsafe(24)
    content = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    secret = current_app.config["SECRET_KEY"].encode()

    def mac(purpose: str) -> bytes:
        message = f"{purpose}\n{form_key}\n{content}".encode("utf-8", "surrogatepass")
        return hmac.new(secret, message, hashlib.sha256).digest()

    return mac("submission").hex(), base64.urlsafe_b64encode(mac("tracking")[:24]).decode()


def _by_idempotency_key(key: str | None) -> Submission | None:
    if key is None:
        return None
    return db.session.scalar(sa.select(Submission).where(Submission.idempotency_key == key))


def _keys(consultation: Consultation, data: dict[str, Any]) -> tuple[dict[str, Any], str | None, str]:
    """(the form's content, its idempotency key, its tracking token)."""
    form_key = data.get("form_key")
    data = {name: value for name, value in data.items() if name not in ("csrf_token", "form_key")}
    return (data, *_form_keys(form_key, {"consultation": consultation.id, **data}))


def repeated(consultation: Consultation, data: dict[str, Any]) -> Received | None:
    """The submission this very form made already (sent again: a retry, a double click), or
    None: what a new submission would be counted against the limits by."""
    _data, idempotency_key, token = _keys(consultation, data)
    existing = _by_idempotency_key(idempotency_key)
    return Received(existing, token, repeated=True) if existing is not None else None


@dataclass(frozen=True)
class Registration:
    """A submission staff register (from paper, e-mail, ePUAP or a meeting): how it came, the
    day it was received (checked by consult.remarks.registry), who registers it."""

    channel: SubmissionChannel
    received_on: date
    user: Any
    meeting_id: int | None = None
    late: bool = False


def submit(consultation: Consultation, data: dict[str, Any], *, spam: bool = False,
           checked: bool = False, registration: Registration | None = None) -> Received:
    """Store a submission with its remarks (flushed, not committed).

    The same form (``data["form_key"]``) sent again returns the submission it made
    (``repeated``), also when both arrive at once: the loser of that race rolls back and
    finds the winner's. ``checked``: the caller has just found, with ``repeated()``, that
    this form made none (so it is not looked up twice; one made in between is still caught
    by the unique key, as in the race).
    """
    if registration is None and not consultation.accepts_submissions():
        raise ServiceError(_("This consultation does not accept remarks now."))
    data, idempotency_key, token = _keys(consultation, data)
    existing = None if checked else _by_idempotency_key(idempotency_key)
    if existing is not None:
        return Received(existing, token, repeated=True)
    remarks = []
    for index, remark in enumerate(data["remarks"]):
        target = _target(consultation, remark.get("target"), f"remarks-{index}-target")
        if target["target"] == RemarkTarget.DOCUMENT and not remark.get("document_ref"):
            raise ServiceError(_("Give the provision the remark concerns, e.g. § 3 ust. 2."),
                               f"remarks-{index}-document_ref")
        remarks.append(Remark(
            consultation_id=consultation.id, position=index + 1, text=remark["remark"],
            document_ref=remark.get("document_ref"), proposed_wording=remark.get("proposed_wording"),
            justification=remark.get("justification"), **target))
    now = utcnow()
    sequence = next_sequence(consultation.id)
    year = now.astimezone(site_zone()).year
    submission = Submission(
        consultation_id=consultation.id, sequence=sequence,
        receipt_number=f"{consultation.receipt_prefix}/{year}/{sequence:04d}",
        tracking_hash=token_hash(token), idempotency_key=idempotency_key,
        organisation=data["organisation"],
        legal_form=LegalForm(data["legal_form"]), krs=data.get("krs"),
        other_register=data.get("other_register"), address=data["address"],
        contact_person=data["contact_person"], email=data.get("email"), phone=data.get("phone"),
        clause_acknowledged_at=now, submitted_at=now, spam=spam, remarks=remarks)
    if registration is not None:
        submission.channel, submission.received_on = registration.channel, registration.received_on
        submission.registered_by_id, submission.meeting_id = registration.user.id, registration.meeting_id
        submission.late = registration.late
    db.session.add(submission)
    try:
        db.session.flush()
    except IntegrityError:
        # The same form, sent twice at once, was stored by the other request first.
        db.session.rollback()
        existing = _by_idempotency_key(idempotency_key)
        if existing is None:
            raise
        return Received(existing, token, repeated=True)
    record_revision(submission, "register" if registration else "submit",
                    registration.user if registration else None, None,
                    {**snapshot(submission, SUBMISSION_FIELDS), "remarks": len(remarks)})
    return Received(submission, token)


def by_token(token: str) -> Submission | None:
    """The submission a tracking link opens: its first link, or one sent again later."""
    if not token or len(token) > 100:
        return None
    hashed = token_hash(token)
    return db.session.scalar(sa.select(Submission).where(Submission.tracking_hash == hashed)) \
        or db.session.scalar(sa.select(Submission).join(TrackingLink).where(TrackingLink.token_hash == hashed))


def normalised_email(address: str | None) -> str:
    return (address or "").replace("\x00", "").strip().lower()


def new_tracking_link(consultation: Consultation, receipt_number: str, email: str) -> Received | None:
    """A new private link to the submission with this receipt number, when ``email`` is the
    address it gave (None otherwise: the caller says the same either way). Flushed."""
    number = (receipt_number or "").replace("\x00", "").strip().upper()[:40]
    submission = db.session.scalar(sa.select(Submission).where(
        Submission.consultation_id == consultation.id, sa.func.upper(Submission.receipt_number) == number))
    if submission is None or submission.spam or not submission.email \
            or normalised_email(submission.email) != normalised_email(email):
        return None
    token = secrets.token_urlsafe(24)
    db.session.add(TrackingLink(submission_id=submission.id, token_hash=token_hash(token)))
    db.session.flush()
    record_revision(submission, "tracking_link", None, None, {"receipt_number": submission.receipt_number})
    return Received(submission, token)


def tracking_url(token: str) -> str:
    return external_url("remarks.track", token=token)

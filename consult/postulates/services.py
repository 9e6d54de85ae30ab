"""State changes of NGO submissions: receiving them (receipt number, tracking token, e-mail)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from consult.consultations.models import Consultation, Plane, Priority
from consult.core import mail
from consult.core.enums import LegalForm, PostulateTarget
from consult.core.errors import ServiceError
from consult.core.models import record_revision, utcnow
from consult.extensions import db
from consult.postulates.models import Postulate, Submission

SUBMISSION_FIELDS = ("receipt_number", "organisation", "legal_form", "krs", "other_register",
                     "spam")


def target_choices(consultation: Consultation) -> list[tuple[str, str]]:
    """What a remark may concern: the whole document, a provision, a plane, a priority."""
    choices = [("general", _("The document as a whole")),
               ("document", _("A provision of the document (give it below)"))]
    choices += [(f"plane:{p.id}", _("Plane %(number)d. %(title)s", number=p.number, title=p.title))
                for p in consultation.planes]
    choices += [(f"priority:{p.id}", f"{p.code} {p.title}") for p in consultation.sorted_priorities]
    return choices


def _target(consultation: Consultation, value: str, field: str) -> dict[str, Any]:
    """The columns of a remark's target; a value that is not one of this consultation's
    planes or priorities (a stale or forged form) is refused at its field."""
    kind, _sep, raw_id = (value or "general").partition(":")
    if kind in ("general", "document") and not raw_id:
        return {"target": PostulateTarget(kind)}
    model = {"plane": Plane, "priority": Priority}.get(kind)
    found = db.session.get(model, int(raw_id)) if model and raw_id.isdigit() and int(raw_id) < 2**31 else None
    if found is None or found.consultation_id != consultation.id:
        raise ServiceError(_("Choose what the remark concerns from the list."), field)
    return {"target": PostulateTarget(kind), f"{kind}_id": found.id}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


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
    token: str  # shown once, in the receipt and the e-mail; only its hash is stored


def submit(consultation: Consultation, data: dict[str, Any], *, spam: bool = False) -> Received:
    """Store a submission with its remarks (flushed, not committed)."""
    if not consultation.accepts_submissions():
        raise ServiceError(_("This consultation does not accept remarks now."))
    remarks = []
    for index, remark in enumerate(data["remarks"]):
        target = _target(consultation, remark.get("target"), f"remarks-{index}-target")
        if target["target"] == PostulateTarget.DOCUMENT and not remark.get("document_ref"):
            raise ServiceError(_("Give the provision the remark concerns, e.g. § 3 ust. 2."),
                               f"remarks-{index}-document_ref")
        remarks.append(Postulate(
            consultation_id=consultation.id, position=index + 1, remark=remark["remark"],
            document_ref=remark.get("document_ref"), proposed_wording=remark.get("proposed_wording"),
            justification=remark.get("justification"), **target))
    token = secrets.token_urlsafe(24)
    now = utcnow()
    sequence = next_sequence(consultation.id)
    year = now.astimezone(_zone()).year
    submission = Submission(
        consultation_id=consultation.id, sequence=sequence,
        receipt_number=f"{consultation.receipt_prefix}/{year}/{sequence:04d}",
        tracking_hash=token_hash(token), organisation=data["organisation"],
        legal_form=LegalForm(data["legal_form"]), krs=data.get("krs"),
        other_register=data.get("other_register"), address=data["address"],
        contact_person=data["contact_person"], email=data.get("email"), phone=data.get("phone"),
        clause_acknowledged_at=now, submitted_at=now, spam=spam, postulates=remarks)
    db.session.add(submission)
    db.session.flush()
    record_revision(submission, "submit", None, None, {
        **{name: _plain(getattr(submission, name)) for name in SUBMISSION_FIELDS},
        "remarks": len(remarks)})
    return Received(submission, token)


def _plain(value):
    return value.value if hasattr(value, "value") else value


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def by_token(token: str) -> Submission | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(sa.select(Submission).where(Submission.tracking_hash == token_hash(token)))


def tracking_url(submission: Submission, token: str) -> str:
    return url_for("postulates.track", token=token, _external=True)


def mail_receipt(received: Received) -> bool:
    """E-mail the receipt (in the consultation's language, Polish) when an address was given.

    Called after the commit: a mail server that is down loses nothing; the receipt page
    says whether the e-mail went out.
    """
    submission = received.submission
    if not submission.email or submission.spam:
        return False
    with force_locale("pl"):
        body = render_template("postulates/receipt_mail.txt", submission=submission,
                               consultation=submission.consultation,
                               tracking_url=tracking_url(submission, received.token))
        subject = _("Receipt %(number)s: your remarks to the consultation",
                    number=submission.receipt_number)
    sent = mail.send(submission.email, subject, body)
    if sent:
        db.session.execute(sa.update(Submission).where(Submission.id == submission.id)
                           .values(receipt_mailed_at=utcnow()))
        db.session.commit()
    return sent

"""State changes of NGO submissions: receiving them (receipt number, tracking token, e-mail)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from consult.consultations.models import Consultation, Plane, Priority
from consult.core import mail
from consult.core.enums import LegalForm, PostulateStatus, PostulateTarget
from consult.core.errors import ServiceError
from consult.core.formatting import site_zone
from consult.core.i18n import document_language
from consult.core.models import parse_id, record_revision, snapshot, utcnow
from consult.core.urls import external_url
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
    model, number = {"plane": Plane, "priority": Priority}.get(kind), parse_id(raw_id)
    found = db.session.get(model, number) if model and number else None
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


def submit(consultation: Consultation, data: dict[str, Any], *, spam: bool = False) -> Received:
    """Store a submission with its remarks (flushed, not committed).

    The same form (``data["form_key"]``) sent again returns the submission it made
    (``repeated``), also when both arrive at once: the loser of that race rolls back and
    finds the winner's.
    """
    if not consultation.accepts_submissions():
        raise ServiceError(_("This consultation does not accept remarks now."))
    form_key = data.get("form_key")
    data = {name: value for name, value in data.items() if name not in ("csrf_token", "form_key")}
    idempotency_key, token = _form_keys(form_key, {"consultation": consultation.id, **data})
    existing = _by_idempotency_key(idempotency_key)
    if existing is not None:
        return Received(existing, token, repeated=True)
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
        clause_acknowledged_at=now, submitted_at=now, spam=spam, postulates=remarks)
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
    record_revision(submission, "submit", None, None, {
        **snapshot(submission, SUBMISSION_FIELDS), "remarks": len(remarks)})
    return Received(submission, token)


def by_token(token: str) -> Submission | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(sa.select(Submission).where(Submission.tracking_hash == token_hash(token)))


def tracking_url(token: str) -> str:
    return external_url("postulates.track", token=token)


def mail_receipt(received: Received) -> bool:
    """E-mail the receipt (in the consultation's language) when an address was given.

    Called after the commit: a mail server that is down loses nothing; the receipt page
    says whether the e-mail went out.
    """
    submission = received.submission
    if not submission.email or submission.spam:
        return False
    if received.repeated and submission.receipt_mailed_at is not None:
        return False  # sent when the form first came
    if not mail.may_send_to(submission.email):
        return False  # the page says so; the receipt is on it
    with force_locale(document_language(submission.consultation)):
        body = render_template("postulates/receipt_mail.txt", submission=submission,
                               consultation=submission.consultation,
                               tracking_url=tracking_url(received.token))
        subject = _("Receipt %(number)s: your remarks to the consultation",
                    number=submission.receipt_number)
    sent = mail.send(submission.email, subject, body)
    if sent:
        db.session.execute(sa.update(Submission).where(Submission.id == submission.id)
                           .values(receipt_mailed_at=utcnow()))
        db.session.commit()
    return sent


def section_name(section) -> str:
    """How a meeting section is named in lists: its plane, priority or topic, and label."""
    if section.plane is not None:
        name = _("Plane %(number)d. %(title)s", number=section.plane.number, title=section.plane.title)
    elif section.priority is not None:
        name = f"{section.priority.code} {section.priority.title}"
    else:
        name = section.topic or ""
    return f"{name} – {section.label}" if section.label else name


# Moderation (facilitators) -------------------------------------------------------------------

POSTULATE_FIELDS = ("status", "duplicate_of_id", "rejection_reason", "entry_id", "stance",
                    "reasoning", "resulting_change")
PUBLISHED_FIELDS = ("published_stance", "published_reasoning", "published_change")


def remark_count(consultation: Consultation) -> int:
    return db.session.scalar(sa.select(sa.func.count(Postulate.id)).where(
        Postulate.consultation_id == consultation.id)) or 0


def meeting_sections(consultation: Consultation) -> list:
    """Every section of the consultation's meetings, in board order, in one query (the
    "also add it as an entry" choice of accepting a remark)."""
    from consult.meetings.models import Meeting, Part, Section

    return list(db.session.scalars(
        sa.select(Section).join(Part).join(Meeting)
        .where(Meeting.consultation_id == consultation.id)
        .options(contains_eager(Section.part).contains_eager(Part.meeting),
                 selectinload(Section.plane), selectinload(Section.priority))
        .order_by(Meeting.date, Meeting.id, Part.position, Section.position)))


def remarks(consultation: Consultation, *, status: str | None = None, spam: str | None = None,
            target: str | None = None, q: str | None = None) -> list[Postulate]:
    """The consultation's remarks for the moderation queue, oldest first, filtered; with
    what every list of them shows (target, the remark a copy was merged with) loaded at once."""
    query = (sa.select(Postulate).join(Submission)
             .where(Postulate.consultation_id == consultation.id)
             .options(contains_eager(Postulate.submission), selectinload(Postulate.plane),
                      selectinload(Postulate.priority),
                      selectinload(Postulate.duplicate_of).joinedload(Postulate.submission))
             .order_by(Submission.sequence, Postulate.position))
    if status in {s.value for s in PostulateStatus}:
        query = query.where(Postulate.status == PostulateStatus(status))
    if spam == "hide":
        query = query.where(Submission.spam.is_(False))
    elif spam == "only":
        query = query.where(Submission.spam.is_(True))
    if target in {t.value for t in PostulateTarget}:
        query = query.where(Postulate.target == PostulateTarget(target))
    if q:
        pattern = f"%{q.replace(chr(0), '')[:200]}%"
        query = query.where(sa.or_(Postulate.remark.ilike(pattern), Submission.organisation.ilike(pattern),
                                   Submission.receipt_number.ilike(pattern)))
    return list(db.session.scalars(query))


def check_moderation(postulate: Postulate, status: PostulateStatus) -> None:
    """Refuses, with the reason, a decision the remark's life cycle does not allow."""
    if postulate.can_move_to(status):
        return
    if postulate.answered:
        raise ServiceError(_("The stance on this remark is published: it has its answer. To change "
                             "it, change the stance and publish the stances again."))
    raise ServiceError(_("This remark cannot be moderated that way."))


def _moderated(postulate: Postulate, user, status: PostulateStatus, action: str, **values) -> None:
    """Every moderation decision: through the remark's life cycle, with a revision."""
    check_moderation(postulate, status)
    before = snapshot(postulate, POSTULATE_FIELDS)
    postulate.move_to(status)
    postulate.duplicate_of_id = values.get("duplicate_of_id")
    postulate.rejection_reason = values.get("rejection_reason")
    if "entry_id" in values:
        postulate.entry_id = values["entry_id"]
    postulate.moderated_at, postulate.moderated_by_id = utcnow(), getattr(user, "id", None)
    record_revision(postulate, action, user, before, snapshot(postulate, POSTULATE_FIELDS))


def accept(postulate: Postulate, user, *, section_id: Any = None, kind: Any = None) -> None:
    """Accept for consideration; with a section, the remark also becomes an entry there
    (marked as coming from a postulate), on the meeting's live board like any other."""
    from consult.capture import services as capture
    from consult.core.enums import EntrySource
    from consult.meetings.models import Section

    check_moderation(postulate, PostulateStatus.ACCEPTED)  # before anything is added to a board
    entry_id = postulate.entry_id
    if section_id not in (None, "") and entry_id is None:
        number = parse_id(section_id)
        section = db.session.get(Section, number) if number else None
        meeting = section.part.meeting if section is not None else None
        if meeting is None or meeting.consultation_id != postulate.consultation_id:
            raise ServiceError(_("Choose a section of a meeting of this consultation."), "section_id")
        text = f"{postulate.remark} ({postulate.submission.organisation})"
        change = capture.add_entry(meeting, user, section.id, text, kind)
        change.entry.source = EntrySource.POSTULATE
        entry_id = change.entry.id
    _moderated(postulate, user, PostulateStatus.ACCEPTED, "accept", entry_id=entry_id)


def mark_duplicate(postulate: Postulate, user, other_id: Any) -> None:
    """Merge with another remark of the consultation: both are kept, linked."""
    check_moderation(postulate, PostulateStatus.DUPLICATE)
    number = parse_id(other_id)
    other = db.session.get(Postulate, number) if number else None
    if other is None or other.consultation_id != postulate.consultation_id or other.id == postulate.id:
        raise ServiceError(_("Choose another remark of this consultation."), "duplicate_of")
    seen = {postulate.id}
    while other.duplicate_of is not None and other.id not in seen:
        seen.add(other.id)
        other = other.duplicate_of  # point at the remark that stands for all of them
    if other.id in seen:  # merging into one of its own copies would make a loop
        raise ServiceError(_("Choose another remark of this consultation."), "duplicate_of")
    _moderated(postulate, user, PostulateStatus.DUPLICATE, "duplicate", duplicate_of_id=other.id)


def reject(postulate: Postulate, user, reason: str | None) -> None:
    check_moderation(postulate, PostulateStatus.REJECTED)
    if not reason:
        raise ServiceError(_("Give the reason: the submitter will read it."), "reason")
    _moderated(postulate, user, PostulateStatus.REJECTED, "reject", rejection_reason=reason)


# Stances (officials) --------------------------------------------------------------------------


def set_stance(postulate: Postulate, user, stance: Any, reasoning: str | None,
               resulting_change: str | None) -> None:
    """Decide (or change) the draft stance on an accepted remark."""
    from consult.core.enums import Stance

    if postulate.status != PostulateStatus.ACCEPTED:
        raise ServiceError(_("Only remarks accepted for consideration get a stance."), "stance")
    try:
        stance = Stance(stance)
    except ValueError:
        raise ServiceError(_("Choose the stance."), "stance") from None
    if stance.needs_reasoning and not reasoning:
        raise ServiceError(_("Give the reasoning: it is required unless the remark is accepted."),
                           "reasoning")
    before = snapshot(postulate, POSTULATE_FIELDS)
    postulate.stance, postulate.reasoning, postulate.resulting_change = stance, reasoning, resulting_change
    postulate.stance_at, postulate.stance_by_id = utcnow(), getattr(user, "id", None)
    record_revision(postulate, "stance", user, before, snapshot(postulate, POSTULATE_FIELDS))


@dataclass
class StanceCount:
    accepted: int  # remarks accepted for consideration
    decided: int  # of those, with a draft stance
    unpublished: int  # drafts that differ from what is published


def stance_count(consultation: Consultation) -> StanceCount:
    accepted = [p for p in remarks(consultation, status=PostulateStatus.ACCEPTED.value)]
    return StanceCount(len(accepted), sum(1 for p in accepted if p.stance is not None),
                       sum(1 for p in accepted if p.stance is not None and p.stance_changed))


def publish_stances(consultation: Consultation, user) -> list[Submission]:
    """Publish every draft stance at once; returns the submissions whose remarks changed.

    Refused while a remark accepted for consideration has no stance: every remark gets an
    answer. Changed stances can be published again later (the submitters are told again).
    """
    accepted = remarks(consultation, status=PostulateStatus.ACCEPTED.value)
    missing = [p for p in accepted if p.stance is None]
    if missing:
        raise ServiceError(ngettext(
            "%(num)d accepted remark has no stance yet: %(numbers)s.",
            "%(num)d accepted remarks have no stance yet: %(numbers)s.", len(missing),
            numbers=", ".join(p.number for p in missing[:10])))
    if not accepted:
        raise ServiceError(_("There are no accepted remarks to answer."))
    now, changed = utcnow(), {}
    for postulate in accepted:
        if not postulate.stance_changed:
            continue
        before = snapshot(postulate, PUBLISHED_FIELDS)
        postulate.published_stance = postulate.stance
        postulate.published_reasoning = postulate.reasoning
        postulate.published_change = postulate.resulting_change
        postulate.stance_published_at = now
        record_revision(postulate, "publish_stance", user, before,
                        snapshot(postulate, PUBLISHED_FIELDS))
        changed[postulate.submission_id] = postulate.submission
    if not changed:
        raise ServiceError(_("Every stance is published already; nothing has changed since."))
    return list(changed.values())


def mail_stances(submissions: list[Submission]) -> int:
    """Tell each submitter with an e-mail address that stances on their remarks are out
    (after the commit). The tracking link is not in our hands (only its hash is), so the
    mail names the receipt number and the consultation's public page."""
    sent = 0
    for submission in submissions:
        if not submission.email or submission.spam:
            continue
        with force_locale(document_language(submission.consultation)):
            body = render_template("postulates/stances_mail.txt", submission=submission,
                                   consultation=submission.consultation,
                                   public_url=external_url("public.consultation",
                                                      slug=submission.consultation.slug))
            subject = _("Receipt %(number)s: the answer to your remarks",
                        number=submission.receipt_number)
        sent += mail.send(submission.email, subject, body)
    return sent


# The consultation report: how every remark was handled ----------------------------------------


@dataclass
class ReportRow:
    lp: int
    number: str  # the remark's receipt number, e.g. KWP/2026/0007-2
    organisation: str  # never a private person's name: the contact person is not in the report
    part: str
    remark: str
    proposed_wording: str
    justification: str
    stance: str
    reasoning: str
    change: str


@dataclass
class ReportData:
    consultation: Consultation
    meetings: list
    submissions: int
    organisations: int
    counts: list[tuple[str, int]]  # (what happened, how many remarks), in the report's order
    rows: list[ReportRow]

    @property
    def received(self) -> int:
        return len(self.rows)


def _part(postulate: Postulate) -> str:
    if postulate.target == PostulateTarget.PLANE and postulate.plane is not None:
        part = _("Plane %(number)d. %(title)s", number=postulate.plane.number, title=postulate.plane.title)
    elif postulate.target == PostulateTarget.PRIORITY and postulate.priority is not None:
        part = f"{postulate.priority.code} {postulate.priority.title}"
    elif postulate.target == PostulateTarget.DOCUMENT:
        return postulate.document_ref or ""
    else:
        part = str(postulate.target.label)
    return f"{part} – {postulate.document_ref}" if postulate.document_ref else part


def report_data(consultation: Consultation) -> ReportData:
    """Everything the report shows, in the consultation's language (call within force_locale).

    Spam is left out. Only published stances appear: drafts are not the department's answer.
    """
    from consult.core.enums import Stance

    found = [p for p in remarks(consultation, spam="hide")]
    lp = {p.id: n for n, p in enumerate(found, start=1)}
    rows, tally = [], {s: 0 for s in Stance}
    merged = rejected = waiting = 0
    for p in found:
        stance = reasoning = change = ""
        if p.status == PostulateStatus.ACCEPTED and p.published_stance is not None:
            stance, reasoning = str(p.published_stance.label), p.published_reasoning or ""
            change = p.published_change or ""
            tally[p.published_stance] += 1
        elif p.status == PostulateStatus.DUPLICATE and p.duplicate_of_id in lp:
            stance = _("as remark no. %(lp)d", lp=lp[p.duplicate_of_id])
            merged += 1
        elif p.status == PostulateStatus.REJECTED:
            stance, reasoning = str(p.status.label), p.rejection_reason or ""
            rejected += 1
        else:
            stance = _("being considered")
            waiting += 1
        rows.append(ReportRow(lp[p.id], p.number, p.submission.organisation, _part(p), p.remark,
                              p.proposed_wording or "", p.justification or "", stance, reasoning, change))
    counts = [(str(s.label), tally[s]) for s in Stance]
    counts += [(_("merged with another remark"), merged), (_("rejected"), rejected)]
    if waiting:
        counts.append((_("being considered"), waiting))
    submissions = {p.submission_id for p in found}
    organisations = {p.submission.organisation.strip().lower() for p in found}
    return ReportData(consultation, list(consultation.meetings), len(submissions),
                      len(organisations), counts, rows)

"""State changes of the participants' review of a meeting's minutes.

One review of a meeting is open at a time. Comments are taken until the review is closed or
its last day has passed; a comment is decided once (accepted into its entry, or answered).
Accepting edits the entry through the board's own service, so every open board sees it, and
leaves a revision on the entry naming the comment it came from.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from consult.auth.models import User
from consult.capture import services as capture
from consult.core.enums import CommentStatus
from consult.core.errors import ServiceError
from consult.core.formatting import site_today
from consult.core.forms import email_key
from consult.core.models import parse_id, record_revision, utcnow
from consult.core.tokens import token_hash
from consult.extensions import db
from consult.meetings.models import Entry, Meeting
from consult.meetings.services import entry_count
from consult.participants.models import Registration
from consult.review.models import COMMENT_MAX, MAX_DAYS, Review, ReviewComment, Reviewer


def today() -> date:
    return site_today()


def current(meeting: Meeting) -> Review | None:
    """The meeting's open review, else its latest one (None: never reviewed)."""
    return db.session.scalar(sa.select(Review).where(Review.meeting_id == meeting.id)
                             .order_by(Review.closed_at.is_not(None), Review.id.desc()).limit(1))


@dataclass
class Outcome:
    """What the published summary says of the review: comments and those taken in."""

    held: bool
    comments: int = 0
    accepted: int = 0


def outcome(meeting: Meeting) -> Outcome:
    """The latest closed review's counts (an open one is not finished: not yet said)."""
    review = db.session.scalar(sa.select(Review).where(Review.meeting_id == meeting.id,
                                                       Review.closed_at.is_not(None))
                               .order_by(Review.id.desc()).limit(1))
    if review is None:
        return Outcome(held=False)
    counts = dict(db.session.execute(
        sa.select(ReviewComment.status, sa.func.count()).where(ReviewComment.review_id == review.id)
        .group_by(ReviewComment.status)).all())
    return Outcome(held=True, comments=sum(counts.values()), accepted=counts.get(CommentStatus.ACCEPTED, 0))


# Opening, inviting, closing -------------------------------------------------------------------


@dataclass
class Invited:
    review: Review
    tokens: list[tuple[Reviewer, str]] = field(default_factory=list)  # for the e-mails after the commit


def parse_addresses(text: str | None) -> list[str]:
    """E-mail addresses one per line (or separated by commas or semicolons), each checked;
    a wrong one is refused at the field, naming it."""
    found: list[str] = []
    for raw in re.split(r"[\s,;]+", (text or "").replace("\x00", "")):
        if not raw:
            continue
        try:
            address = validate_email(raw, check_deliverability=False).normalized
        except EmailNotValidError:
            raise ServiceError(_("“%(address)s” is not an e-mail address.", address=raw[:80]), "addresses") from None
        if email_key(address) not in {email_key(a) for a in found}:
            found.append(address)
    return found


def _invite(review: Review, people: list[tuple[str, str | None]]) -> list[tuple[Reviewer, str]]:
    known = {r.email_key for r in review.reviewers}
    made = []
    for address, name in people:
        key = email_key(address)
        if key in known:
            continue
        known.add(key)
        token = secrets.token_urlsafe(24)
        reviewer = Reviewer(email=address, email_key=key, name=name, token_hash=token_hash(token))
        review.reviewers.append(reviewer)
        made.append((reviewer, token))
    db.session.flush()
    return made


def open_review(meeting: Meeting, user: User, days: int, addresses: str | None) -> Invited:
    """Open a review for ``days`` days: the meeting's active registrations and ``addresses``
    get a personal link. Refused while one is open, or when nothing was captured."""
    if current(meeting) is not None and current(meeting).is_open:
        raise ServiceError(_("A review of this summary is open already."), status=409)
    if entry_count(meeting=meeting) == 0:
        raise ServiceError(_("Nothing has been captured at this meeting yet: there is nothing to review."))
    if not 1 <= days <= MAX_DAYS:
        raise ServiceError(_("Between 1 and %(max)d days.", max=MAX_DAYS), "days")
    extra = parse_addresses(addresses)
    registered = db.session.scalars(sa.select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.cancelled_at.is_(None))
        .order_by(Registration.id)).all()
    people = [(r.email, r.name) for r in registered] + [(a, None) for a in extra]
    if not people:
        raise ServiceError(_("Nobody registered for this meeting: give the addresses of the participants."),
                           "addresses")
    review = Review(meeting_id=meeting.id, closes_on=today() + timedelta(days=days), opened_by_id=user.id)
    db.session.add(review)
    db.session.flush()
    tokens = _invite(review, people)
    record_revision(review, "open", user, None, {"closes_on": review.closes_on.isoformat(),
                                                 "reviewers": len(tokens)})
    return Invited(review, tokens)


def add_reviewers(review: Review, user: User, addresses: str | None) -> Invited:
    if not review.is_open:
        raise ServiceError(_("This review is closed."), status=409)
    extra = parse_addresses(addresses)
    if not extra:
        raise ServiceError(_("Give at least one e-mail address."), "addresses")
    tokens = _invite(review, [(a, None) for a in extra])
    if not tokens:
        raise ServiceError(_("These addresses have their links already."), "addresses")
    return Invited(review, tokens)


def close_review(review: Review, user: User) -> Review:
    """Close the review: no more comments; those still open stay as they are (counted)."""
    if not review.is_open:
        raise ServiceError(_("This review is closed."), status=409)
    review.closed_at = utcnow()
    record_revision(review, "close", user, None, {"comments": len(review.comments)})
    db.session.flush()
    return review


# The reviewer ----------------------------------------------------------------------------------


def reviewer_by_token(token: str) -> Reviewer | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(sa.select(Reviewer).where(Reviewer.token_hash == token_hash(token)))


def accepts_comments(review: Review) -> bool:
    return review.is_open and today() <= review.closes_on


def _taking(review: Review) -> None:
    if not accepts_comments(review):
        raise ServiceError(_("The review is closed: comments are no longer taken."), status=409)


def _text(value: Any, field_name: str, required: bool) -> str | None:
    text = (value or "").replace("\x00", "").strip() or None
    if required and text is None:
        raise ServiceError(_("Say what was said differently, or what is missing."), field_name)
    if text and len(text) > COMMENT_MAX:
        raise ServiceError(_("At most %(max)d characters.", max=COMMENT_MAX), field_name)
    return text


def comment(reviewer: Reviewer, entry_id: Any, text: Any, proposed: Any) -> ReviewComment:
    """A comment on an entry of the meeting (``entry_id`` empty: on the summary as a whole)."""
    review = reviewer.review
    _taking(review)
    entry = None
    if entry_id not in (None, ""):
        number = parse_id(entry_id)
        entry = db.session.get(Entry, number) if number else None
        if entry is None or entry.deleted_at is not None or entry.section.part.meeting_id != review.meeting_id:
            raise ServiceError(_("This entry is not in the summary any more."), "entry_id", 404)
    found = ReviewComment(review_id=review.id, reviewer_id=reviewer.id, entry_id=entry.id if entry else None,
                          text=_text(text, "text", True), proposed_wording=_text(proposed, "proposed_wording", False))
    db.session.add(found)
    db.session.flush()
    return found


def approve(reviewer: Reviewer) -> bool:
    """The reviewer approves the summary (False: approved already)."""
    _taking(reviewer.review)
    if reviewer.approved_at is not None:
        return False
    reviewer.approved_at = utcnow()
    db.session.flush()
    return True


# The facilitator's decisions -------------------------------------------------------------------


def comments(review: Review) -> list[ReviewComment]:
    """The review's comments with their entries, in one query (the page shows each entry)."""
    return list(db.session.scalars(sa.select(ReviewComment).where(ReviewComment.review_id == review.id)
                                   .options(selectinload(ReviewComment.entry)).order_by(ReviewComment.id)))


def comment_of(review: Review, comment_id: Any) -> ReviewComment:
    number = parse_id(comment_id)
    found = db.session.get(ReviewComment, number) if number else None
    if found is None or found.review_id != review.id:
        raise ServiceError(_("This comment is not in this review."), status=404)
    return found


def _decide(found: ReviewComment, user: User) -> None:
    # The meeting's revision first: its row is locked until the commit, so two facilitators
    # cannot both decide one comment (the status read after it is the latest).
    capture.begin_write(found.review.meeting)
    db.session.refresh(found, ["status"])
    if found.status != CommentStatus.OPEN:
        raise ServiceError(_("This comment has been decided already."), status=409)
    found.decided_at, found.decided_by_id = utcnow(), user.id


def accept(found: ReviewComment, user: User, text: Any, version: Any) -> capture.Change | None:
    """Take the comment in: the entry gets ``text`` (the proposed wording, as the facilitator
    edited it); a comment on the whole summary is only marked as taken in."""
    meeting = found.review.meeting
    _decide(found, user)
    found.status = CommentStatus.ACCEPTED
    change = None
    if found.entry_id is not None:
        change = capture.edit_entry(meeting, user, found.entry_id, text, version)
        record_revision(found.entry, "review", user, None,
                        {"comment": found.text, "proposed_wording": found.proposed_wording})
    db.session.flush()
    return change


def answer(found: ReviewComment, user: User, text: Any) -> None:
    reply = (text or "").replace("\x00", "").strip()
    if not reply:
        raise ServiceError(_("Write the answer to the comment."), "answer")
    if len(reply) > COMMENT_MAX:
        raise ServiceError(_("At most %(max)d characters.", max=COMMENT_MAX), "answer")
    _decide(found, user)
    found.status = CommentStatus.ANSWERED
    found.answer = reply
    db.session.flush()


def summary_line(result: Outcome) -> str:
    """The published summary's line about the review, in the current (document) language."""
    if not result.held:
        return _("The summary was not reviewed with the participants.")
    return _("Agreed with the participants: %(comments)s, %(accepted)s.",
             comments=ngettext("%(num)d comment", "%(num)d comments", result.comments),
             accepted=ngettext("%(num)d taken in", "%(num)d taken in", result.accepted))

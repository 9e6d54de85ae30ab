"""The deadlines of a consultation, as its staff need them on its page: how long remarks are
still taken, when the report is due (REPORT_DUE_DAYS after the end of submissions) and how
many remarks still wait for a stance.

Days are counted in the city's calendar (CONSULT_TIMEZONE): a consultation that closes at
23:59 today has 0 days left — "today is the last day" — not a fraction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import ngettext

from consult.consultations.models import Consultation
from consult.core.enums import ConsultationStatus
from consult.core.formatting import site_zone
from consult.core.models import utcnow
from consult.extensions import db
from consult.remarks.models import Remark, Submission
from consult.remarks.queries import awaiting_moderation, awaiting_published_stance
from consult.reports import publications
from consult.reports.report import REPORT


@dataclass(frozen=True)
class Deadlines:
    today: date
    opens_on: date | None  # the first day remarks are taken, while that is still ahead
    closes_on: date | None  # the last day remarks are taken (None: no end set)
    open_now: bool
    days_left: int | None  # open: days after today that remarks are still taken
    report_due: date | None  # closes_on + REPORT_DUE_DAYS (None: no end set)
    report_published: bool
    awaiting_decision: int  # sent, not yet accepted for consideration or rejected
    awaiting_stance: int  # accepted, no stance published

    @property
    def stances_missing(self) -> int:
        return self.awaiting_decision + self.awaiting_stance

    @property
    def days_to_report(self) -> int | None:
        return (self.report_due - self.today).days if self.report_due else None

    @property
    def report_overdue(self) -> bool:
        return self.report_due is not None and not self.report_published and self.today > self.report_due


def local_day(moment: datetime | None, *, last: bool = False) -> date | None:
    """The city's calendar day of ``moment``; ``last``: of a closing moment (a window closing
    at midnight ends with the day before)."""
    if moment is None:
        return None
    local = moment.astimezone(site_zone())
    if last and local.time() == datetime.min.time():
        local -= timedelta(seconds=1)
    return local.date()


def deadlines(consultation: Consultation, now: datetime | None = None) -> Deadlines:
    """The consultation's deadlines as of ``now`` (three queries)."""
    now = now or utcnow()
    today = now.astimezone(site_zone()).date()
    closes_on = local_day(consultation.submissions_close_at, last=True)
    opens_on = local_day(consultation.submissions_open_at)
    open_now = consultation.accepts_submissions(now)

    def count(where) -> int:
        return db.session.scalar(sa.select(sa.func.count(Remark.id)).join(Submission)
                                 .where(Remark.consultation_id == consultation.id, *where)) or 0

    return Deadlines(
        today=today,
        opens_on=opens_on if opens_on and opens_on > today and consultation.status == ConsultationStatus.OPEN
        else None,
        closes_on=closes_on,
        open_now=open_now,
        days_left=(closes_on - today).days if open_now and closes_on else None,
        report_due=closes_on + timedelta(days=current_app.config["REPORT_DUE_DAYS"]) if closes_on else None,
        report_published=publications.latest(REPORT.series(consultation)) is not None,
        awaiting_decision=count(awaiting_moderation()),
        awaiting_stance=count(awaiting_published_stance()),
    )


def announcement_warnings(consultation: Consultation) -> list[str]:
    """What the announcement misses of the city's minimums (NOTICE_MIN_DAYS between the
    announcement and the first day of submissions, CONSULTATION_MIN_DAYS of submissions,
    CONSULTATION_MIN_METHODS forms of consultation): warnings for the admin while it is
    prepared or open, never a refusal — the resolution may allow a shorter consultation with
    a reason."""
    if consultation.status not in (ConsultationStatus.DRAFT, ConsultationStatus.OPEN):
        return []  # done: what it was is on the record, not to be mended
    config = current_app.config
    warnings = []
    opens_on = local_day(consultation.submissions_open_at)
    closes_on = local_day(consultation.submissions_close_at, last=True)
    if consultation.announced_on and opens_on:
        notice = (opens_on - consultation.announced_on).days
        if notice < config["NOTICE_MIN_DAYS"]:
            warnings.append(ngettext(
                "Submissions start %(num)d day after the announcement; the minimum is %(min)d.",
                "Submissions start %(num)d days after the announcement; the minimum is %(min)d.",
                notice, min=config["NOTICE_MIN_DAYS"]))
    if opens_on and closes_on:
        length = (closes_on - opens_on).days + 1
        if length < config["CONSULTATION_MIN_DAYS"]:
            warnings.append(ngettext(
                "Remarks are taken for %(num)d day; the minimum is %(min)d.",
                "Remarks are taken for %(num)d days; the minimum is %(min)d.",
                length, min=config["CONSULTATION_MIN_DAYS"]))
    if len(consultation.methods or ()) < config["CONSULTATION_MIN_METHODS"]:
        warnings.append(ngettext(
            "The announcement names %(num)d form of consultation; the minimum is %(min)d.",
            "The announcement names %(num)d forms of consultation; the minimum is %(min)d.",
            len(consultation.methods or ()), min=config["CONSULTATION_MIN_METHODS"]))
    return warnings

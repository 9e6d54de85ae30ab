"""Remarks that did not come through the online form: staff register a paper form, an
e-mail, an ePUAP document or remarks made at a meeting, with the day each was received and
the file it came as. They take the next receipt number of the same series; one received
after the last day of submissions is kept and marked late (counted apart), never refused.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.consultations import uploads
from consult.consultations.deadlines import local_day
from consult.consultations.models import Consultation
from consult.core.enums import SubmissionChannel
from consult.core.errors import ServiceError
from consult.core.formatting import long_date, site_today
from consult.core.models import parse_id
from consult.extensions import db
from consult.remarks import intake
from consult.remarks.models import Submission, SubmissionFile


def earliest_day(consultation: Consultation) -> date | None:
    """The first day a remark can have been received: the announcement's, else the first
    day of submissions."""
    if consultation.announced_on:
        return consultation.announced_on
    return local_day(consultation.submissions_open_at)


def last_day(consultation: Consultation) -> date | None:
    """The last day of submissions (a window closing at midnight ends the day before)."""
    return local_day(consultation.submissions_close_at, last=True)


def check_received_on(consultation: Consultation, day: date | None) -> date:
    if day is None:
        raise ServiceError(_("Give the day the remarks were received."), "received_on")
    if day > site_today():
        raise ServiceError(_("The day received cannot be in the future."), "received_on")
    earliest = earliest_day(consultation)
    if earliest and day < earliest:
        raise ServiceError(_("The consultation was announced on %(date)s: remarks cannot have been received "
                             "before.", date=long_date(earliest)), "received_on")
    return day


def register(consultation: Consultation, data: dict[str, Any], user, upload=None) -> intake.Received:
    """Store a registered submission with its file (flushed). ``data`` as the online form's,
    with ``channel``, ``received_on`` and, for a meeting, ``meeting_id``."""
    try:
        channel = SubmissionChannel(data.get("channel") or "")
    except ValueError:
        raise ServiceError(_("Choose how the remarks came."), "channel") from None
    if channel not in SubmissionChannel.registered():
        raise ServiceError(_("Choose how the remarks came."), "channel")
    meeting_id = None
    if channel == SubmissionChannel.MEETING:
        meeting_id = parse_id(data.get("meeting_id"))
        if meeting_id not in {m.id for m in consultation.meetings}:
            raise ServiceError(_("Choose the meeting the remarks were made at."), "meeting_id")
    day = check_received_on(consultation, data.get("received_on"))
    checked = uploads.read_checked(upload, "skan") if upload is not None and upload.filename else None
    closes = last_day(consultation)
    registration = intake.Registration(channel=channel, received_on=day, user=user, meeting_id=meeting_id,
                                       late=bool(closes and day > closes))
    fields = {name: value for name, value in data.items() if name not in ("channel", "received_on", "meeting_id",
                                                                          "file")}
    received = intake.submit(consultation, fields, registration=registration)
    if checked is not None and not received.repeated:
        db.session.add(SubmissionFile(
            submission_id=received.submission.id, file_name=checked.file_name, media_type=checked.media_type,
            size=len(checked.content), sha256=checked.sha256, content=checked.content,
            uploaded_by_id=getattr(user, "id", None)))
        db.session.flush()
    return received


def file_of(submission: Submission, file_id: int) -> SubmissionFile | None:
    return db.session.scalar(sa.select(SubmissionFile).where(SubmissionFile.id == file_id,
                                                             SubmissionFile.submission_id == submission.id))

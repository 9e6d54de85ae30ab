"""What the consultation report shows, read from the record: how many submissions and
organisations, the remarks by how they were handled, and the table of remarks (published
stances only; organisations' names only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from consult.auth.models import User
from consult.consultations.models import Consultation
from consult.core.enums import RemarkStatus, Stance
from consult.core.formatting import site_zone
from consult.core.labels import target_label
from consult.core.models import utcnow
from consult.extensions import db
from consult.remarks.models import Remark
from consult.remarks.queries import remarks


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
    meetings: list  # the meetings held (on or before the report's date), in date order
    submissions: int
    organisations: int
    counts: list[tuple[str, int]]  # (what happened, how many remarks), in the report's order
    rows: list[ReportRow]
    # The forms of consultation the record shows, in words: the online form only when it was
    # open, the meetings only when one was held (never a fixed sentence: the report is a
    # legal document).
    forms: list[str] = field(default_factory=list)
    # When remarks could be sent online ((start, end); None when the form never opened).
    online_window: tuple[datetime, datetime | None] | None = None
    # Who prepared the answers: the officials whose stances are published, by name.
    prepared_by: list[str] = field(default_factory=list)
    # Who approved it, and when: the official who published this version (None in a draft).
    approved_by: str | None = None
    approved_on: date | None = None

    @property
    def received(self) -> int:
        return len(self.rows)


def consultation_forms(consultation: Consultation, now: datetime | None = None):
    """(the forms of consultation in words, the meetings held, the online form's window)
    as the record shows them at ``now``."""
    now = now or utcnow()
    today: date = now.astimezone(site_zone()).date()
    held = sorted((m for m in consultation.meetings if m.date <= today), key=lambda m: (m.date, m.id))
    opened = consultation.submissions_open_at
    window = None
    if opened is not None and opened <= now:
        closed = consultation.submissions_close_at
        window = (opened, closed if closed is not None and closed <= now else None)
    forms = []
    if window is not None:
        forms.append(_("the online consultation form"))
    if held:
        forms.append(ngettext("%(num)d consultation meeting", "%(num)d consultation meetings", len(held)))
    return forms, held, window


def report_data(consultation: Consultation, now: datetime | None = None) -> ReportData:
    """Everything the report shows, in the consultation's language (call within force_locale).

    Spam is left out. Only published stances appear: drafts are not the department's answer.
    Every statement comes from the record at ``now``: the forms of consultation, the meetings
    held, the counts.
    """
    found = [p for p in remarks(consultation, spam="hide")]
    lp = {p.id: n for n, p in enumerate(found, start=1)}
    rows, tally = [], {s: 0 for s in Stance}
    merged = rejected = waiting = 0
    for p in found:
        stance = reasoning = change = ""
        if p.status == RemarkStatus.ACCEPTED and p.published_stance is not None:
            stance, reasoning = str(p.published_stance.label), p.published_reasoning or ""
            change = p.published_change or ""
            tally[p.published_stance] += 1
        elif p.status == RemarkStatus.DUPLICATE and p.duplicate_of_id in lp:
            stance = _("as remark no. %(lp)d", lp=lp[p.duplicate_of_id])
            merged += 1
        elif p.status == RemarkStatus.REJECTED:
            stance, reasoning = str(p.status.label), p.rejection_reason or ""
            rejected += 1
        else:
            stance = _("being considered")
            waiting += 1
        rows.append(ReportRow(lp[p.id], p.number, p.submission.organisation, target_label(p), p.text,
                              p.proposed_wording or "", p.justification or "", stance, reasoning, change))
    counts = [(str(s.label), tally[s]) for s in Stance]
    counts += [(_("merged with another remark"), merged), (_("rejected"), rejected)]
    if waiting:
        counts.append((_("being considered"), waiting))
    submissions = {p.submission_id for p in found}
    organisations = {p.submission.organisation.strip().lower() for p in found}
    forms, held, window = consultation_forms(consultation, now)
    prepared_by = sorted(set(db.session.scalars(
        sa.select(User.name).join(Remark, Remark.stance_by_id == User.id)
        .where(Remark.consultation_id == consultation.id, Remark.published_stance.is_not(None)))))
    return ReportData(consultation, held, len(submissions), len(organisations), counts, rows,
                      forms, window, prepared_by)

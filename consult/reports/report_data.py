"""What the consultation report shows, read from the record: how many submissions and
organisations, the remarks by how they were handled, and the table of remarks (published
stances only; organisations' names only)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from consult.consultations.models import Consultation
from consult.core.enums import RemarkStatus, Stance
from consult.core.labels import target_label
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
    meetings: list
    submissions: int
    organisations: int
    counts: list[tuple[str, int]]  # (what happened, how many remarks), in the report's order
    rows: list[ReportRow]

    @property
    def received(self) -> int:
        return len(self.rows)


def report_data(consultation: Consultation) -> ReportData:
    """Everything the report shows, in the consultation's language (call within force_locale).

    Spam is left out. Only published stances appear: drafts are not the department's answer.
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
    return ReportData(consultation, list(consultation.meetings), len(submissions),
                      len(organisations), counts, rows)
